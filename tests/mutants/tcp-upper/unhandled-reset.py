# mutant: tcp-upper/unhandled-reset
# defect: lets ConnectionResetError escape the accept loop, so one client that resets ends the whole server
# killed-by: reset-then-new-client
# role: server
"""An iterative upper-case server without exception handling around each client."""
import signal
import socket
import sys


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
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
        serve(conn)  # DEFECT: needs try/except OSError, as a peer may vanish at any time


if __name__ == "__main__":
    main()
