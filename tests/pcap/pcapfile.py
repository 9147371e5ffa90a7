"""pcapfile.py: read and write classic pcap files (the fixture scripts' only dependency)."""
import struct

LINKTYPE = {"EN10MB": 1, "NULL": 0, "RAW": 101, "LINUX_SLL": 113, "LOOP": 108, "IPV4": 228,
            "IPV6": 229, "LINUX_SLL2": 276}


def read(path):
    """Returns (linktype, snaplen, [(sec, usec, caplen, len, data)])."""
    with open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack("<I", raw[:4])
    end = "<" if magic == 0xA1B2C3D4 else ">"
    _, _, _, _, snaplen, linktype = struct.unpack(end + "HHiIII", raw[4:24])
    recs, off = [], 24
    while off + 16 <= len(raw):
        sec, usec, caplen, length = struct.unpack(end + "IIII", raw[off:off + 16])
        recs.append([sec, usec, caplen, length, raw[off + 16:off + 16 + caplen]])
        off += 16 + caplen
    return linktype, snaplen, recs


def header(linktype, snaplen=262144):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)


def record(sec, usec, data, length=None, caplen=None):
    caplen = len(data) if caplen is None else caplen
    length = len(data) if length is None else length
    return struct.pack("<IIII", sec, usec, caplen, length) + data


def write(path, linktype, recs, snaplen=262144):
    """recs: (sec, usec, data[, length]) tuples; length defaults to len(data)."""
    with open(path, "wb") as f:
        f.write(header(linktype, snaplen))
        for r in recs:
            f.write(record(r[0], r[1], r[2], r[3] if len(r) > 3 else None))
