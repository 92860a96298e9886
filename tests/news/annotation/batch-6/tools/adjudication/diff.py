#!/usr/bin/env python3
"""A-vs-B comparison of batch 6, list by list, on the resolved files.

usage: diff.py [--count] [--gold DIR] [NNN ...]     (default: 601-641)

Spans are paired on identical offsets first, then on overlap (greedy, in
document order). One disagreement unit is
  - a span only one pass has, or
  - a paired span with a different extent, or
  - a paired span with a different value in one compared field
    (mediation: polarity+score count as one field "score", holder;
     quotes: kind, speaker, speaker_text).
With --gold DIR each unit is also classified by where the gold (DIR/NNN.json)
went: A, B or neither; and gold spans that differ from a span A and B agreed
on are listed as "changed although agreed".
"""
import json
import sys

BASE = "/work/news6"
LAYERS = ["mediation", "mediation_us", "mediation_eu", "quotes"]
FIELDS = {
    "mediation": [("score", ("polarity", "score")), ("holder", ("holder",))],
    "quotes": [("kind", ("kind",)), ("speaker", ("speaker",)),
               ("speaker_text", ("speaker_text",))],
}
FIELDS["mediation_us"] = FIELDS["mediation_eu"] = FIELDS["mediation"]


def load(d, doc):
    return json.load(open(f"{d}/{doc}.json", encoding="utf-8"))


def pair(xs, ys):
    """Return list of (x or None, y or None) pairs."""
    used_y = set()
    pairs = {}
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            if j not in used_y and x["start"] == y["start"] and x["end"] == y["end"]:
                pairs[i] = j
                used_y.add(j)
                break
    for i, x in enumerate(xs):
        if i in pairs:
            continue
        for j, y in enumerate(ys):
            if j in used_y:
                continue
            if x["start"] < y["end"] and y["start"] < x["end"]:
                pairs[i] = j
                used_y.add(j)
                break
    out = []
    for i, x in enumerate(xs):
        out.append((x, ys[pairs[i]] if i in pairs else None))
    for j, y in enumerate(ys):
        if j not in used_y:
            out.append((None, y))
    out.sort(key=lambda p: (p[0] or p[1])["start"])
    return out


def val(s, keys):
    return tuple(s.get(k) for k in keys)


def units(layer, a_spans, b_spans):
    """Yield (kind, a, b, field) units."""
    for a, b in pair(a_spans, b_spans):
        if a is None:
            yield ("B-only", a, b, None)
            continue
        if b is None:
            yield ("A-only", a, b, None)
            continue
        if (a["start"], a["end"]) != (b["start"], b["end"]):
            yield ("extent", a, b, "extent")
        for name, keys in FIELDS[layer]:
            if val(a, keys) != val(b, keys):
                yield ("field", a, b, name)


def find_match(span, spans):
    for s in spans:
        if s["start"] == span["start"] and s["end"] == span["end"]:
            return s
    return None


def overlap(span, spans):
    for s in spans:
        if span["start"] < s["end"] and s["start"] < span["end"]:
            return s
    return None


def classify(layer, kind, a, b, field, gold):
    """Return 'A', 'B' or 'neither'."""
    keys = dict(FIELDS[layer]).get(field) if field not in (None, "extent") else None
    if kind == "A-only":
        g = find_match(a, gold)
        if g is None:
            return "B" if overlap(a, gold) is None else "neither"
        return "A"
    if kind == "B-only":
        g = find_match(b, gold)
        if g is None:
            return "A" if overlap(b, gold) is None else "neither"
        return "B"
    if kind == "extent":
        if find_match(a, gold):
            return "A"
        if find_match(b, gold):
            return "B"
        return "neither"
    # field difference: look at the gold span overlapping either
    g = find_match(a, gold) or find_match(b, gold) or overlap(a, gold)
    if g is None:
        return "neither(dropped)"
    if val(g, keys) == val(a, keys):
        return "A"
    if val(g, keys) == val(b, keys):
        return "B"
    return "neither"


def short(s, layer):
    if s is None:
        return "-"
    if layer == "quotes":
        extra = f"{s['kind']} {s['speaker']!r} st={s.get('speaker_text')!r}"
    else:
        extra = f"{s['polarity']} {s['score']:+.1f} {s['holder']!r}"
    return f"[{s['start']}-{s['end']}] {extra} :: {s['text'][:110]!r}"


def main():
    args = sys.argv[1:]
    count = "--count" in args
    args = [a for a in args if a != "--count"]
    gold_dir = None
    if "--gold" in args:
        i = args.index("--gold")
        gold_dir = args[i + 1]
        del args[i:i + 2]
    docs = args or [str(n) for n in range(601, 642)]
    totals = {l: {"units": 0, "A": 0, "B": 0, "neither": 0, "changed": 0}
              for l in LAYERS}
    for doc in docs:
        A = load(f"{BASE}/pass-a", doc)
        B = load(f"{BASE}/pass-b", doc)
        G = load(gold_dir, doc) if gold_dir else None
        lines = []
        if A.get("dct") != B.get("dct"):
            lines.append(f"  dct: A={A.get('dct')} B={B.get('dct')}")
        for layer in LAYERS:
            a_sp, b_sp = A.get(layer, []), B.get(layer, [])
            for kind, a, b, field in units(layer, a_sp, b_sp):
                totals[layer]["units"] += 1
                tag = ""
                if G is not None:
                    c = classify(layer, kind, a, b, field, G.get(layer, []))
                    totals[layer][c.split("(")[0]] = totals[layer].get(c.split("(")[0], 0) + 1
                    tag = f" -> {c}"
                lines.append(f"  {layer} {kind}{'/' + field if field and kind == 'field' else ''}{tag}")
                lines.append(f"      A {short(a, layer)}")
                lines.append(f"      B {short(b, layer)}")
            if G is not None:
                # gold spans differing from a span both passes agreed on
                for a, b in pair(a_sp, b_sp):
                    if a is None or b is None:
                        continue
                    if list(units(layer, [a], [b])):
                        continue
                    g = find_match(a, G.get(layer, []))
                    same = g is not None and all(
                        val(g, keys) == val(a, keys) for _, keys in FIELDS[layer])
                    if not same:
                        totals[layer]["changed"] += 1
                        lines.append(f"  {layer} CHANGED although agreed")
                        lines.append(f"      A=B {short(a, layer)}")
                        lines.append(f"      G   {short(g, layer)}")
                for g in G.get(layer, []):
                    if overlap(g, a_sp) is None and overlap(g, b_sp) is None:
                        totals[layer]["changed"] += 1
                        lines.append(f"  {layer} ADDED (neither pass)")
                        lines.append(f"      G   {short(g, layer)}")
        if not count:
            print(f"=== {doc}: {sum(1 for l in lines if l.startswith('  ') and not l.startswith('      '))} units")
            print("\n".join(lines))
    print("\n| layer | units | to A | to B | neither | changed although agreed |")
    for layer in LAYERS:
        t = totals[layer]
        print(f"| {layer} | {t['units']} | {t['A']} | {t['B']} | {t['neither']} | {t['changed']} |")


if __name__ == "__main__":
    main()
