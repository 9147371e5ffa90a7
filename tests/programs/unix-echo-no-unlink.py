"""A student's AF_UNIX echo server with the classic bug: it never unlinks its socket path, neither a stale
one before bind() nor its own when it stops. `python3 unix-echo-no-unlink.py PATH`"""
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)  # fails with EADDRINUSE when an earlier run left its socket file here
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        with conn:
            try:
                while data := conn.recv(65536):
                    conn.sendall(data)
            except OSError:
                pass


main()
