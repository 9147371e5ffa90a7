# mutant: tcp-echo/greeting
# defect: greets every client with a welcome line before echoing, so the first bytes a client gets are not
#         its own
# killed-by: basic bind-all-interfaces nul-bytes one-byte-pieces sequential-50
# role: server
"""A threaded echo server with a friendly banner that the protocol does not have."""
import signal
import socket
import sys
import threading


def serve(conn):
    with conn:
        conn.sendall(b"Welcome to the echo server!\n")  # DEFECT: an echo server sends only what it received
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
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
