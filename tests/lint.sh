#!/usr/bin/env bash
# labels: e2e lint
# `sockcheck lint` on fixtures: each tests/lint/<class>.case is a malformed case whose exact diagnostics are
# in <class>.expected; tests/lint/valid/*.case must be clean. Also directory mode, --quiet and usage errors.
set -u
export LC_ALL=C
# Either may be relative (to where the script is run): both are made absolute, as the fixtures run from
# their own folder.
SRC=$(cd "${SOCKCHECK_SRC:-$(pwd)}" && pwd) || exit 2
BUILD=$(cd "${SOCKCHECK_BUILD:-$SRC/build}" && pwd) || exit 2
BIN="$BUILD/sockcheck"
DIR="$SRC/tests/lint"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# lint ARGS...: runs lint (bounded) from $DIR; sets rc, leaves stdout/stderr in $tmp/out, $tmp/err.
lint() {
	(cd "$DIR" && timeout 20 "$BIN" lint "$@") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	checks=$((checks + 1))
}

# Every malformed fixture: exit 1, stderr exactly as expected, a summary counting its errors.
nfix=0
for c in "$DIR"/*.case; do
	base=$(basename "$c" .case)
	nfix=$((nfix + 1))
	if [ ! -f "$DIR/$base.expected" ]; then
		fail "$base: no $base.expected"
		continue
	fi
	lint "$base.case"
	[ "$rc" -eq 1 ] || fail "$base: exit $rc, expected 1"
	if ! diff -u "$DIR/$base.expected" "$tmp/err" >"$tmp/diff"; then
		fail "$base: diagnostics differ (- expected, + actual)"
		cat "$tmp/diff"
	fi
	n=$(wc -l <"$DIR/$base.expected")
	[ "$n" -gt 0 ] || fail "$base: $base.expected is empty"
	want="1 file, $n error"
	[ "$n" -eq 1 ] || want="${want}s"
	[ "$(cat "$tmp/out")" = "$want" ] || fail "$base: summary '$(cat "$tmp/out")', expected '$want'"
done
for e in "$DIR"/*.expected; do
	[ -f "${e%.expected}.case" ] || fail "$(basename "$e"): no matching .case file"
done
[ "$nfix" -ge 25 ] || fail "only $nfix malformed fixtures"

# The example cases are clean.
nvalid=0
for c in "$DIR"/valid/*.case; do
	nvalid=$((nvalid + 1))
	lint "valid/$(basename "$c")"
	[ "$rc" -eq 0 ] || fail "valid/$(basename "$c"): exit $rc, expected 0"
	[ ! -s "$tmp/err" ] || { fail "valid/$(basename "$c"): diagnostics on a valid case"; cat "$tmp/err"; }
	[ "$(cat "$tmp/out")" = "1 file, 0 errors" ] || fail "valid/$(basename "$c"): summary '$(cat "$tmp/out")'"
done
[ "$nvalid" -ge 3 ] || fail "only $nvalid valid examples"

# A directory stands for every *.case under it, recursively, in sorted order.
lint valid
[ "$rc" -eq 0 ] || fail "lint valid: exit $rc"
[ "$(cat "$tmp/out")" = "$nvalid files, 0 errors" ] || fail "lint valid: summary '$(cat "$tmp/out")'"

: >"$tmp/all.expected"
total=0
for e in "$DIR"/*.expected; do
	sed 's|^|./|' "$e" >>"$tmp/all.expected"
	total=$((total + $(wc -l <"$e")))
done
lint .
[ "$rc" -eq 1 ] || fail "lint .: exit $rc, expected 1"
diff -u "$tmp/all.expected" "$tmp/err" >"$tmp/diff" || { fail "lint .: diagnostics differ"; cat "$tmp/diff"; }
[ "$(cat "$tmp/out")" = "$((nfix + nvalid)) files, $total errors" ] ||
	fail "lint .: summary '$(cat "$tmp/out")', expected '$((nfix + nvalid)) files, $total errors'"

# --quiet drops the summary, not the errors.
lint --quiet pieces-zero.case
[ "$rc" -eq 1 ] || fail "--quiet: exit $rc"
[ ! -s "$tmp/out" ] || fail "--quiet: printed a summary"
diff -q "$DIR/pieces-zero.expected" "$tmp/err" >/dev/null || fail "--quiet: diagnostics differ"

# Usage errors and unreadable paths exit 2.
lint
[ "$rc" -eq 2 ] || fail "no arguments: exit $rc, expected 2"
grep -q "usage: sockcheck lint" "$tmp/err" || fail "no arguments: no usage on stderr"
lint --bogus valid
[ "$rc" -eq 2 ] || fail "unknown option: exit $rc, expected 2"
grep -q "unknown option '--bogus'" "$tmp/err" || fail "unknown option: no message"
lint no-such-file.case
[ "$rc" -eq 2 ] || fail "missing file: exit $rc, expected 2"
grep -q "no-such-file.case: No such file or directory" "$tmp/err" || fail "missing file: no message"
lint valid/echo-pieces.case no-such-dir
[ "$rc" -eq 2 ] || fail "valid file plus missing path: exit $rc, expected 2"
lint --help
[ "$rc" -eq 0 ] || fail "--help: exit $rc"
grep -q "usage: sockcheck lint" "$tmp/out" || fail "--help: no usage on stdout"

# A file name that starts with '-' is reachable after '--'.
cp "$DIR/valid/echo-pieces.case" "$tmp/-dash.case"
(cd "$tmp" && timeout 20 "$BIN" lint -- -dash.case) >"$tmp/out" 2>"$tmp/err"
rc=$?
checks=$((checks + 1))
[ "$rc" -eq 0 ] || fail "'--' then a dash file: exit $rc"

echo "lint: $checks runs, $fails failures"
[ "$fails" -eq 0 ]
