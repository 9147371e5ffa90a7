#!/bin/bash
# labels: e2e
# timeout: 120
# `sockcheck run` starts the longest-timeout case first (so a long case does not run alone at the end),
# while the report keeps file order; the worker's result is taken before its exit (reaped later) and a
# run with the default -j (twice the cores) passes. Order is read from each case's timeline. The next case
# is prepared (sandbox entered, capture open) while one runs, and its clock starts only when it starts.
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

mkdir -p "$t/s"
printf 'server {bin}/tcp-echo-server --concurrency fork {port}\n' >"$t/s/suite.conf"
for c in "a-short 5s" "b-long 20s" "c-mid 10s"; do
  set -- $c
  printf 'name %s\ndescription a connection opened and closed\ntimeout %s\nserver {server}\n\nconnect c1\nclose c1\n' \
    "$1" "$2" >"$t/s/$1.case"
done
"$B/sockcheck" run -j 1 --keep-captures all --captures "$t/cap" --format json --output "$t/r.json" "$t/s" \
  >/dev/null 2>&1
check "-j 1 run passes" "[ $? -eq 0 ]"
order=$(python3 - "$t" <<'PY'
import glob, json, sys
starts = []
for f in glob.glob(sys.argv[1] + "/cap/*/s/*.timeline.json"):
    d = json.load(open(f))
    starts.append((d["steps"][0]["t"], d["case"]))
print(" ".join(n for _, n in sorted(starts)))
PY
)
check "started longest timeout first (got: $order)" '[ "$order" = "b-long c-mid a-short" ]'
report=$(python3 -c 'import json,sys; print(" ".join(c["name"] for s in json.load(open(sys.argv[1]))["suites"] for c in s["cases"]))' "$t/r.json")
check "the report keeps file order (got: $report)" '[ "$report" = "a-short b-long c-mid" ]'
"$B/sockcheck" run --keep-captures none "$t/s" >"$t/default.txt" 2>&1
check "default -j passes" "[ $? -eq 0 ]"
want=$(( 2 * $(getconf _NPROCESSORS_ONLN) ))
check "default -j is twice the cores ($want)" "grep -q ', $want jobs,' '$t/default.txt'"

# Prepared ahead: while a-first waits, b-second's worker already has its sandbox (its init exists); b's
# 2 s timeout counts from its start, not from its preparation (a-first takes 3 s: from the preparation
# b would time out).
mkdir -p "$t/p"
cp "$t/s/suite.conf" "$t/p/"
printf 'name a-first
description waits
timeout 10s
server {server}

wait 3s
expect server running
' >"$t/p/a-first.case"
printf 'name b-second
description waits less than its timeout
timeout 2s
server {server}

wait 1500ms
expect server running
' \
  >"$t/p/b-second.case"
"$B/sockcheck" run -j 1 --keep-captures none --format json --output "$t/p.json" "$t/p" >/dev/null 2>&1 &
runner=$!
inits=0
for _ in $(seq 40); do # up to 2 s, while a-first waits
  n=0
  for w in $(pgrep -P "$runner"); do n=$((n + $(pgrep -c -x -P "$w" sockcheck-init))); done
  [ "$n" -gt "$inits" ] && inits=$n
  [ "$inits" -ge 2 ] && break
  sleep 0.05
done
wait "$runner"
rc=$?
check "the next case's sandbox is ready while one runs (saw $inits at once, want 2)" '[ "$inits" -ge 2 ]'
check "a prepared case's timeout counts from its start (exit $rc)" "[ $rc -eq 0 ]"
v=$(python3 -c 'import json,sys; print(" ".join(c["name"] + "=" + c["verdict"] for s in json.load(open(sys.argv[1]))["suites"] for c in s["cases"]))' "$t/p.json")
check "both pass (got: $v)" '[ "$v" = "a-first=pass b-second=pass" ]'
echo "schedule: $fails failure(s)"
[ "$fails" -eq 0 ]
