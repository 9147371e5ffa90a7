#!/bin/bash
# labels: e2e
# `expect server running` waits for the program to catch up before judging, so a server that exits once
# its only client leaves fails tcp-echo/basic (close c1, then expect server running) on every run, not
# only when it happens to exit before the check; the reference passes every run.
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
runs=${RUNNING_SETTLES_RUNS:-5}

failed=0
for i in $(seq 1 "$runs"); do
  "$B/sockcheck" run --keep-captures none --format json --output "$t/one-$i.json" \
    --server "python3 tests/mutants/tcp-echo/serve-one.py {port}" cases/tcp-echo/basic.case >/dev/null 2>&1
  python3 - "$t/one-$i.json" <<'PY' && failed=$((failed + 1))
import json, sys
c = json.load(open(sys.argv[1]))["suites"][0]["cases"][0]
ok = (c["verdict"] == "fail" and c["step"] == "cases/tcp-echo/basic.case:18"
      and c["message"] == "the server is no longer running: it exited with status 0; nothing on stderr")
print(c["verdict"], c.get("step"), c.get("message"))
sys.exit(0 if ok else 1)
PY
done
check "a one-client server fails 'expect server running' in $runs of $runs runs" '[ $failed -eq "$runs" ]'

passed=0
for i in $(seq 1 "$runs"); do
  "$B/sockcheck" run --keep-captures none cases/tcp-echo/basic.case cases/tcp-echo/sequential-50.case \
    >"$t/ref-$i.txt" 2>&1 && passed=$((passed + 1))
done
check "the reference passes basic and sequential-50 in $runs of $runs runs" '[ $passed -eq "$runs" ]'

[ $fails -eq 0 ] && echo "running-settles: all passed" || { echo "running-settles: $fails failed"; exit 1; }
