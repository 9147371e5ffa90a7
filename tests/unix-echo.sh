#!/usr/bin/env bash
# labels: e2e unix
# timeout: 300
# cost: 20
# unix-echo.sh: the AF_UNIX profile end to end, on student-style Python servers (tests/programs/unix-echo-*.py).
# A correct one passes every case (exit 0); one that never unlinks a stale socket file fails stale-socket and
# is told to unlink() before bind(); one that reads only once fails the segmentation and volume cases and is
# asked whether it reads only once. Also: the report says "no capture: AF_UNIX", nothing is left in the case
# directories, a --server without {path} is a usage error naming {path}, and in a client-role case the harness
# listens on {path} for a client program (tests/unix/client-role.case).
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work # the case directories (sockcheck-unix-*) are made here: none may be left behind
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

run() { # NAME PROGRAM [args...]: grades tests/programs/unix-echo-PROGRAM.py; report in $work/NAME.txt, status in rc
  local name=$1 prog=$2
  shift 2
  rc=0
  timeout 200 "$sc" run -j 2 --json "$work/$name.json" \
    --server "$py tests/programs/unix-echo-$prog.py {path}" "$@" cases/unix-echo >"$work/$name.txt" 2>&1 || rc=$?
}
verdict() { # FILE CASE: the case's verdict word in the text report (PASS, FAIL, WARN, ...)
  sed -n "s/^\([A-Z]*\) *unix-echo\/$2 .*/\1/p" "$1"
}

run student student
[ "$rc" -eq 0 ] || fail "correct student server: exit $rc, expected 0 ($(grep -E '^(FAIL|ERROR|TIMEOUT)' "$work/student.txt" | head -3))"
grep -q '^13 cases: 13 pass' "$work/student.txt" || fail "correct student server: not every case passed"
grep -q 'no capture: AF_UNIX' "$work/student.txt" || fail "the text report does not say 'no capture: AF_UNIX'"
grep -q '"notes": "no capture: AF_UNIX' "$work/student.json" || fail "the JSON report does not say 'no capture: AF_UNIX'"
ls "$work" | grep -q '^sockcheck-unix-' && fail "a case directory was left behind: $(ls "$work" | grep '^sockcheck-unix-')"

run nounlink no-unlink
[ "$rc" -eq 1 ] || fail "no-unlink server: exit $rc, expected 1"
[ "$(verdict "$work/nounlink.txt" stale-socket)" = FAIL ] || fail "no-unlink server: stale-socket did not fail"
grep -A3 '^FAIL *unix-echo/stale-socket' "$work/nounlink.txt" |
  grep -q 'message: .*a stale socket file from an earlier run was left at that path: the server must unlink() it before bind()' ||
  fail "no-unlink server: the stale-socket message does not say to unlink() the stale socket before bind()"
grep -q 'step: *cases/unix-echo/stale-socket.case:[0-9]' "$work/nounlink.txt" || fail "no-unlink: no file:line step"
grep -q "reproduce: .*run --server '.*unix-echo-no-unlink.py {path}' .*cases/unix-echo/stale-socket.case" "$work/nounlink.txt" ||
  fail "no-unlink: no reproduce line"
[ "$(verdict "$work/nounlink.txt" removes-socket)" = WARN ] || fail "no-unlink server: removes-socket is not a warning"
grep -A5 '^WARN *unix-echo/removes-socket' "$work/nounlink.txt" | grep -q 'should unlink() its path when it stops' ||
  fail "no-unlink server: removes-socket does not say the server should unlink() its path"
[ "$(verdict "$work/nounlink.txt" basic)" = PASS ] || fail "no-unlink server: basic should pass (a fresh path has no stale file)"

run readonce read-once
[ "$rc" -eq 1 ] || fail "read-once server: exit $rc, expected 1"
for c in one-byte-pieces binary-1mib; do
  [ "$(verdict "$work/readonce.txt" $c)" = FAIL ] || fail "read-once server: $c did not fail"
  grep -A3 "^FAIL *unix-echo/$c" "$work/readonce.txt" |
    grep -q 'message: .*closed the connection .* while the client was still sending: does it read only once, instead of looping until read() returns 0?' ||
    fail "read-once server: the $c message does not name reading only once"
done
[ "$(verdict "$work/readonce.txt" stale-socket)" = PASS ] || fail "read-once server: stale-socket should pass (it unlinks)"

# A command without {path}: refused before any case runs, naming {path} and the reference.
rc=0
"$sc" run --server "$py s.py {port}" cases/unix-echo >"$work/usage.txt" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "--server without {path}: exit $rc, expected 2"
grep -q "has no {path}: .*AF_UNIX.*unix-echo-server {path}.*for example --server '$py s.py {port} {path}'" "$work/usage.txt" ||
  fail "--server without {path}: the message does not name {path}: $(cat "$work/usage.txt")"

# unix-upper (datagrams): a reply sent from another, unbound socket is named as such.
rc=0
timeout 60 "$sc" run --server "$py tests/mutants/unix-upper/reply-from-other.py {path}" cases/unix-upper/basic.case >"$work/dgram.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "unix-upper reply-from-other: exit $rc, expected 1"
grep -q "message: .*the reply came from an unbound socket (no path), not from the server's path .*/sock" "$work/dgram.txt" ||
  fail "unix-upper: a reply from an unbound socket is not named: $(grep message: "$work/dgram.txt")"

# Client role: the harness listens on {path} and the client program connects to it (tests/unix/).
rc=0
timeout 60 "$sc" run --client "$py tests/programs/unix-client.py {path}" tests/unix/client-role.case >"$work/client.txt" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "client role: exit $rc, expected 0: $(grep message: "$work/client.txt")"
rc=0
timeout 60 "$sc" run --client "$py tests/programs/unix-client.py --no-shutdown {path}" tests/unix/client-role.case >"$work/client2.txt" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "client role, a client that never shuts down writing: exit $rc, expected 1"
grep -q 'message: *expect s eof' "$work/client2.txt" || fail "client role: the missing shutdown is not what failed"
ls "$work" | grep -q '^sockcheck-unix-' && fail "a case directory was left behind: $(ls "$work" | grep '^sockcheck-unix-')"

if [ "$failures" -ne 0 ]; then
  echo "unix-echo.sh: $failures failure(s)"
  exit 1
fi
echo "unix-echo.sh: ok"
