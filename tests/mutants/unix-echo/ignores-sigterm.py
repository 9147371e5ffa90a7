# mutant: unix-echo/ignores-sigterm
# defect: ignores SIGTERM, so it can only be stopped with SIGKILL
# killed-by: sigterm removes-socket
# args: {path}
"""An AF_UNIX echo server that ignores SIGTERM."""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # DEFECT
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
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
