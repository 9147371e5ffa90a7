#!/usr/bin/env bash
# labels: hardening
# timeout: 600
# cost: 40
# Runs every libFuzzer target (build-asan/fuzz, tests/hardening-build.sh) for a few seconds on its seeds:
# the test fixtures, the shipped cases and suite.conf files, the shared pcap corpus, and the regression
# inputs in tests/fuzz/regressions/<target>/ (every crash found goes there). Every seed is run first, so
# fuzz_pcap also runs the whole pcap corpus through inspect's code under ASan. A crash, leak, timeout or
# out-of-memory fails the test and prints the input. FUZZ_SECONDS=N runs each target longer.
set -uo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src"
fz=$src/build-asan/fuzz
secs=${FUZZ_SECONDS:-6}
corpus=${SOCKCHECK_PCAP_CORPUS:-$src/../shared/corpus/pcap}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
[ -x "$fz/fuzz_case" ] || { echo "fuzz-smoke: FAIL: $fz/fuzz_case missing (tests/hardening-build.sh)"; exit 1; }
if [ ! -d "$corpus" ]; then
  msg="the shared pcap corpus is missing: $corpus (CI machines have ../shared/corpus/pcap beside the project; elsewhere set SOCKCHECK_PCAP_CORPUS)"
  if [ "${CI:-}" = true ]; then echo "fuzz-smoke: FAIL: $msg"; exit 1; fi
  echo "fuzz-smoke: NOTE: $msg; fuzz_pcap is seeded with tests/pcap only"
  corpus=$work/no-corpus
fi

seed() { # seed TARGET FILES...: copies files into the target's working corpus
  local t=$1
  shift
  mkdir -p "$work/$t"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$work/$t/$(echo "$f" | tr '/' '_')"; done
  [ -d "tests/fuzz/regressions/$t" ] && cp tests/fuzz/regressions/"$t"/* "$work/$t/" 2>/dev/null
  return 0
}
seed fuzz_case cases/*/*.case tests/lint/*.case tests/lint/valid/*.case
seed fuzz_suite cases/*/suite.conf
seed fuzz_assignment tests/grade/*.assignment tests/lint/*.assignment
seed fuzz_pcap tests/pcap/*.pcap tests/pcap/*.pcapng "$corpus"/*
seed fuzz_frames
mkdir -p "$work/fuzz_fault"
# Relay fault lines of the shipped cases, each as a seed: a first byte for TCP (0) or UDP (1), then the line.
grep -h -E '^\s+(loss|drop|delay|duplicate|hold|stall|reorder|corrupt|reset|split|throttle|limit)\b' cases/*/*.case |
  sort -u | nl -ba | while read -r n line; do printf '1%s\n' "$line" >"$work/fuzz_fault/u$n"; printf '0%s\n' "$line" >"$work/fuzz_fault/t$n"; done

# The whole pcap corpus once through inspect's code under ASan (-runs=0: every seed, then stop), whatever
# the time limit below leaves out.
"$fz/fuzz_pcap" -runs=0 -timeout=60 -rss_limit_mb=2048 -artifact_prefix="$work/" "$work/fuzz_pcap" >"$work/pcap-seeds.log" 2>&1 ||
  { fail "fuzz_pcap: a capture of the corpus failed under ASan"; grep -E 'ERROR|SUMMARY|runtime error' "$work/pcap-seeds.log" | head; }
echo "fuzz_pcap: $(ls "$work/fuzz_pcap" | wc -l) captures read under ASan: $(grep -c . "$work/pcap-seeds.log" >/dev/null && grep -o 'INITED.*' "$work/pcap-seeds.log" | head -1)"

for t in fuzz_case fuzz_suite fuzz_pcap fuzz_frames fuzz_fault fuzz_assignment; do
  n=$(ls "$work/$t" | wc -l)
  mkdir -p "$work/art-$t"
  start=$(date +%s)
  "$fz/$t" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/art-$t/" "$work/$t" >"$work/$t.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
  echo "$t: $n seeds, ${runs:-?} runs in $(( $(date +%s) - start ))s, exit $rc"
  if [ $rc -ne 0 ]; then
    fail "$t found a problem (exit $rc): add the input to tests/fuzz/regressions/$t/ and fix it"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$work/$t.log" | head -10
    for a in "$work/art-$t"/*; do [ -f "$a" ] && { echo "input $a:"; head -c 512 "$a" | od -c | head -20; }; done
  fi
done
[ $failures -eq 0 ] && echo "fuzz-smoke: 6 targets, no crash"
[ $failures -eq 0 ]
