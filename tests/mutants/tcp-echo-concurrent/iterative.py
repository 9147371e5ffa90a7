# mutant: tcp-echo-concurrent/iterative
# defect: serves clients one at a time in the accept loop, so a second client waits until the first leaves
# killed-by: idle-eight-then-ninth interleaved slow-client-does-not-block concurrent-binary
# role: server
"""An echo server without threads: correct for tcp-echo, wrong where concurrency is required."""
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
    while True:
        conn, _ = srv.accept()
        try:
            serve(conn)  # DEFECT: should be threading.Thread(target=serve, args=(conn,)).start()
        except OSError:
            pass


if __name__ == "__main__":
    main()
