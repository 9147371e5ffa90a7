# mutant: tcp-upper/no-break-on-empty
# defect: the read loop has no `if not data: break`: once the client leaves, recv() returns b"" at once,
#         forever, and the thread spins on a whole core without ever closing the connection
# killed-by: idle half-close
# role: server
"""A thread-per-client upper-case server whose loop never ends."""
import signal
import socket
import sys
import threading


def serve(conn):
    while True:
        data = conn.recv(1024)  # DEFECT: b"" means the client has left; this loops on it forever
        conn.sendall(data.upper())


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
