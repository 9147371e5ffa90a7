#!/usr/bin/env bash
# bench/jobs.sh: wall time of `sockcheck run` on the shipped suites at several -j, interleaved. Not a test.
# Prints per -j the median wall time, its speed-up over the first -j listed, and the non-pass verdicts.
#   REPS=3 JOBS="1 2 4 8" bench/jobs.sh [SOCKCHECK_BIN] [CASE_OR_DIR...]   (default: build/sockcheck cases)
set -euo pipefail
sc=${1:-build/sockcheck}
shift || true
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(cases)
reps=${REPS:-3}
jobs=${JOBS:-"1 2 4 8"}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $reps rounds, -j values interleaved"
for ((r = 1; r <= reps; r++)); do
	for j in $jobs; do
		s=$(date +%s.%N)
		"$sc" run -j "$j" --keep-captures none --format json --output "$T/r.json" "${what[@]}" >/dev/null 2>&1 || true
		e=$(date +%s.%N)
		python3 - "$T/r.json" "$j" "$s" "$e" >>"$T/rows" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cs = [c for s in d["suites"] for c in s["cases"]]
bad = [s["suite"] + "/" + c["name"] + ":" + c["verdict"] for s in d["suites"] for c in s["cases"] if c["verdict"] != "pass"]
print(sys.argv[2], float(sys.argv[4]) - float(sys.argv[3]), len(cs), len(bad), ",".join(bad) or "-")
PY
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$T/rows" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
order = []
for r in rows:
    if r[0] not in order:
        order.append(r[0])
base = statistics.median(float(r[1]) for r in rows if r[0] == order[0])
for j in order:
    w = [float(r[1]) for r in rows if r[0] == j]
    bad = [r[4] for r in rows if r[0] == j and r[4] != "-"]
    m = statistics.median(w)
    print(f"-j{j:<3} median {m:7.1f} s  (runs: {', '.join(f'{x:.1f}' for x in w)})  x{base / m:.2f} vs -j{order[0]}  "
          f"cases per run {rows[0][2]}  non-pass: {len(bad)} {' '.join(bad)}")
PY
