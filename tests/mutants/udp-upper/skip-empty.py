# mutant: udp-upper/skip-empty
# defect: treats a zero-length datagram as "nothing received" and never answers it
# killed-by: empty-datagram
# role: server
"""A UDP upper server that ignores empty datagrams."""
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    while True:
        data, addr = srv.recvfrom(65536)
        if not data:  # DEFECT: an empty datagram is a request too
            continue
        srv.sendto(data.upper(), addr)


if __name__ == "__main__":
    main()
