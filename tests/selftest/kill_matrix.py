#!/usr/bin/env python3
"""Render the tables of docs/kill-matrix.md from the JSON reports of one `tests/selftest.sh` run.

    python3 tests/selftest/kill_matrix.py build/selftest-report-*.json                # print them
    python3 tests/selftest/kill_matrix.py --update docs/kill-matrix.md build/selftest-report-*.json

Printed: the summary table (suite, cases, mutants run, killed, shard) and each suite's kill matrix in the
layout of `sockcheck selftest --format text`, except that a mutant of another profile than the suite's is
named with its profile (`tcp-upper/read-once` in interop-tcp). The marks are those of the text output:
X killed in every run and listed in the mutant's killed-by, x killed in every run but not listed, ~ killed
in some runs only, ! listed but not killed in every run, E harness error, . survived.

With --update FILE the script rewrites, in place, the parts of FILE that are data: the summary table (the
Markdown table whose header starts `| suite | cases |`), every fenced block that starts
`kill matrix: NAME`, and the last cell ("killed by") of every row of the case table that follows such a
block (listed kills, then unlisted ones in parentheses). The prose is left alone. Cases that have no row
yet, rows of cases the run does not have, and suites without a matrix block are reported on stderr, to be
written by hand. The shard of a suite is the N of the selftest-report-N.json it comes from.
Standard library only; the source tree (for the `include` lines of suite.conf) is found from this file's
place, or given with --src.
"""
import argparse
import json
import os
import re
import sys

# The order of the suites in the doc: servers, clients, interop pairs; others follow by name.
ORDER = ["tcp-echo", "tcp-echo-concurrent", "tcp-upper", "chat", "udp-upper", "unix-echo", "unix-upper",
         "tcp-client", "chat-client", "udp-client", "interop-tcp", "interop-udp", "interop-chat"]


def load(paths):
    """Suites by name, each with its shard (from the file name) added."""
    suites = {}
    for path in paths:
        m = re.search(r"selftest-report-(\d+)\.json$", path)
        shard = int(m.group(1)) if m else None
        with open(path) as f:
            report = json.load(f)
        for s in report["suites"]:
            s["shard"] = shard
            s["report"] = report
            if s["name"] in suites:
                sys.exit(f"kill_matrix.py: suite {s['name']} appears in two reports")
            suites[s["name"]] = s
    return suites


def ordered(suites):
    known = [n for n in ORDER if n in suites]
    return known + sorted(n for n in suites if n not in ORDER)


def short(suite, mutant):
    """A mutant's name as the doc shows it: without its profile in its own profile's suite."""
    profile, _, name = mutant["name"].partition("/")
    return name if profile == suite["name"] else mutant["name"]


def mark(mutant, case):
    """The mark of selftest_report.c's mark()."""
    listed = case in mutant["killed_by"]
    kills, runs = mutant["kills"][case], mutant["runs"]
    if mutant["errors"]:
        return "E"
    if kills == runs:
        return "X" if listed else "x"
    if listed:
        return "!"
    return "~" if kills > 0 else "."


def matrix(suite):
    """The kill matrix of one suite, as `sockcheck selftest --format text` prints it."""
    cases, mutants = suite["cases"], suite["mutants"]
    w = max([4] + [len(c) for c in cases])
    out = [f"kill matrix: {suite['name']} ({len(cases)} cases x {len(mutants)} mutants)"]
    if not mutants:
        out.append("  (no mutants for this profile)")
        return "\n".join(out)
    out.append("  " + "case".ljust(w) + "".join(f" {k + 1:2d}" for k in range(len(mutants))) + "  kills")
    for c in cases:
        kills = sum(1 for m in mutants if m["kills"][c] > 0)
        out.append("  " + c.ljust(w) + "".join(f"  {mark(m, c)}" for m in mutants) + f"  {kills}")
    out.append("  " + "killed by".ljust(w)
               + "".join(f" {sum(1 for c in cases if m['kills'][c] > 0):2d}" for m in mutants))
    out.append("  mutants:")
    for k, m in enumerate(mutants):
        lang = "py" if m["language"] == "python" else "c"
        out.append(f"  {k + 1:3d}  {short(suite, m):<28s} {lang:<3s} {m['defect']}")
    return "\n".join(out)


def killed_by_cell(suite, case):
    """The "killed by" cell of a case: listed kills, then unlisted ones in parentheses."""
    listed, unlisted, partial = [], [], []
    for m in suite["mutants"]:
        name = f"`{short(suite, m)}`"
        k = mark(m, case)
        if k == "X":
            listed.append(name)
        elif k == "x":
            unlisted.append(name)
        elif k in "~!" and m["kills"][case] > 0:
            partial.append(f"{name} in {m['kills'][case]} of {m['runs']} runs")
    key = lambda s: s.strip("`")
    cell = ", ".join(sorted(listed, key=key))
    if unlisted:
        cell += (" " if cell else "") + "(" + ", ".join(sorted(unlisted, key=key)) + ")"
    if partial:
        cell += ("; " if cell else "") + "killed in some runs only: " + ", ".join(sorted(partial))
    return cell or "nothing"


def includes(src, suite):
    """The directories a suite's suite.conf includes, and its own case count."""
    d = os.path.join(src, suite["dir"])
    inc = []
    try:
        with open(os.path.join(d, "suite.conf")) as f:
            for line in f:
                m = re.match(r"\s*include\s+(\S+)", line)
                if m:
                    inc.append(os.path.basename(os.path.normpath(os.path.join(d, m.group(1)))))
        own = sum(1 for n in os.listdir(d) if n.endswith(".case"))
    except OSError:
        return [], None
    return inc, own


def summary(suites, src):
    rows = ["| suite | cases | mutants run | killed | shard of the run |", "|---|---|---|---|---|"]
    total_cases = total_runs = 0
    distinct = set()
    for n in ordered(suites):
        s = suites[n]
        ncases = len(s["cases"])
        inc, own = includes(src, s)
        cases = str(ncases)
        if inc and own is not None:
            cases += f" ({own} own + {ncases - own} of " + ", ".join(f"`{i}`" for i in inc) + ")"
        groups = []  # (profile, count) in the report's order
        for m in s["mutants"]:
            p = m["name"].partition("/")[0]
            if groups and groups[-1][0] == p:
                groups[-1][1] += 1
            else:
                groups.append([p, 1])
            distinct.add(m["name"])
        muts = str(len(s["mutants"]))
        if len(groups) > 1 or (groups and groups[0][0] != n):
            muts += " (" + " + ".join(("own" if p == n else f"`{p}`") + f" {c}" for p, c in groups) + ")"
        killed = sum(1 for m in s["mutants"] if not m["survived"])
        rows.append(f"| `{n}` | {cases} | {muts} | {killed} | {s['shard']} |")
        total_cases += ncases
        total_runs += len(s["mutants"])
    rows.append(f"| all | {total_cases} | {total_runs} runs of {len(distinct)} mutants | | |")
    return "\n".join(rows)


def render(suites, src):
    parts = [summary(suites, src)]
    for n in ordered(suites):
        parts.append("```\n" + matrix(suites[n]) + "\n```")
    return "\n\n".join(parts) + "\n"


def update(path, suites, src):
    with open(path) as f:
        lines = f.read().split("\n")
    out, i, seen, warn = [], 0, set(), []
    current = None  # the suite whose case table may follow
    while i < len(lines):
        line = lines[i]
        if line.startswith("| suite | cases |"):
            out.extend(summary(suites, src).split("\n"))
            i += 1
            while i < len(lines) and lines[i].startswith("|"):
                i += 1
            continue
        m = re.match(r"kill matrix: (\S+)(?: |$)", line)
        if m and out and out[-1] == "```":
            name = m.group(1)
            j = i
            while j < len(lines) and lines[j] != "```":
                j += 1
            if name in suites:
                out.extend(matrix(suites[name]).split("\n"))
                seen.add(name)
                current = suites[name]
                rows = set()
            else:
                warn.append(f"matrix of {name}: no such suite in the reports (left as it is)")
                out.extend(lines[i:j])
                current = None
            i = j
            continue
        if line.startswith("#"):
            if current is not None:
                for c in current["cases"]:
                    if c not in rows:
                        warn.append(f"{current['name']}: case {c} has no row in the case table")
            current = None
        if current is not None and line.startswith("| `") and line.endswith(" |"):
            cells = re.split(r"(?<!\\)\|", line)
            case = cells[1].strip().strip("`")
            if case in current["cases"]:
                cells[-2] = " " + killed_by_cell(current, case) + " "
                line = "|".join(cells)
                rows.add(case)
            else:
                warn.append(f"{current['name']}: the case table has a row for {case}, which the run does not have")
        out.append(line)
        i += 1
    if current is not None:
        for c in current["cases"]:
            if c not in rows:
                warn.append(f"{current['name']}: case {c} has no row in the case table")
    for n in ordered(suites):
        if n not in seen:
            warn.append(f"suite {n} has no `kill matrix: {n}` block in {path}")
    with open(path, "w") as f:
        f.write("\n".join(out))
    for w in warn:
        print("kill_matrix.py:", w, file=sys.stderr)
    return 1 if warn else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="+", help="selftest-report-N.json files of one tests/selftest.sh run")
    ap.add_argument("--update", metavar="DOC", help="rewrite the tables of DOC (docs/kill-matrix.md) in place")
    ap.add_argument("--src", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                    help="the source tree, for cases/*/suite.conf (default: this script's tree)")
    a = ap.parse_args()
    suites = load(a.reports)
    if a.update:
        return update(a.update, suites, a.src)
    sys.stdout.write(render(suites, a.src))
    return 0


if __name__ == "__main__":
    sys.exit(main())
