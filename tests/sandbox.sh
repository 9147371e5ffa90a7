#!/usr/bin/env bash
# labels: e2e sandbox
# cost: 40
# sandbox.sh: the contract of docs/sandbox.md, end to end, as root (tests/sandbox-user.sh does the same as an
# ordinary user). An intruder (tests/programs/intruder.py) tries to read the host's secrets, suites and other
# submissions, to write outside its sandbox, to leave its namespaces and to reach other processes; it serves
# a correct echo only if every attempt failed. Then every hostile program of tests/programs/hostile.py gets a
# definite verdict within the case timeout + 1 s, names the limit that stopped it, leaves nothing running,
# and a correct case after it in the same run passes. The host and the helpers: tests/lib/sandbox-common.sh.
. "$(dirname "$0")/lib/sandbox-common.sh"
sb_mode=root

# 1. The intruder, as whoever runs the tests (root in CI).
intrude "$sc" >"$work/intruder.txt" 2>&1 || fail "intruder ($(id -un)): $(grep -E 'message|escaped' "$work/intruder.txt" | head -3)"
grep -q '^PASS' "$work/intruder.txt" || fail "intruder ($(id -un)): no pass: $(head -5 "$work/intruder.txt")"
check_host "intruder ($(id -un))"

if [ "${CI:-}" = true ] && [ "$(id -u)" -ne 0 ]; then
  fail "CI must run this test as root (tests/sandbox-user.sh covers an ordinary user)"
fi

# 2. --dir names the submission: pointed elsewhere, the program's own file is not in its view; a --dir that is
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

# 4. Hostile programs, two at a time, each followed by a correct case in the same run.
run_hostiles

# 5. Limits set by a case header win over the command line's, stop the program and are named in the report,
# and the reproduce line (the case file holds the header) reproduces it. cpu.case: a server with a spinning
# thread, `cpu-time 1s`, run with --cpu-time 100; out.case: endless output, `output-size 1`, with
# --output-size 50.
sed -e '0,/^name .*/s//cpu-time 1s\nname cpu/' -e 's/^expect server running/expect server exit 0 within 8s/' \
  cases/tcp-echo/basic.case >"$work/hdr/tcp-echo/cpu.case"
sed '0,/^name .*/s//output-size 1\nname out/' cases/tcp-echo/basic.case >"$work/hdr/tcp-echo/out.case"
chmod a+r "$work/hdr/tcp-echo/"*.case
limit_case() {
  local mode=$1 case=$2 opt=$3 pattern=$4
  (cd "$work" && timeout 60 "$work/bin/sockcheck" run --captures "$work/captures" "$opt" \
    --server "$py $work/sub/hostile.py $mode {port}" "$work/hdr/tcp-echo/$case") >"$work/l-$case.txt" 2>&1
  grep -qE "^FAIL +tcp-echo/${case%.case} " "$work/l-$case.txt" && grep -qE "$pattern" "$work/l-$case.txt" ||
    fail "$case: the header's limit did not stop $mode, or is not named (/$pattern/): $(grep -E '^[A-Z]+ |message|notes' -A1 "$work/l-$case.txt" | head -5)"
}
limit_case busy-thread cpu.case --cpu-time=100 'killed by signal 24 .*CPU time limit 1 s reached' &
limit_pid=$!
limit_case endless-output out.case --output-size=50 'more than 1 MiB on stdout \(the output size limit\)'
wait $limit_pid
repro=$(grep -m1 'reproduce:' "$work/l-cpu.case.txt" | sed 's/^ *reproduce: *//')
case "$repro" in
*"--cpu-time 100"*"$work/hdr/tcp-echo/cpu.case"*)
  (cd "$work" && eval "timeout 60 $repro") >"$work/l-repro.txt" 2>&1
  grep -q 'CPU time limit 1 s reached' "$work/l-repro.txt" ||
    fail "cpu.case: its reproduce line did not reproduce: $repro: $(grep message "$work/l-repro.txt")" ;;
*) fail "cpu.case: the reproduce line lacks --cpu-time 100 or the case: $repro" ;;
esac
# Bad values: a usage error for an option, file:line for a header (sockcheck lint).
"$sc" run --cpu-time 0 cases/tcp-echo/basic.case >"$work/l-opt.txt" 2>&1
[ $? -eq 2 ] && grep -q -- '--cpu-time wants a whole number from 1 to 600' "$work/l-opt.txt" ||
  fail "--cpu-time 0: expected a usage error: $(cat "$work/l-opt.txt")"
printf 'server {server}\nopen-files 0\nconnect c1\n' >"$work/hdr/bad-limit.case"
"$sc" lint "$work/hdr/bad-limit.case" >"$work/l-lint.txt" 2>&1
grep -q "bad-limit.case:2:12: open-files: 0 is out of range (1 to 1048576)" "$work/l-lint.txt" ||
  fail "lint: a bad limit header is not reported at file:line: $(cat "$work/l-lint.txt")"
check_gone limits

echo "sandbox: $(failures) failure(s)"
[ "$(failures)" -eq 0 ]
