# mutant: tcp-echo-concurrent/select-blocking-send
# defect: a select() loop that echoes with a blocking sendall(), so one client that stops reading stalls all
# killed-by: slow-client-does-not-block
# role: server
"""A single-threaded select() echo server whose writes can block."""
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
        readable, _, _ = select.select([srv] + clients, [], [])
        for s in readable:
            if s is srv:
                conn, _ = srv.accept()
                clients.append(conn)
                continue
            try:
                data = s.recv(65536)
                if data:
                    s.sendall(data)  # DEFECT: blocks while this client's buffers are full
                    continue
            except OSError:
                pass
            clients.remove(s)
            s.close()


if __name__ == "__main__":
    main()
