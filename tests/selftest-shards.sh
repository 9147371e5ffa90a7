#!/bin/bash
# labels: e2e
# tests/selftest.sh derives its shards from cases/ and reports a shard's real exit status. It runs the
# script against a fake `sockcheck` (which records the suites of each shard and fails for one of them) on
# a scratch tree with a new profile, then on the real cases/.
set -u
SRC=$(cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

mkdir -p "$t/bin"
cat >"$t/bin/sockcheck" <<'EOF'
#!/bin/bash
# fake `sockcheck selftest ... --output FILE SUITE...`: one line per shard in shards.txt, exit 3 for zz-broken
out=""; dirs=()
while [ $# -gt 0 ]; do
  case $1 in
    --output) out=$2; shift 2 ;;
    --repeat | -j | --format | --captures) shift 2 ;;
    selftest) shift ;;
    *) dirs+=("$1"); shift ;;
  esac
done
echo "${dirs[*]}" >>"$(dirname "$out")/shards.txt"
printf '{"problems":[],"suites":[],"result":"passed","duration":0}' >"$out"
for d in "${dirs[@]}"; do [ "$d" = cases/zz-broken ] && { echo "fake: zz-broken fails"; exit 3; }; done
exit 0
EOF
chmod +x "$t/bin/sockcheck"

# A scratch tree: four suites (one a brand-new profile no list knows), one directory without suite.conf.
tree=$t/src
for s in alpha beta gamma zz-new zz-broken; do
  mkdir -p "$tree/cases/$s"
  echo "server {bin}/x {port}" >"$tree/cases/$s/suite.conf"
  for k in 1 2 3; do echo "server {server}" >"$tree/cases/$s/c$k.case"; done
done
mkdir -p "$tree/cases/not-a-suite" "$tree/tests/mutants/alpha"
touch "$tree/tests/mutants/alpha/m1.py" "$tree/tests/mutants/alpha/m2.c"

mkdir -p "$t/out1"
SOCKCHECK_SRC=$tree SOCKCHECK_BUILD=$t/bin SELFTEST_REPORT_DIR=$t/out1 bash "$SRC/tests/selftest.sh" >"$t/log1" 2>&1
rc=$?
cat "$t/log1"
suites_in() { tr ' ' '\n' <"$1/shards.txt" | grep -c "^cases/$2\$"; }
check "scratch: exit status 1 (a shard failed)" '[ $rc -eq 1 ]'
check "scratch: the real exit status of the failed shard is printed" 'grep -Eq "shard [0-9] failed \(exit 3\)" "$t/log1"'
for s in alpha beta gamma zz-new zz-broken; do
  check "scratch: $s is in exactly one shard" '[ "$(suites_in "$t/out1" $s)" = 1 ]'
done
check "scratch: a directory without suite.conf is not a suite" '! grep -q not-a-suite "$t/out1/shards.txt"'
check "scratch: three shards" '[ "$(wc -l <"$t/out1/shards.txt")" -eq 3 ]'
check "scratch: the suite with mutants (heaviest) is alone in its shard" 'grep -qx "cases/alpha" "$t/out1/shards.txt"'

# The real tree: every suite of cases/ in exactly one shard, and the shards balanced by weight.
mkdir -p "$t/out2"
SOCKCHECK_SRC=$SRC SOCKCHECK_BUILD=$t/bin SELFTEST_REPORT_DIR=$t/out2 bash "$SRC/tests/selftest.sh" >"$t/log2" 2>&1
rc=$?
check "cases/: exit status 0" '[ $rc -eq 0 ]'
for d in "$SRC"/cases/*/; do
  s=$(basename "$d")
  [ -f "$d/suite.conf" ] || continue
  check "cases/: $s is in exactly one shard" '[ "$(suites_in "$t/out2" "$s")" = 1 ]'
done
check "cases/: the heaviest shard weighs under 1.5 times the lightest" \
  'sed -n "s/.*(weight \([0-9]*\)).*/\1/p" "$t/log2" | sort -n | awk "NR==1{lo=\$1} {hi=\$1} END{exit !(NR==3 && hi < 1.5*lo)}"'

[ $fails -eq 0 ] && echo "selftest-shards: all passed" || { echo "selftest-shards: $fails failed"; exit 1; }
