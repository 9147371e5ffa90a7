# mutant: udp-client/retry-forever
# defect: retransmits every 300 ms without a limit, so against a dead server it never gives up (and floods the path)
# killed-by: black-hole
# role: client
"""A UDP client that never gives up."""
import socket
import sys
import time


def await_reply(sock, want, timeout):
    """The wanted datagram within timeout seconds, or None; anything else is skipped."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        sock.settimeout(left)
        try:
            data, _ = sock.recvfrom(65536)
        except socket.timeout:
            return None
        if data == want:
            return data


def main():
    family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    for line in sys.stdin.buffer:
        req = line.rstrip(b"\n")
        want = req.upper()
        data = None
        while data is None:  # DEFECT: no attempt limit
            sock.sendto(req, addr)
            data = await_reply(sock, want, 0.3)
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
