#!/usr/bin/env bash
# bench/naive/grade.sh: a bash+python grader of four tcp-echo checks (basic, two-messages, nul-bytes,
# binary-1mib), the baseline sockcheck is compared with in bench/README.md. Each check starts the
# server afresh on a random port, runs check.py (which waits until it accepts), and kills the server. No
# isolation, no capture, no wire checks. Usage: bench/naive/grade.sh "SERVER [ARGS]"   (the port is appended)
# Prints one PASS/FAIL line per check; exits 0 if all passed, 1 otherwise.
set -uo pipefail
server=${1:?usage: bench/naive/grade.sh SERVER_BIN}
here=$(cd "$(dirname "$0")" && pwd)
fails=0
for check in basic two-messages nul-bytes binary-1mib; do
	port=$((20000 + RANDOM % 20000)) # one Python start per check: check.py waits for the server itself
	$server "$port" >/dev/null 2>&1 &  # word-split on purpose: the server command may take options
	pid=$!
	if python3 "$here/check.py" "$check" "$port"; then
		echo "PASS $check"
	else
		echo "FAIL $check"
		fails=$((fails + 1))
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
[ "$fails" = 0 ]
