#!/usr/bin/env bash
# labels: e2e html
# timeout: 240
# cost: 3
# html.sh: the HTML report in a real browser (docs/report-formats.md). Mutants fail tcp-echo/half-close and
# udp-client/lost-reply (tcp-echo/basic passes); `run --html` writes one page that must be well-formed
# (xmllint as XML, tidy as HTML), self-contained (no network resource), and that headless Chromium shows
# with one row per case and a ladder SVG, with the failed step marked, in each failed case's section; its
# screenshot must show the ladder. A passing run's page is the control: it has no ladder, and the
# screenshot check must say so. Also `--markdown` and `inspect --html`. Needs chromium, tidy, python3-pil
# (ci/bootstrap): missing tools fail the test, never skip it.
set -uo pipefail
src=${SOCKCHECK_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
build=${SOCKCHECK_BUILD:-$src/build}
src=$(cd "$src" && pwd)
build=$(cd "$build" && pwd)
bin=$build/sockcheck
check=$src/tests/html_check.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "html.sh: FAIL: $*" >&2; failures=$((failures + 1)); }
for tool in chromium tidy xmllint /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "html.sh: $tool is missing (run ci/bootstrap)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import PIL' 2>/dev/null || { echo "html.sh: python3-pil is missing (run ci/bootstrap)" >&2; exit 1; }

browser() { # browser OUT ARGS...: headless Chromium on a private profile, bounded in time
  local out=$1
  shift
  timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-dev-shm-usage \
    --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1100,1800 "$@" >"$out" 2>"$tmp/chromium.err"
}

cd "$tmp" || exit 1
# 1. A failing run: half-close and lost-reply fail, basic passes. The captures go to a folder whose name
# has a space and a '#', as an LMS export's folders do.
cap="$tmp/cap #1"
"$bin" run --server "python3 $src/tests/mutants/tcp-echo/ignore-eof.py {port}" \
  --client "python3 $src/tests/mutants/udp-client/no-retransmit.py {host} {port}" --captures "$cap" \
  --html "$tmp/report.html" --markdown "$tmp/summary.md" \
  "$src/cases/tcp-echo/half-close.case" "$src/cases/tcp-echo/basic.case" "$src/cases/udp-client/lost-reply.case" \
  >"$tmp/run.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "run exited $rc, expected 1: $(tail -5 "$tmp/run.out")"
[ -s report.html ] || { fail "no report.html"; # 6. The class page of `sockcheck grade` (a sample model from the unit test): well-formed and valid.
"$build/tests/report_html_test" --class class.html || fail "report_html_test --class failed"
xmllint --noout class.html 2>/dev/null || fail "class.html is not well-formed"
tidy -q -e class.html >"$tmp/tidy-class.out" 2>&1 || fail "tidy class.html: $(head -5 "$tmp/tidy-class.out")"
echo "html.sh: $failures failure(s)"; exit 1; }

# 2. Well-formed, valid, self-contained.
xmllint --noout report.html 2>"$tmp/xmllint.err" || fail "not well-formed: $(head -3 "$tmp/xmllint.err")"
tidy -q -e report.html >"$tmp/tidy.out" 2>&1 || fail "tidy: $(head -5 "$tmp/tidy.out")"
if grep -Eo '(src|href)="[a-z]+://[^"]*"|url\(http|@import' report.html | grep -v '^href="file://' >"$tmp/net"; then
  fail "the page loads a network resource: $(head -3 "$tmp/net")"
fi
grep -q '<script' report.html && fail "the page has a script"
# Every file:// link, percent-decoded as a browser does, is a file that exists (before: a link ended at
# the '#' of the folder's name).
/usr/bin/python3 - report.html <<'PY' || fail "a file:// link does not lead to its file"
import os, re, sys, urllib.parse
links = re.findall(r'href="(file://[^"]*)"', open(sys.argv[1], encoding="utf-8").read())
bad = [l for l in links if not os.path.isfile(urllib.parse.unquote(urllib.parse.urlsplit(l).path))]
if len(links) < 6 or bad:
    sys.exit(f"html.sh: {len(links)} file:// links (expected at least 6), not a file: {bad[:3]}")
PY
# Each failed case's ladder shows where the case ended (what follows is the teardown).
n=$(grep -o 'end of the case: the harness closes its sockets, then stops the programs' report.html | wc -l)
[ "$n" -eq 2 ] || fail "the end of the case is in $n ladders, expected 2"
for want in 'DROPPED by the relay' 'FAILED HERE' 'tcp1 (c1) FIN' 'failed here' 'udp-client 4, 5'; do
  grep -qF "$want" report.html || fail "the page lacks '$want'"
done

# 3. In the browser: the DOM, then a screenshot of the first failure's ladder.
browser dom.html --dump-dom "file://$tmp/report.html" || fail "chromium --dump-dom failed: $(tail -3 "$tmp/chromium.err")"
/usr/bin/python3 "$check" dom dom.html 3 2 || fail "DOM check (3 rows, 2 failed sections with ladders)"
browser /dev/null --screenshot="$tmp/shot.png" "file://$tmp/report.html" || fail "chromium --screenshot failed"
[ -s shot.png ] || fail "the screenshot is empty"
/usr/bin/python3 "$check" png shot.png || fail "the screenshot does not show the ladder"

# 4. The control: a passing run's page has no ladder; the checks must notice.
"$bin" run --captures "$tmp/cap2" --html "$tmp/pass.html" "$src/cases/tcp-echo/basic.case" >/dev/null 2>&1 ||
  fail "the reference failed tcp-echo/basic"
browser pass-dom.html --dump-dom "file://$tmp/pass.html" || fail "chromium --dump-dom failed on the control"
/usr/bin/python3 "$check" dom pass-dom.html 1 0 || fail "DOM check of the passing page"
/usr/bin/python3 "$check" dom pass-dom.html 1 1 2>/dev/null && fail "the DOM check found a failed section that is not there"
browser /dev/null --screenshot="$tmp/pass.png" "file://$tmp/pass.html" || fail "chromium --screenshot failed on the control"
/usr/bin/python3 "$check" png pass.png 2>/dev/null && fail "the screenshot check saw a ladder on a page without one"

# 5. The Markdown summary and inspect --html.
grep -qF '| ❌ fail | tcp-echo/half-close | 0/2 | expect c1 eof' summary.md || fail "summary.md: $(cat summary.md)"
grep -qF '| ✅ pass | tcp-echo/basic | 1/1 |' summary.md || fail "summary.md lacks the passing row"
pcap=$(ls "$cap"/*/udp-client/lost-reply.pcap 2>/dev/null | head -1)
if [ -z "$pcap" ]; then
  fail "lost-reply kept no capture"
else
  "$bin" inspect "$pcap" --timeline "${pcap%.pcap}.timeline.json" --html inspect.html >/dev/null 2>"$tmp/inspect.err" ||
    fail "inspect --html: $(cat "$tmp/inspect.err")"
  xmllint --noout inspect.html 2>/dev/null || fail "inspect.html is not well-formed"
  for want in '>harness</text>' '>relay</text>' '>program</text>' 'DROPPED by the relay'; do
    grep -qF "$want" inspect.html || fail "inspect.html lacks '$want'"
  done
fi
# 6. The class page of `sockcheck grade` (a sample model from the unit test): well-formed and valid.
"$build/tests/report_html_test" --class class.html || fail "report_html_test --class failed"
xmllint --noout class.html 2>/dev/null || fail "class.html is not well-formed"
tidy -q -e class.html >"$tmp/tidy-class.out" 2>&1 || fail "tidy class.html: $(head -5 "$tmp/tidy-class.out")"
echo "html.sh: $failures failure(s)"
[ $failures -eq 0 ]
