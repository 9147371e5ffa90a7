#!/usr/bin/env bash
# labels: e2e relay capture
# timeout: 600
# cost: 40
# relay-capture.sh: inside a case, the capture shows exactly what the relay's fault log says it sent.
# Runs the fixture cases in tests/relay-capture/ (the reference programs behind a relay, one case per
# fault kind, UDP and TCP). Each case asserts with `wire ... matches-socket` that the capture agrees
# with what the harness socket sent and received; then tests/relay_capture_check.py reads every capture
# with tshark and checks it against the case's fault log: the datagrams each way (count, bytes, order,
# delays), the TCP segment sizes, delays, stall, bandwidth and reset. Catches UDP GSO batches, which
# reach a loopback capture as one big datagram that nobody sent (issue 9).
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
fixtures=tests/relay-capture
ncases=$(ls $fixtures/udp-faults/*.case $fixtures/tcp-faults/*.case | wc -l)

# 1. Every case passes, its wire assertions included. The seed is fixed: loss and corrupt expect the
#    datagrams that seed picks (a case's `seed` header says so too).
timeout 240 "$sc" run -j 2 --seed 1 --keep-captures all --captures "$work/cap" $fixtures/udp-faults $fixtures/tcp-faults \
  >"$work/run.txt" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "the relay fixture cases: exit $rc, expected 0; $(grep -A6 '^FAIL\|^ERROR\|^TIMEOUT' "$work/run.txt")"
grep -q "^$ncases cases: $ncases pass" "$work/run.txt" || fail "not all $ncases cases passed: $(tail -6 "$work/run.txt")"

# 2. Each capture, read by tshark, shows what the fault log says the relay sent.
if ! command -v tshark >/dev/null; then
  echo "relay-capture.sh: tshark is not installed: the capture-vs-fault-log checks are skipped (ci/bootstrap installs it)"
else
  checked=0
  for pcap in "$work"/cap/*/*/*.pcap; do
    [ -e "$pcap" ] || continue
    name=${pcap%.pcap}
    log=$name.faults.log
    [ -s "$log" ] || { fail "$name: no fault log beside the capture"; continue; }
    # tshark (in the checker) and sockcheck inspect must also count the same frames.
    sf=$("$sc" inspect "$pcap" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["frames"])')
    if ! out=$(python3 tests/relay_capture_check.py "$pcap" "$log" --frames "$sf" 2>&1); then
      fail "$(basename "$(dirname "$pcap")")/$(basename "$name"): $out"
    fi
    checked=$((checked + 1))
  done
  [ "$checked" -eq "$ncases" ] || fail "checked $checked captures, expected $ncases"
fi

# 3. The checker can fail: the real captures against fault logs that claim something else.
# lie CASE SED_EXPR WANT: the checker must reject CASE's capture with its log edited by SED_EXPR.
lie() {
  local pcap
  for pcap in "$work"/cap/*/$1.pcap; do
    sed "$2" "${pcap%.pcap}.faults.log" >"$work/lying.faults.log"
    cmp -s "${pcap%.pcap}.faults.log" "$work/lying.faults.log" && { fail "lie $1: '$2' changed nothing"; continue; }
    python3 tests/relay_capture_check.py "$pcap" "$work/lying.faults.log" >"$work/lying.txt" 2>&1
    [ $? -eq 1 ] && grep -q "$3" "$work/lying.txt" ||
      fail "the checker accepted $1's capture with a log edited by '$2': $(cat "$work/lying.txt")"
  done
}
if command -v tshark >/dev/null; then
  lie udp-faults/duplicate-c2s '/ duplicate$/d' "the log says [0-9]* datagram(s) left the relay, the capture shows"
  lie udp-faults/swap 's/until after #4 (swap)/until after #5 (swap)/' "the datagrams on the wire differ"
  lie udp-faults/corrupt 's/xor 0x0b/xor 0x0c/' "the datagrams on the wire differ"
  lie tcp-faults/segment 's/s2c segment 3 /s2c segment 2 /' "the log says 'segment 2 byte(s)', frame"
  lie tcp-faults/stall 's/stall 300ms/stall 900ms/' "the log says 'stall 0.9s after 5 bytes'"
  lie tcp-faults/delay 's/delay 50ms/delay 500ms/' "the log says 'delay 0.5s'"
  lie tcp-faults/reset-after 's/reset after 6 bytes/reset after 5 bytes/' "the log says 'reset after 5 bytes'"
  lie tcp-faults/bandwidth 's/bandwidth 2048 /bandwidth 512 /' "the log says 'bandwidth 512 bytes/s'"
fi

[ $failures -eq 0 ] || { echo "relay-capture.sh: $failures failure(s)" >&2; exit 1; }
echo "relay-capture.sh: ok ($ncases cases; captures agree with sockets and fault logs)"
