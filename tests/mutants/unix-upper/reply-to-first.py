# mutant: unix-upper/reply-to-first
# defect: remembers the first sender's path and sends every reply there, so a second client never gets its answers
# killed-by: two-clients
# args: {path}
"""An AF_UNIX datagram upper-case server with one remembered client."""
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
    first = None
    try:
        while True:
            data, sender = sock.recvfrom(65536)
            first = first or sender  # DEFECT: not each datagram's own sender
            if first:
                sock.sendto(data.upper(), first)
    finally:
        os.unlink(path)


main()
