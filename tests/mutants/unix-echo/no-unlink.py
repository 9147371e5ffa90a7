# mutant: unix-echo/no-unlink
# defect: binds its path without unlinking it first, so a stale socket file from an earlier run makes bind() fail with EADDRINUSE and the server exits
# killed-by: stale-socket
# args: {path}
"""An AF_UNIX echo server that forgets the stale socket of an earlier run."""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)  # DEFECT: no os.unlink(path) before bind()
    srv.listen(16)
    try:
        while True:
            conn, _ = srv.accept()
            with conn:
                try:
                    while data := conn.recv(65536):
                        conn.sendall(data)
                except OSError:
                    pass
    finally:
        os.unlink(path)


main()
