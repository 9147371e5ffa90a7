#!/usr/bin/env bash
# bench/naive/grade.sh: a bash+python grader of four tcp-echo checks (basic, two-messages, nul-bytes,
# binary-1mib), the baseline sockcheck is compared with in bench/README.md. Each check starts the
# server afresh on a free port, waits until it accepts, runs check.py, and kills the server. No
# isolation, no capture, no wire checks. Usage: bench/naive/grade.sh "SERVER [ARGS]"   (the port is appended)
# Prints one PASS/FAIL line per check; exits 0 if all passed, 1 otherwise.
set -uo pipefail
server=${1:?usage: bench/naive/grade.sh SERVER_BIN}
here=$(cd "$(dirname "$0")" && pwd)
fails=0
for check in basic two-messages nul-bytes binary-1mib; do
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	$server "$port" >/dev/null 2>&1 &  # word-split on purpose: the server command may take options
	pid=$!
	python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(500):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.01)
sys.exit(1)
PY
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
