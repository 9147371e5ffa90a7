#!/usr/bin/env python3
"""relink.py DIR: rewrites Ethernet (lo) fixtures into other link types, to show every decoder works."""
import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapfile  # noqa: E402


def convert(src, dst, linktype, make):
    lt, _, recs = pcapfile.read(src)
    assert lt == 1, f"{src}: expected Ethernet"
    out = []
    for sec, usec, caplen, length, data in recs:
        ethertype, = struct.unpack(">H", data[12:14])
        ip = data[14:]
        hdr = make(ethertype, ip)
        out.append((sec, usec, hdr + ip, length - 14 + len(hdr)))
    pcapfile.write(dst, pcapfile.LINKTYPE[linktype], out)


def raw(ethertype, ip):
    return b""


def sll(ethertype, ip):
    # packet type 0 (to us), ARPHRD_LOOPBACK, 6-byte address (zero), protocol
    return struct.pack(">HHH8sH", 0, 772, 6, b"", ethertype)


def sll2(ethertype, ip):
    # protocol, reserved, ifindex 1, ARPHRD_LOOPBACK, packet type 0, 6-byte address
    return struct.pack(">HHIHBB8s", ethertype, 0, 1, 772, 0, 6, b"")


def null(ethertype, ip):
    # host byte order (little-endian here); AF_INET6 as macOS writes it (30)
    return struct.pack("<I", 2 if ethertype == 0x0800 else 30)


def loop(ethertype, ip):
    # network byte order; AF_INET6 as OpenBSD writes it (24)
    return struct.pack(">I", 2 if ethertype == 0x0800 else 24)


def main():
    d = sys.argv[1]
    p = lambda n: os.path.join(d, n)  # noqa: E731
    convert(p("echo.pcap"), p("echo-raw.pcap"), "RAW", raw)
    convert(p("udp.pcap"), p("udp-sll.pcap"), "LINUX_SLL", sll)
    convert(p("echo6.pcap"), p("echo6-sll2.pcap"), "LINUX_SLL2", sll2)
    convert(p("rst.pcap"), p("rst-null.pcap"), "NULL", null)
    convert(p("echo6.pcap"), p("echo6-loop.pcap"), "LOOP", loop)
    convert(p("nul.pcap"), p("nul-ipv4.pcap"), "IPV4", raw)


main()
