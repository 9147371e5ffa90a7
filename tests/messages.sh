#!/usr/bin/env bash
# labels: e2e run
# cost: 40
# messages.sh: failure messages point the right way (issue 9, section 5). Runs each entry of
# tests/messages/expected (a program from tests/programs/ on a case) as often as it says and checks that
# the failing case's message is exactly the expected one on every run, that required lines appear and
# that the old, misleading wording does not.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=${SOCKCHECK_BIN:-$build/sockcheck}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

check_entry() {
  local name=$1 runs=$2 args=$3 message=$4 absent=$5
  shift 5
  local i out
  [ -n "$args" ] || { fail "$name: no args"; return; }
  for ((i = 1; i <= runs; i++)); do
    out=$work/$name.$i.txt
    eval "timeout 120 \"\$sc\" run --no-capture $args" >"$out" 2>&1
    local rc=$?
    [ $rc -eq 1 ] || fail "$name (run $i): exit $rc, expected 1"
    if [ -n "$message" ]; then
      local got
      got=$(sed -n 's/^  message: *//p' "$out")
      [ "$got" = "$message" ] || fail "$name (run $i): message
  got:  $got
  want: $message"
    fi
    local l
    for l in "$@"; do
      grep -qxF -- "$l" "$out" || fail "$name (run $i): no line: $l"
    done
    if [ -n "$absent" ] && grep -qF -- "$absent" "$out"; then
      fail "$name (run $i): still says \"$absent\": $(grep -F -- "$absent" "$out" | head -1)"
    fi
  done
}

name='' runs=1 args='' message='' absent='' lines=()
flush() { [ -n "$name" ] && check_entry "$name" "$runs" "$args" "$message" "$absent" "${lines[@]}"; }
while IFS= read -r row || [ -n "$row" ]; do
  case $row in
    '#'* | '') ;;
    '== '*) flush; name=${row#== } runs=1 args='' message='' absent='' lines=() ;;
    'runs '*) runs=${row#runs } ;;
    'args '*) args=${row#args } ;;
    'message '*) message=${row#message } ;;
    'absent '*) absent=${row#absent } ;;
    'line '*) lines+=("${row#line }") ;;
    *) fail "tests/messages/expected: cannot read: $row" ;;
  esac
done <tests/messages/expected
flush

echo "messages: $failures failure(s)"
[ $failures -eq 0 ]
