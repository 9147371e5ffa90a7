# mutant: tcp-echo/sigterm-exit-1
# defect: exits with status 1 on SIGTERM, as if the normal shutdown were an error
# killed-by: sigterm sigterm-exit-0
# role: server
"""A threaded echo server whose SIGTERM handler reports failure."""
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
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(1))  # DEFECT: a requested stop is not a failure
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
