#!/usr/bin/env bash
# labels: e2e inspect
# Runs `sockcheck inspect` on every fixture in tests/pcap/TESTLIST and diffs with the expected output.
# UPDATE=1 rewrites the expected outputs instead (review the diff before committing).
set -uo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
build=${SOCKCHECK_BUILD:-$src/build}
build=$(cd "$build" && pwd)
bin=$build/sockcheck
dir=$src/tests/pcap
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -x "$bin" ] || { echo "inspect.sh: $bin not built" >&2; exit 1; }
pass=0 fail=0
while read -r name file rest; do
  case "$name" in ''|'#'*) continue ;; esac
  read -r -a words <<<"$rest"
  expected=${words[-1]}
  unset 'words[-1]'
  (
    cd "$dir" || exit 1
    timeout 20 "$bin" inspect "$file" "${words[@]}" --no-color >"$out/stdout" 2>"$out/stderr"
    rc=$?
    cat "$out/stdout"
    echo "--- stderr"
    cat "$out/stderr"
    echo "--- exit $rc"
  ) >"$out/$name.out"
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$out/$name.out" "$dir/$expected"
  fi
  if diff -u "$dir/$expected" "$out/$name.out" >"$out/$name.diff" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name ($file ${words[*]}):"
    head -40 "$out/$name.diff"
  fi
done <"$dir/TESTLIST"
echo "inspect.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
