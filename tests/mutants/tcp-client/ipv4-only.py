# mutant: tcp-client/ipv4-only
# defect: parses HOST with inet_aton() and connects with an AF_INET socket only, so given an IPv6 literal (::1) it exits with an error
# killed-by: ipv6 ipv6-relay-segmented
# role: client
"""A TCP client that knows only dotted quads: no getaddrinfo()."""
import os
import select
import socket
import sys


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    try:
        addr = socket.inet_ntoa(socket.inet_aton(host))  # DEFECT: IPv4 literals only
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect((addr, port))
    except OSError as e:
        print(f"cannot connect to {host}:{port}: {e}", file=sys.stderr)
        return 1
    stdin_open = True
    out = sys.stdout.buffer
    try:
        while True:
            watch = [sock, 0] if stdin_open else [sock]
            readable, _, _ = select.select(watch, [], [])
            if 0 in readable:
                data = os.read(0, 65536)
                if data:
                    sock.sendall(data)
                else:
                    sock.shutdown(socket.SHUT_WR)
                    stdin_open = False
            if sock in readable:
                data = sock.recv(65536)
                if not data:
                    break
                out.write(data)
                out.flush()
    except OSError as e:
        print(f"connection error: {e}", file=sys.stderr)
        return 1
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
