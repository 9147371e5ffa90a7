#!/usr/bin/env python3
"""bench/waits.py: the deliberate waits of each suite, read from its case files (not a test).

A case waits on purpose in `wait D`, `expect NAME silence D` and `expect P idle [over W]` (one window of W,
default 500 ms, when the program is idle: the least it can take); inside `repeat N` they count N times.
These are a floor under a suite's run time at -j1 whatever the harness does; at -j K the suite cannot end
before max(sum / K, its longest case's waits). Other waits are not in the files: a client's own
retransmission timers (udp-client), a program's start-up, deadlines that a correct program never meets
(they cost only defective ones). Usage: bench/waits.py [SUITE_DIR...] (default: the 8 student profiles).
"""
import re
import sys
from pathlib import Path

PROFILES = ["tcp-echo", "tcp-echo-concurrent", "tcp-upper", "udp-upper", "chat", "chat-client", "tcp-client",
            "udp-client"]
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0}


def seconds(text):
    m = re.fullmatch(r"([0-9.]+)(ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def case_waits(path):
    """Seconds of deliberate waiting in one case file, repeat blocks multiplied."""
    stack = [1]
    total = 0.0
    for raw in Path(path).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        w = line.split()
        if not w:
            continue
        if w[0] == "repeat" and len(w) >= 2 and w[1].isdigit():
            stack.append(stack[-1] * int(w[1]))
            continue
        if w[0] == "end" and len(stack) > 1:
            stack.pop()
            continue
        d = None
        if w[0] == "wait" and len(w) >= 2:
            d = seconds(w[1])
        elif w[0] == "expect" and len(w) >= 4 and w[2] == "silence":
            d = seconds(w[3])
        elif w[0] == "expect" and len(w) >= 3 and w[2] == "idle":
            d = seconds(w[w.index("over") + 1]) if "over" in w else 0.5
        if d:
            total += d * stack[-1]
    return total


def suite_cases(d):
    """name -> waits of a suite's cases, with those of the suites its suite.conf includes (its own win)."""
    per = {}
    conf = d / "suite.conf"
    for line in conf.read_text().splitlines() if conf.exists() else []:
        w = line.split("#", 1)[0].split()
        if len(w) == 2 and w[0] == "include":
            per.update(suite_cases((d / w[1]).resolve()))
    per.update({c.stem: case_waits(c) for c in sorted(d.glob("*.case"))})
    return per


def main():
    root = Path(__file__).resolve().parent.parent
    suites = sys.argv[1:] or [str(root / "cases" / p) for p in PROFILES]
    grand = 0.0
    print(f"{'suite':22}{'cases':>6}{'waits (s)':>11}{'longest':>9}{'at -j2':>8}")
    for s in suites:
        per = suite_cases(Path(s))
        tot = sum(per.values())
        grand += tot
        longest = max(per.values()) if per else 0.0
        print(f"{Path(s).name:22}{len(per):6d}{tot:11.2f}{longest:9.2f}{max(tot / 2, longest):8.2f}")
    print(f"{'all':22}{'':6}{grand:11.2f}")
    print(f"per student (all {len(suites)} suites): {grand:.1f} s of deliberate waits; 300 students: "
          f"{grand * 300 / 3600:.2f} h at 1 case at a time, {grand * 300 / 60 / 8:.1f} min at 8 at a time")


if __name__ == "__main__":
    main()
