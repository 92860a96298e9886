#!/usr/bin/env python3
"""A-vs-B comparison of batch 7, list by list (mediation, mediation_us,
mediation_eu, quotes; entities and dates are empty in this batch but are
compared too).

usage: diff.py [--count] [--gold DIR] [NNN ...]

Works on the resolved files (pass-a/NNN.json, pass-b/NNN.json). Spans of
the same list are paired when they overlap (one-to-one, greedy by overlap
size, as tests/news/tools/agreement.py does). One disagreement unit is a
span only one pass has, or a paired span with any difference (extent,
polarity/score/holder, kind/speaker/speaker_text). A paired span that
differs in several fields is one unit, listed with all its differences.

With --gold DIR each unit is also classified: to A (the gold span equals
A's, or the unit is a B-only span the gold does not have), to B
(symmetrically), or neither. It also lists gold spans that differ from a
span on which A and B agreed (changes to agreed material).
"""
import json
import sys

ROOT = "/work/news7"
LAYERS = ["entities", "dates", "mediation", "mediation_us", "mediation_eu",
          "quotes"]
FIELDS = {
    "entities": ["label", "canonical", "refers_to"],
    "dates": ["label", "value", "anchor"],
    "mediation": ["polarity", "score", "holder"],
    "mediation_us": ["polarity", "score", "holder"],
    "mediation_eu": ["polarity", "score", "holder"],
    "quotes": ["kind", "speaker", "speaker_text"],
}


def load(d, i):
    with open(f"{d}/{i}.json", encoding="utf-8") as f:
        return json.load(f)


def ov(a, b):
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def pair(xs, ys):
    cand = []
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            o = ov(x, y)
            if o > 0:
                cand.append((-o, i, j))
    cand.sort()
    ux, uy, pairs = set(), set(), []
    for _, i, j in cand:
        if i in ux or j in uy:
            continue
        ux.add(i)
        uy.add(j)
        pairs.append((i, j))
    return pairs, [i for i in range(len(xs)) if i not in ux], \
        [j for j in range(len(ys)) if j not in uy]


def key(layer, s):
    return (s["start"], s["end"]) + tuple(
        json.dumps(s.get(f), ensure_ascii=False) for f in FIELDS[layer])


def diffs(layer, x, y):
    out = []
    if (x["start"], x["end"]) != (y["start"], y["end"]):
        out.append("extent")
    for f in FIELDS[layer]:
        if x.get(f) != y.get(f):
            out.append(f)
    return out


def short(s, layer, n=110):
    t = s["text"].replace("\n", "\\n")
    if len(t) > n:
        t = t[:n // 2] + " … " + t[-n // 2:]
    extra = " ".join(f"{f}={s.get(f)!r}" for f in FIELDS[layer])
    return f"[{s['start']}-{s['end']}] {extra} | {t}"


def units(i, layer, A, B):
    xs, ys = A.get(layer, []), B.get(layer, [])
    pairs, ao, bo = pair(xs, ys)
    out = []
    for a, b in pairs:
        d = diffs(layer, xs[a], ys[b])
        if d:
            out.append(("pair", xs[a], ys[b], d))
    for a in ao:
        out.append(("A-only", xs[a], None, []))
    for b in bo:
        out.append(("B-only", None, ys[b], []))
    agreed = [xs[a] for a, b in pairs if not diffs(layer, xs[a], ys[b])]
    return sorted(out, key=lambda u: (u[1] or u[2])["start"]), agreed


def classify(layer, u, G):
    kind, a, b, _ = u
    gs = G.get(layer, [])
    keys = {key(layer, g) for g in gs}

    def present(s):
        return key(layer, s) in keys

    def overlapped(s):
        return any(ov(s, g) > 0 for g in gs)
    if kind == "pair":
        if present(a):
            return "A"
        if present(b):
            return "B"
        return "neither"
    if kind == "A-only":
        if present(a):
            return "A"
        if not overlapped(a):
            return "B"
        return "neither"
    if present(b):
        return "B"
    if not overlapped(b):
        return "A"
    return "neither"


def main():
    args = sys.argv[1:]
    count = "--count" in args
    args = [x for x in args if x != "--count"]
    gold = None
    if "--gold" in args:
        k = args.index("--gold")
        gold = args[k + 1]
        del args[k:k + 2]
    ids = args or [str(i) for i in range(701, 745)]
    tot = {l: {"units": 0, "A": 0, "B": 0, "neither": 0, "changed": 0}
           for l in LAYERS}
    for i in ids:
        A, B = load(f"{ROOT}/pass-a", i), load(f"{ROOT}/pass-b", i)
        G = load(gold, i) if gold else None
        if not count:
            print(f"=== {i}  dct A={A.get('dct')} B={B.get('dct')}"
                  + (f" G={G.get('dct')}" if G else ""))
        for layer in LAYERS:
            us, agreed = units(i, layer, A, B)
            tot[layer]["units"] += len(us)
            changed = []
            if G is not None:
                gk = {key(layer, g) for g in G.get(layer, [])}
                changed = [s for s in agreed if key(layer, s) not in gk]
                tot[layer]["changed"] += len(changed)
            if count:
                for u in us:
                    if G is not None:
                        tot[layer][classify(layer, u, G)] += 1
                continue
            na, nb = len(A.get(layer, [])), len(B.get(layer, []))
            if not us and not changed:
                if na or nb:
                    print(f"  {layer}: agree ({na})")
                continue
            print(f"  {layer}: A{na} B{nb}, {len(us)} unit(s)")
            for u in us:
                kind, a, b, d = u
                tag = f" -> {classify(layer, u, G)}" if G is not None else ""
                if kind == "pair":
                    print(f"    DIFF {','.join(d)}{tag}")
                    print(f"      A {short(a, layer)}")
                    print(f"      B {short(b, layer)}")
                else:
                    print(f"    {kind}{tag}")
                    print(f"      {short(a or b, layer)}")
            for s in changed:
                print(f"    CHANGED-AGREED {short(s, layer)}")
    if count:
        print("layer | units | to A | to B | neither | changed agreed")
        for l in LAYERS:
            t = tot[l]
            print(f"{l} | {t['units']} | {t['A']} | {t['B']} | "
                  f"{t['neither']} | {t['changed']}")


if __name__ == "__main__":
    main()
