#!/usr/bin/env bash
# labels: e2e
# timeout: 120
# Regexes in cases against a program's output (issue 15): a regex that backtracks exponentially stops at
# PCRE2's match limit within a second and the verdict is error with the reason (the case's regex cannot
# judge the program); an ordinary mismatch stays a fail; a match on data holding NUL bytes works.
set -u
sc="${SOCKCHECK_BUILD:?}/sockcheck"
cd "${SOCKCHECK_SRC:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
run() { timeout 60 "$sc" run --captures "$work/captures" "$@"; }
line="python3 -c 'print(\"a\"*60+\"!\")' {host} {port}"

start=$(date +%s.%N)
run --client "$line" tests/regex/limit.case >"$work/limit.txt" 2>&1
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
[ "$rc" -eq 2 ] || fail "limit: exit $rc, expected 2 (error)"
grep -q '^ERROR    regex/limit' "$work/limit.txt" || fail "limit: the verdict is not error"
grep -q 'the regex cannot be judged: matching needed more than 1000000 backtracking steps on 61 bytes' \
  "$work/limit.txt" || fail "limit: the reason is missing"
# The whole run (sandbox, program start) takes about 0.7 s; without the limit it ran for minutes.
[ "$(echo "$secs < 10" | bc)" -eq 1 ] || fail "limit: took ${secs}s"

run --client "$line" tests/regex/mismatch.case >"$work/mismatch.txt" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "mismatch: exit $rc, expected 1 (fail)"
grep -q 'the next line does not match /\^a+\$/' "$work/mismatch.txt" || fail "mismatch: no reason"

run --client "python3 -c 'import sys; sys.stdout.buffer.write(b\"a\\0b\\n\")' {host} {port}" \
  tests/regex/nul.case >"$work/nul.txt" 2>&1 || { fail "nul: a line with a NUL byte did not match"; cat "$work/nul.txt"; }

[ $failures -eq 0 ] && echo "regex: all passed"
[ $failures -eq 0 ]
