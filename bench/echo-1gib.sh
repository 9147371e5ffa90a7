#!/usr/bin/env bash
# bench/echo-1gib.sh: 1 GiB through the tcp-echo reference (bench/cases/echo-1gib), with capture and with
# --no-capture in turn, RUNS times: the case's duration, capture drops and the peak RSS of the run (its
# largest process: the case's worker). Prints each run and the medians. Exits 1 if a captured run was not
# a pass with 0 drops. Not a test.   RUNS=10 bench/echo-1gib.sh [SOCKCHECK_BIN]
set -euo pipefail
sc=${1:-build/sockcheck}
runs=${RUNS:-10}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $runs rounds, capture and --no-capture in turn"
for ((r = 1; r <= runs; r++)); do
	for mode in cap nocap; do
		# recorded and judged as by default (--keep-captures failed; a pass deletes its capture): with
		# --keep-captures none this case, which has no wire step, would not be recorded at all
		args=(--captures "$T/cap")
		[ "$mode" = nocap ] && args=(--no-capture)
		/usr/bin/time -f %M -o "$T/m" "$sc" run "${args[@]}" --format json --output "$T/r.json" \
			bench/cases/echo-1gib >/dev/null 2>&1 || true
		python3 - "$T/r.json" "$mode" "$(tail -1 "$T/m")" <<'PY' | tee -a "$T/rows"
import json, sys
c = json.load(open(sys.argv[1]))["suites"][0]["cases"][0]
msg = (c.get("message") or "").replace(" ", "_")[:60] or "-"
print(sys.argv[2], c["verdict"], f'{c["duration"]:.1f}', c.get("capture_packets", 0), c.get("capture_drops", 0),
      f"{int(sys.argv[3]) / 1024:.0f}", msg)
PY
	done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$T/rows" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
cap = [r for r in rows if r[0] == "cap"]
nocap = [r for r in rows if r[0] == "nocap"]
ratios = [float(a[2]) / float(b[2]) for a, b in zip(cap, nocap)]
good = sum(r[1] == "pass" and r[4] == "0" for r in cap)
print(f"captured runs: {good} of {len(cap)} passed with 0 drops; drops per run: {' '.join(r[4] for r in cap)}")
print(f"median duration: capture {statistics.median(float(r[2]) for r in cap):.1f} s, --no-capture "
      f"{statistics.median(float(r[2]) for r in nocap):.1f} s; median per-round ratio {statistics.median(ratios):.2f}x "
      f"(range {min(ratios):.2f}-{max(ratios):.2f})")
print(f"peak RSS (MiB): capture {max(float(r[5]) for r in cap):.0f}, --no-capture {max(float(r[5]) for r in nocap):.0f}")
sys.exit(0 if good == len(cap) else 1)
PY
