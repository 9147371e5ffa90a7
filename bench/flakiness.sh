#!/bin/bash
# The flakiness figures of docs/flakiness.md: N rounds of every suite against its reference, and of every
# known-correct student-style program (tests/programs/) against its suite, with the last core kept busy.
# Not a test (about an hour for RUNS=50 on 2 cores); it prints the counts and every non-pass verdict with
# its capture, and exits 1 if there was any.
#   RUNS=50 JOBS=2 bench/flakiness.sh [BUILD_DIR]      (default build; run from anywhere)
#   PARTS="references students" (default both)   OUT=DIR (default a new directory under /tmp)
set -u
cd "$(dirname "$0")/.."
B=$(cd "${1:-build}" && pwd) || exit 2
RUNS=${RUNS:-50}
JOBS=${JOBS:-2}
PARTS=${PARTS:-references students}
OUT=${OUT:-$(mktemp -d /tmp/sockcheck-flakiness-XXXXXX)}
mkdir -p "$OUT"
[ -x "$B/sockcheck" ] || { echo "flakiness.sh: $B/sockcheck not built (ci/build)" >&2; exit 2; }
P=$B/programs
# program | role | suites
STUDENTS=(
  "python3 tests/programs/tcp-echo-thread-student.py {port}|server|cases/tcp-echo cases/tcp-echo-concurrent"
  "$P/tcp-echo-fork-student {port}|server|cases/tcp-echo cases/tcp-echo-concurrent"
  "python3 tests/programs/udp-upper-student.py {port}|server|cases/udp-upper"
  "$P/udp-upper-student {port}|server|cases/udp-upper"
  "python3 tests/programs/chat-student.py {port}|server|cases/chat"
  "$P/chat-student {port}|server|cases/chat"
  "python3 tests/programs/tcp-client-student.py {host} {port}|client|cases/tcp-client"
  "$P/tcp-client-student {host} {port}|client|cases/tcp-client"
  "python3 tests/programs/udp-client-student.py {host} {port}|client|cases/udp-client"
  "$P/udp-client-student {host} {port}|client|cases/udp-client"
  "python3 tests/programs/unix-echo-student.py {path}|server|cases/unix-echo"
)
ncpu=$(nproc)
echo "flakiness: RUNS=$RUNS JOBS=$JOBS, $ncpu CPUs, $(uname -r), commit $(git rev-parse --short HEAD 2>/dev/null)," \
  "started $(date -u '+%F %T') UTC; reports in $OUT"
rc=0

if [[ " $PARTS " == *" references "* ]]; then
  # selftest --load keeps the last core busy itself.
  "$B/sockcheck" selftest --repeat "$RUNS" --load -j "$JOBS" --no-mutants --format json \
    --output "$OUT/references.json" --captures "$OUT/captures" 2>"$OUT/references.log"
  st=$?
  [ $st -eq 0 ] || rc=1
  python3 - "$OUT/references.json" "$st" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print(f"references: no report ({e}); exit status {sys.argv[2]}")
    sys.exit(0)
runs = cases = bad = 0
for s in d["suites"]:
    r = s["reference"]
    runs = max(runs, r["runs"])
    cases += len(s["cases"]) * r["runs"]
    print(f'  reference {s["name"]:<22} {len(s["cases"]):>3} cases x {r["runs"]} runs: {r["failed_runs"]} failed run(s)')
for p in d["problems"]:
    bad += 1
    print(f'    {p["kind"]}: {p["message"]}')
print(f"references: {cases} case runs, {bad} problem(s), {d['duration']:.0f}s")
PY
fi

if [[ " $PARTS " == *" students "* ]]; then
  # The load: a busy loop pinned to the last CPU for the whole part, ended by its pid.
  taskset -c $((ncpu - 1)) sh -c 'while :; do :; done' &
  load=$!
  trap 'kill $load 2>/dev/null' EXIT
  start=$(date +%s)
  for k in $(seq 1 "$RUNS"); do
    for i in "${!STUDENTS[@]}"; do
      IFS='|' read -r cmd role suites <<<"${STUDENTS[$i]}"
      # shellcheck disable=SC2086
      "$B/sockcheck" run -j "$JOBS" --seed "$k" --"$role" "$cmd" --format json \
        --output "$OUT/student-$i-run-$k.json" --captures "$OUT/captures" $suites >/dev/null 2>>"$OUT/students.log"
      [ $? -le 1 ] || echo "flakiness: harness error (exit >1) for $cmd, run $k" >>"$OUT/students.log"
    done
  done
  kill $load 2>/dev/null
  trap - EXIT
  printf '%s\n' "${STUDENTS[@]}" >"$OUT/students.txt"
  python3 - "$OUT" "$RUNS" "$(($(date +%s) - start))" <<'PY' || rc=1
import json, os, sys
out, runs, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
students = open(os.path.join(out, "students.txt")).read().splitlines()
total = bad = 0
for i, line in enumerate(students):
    cmd, role, suites = line.split("|")
    n = nbad = missing = 0
    lines = []
    for k in range(1, runs + 1):
        path = os.path.join(out, f"student-{i}-run-{k}.json")
        try:
            d = json.load(open(path))
        except (OSError, ValueError):
            missing += 1
            continue
        for s in d["suites"]:
            for c in s["cases"]:
                n += 1
                if c["verdict"] != "pass":
                    nbad += 1
                    lines.append(f'    run {k} (seed {k}): {c["suite"]}/{c["name"]}: {c["verdict"]}: '
                                 f'{c.get("message")} (at {c.get("step")}); capture {c.get("capture")}')
    total += n
    bad += nbad + missing
    print(f"  {cmd} [{suites}]: {n} case runs, {nbad} non-pass" + (f", {missing} runs without a report" if missing else ""))
    print("\n".join(lines)) if lines else None
print(f"students: {total} case runs, {bad} non-pass, {secs}s")
sys.exit(1 if bad else 0)
PY
fi
echo "flakiness: finished $(date -u '+%F %T') UTC"
exit $rc
