#!/usr/bin/env python3
"""Lists where a run's mediation spans differ from the gold.

    mediation_diff.py [--texts DIR] GOLD_DIR RUN.jsonl [LAYER] [KINDS]

GOLD_DIR holds <id>.json gold files (the guidelines' format) with the texts
<id>.txt in its parent directory (or in DIR); RUN.jsonl is a `glossa run` output (or
mediation_devrun's). LAYER defaults to "mediation". KINDS is a comma list of
fn (gold span not found), fp (predicted span not in the gold), pol (polarity
differs), hold (holder differs) and doc (document label differs); all by
default. Spans match when they overlap, as the evaluator's relaxed match
does. A count of each kind goes to stderr.

For development on the dev half only: never run it on held-out data.
"""
import collections
import json
import os
import sys


def main(argv):
    texts = None
    if len(argv) > 2 and argv[1] == "--texts":
        texts = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        sys.exit(__doc__)
    gold_dir, run = argv[1], argv[2]
    if texts is None:
        texts = os.path.join(gold_dir, "..")
    layer = argv[3] if len(argv) > 3 else "mediation"
    kinds = set(argv[4].split(",")) if len(argv) > 4 else {
        "fn", "fp", "pol", "hold", "doc"}
    count = collections.Counter()
    for line in open(run, encoding="utf-8"):
        rec = json.loads(line)
        doc_id = rec["id"]
        gold = json.load(open(os.path.join(gold_dir, doc_id + ".json"),
                              encoding="utf-8"))
        text = open(os.path.join(texts, doc_id + ".txt"),
                    encoding="utf-8").read()
        gspans = gold.get(layer, [])
        pspans = rec["annotations"].get(layer, [])
        used = set()

        def show(kind, msg):
            count[kind] += 1
            if kind in kinds:
                print(f"{kind.upper():4s} {doc_id} {msg}")

        for g in gspans:
            match = [p for p in pspans
                     if p["start"] < g["end"] and g["start"] < p["end"]]
            if not match:
                show("fn", f"[{g['polarity']} {g['score']:+.1f} "
                     f"{g['holder']}] {g['text']!r}")
                continue
            p = match[0]
            used.add(id(p))
            if p["polarity"] != g["polarity"]:
                show("pol", f"gold {g['polarity']} {g['score']:+.1f}, run "
                     f"{p['polarity']} {p['score']:+.1f} "
                     f"(holder {g['holder']}/{p['holder']}) {g['text']!r}")
            if p["holder"] != g["holder"]:
                show("hold", f"gold {g['holder']}, run {p['holder']} "
                     f"({g['polarity']}) {g['text']!r}")
        for p in pspans:
            if id(p) not in used:
                show("fp", f"[{p['polarity']} {p['holder']}] "
                     f"{text[p['start']:p['end']]!r}")
        glabel = gold.get(layer + "_document", {}).get("label")
        plabel = (rec.get("document") or {}).get(layer, {}).get("label")
        if glabel != plabel:
            show("doc", f"gold {glabel}, run {plabel}")
    print(dict(count), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
