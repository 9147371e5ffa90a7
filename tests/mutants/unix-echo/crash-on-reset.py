# mutant: unix-echo/crash-on-reset
# defect: does not catch ConnectionResetError, so a client that closes with its echo unread ends the server
# killed-by: abrupt-then-new-client stops-reading
# args: {path}
"""An AF_UNIX echo server whose loop lets a connection error end the program."""
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
                while data := conn.recv(65536):  # DEFECT: no try/except OSError around the echo
                    conn.sendall(data)
    finally:
        os.unlink(path)


main()
