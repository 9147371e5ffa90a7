# mutant: tcp-echo/bind-localhost
# defect: binds 127.0.0.1 instead of all interfaces, so the server is unreachable on any other address
# killed-by: bind-all-interfaces
# role: server
"""A threaded echo server bound to the loopback address only."""
import signal
import socket
import sys
import threading


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
    srv.bind(("127.0.0.1", port))  # DEFECT: should be "" (INADDR_ANY)
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
