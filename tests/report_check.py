#!/usr/bin/env python3
"""report_check.py: checks a sockcheck report with parsers that share no code with the writer.

usage: report_check.py junit|tap|json REPORT INPUT.json [SCHEMA]

INPUT.json is the fixture the report was rendered from ({"run": ..., "results": [...]}); the report must
hold exactly those results. junit: xml.etree + structural checks (every testcase named, counts match,
verdict elements and texts); tap: tappy (Debian python3-tap) + PyYAML for the diagnostic blocks, plus a
strict line grammar for the TAP version 13 that prove and TAP 14 consumers read (a warning is
"not ok ... # TODO"); json: jsonschema against docs/report.schema.json + totals and cases.
Exit 0 when the report is right, 1 with the reasons on stderr.
"""
import json
import re
import sys

problems = []


def bad(msg):
    problems.append(msg)


REPLACEMENT = "\ufffd"


def clean(s):
    """What a C string holds after result_from_json: NUL becomes U+FFFD."""
    return None if s is None else s.replace("\0", REPLACEMENT)


def hostile(ch):
    cp = ord(ch)
    if cp < 0x20:
        return ch not in "\t\n"
    return 0x7F <= cp <= 0x9F or cp in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)


def visible(s, one_line=False):
    """The documented visible escaping: \\xNN below 0x80, \\uXXXX above."""
    out = []
    for ch in s:
        if hostile(ch) or (one_line and ch in "\t\n"):
            out.append("\\x%02x" % ord(ch) if ord(ch) < 0x80 else "\\u%04X" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def by_suite(results):
    """Results grouped by suite in order of first appearance, as every format orders them."""
    order, groups = [], {}
    for r in results:
        s = r["suite"]
        if s not in groups:
            order.append(s)
            groups[s] = []
        groups[s].append(r)
    return [(s, groups[s]) for s in order]


def ordered(results):
    return [r for _, rs in by_suite(results) for r in rs]


# ---- JUnit ----

def check_junit(path, inp):
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        bad("root element is <%s>, not <testsuites>" % root.tag)
        return
    results = inp["results"]
    groups = by_suite(results)
    suites = root.findall("testsuite")
    if len(suites) != len(groups):
        bad("%d <testsuite> for %d suites" % (len(suites), len(groups)))
    sums = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for ts, (sname, rs) in zip(suites, groups):
        if ts.get("name") != visible(clean(sname) or "(none)", True) and ts.get("name") != visible(clean(sname), True):
            bad("testsuite name %r, want %r" % (ts.get("name"), sname))
        cases = ts.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for k, v in counts.items():
            if ts.get(k) != str(v):
                bad("testsuite %r: %s=%r but %d such testcases" % (sname, k, ts.get(k), v))
            sums[k] += v
        float(ts.get("time"))
        if len(cases) != len(rs):
            bad("testsuite %r: %d testcases for %d results" % (sname, len(cases), len(rs)))
        for c, r in zip(cases, rs):
            check_junit_case(c, r)
    for k, v in sums.items():
        if root.get(k) != str(v):
            bad("testsuites: %s=%r, testsuite sum %d" % (k, root.get(k), v))
    for c in root.iter("testcase"):
        if not c.get("name"):
            bad("a testcase without a name")


def check_junit_case(c, r):
    name = c.get("name")
    want = visible(clean(r["name"]), True) or "(unnamed)"
    if name != want:
        bad("testcase name %r, want %r" % (name, want))
    if not (c.get("classname") or "").startswith("sockcheck."):
        bad("testcase %r: classname %r" % (name, c.get("classname")))
    if float(c.get("time")) < 0:
        bad("testcase %r: negative time" % name)
    v = r["verdict"]
    kinds = [e.tag for e in c if e.tag in ("failure", "error", "skipped")]
    want_kind = {"pass": [], "fail": ["failure"], "error": ["error"], "timeout": ["error"], "skip": ["skipped"]}[v]
    if r.get("warning"):
        want_kind = ["skipped"]  # JUnit has no warning: listed apart, the build not failed
        sk = c.find("skipped")
        want_msg = "warning (SHOULD case, %s): %s" % (v, visible(clean(r.get("message") or v)))
        if sk is not None and sk.get("message") != want_msg:
            bad("testcase %r: warning message %r, want %r" % (name, sk.get("message"), want_msg))
        if sk is not None and r.get("reproduce") and visible(clean(r["reproduce"]), True) not in (sk.text or ""):
            bad("testcase %r: warning detail lacks the reproduce command" % name)
    if kinds != want_kind:
        bad("testcase %r (%s): elements %s, want %s" % (name, v, kinds, want_kind))
    for e in c:
        if e.tag in ("failure", "error"):
            if e.get("type") != v:
                bad("testcase %r: type=%r, want %r" % (name, e.get("type"), v))
            if r.get("message") and e.get("message") != visible(clean(r["message"])):
                bad("testcase %r: message attribute %r" % (name, e.get("message")))
            if r.get("reproduce") and visible(clean(r["reproduce"]), True) not in (e.text or ""):
                bad("testcase %r: detail lacks the reproduce command" % name)
        if e.tag == "skipped" and not r.get("warning") and r.get("message") and e.get("message") != visible(clean(r["message"])):
            bad("testcase %r: skipped message %r" % (name, e.get("message")))
    err = c.find("system-err")
    if r.get("program_stderr"):
        if err is None or err.text != visible(clean(r["program_stderr"])):
            bad("testcase %r: system-err differs from the program's stderr" % name)
    elif err is not None:
        bad("testcase %r: system-err without stderr" % name)
    out = c.find("system-out")
    if r.get("program_stdout") and (out is None or not out.text.startswith(visible(clean(r["program_stdout"])))):
        bad("testcase %r: system-out differs from the program's stdout" % name)
    if r.get("capture") and (out is None or "[[ATTACHMENT|%s]]" % r["capture"] not in out.text):
        bad("testcase %r: no attachment line for the capture" % name)


# ---- TAP 14 ----

POINT = re.compile(r"^(ok|not ok) ([1-9][0-9]*) - ((?:[^\\#]|\\[\\#])*)(?: # (SKIP|TODO)(?: (.*))?)?$")
TAP_VERSION = "TAP version 13"  # prove (TAP::Harness 3.44) rejects 14; TAP 14 consumers read 13
YAML_KEYS = {"file": "file", "description": "description", "step": "step", "message": "message",
             "expected": "expected", "actual": "actual", "notes": "notes", "capture": "capture",
             "timeline": "timeline", "fault_log": "fault_log", "stdout": "program_stdout",
             "stderr": "program_stderr", "reproduce": "reproduce"}


def tap_description_of(r):
    def part(s):
        return "".join(REPLACEMENT if hostile(ch) or ch in "\t\n" else ch for ch in clean(s))
    return part(r["suite"]) + "/" + part(r["name"])


def check_tap_grammar(lines, results):
    """TAP 13 as TAP 14 reads it, strictly: version first, one plan, test points numbered 1..N, YAML blocks only right after
    a test point, indented 2 spaces, closed by "  ..."; anything else must be a comment."""
    if not lines or lines[0] != TAP_VERSION:
        bad("first line is not %r" % TAP_VERSION)
    plans = [i for i, l in enumerate(lines) if re.match(r"^1\.\.[0-9]+$", l)]
    if len(plans) != 1:
        bad("%d plan lines" % len(plans))
    elif lines[plans[0]] != "1..%d" % len(results):
        bad("plan %r for %d results" % (lines[plans[0]], len(results)))
    expect, i, prev_point = 1, 1, False
    want = ordered(results)
    while i < len(lines):
        l = lines[i]
        m = POINT.match(l)
        if l == "  ---":
            if not prev_point:
                bad("line %d: YAML block not after a test point" % (i + 1))
            i += 1
            while i < len(lines) and lines[i] != "  ...":
                if not lines[i].startswith("  "):
                    bad("line %d: YAML block line not indented: %r" % (i + 1, lines[i][:60]))
                i += 1
            if i == len(lines):
                bad("unterminated YAML block")
            prev_point = False
        elif m:
            if int(m.group(2)) != expect:
                bad("line %d: test point %s, want %d" % (i + 1, m.group(2), expect))
            if expect <= len(want):
                r = want[expect - 1]
                desc = re.sub(r"\\([\\#])", r"\1", m.group(3))
                if desc != tap_description_of(r):
                    bad("line %d: description %r, want %r" % (i + 1, desc, tap_description_of(r)))
                ok = r["verdict"] in ("pass", "skip")
                if (m.group(1) == "ok") != ok:
                    bad("line %d: %s for verdict %s" % (i + 1, m.group(1), r["verdict"]))
                if (m.group(4) == "SKIP") != (r["verdict"] == "skip"):
                    bad("line %d: SKIP directive does not match verdict %s" % (i + 1, r["verdict"]))
                if (m.group(4) == "TODO") != bool(r.get("warning")):
                    bad("line %d: TODO directive, but warning is %s" % (i + 1, bool(r.get("warning"))))
            expect += 1
            prev_point = True
        elif l.startswith("#") or re.match(r"^1\.\.[0-9]+$", l) or (i == 0 and l == TAP_VERSION):
            prev_point = False
        else:
            bad("line %d: not TAP: %r" % (i + 1, l[:60]))
        i += 1
    if expect - 1 != len(results):
        bad("%d test points for %d results" % (expect - 1, len(results)))


def check_tap(path, inp):
    from tap.parser import Parser

    with open(path, encoding="utf-8") as f:
        text = f.read()
    check_tap_grammar(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"), inp["results"])
    want = ordered(inp["results"])
    points = [l for l in Parser().parse_text(text) if l.category == "test"]
    versions = [l for l in Parser().parse_text(text) if l.category == "version"]
    if [v.version for v in versions] != [13]:
        bad("tappy sees TAP versions %s" % [v.version for v in versions])
    unknown = [l for l in Parser().parse_text(text) if l.category == "unknown"]
    if unknown:
        bad("tappy found %d lines it does not understand" % len(unknown))
    if len(points) != len(want):
        bad("tappy sees %d test points for %d results" % (len(points), len(want)))
    for p, r in zip(points, want):
        if p.ok != (r["verdict"] in ("pass", "skip")) or p.skip != (r["verdict"] == "skip"):
            bad("test %s: ok=%s skip=%s for verdict %s" % (p.number, p.ok, p.skip, r["verdict"]))
        if p.todo != bool(r.get("warning")):
            bad("test %s: todo=%s for warning=%s" % (p.number, p.todo, bool(r.get("warning"))))
        if r["verdict"] in ("pass", "skip"):
            continue
        y = p.yaml_block
        if not isinstance(y, dict):
            bad("test %s: no YAML diagnostics (or they do not parse)" % p.number)
            continue
        if y.get("verdict") != r["verdict"]:
            bad("test %s: YAML verdict %r" % (p.number, y.get("verdict")))
        if y.get("level") != r.get("level", "must") or y.get("warning") is not bool(r.get("warning")):
            bad("test %s: YAML level %r warning %r" % (p.number, y.get("level"), y.get("warning")))
        if str(y.get("seed")) != r["seed"]:
            bad("test %s: YAML seed %r" % (p.number, y.get("seed")))
        for key, field in YAML_KEYS.items():
            value = clean(r.get(field))
            if field in ("program_stdout", "program_stderr") and value == "":
                value = None
            if y.get(key) != value:
                bad("test %s: YAML %s = %r, want %r" % (p.number, key, y.get(key), value))


# ---- JSON ----

def check_json(path, inp, schema_path):
    import jsonschema

    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    for e in jsonschema.Draft202012Validator(schema).iter_errors(doc):
        bad("schema: %s at %s" % (e.message[:200], "/".join(map(str, e.absolute_path))))
    if problems:
        return
    cases = [c for s in doc["suites"] for c in s["cases"]]
    t = doc["totals"]
    names = {"pass": "passed", "fail": "failed", "error": "errors", "timeout": "timeouts", "skip": "skipped"}
    for v, k in names.items():
        if t[k] != sum(1 for c in cases if c["verdict"] == v and not c["warning"]):
            bad("totals.%s = %d" % (k, t[k]))
    if t["warnings"] != sum(1 for c in cases if c["warning"]):
        bad("totals.warnings = %d" % t["warnings"])
    for c in cases:
        if c["warning"] and (c["level"] != "should" or c["verdict"] not in ("fail", "timeout")):
            bad("case %r: a warning must be a failed or timed-out should case" % c["name"])
    if t["total"] != len(cases):
        bad("totals.total = %d for %d cases" % (t["total"], len(cases)))
    if abs(t["points"] - sum(c["points"] for c in cases)) > 1e-9:
        bad("totals.points is not the sum of the cases")
    for s in doc["suites"]:
        if any(c["suite"] != s["name"] for c in s["cases"]):
            bad("suite %r holds a case of another suite" % s["name"])
        if abs(s["points_max"] - sum(c["points_max"] for c in s["cases"])) > 1e-9:
            bad("suite %r: points_max is not the sum of its cases" % s["name"])
    want = ordered(inp["results"])
    if len(cases) != len(want):
        bad("%d cases for %d results" % (len(cases), len(want)))
    for c, r in zip(cases, want):
        for k, v in r.items():
            v = clean(v) if isinstance(v, str) else v
            if isinstance(v, list):
                v = [clean(x) for x in v]
            if c.get(k) != v:
                bad("case %r: %s = %r, want %r" % (r["name"], k, c.get(k), v))
    run = inp["run"]
    for k in ("run_id", "command", "server_cmd", "client_cmd", "seed", "jobs"):
        if doc["run"][k] != run.get(k):
            bad("run.%s = %r, want %r" % (k, doc["run"][k], run.get(k)))


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("junit", "tap", "json"):
        print(__doc__, file=sys.stderr)
        return 2
    fmt, report, input_path = sys.argv[1:4]
    with open(input_path, encoding="utf-8") as f:
        inp = json.load(f)
    try:
        if fmt == "junit":
            check_junit(report, inp)
        elif fmt == "tap":
            check_tap(report, inp)
        else:
            check_json(report, inp, sys.argv[4] if len(sys.argv) > 4 else "docs/report.schema.json")
    except Exception as e:  # a parser rejecting the document is a finding, not a crash
        bad("%s: %s" % (type(e).__name__, e))
    for p in problems:
        print("%s: %s" % (report, p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
