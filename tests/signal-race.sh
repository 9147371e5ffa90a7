#!/bin/bash
# labels: e2e
# timeout: 90
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

# term_and_wait LABEL: sends SIGTERM to $pid; it must exit 0 within 3 s (else it is killed).
term_and_wait() {
  kill -TERM "$pid"
  local rc="none (still running after 3 s)" state
  for _ in $(seq 30); do
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
    if [ "$state" = Z ] || [ -z "$state" ]; then wait "$pid"; rc=$?; break; fi
    sleep 0.1
  done
  if [ "$rc" != "${rc#none}" ]; then kill -KILL "$pid"; wait "$pid" 2>/dev/null; fi
  pid=
  check "$1 (exit status: $rc)" '[ "$rc" = 0 ]'
}

# run_one NAME COMMAND...: starts the server (PORT is its last argument), one client comes and goes, then
# SIGTERM while the SIGCHLD handler runs.
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
  term_and_wait "$name: exits 0 within 3 s of a SIGTERM during its SIGCHLD handler"
}

run_one "student fork server" "$B/programs/tcp-echo-fork-student"
run_one "reference fork server" "$B/reference/tcp-echo-server" --concurrency fork

# before_wait NAME COMMAND...: the server is paused just before it first blocks (after it tested its stop
# flag) and gets SIGTERM then: it must not block for good. Blocking in accept() or recvfrom() with SIGTERM
# deliverable loses it; blocked except inside ppoll(), it is delivered there.
before_wait() {
  local name=$1
  shift
  : >"$t/err"
  LD_PRELOAD="$B/programs/slow-wait.so" "$@" 2>"$t/err" &
  pid=$!
  local seen=0
  for _ in $(seq 100); do
    grep -q about-to-wait "$t/err" && { seen=1; break; }
    sleep 0.05
  done
  check "$name: starts and comes to its wait" '[ $seen = 1 ]'
  term_and_wait "$name: exits 0 within 3 s of a SIGTERM just before it blocks"
}

before_wait "student fork server" "$B/programs/tcp-echo-fork-student" "$(free_port)"
before_wait "reference fork server" "$B/reference/tcp-echo-server" --concurrency fork "$(free_port)"
before_wait "student UDP server" "$B/programs/udp-upper-student" "$(free_port)"
before_wait "reference UDP server" "$B/reference/udp-upper-server" "$(free_port)"
before_wait "reference AF_UNIX datagram server" "$B/reference/unix-upper-server" "$t/upper.sock"
before_wait "student chat server" "$B/programs/chat-student" "$(free_port)"
before_wait "reference chat server" "$B/reference/chat-server" "$(free_port)"
[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
exit $((fails > 0))
