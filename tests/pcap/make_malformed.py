#!/usr/bin/env python3
"""make_malformed.py DIR: damaged captures, from echo.pcap and hand-built packets (all deterministic).

File-level damage (sockcheck inspect exits 2): empty, truncated file header, garbage, a record cut short,
an absurd caplen. Packet-level damage (a per-frame warning, exit 0): bad-ip, bad-tcp, bad-misc."""
import os
import random
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapfile  # noqa: E402

ETH_V4 = b"\0" * 12 + b"\x08\x00"
ETH_V6 = b"\0" * 12 + b"\x86\xdd"
LO4 = bytes([127, 0, 0, 1])
LO6 = bytes(15) + b"\x01"


def ipv4(payload, proto=17, frag=0, ihl=5, total=None):
    total = 20 + len(payload) if total is None else total
    return struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, total, 1, frag, 64, proto, 0, LO4, LO4) + payload


def ipv6(payload, nh):
    return struct.pack(">IHBB16s16s", 0x60000000, len(payload), nh, 64, LO6, LO6) + payload


def udp(payload, sport=40020, dport=9000, length=None):
    length = 8 + len(payload) if length is None else length
    return struct.pack(">HHHH", sport, dport, length, 0) + payload


def setb(data, off, value):
    return data[:off] + bytes([value]) + data[off + 1:]


def set16(data, off, value):
    return data[:off] + struct.pack(">H", value) + data[off + 2:]


def main():
    d = sys.argv[1]
    p = lambda n: os.path.join(d, n)  # noqa: E731
    _, _, recs = pcapfile.read(p("echo.pcap"))
    syn, data4, data6 = recs[0][4], recs[3][4], recs[5][4]
    sec, usec = recs[0][0], recs[0][1]
    t = lambda i: (sec, usec + 1000 * i)  # noqa: E731

    # whole-file damage
    open(p("empty.pcap"), "wb").close()
    with open(p("echo.pcap"), "rb") as f:
        whole = f.read()
    with open(p("trunc-header.pcap"), "wb") as f:
        f.write(whole[:10])
    with open(p("garbage.pcap"), "wb") as f:
        f.write(bytes(random.Random(7).randrange(256) for _ in range(256)))
    with open(p("trunc-record.pcap"), "wb") as f:
        f.write(pcapfile.header(1))
        for r in recs[:4]:
            f.write(pcapfile.record(r[0], r[1], r[4]))
        f.write(pcapfile.record(recs[4][0], recs[4][1], recs[4][4])[:16 + 20])
    with open(p("caplen-huge.pcap"), "wb") as f:
        f.write(pcapfile.header(1))
        f.write(pcapfile.record(recs[0][0], recs[0][1], recs[0][4]))
        f.write(struct.pack("<IIII", recs[1][0], recs[1][1], 0x7FFFFFFF, 0x7FFFFFFF) + recs[1][4])
    # caplen above the file's snaplen: libpcap keeps the first snaplen bytes
    with open(p("caplen-over-snaplen.pcap"), "wb") as f:
        f.write(pcapfile.header(1, snaplen=60))
        for r in recs[:4]:
            f.write(pcapfile.record(r[0], r[1], r[4]))

    # IPv4 header lies (frame 4 of echo.pcap: 14 Ethernet + 20 IP + 32 TCP + 6 bytes "hello\n")
    pcapfile.write(p("bad-ip.pcap"), 1, [
        t(0) + (syn,),
        t(1) + (setb(data4, 14, 0x4F),),                  # IHL 60 > total length 58
        t(2) + (setb(data4, 14, 0x44),),                  # IHL 16 < 20
        t(3) + (set16(data4, 16, 1500),),                 # total length beyond the frame
        t(4) + (set16(setb(data4, 14, 0x4F), 16, 100),),  # IHL 60 beyond the 58 bytes present
        t(5) + (setb(data4, 14, 0x55),),                  # version 5
        t(6) + (data4[:26],),                             # IPv4 header cut at 12 bytes
        t(7) + (data6,),                                  # still decodes after all that
    ])
    tcp_cut = set16(data4[:14 + 20 + 14], 16, 34)
    pcapfile.write(p("bad-tcp.pcap"), 1, [
        t(0) + (setb(data4, 46, 0x30),),                  # data offset 3 words
        t(1) + (setb(data4, 46, 0xF0),),                  # data offset 60 > 38-byte segment
        t(2) + (tcp_cut,),                                # TCP header cut at 14 bytes
        t(3) + (data4[:44], len(data4)),                  # snaplen cut inside the TCP header
        t(4) + (data4[:68], len(data4)),                  # snaplen cut inside the payload: flagged
        t(5) + (data6,),
    ])
    hbh = bytes([17, 0, 1, 4, 0, 0, 0, 0])               # hop-by-hop: next UDP, PadN
    dst = bytes([43, 0, 1, 4, 0, 0, 0, 0])               # destination options: next routing
    rt = bytes([17, 0, 0, 0, 0, 0, 0, 0])                # routing (type 0, no segments left)
    frag6 = struct.pack(">BBHI", 17, 0, 0x0001, 99)       # fragment offset 0, more fragments
    arp = b"\xff" * 6 + b"\0" * 6 + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + bytes(20)
    pcapfile.write(p("bad-misc.pcap"), 1, [
        t(0) + (b"\0" * 10,),                                             # Ethernet cut
        t(1) + (arp,),                                                    # not IP
        t(2) + (ETH_V4 + ipv4(udp(b"abcd", length=4)),),                  # UDP length < 8
        t(3) + (ETH_V4 + ipv4(udp(b"abcd", length=100)),),                # UDP length > IP payload
        t(4) + (ETH_V6 + ipv6(hbh + udp(b"hop-by-hop"), 0),),             # IPv6 extension header
        t(5) + (ETH_V6 + ipv6(dst + rt + udp(b"dst+routing"), 60),),      # two extension headers
        t(6) + (ETH_V6 + ipv6(frag6 + udp(b"first fragment"), 44),),      # IPv6 fragment
        t(7) + (ETH_V4 + ipv4(udp(b"fragment"), frag=0x2000),),           # IPv4 fragment (MF)
        t(8) + (ETH_V6 + ipv6(bytes([17, 10]) + bytes(6) + udp(b"x"), 0),),  # HBH longer than payload
        t(9) + (ETH_V4 + ipv4(bytes([8, 0, 0, 0, 0, 1, 0, 1]), proto=1),),  # ICMP echo request
        t(10) + (b"\0" * 12 + b"\x81\x00\x00\x05\x08\x00" + ipv4(udp(b"vlan 5")),),  # 802.1Q tag
        t(11) + (ETH_V4 + ipv4(udp(b"ok", sport=40021)) + b"\0" * 8,),     # Ethernet padding trimmed
    ])


main()
