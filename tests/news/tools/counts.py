#!/usr/bin/env python3
"""Counts the news evaluation set from its gold files (the README's table).

usage: counts.py [NEWS_DIR]     (default: the folder above this script)

Prints a Markdown table: documents, relevant sentences per mediation target
(with polarity counts), quotes, entity mentions and temporal expressions,
for dev and test, split by batch (the id's first digit: 1 = ids 101-159,
2 = ids 201-293, 3 = 301-346 and 5 = 501-545 all in test, 4 = 401-450
all in dev; 6-8 in dev and 9 in test, stance layers and quotes only).
A batch whose gold has no entities or dates layer shows "-" there (not
annotated), and the totals count only the documents that have them.
"""
import json
import os
import sys

LAYERS = ("mediation", "mediation_us", "mediation_eu")


def count(folder, batch):
    c = {"documents": 0, "entities": 0, "dates": 0, "quotes": 0, "dct null": 0,
         "entities docs": 0, "dates docs": 0}
    for layer in LAYERS:
        for p in ("all", "positive", "negative", "neutral"):
            c[layer + " " + p] = 0
    gold = os.path.join(folder, "gold")
    for name in sorted(os.listdir(gold)):
        if not name.endswith(".json"):
            continue
        if batch is not None and int(name[0]) != batch:
            continue
        with open(os.path.join(gold, name), encoding="utf-8") as f:
            d = json.load(f)
        c["documents"] += 1
        c["dct null"] += d.get("dct") is None
        for k in ("entities", "dates", "quotes"):
            c[k] += len(d.get(k, []))
        for k in ("entities", "dates"):
            c[k + " docs"] += k in d
        for layer in LAYERS:
            for s in d.get(layer, []):
                c[layer + " all"] += 1
                c[layer + " " + s["polarity"]] += 1
    return c


def main():
    news = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    cols = []
    for half in ("dev", "test"):
        gold = os.path.join(news, half, "gold")
        present = sorted({int(n[0]) for n in os.listdir(gold) if n.endswith(".json")})
        for batch in present + [None]:
            name = half + (" all" if batch is None else " b%d" % batch)
            cols.append((name, count(os.path.join(news, half), batch)))
    tot = {k: sum(c[k] for n, c in cols if n.endswith("all")) for k in cols[0][1]}
    cols.append(("all", tot))
    rows = [("documents", "documents"), ("month-only (dct null)", "dct null")]
    for layer in LAYERS:
        rows.append(("relevant sentences, `%s`" % layer, layer + " all"))
        rows.append(("&nbsp;&nbsp;positive / negative / neutral", layer))
    rows += [("quotes", "quotes"), ("entity mentions", "entities"),
             ("temporal expressions", "dates")]
    print("| | " + " | ".join(n for n, _ in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for label, key in rows:
        if key in LAYERS:
            cells = ["%d / %d / %d" % (c[key + " positive"], c[key + " negative"],
                                       c[key + " neutral"]) for _, c in cols]
        elif key in ("entities", "dates"):
            cells = ["%d" % c[key] if c[key + " docs"] else "-"
                     for _, c in cols]
        else:
            cells = ["%d" % c[key] for _, c in cols]
        print("| %s | %s |" % (label, " | ".join(cells)))


if __name__ == "__main__":
    main()
