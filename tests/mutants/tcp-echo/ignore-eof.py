# mutant: tcp-echo/ignore-eof
# defect: treats an empty recv() as "nothing yet" and keeps looping, so a half-closed client never gets a FIN
# killed-by: half-close nul-bytes binary-1mib half-close-in-flight idle
# role: server
"""A threaded echo server that never notices end-of-file."""
import signal
import socket
import sys
import threading


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if data:  # DEFECT: b"" means the client half-closed; this spins forever instead of closing
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
