#!/usr/bin/env python3
"""sockcheck inspect over a pcap corpus (issue 15): no crash, no hang, a one-line error for what it cannot
read, and flow/packet counts equal to tshark's `-z conv,tcp` / `conv,udp` on the ordinary captures.

  pcap_corpus.py check SOCKCHECK CORPUS EXPECTED      (CI: compares with the recorded tshark counts)
  pcap_corpus.py record SOCKCHECK CORPUS EXPECTED     (runs tshark, rewrites EXPECTED)

A capture is "ordinary" when inspect reads it with no warning and no IP fragment, and tshark sees no
tunnel (GRE, VXLAN, Geneve, IP in IP, ...): inspect decodes the outer headers only and does not reassemble
fragments (docs/hardening.md). EXPECTED holds one line per ordinary capture:
  NAME <tab> SHA256 <tab> tcp:N,N,... <tab> udp:N,N,...   (each conversation's frame count, sorted)
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import time

HANG_S = 10


def inspect(sc, path):
    """(rc, stderr lines, json or None, seconds)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run([sc, "inspect", "--json", path], capture_output=True, timeout=HANG_S)
    except subprocess.TimeoutExpired:
        return None, [], None, HANG_S
    secs = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace").splitlines()
    doc = None
    if p.returncode == 0:
        doc = json.loads(p.stdout)
    return p.returncode, err, doc, secs


def counts_of(doc):
    out = {"tcp": [], "udp": []}
    for f in doc["flows"]:
        key = "packets" if f["proto"] == "tcp" else "datagrams"
        out[f["proto"]].append(f["client_to_server"][key] + f["server_to_client"][key])
    return {k: sorted(v) for k, v in out.items()}


def fragmented(doc):
    return any("fragment" in (p.get("note") or "") for p in doc["packets"])


CONV = re.compile(r"<->\s+\S+\s+(.*)$")
FRAMES = re.compile(r"(\d+)\s+[\d,.]+\s+(?:bytes|kB|MB|GB)")
TUNNEL = re.compile(r"\b(gre|vxlan|geneve|ipip|ip6ip|l2tp|gtp|erspan|mpls|teredo|ayiya|macsec|nsh)\b")


def tshark_counts(path):
    p = subprocess.run(["tshark", "-n", "-r", path, "-q", "-z", "conv,tcp", "-z", "conv,udp"],
                       capture_output=True, timeout=120)
    out, proto = {"tcp": [], "udp": []}, None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("TCP Conversations"):
            proto = "tcp"
        elif line.startswith("UDP Conversations"):
            proto = "udp"
        m = CONV.search(line)
        if proto and m:
            frames = FRAMES.findall(m.group(1))
            out[proto].append(int(frames[2]))
    return {k: sorted(v) for k, v in out.items()}


def tunneled(path):
    p = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.protocols"],
                       capture_output=True, timeout=120)
    protos = p.stdout.decode("utf-8", "replace")
    # A second IP header in one frame is a tunnel too (IP in IP, 6in4, ...).
    return bool(TUNNEL.search(protos)) or any(
        l.count(":ip") + l.count(":ipv6") > 1 for l in protos.splitlines())


def fmt(c):
    return "tcp:" + ",".join(map(str, c["tcp"])) + "\tudp:" + ",".join(map(str, c["udp"]))


def main():
    mode, sc, corpus, expected = sys.argv[1:5]
    files = sorted(f for f in os.listdir(corpus) if os.path.isfile(os.path.join(corpus, f)))
    problems, ordinary, unsupported, slowest = [], {}, 0, (0, "")
    for name in files:
        path = os.path.join(corpus, name)
        rc, err, doc, secs = inspect(sc, path)
        slowest = max(slowest, (secs, name))
        if rc is None:
            problems.append(f"{name}: hang (no result within {HANG_S}s)")
        elif rc < 0 or rc >= 128:
            problems.append(f"{name}: crash (exit {rc}): {' | '.join(err[-3:])}")
        elif rc == 2:
            if len(err) != 1 or not err[0].startswith(f"sockcheck inspect: {path}: "):
                problems.append(f"{name}: exit 2 without a one-line error: {err[:3]}")
            unsupported += "unsupported link type" in err[0] if err else 0
        elif rc != 0:
            problems.append(f"{name}: exit {rc}")
        elif not err and not fragmented(doc):
            sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
            ordinary[name] = (sha, counts_of(doc))
    compared = 0
    if mode == "record":
        with open(expected, "w") as out:
            for name, (sha, got) in ordinary.items():
                if tunneled(os.path.join(corpus, name)):
                    continue
                want = tshark_counts(os.path.join(corpus, name))
                out.write(f"{name}\t{sha}\t{fmt(want)}\n")
                compared += 1
                if want != got:
                    problems.append(f"{name}: tshark {fmt(want)} vs inspect {fmt(got)}")
    else:
        for line in open(expected):
            name, sha, tcp, udp = line.rstrip("\n").split("\t")
            if name not in ordinary:
                problems.append(f"{name}: no longer read cleanly (or missing from the corpus)")
                continue
            if ordinary[name][0] != sha:
                problems.append(f"{name}: the file changed; rerun: tests/pcap_corpus.py record ...")
                continue
            compared += 1
            if fmt(ordinary[name][1]) != f"{tcp}\t{udp}":
                problems.append(f"{name}: tshark {tcp} {udp} vs inspect {fmt(ordinary[name][1])}")
    for p in problems:
        print("FAIL:", p)
    print(f"pcap corpus: {len(files)} files, {unsupported} unsupported link types (one-line error), "
          f"{len(ordinary)} read cleanly, {compared} compared with tshark, slowest {slowest[0]:.2f}s "
          f"({slowest[1]}), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
