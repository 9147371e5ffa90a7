#!/usr/bin/env bash
# labels: e2e grade
# cost: 20
# The grading templates in ci/grade/ run as their platforms would run them, with paths from variables:
# the GitHub Actions workflow (each matrix shard's run steps, then the merge job's), the GitLab CI jobs
# (`parallel:` copies with CI_NODE_INDEX/CI_NODE_TOTAL, then merge), the Kubernetes Indexed Job (one
# command per JOB_COMPLETION_INDEX, then the merge Job), and the Gradescope autograder (setup.sh with
# apt and cmake stood in, run_autograder on /autograder/submission). Each merged gradebook must equal
# one plain run's, and Gradescope's results.json must follow its schema. Steps that fetch or build
# sockcheck (checkout, clone, ci/build) are skipped: the built sockcheck stands in. Also a client part.
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
same() { if cmp -s "$2" "$3"; then pass "$1"; else fail "$1"; diff "$2" "$3" | head -20; fi; }

# A small class (a build failure and an empty submission: no suite runs, so this stays fast) and the
# gradebook one plain run gives.
mkdir -p "$T/work/submissions/eve" "$T/work/submissions/fay"
cp tests/grade/does-not-compile.c "$T/work/submissions/eve/server.c"
cp tests/grade/echo-lab.assignment "$T/work/lab1.assignment"
sed -i "s|\.\./\.\./cases/|$SRC/cases/|g" "$T/work/lab1.assignment"
(cd "$T/work" && "$SOCKCHECK" grade lab1.assignment submissions --out "$T/plain" >/dev/null 2>&1)
[ -s "$T/plain/gradebook.csv" ] && pass "a plain run of the small class" || fail "a plain run of the small class"

# The templates, read with PyYAML, become shell scripts: one per shard, then the merge.
python3 - "$SRC/ci/grade" "$T/scripts" <<'PY' || fail "the templates parse"
import os, re, sys, yaml
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
def skip(step):
    return "uses" in step or step.get("name", "").startswith("Build sockcheck")
def emit(name, env, lines):
    with open(os.path.join(out, name), "w") as f:
        f.write("set -e\n")
        for k, v in env.items():
            f.write(f"export {k}=\"${{{k}-{v}}}\"\n")  # a variable the test sets (even empty) wins
        f.write("\n".join(lines) + "\n")

# GitHub Actions: the matrix's shards, ${{ }} expressions as the runner expands them.
gh = yaml.safe_load(open(f"{src}/github-actions.yml"))
shards = gh["jobs"]["grade"]["strategy"]["matrix"]["shard"]
for s in shards:
    runs = [st["run"] for st in gh["jobs"]["grade"]["steps"] if not skip(st)]
    runs = [r.replace("${{ matrix.shard }}", str(s)).replace("${{ strategy.job-total }}", str(len(shards))) for r in runs]
    assert all("${{" not in r for r in runs), runs
    emit(f"github-grade-{s}.sh", gh["env"], runs)
emit("github-merge.sh", gh["env"], [st["run"] for st in gh["jobs"]["merge"]["steps"] if not skip(st)])

# GitLab CI: `parallel: N` runs the job N times with CI_NODE_INDEX 1..N and CI_NODE_TOTAL N.
gl = yaml.safe_load(open(f"{src}/gitlab-ci.yml"))
n = gl["grade"]["parallel"]
for i in range(1, n + 1):
    emit(f"gitlab-grade-{i}.sh", dict(gl["variables"], CI_NODE_INDEX=i, CI_NODE_TOTAL=n), gl["grade"]["script"])
emit("gitlab-merge.sh", gl["variables"], gl["merge"]["script"])

# Kubernetes: the Indexed Job's command once per JOB_COMPLETION_INDEX 0..completions-1, then the merge Job.
jobs = list(yaml.safe_load_all(open(f"{src}/kubernetes-job.yaml")))
grade, merge = jobs
assert grade["spec"]["completionMode"] == "Indexed"
c = grade["spec"]["template"]["spec"]["containers"][0]
env = {e["name"]: e["value"] for e in c["env"]}
assert int(env["SOCKCHECK_SHARD_TOTAL"]) == grade["spec"]["completions"], "SOCKCHECK_SHARD_TOTAL must equal completions"
for i in range(grade["spec"]["completions"]):
    emit(f"kube-grade-{i}.sh", dict(env, JOB_COMPLETION_INDEX=i), [c["command"][2]])
m = merge["spec"]["template"]["spec"]["containers"][0]
emit("kube-merge.sh", {e["name"]: e["value"] for e in m["env"]}, [m["command"][2]])
PY

# Each platform, in a fresh copy of the work folder; paths from the variables the templates read.
for p in github gitlab kube; do
	W=$T/$p
	cp -r "$T/work" "$W"
	ok=1
	for s in "$T"/scripts/"$p"-grade-*.sh; do
		(cd "$W" && SOCKCHECK="$SOCKCHECK" SUDO= ASSIGNMENT="$W/lab1.assignment" SUBMISSIONS="$W/submissions" \
			RESULTS="$W/results" timeout 120 bash "$s" >>"$W/log" 2>&1) || { ok=0; echo "  $s failed:"; tail -5 "$W/log"; }
	done
	[ $ok = 1 ] && pass "$p: every shard's job succeeds" || fail "$p: every shard's job succeeds"
	(cd "$W" && SOCKCHECK="$SOCKCHECK" RESULTS="$W/results" timeout 60 bash "$T/scripts/$p-merge.sh" >>"$W/log" 2>&1) ||
		{ fail "$p: the merge job succeeds"; tail -5 "$W/log"; continue; }
	gb=$W/gradebook/gradebook.csv
	[ $p = kube ] && gb=$W/results/gradebook/gradebook.csv
	same "$p: sharded and merged equals one run" "$T/plain/gradebook.csv" "$gb"
done

# GitLab: a half-set variable pair fails the job instead of grading everything.
(cd "$T/work" && CI_NODE_INDEX=2 "$SOCKCHECK" grade lab1.assignment submissions --out "$T/half" >"$T/half.log" 2>&1)
[ $? = 2 ] && grep -q "CI_NODE_TOTAL is not" "$T/half.log" && pass "a half-set CI_NODE_INDEX fails the job" ||
	fail "a half-set CI_NODE_INDEX fails the job"

# Gradescope: setup.sh with apt and cmake stood in (the calls are recorded), then run_autograder on a
# correct Python submission in a stand-in /autograder.
AG=$T/autograder
mkdir -p "$AG/source" "$AG/submission" "$T/bin"
printf '#!/bin/sh\necho "$(basename "$0") $*" >>"%s/calls"\n' "$T" >"$T/bin/apt-get"
cp "$T/bin/apt-get" "$T/bin/cmake"
chmod +x "$T/bin/apt-get" "$T/bin/cmake"
PATH="$T/bin:$PATH" AUTOGRADER=$AG bash ci/grade/gradescope/setup.sh >"$T/setup.log" 2>&1
[ $? = 0 ] && grep -q "apt-get install .*libarchive-dev" "$T/calls" && grep -q "cmake --build $AG/source/sockcheck/build" "$T/calls" &&
	pass "gradescope: setup.sh installs the packages and builds sockcheck" ||
	{ fail "gradescope: setup.sh installs the packages and builds sockcheck"; cat "$T/setup.log" "$T/calls"; }
cp tests/programs/socketserver-echo.py "$AG/submission/server.py"
cp tests/mutants/udp-upper/no-sigterm-handler.py "$AG/submission/upper.py"
cp "$T/work/lab1.assignment" "$AG/source/lab.assignment"
AUTOGRADER=$AG SOCKCHECK=$SOCKCHECK timeout 120 bash ci/grade/gradescope/run_autograder >"$T/ag.log" 2>&1
python3 - "$AG/results/results.json" tests/grade/gradescope-results.schema.json <<'PY' >"$T/ag.out" 2>&1
import json, sys, jsonschema
d = json.load(open(sys.argv[1]))
jsonschema.validate(d, json.load(open(sys.argv[2])))
print("score", d["score"], len(d["tests"]))
PY
grep -q "^score 16.0 4$" "$T/ag.out" && pass "gradescope: run_autograder writes a valid results.json with full marks" ||
	{ fail "gradescope: run_autograder writes a valid results.json with full marks"; cat "$T/ag.out" "$T/ag.log"; }
# A broken assignment: still a results.json, saying it is not the student's fault.
echo "garbage" >"$AG/source/lab.assignment"
rm -f "$AG/results/results.json"
AUTOGRADER=$AG SOCKCHECK=$SOCKCHECK bash ci/grade/gradescope/run_autograder >/dev/null 2>&1
grep -q "this is not your fault" "$AG/results/results.json" 2>/dev/null &&
	pass "gradescope: a broken autograder still writes results.json" || fail "gradescope: a broken autograder still writes results.json"

# A client part: `client CMD` alternatives work as `server` ones do (the suite's cases start the client).
mkdir -p "$T/clients/kim" "$T/clients/lou"
cp tests/mutants/tcp-client/exit-zero-on-refused.py "$T/clients/kim/client.py" # passes basic
cp tests/mutants/tcp-client/never-half-closes.py "$T/clients/lou/client.py"    # fails basic
cat >"$T/client.assignment" <<ASSIGNMENT
name Client lab
part client
  suite $SRC/cases/tcp-client/basic.case
  client ./client {host} {port}
  client python3 client.py {host} {port}
end
ASSIGNMENT
timeout 120 "$SOCKCHECK" grade "$T/client.assignment" "$T/clients" --out "$T/cout" >"$T/c.log" 2>&1
[ $? = 0 ] && pass "a class graded on a client part exits 0" || { fail "a class graded on a client part exits 0"; cat "$T/c.log"; }
printf 'submission,client,total,max,status\nkim,2,2,2,graded\nlou,0,0,2,graded\n' >"$T/c-want.csv"
same "a client part's gradebook" "$T/c-want.csv" "$T/cout/gradebook.csv"
grep -q "reproduce: sockcheck run --client 'python3 client.py {host} {port}' --filter 'tcp-client/basic' cases/tcp-client" \
	"$T/cout/lou/feedback.txt" && pass "a client's reproduce line uses --client" || fail "a client's reproduce line uses --client"

echo "grade-ci: $fails failure(s)"
[ "$fails" -eq 0 ]
