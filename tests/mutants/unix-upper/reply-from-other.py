# mutant: unix-upper/reply-from-other
# defect: sends each reply from a second, unbound socket, so the client gets it from no path instead of the server's
# killed-by: basic size-8192 two-clients stale-socket
# args: {path}
"""An AF_UNIX datagram upper-case server that replies through another socket."""
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
    out = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # DEFECT: replies leave from here, unbound
    try:
        while True:
            data, sender = sock.recvfrom(65536)
            if sender:
                out.sendto(data.upper(), sender)
    finally:
        os.unlink(path)


main()
