#!/usr/bin/env python3
"""Reading aid: a text paragraph by paragraph, each followed by the spans of
one resolved file that start in it.

usage: view.py NNN [DIR]      (DIR default /work/news6/pass-a; e.g. gold)
"""
import json
import sys

BASE = "/work/news6"
doc = sys.argv[1]
d = sys.argv[2] if len(sys.argv) > 2 else f"{BASE}/pass-a"
if not d.startswith("/"):
    d = f"{BASE}/{d}"
text = open(f"{BASE}/raw/{doc}.txt", encoding="utf-8").read()
g = json.load(open(f"{d}/{doc}.json", encoding="utf-8"))
spans = []
for layer, tag in (("mediation", "RU"), ("mediation_us", "US"),
                   ("mediation_eu", "EU"), ("quotes", "Q ")):
    for s in g.get(layer, []):
        if layer == "quotes":
            info = f"{s['kind'][:3]} {s['speaker']!r} ({s.get('speaker_text')!r})"
        else:
            info = f"{s['score']:+.1f} {s['holder']!r}"
        spans.append((s["start"], s["end"], tag, info, s["text"]))
spans.sort()
pos = 0
for para in text.split("\n"):
    start, end = pos, pos + len(para)
    pos = end + 1
    if not para.strip():
        continue
    print(f"[{start}] {para}")
    for s, e, tag, info, t in spans:
        if start <= s <= end:
            print(f"     {tag} {s}-{e} {info}: {t!r}")
    print()
print("dct:", g.get("dct"), "| docs:", {k: v["label"] for k, v in g.items()
                                        if k.endswith("_document")})
