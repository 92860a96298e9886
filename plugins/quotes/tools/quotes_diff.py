#!/usr/bin/env python3
"""Lists the differences between `glossa run` output and gold quotes.

    quotes_diff.py GOLD_DIR OUTPUT.jsonl [ID...]

For each document: gold quotes not found (MISS), predicted quotes no gold
quote overlaps (FALSE), and overlapping pairs whose speaker or kind differ
(SPEAKER, KIND), each with its text. Pairing is greedy by overlap, a
simplification of `glossa eval`'s matching that is close enough to read
errors by. Use it on development data only.
"""
import json
import os
import sys


def overlap(a, b):
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def main():
    gold_dir, out_path = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    counts = {"MISS": 0, "FALSE": 0, "SPEAKER": 0, "KIND": 0}
    with open(out_path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    for rec in records:
        doc = rec["id"]
        if only and doc not in only:
            continue
        path = os.path.join(gold_dir, doc + ".json")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            gold = json.load(f).get("quotes")
        if gold is None:
            continue
        pred = rec.get("annotations", {}).get("quotes", [])
        pairs = sorted(((overlap(g, p), i, j) for i, g in enumerate(gold)
                        for j, p in enumerate(pred) if overlap(g, p) > 0),
                       reverse=True)
        gi, pj, matched = set(), set(), []
        for _, i, j in pairs:
            if i not in gi and j not in pj:
                gi.add(i)
                pj.add(j)
                matched.append((i, j))
        lines = []
        for i, g in enumerate(gold):
            if i not in gi:
                lines.append("  MISS    %r [%s] (%s) %r" % (
                    g.get("speaker"), g["kind"], g.get("speaker_text"),
                    g["text"][:150]))
                counts["MISS"] += 1
        for j, p in enumerate(pred):
            if j not in pj:
                lines.append("  FALSE   %r [%s] (%s; %s) %r" % (
                    p.get("speaker"), p["kind"], p.get("speaker_text"),
                    p.get("cue"), p["text"][:150]))
                counts["FALSE"] += 1
        for i, j in sorted(matched):
            g, p = gold[i], pred[j]
            if g.get("speaker") != p.get("speaker"):
                lines.append("  SPEAKER gold %r (%s) got %r (%s) %r" % (
                    g.get("speaker"), g.get("speaker_text"), p.get("speaker"),
                    p.get("speaker_text"), g["text"][:100]))
                counts["SPEAKER"] += 1
            if g["kind"] != p["kind"]:
                lines.append("  KIND    gold %s got %s %r" % (
                    g["kind"], p["kind"], g["text"][:100]))
                counts["KIND"] += 1
        if lines:
            print(doc)
            print("\n".join(lines))
    print(counts)


if __name__ == "__main__":
    main()
