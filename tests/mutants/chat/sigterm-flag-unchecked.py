# mutant: chat/sigterm-flag-unchecked
# defect: its SIGTERM handler only sets a flag, and select() is retried after a handler (PEP 475), so the loop never sees the flag while its clients are quiet: SIGTERM does not stop the server
# killed-by: sigterm sigterm-exit-0
# role: server
"""A select() chat server that stops only when the next event wakes it after SIGTERM."""
import select
import signal
import socket
import sys


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.outbuf = bytearray()


def main():
    port = int(sys.argv[1])
    stopping = []
    signal.signal(signal.SIGTERM, lambda sig, frame: stopping.append(sig))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    srv.setblocking(False)
    clients = {}

    def drop(sock):
        clients.pop(sock, None)
        sock.close()

    while not stopping:  # DEFECT: select() below resumes after the handler; nothing wakes the loop to look
        wanted = [s for s, c in clients.items() if c.outbuf]
        readable, writable, _ = select.select([srv] + list(clients), wanted, [])
        for s in readable:
            if s is srv:
                try:
                    conn, _ = srv.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                clients[conn] = Client(conn)
                continue
            c = clients.get(s)
            if c is None:
                continue
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                drop(s)
                continue
            lines = (c.inbuf + data).split(b"\n")
            c.inbuf = lines.pop()
            if lines:
                payload = b"\n".join(lines) + b"\n"
                for other in clients.values():
                    if other is not c:
                        other.outbuf += payload
        for s in writable:
            c = clients.get(s)
            if c is None:
                continue
            try:
                n = s.send(c.outbuf)
            except BlockingIOError:
                continue
            except OSError:
                drop(s)
                continue
            del c.outbuf[:n]


if __name__ == "__main__":
    main()
    sys.exit(0)
