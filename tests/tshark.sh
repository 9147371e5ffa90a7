#!/usr/bin/env bash
# labels: e2e capture
# Captures real loopback traffic with harness/wire/capture.c in a fresh network namespace and checks that
# tshark reads the file and agrees with sockcheck's own decoding. Skips (exit 0) without tshark.
set -uo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
build=$(cd "${SOCKCHECK_BUILD:-$src/build}" && pwd)
if ! command -v tshark >/dev/null; then
  echo "tshark.sh: SKIP: tshark is not installed (ci/bootstrap installs it)"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
if ! "${ns[@]}" true 2>/dev/null; then
  echo "tshark.sh: SKIP: cannot create a network namespace here"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "tshark.sh: FAIL: $*"; exit 1; }

"$src/tests/pcap/build_gen.sh" "$build" || fail "cannot build gen_fixtures"
gen=$build/gen_fixtures
run() { timeout 30 "${ns[@]}" sh -c "ip link set lo up && exec \"\$@\"" sh "$@"; }

# 1. a small echo exchange
run "$gen" echo "$work/echo.pcap" >"$work/gen.log" 2>&1 || { cat "$work/gen.log"; fail "echo capture"; }
grep -q " 0 drops" "$work/gen.log" || fail "echo capture dropped packets: $(cat "$work/gen.log")"
timeout 30 tshark -r "$work/echo.pcap" -T fields -e frame.number -e tcp.srcport -e tcp.dstport -e tcp.flags.str \
  >"$work/tshark.txt" 2>"$work/tshark.err" || { cat "$work/tshark.err"; fail "tshark -r cannot read the capture"; }
frames=$(wc -l <"$work/tshark.txt")
# The exact count depends on ACK timing (a window update may add a frame): tshark and sockcheck must agree.
sframes=$("$build/sockcheck" inspect "$work/echo.pcap" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["frames"])')
[ "$frames" -ge 10 ] && [ "$frames" -eq "$sframes" ] || fail "tshark sees $frames frames, sockcheck $sframes"
grep -q "40001	9000	.*S" "$work/tshark.txt" || fail "tshark does not see the SYN 40001 -> 9000"
timeout 30 tshark -r "$work/echo.pcap" -q -z follow,tcp,ascii,0 2>/dev/null | grep -q "world" ||
  fail "tshark's stream lacks the data"
"$build/sockcheck" inspect "$work/echo.pcap" --no-color >"$work/inspect.txt" || fail "sockcheck inspect failed"
grep -qE "ended: FIN from client first \(frame [0-9]+\), then FIN from server \(frame [0-9]+\)" "$work/inspect.txt" ||
  fail "inspect disagrees: $(cat "$work/inspect.txt")"

# 2. 1 MiB with nobody pumping the capture: no drops, tshark and sockcheck count the same frames
run "$gen" bulk 1048576 "$work/bulk.pcap" >"$work/gen.log" 2>&1 || { cat "$work/gen.log"; fail "bulk capture"; }
grep -q " 0 drops" "$work/gen.log" || fail "bulk capture dropped packets: $(cat "$work/gen.log")"
tframes=$(timeout 60 tshark -r "$work/bulk.pcap" 2>/dev/null | wc -l)
"$build/sockcheck" inspect "$work/bulk.pcap" --json >"$work/bulk.json" || fail "inspect --json on the bulk capture"
read -r sframes bytes missing < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["flows"][0]["client_to_server"]
print(d["frames"], c["bytes"], c["missing_bytes"])' "$work/bulk.json")
[ "$tframes" -eq "$sframes" ] || fail "tshark reads $tframes frames, sockcheck $sframes"
[ "$bytes" -eq 1048576 ] && [ "$missing" -eq 0 ] || fail "the 1 MiB stream is $bytes bytes with $missing missing"
echo "tshark.sh: ok (echo: $frames frames; bulk: $sframes frames, 1 MiB, no drops)"
