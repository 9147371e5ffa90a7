# mutant: unix-upper/drops-empty
# defect: treats an empty datagram as nothing received and never answers it
# killed-by: basic
# args: {path}
"""An AF_UNIX datagram upper-case server that ignores empty datagrams."""
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
            data, sender = sock.recvfrom(65536)
            if data and sender:  # DEFECT: an empty datagram is a datagram too
                sock.sendto(data.upper(), sender)
    finally:
        os.unlink(path)


main()
