#!/usr/bin/env python3
"""Checks the include rules of docs/architecture.md, which keep each part in
its room:

  core/         libglossa: system headers, include/glossa/, its own headers;
                never the CLI's or a plugin's
  cli/          the glossa tool, a client of the public API: system headers,
                include/glossa/, its own headers; never core/'s
  plugins/<p>/  each plugin: system headers, include/glossa/, its own
                headers; never core/'s, cli/'s or another plugin's
  bench/, tests/plugins/, docs/examples/: like a plugin author's code

usage: check-includes.py [REPO_ROOT]   exit 1 and one line per violation

tools/include-exceptions.txt lists the includes that break the rules and
are allowed for now, each with the reason; a listed include that is gone
is reported too, so the list only shrinks.
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

# Each area: its root and the roots whose headers it may include besides
# its own. include/glossa/ is open to all (as "glossa/x.h" or <glossa/x.h>).
AREAS = {
    "core": [],
    "cli": [],
    "bench": [],
    "tests/plugins": [],
    "docs/examples": [],
}


def areas_of(root):
    found = dict(AREAS)
    plugins = os.path.join(root, "plugins")
    for name in sorted(os.listdir(plugins)):
        if os.path.isdir(os.path.join(plugins, name)):
            found["plugins/" + name] = []
    return found


def area_of(path, areas):
    best = None
    for a in areas:
        if path == a or path.startswith(a + "/"):
            if best is None or len(a) > len(best):
                best = a
    return best


def tracked_files(root):
    """The files under version control (build trees and benchmark
    worktrees in the checkout are not the project's code)."""
    out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True,
                         text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def headers_under(files, area):
    """The tracked headers of an area, by path within it and by name."""
    names = set()
    for rel in files:
        if rel.startswith(area + "/") and rel.endswith(".h"):
            names.add(rel[len(area) + 1:])
            names.add(os.path.basename(rel))
    return names


def violations(root, rel, area, areas, own, public):
    """The includes of one file that break the rules."""
    path = os.path.join(root, rel)
    with open(path, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    found = []
    for m in INCLUDE.finditer(text):
        kind, name = m.group(1), m.group(2)
        if name in public:
            continue
        local = os.path.relpath(
            os.path.normpath(os.path.join(os.path.dirname(path), name)), root)
        if kind == '"' and (local in own["*files"] or name in own[area]) and \
                (area_of(local, areas) == area or name in own[area]):
            continue
        if kind == "<" and name not in own["core"]:
            continue  # a system or third-party header
        line = text.count("\n", 0, m.start()) + 1
        why = ("a private header of core/" if name in own["core"]
               else "not in include/glossa/ nor this part's own")
        close = ">" if kind == "<" else '"'
        found.append((rel, line, f"{kind}{name}{close}", why))
    return found


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = tracked_files(root)
    areas = areas_of(root)
    own = {a: headers_under(files, a) for a in areas}
    own["*files"] = set(files)
    public = {"glossa/" + f for f in os.listdir(os.path.join(root, "include/glossa"))}
    bad = []
    for rel in files:
        area = area_of(rel, areas)
        if area is not None and rel.endswith((".c", ".h")):
            bad += violations(root, rel, area, areas, own, public)
    allowed = set()
    exceptions = os.path.join(root, "tools", "include-exceptions.txt")
    if os.path.exists(exceptions):
        with open(exceptions) as fh:
            for line in fh:
                line = line.split("#", 1)[0].strip()
                if line:
                    allowed.add(line)
    found = {f"{rel} {header}" for rel, _, header, _ in bad}
    report = [f"{rel}:{line}: #include {header}: {why}"
              for rel, line, header, why in bad
              if f"{rel} {header}" not in allowed]
    for gone in sorted(allowed - found):
        report.append(f"tools/include-exceptions.txt: '{gone}' no longer "
                      "occurs: take it off the list")
    bad = report
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} include(s) break the rules of docs/architecture.md "
              "(tools/check-includes.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
