#!/usr/bin/env bash
# bench/class.sh: a class figure with `sockcheck run` loops (until `sockcheck grade` lands: issue 12).
# N generated submissions per student profile, correct and defective in equal parts: a correct one is the
# profile's reference, a defective one a C mutant of tests/mutants/<profile>/ (in turn). Each submission
# is one `sockcheck run --server|--client CMD cases/<profile>` at -j JOBS. Prints, per JOBS, the wall
# time, the mean per submission, the peak RSS of any one run, and the extrapolation to STUDENTS students
# x the 8 profiles. Not a test. Usage:
#   N=2 JOBS="1 2 4" STUDENTS=300 bench/class.sh [BUILD_DIR]
set -euo pipefail
BUILD=$(cd "${1:-build}" && pwd)
SC=$BUILD/sockcheck
N=${N:-2}
JOBS=${JOBS:-"1 2 4"}
STUDENTS=${STUDENTS:-300}
profiles="tcp-echo tcp-echo-concurrent tcp-upper udp-upper chat chat-client tcp-client udp-client"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# submission PROFILE K: prints the option and command of submission K (even: correct, odd: defective).
submission() {
	local p=$1 k=$2 role=--server args="{port}"
	case $p in chat-client | tcp-client | udp-client) role=--client args="{host} {port}" ;; esac
	if [ $((k % 2)) = 0 ]; then
		echo "-"
		return
	fi
	# argv-unchecked fails only when started without arguments, which a submission never is
	local muts=() f
	for f in "$BUILD"/mutants/"$p"/*; do [[ $f == */argv-unchecked ]] || muts+=("$f"); done
	local m=${muts[$(((k / 2) % ${#muts[@]}))]}
	echo "$role" "$m $args"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $N submissions per profile"
for j in $JOBS; do
	: >"$T/rss"
	fails=0 runs=0
	start=$(date +%s.%N)
	for p in $profiles; do
		for ((k = 0; k < N; k++)); do
			read -r opt cmd <<<"$(submission "$p" "$k")"
			extra=()
			[ "$opt" != - ] && extra=("$opt" "$cmd")
			/usr/bin/time -f %M -o "$T/m" "$SC" run -j "$j" --keep-captures none "${extra[@]}" \
				"cases/$p" >"$T/out" 2>&1 && rc=0 || rc=$?
			tail -1 "$T/m" >>"$T/rss" # GNU time adds "Command exited with non-zero status N" first
			runs=$((runs + 1))
			# a correct submission must pass (0), a defective one fail (1); anything else is a fault
			want=0
			[ "$opt" != - ] && want=1
			if [ "$rc" != "$want" ]; then
				fails=$((fails + 1))
				echo "  unexpected exit $rc (want $want): $p ${extra[*]:-reference}" >&2
			fi
		done
	done
	end=$(date +%s.%N)
	awk -v j="$j" -v s="$start" -v e="$end" -v runs="$runs" -v n="$N" -v st="$STUDENTS" -v f="$fails" \
		'NR == FNR { if ($1 > m) m = $1; next } END {
			w = e - s; per = w / runs;
			printf "-j%-3s %d runs in %.1f s: %.2f s per submission (all 8 profiles: %.1f s per student); peak RSS %.0f MiB; %d unexpected verdicts\n",
				j, runs, w, per, per * 8, m / 1024, f;
			printf "      extrapolated: %d students x 8 profiles = %.1f h\n", st, per * 8 * st / 3600 }' "$T/rss" /dev/null
done
