#!/usr/bin/env python3
"""Sorts every A-vs-B disagreement unit (diff.py) by where the gold went.

usage: settle.py [--list]

A unit goes to A when the gold holds A's version exactly (same offsets and
fields; for a B-only span: the gold has no span overlapping it), to B
likewise, otherwise to "neither". It also lists gold spans that differ from
a span on which A and B agreed (identical in both), and gold spans that are
in neither pass.
"""
import json
import sys

sys.path.insert(0, "/work/news8/tools/adjudication")
from diff import LAYERS, MED_FIELDS, Q_FIELDS, load, overlap, units  # noqa: E402


def ident(s, layer):
    f = Q_FIELDS if layer == "quotes" else MED_FIELDS
    return (s["start"], s["end"]) + tuple(s.get(x) for x in f)


def main():
    show = "--list" in sys.argv
    table = {l: {"A": 0, "B": 0, "neither": 0} for l in LAYERS}
    agreed_changed = []
    for n in range(801, 843):
        d = str(n)
        a, b, g = load("pass-a", d), load("pass-b", d), load("gold", d)
        for layer in LAYERS:
            gset = {ident(s, layer) for s in g[layer]}
            for kind, x, y, diff in units(d, layer, a, b):
                def holds(s):
                    return ident(s, layer) in gset

                def absent(s):
                    return not any(overlap(s, t) > 0 for t in g[layer])
                if kind == "pair":
                    who = "A" if holds(x) else "B" if holds(y) else "neither"
                elif kind == "A-only":
                    who = "A" if holds(x) else "B" if absent(x) else "neither"
                else:
                    who = "B" if holds(y) else "A" if absent(y) else "neither"
                table[layer][who] += 1
                if show:
                    s = x or y
                    print(f"{d} {layer:12} {kind:6} {','.join(diff):24} -> {who:7} "
                          f"{s['start']}-{s['end']} {s['text'][:60]!r}")
            aset = {ident(s, layer) for s in a[layer]}
            bset = {ident(s, layer) for s in b[layer]}
            for k in aset & bset:
                if k not in gset:
                    agreed_changed.append((d, layer, "agreed span changed/dropped", k))
            for k in gset - aset - bset:
                # a gold span in neither pass exactly (a "neither" decision)
                agreed_changed.append((d, layer, "gold span in neither pass", k))
    print("| layer | disagreements | to A | to B | neither |")
    print("|---|---:|---:|---:|---:|")
    tot = {"A": 0, "B": 0, "neither": 0}
    for l in LAYERS:
        t = table[l]
        for k in tot:
            tot[k] += t[k]
        print(f"| {l} | {sum(t.values())} | {t['A']} | {t['B']} | {t['neither']} |")
    print(f"| total | {sum(tot.values())} | {tot['A']} | {tot['B']} | {tot['neither']} |")
    for row in agreed_changed:
        print(*row)


if __name__ == "__main__":
    main()
