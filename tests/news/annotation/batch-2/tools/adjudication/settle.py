#!/usr/bin/env python3
"""Classify every A-B disagreement by how the gold settled it (took A / took B / neither),
and list the changes made although A and B agreed."""
import json, os, re, sys
from collections import Counter, defaultdict
sys.path.insert(0, os.path.dirname(__file__))
from diff import LAYERS, ATTR, match

def key(s, layer):
    return (s["start"], s["end"]) + tuple(s.get(k) for k in ATTR[layer])

def same(x, y, layer):
    return x is not None and y is not None and key(x, layer) == key(y, layer)

def find_g(G, it, layer):
    if layer == "entities":
        c = [g for g in G if g["start"] == it["start"] and g["end"] == it["end"]]
    else:
        c = [g for g in G if min(g["end"], it["end"]) > max(g["start"], it["start"])]
    return c

def main():
    ids = sorted(m.group(1) for n in os.listdir("/work/news2/gold") if (m := re.fullmatch(r"(\d+)\.json", n)))
    res = defaultdict(Counter); agreed_changed = defaultdict(list); details = defaultdict(list)
    for d in ids:
        A = json.load(open(f"/work/news2/ann-A/{d}.json")); B = json.load(open(f"/work/news2/ann-B/{d}.json"))
        Gd = json.load(open(f"/work/news2/gold/{d}.json"))
        if A.get("dct") != B.get("dct"):
            res["dct"]["A" if Gd.get("dct") == A.get("dct") else "B" if Gd.get("dct") == B.get("dct") else "neither"] += 1
        elif Gd.get("dct") != A.get("dct"):
            agreed_changed["dct"].append((d, A.get("dct"), Gd.get("dct")))
        for layer in LAYERS:
            la, lb, G = A.get(layer, []), B.get(layer, []), Gd.get(layer, [])
            pairs, ua, ub = match(la, lb, layer == "entities")
            used = set()
            for i, j in pairs:
                a, b = la[i], lb[j]
                cands = find_g(G, a, layer) + find_g(G, b, layer)
                for c in cands: used.add(id(c))
                if same(a, b, layer):
                    if not any(same(a, c, layer) for c in cands):
                        agreed_changed[layer].append((d, a["text"][:60], [ {k: c.get(k) for k in ("text",) + tuple(ATTR[layer])} for c in cands][:1] or "dropped"))
                    continue
                if any(same(a, c, layer) for c in cands): r = "A"
                elif any(same(b, c, layer) for c in cands): r = "B"
                else: r = "neither"
                res[layer][r] += 1; details[layer].append((d, r, a["text"][:50]))
            for i in ua:
                a = la[i]; cands = find_g(G, a, layer)
                for c in cands: used.add(id(c))
                r = "A" if any(same(a, c, layer) for c in cands) else ("B" if not cands or any(same(x, c, layer) for c in cands for x in lb) else "neither")
                res[layer][r] += 1; details[layer].append((d, r, "onlyA " + a["text"][:50]))
            for j in ub:
                b = lb[j]; cands = find_g(G, b, layer)
                for c in cands: used.add(id(c))
                r = "B" if any(same(b, c, layer) for c in cands) else ("A" if not cands or any(same(x, c, layer) for c in cands for x in la) else "neither")
                res[layer][r] += 1; details[layer].append((d, r, "onlyB " + b["text"][:50]))
            for c in G:
                if id(c) not in used and not find_g(la, c, layer) and not find_g(lb, c, layer):
                    agreed_changed[layer].append((d, "ADDED " + c["text"][:60], {k: c.get(k) for k in ATTR[layer]}))
    tot = Counter()
    print("| layer | disagreements | gold took A | gold took B | neither | changed although A and B agreed |")
    print("|---|---:|---:|---:|---:|---:|")
    for layer in ["dct"] + LAYERS:
        c = res[layer]; n = sum(c.values())
        print(f"| {layer} | {n} | {c['A']} | {c['B']} | {c['neither']} | {len(agreed_changed[layer])} |")
        tot.update(c); tot["agreed"] += len(agreed_changed[layer])
    print(f"| **total** | **{tot['A']+tot['B']+tot['neither']}** | {tot['A']} | {tot['B']} | {tot['neither']} | {tot['agreed']} |")
    if "-v" in sys.argv:
        for layer in ["dct"] + LAYERS:
            for x in agreed_changed[layer]: print("AGREED-CHANGED", layer, x)
        for layer in LAYERS:
            for x in details[layer]:
                if x[1] == "neither": print("NEITHER", layer, x)

if __name__ == "__main__":
    main()
