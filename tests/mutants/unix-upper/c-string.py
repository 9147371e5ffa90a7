# mutant: unix-upper/c-string
# defect: treats a datagram as a C string and answers only the bytes before its first NUL
# killed-by: basic
# args: {path}
"""An AF_UNIX datagram upper-case server that cuts data at NUL."""
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
            if sender:
                sock.sendto(data.split(b"\0")[0].upper(), sender)  # DEFECT: strlen()
    finally:
        os.unlink(path)


main()
