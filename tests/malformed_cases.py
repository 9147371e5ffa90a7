#!/usr/bin/env python3
"""Runs `sockcheck lint` on every file of a malformed-case corpus (tests/gen_malformed_cases.py), one
process per file: exit 0 or 1 only (never a crash), at most CPU_S of CPU per file, no hang, a diagnostic
on stderr for every rejected file, no raw control byte or invalid UTF-8 on stderr, and no sanitizer report.

  malformed_cases.py SOCKCHECK CORPUS_DIR [--no-timing]   (--no-timing: sanitizer builds are slower)
"""
import os
import re
import subprocess
import sys
import time

CPU_S = 1.0
HANG_S = 20
RAW = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")


def run(sc, path):
    t0 = time.monotonic()
    p = subprocess.Popen([sc, "lint", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, err = p.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        return None, b"", HANG_S, time.monotonic() - t0
    # communicate() reaped the child; its CPU time is the growth of RUSAGE_CHILDREN.
    return p.returncode, err, None, time.monotonic() - t0


def main():
    sc, corpus = sys.argv[1], sys.argv[2]
    timing = "--no-timing" not in sys.argv
    problems, worst, rejected = [], (0.0, ""), 0
    import resource
    files = sorted(os.listdir(corpus))
    for name in files:
        path = os.path.join(corpus, name)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        rc, err, hang, wall = run(sc, path)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        worst = max(worst, (cpu, name))
        if hang:
            problems.append(f"{name}: no result within {HANG_S}s (hang)")
            continue
        if rc not in (0, 1):
            problems.append(f"{name}: exit {rc} (crash or harness error): {err[-300:]!r}")
        if rc == 1:
            rejected += 1
            if f"{name}:".encode() not in err:
                problems.append(f"{name}: rejected without a file:line:col diagnostic: {err[:200]!r}")
        if b"Sanitizer" in err or b"runtime error:" in err:
            problems.append(f"{name}: sanitizer report: {err[:600]!r}")
        elif RAW.search(err):
            problems.append(f"{name}: raw control bytes on stderr: {RAW.search(err).group()!r}")
        else:
            try:
                err.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(f"{name}: invalid UTF-8 on stderr")
        if timing and cpu > CPU_S:
            problems.append(f"{name}: {cpu:.2f}s of CPU, above {CPU_S}s")
    for p in problems:
        print("FAIL:", p)
    print(f"malformed cases: {len(files)} files, {rejected} rejected, {len(files) - rejected} clean, "
          f"slowest {worst[0]:.2f}s of CPU ({worst[1]}), {len(problems)} problem(s)")
    return 1 if problems or len(files) < 356 else 0


if __name__ == "__main__":
    sys.exit(main())
