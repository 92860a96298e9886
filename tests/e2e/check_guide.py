#!/usr/bin/env python3
"""Keeps docs/writing-plugins.md true to its example (tests/e2e/sdk.sh).

  check_guide.py GUIDE EXAMPLE_DIR          check the code blocks
  check_guide.py GUIDE --command WORD       print the shell line of the
                                            guide that starts with WORD

Every ```c block must be pieces of the example's C files: its lines, but
those that are only "...", appear in one file in the same order (leading
space aside). Every ```cmake block's lines appear in the example's
CMakeLists.txt in order, and the ```json block is its pipeline.json.
"""
import json
import os
import re
import sys


def blocks(guide, lang):
    text = open(guide, encoding="utf-8").read()
    return re.findall(r"^```" + lang + r"\n(.*?)^```", text, re.M | re.S)


def in_order(lines, target_lines):
    at = 0
    for line in lines:
        while at < len(target_lines) and target_lines[at] != line:
            at += 1
        if at == len(target_lines):
            return line
        at += 1
    return None


def stripped(text):
    return [l.strip() for l in text.splitlines() if l.strip()]


def main(argv):
    guide = argv[1]
    if argv[2] == "--command":
        for block in blocks(guide, "sh"):
            for line in block.splitlines():
                if line.startswith(argv[3] + " "):
                    print(line)
                    return 0
        print(f"no '{argv[3]}' command in {guide}", file=sys.stderr)
        return 1
    example = argv[2]
    sources = {f: stripped(open(os.path.join(example, f), encoding="utf-8").read())
               for f in os.listdir(example) if f.endswith(".c")}
    bad = 0
    for i, block in enumerate(blocks(guide, "c")):
        lines = [l for l in stripped(block) if l != "..."]
        misses = {f: in_order(lines, src) for f, src in sources.items()}
        if all(misses.values()):
            print(f"{guide}: C block {i + 1} is not a piece of the example "
                  f"(first line not found in order: {min(misses.values(), key=len)!r})",
                  file=sys.stderr)
            bad += 1
    cmake = stripped(open(os.path.join(example, "CMakeLists.txt")).read())
    for i, block in enumerate(blocks(guide, "cmake")):
        miss = in_order(stripped(block), cmake)
        if miss:
            print(f"{guide}: CMake block {i + 1}: {miss!r} is not in the "
                  "example's CMakeLists.txt (in that order)", file=sys.stderr)
            bad += 1
    pipeline = json.load(open(os.path.join(example, "pipeline.json")))
    for block in blocks(guide, "json"):
        if json.loads(block) != pipeline:
            print(f"{guide}: the pipeline is not the example's pipeline.json",
                  file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
