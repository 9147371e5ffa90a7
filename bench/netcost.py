#!/usr/bin/env python3
"""bench/netcost.py: what it costs to look at a namespace's TCP sockets (not a test).

Reads /proc/net/tcp and tcp6 (each walks every bucket of the established hash, which all network
namespaces share unless net.ipv4.tcp_child_ehash_entries gave one its own), and makes sock_diag dumps of
LISTEN sockets only (the kernel then walks only the listening hash) and of every state. Prints the mean
time of each over ROUNDS (default 50). Run it in the namespace to measure, e.g.
    unshare -n python3 bench/netcost.py
    unshare -n sh -c 'echo 1024 > /proc/sys/net/ipv4/tcp_child_ehash_entries && unshare -n python3 bench/netcost.py'
(the second gives the inner namespace an established hash of its own, of 1024 buckets).
"""
import os
import socket
import struct
import time

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
ROUNDS = int(os.environ.get("ROUNDS", "50"))


def dump(family, states):
    """One sock_diag dump of the TCP sockets of family in states (a bit mask); returns their number."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
    req = struct.pack("=BBBBI", family, socket.IPPROTO_TCP, 0, 0, states) + bytes(48)
    s.send(struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 0, 0) + req)
    n = 0
    while True:
        data = s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            length, kind = struct.unpack_from("=IH", data, off)
            if kind in (NLMSG_ERROR, NLMSG_DONE):
                s.close()
                return n
            n += 1
            off += (length + 3) & ~3


def mean_ms(fn):
    t = time.perf_counter()
    for _ in range(ROUNDS):
        fn()
    return (time.perf_counter() - t) / ROUNDS * 1000


def main():
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        print(f"read {path}: {mean_ms(lambda: open(path).read()):.3f} ms")
    listen = 1 << 10
    print(f"sock_diag LISTEN, IPv4 + IPv6: {mean_ms(lambda: (dump(socket.AF_INET, listen), dump(socket.AF_INET6, listen))):.3f} ms")
    print(f"sock_diag every state, IPv4 + IPv6: {mean_ms(lambda: (dump(socket.AF_INET, 0xffffffff), dump(socket.AF_INET6, 0xffffffff))):.3f} ms")


if __name__ == "__main__":
    main()
