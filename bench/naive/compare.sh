#!/usr/bin/env bash
# bench/naive/compare.sh: wall time of the four tcp-echo checks, A/B interleaved REPS times:
# bench/naive/grade.sh (bash+python, no isolation, no capture) against `sockcheck run` at -j1 and at its
# default -j (capture and isolation on). Prints the medians and the per-round ratios. Not a test.
#   REPS=5 bench/naive/compare.sh [SOCKCHECK_BIN]
set -euo pipefail
sc=${1:-build/sockcheck}
reps=${REPS:-5}
here=$(cd "$(dirname "$0")" && pwd)
cases=(cases/tcp-echo/basic.case cases/tcp-echo/two-messages.case cases/tcp-echo/nul-bytes.case
	cases/tcp-echo/binary-1mib.case)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || echo "non-zero exit: $*" >&2; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $reps rounds"
for ((r = 1; r <= reps; r++)); do
	echo "naive $(t "$here/grade.sh" "$(dirname "$sc")/reference/tcp-echo-server --concurrency fork")" >>"$T/rows"
	echo "j1 $(t "$sc" run -j 1 --keep-captures none "${cases[@]}")" >>"$T/rows"
	echo "default $(t "$sc" run --keep-captures none "${cases[@]}")" >>"$T/rows"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$T/rows" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
v = {k: [float(r[1]) for r in rows if r[0] == k] for k in ("naive", "j1", "default")}
for k, x in v.items():
    print(f"{k:8} median {statistics.median(x):6.2f} s  runs {' '.join(f'{y:.2f}' for y in x)}")
for k in ("j1", "default"):
    ratios = [a / b for a, b in zip(v[k], v["naive"])]
    print(f"sockcheck {k} / naive: median of per-round ratios {statistics.median(ratios):.2f}x")
PY
