#!/bin/bash
# labels: e2e selftest
# timeout: 1500
# cost: 1000
# Proves the shipped suites: each runs 3 times against its reference (no failure allowed), and once against
# every mutant in tests/mutants (every mutant killed, every killed-by case kills, every case kills one).
# The suites are independent, so three shards run at once (most of a mutant run is waiting for deadlines);
# about 5 minutes on a 2-core machine. The JSON reports are kept for CI artifacts.
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
out=${SELFTEST_REPORT_DIR:-$B}
shards=(
  "cases/tcp-echo cases/tcp-echo-concurrent cases/udp-client"
  "cases/tcp-upper cases/chat cases/tcp-client cases/interop-udp"
  "cases/udp-upper cases/chat-client cases/interop-tcp cases/interop-chat"
)
# Every suite is in exactly one shard.
for d in cases/*/; do
  d=${d%/}
  [ -f "$d/suite.conf" ] || continue
  n=0
  for s in "${shards[@]}"; do for x in $s; do [ "$x" = "$d" ] && n=$((n + 1)); done; done
  [ $n -eq 1 ] || { echo "selftest.sh: suite $d is in $n shards (add it to exactly one)" >&2; exit 1; }
done
pids=()
for i in "${!shards[@]}"; do
  # shellcheck disable=SC2086
  timeout 1300 "$B/sockcheck" selftest --repeat 3 -j 2 --format json --output "$out/selftest-report-$i.json" \
    ${shards[$i]} >"$out/selftest-shard-$i.log" 2>&1 &
  pids+=($!)
done
rc=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { rc=1; echo "selftest.sh: shard $i failed (exit $?); its log ends:"; tail -5 "$out/selftest-shard-$i.log"; }
done
python3 - "$out"/selftest-report-*.json <<'PY' || exit 1
import json, sys
for path in sys.argv[1:]:
    d = json.load(open(path))
    for p in d["problems"]:
        print("problem:", p["kind"], p["message"])
    for s in d["suites"]:
        killed = sum(1 for m in s["mutants"] if not m["survived"])
        print(f'{s["name"]}: {len(s["cases"])} cases, reference {s["reference"]["runs"]} runs '
              f'({s["reference"]["failed_runs"]} failed), {killed}/{len(s["mutants"])} mutants killed')
    print(f'{path}: {d["result"]} in {d["duration"]:.0f}s')
PY
[ $rc -eq 0 ]
