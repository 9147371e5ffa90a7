#!/usr/bin/env bash
# labels: e2e sandbox
# cost: 40
# sandbox.sh: the contract of docs/sandbox.md, end to end. An intruder (tests/programs/intruder.py) tries to
# read the host's secrets, suites and other submissions, to write outside its sandbox, to leave its
# namespaces and to reach other processes; it serves a correct echo only if every attempt failed. It runs
# as root and as an ordinary user. Then every hostile program of tests/programs/hostile.py gets a definite
# verdict within the case timeout + 1 s, names the limit that stopped it, and leaves nothing running.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
src=$(pwd)
build=$(cd "${SOCKCHECK_BUILD:-build}" && pwd)
sc=$build/sockcheck
work=$(mktemp -d)
chmod 755 "$work"
listener=
cleanup() { [ -n "$listener" ] && kill "$listener" 2>/dev/null; rm -rf "$work" /tmp/sockcheck-sandbox-marker; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

# The host: a secret in /tmp, another submission, a listener on the host's 127.0.0.1, a submission that
# holds a copy of the suite (it must stay hidden) and the intruder itself.
echo "host secret" >/tmp/sockcheck-sandbox-marker
mkdir -p "$work/other" "$work/sub/suite" "$work/bin/reference"
echo "other student's work" >"$work/other/server.py"
cp cases/tcp-echo/suite.conf cases/tcp-echo/reset-then-new-client.case "$work/sub/suite/"
cp tests/programs/intruder.py tests/programs/hostile.py "$work/sub/"
cp "$sc" "$work/bin/"
cp "$build/reference/tcp-echo-server" "$work/bin/reference/"
chmod -R a+rX "$work"
$py -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(300)' \
  >"$work/port" &
listener=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
hostport=$(cat "$work/port")

# intrude SOCKCHECK USER_PREFIX...: runs the intruder from its submission directory on the copied suite.
intrude() {
  local bin=$1; shift
  (cd "$work/sub" && timeout 60 "$@" "$bin" run --captures "$work/sub/captures" \
    --server "python3 intruder.py {port} --read $work/sub/suite/reset-then-new-client.case --read $src/cases/tcp-echo/basic.case --read /tmp/sockcheck-sandbox-marker --read $work/other/server.py --read $bin --write $work/sub/written --write /tmp/sockcheck-written --write $work/written --write $work/sub/suite/reset-then-new-client.case --write $work/bin/sockcheck --connect $hostport" \
    suite/reset-then-new-client.case)
}
check_host() {
  for f in "$work/sub/written" /tmp/sockcheck-written "$work/written"; do
    [ -e "$f" ] && { fail "$1: the intruder's write reached the host: $f"; rm -f "$f"; }
  done
  [ "$(cat /tmp/sockcheck-sandbox-marker)" = "host secret" ] || fail "$1: the host's /tmp was changed"
  cmp -s cases/tcp-echo/reset-then-new-client.case "$work/sub/suite/reset-then-new-client.case" ||
    fail "$1: the suite's case was changed"
  cmp -s "$sc" "$work/bin/sockcheck" || fail "$1: the sockcheck binary was changed"
  local leaked
  leaked=$(find /tmp "$work" -maxdepth 3 \( -uid +60999 -uid -61064 \) -newer "$work/port" 2>/dev/null | head -3)
  [ -z "$leaked" ] || fail "$1: files of the sandbox uids reached the host: $leaked"
  [ -z "$(ls -A /tmp/.sockcheck-scratch-"$(id -u)" 2>/dev/null)" ] || fail "$1: the scratch mount point is not empty"
}

# 1. The intruder, as whoever runs the tests (root in CI).
intrude "$sc" >"$work/intruder.txt" 2>&1 || fail "intruder ($(id -un)): $(grep -E 'message|escaped' "$work/intruder.txt" | head -3)"
grep -q '^PASS' "$work/intruder.txt" || fail "intruder ($(id -un)): no pass: $(head -5 "$work/intruder.txt")"
check_host "intruder ($(id -un))"

# 2. The same as an ordinary user (a user namespace). Root makes one; CI runs as root, so it always runs.
if [ "$(id -u)" -eq 0 ]; then
  id sockcheck-sbtest >/dev/null 2>&1 || useradd -M -d /nonexistent -s /usr/sbin/nologin sockcheck-sbtest ||
    fail "cannot create the user sockcheck-sbtest"
  chown -R sockcheck-sbtest "$work/sub"
  intrude "$work/bin/sockcheck" setpriv --reuid=sockcheck-sbtest --regid=sockcheck-sbtest --init-groups \
    env -i PATH=/usr/bin:/bin HOME=/nonexistent >"$work/intruder-user.txt" 2>&1 ||
    fail "intruder (user): $(grep -E 'message|escaped|error' "$work/intruder-user.txt" | head -3)"
  grep -q '^PASS' "$work/intruder-user.txt" || fail "intruder (user): no pass: $(head -5 "$work/intruder-user.txt")"
  check_host "intruder (user)"
  # A fork bomb as the user: the limit holds and is named.
  (cd "$work" && setpriv --reuid=sockcheck-sbtest --regid=sockcheck-sbtest --init-groups env -i PATH=/usr/bin:/bin \
    timeout 60 "$work/bin/sockcheck" run --captures "$work/sub/captures" --processes 64 \
    --server "python3 $work/sub/hostile.py fork-bomb {port}" sub/suite/reset-then-new-client.case) \
    >"$work/bomb-user.txt" 2>&1
  grep -q 'process limit 64 reached' "$work/bomb-user.txt" || fail "fork bomb (user): $(grep -E '^[A-Z]+ |message|notes' -A1 "$work/bomb-user.txt" | head -5)"
  # The unit test of the view and the identity, as the user too (CTest runs it as root).
  cp "$build/tests/sandbox_fs_test" "$work/bin/" && chmod 755 "$work/bin/sandbox_fs_test"
  (cd "$work" && setpriv --reuid=sockcheck-sbtest --regid=sockcheck-sbtest --init-groups env -i PATH=/usr/bin:/bin \
    timeout 60 "$work/bin/sandbox_fs_test") >"$work/fs-user.txt" 2>&1 ||
    fail "sandbox_fs_test as an ordinary user: $(tail -5 "$work/fs-user.txt")"
elif [ "${CI:-}" = true ]; then
  fail "CI must run this test as root (to test both root and an ordinary user)"
else
  echo "sandbox.sh: not root: the ordinary-user run above is the only one"
fi

# --dir names the submission: pointed elsewhere, the program's own file is not in its view; a --dir that is
# not a directory is a usage error; the reproduce line repeats the sandbox options.
(cd "$work/sub" && timeout 60 "$sc" run --captures "$work/captures" --dir "$work/other" --processes 100 \
  --server "python3 intruder.py {port}" suite/reset-then-new-client.case) >"$work/dir.txt" 2>&1
grep -q "can't open file .*intruder.py" "$work/dir.txt" || fail "--dir: the program's own directory was visible: $(grep message "$work/dir.txt")"
grep -q "reproduce: .*--dir $work/other --processes 100" "$work/dir.txt" || fail "--dir: the reproduce line lacks the sandbox options"
"$sc" run --dir "$work/other/server.py" cases/tcp-echo/basic.case >"$work/dir2.txt" 2>&1
[ $? -eq 2 ] && grep -q 'not a directory' "$work/dir2.txt" || fail "--dir FILE: expected a usage error: $(cat "$work/dir2.txt")"

# 3. `sockcheck doctor`: one line per check, exit 0 here. In a user namespace that maps only root (a
# container without the sandbox uids), it fails, and every case is an error that points to it, never a fail.
"$sc" doctor >"$work/doctor.txt" 2>&1 || fail "doctor: exit $?: $(grep -v '^ok' "$work/doctor.txt")"
grep -vqE '^(ok|warn|fail) |^doctor: ' "$work/doctor.txt" && fail "doctor: a line that is not a check: $(grep -vE '^(ok|warn|fail) |^doctor: ' "$work/doctor.txt")"
grep -q '^ok    program view' "$work/doctor.txt" || fail "doctor: no program view check"
if unshare -Ur true 2>/dev/null; then
  unshare -Ur "$sc" doctor >"$work/doctor-bad.txt" 2>&1
  [ $? -eq 1 ] || fail "doctor in a one-uid user namespace: expected exit 1"
  grep -q '^fail  program view .*--sandbox-uids' "$work/doctor-bad.txt" || fail "doctor: no failed check with its fix: $(cat "$work/doctor-bad.txt")"
  unshare -Ur "$sc" run --captures "$work/captures" cases/tcp-echo/basic.case cases/tcp-echo/two-messages.case \
    >"$work/env-bad.txt" 2>&1
  [ $? -eq 2 ] || fail "a broken environment: expected exit 2"
  [ "$(grep -c '^ERROR ' "$work/env-bad.txt")" -eq 2 ] || fail "a broken environment: not every case is an error: $(head -3 "$work/env-bad.txt")"
  [ "$(grep -c 'message: .*sockcheck doctor' "$work/env-bad.txt")" -eq 2 ] || fail "a broken environment: the errors do not point to sockcheck doctor"
elif [ "${CI:-}" = true ]; then
  fail "unshare -Ur is unavailable: CI must be able to run it"
fi

# 4. Hostile programs: MODE EXPECTED-VERDICT MESSAGE-PATTERN [OPTIONS]. Two at a time.
# The memory hog runs a copy of the case with a `memory 200` header, which wins over --memory 1024.
mkdir -p "$work/hdr/tcp-echo"
cp cases/tcp-echo/suite.conf "$work/hdr/tcp-echo/"
sed '0,/^name /s//memory 200\nname /' cases/tcp-echo/basic.case >"$work/hdr/tcp-echo/basic.case"
hostile() {
  local mode=$1 want=$2 pattern=$3; shift 3
  local t0 t1 out=$work/h-$mode.txt case=cases/tcp-echo/basic.case
  [ "$mode" = memory-hog ] && case=$work/hdr/tcp-echo/basic.case
  t0=$(date +%s.%N)
  timeout 60 "$sc" run --captures "$work/captures" "$@" --server "$py tests/programs/hostile.py $mode {port}" \
    "$case" >"$out" 2>&1
  t1=$(date +%s.%N)
  local took
  took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  echo "$mode $took" >>"$work/times"
  grep -q "^$want " "$out" || fail "hostile $mode: expected $want: $(grep -E '^[A-Z]+ |message' "$out" | head -2)"
  grep -qE "$pattern" "$out" || fail "hostile $mode: the report does not say /$pattern/: $(grep -A3 message "$out" | head -4)"
  # The case timeout (10 s) + 1 s, and sockcheck's own start.
  awk -v t="$took" 'BEGIN { exit !(t <= 11.5) }' || fail "hostile $mode: took $took s (the bound is 10 s + 1 s)"
}
run_pair() {
  hostile "${@:1:4}" &
  local a=$!
  [ $# -gt 4 ] && hostile "${@:5:4}"
  wait $a
}
run_pair fork-bomb FAIL 'process limit 64 reached' --processes=64 \
         memory-hog FAIL 'memory limit 200 MiB reached' --memory=1024
run_pair endless-output FAIL 'more than 8 MiB on stdout' --seed=1 \
         ignore-sigterm FAIL 'expect' --seed=1
run_pair setsid-escape FAIL 'expect' --seed=1 \
         bind-no-listen FAIL 'bound port 9000 but never listened' --seed=1
run_pair wrong-port FAIL 'never started listening on port 9000' --seed=1 \
         crash-on-connect FAIL 'killed by signal 11 \(Segmentation fault\)' --seed=1
run_pair busy-thread PASS '1 pass' --seed=1 \
         close-std-fds PASS '1 pass' --seed=1
run_pair slow-start PASS '1 pass' --seed=1 \
         exit-at-once FAIL 'exited with status 0 before it started listening' --seed=1
run_pair amplifier FAIL 'expect' --seed=1 \
         stdin-first PASS '1 pass' --seed=1
cat "$work/times"
sleep 0.3
if pgrep -f 'hostile.py' >/dev/null; then
  fail "a hostile program survived its case: $(pgrep -af hostile.py | head -3)"
  pkill -KILL -f 'tests/programs/hostile.py'
fi
check_host hostile

echo "sandbox: $failures failure(s)"
[ $failures -eq 0 ]
