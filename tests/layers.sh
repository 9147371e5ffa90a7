#!/usr/bin/env bash
# labels: style
# layers.sh: harness/ is layered (docs/architecture.md). Each folder harness/F is the library sockcheck_F,
# and the target_link_libraries line of harness/F/CMakeLists.txt is the one place that says which folders
# F may use. This check fails when
#   - a folder lacks its README.md, or the README's "May use:" line disagrees with that CMake line;
#   - the folders' graph has a loop, or a folder holds more than 12 modules (.c files, tests excepted);
#   - a file includes a header of a folder its own folder does not declare (a higher layer or a sibling);
#   - an object file calls a symbol defined in such a folder, or two or more files call each other in a
#     loop (from `nm` on the built objects).
# With no arguments it also proves it can fail: it runs itself on a copy with a bad include and on two
# object files that call each other.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
failures=0
fail() { echo "layers: $*" >&2; failures=$((failures + 1)); }

# loops: reads "A B" edges (A uses B) on stdin, prints each group of nodes that reach each other.
loops() {
  awk '{ n[$1]; n[$2]; r[$1 SUBSEP $2] = 1 }
    END {
      for (k in n) for (i in n) if ((i SUBSEP k) in r) for (j in n) if ((k SUBSEP j) in r) r[i SUBSEP j] = 1
      for (i in n) { if (i in seen) continue; g = ""
        for (j in n) if ((i SUBSEP j) in r && (j SUBSEP i) in r) { seen[j]; g = g " " j }
        if (g != "") print g }
    }' | while read -r line; do tr ' ' '\n' <<<"$line" | sort | tr '\n' ' '; echo; done | sort
}

# 1. The declared graph, from the CMake lines; each folder's README agrees with it.
declare -A deps
folders=()
for dir in harness/*/; do
  F=$(basename "$dir")
  folders+=("$F")
  cm=$dir/CMakeLists.txt
  [ -f "$cm" ] || { fail "$dir has no CMakeLists.txt (sockcheck_layer($F))"; continue; }
  line=$(grep -E "^target_link_libraries\(sockcheck_$F " "$cm")
  deps[$F]=$(grep -oE 'sockcheck_[a-z0-9_]+' <<<"$line" | sed 's/^sockcheck_//' | grep -vx "$F" | sort -u | tr '\n' ' ')
  if [ -f "$dir/README.md" ]; then
    said=$(grep -m1 '^May use:' "$dir/README.md" | grep -oE '`[a-z0-9_]+/`' | tr -d '`/' | sort | tr '\n' ' ')
    grep -q '^May use:' "$dir/README.md" || fail "$dir/README.md has no 'May use:' line"
    [ "$said" = "${deps[$F]}" ] ||
      fail "$dir/README.md says it may use '${said% }' but CMakeLists.txt links '${deps[$F]% }'"
  else
    fail "$dir has no README.md (purpose, public headers, what it may use)"
  fi
done
for F in "${folders[@]}"; do
  for G in ${deps[$F]}; do
    [ -d "harness/$G" ] || fail "harness/$F/CMakeLists.txt links sockcheck_$G, but there is no harness/$G/"
  done
done
for F in "${folders[@]}"; do
  n=$(ls "harness/$F"/*.c 2>/dev/null | grep -vc '_test\.c$')
  [ "$n" -le 12 ] || fail "harness/$F/ holds $n modules; more than 12 is two layers: split the folder"
done
folder_loops=$(for F in "${folders[@]}"; do for G in ${deps[$F]}; do echo "$F $G"; done; done | loops)
[ -z "$folder_loops" ] || fail "the folders depend on each other in a loop: $folder_loops"

# uses F G: 0 when folder F declares G (or is G).
uses() { [ "$1" = "$2" ] || grep -qw -- "$2" <<<"${deps[$1]:-}"; }
# above F G: 0 when G (transitively) depends on F, i.e. G is a higher layer than F.
above() {
  local todo=("$2") seen=" " x
  while [ ${#todo[@]} -gt 0 ]; do
    x=${todo[0]}; todo=("${todo[@]:1}")
    case $seen in *" $x "*) continue ;; esac
    seen="$seen$x "
    [ "$x" = "$1" ] && return 0
    todo+=(${deps[$x]:-})
  done
  return 1
}
why() { # why F G: the reason G is out of bounds for F
  if above "$1" "$2"; then echo "$2/ is a higher layer"; else echo "$1/ does not declare $2/"; fi
}

# 2. Headers: every name is unique in harness/, and each file includes only what its folder may use.
declare -A home
for h in harness/*/*.h; do
  b=$(basename "$h")
  [ -z "${home[$b]:-}" ] || fail "two headers named $b: harness/${home[$b]}/ and $(dirname "$h")/"
  home[$b]=$(basename "$(dirname "$h")")
done
for f in harness/*/*.[ch]; do
  F=$(basename "$(dirname "$f")")
  while IFS=: read -r ln hdr; do
    G=${home[$hdr]:-}
    if [ -z "$G" ]; then
      fail "$f:$ln: includes \"$hdr\", which is no header of harness/"
    elif ! uses "$F" "$G"; then
      use=${deps[$F]% }
      fail "$f:$ln: includes $hdr from $G/, but $(why "$F" "$G") (harness/$F/CMakeLists.txt may use: ${use:-nothing})"
    fi
  done < <(grep -nE '^#[[:space:]]*include[[:space:]]*"' "$f" | sed -E 's/^([0-9]+):.*"([^"]+)".*/\1:\2/')
done

# 3. Calls between object files (only objects whose source still exists).
if [ "${LAYERS_NO_NM:-}" != 1 ]; then
  objs=()
  for o in "$build"/harness/*/CMakeFiles/sockcheck_*.dir/*.c.o; do
    [ -e "$o" ] || continue
    F=$(basename "$(dirname "$(dirname "$(dirname "$o")")")")
    [ -f "harness/$F/$(basename "$o" .o)" ] && objs+=("$o")
  done
  if [ ${#objs[@]} -eq 0 ] || ! command -v nm >/dev/null; then
    fail "no object files under $build/harness/*/CMakeFiles (build first) or no nm"
  else
    edges=$(for o in "${objs[@]}"; do
      F=$(basename "$(dirname "$(dirname "$(dirname "$o")")")")
      f=$F/$(basename "$o" .c.o)
      nm -g --defined-only "$o" | awk -v f="$f" 'NF == 3 { print "D", $3, f }'
      nm -u "$o" | awk -v f="$f" '{ print "U", $2, f }'
    done | awk '$1 == "D" { def[$2] = $3; next } { use[++n] = $3 " " $2 }
      END { for (i = 1; i <= n; i++) { split(use[i], a, " ")
              if ((a[2] in def) && def[a[2]] != a[1]) print a[1], def[a[2]], a[2] } }' | sort -u)
    while read -r a b sym; do
      [ -n "$a" ] || continue
      F=${a%%/*} G=${b%%/*}
      uses "$F" "$G" || fail "harness/$a.c calls $sym (harness/$b.c), but $(why "$F" "$G")"
    done <<<"$edges"
    file_loops=$(awk 'NF { print $1, $2 }' <<<"$edges" | sort -u | loops)
    while read -r group; do
      [ -n "$group" ] || continue
      detail=$(for a in $group; do for b in $group; do
        s=$(awk -v a="$a" -v b="$b" '$1 == a && $2 == b { printf "%s ", $3 }' <<<"$edges")
        [ -n "$s" ] && echo "    $a.c -> $b.c: $s"
      done; done)
      fail "these files call each other in a loop: $group(move what they share into a lower file)
$detail"
    done <<<"$file_loops"
  fi
fi

# 4. The check itself can fail (skipped in the inner runs).
if [ "${LAYERS_INNER:-}" != 1 ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src"
  cp -r harness "$tmp/src/"
  low=$(for F in "${folders[@]}"; do [ -z "${deps[$F]// /}" ] && echo "$F"; done | head -1)
  victim=$(ls "harness/$low"/*.c | grep -v _test | head -1)
  high_h=$(ls harness/cli/*.h 2>/dev/null | head -1)
  if [ -n "$low" ] && [ -n "$victim" ] && [ -n "$high_h" ]; then
    printf '#include "%s"\n' "$(basename "$high_h")" >>"$tmp/src/$victim"
    if out=$(LAYERS_INNER=1 LAYERS_NO_NM=1 SOCKCHECK_SRC="$tmp/src" bash "$self" 2>&1); then
      fail "a bad include ($victim including $(basename "$high_h")) went unnoticed"
    elif ! grep -q "higher layer" <<<"$out"; then
      fail "a bad include was reported without naming the higher layer: $out"
    fi
  else
    fail "cannot set up the bad-include self-check (no bottom folder, module or cli header)"
  fi
  mkdir -p "$tmp/loop/harness/x" "$tmp/loop/b/harness/x/CMakeFiles/sockcheck_x.dir"
  echo 'sockcheck_layer(x)' >"$tmp/loop/harness/x/CMakeLists.txt"
  printf '# x\nMay use: nothing.\n' >"$tmp/loop/harness/x/README.md"
  printf 'int x_b(int);\nint x_a(int n) { return n ? x_b(n - 1) : 0; }\n' >"$tmp/loop/harness/x/x_a.c"
  printf 'int x_a(int);\nint x_b(int n) { return n ? x_a(n - 1) : 1; }\n' >"$tmp/loop/harness/x/x_b.c"
  for s in x_a x_b; do
    cc -c -o "$tmp/loop/b/harness/x/CMakeFiles/sockcheck_x.dir/$s.c.o" "$tmp/loop/harness/x/$s.c" ||
      fail "cannot compile the loop self-check"
  done
  if out=$(LAYERS_INNER=1 SOCKCHECK_SRC="$tmp/loop" SOCKCHECK_BUILD="$tmp/loop/b" bash "$self" 2>&1); then
    fail "two files calling each other went unnoticed"
  elif ! grep -q "x/x_a x/x_b" <<<"$out"; then
    fail "a call loop was reported without naming its files: $out"
  fi
fi

echo "layers: $failures problem(s)"
[ $failures -eq 0 ]
