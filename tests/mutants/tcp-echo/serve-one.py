# mutant: tcp-echo/serve-one
# defect: serves the first client and then returns from main, so the second client is refused
# killed-by: sequential-50 reset-then-new-client no-fd-leak
# role: server
"""An echo server without its accept loop."""
import signal
import socket
import sys


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    conn, _ = srv.accept()  # DEFECT: no "while True:" around accept
    try:
        serve(conn)
    except OSError:
        pass


if __name__ == "__main__":
    main()
