# mutant: unix-echo/c-string
# defect: treats what it reads as a C string and echoes only up to the first NUL byte
# killed-by: nul-bytes binary-1mib
# args: {path}
"""An AF_UNIX echo server that cuts data at NUL, as strlen() would."""
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
                    while data := conn.recv(65536):
                        conn.sendall(data.split(b"\0")[0])  # DEFECT: the rest after a NUL is lost
                except OSError:
                    pass
    finally:
        os.unlink(path)


main()
