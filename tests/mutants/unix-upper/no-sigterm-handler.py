# mutant: unix-upper/no-sigterm-handler
# defect: has no SIGTERM handler, so the signal kills it and its socket file is left behind
# killed-by: removes-socket
# args: {path}
"""An AF_UNIX datagram upper-case server that leaves SIGTERM at its default action."""
import os
import socket
import sys


def main():
    path = sys.argv[1]
    # DEFECT: no SIGTERM handler: the signal kills the interpreter before the finally below can run
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    try:
        while True:
            data, sender = sock.recvfrom(65536)
            if sender:
                sock.sendto(data.upper(), sender)
    finally:
        os.unlink(path)


main()
