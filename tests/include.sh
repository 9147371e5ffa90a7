#!/usr/bin/env bash
# labels: e2e run
# cost: 10
# include.sh: `include` in suite.conf: tcp-echo-concurrent runs tcp-echo's cases under its own name, with
# its own reference, and an included case's reproduce line runs exactly that case again.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
run() { timeout 300 "$sc" run --no-capture "$@"; }

# 1. The including suite's reference (the thread server) passes an included case, reported under it.
run --filter 'tcp-echo-concurrent/half-close' cases/tcp-echo-concurrent >"$work/ref.txt" 2>&1 ||
  fail "reference: exit $? $(tail -5 "$work/ref.txt")"
grep -q '^PASS .*tcp-echo-concurrent/half-close ' "$work/ref.txt" || fail "reference: half-close not reported under tcp-echo-concurrent"
grep -q '^1 case' "$work/ref.txt" || fail "reference: the filter ran more than one case"

# 2. A fork server that holds the FIN back fails the included case, which names its own file, and its
#    reproduce line selects it in the including suite and fails it again.
mutant="$build/mutants/tcp-echo-concurrent/fork-late-close {port}"
run --server "$mutant" cases/tcp-echo-concurrent >"$work/m.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "fork-late-close: exit $rc, expected 1"
grep -q '^FAIL .*tcp-echo-concurrent/half-close ' "$work/m.txt" || fail "fork-late-close: half-close did not fail"
grep -q 'step: *cases/tcp-echo/half-close.case:[0-9]' "$work/m.txt" || fail "fork-late-close: the step does not name the included file"
repro=$(sed -n 's/^ *reproduce: //p' "$work/m.txt" | grep -- '--filter tcp-echo-concurrent/half-close ' | head -1)
case "$repro" in
*' cases/tcp-echo-concurrent') ;;
*) fail "fork-late-close: no reproduce line selecting half-close in cases/tcp-echo-concurrent: '$repro'" ;;
esac
(eval "timeout 60 $repro --no-capture" >"$work/repro.txt" 2>&1)
[ $? -eq 1 ] || fail "the reproduce line did not reproduce the failure: $repro"
grep -q '^FAIL .*tcp-echo-concurrent/half-close ' "$work/repro.txt" || fail "the reproduce line did not fail half-close"
grep -q '^1 case' "$work/repro.txt" || fail "the reproduce line ran more than its case"

# 3. The suite's own no-fd-leak replaces tcp-echo's case of the same name: it appears once.
[ "$(grep -c 'tcp-echo-concurrent/no-fd-leak ' "$work/m.txt")" -eq 1 ] || fail "no-fd-leak is not reported exactly once"

# 4. A broken include is a usage error (exit 2) naming the line.
mkdir -p "$work/s/a" && : >"$work/s/a/x.case" && printf 'server x\ninclude ../nowhere\n' >"$work/s/a/suite.conf"
"$sc" run "$work/s/a" >"$work/bad.txt" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "broken include: exit $rc, expected 2"
grep -q 'suite.conf:2: include ../nowhere: .* is not a suite directory' "$work/bad.txt" || fail "broken include: $(cat "$work/bad.txt")"

echo "include: $failures failure(s)"
[ $failures -eq 0 ]
