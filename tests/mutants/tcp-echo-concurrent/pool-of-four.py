# mutant: tcp-echo-concurrent/pool-of-four
# defect: a fixed pool of four worker threads, each serving one client until it leaves, so a fifth client waits
# killed-by: idle-eight-then-ninth
# role: server
"""A pre-threaded echo server whose pool is smaller than the number of clients."""
import signal
import socket
import sys
import threading

WORKERS = 4  # DEFECT: idle clients pin every worker; one thread per connection has no such limit


def serve(conn):
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            conn.sendall(data)


def worker(srv):
    while True:
        conn, _ = srv.accept()
        try:
            serve(conn)
        except OSError:
            pass


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    srv.listen(64)
    for _ in range(WORKERS):
        threading.Thread(target=worker, args=(srv,), daemon=True).start()
    signal.pause()


if __name__ == "__main__":
    main()
