# mutant: tcp-echo/read-once
# defect: reads once and replies once per connection, so a message split across segments is cut short
# killed-by: one-byte-pieces pause-mid-message many-segments
# role: server
"""A threaded echo server that assumes one recv() is one whole message."""
import signal
import socket
import sys
import threading


def serve(conn):
    with conn:
        data = conn.recv(65536)  # DEFECT: no loop; the rest of the message is never read
        if data:
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
