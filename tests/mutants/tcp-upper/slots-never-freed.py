# mutant: tcp-upper/slots-never-freed
# defect: counts clients in a fixed table of 32 slots but never frees a slot when a client leaves, so from
#         the 33rd client on every connection is closed at once ("server full")
# killed-by: sequential-50
# role: server
"""A select() upper-case server with a client limit whose counter only goes up."""
import select
import signal
import socket
import sys

MAX_CLIENTS = 32


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    clients = []
    used = 0
    while True:
        readable, _, _ = select.select([srv] + clients, [], [])
        for s in readable:
            if s is srv:
                conn, _ = srv.accept()
                if used == MAX_CLIENTS:
                    conn.close()  # server full
                    continue
                used += 1
                conn.setblocking(True)
                clients.append(conn)
                continue
            try:
                data = s.recv(65536)
                if data:
                    s.sendall(data.upper())
                    continue
            except OSError:
                pass
            clients.remove(s)  # DEFECT: the slot is not given back (used -= 1 is missing)
            s.close()


if __name__ == "__main__":
    main()
