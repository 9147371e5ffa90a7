#!/usr/bin/env bash
# labels: e2e sandbox
# cost: 40
# sandbox-user.sh: tests/sandbox.sh's contract as an ordinary user (sockcheck in a user namespace): root
# creates the user sockcheck-sbtest and runs sockcheck as it, with a clean environment. The intruder serves
# a correct echo only if every attempt to escape failed; the program view's unit test passes; every hostile
# program of tests/programs/hostile.py gets a definite verdict within the case timeout + 1 s, says why, leaves
# no process of the user behind, and a correct case after it in the same run passes. Helpers:
# tests/lib/sandbox-common.sh.
. "$(dirname "$0")/lib/sandbox-common.sh"
sb_mode=user

if [ "$(id -u)" -ne 0 ]; then
  # Only root can make the user; tests/sandbox.sh run by a user covers the user's case.
  [ "${CI:-}" = true ] && { echo "FAIL: CI must run this test as root" >&2; exit 1; }
  echo "sandbox-user: not root: run tests/sandbox.sh as yourself instead"
  exit 0
fi
id "$sb_user" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /usr/sbin/nologin "$sb_user" ||
  { echo "FAIL: cannot create the user $sb_user" >&2; exit 1; }
chown -R "$sb_user" "$work/sub"
mkdir -p "$work/ucaptures" && chown "$sb_user" "$work/ucaptures"
# What the user can run: /usr/bin/python3 (root's pyenv shim is in a mode-700 home).
"${as_user[@]}" python3 -c 'import sys; print(sys.executable)' >"$work/py.txt" 2>&1 ||
  { echo "FAIL: the user cannot run python3: $(cat "$work/py.txt")" >&2; exit 1; }

# 1. The intruder.
intrude "$work/bin/sockcheck" "${as_user[@]}" >"$work/intruder-user.txt" 2>&1 ||
  fail "intruder (user): $(grep -E 'message|escaped|error' "$work/intruder-user.txt" | head -3)"
grep -q '^PASS' "$work/intruder-user.txt" || fail "intruder (user): no pass: $(head -5 "$work/intruder-user.txt")"
check_host "intruder (user)"
check_gone "intruder (user)"

# 2. The unit test of the view and the identity (CTest runs it as root).
cp "$build/tests/sandbox_fs_test" "$work/bin/" && chmod 755 "$work/bin/sandbox_fs_test"
(cd "$work" && "${as_user[@]}" timeout 60 "$work/bin/sandbox_fs_test") >"$work/fs-user.txt" 2>&1 ||
  fail "sandbox_fs_test as an ordinary user: $(tail -5 "$work/fs-user.txt")"

# 3. Every hostile program, then a correct case in the same run.
run_hostiles

echo "sandbox-user: $(failures) failure(s)"
[ "$(failures)" -eq 0 ]
