#!/usr/bin/env bash
# labels: e2e run
# cost: 20
# idle.sh: `expect server idle` end to end while every core is kept busy: the five server references pass
# their `idle` case three times each; servers that spin (after a client leaves, or on a zero select()
# timeout) fail it with the CPU they used and how busy they were; one that polls with a 10 ms sleep passes;
# a server that exits fails it saying so.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
work=$(mktemp -d)
hogs=()
cleanup() {
	for p in "${hogs[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
run() { timeout 120 "$sc" run --captures "$work/captures" "$@"; }
# Python starts slowly on a loaded machine: more time to bind (the idle windows scale too, to 1.5s).
pyrun() { run --time-scale 3 "$@"; }

# A loaded machine: one busy loop per core, for the whole test.
for _ in $(seq "$(nproc)"); do
	timeout 300 sh -c 'while :; do :; done' &
	hogs+=($!)
done

# 1. The references wait without spinning, even with every core busy.
suites="tcp-echo tcp-upper tcp-echo-concurrent udp-upper chat"
for i in 1 2 3; do
	for s in $suites; do
		run "cases/$s/idle.case" >"$work/ref.txt" 2>&1 || fail "reference $s/idle, run $i: exit $? $(head -4 "$work/ref.txt")"
	done
done

# 2. A thread that loops on recv() == 0 after its client leaves: caught at the step after `close c1`.
pyrun --server "python3 tests/mutants/tcp-upper/no-break-on-empty.py {port}" cases/tcp-upper/idle.case >"$work/spin.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "no-break-on-empty: exit $rc, expected 1"
grep -q 'step: *cases/tcp-upper/idle.case:15$' "$work/spin.txt" || fail "no-break-on-empty: not caught after the FIN: $(grep step: "$work/spin.txt")"
grep -Eq 'message: +expect server idle: the server used [0-9]+ ms of CPU in [0-9]+ ms while the harness sent nothing \([0-9]+% of a core\), was busy \(running, or waiting for a CPU\) (2[6-9]|[3-9][0-9]|1[0-9][0-9])% of that time and blocked [0-9] times?:' "$work/spin.txt" ||
	fail "no-break-on-empty: message: $(grep message: "$work/spin.txt")"
grep -q 'recv() returns 0' "$work/spin.txt" || fail "no-break-on-empty: no hint"
grep -Eq 'busy [0-9]+%, [0-9]+ ms of CPU \([0-9]+% of a core\) and blocked [0-9]+ times? in [0-9]+ ms, the least busy of [0-9] windows' "$work/spin.txt" ||
	fail "no-break-on-empty: actual: $(grep -A1 actual: "$work/spin.txt")"

# 3. A select() loop with a timeout of 0 spins before any client leaves: caught at the first idle step.
pyrun --server "python3 tests/mutants/tcp-echo/select-zero-timeout.py {port}" cases/tcp-echo/idle.case >"$work/sel.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "select-zero-timeout: exit $rc, expected 1"
grep -q 'step: *cases/tcp-echo/idle.case:13$' "$work/sel.txt" || fail "select-zero-timeout: $(grep step: "$work/sel.txt")"

# 4. A server that sleeps 10 ms between accept() tries wakes often but blocks each time: not spinning,
# though on a crowded machine each wake may wait long for a CPU.
for i in 1 2 3; do
	pyrun --server "python3 tests/programs/sleep-poll-server.py {port}" cases/tcp-echo/idle.case >"$work/poll.txt" 2>&1 ||
		fail "sleep-poll-server, run $i: exit $? $(grep -A1 -E 'message:|actual:' "$work/poll.txt")"
done

# 5. A program that has exited is not idle: the step says how it ended.
cat >"$work/exits.case" <<'CASE'
server {server}
connect c1
send c1 "x"
expect c1 echo
close c1
expect server idle
CASE
pyrun --server "python3 tests/mutants/tcp-echo/serve-one.py {port}" "$work/exits.case" >"$work/exit.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "serve-one: exit $rc, expected 1"
grep -q 'message: *the server is no longer running: it exited with status 0' "$work/exit.txt" ||
	fail "serve-one: $(grep message: "$work/exit.txt")"

if [ $failures -ne 0 ]; then
	echo "idle: $failures failure(s)"
	exit 1
fi
echo "idle: ok"
