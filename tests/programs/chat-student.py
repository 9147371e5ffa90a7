# A known-correct chat server written the way a student would (profile chat), for flakiness runs: one
# select() loop over non-blocking sockets, a line buffer and an output queue per client. Documented
# limits (chat 12): a queue over 1 MiB stops reading from everybody, and a client that accepts nothing
# for 2 s while over it is dropped. A line over 4096 bytes drops its sender. Usage: PORT
import select
import signal
import socket
import sys
import time

LINE_MAX = 4096
QUEUE_MAX = 1 << 20
STALL = 2.0


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.out = bytearray()
        self.leaving = False  # sent FIN: gets what is queued, then is closed
        self.full_since = None


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    srv.setblocking(False)
    clients = {}

    def drop(c):
        clients.pop(c.sock, None)
        c.sock.close()

    while True:
        now = time.monotonic()
        for c in list(clients.values()):
            if c.full_since is not None and now - c.full_since >= STALL:
                drop(c)  # a stalled receiver
        hold = any(len(c.out) > QUEUE_MAX for c in clients.values())
        rlist = [srv] + ([] if hold else [s for s, c in clients.items() if not c.leaving])
        wlist = [s for s, c in clients.items() if c.out]
        readable, writable, _ = select.select(rlist, wlist, [], 0.5 if hold else None)
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
                drop(c)
                continue
            if not data:
                c.leaving, c.inbuf = True, b""
                if not c.out:
                    drop(c)
                continue
            c.inbuf += data
            *lines, c.inbuf = c.inbuf.split(b"\n")
            for line in lines:
                for other in clients.values():
                    if other is not c and not other.leaving:
                        other.out += line + b"\n"
                        if len(other.out) > QUEUE_MAX and other.full_since is None:
                            other.full_since = time.monotonic()
            if len(c.inbuf) >= LINE_MAX:
                drop(c)  # an over-long line breaks the protocol
        for s in writable:
            c = clients.get(s)
            if c is None or not c.out:
                continue
            try:
                n = s.send(c.out)
            except BlockingIOError:
                continue
            except OSError:
                drop(c)
                continue
            del c.out[:n]
            c.full_since = time.monotonic() if len(c.out) > QUEUE_MAX else None
            if c.leaving and not c.out:
                drop(c)


if __name__ == "__main__":
    main()
