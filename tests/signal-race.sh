#!/bin/bash
# labels: e2e
# timeout: 60
# A forking server must exit on a SIGTERM that lands while its SIGCHLD handler runs (a client just left).
# With SIGCHLD caught with SA_RESTART and SIGTERM checked only between accept() calls, the TERM handler
# sets the stop flag, the SIGCHLD handler returns into the restarted accept(), and the server never
# exits: tcp-echo/sigterm failed so under load. A preloaded shim (tests/programs/slow-sigchld.c) holds
# the SIGCHLD handler open for 1 s and says when it runs; the test sends SIGTERM then. The student fork
# server failed this every run before it waited in ppoll() with the signals blocked (commit message).
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
t=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$t"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run_one NAME COMMAND...: starts the server (PORT is its last argument), one client comes and goes, then
# SIGTERM while the SIGCHLD handler runs; the server must exit 0 within 3 s.
run_one() {
  local name=$1 port
  shift
  port=$(free_port)
  : >"$t/err"
  LD_PRELOAD="$B/programs/slow-sigchld.so" "$@" "$port" 2>"$t/err" &
  pid=$!
  local reply=
  for _ in $(seq 50); do
    reply=$(python3 - "$port" 2>/dev/null <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(b"ping\n")
print(s.recv(100).decode().strip())
s.close()
PY
) && break
    sleep 0.1
  done
  local seen=0
  for _ in $(seq 50); do
    grep -q in-sigchld-handler "$t/err" && { seen=1; break; }
    sleep 0.05
  done
  check "$name: echoes, and its SIGCHLD handler runs once the client left" '[ "$reply" = ping ] && [ $seen = 1 ]'
  kill -TERM "$pid"
  local rc="none (still running after 3 s)" state
  for _ in $(seq 30); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
    if [ "$state" = Z ] || [ -z "$state" ]; then wait "$pid"; rc=$?; break; fi
    sleep 0.1
  done
  if [ "$rc" != "${rc#none}" ]; then kill -KILL "$pid"; wait "$pid" 2>/dev/null; fi
  pid=
  check "$name: exits 0 within 3 s of a SIGTERM during its SIGCHLD handler (exit status: $rc)" '[ "$rc" = 0 ]'
}

run_one "student fork server" "$B/programs/tcp-echo-fork-student"
run_one "reference fork server" "$B/reference/tcp-echo-server" --concurrency fork
[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
