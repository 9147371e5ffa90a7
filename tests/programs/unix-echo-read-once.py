"""A student's AF_UNIX echo server that reads once per client: it assumes one recv() is the whole message,
echoes it and closes. `python3 unix-echo-read-once.py PATH`"""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    try:
        while True:
            conn, _ = srv.accept()
            with conn:
                try:
                    data = conn.recv(65536)
                    if data:
                        conn.sendall(data)
                except OSError:
                    pass
    finally:
        os.unlink(path)


main()
