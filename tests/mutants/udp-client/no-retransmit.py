# mutant: udp-client/no-retransmit
# defect: sends each request once and waits forever (no timeout, no retry)
# killed-by: lost-request lost-reply reordered-reply black-hole seeded-loss
# role: client
"""A UDP client that trusts the network."""
import socket
import sys


def main():
    family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    for line in sys.stdin.buffer:
        req = line.rstrip(b"\n")
        sock.sendto(req, addr)
        want = req.upper()
        while True:
            data, _ = sock.recvfrom(65536)  # DEFECT: blocks forever if either datagram is lost
            if data == want:
                break
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
