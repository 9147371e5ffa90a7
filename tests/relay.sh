#!/usr/bin/env bash
# labels: e2e relay
# cost: 50
# sockcheck relay end to end, inside a fresh network namespace: UDP drop/duplicate/swap/loss replay, TCP
# segmenting, half-close propagation, reset-after and RST propagation. Every wait is bounded.
set -u
BUILD=${SOCKCHECK_BUILD:-build}
SRC=${SOCKCHECK_SRC:-.}
SOCKCHECK=$(cd "$BUILD" && pwd)/sockcheck
PEER="python3 $(cd "$SRC" && pwd)/tests/relay_peer.py"

if [ -z "${RELAY_IN_NETNS:-}" ]; then
	# Own namespace: fixed ports, nothing else listening, nothing leaves it.
	if [ "$(id -u)" = 0 ]; then ns="unshare -n"; else ns="unshare -Urn"; fi
	RELAY_IN_NETNS=1 exec timeout 100 $ns bash "$0" "$@"
fi
ip link set lo up || { echo "cannot bring lo up"; exit 1; }

T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
fails=0
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; fails=$((fails + 1)); }
# expect NAME WANT GOT
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"
		printf '  want: %s\n  got:  %s\n' "$2" "$3"
	fi
}
# wait_for FILE TEXT: bounded wait (5 s) for TEXT to appear in FILE.
wait_for() {
	for _ in $(seq 250); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
	echo "timed out waiting for '$2' in $1:"; cat "$1"; return 1
}

# relay NAME PROTO LISTEN_PORT TARGET_PORT SEED [FAULT...]: starts a relay in the background (RELAY_PID).
relay() {
	local name=$1 proto=$2 lport=$3 tport=$4 seed=$5
	shift 5
	local args=()
	for f in "$@"; do args+=(--fault "$f"); done
	timeout 30 "$SOCKCHECK" relay "--$proto" --listen "$lport" --to "127.0.0.1:$tport" --seed "$seed" \
		--log "$T/$name.log" --duration 20s "${args[@]}" 2>"$T/$name.err" &
	RELAY_PID=$!
	wait_for "$T/$name.err" "seed $seed"
}
stop_relay() {
	kill -INT "$RELAY_PID"
	wait "$RELAY_PID"
	local rc=$?
	[ $rc = 0 ] || fail "relay $1 exited $rc: $(cat "$T/$1.err")"
}

# ---- UDP, behind an echo server on 7000 ----
$PEER udp-echo 7000 60 2>"$T/echo.err" &
wait_for "$T/echo.err" listening

relay drop udp 7001 7000 1 "drop c2s 2"
got=$(timeout 10 $PEER udp-client 7001 lockstep 4 0.2)
stop_relay drop
expect "udp drop c2s 2: the second request never arrives" "m1 m3 m4" "$got"
expect "udp drop c2s 2: log" "udp c2s #2 drop" "$(cat "$T/drop.log")"

relay dup udp 7002 7000 1 "duplicate s2c all"
got=$(timeout 10 $PEER udp-client 7002 lockstep 3 0.2)
stop_relay dup
expect "udp duplicate s2c all: every reply twice" "m1 m1 m2 m2 m3 m3" "$got"
expect "udp duplicate s2c all: log" "udp s2c #1 duplicate
udp s2c #2 duplicate
udp s2c #3 duplicate" "$(cat "$T/dup.log")"

relay swap udp 7003 7000 1 "swap s2c 1 2"
got=$(timeout 10 $PEER udp-client 7003 burst 3 0.3)
stop_relay swap
expect "udp swap s2c 1 2: reply 2 before reply 1" "m2 m1 m3" "$got"
expect "udp swap s2c 1 2: log" "udp s2c #1 hold until after #2 (swap)" "$(cat "$T/swap.log")"

# Several clients at once: each gets only its own replies.
relay multi udp 7004 7000 1
for c in 1 2 3; do timeout 10 $PEER udp-client 7004 burst 20 0.3 >"$T/multi.$c" & done
wait_clients=0
for c in 1 2 3; do
	while [ ! -s "$T/multi.$c" ] && [ $wait_clients -lt 250 ]; do sleep 0.02; wait_clients=$((wait_clients + 1)); done
done
stop_relay multi
want=$(seq -f 'm%g' 1 20 | tr '\n' ' ' | sed 's/ $//')
for c in 1 2 3; do expect "udp three clients: client $c gets its own 20 replies" "$want" "$(cat "$T/multi.$c")"; done

# loss both 20%: ten runs with one seed give byte-identical logs (and replies); another seed differs.
for i in $(seq 10); do
	relay "loss$i" udp 7005 7000 4242 "loss both 20%"
	timeout 20 $PEER udp-client 7005 lockstep 25 0.05 >"$T/loss$i.out"
	stop_relay "loss$i"
done
same=yes
for i in $(seq 2 10); do
	cmp -s "$T/loss1.log" "$T/loss$i.log" || same="no: run $i differs"
	cmp -s "$T/loss1.out" "$T/loss$i.out" || same="no: replies of run $i differ"
done
expect "udp loss both 20%: 10 runs, same seed, identical logs" yes "$same"
drops=$(grep -c 'drop (loss 20%)' "$T/loss1.log")
[ "$drops" -ge 3 ] && [ "$drops" -le 20 ] && pass "udp loss both 20%: $drops drops in 25+ datagrams" ||
	fail "udp loss both 20%: $drops drops"
relay lossb udp 7005 7000 4243 "loss both 20%"
timeout 20 $PEER udp-client 7005 lockstep 25 0.05 >/dev/null
stop_relay lossb
cmp -s "$T/loss1.log" "$T/lossb.log" && fail "udp loss: another seed gives another log" ||
	pass "udp loss: another seed gives another log"

# ---- TCP ----
# tcp_case NAME SERVER_MODE CLIENT_MODE SIZE [FAULT...]: server on 7100+, relay in front; sets SRV, CLI.
port=7100
tcp_case() {
	local name=$1 smode=$2 cmode=$3 size=$4
	shift 4
	port=$((port + 2))
	$PEER tcp-server $port "$smode" >"$T/$name.srv" 2>"$T/$name.srverr" &
	local spid=$!
	wait_for "$T/$name.srverr" listening
	relay "$name" tcp $((port + 1)) $port 1 "$@"
	CLI=$(timeout 20 $PEER tcp-client $((port + 1)) "$cmode" "$size")
	timeout 10 tail --pid=$spid -f /dev/null
	SRV=$(cat "$T/$name.srv")
	stop_relay "$name"
}

tcp_case seg sink close 40 "segment c2s 1 gap 5ms"
reads=$(sed -n 's/^server: 40 bytes in \([0-9]*\) reads, EOF$/\1/p' <<<"$SRV")
[ -n "$reads" ] && [ "$reads" -ge 30 ] && pass "tcp segment c2s 1 gap 5ms: $reads reads for 40 bytes" ||
	fail "tcp segment c2s 1 gap 5ms: server said '$SRV'"
expect "tcp segment: bytes identical" "server: data abcdefghijklmnopqrstuvwxyzabcdefghijklmn" "$(sed -n 2p <<<"$SRV")"
expect "tcp segment: log" "tcp conn 1 c2s segment 1 byte(s) gap 5ms
tcp conn 1 c2s FIN -> shutdown(SHUT_WR) to server
tcp conn 1 s2c FIN -> shutdown(SHUT_WR) to client" "$(cat "$T/seg.log")"

tcp_case half echo close 100000
expect "tcp half-close: the server sees EOF after all the data" "server: 100000 bytes" "$(cut -d' ' -f1-3 <<<"$SRV")"
expect "tcp half-close: the server sees EOF" "EOF" "${SRV##*, }"
expect "tcp half-close: the reply still flows back, then EOF" "client: 100000 bytes back (identical), EOF" "$CLI"
expect "tcp half-close: log" "tcp conn 1 c2s FIN -> shutdown(SHUT_WR) to server
tcp conn 1 s2c FIN -> shutdown(SHUT_WR) to client" "$(cat "$T/half.log")"

tcp_case reset sink keep 5000 "reset-after 1000"
expect "tcp reset-after 1000: the server gets 1000 bytes, then an RST" "server: 1000 bytes" "$(head -1 <<<"$SRV" | cut -d' ' -f1-3)"
expect "tcp reset-after 1000: the server sees RST" "RST" "$(head -1 <<<"$SRV" | sed 's/.*, //')"
expect "tcp reset-after 1000: the client sees RST" "client: 0 bytes back (different), RST" "$CLI"
expect "tcp reset-after 1000: log" "tcp conn 1 reset after 1000 bytes" "$(cat "$T/reset.log")"

tcp_case rst rst keep 10
expect "tcp RST from the server becomes an RST to the client" "client: 0 bytes back (different), RST" "$CLI"
expect "tcp RST propagation: log" "tcp conn 1 s2c RST -> RST to client" "$(cat "$T/rst.log")"

# ---- usage ----
"$SOCKCHECK" relay --udp --listen 7200 --to 10.1.2.3:53 2>"$T/usage.err"
expect "a non-loopback target is refused (exit 2)" 2 $?
grep -q "not a loopback address" "$T/usage.err" && pass "refusal explains itself" || fail "refusal message: $(cat "$T/usage.err")"
"$SOCKCHECK" relay --udp --listen 7200 --to 127.0.0.1:53 --fault "hold c2s 4" 2>"$T/usage.err"
expect "a bad fault exits 2" 2 $?
expect "a bad fault says what is wrong" "sockcheck relay: --fault \"hold c2s 4\": fault 1: 'hold' needs DIR N K; got 'hold c2s 4'" "$(cat "$T/usage.err")"
"$SOCKCHECK" relay --help >/dev/null
expect "--help exits 0" 0 $?

[ $fails = 0 ] && echo "relay.sh: all passed" || echo "relay.sh: $fails failed"
[ $fails = 0 ]
