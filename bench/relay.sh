#!/usr/bin/env bash
# bench/relay.sh: UDP pass-through datagrams per second: direct, through `sockcheck relay --udp` (as a
# case runs it, and with --gso), through socat. Not a test.
# TCP: bytes per second of one connection, direct and through `sockcheck relay --tcp`.
# Usage: bench/relay.sh [BUILD_DIR]   (env: RUNS=3 COUNT64=2000000 COUNT1400=1000000 TCPBYTES=536870912
#        PROTO=both|udp|tcp). Exits 0 when every run delivered everything, 1 otherwise.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
RUNS=${RUNS:-3}
COUNT64=${COUNT64:-2000000}
COUNT1400=${COUNT1400:-1000000}
BLAST=$BUILD/bench/udpblast
TBLAST=$BUILD/bench/tcpblast
TCPBYTES=${TCPBYTES:-536870912}
PROTO=${PROTO:-both}
SOCKCHECK=${SOCKCHECK:-$BUILD/sockcheck}
[ -x "$BLAST" ] && [ -x "$TBLAST" ] && [ -x "$SOCKCHECK" ] || { echo "build first: cmake --build $BUILD" >&2; exit 2; }
command -v socat >/dev/null || { echo "socat is needed" >&2; exit 2; }

if [ -z "${BENCH_IN_NETNS:-}" ]; then
	# A namespace of its own: a quiet loopback and fixed ports.
	if [ "$(id -u)" = 0 ]; then ns="unshare -n"; else ns="unshare -Urn"; fi
	BENCH_IN_NETNS=1 exec $ns bash "$0" "$@"
fi
ip link set lo up

T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT
SINK=9000 FRONT=9001

wait_for() { for _ in $(seq 250); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done; return 1; }

# one MODE SIZE COUNT: prints the receiver's delivered rate (datagrams/s) and its line.
one() {
	local mode=$1 size=$2 count=$3 port=$SINK front_pid=
	timeout 120 "$BLAST" recv $SINK "$count" "$size" 1000 >"$T/recv" 2>"$T/recv.err" &
	local rpid=$!
	wait_for "$T/recv.err" ready
	case $mode in
	relay | relay-gso)
		local gso=()
		[ "$mode" = relay-gso ] && gso=(--gso)
		timeout 120 "$SOCKCHECK" relay --udp --listen $FRONT --to 127.0.0.1:$SINK --seed 1 \
			--duration 100s "${gso[@]}" 2>"$T/front.err" &
		front_pid=$!
		wait_for "$T/front.err" seed
		port=$FRONT ;;
	socat)
		timeout 120 socat -b 65536 -T 5 UDP4-LISTEN:$FRONT,bind=127.0.0.1,reuseaddr \
			UDP4:127.0.0.1:$SINK &
		front_pid=$!
		sleep 0.3
		port=$FRONT ;;
	esac
	"$BLAST" send "$port" "$count" "$size" >"$T/send"
	wait $rpid
	[ -n "$front_pid" ] && { kill -INT $front_pid 2>/dev/null; wait $front_pid 2>/dev/null || true; }
	sed -n 's/.*: \([0-9]*\) datagrams\/s$/\1/p' "$T/recv"
	cat "$T/recv" >>"$T/detail"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one_tcp MODE: prints the receiver's rate (MB/s) for TCPBYTES over one connection.
one_tcp() {
	local mode=$1 port=$SINK front_pid=
	timeout 300 "$TBLAST" recv $SINK "$TCPBYTES" >"$T/trecv" 2>"$T/trecv.err" &
	local rpid=$!
	wait_for "$T/trecv.err" ready
	if [ "$mode" = relay ]; then
		timeout 300 "$SOCKCHECK" relay --tcp --listen $FRONT --to 127.0.0.1:$SINK --seed 1 \
			--duration 290s 2>"$T/front.err" &
		front_pid=$!
		wait_for "$T/front.err" seed
		port=$FRONT
	fi
	"$TBLAST" send "$port" "$TCPBYTES"
	wait $rpid || echo "tcp $mode: incomplete: $(cat "$T/trecv")" >>"$T/short"
	[ -n "$front_pid" ] && { kill -INT $front_pid 2>/dev/null; wait $front_pid 2>/dev/null || true; }
	sed -n 's/.*: \([0-9]*\) MB\/s$/\1/p' "$T/trecv"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs per figure: $RUNS, modes interleaved within each run; median; receiver-side rate from first"
echo "to last datagram; 'vs direct' is the median of the per-run ratios"
if [ "$PROTO" != udp ]; then
	: >"$T/tdirect" >"$T/trelay" >"$T/tratio"
	for _ in $(seq "$RUNS"); do
		d=$(one_tcp direct)
		v=$(one_tcp relay)
		echo "$d" >>"$T/tdirect"
		echo "$v" >>"$T/trelay"
		awk "BEGIN {print $v / $d}" >>"$T/tratio"
	done
	printf '%-6s %-9s %14s %10s\n' tcp mode "MB/s" "vs direct"
	printf '%-6s %-9s %14s %9s\n' tcp direct "$(median <"$T/tdirect")" 1.00x
	printf '%-6s %-9s %14s %9.2fx\n' tcp relay "$(median <"$T/trelay")" "$(median <"$T/tratio")"
	echo "per run (direct, relay, ratio): $(paste -d, "$T/tdirect" "$T/trelay" "$T/tratio" | tr '\n' ' ')"
fi
[ "$PROTO" = tcp ] && sizes="" || sizes="64 1400"
[ -n "$sizes" ] && printf '%-6s %-9s %14s %10s\n' size mode "datagrams/s" "vs direct"
for size in $sizes; do
	count=$COUNT64
	[ "$size" = 1400 ] && count=$COUNT1400
	: >"$T/direct" >"$T/relay" >"$T/relay-gso" >"$T/socat" >"$T/ratio.relay" >"$T/ratio.relay-gso" >"$T/ratio.socat"
	for _ in $(seq "$RUNS"); do
		d=$(one direct "$size" "$count")
		echo "$d" >>"$T/direct"
		for mode in relay relay-gso socat; do
			v=$(one $mode "$size" "$count")
			echo "$v" >>"$T/$mode"
			awk "BEGIN {print $v / $d}" >>"$T/ratio.$mode"
		done
	done
	printf '%-6s %-9s %14s %9s\n' "$size" direct "$(median <"$T/direct")" 1.00x
	for mode in relay relay-gso socat; do
		printf '%-6s %-9s %14s %9.2fx\n' "$size" $mode "$(median <"$T/$mode")" "$(median <"$T/ratio.$mode")"
	done
	{ echo "== size $size: receiver lines in run order (direct, relay, relay-gso, socat, direct, ...)"; cat "$T/detail"; } >>"$T/all"
	: >"$T/detail"
done
if [ -n "$sizes" ]; then
	echo
	echo "delivered counts (datagrams the receiver got of those sent):"
	cat "$T/all"
fi
if [ -s "$T/short" ]; then
	cat "$T/short"
	exit 1
fi
exit 0
