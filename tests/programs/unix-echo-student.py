"""A correct AF_UNIX echo server, as a student writes it after the lecture: `python3 unix-echo-student.py PATH`.

It removes a stale socket file before bind(), echoes each client until it shuts down writing, survives
clients that vanish, and removes its socket file when SIGTERM stops it."""
import os
import signal
import socket
import sys


def serve(conn):
    with conn:
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)
        except OSError as e:  # the client reset or stopped reading: serve the next one
            print("client gone:", e, file=sys.stderr)


def main():
    if len(sys.argv) != 2 or not sys.argv[1]:
        print("usage: unix-echo-student.py PATH", file=sys.stderr)
        sys.exit(2)
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    try:
        os.unlink(path)  # a socket file left by an earlier run
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    try:
        while True:
            conn, _ = srv.accept()
            serve(conn)
    finally:
        srv.close()
        os.unlink(path)


main()
