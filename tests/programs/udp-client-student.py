# A known-correct UDP client written the way a student would (profile udp-client), for flakiness runs:
# each stdin line is one request; wait 300 ms for the reply, up to 5 attempts; ignore any other datagram;
# print each reply with a newline; exit 1 when the server never answers. Usage: HOST PORT
import socket
import sys
import time

TABLE = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def ask(sock, addr, request):
    want = request.translate(TABLE)
    for _ in range(5):
        sock.sendto(request, addr)
        deadline = time.monotonic() + 0.3
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                data = sock.recvfrom(65536)[0]
            except socket.timeout:
                break
            if data == want:
                return data
    return None


def main():
    if len(sys.argv) != 3:
        print("usage: udp-client-student.py HOST PORT", file=sys.stderr)
        return 2
    try:
        family, _, _, _, addr = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_DGRAM)[0]
    except (OSError, ValueError) as e:
        print(f"cannot resolve {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    sock = socket.socket(family, socket.SOCK_DGRAM)
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        request = line[:-1] if line.endswith(b"\n") else line
        reply = ask(sock, addr, request)
        if reply is None:
            print("no reply from the server after 5 attempts", file=sys.stderr)
            return 1
        out.write(reply + b"\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
