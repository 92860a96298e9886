#!/usr/bin/env python3
"""Compare two folders of resolved files (A, B) per document and layer.
usage: diff.py DIR_A DIR_B [ids...]  -> prints a per-document list of disagreements
and a count per layer (a unit = a span only one side has, or a matched span with
any differing attribute)."""
import json, sys, os, re
from collections import Counter
LAYERS = ["entities", "dates", "mediation", "mediation_us", "mediation_eu", "quotes"]
ATTR = {"entities": ["label", "canonical", "refers_to"],
        "dates": ["label", "value", "anchor"],
        "mediation": ["polarity", "score", "holder"],
        "mediation_us": ["polarity", "score", "holder"],
        "mediation_eu": ["polarity", "score", "holder"],
        "quotes": ["kind", "speaker"]}

def ov(a, b):
    return min(a["end"], b["end"]) - max(a["start"], b["start"])

def match(la, lb, exact):
    pairs, ua, ub = [], list(range(len(la))), list(range(len(lb)))
    if exact:
        for i in list(ua):
            for j in ub:
                if la[i]["start"] == lb[j]["start"] and la[i]["end"] == lb[j]["end"]:
                    pairs.append((i, j)); ua.remove(i); ub.remove(j); break
        return pairs, ua, ub
    cands = sorted(((ov(la[i], lb[j]), i, j) for i in ua for j in ub if ov(la[i], lb[j]) > 0), reverse=True)
    for o, i, j in cands:
        if i in ua and j in ub:
            pairs.append((i, j)); ua.remove(i); ub.remove(j)
    return sorted(pairs), ua, ub

def fmt(s, layer):
    t = s["text"] if len(s["text"]) < 90 else s["text"][:60] + " … " + s["text"][-25:]
    extra = {k: s.get(k) for k in ATTR[layer] if s.get(k) is not None}
    if layer == "quotes" and s.get("speaker_text"): extra["st"] = s["speaker_text"]
    return f"{s['start']}-{s['end']} {t!r} {extra}"

def diff_doc(A, B):
    out, cnt = [], Counter()
    if A.get("dct") != B.get("dct"):
        out.append(f"  dct: A={A.get('dct')} B={B.get('dct')}"); cnt["dct"] += 1
    for layer in LAYERS:
        la, lb = A.get(layer, []), B.get(layer, [])
        pairs, ua, ub = match(la, lb, layer == "entities")
        for i, j in pairs:
            a, b = la[i], lb[j]
            d = [k for k in ATTR[layer] if a.get(k) != b.get(k)]
            if (a["start"], a["end"]) != (b["start"], b["end"]):
                d.insert(0, "extent")
            if d:
                cnt[layer] += 1
                out.append(f"  {layer} DIFF {d}:\n     A {fmt(a, layer)}\n     B {fmt(b, layer)}")
        for i in ua:
            cnt[layer] += 1; out.append(f"  {layer} ONLY-A: {fmt(la[i], layer)}")
        for j in ub:
            cnt[layer] += 1; out.append(f"  {layer} ONLY-B: {fmt(lb[j], layer)}")
    return out, cnt

def main():
    da, db = sys.argv[1], sys.argv[2]
    ids = sys.argv[3:] or sorted(m.group(1) for n in os.listdir(da) if (m := re.fullmatch(r"(\d+)\.json", n)))
    tot = Counter()
    for d in ids:
        A = json.load(open(f"{da}/{d}.json")); B = json.load(open(f"{db}/{d}.json"))
        out, cnt = diff_doc(A, B)
        tot += cnt
        if out:
            print(f"== {d} " + " ".join(f"{k}:{v}" for k, v in cnt.items()))
            print("\n".join(out))
    print("TOTAL", dict(tot), sum(tot.values()))

if __name__ == "__main__":
    main()
