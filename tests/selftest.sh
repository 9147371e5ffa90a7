#!/bin/bash
# labels: e2e selftest
# timeout: 1500
# cost: 1000
# Proves the shipped suites: each runs 3 times against its reference (no failure allowed), and once against
# every mutant in tests/mutants (every mutant killed, every killed-by case kills, every case kills one).
# The suites are independent, so three shards (\$SELFTEST_SHARDS) run at once (most of a mutant run is waiting for deadlines);
# about 9 minutes on a 2-core machine (2026-12-01: 123 cases, 168 mutant runs). The JSON reports are kept for CI artifacts, and so are the captures
# of any failed reference case (in selftest-captures/; each failure names its file).
set -u
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
B=${SOCKCHECK_BUILD:-build}
out=${SELFTEST_REPORT_DIR:-$B}
# The shards are derived from cases/: every directory with a suite.conf, so a new profile is proved
# without editing this script. Each suite is weighed by the `sockcheck run` case runs it costs (its cases,
# with those it includes, times 3 reference runs plus one run per mutant that proves it: tests/mutants/<suite>/ and the profiles of
# its suite.conf's `mutants` line), and the suites are dealt heaviest first to the lightest shard.
nshards=${SELFTEST_SHARDS:-3}
weigh() {
  local d=$1 name profiles p m=0 n
  name=$(basename "$d")
  n=$(find "$d" -maxdepth 1 -name '*.case' | wc -l)
  for i in $(sed -n 's/^[[:space:]]*include[[:space:]]*\([^#[:space:]]*\).*/\1/p' "$d/suite.conf"); do
    [ -d "$d/$i" ] && n=$((n + $(find "$d/$i" -maxdepth 1 -name '*.case' | wc -l)))  # included cases run too
  done
  profiles="$name $(sed -n 's/^[[:space:]]*mutants[[:space:]]//p' "$d/suite.conf")"
  for p in $profiles; do
    [ -d "tests/mutants/$p" ] && m=$((m + $(find "tests/mutants/$p" -maxdepth 1 \( -name '*.c' -o -name '*.py' \) | wc -l)))
  done
  echo $((n * (3 + m)))
}
shards=()
load=()
for ((i = 0; i < nshards; i++)); do shards+=(""); load+=(0); done
while read -r w d; do
  best=0
  for ((i = 1; i < nshards; i++)); do [ "${load[$i]}" -lt "${load[$best]}" ] && best=$i; done
  shards[$best]="${shards[$best]:+${shards[$best]} }$d"
  load[$best]=$((load[best] + w))
done < <(for d in cases/*/; do
  d=${d%/}
  [ -f "$d/suite.conf" ] && echo "$(weigh "$d") $d"
done | sort -k1,1nr -k2,2)
[ -n "${shards[0]}" ] || { echo "selftest.sh: no suite (no cases/*/suite.conf)" >&2; exit 1; }
for i in "${!shards[@]}"; do
  [ -n "${shards[$i]}" ] && echo "selftest.sh: shard $i (weight ${load[$i]}): ${shards[$i]}"
done
rm -f "$out"/selftest-report-*.json  # a report left by an earlier run with other shards would be read below
pids=()
ids=()
for i in "${!shards[@]}"; do
  [ -n "${shards[$i]}" ] || continue
  # shellcheck disable=SC2086
  timeout 1300 "$B/sockcheck" selftest --repeat 3 -j 2 --format json --output "$out/selftest-report-$i.json" \
    --captures "$out/selftest-captures" ${shards[$i]} >"$out/selftest-shard-$i.log" 2>&1 &
  pids+=($!)
  ids+=("$i")
done
rc=0
for k in "${!pids[@]}"; do
  i=${ids[$k]}
  wait "${pids[$k]}"
  st=$?
  if [ $st -ne 0 ]; then
    rc=1
    echo "selftest.sh: shard $i failed (exit $st); its log ends:"
    tail -5 "$out/selftest-shard-$i.log"
  fi
done
python3 - "$out"/selftest-report-*.json <<'PY' || exit 1
import json, sys
for path in sys.argv[1:]:
    d = json.load(open(path))
    for p in d["problems"]:
        print("problem:", p["kind"], p["message"])
    for s in d["suites"]:
        killed = sum(1 for m in s["mutants"] if not m["survived"])
        print(f'{s["name"]}: {len(s["cases"])} cases, reference {s["reference"]["runs"]} runs '
              f'({s["reference"]["failed_runs"]} failed), {killed}/{len(s["mutants"])} mutants killed')
    print(f'{path}: {d["result"]} in {d["duration"]:.0f}s')
PY
[ $rc -eq 0 ]
