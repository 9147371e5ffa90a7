#!/usr/bin/env bash
# labels: e2e report
# timeout: 300
# levels.sh: contract levels end to end, on real servers. A server without a SIGTERM handler (python
# socketserver, as courses teach it) passes the MUST case `sigterm` and fails the SHOULD case
# `sigterm-exit-0`: a warning, exit status 0 and full points; under --strict a failure and exit status 1.
# A server that ignores SIGTERM fails either way. One run writes --tap, --junit and --json beside the
# main report, and they agree with each other (tests/report_check.py, tests/tap_prove_check.pl, prove).
set -euo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
command -v prove >/dev/null || { echo "levels.sh: prove missing (run ci/bootstrap: package perl)" >&2; exit 1; }

nohandler="$py tests/programs/socketserver-echo.py {port}"
ignorer="$py tests/programs/ignores-sigterm-echo.py {port}"
run() { # OUT RC_FILE args...: sockcheck run, its stdout in OUT and its exit status in RC_FILE
  local out=$1 rcf=$2
  shift 2
  local rc=0
  timeout 120 "$sc" run --captures "$work/cap" --keep-captures none --filter 'sigterm*' "$@" >"$out" 2>"$out.err" || rc=$?
  echo "$rc" >"$rcf"
}

# 1. No SIGTERM handler: a warning, exit 0, full points; the same run writes all four reports.
run "$work/text" "$work/rc" --server "$nohandler" --tap "$work/r.tap" --junit "$work/r.xml" --json "$work/r.json" cases/tcp-echo
[ "$(cat "$work/rc")" = 0 ] || { cat "$work/text" "$work/text.err" >&2; fail "no handler: exit $(cat "$work/rc"), want 0"; }
grep -q '^PASS  *tcp-echo/sigterm ' "$work/text" || fail "no handler: the MUST case sigterm did not pass"
grep -q '^WARN  *tcp-echo/sigterm-exit-0 ' "$work/text" || fail "no handler: sigterm-exit-0 is not a WARN"
grep -q 'killed by signal 15' "$work/text" || fail "no handler: the warning does not say the signal killed it"
grep -q '^2 cases: 1 pass, 0 fail, 0 error, 0 timeout, 0 skip, 1 warning$' "$work/text" || fail "no handler: summary"
grep -q '^  total  *2/2$' "$work/text" || fail "no handler: a warning cost points"
for f in r.tap r.xml r.json; do [ -s "$work/$f" ] || fail "no handler: $f not written"; done
# The reports agree: the JSON report is the input the other formats are checked against.
"$py" - "$work/r.json" "$work/input.json" <<'PY' || fail "no handler: JSON report"
import json, sys
doc = json.load(open(sys.argv[1]))
cases = {c["name"]: c for s in doc["suites"] for c in s["cases"]}
w = cases["sigterm-exit-0"]
assert w["verdict"] == "fail" and w["level"] == "should" and w["warning"] is True and w["points"] == w["points_max"], w
m = cases["sigterm"]
assert m["verdict"] == "pass" and m["level"] == "must" and m["warning"] is False, m
assert doc["totals"]["warnings"] == 1 and doc["totals"]["failed"] == 0, doc["totals"]
json.dump({"run": doc["run"], "results": [c for s in doc["suites"] for c in s["cases"]]}, open(sys.argv[2], "w"))
PY
if [ -s "$work/input.json" ]; then
  timeout 60 "$py" tests/report_check.py tap "$work/r.tap" "$work/input.json" || fail "no handler: TAP disagrees with JSON"
  timeout 60 "$py" tests/report_check.py junit "$work/r.xml" "$work/input.json" || fail "no handler: JUnit disagrees with JSON"
  timeout 60 "$py" tests/report_check.py json "$work/r.json" "$work/input.json" || fail "no handler: JSON schema"
  timeout 60 perl tests/tap_prove_check.pl "$work/r.tap" "$work/input.json" || fail "no handler: TAP::Parser"
fi
rc=0
timeout 60 prove -e cat "$work/r.tap" >"$work/prove.log" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$work/prove.log" >&2; fail "no handler: prove exited $rc on the TAP report, want 0"; }
grep -q 'Parse errors' "$work/prove.log" && fail "no handler: prove reports parse errors"
grep -q '^not ok [12] - tcp-echo/sigterm-exit-0 # TODO warning: SHOULD case: ' "$work/r.tap" || fail "no handler: TAP TODO line"
grep -q '<skipped message="warning (SHOULD case, fail): expect server exit' "$work/r.xml" || fail "no handler: JUnit warning"

# 2. The same server under --strict: the SHOULD case fails and costs its point; --format/--output still
# work beside --json.
run "$work/strict" "$work/rc" --strict --server "$nohandler" --format tap --output "$work/s.tap" --json "$work/s.json" cases/tcp-echo
[ "$(cat "$work/rc")" = 1 ] || { cat "$work/strict.err" >&2; fail "no handler --strict: exit $(cat "$work/rc"), want 1"; }
grep -q '^not ok [12] - tcp-echo/sigterm-exit-0$' "$work/s.tap" || fail "no handler --strict: TAP is not a plain not ok"
grep -q '"warning": false' "$work/s.json" && grep -q '"failed": 1' "$work/s.json" || fail "no handler --strict: JSON"
[ -s "$work/strict" ] && fail "no handler --strict: --output given, yet the report went to stdout"

# 3. A server that ignores SIGTERM fails the MUST case, with or without --strict.
for mode in default strict; do
  args=(); [ $mode = strict ] && args=(--strict)
  run "$work/ign.$mode" "$work/rc" "${args[@]}" --server "$ignorer" cases/tcp-echo
  [ "$(cat "$work/rc")" = 1 ] || fail "ignorer ($mode): exit $(cat "$work/rc"), want 1"
  grep -q '^FAIL  *tcp-echo/sigterm ' "$work/ign.$mode" || fail "ignorer ($mode): sigterm did not fail"
  grep -q 'still running after' "$work/ign.$mode" || fail "ignorer ($mode): no 'still running' message"
done

# 4. Each extra format at most once.
rc=0
"$sc" run --tap "$work/a" --tap "$work/b" cases/tcp-echo/sigterm.case >/dev/null 2>"$work/twice" || rc=$?
[ "$rc" = 2 ] && grep -q -- '--tap was given twice' "$work/twice" || fail "--tap twice: exit $rc, want 2 with a message"

if [ "$failures" -ne 0 ]; then
  echo "levels.sh: $failures failure(s)" >&2
  exit 1
fi
echo "levels.sh: no-handler server warned (exit 0), failed under --strict; SIGTERM ignorer failed; four reports agree"
