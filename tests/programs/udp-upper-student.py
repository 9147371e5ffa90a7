# A known-correct UDP upper-case server written the way a student would (profile udp-upper), for
# flakiness runs: one reply per datagram, a-z made A-Z (bytes, no locale), exit 0 on SIGTERM. Usage: PORT
import signal
import socket
import sys

TABLE = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def main():
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", port))
    while True:
        data, peer = sock.recvfrom(65536)
        try:
            sock.sendto(data.translate(TABLE), peer)
        except OSError as e:
            print(f"sendto {peer}: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
