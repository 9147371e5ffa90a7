#!/usr/bin/env python3
"""bench/case-overhead.py: the harness's own cost per case, over whole suites (not a test).

For each case, its overhead is its duration (from the JSON report) minus the waits its file asks for
(bench/waits.py: `wait`, `expect ... silence`, one idle window per `expect ... idle`). A case's duration
starts when its steps may start: a case prepared ahead (`sockcheck run` enters the next case's sandbox
and opens its capture while the one before runs) does not count that set-up, so the wall time of the
whole run, minus the files' waits, divided by the cases, is printed too (wall/case). Runs each binary
over the suites at -j1 with capture (recorded, `--keep-captures failed`) and with --no-capture, REPS
rounds, interleaved, and prints the median over cases of each case's median overhead.
Usage: REPS=3 bench/case-overhead.py OLD_BIN NEW_BIN [SUITE_DIR...]   (default: every suite in cases/)
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from waits import case_waits  # noqa: E402


def run(binary, suites, capture, tmp):
    out = Path(tmp) / "r.json"
    args = [binary, "run", "-j", "1", "--format", "json", "--output", str(out)]
    args += ["--captures", str(Path(tmp) / "cap")] if capture else ["--no-capture"]
    t = time.monotonic()
    subprocess.run(args + suites, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t
    d = json.load(open(out))
    return wall, [(c["file"], c["duration"], c["verdict"]) for s in d["suites"] for c in s["cases"]]


def main():
    old, new = sys.argv[1], sys.argv[2]
    suites = sys.argv[3:] or sorted(str(p) for p in Path("cases").iterdir() if p.is_dir())
    reps = int(os.environ.get("REPS", "3"))
    rows = {}
    bad = {}
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(reps):
            for name, binary in (("old", old), ("new", new)):
                for capture in (True, False):
                    key = f"{name}-{'cap' if capture else 'nocap'}"
                    wall, cases = run(binary, suites, capture, tmp)
                    waits = sum(case_waits(f) for f, _, _ in cases)
                    walls.setdefault(key, []).append((wall - waits) / len(cases))
                    for f, dur, verdict in cases:
                        rows.setdefault(key, {}).setdefault(f, []).append(dur - case_waits(f))
                        bad[key] = bad.get(key, 0) + (verdict != "pass")
    print(f"{reps} rounds, -j1, interleaved; overhead = duration - the file's own waits; milliseconds")
    print("wall/case: the whole `sockcheck run` (start to exit) minus the files' waits, over the cases")
    print(f"{'':12}{'cases':>6}{'median':>9}{'p25':>8}{'p75':>8}{'p90':>8}{'mean':>8}{'non-pass':>9}{'wall/case':>10}")
    for key, per in rows.items():
        v = sorted(statistics.median(x) * 1000 for x in per.values())
        q = lambda p: v[int(p * (len(v) - 1))]
        print(f"{key:12}{len(v):6d}{statistics.median(v):9.1f}{q(.25):8.1f}{q(.75):8.1f}{q(.9):8.1f}{statistics.mean(v):8.1f}{bad[key]:9d}{statistics.median(walls[key]) * 1000:10.1f}")


if __name__ == "__main__":
    main()
