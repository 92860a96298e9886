#!/usr/bin/env python3
"""Sorts every A-vs-B disagreement unit (diff.py) by where the gold went.

usage: settle.py [--list] [--json FILE]

A unit goes to A when the gold holds A's version exactly (same offsets and
fields; for a B-only span: the gold has no span overlapping it), to B
likewise, otherwise to "neither". It also lists gold spans that differ from
a span on which A and B agreed (identical in both) and gold spans that are
in neither pass exactly.
"""
import json
import sys

sys.path.insert(0, "/work/news9/tools/adjudication")
from diff import DOCS, LAYERS, MED_FIELDS, Q_FIELDS, load, overlap, units  # noqa: E402


def ident(s, layer):
    f = Q_FIELDS if layer == "quotes" else MED_FIELDS
    return (s["start"], s["end"]) + tuple(s.get(x) for x in f)


def main():
    show = "--list" in sys.argv
    table = {l: {"A": 0, "B": 0, "neither": 0} for l in LAYERS}
    rows, notes = [], []
    for d in DOCS:
        a, b, g = load("pass-a", d), load("pass-b", d), load("gold", d)
        assert g["dct"] == a["dct"] and g["entities"] == [] and g["dates"] == []
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
                s = x or y
                rows.append((d, layer, kind, ",".join(diff), who, s["start"], s["end"], s["text"][:60]))
            aset = {ident(s, layer) for s in a[layer]}
            bset = {ident(s, layer) for s in b[layer]}
            for k in aset & bset:
                if k not in gset:
                    notes.append((d, layer, "agreed span changed/dropped", k))
            for k in gset - aset - bset:
                notes.append((d, layer, "gold span in neither pass", k))
    if show:
        for r in rows:
            print(f"{r[0]} {r[1]:12} {r[2]:6} {r[3]:28} -> {r[4]:7} {r[5]}-{r[6]} {r[7]!r}")
    print("| layer | disagreements | to A | to B | neither |")
    print("|---|---:|---:|---:|---:|")
    tot = {"A": 0, "B": 0, "neither": 0}
    for l in LAYERS:
        t = table[l]
        for k in tot:
            tot[k] += t[k]
        print(f"| {l} | {sum(t.values())} | {t['A']} | {t['B']} | {t['neither']} |")
    print(f"| total | {sum(tot.values())} | {tot['A']} | {tot['B']} | {tot['neither']} |")
    for row in notes:
        print(*row)
    if "--json" in sys.argv:
        json.dump({"table": table, "units": rows, "notes": [list(map(str, n)) for n in notes]},
                  open(sys.argv[sys.argv.index("--json") + 1], "w"), indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
