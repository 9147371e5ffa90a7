#!/usr/bin/env bash
# Re-records the pcap fixtures: builds gen_fixtures against the core library, captures real loopback
# traffic in a fresh network namespace, derives the other link types and the damaged files.
# Usage: tests/pcap/generate.sh [BUILD_DIR]   (run as root or where `unshare -rn` works)
# Afterwards regenerate the expected outputs: UPDATE=1 tests/inspect.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
bin=$build/gen_fixtures
"$here/build_gen.sh" "$build"
if [ "$(id -u)" -eq 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
"${ns[@]}" sh -c "ip link set lo up && exec '$bin' all '$here'"
python3 "$here/relink.py" "$here"
python3 "$here/make_malformed.py" "$here"
# pcapng: libpcap reads it too (editcap comes with tshark)
if command -v editcap >/dev/null; then editcap -F pcapng "$here/udp-retrans.pcap" "$here/udp-retrans.pcapng"; fi
