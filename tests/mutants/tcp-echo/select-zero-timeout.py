# mutant: tcp-echo/select-zero-timeout
# defect: gives select() a timeout of 0, which means "return at once", not "wait forever": the loop polls
#         at full speed, using a whole core while no client sends
# killed-by: idle
# role: server
"""A single-threaded select() echo server that never blocks in select()."""
import select
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    clients = []
    while True:
        readable, _, _ = select.select([srv] + clients, [], [], 0)  # DEFECT: should be no timeout (None)
        for s in readable:
            if s is srv:
                conn, _ = srv.accept()
                clients.append(conn)
                continue
            try:
                data = s.recv(65536)
                if data:
                    s.sendall(data)
                    continue
            except OSError:
                pass
            clients.remove(s)
            s.close()


if __name__ == "__main__":
    main()
