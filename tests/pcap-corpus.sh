#!/usr/bin/env bash
# labels: hardening inspect
# timeout: 600
# cost: 30
# `sockcheck inspect` over the whole shared pcap corpus (tcpdump's test captures, in ../shared/corpus/pcap
# beside the project; SOCKCHECK_PCAP_CORPUS overrides): no crash, no hang, a one-line error for an
# unsupported link type, and the flow and packet counts tshark -z conv,tcp / conv,udp gave on the ordinary
# captures (recorded in tests/pcap-corpus/tshark-counts.tsv by `tests/pcap_corpus.py record`).
# The same corpus runs under ASan in tests/fuzz-smoke.sh. In CI (CI=true) a missing corpus fails.
set -uo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
build=${SOCKCHECK_BUILD:-$src/build}
corpus=${SOCKCHECK_PCAP_CORPUS:-$src/../shared/corpus/pcap}
if [ ! -d "$corpus" ]; then
  msg="the shared pcap corpus is missing: $corpus (CI machines have ../shared/corpus/pcap beside the project; elsewhere set SOCKCHECK_PCAP_CORPUS)"
  if [ "${CI:-}" = true ]; then echo "pcap-corpus: FAIL: $msg"; exit 1; fi
  echo "pcap-corpus: SKIP: $msg"
  exit 77
fi
exec python3 "$src/tests/pcap_corpus.py" check "$build/sockcheck" "$corpus" "$src/tests/pcap-corpus/tshark-counts.tsv"
