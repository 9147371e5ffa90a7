#!/usr/bin/env bash
# labels: style
# style.sh: the mechanical parts of docs/code-style.md: purpose lines, file size, symbol prefixes, and
# no exit() in library code.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
failures=0
fail() { echo "style: $*" >&2; failures=$((failures + 1)); }

for f in harness/*/*.[ch] reference/*.[ch] bench/*.c; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  head -1 "$f" | grep -q "^/\* $b: " || fail "$f: the first line must be '/* $b: purpose. */'"
done

for f in harness/*/*.c; do
  case $f in *_test.c) continue ;; esac
  n=$(wc -l <"$f")
  [ "$n" -le 700 ] || fail "$f: $n lines; split a concern into its own file (limit 700)"
done

for f in harness/*/*.c; do
  case $f in */main.c | *_test.c) continue ;; esac
  grep -nE '(^|[^_a-z])exit\(' "$f" | grep -v '^\s*[0-9]*:\s*\*' | while IFS= read -r l; do
    echo "style: $f:$l: library code must return a status, not exit" >&2
  done | grep -q . && fail "$f calls exit()"
done

# One object directory per layer (harness/<folder>/ builds sockcheck_<folder>).
objs=$(ls "$build"/harness/*/CMakeFiles/sockcheck_*.dir/*.c.o 2>/dev/null)
if [ -n "$objs" ] && command -v nm >/dev/null; then
  for o in $objs; do
    f=$(basename "$o" .c.o)
    dir=$(basename "$(dirname "$(dirname "$(dirname "$o")")")")
    [ -f "harness/$dir/$f.c" ] || continue # a stale object: its source moved or is gone
    first=${f%%_*}
    while read -r sym; do
      case $sym in
        "$first"* | "$f"*) ;;
        sp_*) case $f in scenario_parse*) ;; *) fail "$f.c exports $sym (sp_ is the parser's own)" ;; esac ;;
        *) fail "$f.c exports $sym: public symbols start with '$first' (make it static or rename)" ;;
      esac
    done < <(nm -g --defined-only "$o" | awk '{print $3}')
  done
else
  fail "no object files in $build/harness/*/CMakeFiles/sockcheck_*.dir (build first)"
fi

echo "style: $failures problem(s)"
[ $failures -eq 0 ]
