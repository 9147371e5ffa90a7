#!/usr/bin/env bash
# labels: e2e run
# timeout: 300
# cli.sh: a wrong role flag never grades the reference. `sockcheck run` refuses, with exit 2 and a message
# that names what the suite needs: a --server/--client that no selected case runs, a case that would run
# none of the programs given (so the reference), a command without {port} (or {host} where the suite's
# reference takes it), and a single-valued option given twice (run, matrix, selftest, inspect, relay).
# Commands that fit are still accepted, alone or in a mixed selection.
set -uo pipefail
cd "${SOCKCHECK_SRC:-$(dirname "$0")/..}"
build=${SOCKCHECK_BUILD:-build}
sc=$build/sockcheck
ref=$build/reference
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 checks=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# usage NAME PATTERN ARGS...: sockcheck ARGS must exit 2 at once, its stderr matching the grep -E PATTERN.
usage() {
	local name=$1 pattern=$2
	shift 2
	checks=$((checks + 1))
	timeout 120 "$sc" "$@" >"$work/out" 2>"$work/err"
	local rc=$?
	[ "$rc" -eq 2 ] || { fail "$name: exit $rc, expected 2 (usage error)"; head -5 "$work/out" "$work/err" >&2; return; }
	grep -qE -- "$pattern" "$work/err" || { fail "$name: stderr does not match /$pattern/:"; cat "$work/err" >&2; }
	[ ! -s "$work/out" ] || fail "$name: a usage error printed a report"
}

# accepted NAME WANT ARGS...: sockcheck ARGS must run and exit WANT.
accepted() {
	local name=$1 want=$2
	shift 2
	checks=$((checks + 1))
	timeout 200 "$sc" "$@" >"$work/out" 2>"$work/err"
	local rc=$?
	[ "$rc" -eq "$want" ] || { fail "$name: exit $rc, expected $want"; tail -5 "$work/out" "$work/err" >&2; }
}

server="$ref/tcp-echo-server --concurrency fork {port}"
client="$ref/tcp-client {host} {port}"
run=(run --captures "$work/captures" --keep-captures none)

# 1. A program for a role that no selected case runs: the suite's needs are named.
usage "--client on tcp-echo" \
	"^sockcheck run: --client was given, but no selected case runs a client: cases/tcp-echo needs --server$" \
	"${run[@]}" --client "python3 c.py {host} {port}" cases/tcp-echo
usage "--server on tcp-client" "--server was given, but no selected case runs a server: cases/tcp-client needs --client" \
	"${run[@]}" --server "python3 s.py {port}" cases/tcp-client/basic.case
usage "--client (with --server) on tcp-echo" "--client was given, but no selected case runs a client" \
	"${run[@]}" --server "$server" --client "$client" cases/tcp-echo/basic.case

# 2. A case that would run none of the programs given grades the reference: refused, alone or mixed.
#    (udp-client's seeded-loss runs {server} as a helper; its other cases run only the client.)
usage "--server on udp-client" "9 selected cases run none of the programs given.*cases/udp-client \(9 cases\) needs --client" \
	"${run[@]}" --server "python3 s.py {port}" cases/udp-client
usage "--server on a server case and a client case" \
	"1 selected case runs none of the programs given.*cases/tcp-client \(1 case\) needs --client" \
	"${run[@]}" --server "$server" cases/tcp-echo/basic.case cases/tcp-client/basic.case

# 3. A command without the placeholders the cases pass: which one is missing, and an example.
usage "--server without {port}" \
	"--server '$ref/tcp-echo-server --concurrency fork 9000' has no \{port\}.*for example --server '$ref/tcp-echo-server --concurrency fork 9000 \{port\}'" \
	"${run[@]}" --server "$ref/tcp-echo-server --concurrency fork 9000" cases/tcp-echo/basic.case
usage "--client without {host}" \
	"--client '$ref/tcp-client 127.0.0.1 \{port\}' has no \{host\}: .*address to connect to.*for example --client '$ref/tcp-client 127.0.0.1 \{host\} \{port\}'" \
	"${run[@]}" --client "$ref/tcp-client 127.0.0.1 {port}" cases/tcp-client/basic.case
usage "--client without {port}" "has no \{port\}.*for example --client '$ref/tcp-client \{host\} \{port\} 9000'" \
	"${run[@]}" --client "$ref/tcp-client {host} 9000" cases/tcp-client/basic.case
usage "matrix --servers without {port}" "^sockcheck matrix: --servers 'python3 s.py' has no \{port\}" \
	matrix --servers "ref,python3 s.py" --faults no-such-profile
usage "matrix --clients without {host}" "^sockcheck matrix: --clients './c \{port\}' has no \{host\}" \
	matrix --profile tcp --clients "./c {port}" --faults no-such-profile

# 4. A single-valued option given twice is an error, not "the last one wins".
usage "run --format twice" "^sockcheck run: --format was given twice" \
	"${run[@]}" --format json --format text cases/tcp-echo/basic.case
usage "run --server twice" "^sockcheck run: --server was given twice" \
	"${run[@]}" --server "$server" --server "python3 s.py {port}" cases/tcp-echo/basic.case
usage "run -j then --jobs" "^sockcheck run: --jobs was given twice" "${run[@]}" -j 1 --jobs 2 cases/tcp-echo/basic.case
usage "run --seed twice" "^sockcheck run: --seed was given twice" "${run[@]}" --seed 1 --seed 2 cases/tcp-echo/basic.case
usage "matrix --format twice" "^sockcheck matrix: --format was given twice" \
	matrix --format json --format text --faults no-such-profile
usage "selftest --repeat twice" "^sockcheck selftest: --repeat was given twice" \
	selftest --repeat 1 --repeat 2 "$work/no-such-suite"
usage "inspect --follow twice" "^sockcheck inspect: --follow was given twice" \
	inspect --follow 1 --follow 2 "$work/no-such.pcap"
usage "relay --listen twice" "^sockcheck relay: --listen was given twice" \
	relay --udp --listen 19000 --listen 19001 --to 127.0.0.1:19002 --duration 200ms
rport=$((20000 + RANDOM % 20000)) # the relay runs in this namespace: a random port avoids other tests'
accepted "relay --fault twice (a list)" 0 relay --udp --listen $rport --to 127.0.0.1:$((rport + 1)) --fault "drop c2s 1" \
	--fault "drop s2c 1" --duration 200ms --log "$work/faults.log"

# 5. A case whose program would get {port} twice is rejected by `run` too, before anything runs.
mkdir -p "$work/doubled"
printf 'server {server} {port}\nstart server\nconnect c1\nsend c1 "x"\nexpect c1 echo\n' >"$work/doubled/d.case"
checks=$((checks + 1))
timeout 60 "$sc" "${run[@]}" "$work/doubled/d.case" >"$work/out" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "run on a case with a doubled {port}: exit $rc, expected 2 (the case file is invalid)"
grep -q 'the case file is invalid .*d.case:1:17: server: {port} is doubled' "$work/out" ||
	{ fail "run on a case with a doubled {port}: the report does not name the error"; cat "$work/out" >&2; }

# 6. Commands that fit are accepted: one role, both roles over a mixed selection, a flag repeated.
accepted "--server on a server case" 0 "${run[@]}" --server "$server" cases/tcp-echo/basic.case
accepted "--server and --client over a mixed selection" 0 "${run[@]}" --server "$server" --client "$client" \
	cases/tcp-echo/basic.case cases/tcp-client/basic.case
accepted "--client on udp-client (seeded-loss's server is the reference helper)" 0 "${run[@]}" \
	--client "$ref/udp-client {host} {port}" --filter 'udp-client/clean' cases/udp-client
accepted "--no-capture twice" 0 "${run[@]}" --no-capture --no-capture cases/tcp-echo/basic.case

echo "cli: $checks checks, $failures failure(s)"
[ $failures -eq 0 ]
