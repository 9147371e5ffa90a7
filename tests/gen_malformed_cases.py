#!/usr/bin/env python3
"""Generates the malformed-case corpus of issue 15 into OUTDIR (default: at least 356 files): truncations
and byte flips of the shipped cases, 1 MB lines, deep nesting, huge numbers, invalid UTF-8, control bytes,
100,000-step files and the regexes that crashed or hung glibc's regcomp. Deterministic (seeded).

  gen_malformed_cases.py SRC_DIR OUTDIR      (SRC_DIR: the project root, for cases/*/*.case)
"""
import glob
import os
import random
import sys

HDR = "server {server}\nconnect c1\n"
MB = 1 << 20


def generated():
    yield "long-string", HDR + 'send c1 "' + "x" * MB + '"\n'
    yield "long-word", HDR + "send c1 " + "x" * MB + "\n"
    yield "long-comment", HDR + "# " + "x" * MB + "\n"
    yield "long-hex", HDR + 'send c1 hex "' + "ab" * (MB // 2) + '"\n'
    yield "long-regex", HDR + "expect c1 line /" + "x" * MB + "/\n"
    yield "long-name", HDR + "connect " + "c" * MB + "\n"
    yield "long-description", "description " + "d" * MB + "\n" + HDR
    yield "long-server", "server ./s {port} " + "a" * MB + "\n"
    yield "long-tags", "tags " + "t " * (MB // 2) + "\n" + HDR
    yield "long-escapes", HDR + 'send c1 "' + "\\x41" * (MB // 4) + '"\n'
    yield "one-line-1mb-no-newline", "x" * MB
    for depth in (5, 100, 10000, 100000):
        yield f"repeat-depth-{depth}", HDR + "repeat 2\n" * depth + 'send c1 "x"\n' + "end\n" * depth
        yield f"repeat-unclosed-{depth}", HDR + "repeat 2\n" * depth
        yield f"end-only-{depth}", HDR + "end\n" * depth
    yield "relay-nested", HDR + "relay r1 udp to 9000\n" * 1000 + "end\n" * 1000
    yield "regex-parens-100000", HDR + "expect c1 line /" + "(" * 100000 + "/\n"
    yield "regex-balanced-10000", HDR + "expect c1 line /" + "(" * 10000 + "a" + ")" * 10000 + "/\n"
    yield "regex-repeat-32000", HDR + "expect c1 line /(.*){1,32000}/\n"
    yield "regex-nested-repeats", HDR + "expect c1 line /((a{0,255}){0,255}){0,255}/\n"
    yield "regex-backtrack", HDR + "expect c1 match /^(a|aa)+$/\n"
    yield "regex-backref", HDR + "expect c1 match /(a*)*\\1\\1\\1b/\n"
    yield "regex-brackets", HDR + "expect c1 line /" + "[" * 100000 + "/\n"
    yield "regex-many", HDR + "expect c1 match /(.*){1,1000}(.*){1,1000}/\n" * 1000
    for n in ("99999999999999999999999999999", "1e308", "1e400", "-1", "0x7fffffffffffffff", "nan", "inf",
              "18446744073709551616", "4294967296", "1" * 10000):
        yield f"huge-repeat-{n[:12]}", HDR + f"repeat {n}\nsend c1 \"x\"\nend\n"
        yield f"huge-duration-{n[:12]}", HDR + f"wait {n}s\n"
        yield f"huge-size-{n[:12]}", HDR + f"send c1 random {n}MiB\n"
        yield f"huge-port-{n[:12]}", f"port {n}\n" + HDR
        yield f"huge-points-{n[:12]}", f"points {n}\n" + HDR
        yield f"huge-seed-{n[:12]}", f"seed {n}\n" + HDR
        yield f"huge-wire-{n[:12]}", HDR + f"wire client min-interval {n}s\nwire c1 retransmits >= {n}\n"
    for name, b in (("ff", b"\xff\xfe"), ("overlong", b"\xc0\xaf"), ("surrogate", b"\xed\xa0\x80"),
                    ("c1-csi", b"\xc2\x9b31m"), ("esc", b"\x1b[2J\x1b]0;title\x07"), ("del", b"\x7f"),
                    ("truncated-seq", b"\xe2\x82"), ("above-10ffff", b"\xf4\x90\x80\x80")):
        for where, tmpl in (("word", b"%s\n"), ("string", b'send c1 "%s"\n'), ("comment", b"# %s\n"),
                            ("name", b"connect %s\n"), ("regex", b"expect c1 line /%s/\n"),
                            ("header", b"description %s\n")):
            yield f"utf8-{name}-{where}", HDR.encode() + tmpl % b
    yield "connect-100000", "server {server}\n" + "".join(f"connect c{i}\n" for i in range(100000))
    yield "send-100001", HDR + 'send c1 "x"\n' * 100001
    yield "errors-100000", HDR + "".join(f"sned c{i} x\n" for i in range(100000))
    yield "only-newlines", "\n" * MB
    yield "only-spaces", " " * MB
    yield "crlf", HDR.replace("\n", "\r\n") + 'send c1 "x"\r\n'
    yield "cr-only", HDR.replace("\n", "\r") + 'send c1 "x"\r'
    yield "nul", HDR + "send c1 \"a\0b\"\n"
    yield "empty", ""


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(15)
    n = 0

    def write(name, data):
        nonlocal n
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(out, f"{n:04d}-{name}.case"), "wb") as f:
            f.write(data)
        n += 1

    for name, data in generated():
        write(name, data)
    seeds = sorted(glob.glob(os.path.join(src, "cases", "*", "*.case")))
    for path in seeds:
        base = os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)[:-5]
        data = open(path, "rb").read()
        # Truncations: mid-token, mid-string, mid-line.
        for k in range(2):
            write(f"trunc-{base}-{k}", data[:rng.randrange(1, max(2, len(data)))])
        # Byte flips: a few random bytes replaced by any byte (quotes, slashes, NULs, 0xff ...).
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        write(f"flip-{base}", bytes(flipped))
    print(f"{n} malformed case files in {out}")


if __name__ == "__main__":
    main()
