#!/usr/bin/env bash
# labels: e2e matrix
# cost: 50
# sockcheck matrix end to end: the reference-only matrix passes; a defective client is blamed as the
# client, a defective server as the server, the two together as both; a failing reference pair is a
# harness problem (exit 2); usage errors exit 2. Every run is bounded by timeout.
set -u
BUILD=${SOCKCHECK_BUILD:-build}
SRC=${SOCKCHECK_SRC:-.}
SOCKCHECK=$(cd "$BUILD" && pwd)/sockcheck
SRC=$(cd "$SRC" && pwd)
cd "$SRC" || exit 1

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export TMPDIR=$T
fails=0
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; fails=$((fails + 1)); }
expect() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"
		printf '  want: %s\n  got:  %s\n' "$2" "$3"
	fi
}
# jq-free JSON queries
q() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# 1. The references against each other pass (text output, exit 0).
timeout 60 "$SOCKCHECK" matrix --captures "$T/cap" --profile udp -j 2 --output "$T/ref.txt" 2>"$T/ref.err"
expect "reference-only matrix exits 0" 0 $?
grep -q '^S0 ref  *pass 2/2' "$T/ref.txt" && pass "reference cell shows pass 2/2" || {
	fail "reference cell shows pass 2/2"; cat "$T/ref.txt" "$T/ref.err"; }
grep -q '^1 cells: 1 pass, 0 fail' "$T/ref.txt" && pass "reference summary line" || fail "reference summary line"

# 2. A client that skips empty lines and a server that answers from a fresh socket, with blame.
CLIENT="python3 tests/mutants/udp-client/skip-empty-line.py {host} {port}"
SERVER="python3 tests/mutants/udp-upper/new-socket-reply.py {port}"
timeout 80 "$SOCKCHECK" matrix --captures "$T/cap" --profile udp --servers "$SERVER" --clients "ref,$CLIENT" -j 2 \
	--format json --output "$T/m.json" 2>"$T/m.err"
expect "matrix with defective programs exits 1" 1 $?
if [ -s "$T/m.json" ]; then
	expect "schema" "sockcheck-matrix/1" "$(q "$T/m.json" 'd["schema"]')"
	expect "grid is 2 x 2" "4" "$(q "$T/m.json" 'len(d["cells"])')"
	cell() { q "$T/m.json" "[c['$3'] for c in d['cells'] if c['server']=='$1' and c['client']=='$2'][0]"; }
	expect "reference pair passes" "pass" "$(cell S0 C0 verdict)"
	expect "defective client x reference server: client blamed" "client" "$(cell S0 C1 blame)"
	expect "reference client x defective server: server blamed" "server" "$(cell S1 C0 blame)"
	expect "defective pair: both blamed" "both" "$(cell S1 C1 blame)"
	expect "clients at fault" "['$CLIENT']" "$(q "$T/m.json" 'd["summary"]["clients_at_fault"]')"
	expect "servers at fault" "['$SERVER']" "$(q "$T/m.json" 'd["summary"]["servers_at_fault"]')"
	expect "the failing case is named" "clean-lines" \
		"$(q "$T/m.json" "[k['name'] for c in d['cells'] if c['client']=='C1' and c['server']=='S0' for k in c['cases'] if k['verdict']!='pass'][0]")"
else
	fail "matrix wrote its JSON report"
	cat "$T/m.err"
fi

# 3. A reference pair that fails is a harness or suite problem: exit 2, nobody blamed.
mkdir -p "$T/cases/interop-udp"
cp cases/interop-udp/suite.conf "$T/cases/interop-udp/"
cat >"$T/cases/interop-udp/clean-broken.case" <<'CASE'
name        clean-broken
server      {server}
client      {client}
port        9001
start server
relay path udp listen 9000 to 9001
end
start client port 9000
send stdin "hello\n"
close stdin
expect stdout "not what the reference prints\n" within 3s
CASE
timeout 60 "$SOCKCHECK" matrix --captures "$T/cap" --cases "$T/cases" --clients "$CLIENT" --output "$T/broken.txt" 2>"$T/broken.err"
expect "failing reference pair exits 2" 2 $?
grep -q "the reference pair FAILED" "$T/broken.txt" && pass "failing reference pair is reported" || {
	fail "failing reference pair is reported"; cat "$T/broken.txt"; }
grep -q "clients at fault: none" "$T/broken.txt" && pass "no client blamed when the reference fails" ||
	fail "no client blamed when the reference fails"

# 4. Usage errors.
timeout 10 "$SOCKCHECK" matrix --captures "$T/cap" --profile smtp >/dev/null 2>"$T/u.err"
expect "unknown profile exits 2" 2 $?
timeout 10 "$SOCKCHECK" matrix --captures "$T/cap" --faults nosuch >/dev/null 2>"$T/u.err"
expect "unknown fault profile exits 2" 2 $?
grep -q "have: clean, lossy\|have: lossy, clean" "$T/u.err" && pass "fault profiles listed" || {
	fail "fault profiles listed"; cat "$T/u.err"; }

echo "matrix.sh: $fails failure(s)"
[ $fails -eq 0 ]
