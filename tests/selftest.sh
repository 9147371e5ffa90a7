#!/bin/bash
# labels: e2e selftest
# Proves the shipped suites: each runs 3 times against its reference (no failure allowed), and once against
# every mutant in tests/mutants (every mutant killed, every killed-by case kills, every case kills one).
# About 2.5 minutes on a 2-core machine (docs/kill-matrix.md); the JSON report is kept for CI artifacts.
set -u
B=${SOCKCHECK_BUILD:-build}
report=${SELFTEST_REPORT:-$B/selftest-report.json}
timeout 540 "$B/sockcheck" selftest --repeat 3 -j 2 --format json --output "$report"
rc=$?
python3 - "$report" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["problems"]:
    print("problem:", p["kind"], p["message"])
for s in d["suites"]:
    killed = sum(1 for m in s["mutants"] if not m["survived"])
    print(f'{s["name"]}: {len(s["cases"])} cases, reference {s["reference"]["runs"]} runs '
          f'({s["reference"]["failed_runs"]} failed), {killed}/{len(s["mutants"])} mutants killed')
print("selftest:", d["result"], f'in {d["duration"]:.0f}s')
PY
[ $rc -eq 0 ]
