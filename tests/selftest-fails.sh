#!/bin/bash
# labels: e2e selftest
# selftest can fail: a fixture suite with a case that kills nothing and a mutant that nothing kills must
# give exit 1 and name both; a malformed mutant header must give exit 2.
set -u
B=${SOCKCHECK_BUILD:-build}
F=tests/selftest
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

timeout 120 "$B/sockcheck" selftest --repeat 2 -j 2 --mutants $F/mutants $F/suites/fixture-echo \
	>"$out/text" 2>"$out/err"
rc=$?
cat "$out/text"
check "text: exit status 1" '[ $rc -eq 1 ]'
check "text: names the dead case" 'grep -q "dead-case *case fixture-echo/kills-nothing kills no mutant" "$out/text"'
check "text: names the survivor" 'grep -q "surviving-mutant *mutant fixture-echo/survivor survives every case" "$out/text"'
check "text: names the missed kill" 'grep -q "missed-kill *mutant fixture-echo/survivor: case fixture-echo/echoes is listed in killed-by but passed in 1 of 1 run" "$out/text"'
check "text: the killed mutant is no problem" '! sed -n "/^problems/,\$p" "$out/text" | grep -q fixture-echo/silent'
check "text: the matrix marks the kill" 'grep -Eq "^  echoes +X  !  1$" "$out/text"'
check "text: exactly three problems" 'grep -q "^problems (3):" "$out/text"'

timeout 120 "$B/sockcheck" selftest --repeat 1 -j 2 --format json --output "$out/json" \
	--mutants $F/mutants $F/suites/fixture-echo 2>/dev/null
rc=$?
check "json: exit status 1" '[ $rc -eq 1 ]'
check "json: problems and matrix" 'python3 - "$out/json" <<"PY"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "sockcheck-selftest/1" and d["result"] == "failed" and d["status"] == 1, d["result"]
kinds = sorted((p["kind"], p["case"], p["mutant"]) for p in d["problems"])
assert kinds == [("dead-case", "kills-nothing", None),
                 ("missed-kill", "echoes", "fixture-echo/survivor"),
                 ("surviving-mutant", None, "fixture-echo/survivor")], kinds
s = d["suites"][0]
assert s["name"] == "fixture-echo" and s["cases"] == ["echoes", "kills-nothing"], s["cases"]
assert s["reference"] == {"runs": 1, "failed_runs": 0, "failures": []}, s["reference"]
assert s["matrix"]["echoes"] == {"fixture-echo/silent": "killed", "fixture-echo/survivor": "missed"}, s["matrix"]
m = {x["name"]: x for x in s["mutants"]}
assert m["fixture-echo/silent"]["kills"] == {"echoes": 1, "kills-nothing": 0}
assert m["fixture-echo/survivor"]["survived"] is True
PY'

timeout 60 "$B/sockcheck" selftest --repeat 1 --mutants $F/bad-mutants $F/suites/fixture-echo \
	>"$out/bad" 2>&1
rc=$?
check "bad header: exit status 2" '[ $rc -eq 2 ]'
check "bad header: says what is missing" 'grep -q "no-killed-by.py: no .killed-by:. line" "$out/bad"'

timeout 60 "$B/sockcheck" selftest --repeat 2 --no-mutants --captures "$out/cap" $F/suites/fixture-bad-reference \
	>"$out/ref" 2>/dev/null
rc=$?
cat "$out/ref"
check "bad reference: exit status 1" '[ $rc -eq 1 ]'
check "bad reference: names case, run and message" 'grep -q "reference-failed *reference run 2 (seed 2): fixture-bad-reference/lowercase-echo: fail: expect c1 echo: .*(at tests/selftest/suites/fixture-bad-reference/lowercase-echo.case:8)" "$out/ref"'
check "bad reference: each failure names its kept capture" \
	'[ "$(grep -c "lowercase-echo.case:8); capture kept in $out/cap/[^ ]*/fixture-bad-reference/lowercase-echo.pcap" "$out/ref")" -eq 2 ]'
check "bad reference: the named captures exist" \
	'(for p in $(grep -o "capture kept in [^ ]*" "$out/ref" | cut -d" " -f4); do [ -s "$p" ] || exit 1; done)'
check "bad reference: every run counted" 'grep -q "reference runs: 2 x 1 cases, 2 non-pass verdict(s)" "$out/ref"'

# Levels: selftest runs strict. A SHOULD case that fails on a mutant detects it; on the reference it is a
# reference failure, not a warning.
timeout 120 "$B/sockcheck" selftest --repeat 1 -j 2 --mutants $F/mutants $F/suites/fixture-should >"$out/should" 2>/dev/null
rc=$?
cat "$out/should"
check "should case: the mutant is detected (exit 0)" '[ $rc -eq 0 ]'
check "should case: the matrix marks the kill" 'grep -Eq "^  sigterm-exit-0 +X  1$" "$out/should"'
timeout 60 "$B/sockcheck" selftest --repeat 1 --no-mutants $F/suites/fixture-should-reference >"$out/sref" 2>/dev/null
rc=$?
cat "$out/sref"
check "should case on the reference: exit status 1" '[ $rc -eq 1 ]'
check "should case on the reference: a reference failure" 'grep -q "reference-failed *reference run 1 (seed 1): fixture-should-reference/exit-3: fail: expect server exit" "$out/sref"'

timeout 60 "$B/sockcheck" selftest --repeat 0 >/dev/null 2>&1
check "usage error: exit status 2" '[ $? -eq 2 ]'

echo "$fails failure(s)"
[ $fails -eq 0 ]
