# mutant: unix-upper/no-unlink
# defect: binds its path without unlinking it first, so a stale socket file from an earlier run makes bind() fail with EADDRINUSE
# killed-by: stale-socket
# args: {path}
"""An AF_UNIX datagram upper-case server that forgets the stale socket of an earlier run."""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)  # DEFECT: no os.unlink(path) first
    try:
        while True:
            data, sender = sock.recvfrom(65536)
            if sender:
                sock.sendto(data.upper(), sender)
    finally:
        os.unlink(path)


main()
