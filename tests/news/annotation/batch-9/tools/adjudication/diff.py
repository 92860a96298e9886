#!/usr/bin/env python3
"""A-vs-B comparison for batch 9 (mediation, mediation_us, mediation_eu, quotes).

usage: diff.py [--count] [NNN ...]      (default: all documents 901-943)

Works on the resolved files pass-a/NNN.json and pass-b/NNN.json (code-point
offsets; both passes' .ann.json re-resolve to exactly these files). Spans of
one layer are matched one-to-one by overlap (greedy by overlap size), as
agreement.py pairs them. One disagreement unit is a span only one pass has,
or a matched pair that differs in any of: extent, polarity, score, holder
(mediation layers) or kind, speaker, speaker_text (quotes). A matched pair
counts once however many of its fields differ; the fields are listed.
With --count only the per-layer totals are printed. dct, entities and dates
are compared too (entities and dates are empty by design in this batch).
"""
import json
import sys

BASE = "/work/news9"
LAYERS = ("mediation", "mediation_us", "mediation_eu", "quotes")
MED_FIELDS = ("polarity", "score", "holder")
Q_FIELDS = ("kind", "speaker", "speaker_text")
DOCS = [str(n) for n in range(901, 944)]


def load(p, d):
    return json.load(open(f"{BASE}/{p}/{d}.json", encoding="utf-8"))


def overlap(a, b):
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def match(la, lb):
    pairs = []
    for i, a in enumerate(la):
        for j, b in enumerate(lb):
            o = overlap(a, b)
            if o > 0:
                pairs.append((o, -i, -j))
    pairs.sort(reverse=True)
    ua, ub, out = set(), set(), []
    for o, i, j in pairs:
        i, j = -i, -j
        if i in ua or j in ub:
            continue
        ua.add(i)
        ub.add(j)
        out.append((i, j))
    return out, [i for i in range(len(la)) if i not in ua], \
        [j for j in range(len(lb)) if j not in ub]


def units(d, layer, a, b):
    la, lb = a.get(layer, []), b.get(layer, [])
    fields = Q_FIELDS if layer == "quotes" else MED_FIELDS
    pairs, only_a, only_b = match(la, lb)
    out = []
    for i, j in pairs:
        x, y = la[i], lb[j]
        diff = []
        if (x["start"], x["end"]) != (y["start"], y["end"]):
            diff.append("extent")
        for f in fields:
            if x.get(f) != y.get(f):
                diff.append(f)
        if diff:
            out.append(("pair", x, y, diff))
    for i in only_a:
        out.append(("A-only", la[i], None, []))
    for j in only_b:
        out.append(("B-only", None, lb[j], []))
    out.sort(key=lambda u: (u[1] or u[2])["start"])
    return out


def show(s, layer):
    if s is None:
        return "-"
    if layer == "quotes":
        extra = f"{s['kind']} {s.get('speaker')!r} ({s.get('speaker_text')!r})"
    else:
        extra = f"{s['polarity']} {s['score']:+.1f} {s['holder']!r}"
    return f"{s['start']}-{s['end']} {extra}: {s['text']!r}"


def main():
    args = sys.argv[1:]
    count = "--count" in args
    docs = [x for x in args if x != "--count"] or DOCS
    totals = {l: 0 for l in LAYERS}
    clean = []
    for d in docs:
        a, b = load("pass-a", d), load("pass-b", d)
        assert a["dct"] == b["dct"], d
        assert not (a["entities"] or a["dates"] or b["entities"] or b["dates"]), d
        n_units = 0
        if not count:
            print(f"=== {d}  dct {a.get('dct')}")
        for layer in LAYERS:
            us = units(d, layer, a, b)
            totals[layer] += len(us)
            n_units += len(us)
            if count:
                continue
            n_a, n_b = len(a.get(layer, [])), len(b.get(layer, []))
            if not us:
                print(f"  {layer}: same ({n_a})")
                continue
            print(f"  {layer}: A{n_a} B{n_b}, {len(us)} unit(s)")
            for kind, x, y, diff in us:
                if kind == "pair":
                    print(f"    ~ [{','.join(diff)}]")
                    print(f"      A {show(x, layer)}")
                    print(f"      B {show(y, layer)}")
                else:
                    print(f"    {kind}: {show(x or y, layer)}")
        if not n_units:
            clean.append(d)
    if count:
        print(json.dumps(totals))
        print("total", sum(totals.values()))
        print("documents without any disagreement:", " ".join(clean))


if __name__ == "__main__":
    main()
