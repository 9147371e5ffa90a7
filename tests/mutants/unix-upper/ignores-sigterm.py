# mutant: unix-upper/ignores-sigterm
# defect: ignores SIGTERM, so it can only be stopped with SIGKILL
# killed-by: sigterm removes-socket
# args: {path}
"""An AF_UNIX datagram upper-case server that ignores SIGTERM."""
import os
import signal
import socket
import sys


def main():
    path = sys.argv[1]
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # DEFECT
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    while True:
        data, sender = sock.recvfrom(65536)
        if sender:
            sock.sendto(data.upper(), sender)


main()
