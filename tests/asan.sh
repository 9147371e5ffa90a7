#!/usr/bin/env bash
# labels: hardening
# timeout: 600
# cost: 40
# Under ASan + UBSan + LeakSanitizer (build-asan/, tests/hardening-build.sh): every unit test, lint of every
# shipped case, and reference suites run by the sanitized sockcheck against the sanitized reference programs
# (udp-client includes black-hole, which glibc's regexec interceptor failed before PCRE2). Every sanitizer
# report, from sockcheck, its workers or a program it runs, goes to a log file: there must be none.
set -uo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src"
asan=$src/build-asan
[ -x "$asan/sockcheck" ] || { echo "asan: FAIL: $asan/sockcheck missing (tests/hardening-build.sh builds it)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
export ASAN_OPTIONS="log_path=$work/san/asan:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="log_path=$work/san/ubsan:print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="log_path=$work/san/lsan"
mkdir -p "$work/san"
reports() { # prints and clears the reports so far, naming the step that produced them
  local n
  n=$(find "$work/san" -type f | wc -l)
  if [ "$n" -gt 0 ]; then
    fail "$1: $n sanitizer report(s):"
    find "$work/san" -type f -exec head -30 {} \;
    rm -f "$work/san"/*
  fi
}

ctest --test-dir "$asan" -L unit -j 2 --output-on-failure >"$work/unit.txt" 2>&1 ||
  { fail "unit tests under ASan"; tail -40 "$work/unit.txt"; }
reports "unit tests"

"$asan/sockcheck" lint cases >"$work/lint.txt" 2>&1 || { fail "lint cases under ASan"; tail "$work/lint.txt"; }
reports "lint cases"

# --memory unlimited: an ASan-built reference reserves terabytes of address space, which any RLIMIT_AS
# (the sandbox's memory limit) forbids. detect_leaks=0 here: LeakSanitizer needs ptrace, which the
# sandbox's seccomp filter denies its programs, so at exit it would fail instead of checking. The
# references' leaks are checked by their own tests above (reference-*, run outside the sandbox, under
# LSan), the harness's by the unit tests and lint; a program's ASan or UBSan error still ends it with a
# failing status, which fails its case.
for suite in udp-client udp-upper chat tcp-echo; do
  ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" timeout 300 "$asan/sockcheck" run -j 2 --memory unlimited --captures "$work/captures" "cases/$suite" >"$work/$suite.txt" 2>&1 ||
    { fail "reference suite $suite under ASan"; grep -v '^PASS' "$work/$suite.txt" | head -30; }
  reports "suite $suite"
done

# Paths the reference suites do not take: an echo expected before anything was sent (run_expect.c compared
# through the NULL of an empty send buffer).
for c in tests/asan/*.case; do
  ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" timeout 60 "$asan/sockcheck" run --memory unlimited --no-capture \
    --server "$asan/reference/tcp-echo-server {port}" "$c" >"$work/extra.txt" 2>&1 ||
    { fail "$c under ASan"; head -8 "$work/extra.txt"; }
  reports "$c"
done

[ $failures -eq 0 ] && echo "asan: unit tests, lint, 4 reference suites (udp-client, udp-upper, chat, tcp-echo), tests/asan/*.case: no sanitizer report"
[ $failures -eq 0 ]
