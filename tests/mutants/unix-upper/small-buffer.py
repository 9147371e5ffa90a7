# mutant: unix-upper/small-buffer
# defect: reads each datagram into a 4096-byte buffer, so a larger one is cut and answered short
# killed-by: size-8192
# args: {path}
"""An AF_UNIX datagram upper-case server with a small receive buffer."""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    try:
        while True:
            data, sender = sock.recvfrom(4096)  # DEFECT: the rest of a larger datagram is discarded
            if sender:
                sock.sendto(data.upper(), sender)
    finally:
        os.unlink(path)


main()
