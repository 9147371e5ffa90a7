# mutant: udp-upper/sticky-peer
# defect: connect()s its socket to the first client and send()s to it, so the kernel drops every other client's datagrams (and an ICMP error from a vanished client raises ConnectionRefusedError, which kills it)
# killed-by: interleaved-clients client-side-loss
# role: server
"""A UDP upper server that talks to its first client only."""
import signal
import socket
import sys


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("", port))
    data, addr = srv.recvfrom(65536)
    srv.connect(addr)  # DEFECT: from now on only this peer can reach the server
    while True:
        srv.send(data.upper())
        data = srv.recv(65536)


if __name__ == "__main__":
    main()
