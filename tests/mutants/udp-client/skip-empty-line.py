# mutant: udp-client/skip-empty-line
# defect: skips empty stdin lines instead of sending an empty datagram, so the output loses a line
# killed-by: clean
# role: client
"""A UDP client that treats an empty line as nothing to do."""
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
        if not req:
            continue  # DEFECT: an empty line is a request too
        want = req.upper()
        for _ in range(5):
            sock.sendto(req, addr)
            data = await_reply(sock, want, 0.3)
            if data is not None:
                break
        else:
            print(f"{sys.argv[0]}: no reply after 5 attempts", file=sys.stderr)
            sys.exit(1)
        sys.stdout.buffer.write(data + b"\n")
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
