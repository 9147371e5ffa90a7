#!/usr/bin/env bash
# labels: e2e relay
# cost: 50
# replay.sh: the same --seed gives the same relay fault log, byte for byte, across runs (run at the same
# time, so timing differs); another seed gives another log.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
runs=10
for i in $(seq 1 $runs); do
  timeout 120 "$build/sockcheck" run --seed 5 --keep-captures all --captures "$work/s5-$i" \
    tests/replay/udp-replay/lossy.case >"$work/s5-$i.txt" 2>&1 &
  [ $((i % 2)) -eq 0 ] && wait
done
wait
# Another seed loses other datagrams (with this much loss the client may even give up: any verdict).
timeout 120 "$build/sockcheck" run --seed 6 --keep-captures all --captures "$work/s6" \
  tests/replay/udp-replay/lossy.case >"$work/s6.txt" 2>&1
logs=()
for i in $(seq 1 $runs); do
  grep -q '^PASS' "$work/s5-$i.txt" || fail "seed 5 run $i did not pass: $(grep -A3 '^[A-Z]' "$work/s5-$i.txt" | head -4)"
  log=$(find "$work/s5-$i" -name '*.faults.log')
  [ -n "$log" ] || { fail "seed 5 run $i kept no fault log"; continue; }
  logs+=("$log")
done
first=${logs[0]:-}
[ -n "$first" ] && [ "$(grep -c ' drop' "$first")" -ge 3 ] || fail "the fault log records too few drops to test replay"
for log in "${logs[@]}"; do
  cmp -s "$first" "$log" || fail "seed 5: $log differs from $first: $(diff "$first" "$log" | head -4)"
done
other=$(find "$work/s6" -name '*.faults.log')
[ -n "$other" ] && ! cmp -s "$first" "$other" || fail "seed 6 gave the same fault log as seed 5"
echo "replay: ${#logs[@]} runs with seed 5 identical; seed 6 differs; $failures failure(s)"
[ $failures -eq 0 ]
