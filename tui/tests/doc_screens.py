#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep the screens of Documentation/tui.rst equal to the program's.

A comment names the golden screen that the next literal block shows:

    .. screen: GOLDEN-NAME | DUMP TITLE [| FIRST-LINE [| END-LINE]]

(lines FIRST..END-1 of that dump, for an excerpt). With --write the blocks
are rewritten from tui/tests/golden/; without it the script checks them
and exits 1 on any difference. Screens are captured by the headless mode,
which draws with the same code as the terminal.

usage: doc_screens.py [--write] RST GOLDEN-DIR
"""
import re
import sys

write = "--write" in sys.argv
args = [a for a in sys.argv[1:] if a != "--write"]
rst_path, golden_dir = args

MARK = re.compile(r"^\.\. screen: (.*)$")


def screen(spec):
    parts = [p.strip() for p in spec.split("|")]
    name, title = parts[0], parts[1]
    first = int(parts[2]) if len(parts) > 2 and parts[2] else None
    last = int(parts[3]) if len(parts) > 3 and parts[3] else None
    text = open("%s/%s.txt" % (golden_dir, name)).read()
    for dump in re.split(r"^--- ", text, flags=re.M):
        if dump.startswith(title):
            body = dump.split("\n", 1)[1].split("-- roles --")[0]
            lines = body.rstrip("\n").split("\n")[first:last]
            return ["  " + l if l else "" for l in lines]
    sys.exit("doc_screens: no dump '%s' in %s" % (title, name))


lines = open(rst_path).read().split("\n")
out, i, checked, bad = [], 0, 0, 0
while i < len(lines):
    m = MARK.match(lines[i])
    out.append(lines[i])
    i += 1
    if not m:
        continue
    want = screen(m.group(1))
    # copy up to and including the paragraph ending in "::" and its blank
    while i < len(lines) and not lines[i].endswith("::"):
        out.append(lines[i])
        i += 1
    out.append(lines[i])
    out.append("")
    i += 2
    # the literal block: indented lines and blank lines
    start = i
    while i < len(lines) and (lines[i].startswith("  ") or lines[i] == ""):
        i += 1
    end = i
    while end > start and lines[end - 1] == "":
        end -= 1
    have = lines[start:end]
    checked += 1
    if have != want:
        bad += 1
        print("# screen '%s' differs from the program's" % m.group(1))
    out.extend(want)
    out.extend([""] * (i - end))

if write:
    open(rst_path, "w").write("\n".join(out))
print("# %d screens of %s %s" % (checked, rst_path.split("/")[-1],
                                 "written" if write else "checked"))
sys.exit(1 if (bad and not write) or checked < 8 else 0)
