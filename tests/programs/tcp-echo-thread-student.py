# A known-correct echo server written the way a student would (profile tcp-echo, thread per client), for
# flakiness runs: echoes every byte, closes after the client's EOF, exits 0 on SIGTERM. Usage: PORT
import signal
import socket
import sys
import threading


def serve(conn):
    with conn:
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break  # the client half-closed: we are done too
                conn.sendall(data)
        except OSError:
            pass  # the client reset: drop it


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
