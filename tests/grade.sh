#!/usr/bin/env bash
# labels: e2e grade
# cost: 60
# sockcheck grade end to end, on the example class of tests/grade/class.txt (correct, defective,
# non-compiling, empty and nested submissions, in Python and C): the gradebook equals
# tests/grade/expected-gradebook.csv; results.json files pass Gradescope's schema; feedback.txt says what a
# student needs and no grader path; a rerun keeps unchanged submissions, --only and a changed file regrade
# one; two shards merged equal one run, and merge refuses bad sets; archives (and hostile ones), output
# inside the class, half-set CI variables and a harness fault give their statuses. Every run is bounded.
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
has() { # has NAME FILE TEXT: the file holds the text
	if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1"; echo "  no '$3' in $2:"; sed 's/^/    /' "$2" | head -30; fi
}
hasnt() {
	if ! grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1"; grep -nF -- "$3" "$2" | head -5; fi
}
same() { # same NAME A B: two files are equal
	if cmp -s "$2" "$3"; then pass "$1"; else fail "$1"; diff "$2" "$3" | head -20; fi
}
ASSIGN=tests/grade/echo-lab.assignment

# The class, from its description.
CLASS=$T/class
while read -r dst src; do
	case $dst in '#'* | '') continue ;; esac
	if [ -n "${src:-}" ]; then mkdir -p "$CLASS/$(dirname "$dst")" && cp "$src" "$CLASS/$dst"; else mkdir -p "$CLASS/$dst"; fi
done <tests/grade/class.txt

# 1. The assignment lints clean; one run grades the class to the expected gradebook (exit 0: every
#    submission has a grade, even build-failed and missing ones).
"$SOCKCHECK" lint "$ASSIGN" >"$T/lint.out" 2>&1
expect "the example assignment lints clean" 0 $?
(cd tests/grade && "$SOCKCHECK" lint bad.assignment >"$T/bad.out" 2>"$T/bad.err")
expect "a malformed assignment fails lint" 1 $?
sed "s|$SRC|SRC|g" "$T/bad.err" >"$T/bad.got"
same "lint lists each of its errors as file:line:col" tests/grade/bad.expected "$T/bad.got"
"$SOCKCHECK" grade tests/grade/bad.assignment "$CLASS" --out "$T/bad" >"$T/bad2.out" 2>&1
expect "grade refuses it as a usage error" 2 $?
timeout 300 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/out" -j 2 >"$T/g1.out" 2>"$T/g1.err"
expect "grade exits 0 when every submission was graded" 0 $?
same "the gradebook is the expected one" tests/grade/expected-gradebook.csv "$T/out/gradebook.csv"
has "the run says what it found" "$T/g1.out" "7 submissions: 5 graded, 1 build-failed, 1 missing, 0 error"
has "and where the gradebook is" "$T/g1.out" "gradebook: $T/out/gradebook.csv"
has "and where the class page is" "$T/g1.out" "in a browser: $T/out/index.html"
[ ! -s "$T/g1.err" ] && pass "no progress output when not on a terminal" || { fail "stderr is quiet"; cat "$T/g1.err"; }
[ -z "$(ls -A "$CLASS" | grep -v -x -e ada -e bob -e cy -e dee -e eve -e fay -e gus)" ] &&
	pass "nothing was written into the class folder" || fail "nothing was written into the class folder"
for f in summary.json items.csv canvas.csv moodle.csv; do
	[ -s "$T/out/$f" ] && pass "$f written" || fail "$f written"
done
for s in ada bob cy dee eve fay gus; do
	for f in results.json feedback.txt grade.json; do
		[ -s "$T/out/$s/$f" ] || { fail "$s/$f written"; continue 2; }
	done
done
pass "every submission has results.json, feedback.txt and grade.json"
python3 - "$T/out" tests/grade/gradescope-results.schema.json <<'PY' >"$T/schema.out" 2>&1
import glob, json, sys, jsonschema
schema = json.load(open(sys.argv[2]))
files = sorted(glob.glob(sys.argv[1] + "/*/results.json"))
assert len(files) == 7, files
for f in files:
    d = json.load(open(f))
    jsonschema.validate(d, schema)
    assert abs(d["score"] - sum(t["score"] for t in d["tests"])) < 1e-6, f
print("valid", len(files))
PY
has "every results.json follows Gradescope's spec, its score the sum of its tests" "$T/schema.out" "valid 7"
python3 - "$T/out/cy/results.json" <<'PY' >"$T/rj.out" 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
t = {x["name"].split(" - ")[0]: x for x in d["tests"]}
print(t["tcp-echo: nul-bytes"]["status"], t["tcp-echo: nul-bytes"]["visibility"], t["udp-upper: basic"]["visibility"])
print(d["extra_data"]["files_hash"] != "" and d["extra_data"]["suites_hash"] != "" and d["extra_data"]["sockcheck_version"] != "")
PY
has "a failing case is failed; a hidden part's tests are hidden" "$T/rj.out" "failed visible hidden"
has "results record the hashes of the files and suites, and the version" "$T/rj.out" "True"

# 2. feedback.txt: clause, step, expected and actual, a command the student can run; no grader path.
FB=$T/out/cy/feedback.txt
has "feedback names the clause" "$FB" "clause:    NUL and 0xFF bytes inside a message are echoed"
has "feedback names the step as the student's checkout does" "$FB" "step:      cases/tcp-echo/nul-bytes.case:13"
has "feedback shows expected vs actual" "$FB" 'actual:    3 bytes "abc"'
has "feedback gives a reproduce line" "$FB" "reproduce: sockcheck run --server './server {port}' --filter 'tcp-echo/nul-bytes' cases/tcp-echo"
hasnt "feedback holds no grader path" "$FB" "$T"
cat "$T"/out/*/feedback.txt "$T"/out/*/results.json >"$T/student-facing.txt"
hasnt "no feedback.txt or results.json holds a checkout path (suites are named cases/SUITE)" "$T/student-facing.txt" "$SRC"
has "a hidden part shows its verdicts only" "$T/out/dee/feedback.txt" "  empty-datagram: fail"
hasnt "and not their detail" "$T/out/dee/feedback.txt" "no datagram arrived"
has "a failed build shows the compiler's error" "$T/out/eve/feedback.txt" "error: expected ‘;’"
[ -s "$T/out/eve/build.log" ] && pass "the build log is kept" || fail "the build log is kept"
has "missing says which files were looked for" "$T/out/fay/feedback.txt" "looked for server.py (for 'python3 server.py {port}'), ./server (for './server {port}')"
has "the nested submission is graded from its inner folder" "$T/out/summary.json" '"source": "gus/echo-lab"'
ls "$T"/out/cy/captures/*/tcp-echo/nul-bytes.pcap >/dev/null 2>&1 && pass "a failing case's capture is under --out" ||
	fail "a failing case's capture is under --out"
has "items.csv gives a case's pass rate and its common failure" "$T/out/items.csv" \
	'udp-upper,udp-upper,empty-datagram,5,4,0.8,expect u upper: no datagram arrived within 2.00s,1'

# 2b. The HTML pages: index.html (gradebook, item analysis, links) and each submission's report.html, with
# the ladder of a failed visible case, verdicts only for a hidden part, no grader path.
has "index.html links each submission's report" "$T/out/index.html" 'href="cy/report.html"'
has "index.html shows the item analysis" "$T/out/index.html" "udp-upper/empty-datagram"
has "cy's report.html draws the ladder of its failed case" "$T/out/cy/report.html" '<svg class="ladder"'
has "and names the failed step" "$T/out/cy/report.html" "nul-bytes"
has "dee's report.html shows the hidden case's verdict" "$T/out/dee/report.html" "empty-datagram"
hasnt "and not its detail" "$T/out/dee/report.html" "no datagram arrived"
hasnt "no report.html holds a grader path" "$T/out/cy/report.html" "$T/work"
for page in "$T/out/index.html" "$T/out/cy/report.html"; do
	xmllint --noout "$page" 2>"$T/xmllint.err" && pass "$(basename "$(dirname "$page")")/$(basename "$page") is well-formed" ||
		{ fail "$page is well-formed"; head -5 "$T/xmllint.err"; }
done

# 3. A rerun keeps unchanged submissions; --only regrades one; a changed file regrades its submission.
timeout 120 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/out" -j 2 >"$T/g2.out" 2>&1
expect "a rerun exits 0" 0 $?
expect "a rerun keeps all 7 unchanged submissions" 7 "$(grep -c 'unchanged since its last grading' "$T/g2.out")"
same "and writes the same gradebook" tests/grade/expected-gradebook.csv "$T/out/gradebook.csv"
timeout 120 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/out" --only eve >"$T/g3.out" 2>&1
expect "--only exits 0" 0 $?
grep -q '^eve  *build-failed' "$T/g3.out" && pass "--only eve regrades eve" || { fail "--only eve regrades eve"; cat "$T/g3.out"; }
expect "--only keeps the 6 others" 6 "$(grep -c 'unchanged since its last grading' "$T/g3.out")"
printf 'Student,ID,Echo lab\nAda,1,\nbob,2,\nZed,9,\n' >"$T/roster.csv"
timeout 120 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/out" --roster "$T/roster.csv" >"$T/r.out" 2>&1
expect "--roster exits 0" 0 $?
printf '"Student","ID","Echo lab"\n"Ada","1","16"\n"bob","2","16"\n"Zed","9",""\n' >"$T/roster-want.csv"
same "--roster fills the roster's column by name" "$T/roster-want.csv" "$T/out/roster.csv"
has "and names the submissions no row names" "$T/r.out" "no roster row names 5 submissions: cy dee eve fay gus"
cp "$CLASS/ada/upper.py" "$CLASS/dee/upper.py"
timeout 120 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/out" -j 2 >"$T/g4.out" 2>&1
grep -q '^dee  *graded  *16.00 / 16.00' "$T/g4.out" && pass "a changed submission is regraded" ||
	{ fail "a changed submission is regraded"; cat "$T/g4.out"; }
expect "the others are kept" 6 "$(grep -c 'unchanged since its last grading' "$T/g4.out")"
cp tests/mutants/udp-upper/skip-empty.py "$CLASS/dee/upper.py"
sed -e 's/^  points  10$/  points  20/' -e "s|\.\./\.\./cases/|$SRC/cases/|g" "$ASSIGN" >"$T/changed.assignment"
timeout 120 "$SOCKCHECK" grade "$T/changed.assignment" "$CLASS" --out "$T/out" --only eve >"$T/g6.out" 2>&1
expect "--only under a changed assignment says which results are from the old one" 6 \
	"$(grep -c 'kept from its last grading, which used other files, suites or assignment' "$T/g6.out")"
timeout 120 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/out" --only nobody >"$T/g5.out" 2>&1
expect "--only an unknown name is a usage error" 2 $?

# 4. Two shards (one from GitLab's variables) merged equal one run; merge refuses bad sets.
timeout 300 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/s1" --shard 1/2 -j 2 >"$T/s1.out" 2>&1
expect "shard 1/2 exits 0" 0 $?
CI_NODE_INDEX=2 CI_NODE_TOTAL=2 timeout 300 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/s2" -j 2 >"$T/s2.out" 2>&1
expect "shard 2/2 from CI_NODE_INDEX/CI_NODE_TOTAL exits 0" 0 $?
expect "shard 1/2 holds 4 submissions" 5 "$(wc -l <"$T/s1/gradebook.csv")"
expect "shard 2/2 holds 3" 4 "$(wc -l <"$T/s2/gradebook.csv")"
"$SOCKCHECK" merge --out "$T/merged" "$T/s2" "$T/s1" >"$T/m.out" 2>&1
expect "merge exits 0" 0 $?
same "sharded and merged equals one run" tests/grade/expected-gradebook.csv "$T/merged/gradebook.csv"
[ -s "$T/merged/cy/feedback.txt" ] && pass "merge brings each submission's folder" || fail "merge brings each submission's folder"
"$SOCKCHECK" merge --out "$T/m2" "$T/s1" >"$T/m2.out" 2>&1
expect "merge of an incomplete set exits 2" 2 $?
has "and says so" "$T/m2.out" "1 shard folder given but the class was split into 2"
"$SOCKCHECK" merge --out "$T/m3" "$T/s1" "$T/s1" >"$T/m3.out" 2>&1
expect "merge of a shard twice exits 2" 2 $?
has "and says so" "$T/m3.out" "are both shard 1/2"
"$SOCKCHECK" merge --out "$T/m4" "$T/s1" "$T/out" >"$T/m4.out" 2>&1
expect "merge of shards of different splits exits 2" 2 $?
CI_NODE_INDEX=1 "$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/s9" >"$T/half.out" 2>&1
expect "a half-set CI_NODE_INDEX is a usage error" 2 $?
has "naming the missing variable" "$T/half.out" "CI_NODE_INDEX is set but CI_NODE_TOTAL is not"

# 5. Archives: the class's .tar.gz and .zip with a wrapper folder; hostile archives are refused.
mkdir -p "$T/arc/echo-lab-export" && cp -r "$CLASS/eve" "$CLASS/fay" "$T/arc/echo-lab-export/"
tar -C "$T/arc" -czf "$T/class.tar.gz" echo-lab-export
timeout 120 "$SOCKCHECK" grade "$ASSIGN" "$T/class.tar.gz" --out "$T/arcout" >"$T/a.out" 2>&1
expect "an archive is graded" 0 $?
grep -E '^(submission|eve|fay),' tests/grade/expected-gradebook.csv >"$T/want-arc.csv"
same "its gradebook holds its submissions' rows" "$T/want-arc.csv" "$T/arcout/gradebook.csv"
python3 - "$T/evil.tar.gz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
    data = b"owned\n"
    i = tarfile.TarInfo("class/../../escaped.txt"); i.size = len(data); t.addfile(i, io.BytesIO(data))
PY
"$SOCKCHECK" grade "$ASSIGN" "$T/evil.tar.gz" --out "$T/evilout" >"$T/evil.out" 2>&1
expect "an archive with a path out of its folder exits 2" 2 $?
has "and says why" "$T/evil.out" "a path outside the folder: refused"
[ ! -e "$T/escaped.txt" ] && [ ! -e "$T/evilout/escaped.txt" ] && pass "nothing escaped" || fail "nothing escaped"

# 6. Usage: output inside the class folder, no --out; a harness fault is status error and exit 1.
"$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$CLASS/results" >"$T/in.out" 2>&1
expect "--out inside the class folder exits 2" 2 $?
has "and says why" "$T/in.out" "is inside the class folder"
[ ! -e "$CLASS/results" ] && pass "and creates nothing there" || fail "and creates nothing there"
"$SOCKCHECK" grade "$ASSIGN" "$CLASS" >/dev/null 2>&1
expect "no --out exits 2" 2 $?
cat >"$T/fault.assignment" <<ASSIGNMENT
name Client lab
part client
  suite $SRC/cases/tcp-client/basic.case
  client python3 upper.py {port}
end
ASSIGNMENT
timeout 120 "$SOCKCHECK" grade "$T/fault.assignment" "$CLASS" --out "$T/fault" --only ada >"$T/fault.out" 2>&1
expect "a submission the harness cannot grade makes grade exit 1" 1 $?
has "its status is error" "$T/fault/gradebook.csv" "ada,0,0,"
has "and the student is told it is not their fault" "$T/fault/ada/feedback.txt" "this is not your fault"

# 7. On a terminal: progress (done/total, ETA, the current submission); each result on its own line.
if command -v script >/dev/null; then
	script -qec "'$SOCKCHECK' grade '$ASSIGN' '$CLASS' --out '$T/tty' --only eve --only fay" "$T/tty.log" >/dev/null 2>&1
	has "a terminal shows done/total and the current submission" "$T/tty.log" "[0/2]  grading eve"
	has "and an ETA" "$T/tty.log" "[1/2] ETA"
	grep -q "grading eveeve" "$T/tty.log" && fail "a result line does not run into the progress line" ||
		pass "a result line does not run into the progress line"
else
	fail "script(1) (util-linux) is needed for the terminal check"
fi

# 8. SIGTERM: the running `sockcheck run` children are stopped, the submission is an error, nothing is left.
"$SOCKCHECK" grade "$ASSIGN" "$CLASS" --out "$T/intr" --only ada >"$T/intr.out" 2>&1 &
pid=$!
# Interrupt while a suite runs: as soon as its `sockcheck run` child exists (grading ada takes ~1.5 s).
for _ in $(seq 200); do pgrep -f -- "--captures $T/intr" >/dev/null && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
expect "a grade interrupted by SIGTERM exits 1" 1 $?
has "the interrupted submission is an error, saying so" "$T/intr.out" "grading was interrupted (SIGINT or SIGTERM)"
sleep 1
left=$(pgrep -f -- "--captures $T/intr" || true)
[ -z "$left" ] && pass "no process is left behind" || { fail "no process is left behind"; ps -o pid,args -p $left; }

# 9. An assignment's limits (at its top, and a part's own) reach each part's `sockcheck run` and the
#    feedback's reproduce lines.
sed -e "s|\.\./\.\./cases/|$SRC/cases/|g" -e 's/^name .*/&\nmemory 300/' -e 's/^  points  10$/&\n  cpu-time 20s/' \
	"$ASSIGN" >"$T/limits.assignment"
timeout 120 "$SOCKCHECK" grade "$T/limits.assignment" "$CLASS" --out "$T/lim" --only cy >"$T/lim.out" 2>&1
expect "grading with the assignment's limits exits 0" 0 $?
has "a part's limits and the assignment's are given to its sockcheck run" "$T/lim/cy/report.json" "--memory 300 --cpu-time 20"
has "and repeated in the feedback's reproduce line" "$T/lim/cy/feedback.txt" \
	"reproduce: sockcheck run --server './server {port}' --filter 'tcp-echo/nul-bytes' --memory 300 --cpu-time 20 cases/tcp-echo"

echo "grade: $fails failure(s)"
[ "$fails" -eq 0 ]
