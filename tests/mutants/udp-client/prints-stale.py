# mutant: udp-client/prints-stale
# defect: retransmits correctly but takes any datagram that arrives as the answer, so a duplicated or late reply is printed as the answer to the next line
# killed-by: duplicate-reply reordered-reply
# role: client
"""A UDP client that does not check which request a reply answers."""
import socket
import sys


def main():
    family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.settimeout(0.3)
    for line in sys.stdin.buffer:
        req = line.rstrip(b"\n")
        for _ in range(5):
            sock.sendto(req, addr)
            try:
                data, _ = sock.recvfrom(65536)  # DEFECT: not compared with the request
                break
            except socket.timeout:
                continue
        else:
            print(f"{sys.argv[0]}: no reply after 5 attempts", file=sys.stderr)
            sys.exit(1)
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
