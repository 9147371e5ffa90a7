#!/usr/bin/env bash
# labels: hardening
# timeout: 900
# cost: 50
# Builds the hardening build (ci/build-asan: clang, ASan + UBSan, libFuzzer targets) into build-asan/, only
# what the hardening tests run: sockcheck, the reference programs, the unit tests and the fuzz targets.
# CTest fixture "asan_build": tests/asan.sh and tests/fuzz-smoke.sh need it (tests/CMakeLists.txt).
set -euo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DSOCKCHECK_SANITIZE=ON -DSOCKCHECK_FUZZ=ON >/dev/null
units=$(ctest --test-dir build-asan -N -L unit | sed -n 's/^ *Test *#[0-9]*: //p')
[ -n "$units" ] || { echo "hardening-build: no unit tests found in build-asan"; exit 1; }
targets=(sockcheck tcp-echo-server tcp-upper-server udp-upper-server chat-server tcp-client udp-client chat-client
  fuzz_case fuzz_suite fuzz_pcap fuzz_frames fuzz_fault fuzz_assignment $units)
args=()
for t in "${targets[@]}"; do args+=(--target "$t"); done
start=$(date +%s)
nice -n 5 cmake --build build-asan -j 2 "${args[@]}" >build-asan/build.log 2>&1 ||
  { tail -40 build-asan/build.log; echo "hardening-build: the build failed (log: build-asan/build.log)"; exit 1; }
echo "hardening-build: ${#targets[@]} targets built in $(( $(date +%s) - start ))s"
