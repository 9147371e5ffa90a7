# sandbox-common.sh: what tests/sandbox.sh (as root) and tests/sandbox-user.sh (as an ordinary user) share:
# the host they guard (a secret in /tmp, another submission, a listener on the host's 127.0.0.1, a submission
# holding a copy of a suite), the checks that the host is unaffected, and the run of each hostile program of
# tests/programs/hostile.py followed by a correct case in the same run. Sourced, never run (it is not a
# CTest test: tests/*.sh are). Every path is unique to the test, so the two may run side by side.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "${BASH_SOURCE[0]}")/../..}"
src=$(pwd)
build=$(cd "${SOCKCHECK_BUILD:-build}" && pwd)
sc=$build/sockcheck
work=$(mktemp -d)
chmod 755 "$work"
marker=/tmp/sockcheck-sandbox-marker-$$
written=/tmp/sockcheck-written-$$
listener=
shmid=
sb_cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null
  [ -n "$shmid" ] && ipcrm -m "$shmid" 2>/dev/null
  rm -rf "$work" "$marker" "$written"
}
trap sb_cleanup EXIT
# Failures are counted in a file: a hostile program runs in a background subshell, whose variables are lost.
fail() { echo "FAIL: $*" >&2; echo "$*" >>"$work/failed"; }
failures() { [ -s "$work/failed" ] && wc -l <"$work/failed" || echo 0; }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
# The ordinary user of tests/sandbox-user.sh (root creates it; the prefix runs a command as that user with a
# clean environment, as a login would; /usr/bin/python3 is on its PATH, root's pyenv shim is not).
sb_user=sockcheck-sbtest
as_user=(setpriv --reuid=$sb_user --regid=$sb_user --init-groups env -i PATH=/usr/bin:/bin HOME=/nonexistent)

# The host: a secret in /tmp, another submission, a listener on the host's 127.0.0.1, a submission that
# holds a copy of the suite (it must stay hidden), the intruder and the hostile programs, and copies of
# sockcheck and the reference server that an ordinary user can read. hdr/tcp-echo holds the cases the
# hostile programs run: basic.case; hog.case (basic with a `memory 200` header, which wins over the command
# line's --memory); after.case, a correct case that runs the reference server after each hostile program.
echo "host secret" >"$marker"
mkdir -p "$work/other" "$work/sub/suite" "$work/bin/reference" "$work/hdr/tcp-echo"
echo "other student's work" >"$work/other/server.py"
cp cases/tcp-echo/suite.conf cases/tcp-echo/reset-then-new-client.case "$work/sub/suite/"
cp tests/programs/intruder.py tests/programs/hostile.py "$work/sub/"
cp "$sc" "$work/bin/"
cp "$build/reference/tcp-echo-server" "$work/bin/reference/"
cp cases/tcp-echo/suite.conf cases/tcp-echo/basic.case "$work/hdr/tcp-echo/"
sed '0,/^name .*/s//memory 200\nname hog/' cases/tcp-echo/basic.case >"$work/hdr/tcp-echo/hog.case"
sed -e 's/^name .*/name after/' -e 's/^timeout .*/timeout 5s/' \
  -e "s|^server .*|server $work/bin/reference/tcp-echo-server --concurrency fork {port}|" \
  cases/tcp-echo/basic.case >"$work/hdr/tcp-echo/after.case"
chmod -R a+rX "$work"
$py -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(300)' \
  >"$work/port" &
listener=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
hostport=$(cat "$work/port")
# A System V shared memory segment of the host's (mode 644: any uid could read it), the host's UTS and IPC
# namespaces and its hostname: the intruder must see none of them, share neither and change nothing.
shmid=$(ipcmk -M 4096 2>/dev/null | grep -oE '[0-9]+$')
[ -n "$shmid" ] || fail "ipcmk -M 4096 (util-linux) could not create a shared memory segment"
host_ns="--ns '$(readlink /proc/self/ns/uts)' --ns '$(readlink /proc/self/ns/ipc)'"
host_name=$(cat /proc/sys/kernel/hostname)

# intrude SOCKCHECK [PREFIX...]: runs the intruder from its submission directory on the copied suite, with
# secrets in sockcheck's environment (as CI has them) that must not reach it.
intrude() {
  local bin=$1; shift
  (cd "$work/sub" && timeout 60 "$@" env SOCKCHECK_TEST_SECRET=hunter2 CI_JOB_TOKEN=glcbt-test \
    AWS_SECRET_ACCESS_KEY=test "$bin" run --captures "$work/sub/captures" \
    --server "python3 intruder.py {port} ${shmid:+--shm $shmid} $host_ns --read $work/sub/suite/reset-then-new-client.case --read $src/cases/tcp-echo/basic.case --read $marker --read $work/other/server.py --read $bin --write $work/sub/written --write $written --write $work/written --write $work/sub/suite/reset-then-new-client.case --write $work/bin/sockcheck --connect $hostport" \
    suite/reset-then-new-client.case)
}

# check_host WHAT: nothing the programs wrote reached the host; the suite and sockcheck are unchanged.
check_host() {
  for f in "$work/sub/written" "$written" "$work/written"; do
    [ -e "$f" ] && { fail "$1: the intruder's write reached the host: $f"; rm -f "$f"; }
  done
  [ "$(cat "$marker")" = "host secret" ] || fail "$1: the host's /tmp was changed"
  [ "$(cat /proc/sys/kernel/hostname)" = "$host_name" ] || fail "$1: the host's name was changed"
  cmp -s cases/tcp-echo/reset-then-new-client.case "$work/sub/suite/reset-then-new-client.case" ||
    fail "$1: the suite's case was changed"
  cmp -s "$sc" "$work/bin/sockcheck" || fail "$1: the sockcheck binary was changed"
  # The host's /tmp itself (other tests' directories in it are theirs) and this test's directory.
  local leaked
  leaked=$(find /tmp -maxdepth 1 \( -uid +60999 -uid -61064 \) -newer "$work/port" 2>/dev/null | head -3)
  leaked+=$(find "$work" -maxdepth 3 \( -uid +60999 -uid -61064 \) -newer "$work/port" 2>/dev/null | head -3)
  [ -z "$leaked" ] || fail "$1: files of the sandbox uids reached the host: $leaked"
  if [ "${sb_mode:-root}" = user ]; then
    leaked=$(find /tmp -maxdepth 1 -user "$sb_user" -newer "$work/port" -not -name '.sockcheck-scratch-*' \
      2>/dev/null | head -3)
    leaked+=$(find "$work" -maxdepth 3 -user "$sb_user" -newer "$work/port" -not -path "$work/sub*" \
      -not -path "$work/ucaptures*" 2>/dev/null | head -3)
    [ -z "$leaked" ] || fail "$1: files of the user's programs reached the host: $leaked"
  fi
  [ -z "$(ls -A /tmp/.sockcheck-scratch-"$(id -u)" 2>/dev/null)" ] || fail "$1: the scratch mount point is not empty"
}

# ours PID...: those of the PIDs that belong to this test: their command line or working directory holds
# $work (sockcheck's workers rename themselves "[sockcheck]" but keep its working directory, $work).
ours() {
  local pid
  for pid in "$@"; do
    [ "$pid" = "$listener" ] && continue
    case "$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null) $(readlink /proc/"$pid"/cwd 2>/dev/null)/" in
    *"$work/"*) echo "$pid $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | cut -c1-150)" ;;
    esac
  done
}

# check_gone WHAT: no process of this test is left (as the user: none of the user's processes that is this
# test's): the host's process count is back where it was.
check_gone() {
  local left
  sleep 0.2
  # shellcheck disable=SC2046
  left=$(ours $(pgrep -f "$work/") $( [ "${sb_mode:-root}" = user ] && pgrep -u "$sb_user") | sort -u | head -3)
  if [ -n "$left" ]; then
    fail "$1: processes left behind: $left"
    kill -KILL $(echo "$left" | cut -d' ' -f1) 2>/dev/null
  fi
}

# hostile MODE EXPECTED-VERDICT MESSAGE-PATTERN OPTION: runs the hostile program on basic.case (hog.case for
# the memory hog) and then, in the same run (-j 1: one after the other), after.case with the reference
# server; as the user when sb_mode=user. The hostile case gets its verdict within its timeout (10 s) + 1 s
# and says why; after.case passes.
hostile() {
  local mode=$1 want=$2 pattern=$3 opt=$4
  local out=$work/h-$mode.txt case=$work/hdr/tcp-echo/basic.case caps=$work/captures prefix=()
  [ "$mode" = memory-hog ] && case=$work/hdr/tcp-echo/hog.case
  if [ "${sb_mode:-root}" = user ]; then
    prefix=("${as_user[@]}")
    caps=$work/ucaptures
  fi
  local t0 t1 took json=$caps/h-$mode.json # in a directory sockcheck may write to (as the user: the user's)
  mkdir -p "$caps"
  t0=$(date +%s.%N)
  (cd "$work" && "${prefix[@]}" timeout 60 "$work/bin/sockcheck" run -j 1 --captures "$caps" --json "$json" \
    "$opt" --server "python3 $work/sub/hostile.py $mode {port}" "$case" "$work/hdr/tcp-echo/after.case") \
    >"$out" 2>&1
  t1=$(date +%s.%N)
  took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  grep -qE "^$want +tcp-echo/(basic|hog) " "$out" ||
    fail "hostile $mode (${sb_mode:-root}): expected $want: $(grep -E '^[A-Z]+ |message' "$out" | head -3)"
  grep -qE "$pattern" "$out" ||
    fail "hostile $mode (${sb_mode:-root}): the report does not say /$pattern/: $(grep -A3 message "$out" | head -4)"
  grep -qE '^PASS +tcp-echo/after ' "$out" ||
    fail "hostile $mode (${sb_mode:-root}): the correct case after it did not pass: $(grep -E '^[A-Z]+ +tcp-echo/after' -A3 "$out" | head -4)"
  # The case's own time: its timeout (10 s) + 1 s; the whole run: that, the correct case and sockcheck's start.
  local case_s after_s
  read -r case_s after_s < <($py -c 'import json,sys
r = json.load(open(sys.argv[1]))
d = {c["name"]: c["duration"] for s in r["suites"] for c in s["cases"]}
print(d.get("basic", d.get("hog", 99)), d.get("after", 99))' "$json" 2>/dev/null || echo "99 99")
  echo "$mode ${sb_mode:-root}: run $took s, its case $case_s s, the correct case $after_s s" >>"$work/times"
  awk -v t="$case_s" 'BEGIN { exit !(t <= 11.0) }' ||
    fail "hostile $mode (${sb_mode:-root}): its case took $case_s s (the bound is 10 s + 1 s)"
  awk -v t="$took" -v a="$after_s" 'BEGIN { exit !(t <= 11.5 + a) }' ||
    fail "hostile $mode (${sb_mode:-root}): the run took $took s (the bound is 10 s + 1 s + the correct case's $after_s s)"
}

# run_pair MODE WANT PATTERN OPTION [MODE WANT PATTERN OPTION]: one or two hostile programs at a time, then
# the host checks.
run_pair() {
  hostile "${@:1:4}" &
  local a=$!
  [ $# -gt 4 ] && hostile "${@:5:4}"
  wait $a
  check_gone "hostile $1${5:+ and $5} (${sb_mode:-root})"
}

# run_hostiles: every program of tests/programs/hostile.py, two at a time; as the user, the fork bomb alone
# (an ordinary user's process limit is one budget for all of that user's cases, docs/sandbox.md).
run_hostiles() {
  if [ "${sb_mode:-root}" = user ]; then
    run_pair fork-bomb FAIL 'process limit 64 reached' --processes=64
    run_pair memory-hog FAIL 'memory limit 200 MiB reached' --memory=1024 \
             exit-at-once FAIL 'exited with status 0 before it started listening' --seed=1
    run_pair stdin-first PASS 'PASS +tcp-echo/basic' --seed=1
  else
    run_pair fork-bomb FAIL 'process limit 64 reached' --processes=64 \
             memory-hog FAIL 'memory limit 200 MiB reached' --memory=1024
    run_pair exit-at-once FAIL 'exited with status 0 before it started listening' --seed=1 \
             stdin-first PASS 'PASS +tcp-echo/basic' --seed=1
  fi
  run_pair endless-output FAIL 'more than 8 MiB on stdout' --seed=1 \
           ignore-sigterm FAIL 'expect' --seed=1
  run_pair setsid-escape FAIL 'expect' --seed=1 \
           bind-no-listen FAIL 'bound port 9000 but never listened' --seed=1
  run_pair wrong-port FAIL 'never started listening on port 9000' --seed=1 \
           crash-on-connect FAIL 'killed by signal 11 \(Segmentation fault\)' --seed=1
  run_pair busy-thread PASS 'PASS +tcp-echo/basic' --seed=1 \
           close-std-fds PASS 'PASS +tcp-echo/basic' --seed=1
  run_pair slow-start PASS 'PASS +tcp-echo/basic' --seed=1 \
           amplifier FAIL 'expect' --seed=1
  cat "$work/times"
  check_host "hostile (${sb_mode:-root})"
}
