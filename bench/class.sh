#!/usr/bin/env bash
# bench/class.sh: a class figure with `sockcheck grade` (not a test). N generated students, each a
# submission with one program for each of the 8 student profiles (one part per profile, the whole
# suite); correct and defective programs in equal parts: student k's program for the i-th profile is the
# profile's reference when k + i is even, else one of its C mutants (in turn, never argv-unchecked, which
# fails only when started without arguments). Programs are copied in built (no compile step: add the
# class's build time separately). For each -j of JOBS ("default": no -j option) it grades the class with
# --force and prints the wall time, the time per submission and per part, the peak RSS of the largest
# process, the unexpected results (a correct program with a case that did not pass, a defective one that
# passed every case, any status but graded) and the extrapolation to STUDENTS students x 8 profiles.
#   N=4 JOBS="1 2 default" STUDENTS=300 bench/class.sh [BUILD_DIR]
# GRADE_ARGS adds options to every grade run. KEEP=DIR keeps the class, assignment and outputs there.
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
SC=$BUILD/sockcheck
cd "$(dirname "$0")/.."
SRC=$PWD
N=${N:-4}
JOBS=${JOBS-"1 2 default"}
STUDENTS=${STUDENTS:-300}
profiles="tcp-echo tcp-echo-concurrent tcp-upper udp-upper chat chat-client tcp-client udp-client"
if [ -n "${KEEP:-}" ]; then
	T=$KEEP
	mkdir -p "$T"
else
	T=$(mktemp -d)
	trap 'rm -rf "$T"' EXIT
fi
export TMPDIR=$T
rm -rf "$T/class" "$T/out-"*
mkdir -p "$T/class"

# The role and the reference's command line of a profile, from its suite.conf ("server {bin}/x ARGS {port}").
ref_line() { grep -E "^$1 " "$SRC/cases/$2/suite.conf" | head -1 | sed -e "s/^$1 //"; }

{
	echo "name class-bench"
	for p in $profiles; do
		role=server args="{port}"
		case $p in chat-client | tcp-client | udp-client) role=client args="{host} {port}" ;; esac
		printf 'part %s\n  suite %s\n  %s sh %s.sh %s\nend\n' "$p" "$SRC/cases/$p" "$role" "$p" "$args"
	done
} >"$T/class.assignment"

for ((k = 0; k < N; k++)); do
	d=$T/class/student$k
	mkdir -p "$d"
	i=0
	for p in $profiles; do
		role=server
		case $p in chat-client | tcp-client | udp-client) role=client ;; esac
		if [ $(((k + i) % 2)) = 0 ]; then
			line=$(ref_line "$role" "$p") # e.g. {bin}/tcp-echo-server --concurrency fork {port}
			bin=${line%% *}
			bin=${bin/\{bin\}/$BUILD/reference}
			extra=$(echo "$line" | cut -d' ' -f2- | sed -e 's/{host}//; s/{port}//')
			[ "$line" = "${line#* }" ] && extra=""
			echo "# correct" >"$d/$p.sh"
		else
			muts=()
			for f in "$BUILD"/mutants/"$p"/*; do [[ $f == */argv-unchecked || $f == *.* ]] || muts+=("$f"); done
			bin=${muts[$(((k / 2 + i) % ${#muts[@]}))]}
			extra=""
			echo "# defective: $(basename "$bin")" >"$d/$p.sh"
		fi
		cp "$bin" "$d/$p.bin"
		echo "exec ./$p.bin $extra \"\$@\"" >>"$d/$p.sh"
		i=$((i + 1))
	done
done

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $N students x 8 parts ($(date -u +%H:%M) UTC)"
for j in $JOBS; do
	jopt=()
	[ "$j" != default ] && jopt=(-j "$j")
	start=$(date +%s.%N)
	rc=0
	/usr/bin/time -f %M -o "$T/rss-$j" "$SC" grade "$T/class.assignment" "$T/class" --out "$T/out-$j" "${jopt[@]}" \
		--force ${GRADE_ARGS:-} >"$T/log-$j" 2>&1 || rc=$?
	end=$(date +%s.%N)
	python3 - "$T" "$j" "$start" "$end" "$rc" "$STUDENTS" "$(tail -1 "$T/rss-$j")" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PY'
import json, sys
T, j, s, e, rc, st, rss, load = sys.argv[1:9]
wall = float(e) - float(s)
d = json.load(open(f"{T}/out-{j}/summary.json"))
subs = d["submissions"]
bad, parts, case_time = [], 0, {"correct": 0.0, "defective": 0.0}
for sub in subs:
    if sub["status"] != "graded":
        bad.append(f'{sub["name"]}: status {sub["status"]} {sub.get("message") or ""}')
    rep = json.load(open(f'{T}/out-{j}/{sub["name"]}/report.json'))["parts"]
    for name, p in sub["parts"].items():
        parts += 1
        head = open(f'{T}/class/{sub["name"]}/{name}.sh').readline().strip()
        correct = head.startswith("# correct")
        cases = [c for su in rep.get(name, {}).get("suites", []) for c in su["cases"]]
        case_time["correct" if correct else "defective"] += sum(c.get("duration", 0) for c in cases)
        # a correct program passes every case; a defective one fails at least one (a SHOULD case, which
        # costs no points unless --strict, counts: it still detected the defect)
        clean = p["status"] == "graded" and cases and all(c["verdict"] == "pass" for c in cases)
        if correct != clean:
            off = [f'{c["name"]}={c["verdict"]}' for c in cases if c["verdict"] != "pass"]
            bad.append(f'{sub["name"]}/{name} ({head[2:]}): {p["status"]} {p["score"]:.0f}/{p["max"]:.0f} '
                       + " ".join(off[:4]))
n = len(subs)
per_part = wall / parts
print(f"-j {j}: exit {rc}; {n} students, {parts} parts in {wall:.1f} s: {wall / n:.1f} s per student, "
      f"{per_part:.2f} s per part; peak RSS {int(rss) / 1024:.0f} MiB; {len(bad)} unexpected; load after {load}")
print(f"      case time (sum of case durations): correct parts {case_time['correct']:.1f} s, defective "
      f"{case_time['defective']:.1f} s; in flight on average {sum(case_time.values()) / wall:.1f} cases")
print(f"      extrapolated: {st} students x 8 profiles = {per_part * 8 * int(st) / 60:.1f} min")
for b in bad:
    print("      unexpected:", b)
PY
done
