#!/usr/bin/env python3
"""html_check.py: checks of the HTML report that tests/html.sh runs on a real browser's output.

  html_check.py dom DOM.html CASES FAILED   the DOM Chromium dumped: one table row per case, and in every
                                            failed case's section a ladder SVG with arrows and the failed step
  html_check.py png SHOT.png                the screenshot is a real picture of a ladder: its size, and pixels
                                            of the failed step's box, the lanes and the SYN arrows' colour
Exit 0 when the check holds, 1 with the reasons on stderr.
"""
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows = 0
        self.sections = []  # [classes, svg count, arrow count, failed-step count]
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        cls = (dict(attrs).get("class") or "").split()
        if tag == "tr" and "case" in cls:
            self.rows += 1
        if tag == "section" and "case" in cls:
            self.sections.append([cls, 0, 0, 0])
        if not self.sections:
            return
        cur = self.sections[-1]
        if tag == "svg" and "ladder" in cls:
            cur[1] += 1
        if tag == "line" and "a" in cls:
            cur[2] += 1
        if tag == "rect" and "failed" in cls:
            cur[3] += 1


def check_dom(path, cases, failed):
    d = Dom()
    with open(path, encoding="utf-8") as f:
        d.feed(f.read())
    bad = []
    if d.rows != cases:
        bad.append(f"{d.rows} case rows, expected {cases}")
    fails = [s for s in d.sections if "fail" in s[0]]
    if len(fails) != failed:
        bad.append(f"{len(fails)} failed-case sections, expected {failed}")
    for i, (cls, svgs, arrows, failed_steps) in enumerate(fails):
        if svgs != 1 or arrows < 2 or failed_steps != 1:
            bad.append(f"failed section {i + 1}: {svgs} ladder svg, {arrows} arrows, {failed_steps} failed steps")
    for b in bad:
        print(f"html_check dom: {b}", file=sys.stderr)
    return 1 if bad else 0


def check_png(path):
    from PIL import Image  # Debian's python3-pil (ci/bootstrap); run with /usr/bin/python3

    im = Image.open(path).convert("RGB")
    w, h = im.size
    counts = {rgb: n for n, rgb in im.getcolors(maxcolors=1 << 24)}
    # Colours only the ladder's SVG uses (report_html_util.c), so the rest of the page cannot stand in.
    want = {"failed step box": (0xFF, 0xD9, 0xD9), "step rows": (0xEE, 0xF3, 0xFB), "SYN arrow": (0x1B, 0x7A, 0x2B),
            "lane": (0x77, 0x77, 0x77)}
    bad = [f"{w}x{h} is too small"] if w < 600 or h < 600 else []
    bad += [f"no {k} pixels (colour #{v[0]:02x}{v[1]:02x}{v[2]:02x}) in the picture"
            for k, v in want.items() if counts.get(v, 0) < 40]
    if len(counts) < 8:
        bad.append(f"only {len(counts)} colours: a blank page")
    for b in bad:
        print(f"html_check png: {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "dom":
        sys.exit(check_dom(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
    if len(sys.argv) == 3 and sys.argv[1] == "png":
        sys.exit(check_png(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
