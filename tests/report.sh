#!/usr/bin/env bash
# labels: e2e report
# report.sh: every report format of every fixture in tests/report/, rendered fresh, read back by parsers
# that share no code with sockcheck: JUnit by python3 xml.etree + xmllint (well-formedness and
# tests/report/junit.xsd), TAP 14 by tappy + PyYAML + a strict grammar, JSON by jsonschema against
# docs/report.schema.json. Then the checkers are shown to bite on broken copies.
set -euo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
render=$build/tests/report_render_test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Debian's python3 holds python3-tap, python3-yaml and python3-jsonschema (ci/bootstrap installs them);
# a python3 earlier on PATH (pyenv, venv) may not.
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if ! "$py" -c 'import tap.parser, yaml, more_itertools, jsonschema' 2>/dev/null; then
  echo "report.sh: $py lacks tappy, PyYAML, more-itertools or jsonschema (run ci/bootstrap)" >&2
  exit 1
fi
command -v xmllint >/dev/null || { echo "report.sh: xmllint missing (run ci/bootstrap)" >&2; exit 1; }
[ -x "$render" ] || { echo "report.sh: $render not built" >&2; exit 1; }
check() { timeout 60 "$py" tests/report_check.py "$@"; }

version=$(timeout 10 "$build/sockcheck" --version | awk '{print $2}')
inputs=(tests/report/*.input.json)
[ ${#inputs[@]} -ge 3 ] || fail "fewer than 3 fixtures in tests/report/"

for input in "${inputs[@]}"; do
  base=${input%.input.json}
  name=$(basename "$base")
  for fmt in text tap junit json; do
    ext=$fmt; [ "$fmt" = junit ] && ext=junit.xml
    out=$work/$name.$ext
    timeout 30 "$render" "$fmt" "$input" >"$out" || { fail "$name: rendering $fmt failed"; continue; }
    # What sockcheck writes now is what the fixture says (the unit test checks this too, from C).
    want=$base.$ext
    if [ "$fmt" = json ]; then
      sed "s/\"version\": \"@VERSION@\"/\"version\": \"$version\"/" "$want" >"$work/$name.want.json"
      want=$work/$name.want.json
    fi
    cmp -s "$out" "$want" || fail "$name.$ext differs from $base.$ext"
    # No report ever carries a NUL byte or invalid UTF-8, whatever the program printed.
    if ! "$py" -c 'import sys; d=open(sys.argv[1],"rb").read(); d.decode("utf-8"); sys.exit(b"\0" in d)' "$out"; then
      fail "$name.$ext: NUL byte or invalid UTF-8"
    fi
  done
  timeout 30 "$render" text "$input" --color >"$work/$name.color.text" || fail "$name: colour text failed"

  # Text: without colour no escape byte at all (a program's \x1b is shown as text); with colour only
  # SGR sequences.
  grep -q $'\x1b' "$work/$name.text" && fail "$name.text: raw ESC byte"
  if sed 's/\x1b\[[0-9;]*m//g' "$work/$name.color.text" | grep -q $'\x1b'; then
    fail "$name.color.text: ESC outside a colour sequence"
  fi
  cmp -s <(sed 's/\x1b\[[0-9;]*m//g' "$work/$name.color.text") "$work/$name.text" ||
    fail "$name.color.text differs from $name.text beyond colour"

  check junit "$work/$name.junit.xml" "$input" || fail "$name.junit.xml: structural check"
  timeout 30 xmllint --noout "$work/$name.junit.xml" || fail "$name.junit.xml: xmllint"
  timeout 30 xmllint --noout --schema tests/report/junit.xsd "$work/$name.junit.xml" 2>"$work/xsd.log" ||
    { cat "$work/xsd.log" >&2; fail "$name.junit.xml: not valid against tests/report/junit.xsd"; }
  check tap "$work/$name.tap" "$input" || fail "$name.tap: TAP 14 check"
  check json "$work/$name.json" "$input" docs/report.schema.json || fail "$name.json: schema check"
done

# prove (Debian 12: TAP::Harness 3.44, package perl) reads every TAP report: no parse error, every YAML
# block a hash with the case's verdict, the failures and TODOs (warnings) the fixture says.
command -v prove >/dev/null || { echo "report.sh: prove missing (run ci/bootstrap: package perl)" >&2; exit 1; }
for input in "${inputs[@]}"; do
  name=$(basename "${input%.input.json}")
  tap=$work/$name.tap
  rc=0
  timeout 30 prove -e cat "$tap" >"$work/prove.log" 2>&1 || rc=$?
  want_rc=0
  "$py" -c 'import json,sys; sys.exit(any(r["verdict"] in ("fail","error","timeout") and not r.get("warning") for r in json.load(open(sys.argv[1]))["results"]))' "$input" || want_rc=1
  [ "$rc" = "$want_rc" ] || { cat "$work/prove.log" >&2; fail "$name.tap: prove exited $rc, want $want_rc"; }
  grep -q "Parse errors" "$work/prove.log" && { cat "$work/prove.log" >&2; fail "$name.tap: prove reports parse errors"; }
  timeout 30 perl tests/tap_prove_check.pl "$tap" "$input" || fail "$name.tap: TAP::Parser check"
done

# The checkers bite: each broken copy of the mixed report must be rejected.
mixed=tests/report/mixed.input.json
expect_reject() { # what, then the command that must fail
  local what=$1
  shift
  if "$@" 2>/dev/null; then fail "checker accepted $what"; fi
}
m=$work/mixed
sed '0,/<testcase name="[^"]*"/s//<testcase/' "$m.junit.xml" >"$work/b1.xml"
expect_reject "a testcase without a name" check junit "$work/b1.xml" "$mixed"
expect_reject "a testcase without a name (xsd)" xmllint --noout --schema tests/report/junit.xsd "$work/b1.xml"
sed '0,/failures="1"/s//failures="0"/' "$m.junit.xml" >"$work/b2.xml"
expect_reject "wrong failure count" check junit "$work/b2.xml" "$mixed"
sed '0,/<system-err>/s//<system-err>\x01/' "$m.junit.xml" >"$work/b3.xml"
expect_reject "a control character in XML" xmllint --noout "$work/b3.xml"
expect_reject "a control character in XML (etree)" check junit "$work/b3.xml" "$mixed"
sed 's/^1\.\.8$/1..9/' "$m.tap" >"$work/b4.tap"
expect_reject "a wrong plan" check tap "$work/b4.tap" "$mixed"
sed 's/^not ok 2 /ok 2 /' "$m.tap" >"$work/b5.tap"
expect_reject "ok for a failure" check tap "$work/b5.tap" "$mixed"
sed '0,/^    then: connection reset (RST)$/s//    then: connection reset (RST)  /' "$m.tap" >"$work/b6.tap"
expect_reject "YAML detail that is not the result's" check tap "$work/b6.tap" "$mixed"
sed 's/weird \\# name/weird # name/' "$m.tap" >"$work/b7.tap"
expect_reject "an unescaped # in a description" check tap "$work/b7.tap" "$mixed"
sed 's/^TAP version 13$/TAP version 14/' "$m.tap" >"$work/b10.tap"
expect_reject "TAP version 14 (prove)" perl tests/tap_prove_check.pl "$work/b10.tap" "$mixed"
expect_reject "TAP version 14 (tappy)" check tap "$work/b10.tap" "$mixed"
w=$work/warning
sed 's/^\(not ok 2 - .*\) # TODO .*$/\1/' "$w.tap" >"$work/b11.tap"
expect_reject "a warning without TODO" check tap "$work/b11.tap" tests/report/warning.input.json
expect_reject "a warning without TODO (prove)" perl tests/tap_prove_check.pl "$work/b11.tap" tests/report/warning.input.json
sed 's/^  actual: "it exited with status 1\\n"$/  actual: |2\n    it exited with status 1/' "$w.tap" >"$work/b12.tap"
expect_reject "a YAML block prove cannot read" perl tests/tap_prove_check.pl "$work/b12.tap" tests/report/warning.input.json
sed '0,/<skipped message="warning/s//<failure type="fail" message="warning/; 0,/<\/skipped>/s//<\/failure>/' "$w.junit.xml" >"$work/b13.xml"
expect_reject "a warning as a JUnit failure" check junit "$work/b13.xml" tests/report/warning.input.json
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["totals"]["points"]; json.dump(d,open(sys.argv[2],"w"))' \
  "$m.json" "$work/b8.json"
expect_reject "a report without totals.points" check json "$work/b8.json" "$mixed"
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["suites"][0]["cases"][1]["actual"]="x"; json.dump(d,open(sys.argv[2],"w"))' \
  "$m.json" "$work/b9.json"
expect_reject "a case that is not the result" check json "$work/b9.json" "$mixed"

if [ "$failures" -ne 0 ]; then
  echo "report.sh: $failures failure(s)" >&2
  exit 1
fi
echo "report.sh: ${#inputs[@]} fixtures x 4 formats rendered, parsed and validated; prove reads every TAP; checkers reject 17 broken copies"
