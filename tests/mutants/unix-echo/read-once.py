# mutant: unix-echo/read-once
# defect: reads once and replies once per connection, so a message written in pieces is cut short
# killed-by: one-byte-pieces
# args: {path}
"""An AF_UNIX echo server that assumes one recv() is one whole message."""
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
                    data = conn.recv(65536)  # DEFECT: no loop; the rest of the message is never read
                    if data:
                        conn.sendall(data)
                except OSError:
                    pass
    finally:
        os.unlink(path)


main()
