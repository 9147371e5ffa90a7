#!/bin/bash
# labels: e2e run
# timeout: 300
# cost: 20
# A deadline a program must meet counts only the time it could run: on a loaded machine, the time it spent
# waiting for a CPU is added (at most twice the deadline). Pinned to one CPU beside a busy loop, a client
# that needs 0.5 s of CPU takes about 1 s of wall time and must still pass a 1 s step; one that sleeps 2.5 s
# (slow, not starved) must still fail it.
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
sc=$B/sockcheck
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cpu=$(taskset -pc $$ | sed 's/.*: //; s/[,-].*//')   # the first CPU this test may use
taskset -c "$cpu" sh -c 'while :; do :; done' &
hog=$!
trap 'kill $hog 2>/dev/null' EXIT
# The interpreter itself: a pyenv shim on PATH would add its own start-up to the CPU the client needs.
py=$(python3 -c 'import sys; print(sys.executable)')
run() { taskset -c "$cpu" "$sc" run --keep-captures none --client "$1" tests/load-deadline/slow-start.case; }
for i in 1 2 3; do
  out=$(run "$py tests/programs/slow-start-client.py 0.5 {host} {port}" 2>&1) ||
    fail "starved client, run $i: $(echo "$out" | grep -m1 -E 'message|FAIL')"
done
out=$(run "$py tests/programs/slow-start-client.py --sleep 2.5 {host} {port}" 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q 'accept s' || fail "sleeping client: exit $rc, want 1 at 'accept s': $out"
[ $failures -eq 0 ] && echo "load-deadline: starved client passed 3 of 3; slow client failed" && exit 0
echo "load-deadline: $failures failure(s)"
exit 1
