#!/usr/bin/env bash
# sandbox-hostile.sh: what a fork bomb and a memory hog cost the host under the default limits, and how
# long each takes to get its verdict (docs/sandbox.md records the figures). Run as root from the source
# tree after ci/build: bash bench/sandbox-hostile.sh. Samples the host every 20 ms while the case runs.
set -uo pipefail
cd "$(dirname "$0")/.."
sc=${SOCKCHECK_BUILD:-build}/sockcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() {
  local mode=$1; shift
  local base peak=0 avail0 availmin t0 t1
  base=$(ls /proc | grep -c '^[0-9]')
  avail0=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
  availmin=$avail0
  t0=$(date +%s.%N)
  "$sc" run --captures "$work" "$@" --server "python3 tests/programs/hostile.py $mode {port}" \
    cases/tcp-echo/basic.case >"$work/out.txt" 2>&1 &
  local pid=$!
  while kill -0 $pid 2>/dev/null; do
    local n a
    n=$(ls /proc | grep -c '^[0-9]')
    a=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
    [ "$n" -gt "$peak" ] && peak=$n
    [ "$a" -lt "$availmin" ] && availmin=$a
    sleep 0.02
  done
  t1=$(date +%s.%N)
  printf '%-12s %-22s verdict %-5s in %5.2f s; host processes +%d at peak; host memory -%d MiB at peak\n' \
    "$mode" "${*:-(defaults)}" "$(grep -oE '^(PASS|FAIL|ERROR|TIMEOUT)' "$work/out.txt" | head -1)" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" $((peak - base)) $(((avail0 - availmin) / 1024))
  grep -E 'limit' "$work/out.txt" | sed 's/^/    /' | head -2
}
measure fork-bomb
measure fork-bomb --processes 64
measure memory-hog
measure memory-hog --memory 256
