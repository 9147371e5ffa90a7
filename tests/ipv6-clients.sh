#!/usr/bin/env bash
# labels: e2e ipv6
# timeout: 300
# cost: 10
# ipv6-clients.sh: clients handed ::1 as {host}. The reference clients and the student-style Python ones pass
# the IPv6 cases (tcp-client/ipv6, udp-client/ipv6, and through UDP and TCP relays on ::1
# udp-client/ipv6-lost-request and tcp-client/ipv6-relay-segmented),
# their wire checks are judged (not skipped), the captures show IPv6 flows in `sockcheck inspect`, and the
# relay's fault log names [::1]. Clients that parse only dotted quads fail with a message that says so.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
cases="cases/tcp-client/ipv6.case cases/tcp-client/ipv6-relay-segmented.case cases/udp-client/ipv6.case
  cases/udp-client/ipv6-lost-request.case"

# The references, with every capture kept.
rc=0
# shellcheck disable=SC2086
timeout 120 "$sc" run -j 2 --captures "$work/cap" --keep-captures all --json "$work/ref.json" $cases >"$work/ref.txt" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "references: exit $rc, expected 0: $(grep -E '^(FAIL|ERROR|TIMEOUT)|message:' "$work/ref.txt" | head -4)"
grep -q '^4 cases: 4 pass' "$work/ref.txt" || fail "references: not every IPv6 case passed"
grep -q 'wire checks skipped' "$work/ref.txt" && fail "references: the wire checks were skipped, so IPv6 flows were not judged"
tcp=$(find "$work/cap" -path '*tcp-client/ipv6.pcap' | head -1)
udp=$(find "$work/cap" -path '*udp-client/ipv6-lost-request.pcap' | head -1)
if [ -z "$tcp" ] || [ -z "$udp" ]; then
  fail "no capture kept for the IPv6 cases"
else
  "$sc" inspect "$tcp" >"$work/tcp.txt" 2>&1 || fail "inspect $tcp failed"
  grep -Eq '^  tcp 1  \[::1\]:[0-9]+ -> \[::1\]:9000 ' "$work/tcp.txt" || fail "inspect: no IPv6 TCP flow to [::1]:9000: $(head -5 "$work/tcp.txt")"
  grep -q 'handshake: complete' "$work/tcp.txt" || fail "inspect: the IPv6 handshake is not decoded"
  "$sc" inspect "$udp" >"$work/udp.txt" 2>&1 || fail "inspect $udp failed"
  grep -Eq '^  udp [0-9]+  \[::1\]:[0-9]+ -> \[::1\]:9000 ' "$work/udp.txt" || fail "inspect: no IPv6 UDP flow to the relay [::1]:9000: $(head -8 "$work/udp.txt")"
  grep -Eq '\[::1\]:[0-9]+ -> \[::1\]:9001 ' "$work/udp.txt" || fail "inspect: no IPv6 UDP flow from the relay to [::1]:9001"
  grep -q 'udp \[::1\]:9000 -> \[::1\]:9001' "${udp%.pcap}.faults.log" || fail "the relay's fault log does not name [::1]"
  seg=$(find "$work/cap" -path '*tcp-client/ipv6-relay-segmented.pcap' | head -1)
  "$sc" inspect "$seg" >"$work/seg.txt" 2>&1 || fail "inspect $seg failed"
  grep -Eq '^  tcp [0-9]+  \[::1\]:[0-9]+ -> \[::1\]:9001 ' "$work/seg.txt" || fail "inspect: no IPv6 TCP flow from the relay to [::1]:9001"
  grep -q 'tcp conn 1 s2c segment 1 byte' "${seg%.pcap}.faults.log" || fail "the TCP relay on ::1 did not segment"
fi

# Student-style clients that use getaddrinfo() pass.
for p in tcp udp; do
  rc=0
  timeout 60 "$sc" run --no-capture --client "$py tests/programs/$p-client-student.py {host} {port}" \
    cases/$p-client/ipv6.case >"$work/student-$p.txt" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || fail "$p-client-student.py on ::1: exit $rc: $(grep message: "$work/student-$p.txt")"
done

# Clients that parse only dotted quads fail, and are told why.
hint='the client was given the IPv6 address ::1 as its host: does it parse only dotted quads'
check_v4only() { # NAME CMD CASE
  local rc=0
  timeout 60 "$sc" run --no-capture --client "$2" "$3" >"$work/$1.txt" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || fail "$1: exit $rc, expected 1"
  grep -q "message: .*$hint" "$work/$1.txt" || fail "$1: the message does not say that ::1 needs more than dotted quads: $(grep message: "$work/$1.txt")"
}
check_v4only tcp-v4only "$py tests/mutants/tcp-client/ipv4-only.py {host} {port}" cases/tcp-client/ipv6.case
check_v4only udp-v4only "$build/mutants/udp-client/ipv4-only {host} {port}" cases/udp-client/ipv6.case
# The same clients pass over IPv4: only the IPv6 case catches them.
rc=0
timeout 60 "$sc" run --no-capture --client "$build/mutants/udp-client/ipv4-only {host} {port}" cases/udp-client/clean.case >"$work/v4.txt" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "udp-client/ipv4-only fails on IPv4 too (exit $rc): the IPv6 case would not be what catches it"

if [ "$failures" -ne 0 ]; then
  echo "ipv6-clients.sh: $failures failure(s)"
  exit 1
fi
echo "ipv6-clients.sh: ok"
