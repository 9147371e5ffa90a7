#!/usr/bin/env bash
# bench/grade.sh: how long `sockcheck grade` takes: the class total and seconds per submission, at -j1 and
# -j2 (not a test). The class is tests/grade/class.txt (7 submissions: 5 run their suites, 1 fails to
# build, 1 is empty). ASSIGNMENT=FILE grades against another assignment (default: the example's, 4 cases);
# FULL=1 uses whole tcp-echo and udp-upper suites (36 cases). Figures and the command: bench/grade.md.
set -eu
BUILD=${SOCKCHECK_BUILD:-build}
SOCKCHECK=$(cd "$BUILD" && pwd)/sockcheck
cd "$(dirname "$0")/.."
SRC=$PWD
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TMPDIR=$T
while read -r dst src; do
	case $dst in '#'* | '') continue ;; esac
	if [ -n "${src:-}" ]; then mkdir -p "$T/class/$(dirname "$dst")" && cp "$src" "$T/class/$dst"; else mkdir -p "$T/class/$dst"; fi
done <tests/grade/class.txt
A=${ASSIGNMENT:-tests/grade/echo-lab.assignment}
if [ "${FULL:-0}" = 1 ]; then
	sed -e "s|suite .*tcp-echo.*|suite $SRC/cases/tcp-echo|" -e "s|suite .*udp-upper.*|suite $SRC/cases/udp-upper|" \
		tests/grade/echo-lab.assignment >"$T/full.assignment"
	A=$T/full.assignment
fi
echo "assignment: $A ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for j in 1 2; do
	start=$(date +%s.%N)
	rc=0
	"$SOCKCHECK" grade "$A" "$T/class" --out "$T/out-j$j" -j "$j" --force >"$T/log-j$j" || rc=$?
	end=$(date +%s.%N)
	[ $rc = 0 ] || { echo "-j$j: grade exited $rc (errors below are the harness's, not the class's):"; grep ' error ' "$T/log-j$j"; }
	python3 - "$T/out-j$j/summary.json" "$j" "$start" "$end" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
j, total = sys.argv[2], float(sys.argv[4]) - float(sys.argv[3])
subs = d["submissions"]
per = {s["name"]: s["duration"] for s in subs}
ran = [s["duration"] for s in subs if s["status"] == "graded"]
print(f"-j{j}: class total {total:.1f} s for {len(subs)} submissions ({total / len(subs):.1f} s each on average); "
      f"graded ones {min(ran):.1f}-{max(ran):.1f} s each; " +
      ", ".join(f"{n} {t:.1f}s" for n, t in sorted(per.items())))
PY
done
