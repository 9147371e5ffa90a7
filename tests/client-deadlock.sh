#!/bin/bash
# labels: e2e
# timeout: 120
# tcp-client/no-deadlock must pass for a correct client even when its reads from the socket come back
# short, as they may on a loaded machine (a preloaded shim, tests/programs/short-reads.c, caps them at
# 1 KiB). The student clients (C and Python) once sent each chunk of stdin with a blocking write(): with short reads the
# answer piled up, the harness's echo stopped reading, and the client blocked in write() for good; the
# flakiness bench saw it fail so under load. That design is kept as the negative control, which must fail
# with "the program stopped reading" (so the shim bites); the student client and the reference must pass.
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
shim=$(cd "$B" && pwd)/programs/short-reads.so

# run_case NAME SCALE PROGRAM: no-deadlock.case with short reads; prints verdict, step and message.
run_case() {
  "$B/sockcheck" run --keep-captures none --format json --output "$t/$1.json" --time-scale "$2" \
    --client "env LD_PRELOAD=$shim $3 {host} {port}" cases/tcp-client/no-deadlock.case >/dev/null 2>&1
  python3 - "$t/$1.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["suites"][0]["cases"][0]
print(c["verdict"], c.get("step"), c.get("message"))
PY
}

r=$(run_case student 1 "$B/programs/tcp-client-student")
check "the student client passes with short reads ($r)" '[ "${r%% *}" = pass ]'
r=$(run_case student-py 1 "python3 tests/programs/tcp-client-student.py")
check "the Python student client passes with short reads ($r)" '[ "${r%% *}" = pass ]'
r=$(run_case reference 1 "$B/reference/tcp-client")
check "the reference client passes with short reads ($r)" '[ "${r%% *}" = pass ]'
# A deadlock is for good: a shorter deadline only makes the control quicker.
r=$(run_case control 0.3 "$B/programs/blocking-send-client")
check "a client that blocks in write() deadlocks with short reads ($r)" \
  '[[ $r == "fail cases/tcp-client/no-deadlock.case:18 send stdin: the program stopped reading"* ]]'

# A client that reads its input slowly but never stops is waited for: "stopped reading" needs a send
# limit (2 s here) without progress, not a total time. 2 MiB at some 320 KB/s overflow the 1 MiB stdin
# pipe for about 3 s; the harness once failed this at 2 s with "the program stopped reading".
r=$("$B/sockcheck" run --keep-captures none --time-scale 0.2 \
  --client "env LD_PRELOAD=$(cd "$B" && pwd)/programs/slow-stdin.so $B/reference/tcp-client {host} {port}" \
  tests/client-deadlock/slow-stdin.case 2>&1 | head -1)
check "a client that reads stdin slowly passes ($r)" '[[ $r == PASS* ]]'
[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
