#!/usr/bin/env python3
# relay_capture_check.py: does a case's capture show exactly the datagrams (UDP) or segments (TCP) that
# its relay's fault log says the relay sent? Reads the capture with tshark, an independent decoder.
#
# usage: relay_capture_check.py CASE.pcap CASE.faults.log [--frames N]
#   --frames N: also check that tshark reads N frames (the count sockcheck inspect gives)
#
# UDP: the datagrams that reach the relay in each direction are numbered #1.. in capture order; the log
# says what became of each (drop, truncate, corrupt, duplicate, hold, delay). From that this script
# builds the datagrams the relay must have sent, and compares them with the ones it did send, byte for
# byte: the same multiset always, the same order unless a delay had jitter.
# TCP: with "segment K", no segment the relay sent that way may carry more than K bytes; in every case
# the relay's outgoing byte stream must equal its incoming one (up to a reset-after).
# Exit 0 when the capture agrees with the log, 1 with every disagreement printed, 2 on a usage error.
import re
import subprocess
import sys


FIELDS = ["frame.number", "frame.time_epoch", "udp.srcport", "udp.dstport", "udp.payload", "tcp.stream",
          "tcp.srcport", "tcp.dstport", "tcp.len", "tcp.seq"]


def tshark(pcap):
    """Every frame of the capture as a dict of FIELDS ('' where a field is absent): one tshark run."""
    cmd = ["tshark", "-n", "-r", pcap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit("relay_capture_check: tshark failed on %s: %s" % (pcap, out.stderr.strip()))
    return [dict(zip(FIELDS, line.split("\t"))) for line in out.stdout.splitlines()]


def read_log(path):
    relays, decisions = [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"# relay (\S+) \(.*\): (udp|tcp) 127\.0\.0\.1:(\d+) -> 127\.0\.0\.1:(\d+)$", line)
        if m:
            relays.append({"name": m[1], "udp": m[2] == "udp", "listen": int(m[3]), "to": int(m[4])})
            decisions.append([])
        elif line and not line.startswith("#"):
            if not decisions:
                sys.exit("relay_capture_check: %s: a decision before any relay header" % path)
            decisions[-1].append(line)
    return relays, decisions


def udp_plan(lines, direction):
    """What the log says about each datagram #n of a direction."""
    plan = {}
    jitter = False
    for line in lines:
        m = re.match(r"udp (c2s|s2c) #(\d+) (.*)$", line)
        if not m or m[1] != direction:
            continue
        n, what = int(m[2]), m[3]
        p = plan.setdefault(n, {"drop": False, "len": None, "corrupt": None, "copies": 1, "until": 0,
                                "lost": False})
        if what.startswith("drop"):
            p["drop"] = True
        elif (t := re.match(r"truncate \d+ -> (\d+) byte", what)):
            p["len"] = int(t[1])
        elif (t := re.match(r"corrupt byte (\d+) \(xor 0x([0-9a-f]{2})\)", what)):
            p["corrupt"] = (int(t[1]), int(t[2], 16))
        elif what == "duplicate":
            p["copies"] += 1
        elif (t := re.match(r"hold until after #(\d+)", what)):
            p["until"] = max(p["until"], int(t[1]))
        elif what.startswith("delay"):
            p.setdefault("delays", set()).add(what)
        elif "still held at stop" in what or "still delayed at stop" in what:
            p["lost"] = True
        elif what.startswith("corrupt: empty"):
            pass
        else:
            sys.exit("relay_capture_check: unknown decision '%s'" % line)
    delays = {d for p in plan.values() for d in p.get("delays", ())}
    jitter = len(delays) > 1  # unequal delays may reorder
    return plan, jitter


def expected_udp(inputs, plan):
    """The datagrams the relay must send, in order, as (n, bytes), from the ones it received and the log."""
    out, held = [], []
    none = {"drop": False, "len": None, "corrupt": None, "copies": 1, "until": 0, "lost": False}
    for n, data in enumerate(inputs, 1):
        p = plan.get(n, none)
        if not p["drop"]:
            b = bytearray(data if p["len"] is None else data[:p["len"]])
            if p["corrupt"]:
                b[p["corrupt"][0]] ^= p["corrupt"][1]
            item = (n, bytes(b), p["copies"], p["lost"])
            if p["until"]:
                held.append(item)
            elif not p["lost"]:
                out += [(n, item[1])] * item[2]
        for item in [h for h in held if plan[h[0]]["until"] <= n]:
            if not item[3]:
                out += [(item[0], item[1])] * item[2]
        held = [h for h in held if plan[h[0]]["until"] > n]
    return out


def delay_of(p):
    """The delay the log gave a datagram, in seconds (0 when none)."""
    total = 0.0
    for what in p.get("delays", ()):
        m = re.match(r"delay (\d+(?:\.\d+)?)(ms|s|us)$", what)
        if m:
            total += float(m[1]) * {"ms": 1e-3, "s": 1.0, "us": 1e-6}[m[2]]
    return total


def check_udp(frames, r, lines, problems):
    legs = {"c2s in": [], "c2s out": [], "s2c in": [], "s2c out": []}
    for f in frames:
        if not f["udp.srcport"]:
            continue
        sport, dport = int(f["udp.srcport"]), int(f["udp.dstport"])
        item = (f["frame.number"], float(f["frame.time_epoch"]), bytes.fromhex(f["udp.payload"].replace(":", "")))
        if dport == r["listen"]:
            legs["c2s in"].append(item)
        elif sport == r["listen"]:
            legs["s2c out"].append(item)
        elif dport == r["to"]:
            legs["c2s out"].append(item)
        elif sport == r["to"]:
            legs["s2c in"].append(item)
    summary = []
    for d in ("c2s", "s2c"):
        plan, jitter = udp_plan(lines, d)
        ins = legs[d + " in"]
        want = expected_udp([data for _, _, data in ins], plan)
        outs = legs[d + " out"]
        got = [data for _, _, data in outs]
        frames = [num for num, _, _ in outs]
        summary.append("%s %d in, %d out" % (d, len(ins), len(got)))
        if len(got) != len(want):
            problems.append("relay %s %s: the log says %d datagram(s) left the relay, the capture shows %d "
                            "(frames %s): %s" % (r["name"], d, len(want), len(got), ",".join(frames),
                                                  [g.hex() for g in got]))
            continue
        wanted = [data for _, data in want]
        if (sorted(got) if jitter else got) != (sorted(wanted) if jitter else wanted):
            problems.append("relay %s %s: the datagrams on the wire differ from the log's: want %s, got %s"
                            % (r["name"], d, [w.hex() for w in wanted], [g.hex() for g in got]))
            continue
        for (n, _), (num, t, _) in zip(want, outs):
            late = delay_of(plan.get(n, {}))
            came = ins[n - 1][1]
            if not jitter and late and t < came + late - SLACK:
                problems.append("relay %s %s: the log delays #%d by %g s, frame %s left %.1f ms after it came"
                                % (r["name"], d, n, late, num, (t - came) * 1e3))
    return "; ".join(summary)


SLACK = 0.002  # a packet's timestamps at two points of one host differ by microseconds; allow 2 ms


def tcp_plan(lines):
    """The log's TCP decisions: per direction segment K, delay, bandwidth, stall; reset-after N."""
    plan = {"c2s": {}, "s2c": {}}
    reset = None
    for line in lines:
        m = re.match(r"tcp conn \d+ (c2s|s2c) (\w+) (\d+(?:\.\d+)?)(ms|s|us| byte| bytes/s)?( after (\d+) bytes)?",
                     line)
        if m and m[2] in ("segment", "delay", "bandwidth", "stall"):
            v = float(m[3]) * {"ms": 1e-3, "s": 1.0, "us": 1e-6}.get(m[4], 1)
            plan[m[1]][m[2]] = v
            if m[2] == "stall":
                plan[m[1]]["stall_after"] = int(m[6])
        elif (r := re.match(r"tcp conn \d+ reset after (\d+) bytes", line)):
            reset = int(r[1])
    return plan, reset


def check_tcp(frames, r, lines, problems):
    plan, reset = tcp_plan(lines)
    # Per direction and leg: stream offset -> (time, frame) of the first copy of each segment.
    legs, streams = {}, {}
    for f in frames:
        if not f["tcp.srcport"]:
            continue
        num, t, stream, seq = f["frame.number"], f["frame.time_epoch"], f["tcp.stream"], f["tcp.seq"]
        sport, dport, length = int(f["tcp.srcport"]), int(f["tcp.dstport"]), int(f["tcp.len"])
        if length == 0:
            continue
        if dport == r["listen"]:
            key = ("c2s", "in")
        elif sport == r["listen"]:
            key = ("s2c", "out")
        elif dport == r["to"]:
            key = ("c2s", "out")
        elif sport == r["to"]:
            key = ("s2c", "in")
        else:
            continue
        streams.setdefault(key, set()).add(stream)
        legs.setdefault(key, {}).setdefault((int(seq) - 1, length), (float(t), num))
    if any(len(v) > 1 for v in streams.values()):
        problems.append("relay %s: more than one connection; this check handles one" % r["name"])
        return "several connections"
    summary, total_out = [], 0
    for d in ("c2s", "s2c"):
        p = plan[d]
        ins = sorted((off, ln, t) for (off, ln), (t, _) in legs.get((d, "in"), {}).items())
        outs = sorted((off, ln, t, num) for (off, ln), (t, num) in legs.get((d, "out"), {}).items())
        nin = max((off + ln for off, ln, _ in ins), default=0)
        nout = max((off + ln for off, ln, _, _ in outs), default=0)
        total_out += nout
        summary.append("%s %d bytes in, %d out in %d segments" % (d, nin, nout, len(outs)))
        if nout > nin or (nout != nin and reset is None):
            problems.append("relay %s %s: %d bytes reached the relay, %d left it" % (r["name"], d, nin, nout))
        def arrived(off):
            return min((t for o, ln, t in ins if o <= off < o + ln), default=None)
        prev = None
        for off, ln, t, num in outs:
            if p.get("segment") and ln > p["segment"]:
                problems.append("relay %s %s: the log says 'segment %d byte(s)', frame %s carries %d bytes"
                                % (r["name"], d, p["segment"], num, ln))
            came = arrived(off)
            if p.get("delay") and came is not None and t < came + p["delay"] - SLACK:
                problems.append("relay %s %s: the log says 'delay %gs', frame %s left %.1f ms after its bytes "
                                "came" % (r["name"], d, p["delay"], num, (t - came) * 1e3))
            if "stall" in p and prev and off == p["stall_after"] and t < prev + p["stall"] - SLACK:
                problems.append("relay %s %s: the log says 'stall %gs after %d bytes', frame %s came %.1f ms "
                                "after the previous one" % (r["name"], d, p["stall"], off, num, (t - prev) * 1e3))
            if p.get("bandwidth") and outs:
                t0, burst = outs[0][2], max(1.0, p["bandwidth"] / 50)
                if off + ln > p["bandwidth"] * (t - t0) + burst + 1:
                    problems.append("relay %s %s: the log says 'bandwidth %d bytes/s', yet %d bytes left within "
                                    "%.1f ms (frame %s)" % (r["name"], d, p["bandwidth"], off + ln,
                                                            (t - t0) * 1e3, num))
            prev = t
    if reset is not None and total_out != reset:
        problems.append("relay %s: the log says 'reset after %d bytes', the capture shows %d bytes forwarded"
                        % (r["name"], reset, total_out))
    return "; ".join(summary)


def main():
    args = sys.argv[1:]
    want_frames = None
    if len(args) == 4 and args[2] == "--frames":
        want_frames = int(args[3])
        args = args[:2]
    if len(args) != 2:
        print("usage: relay_capture_check.py CASE.pcap CASE.faults.log [--frames N]", file=sys.stderr)
        return 2
    pcap, log = args
    relays, decisions = read_log(log)
    if not relays:
        print("relay_capture_check: %s names no relay" % log, file=sys.stderr)
        return 2
    frames = tshark(pcap)
    problems, summary = [], []
    if want_frames is not None and len(frames) != want_frames:
        problems.append("tshark reads %d frames, sockcheck %d" % (len(frames), want_frames))
    for r, lines in zip(relays, decisions):
        s = (check_udp if r["udp"] else check_tcp)(frames, r, lines, problems)
        summary.append("%s: %s" % (r["name"], s))
    for p in problems:
        print("capture vs fault log: " + p)
    if not problems:
        print("capture agrees with the fault log (%d frames; %s)" % (len(frames), "; ".join(summary)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
