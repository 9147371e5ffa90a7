# mutant: chat/no-line-limit
# defect: keeps appending to a client's unfinished line with no limit, so a client that never sends a
#         newline is never disconnected and grows the server's memory without bound
# killed-by: over-long-line
# role: server
"""A select() chat server without the 4096-byte line limit."""
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
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    srv.setblocking(False)
    clients = {}

    def drop(sock):
        clients.pop(sock, None)
        sock.close()

    while True:
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
            c.inbuf = lines.pop()  # DEFECT: over 4096 bytes without a newline, drop the client
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
