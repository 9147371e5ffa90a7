# mutant: unix-echo/serve-one
# defect: serves the first client and then returns from main, so the next client finds nothing listening
# killed-by: sequential-20 abrupt-then-new-client idle
# args: {path}
"""An AF_UNIX echo server without its accept loop."""
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
    conn, _ = srv.accept()  # DEFECT: one accept, no loop
    with conn:
        try:
            while data := conn.recv(65536):
                conn.sendall(data)
        except OSError:
            pass
    os.unlink(path)


main()
