#!/usr/bin/env python3
"""relay_peer.py: the small UDP/TCP peers tests/relay.sh puts on both sides of `sockcheck relay`.

Every wait has a timeout; each mode prints one line that the test compares.
"""
import socket
import sys

HOST = "127.0.0.1"


def udp_echo(port, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, port))
    print("listening", file=sys.stderr, flush=True)
    s.settimeout(idle)
    try:
        while True:
            data, addr = s.recvfrom(65535)
            s.sendto(data, addr)
    except socket.timeout:
        pass


def udp_collect(s, wait):
    got = []
    s.settimeout(wait)
    try:
        while True:
            got.append(s.recv(65535).decode())
    except socket.timeout:
        pass
    return got


def udp_client(port, mode, n, wait):
    """lockstep: send one, collect replies until quiet; burst: send all, then collect."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    got = []
    for i in range(1, n + 1):
        s.sendto(b"m%d" % i, (HOST, port))
        if mode == "lockstep":
            got += udp_collect(s, wait)
    if mode == "burst":
        got += udp_collect(s, wait)
    print(" ".join(got) if got else "(none)")


def tcp_listen(port):
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((HOST, port))
    l.listen(4)
    print("listening", file=sys.stderr, flush=True)
    l.settimeout(10)
    c, _ = l.accept()
    c.settimeout(10)
    return c


def read_all(c):
    """Reads to EOF or an error; returns (bytes, reads, how it ended)."""
    data, reads = b"", 0
    try:
        while True:
            d = c.recv(65536)
            if not d:
                return data, reads, "EOF"
            data, reads = data + d, reads + 1
    except ConnectionResetError:
        return data, reads, "RST"
    except socket.timeout:
        return data, reads, "timeout"


def tcp_server(port, mode):
    c = tcp_listen(port)
    if mode == "rst":  # read a little, then abort the connection
        c.recv(10)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
        c.close()
        print("server: reset")
        return
    data, reads, end = read_all(c)
    if mode == "echo":  # after the client's FIN, send everything back, then FIN
        c.sendall(data)
        c.close()
    print("server: %d bytes in %d reads, %s" % (len(data), reads, end))
    if mode == "sink":
        print("server: data %s" % data[:40].decode(errors="replace"))


def tcp_client(port, mode, size):
    s = socket.create_connection((HOST, port), timeout=10)
    payload = bytes((ord("a") + i % 26 for i in range(size)))
    try:
        s.sendall(payload)
        if mode != "keep":
            s.shutdown(socket.SHUT_WR)  # half-close: the reply must still flow back
    except (ConnectionResetError, BrokenPipeError):
        print("client: RST while sending")
        return
    data, reads, end = read_all(s)
    same = "identical" if data == payload else "different"
    print("client: %d bytes back (%s), %s" % (len(data), same, end))


def main():
    mode = sys.argv[1]
    if mode == "udp-echo":
        udp_echo(int(sys.argv[2]), float(sys.argv[3]))
    elif mode == "udp-client":
        udp_client(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif mode == "tcp-server":
        tcp_server(int(sys.argv[2]), sys.argv[3])
    elif mode == "tcp-client":
        tcp_client(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit("relay_peer.py: unknown mode " + mode)


if __name__ == "__main__":
    main()
