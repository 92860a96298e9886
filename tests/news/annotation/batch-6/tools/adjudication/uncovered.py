#!/usr/bin/env python3
"""Reading aid: sentences with a communication verb or source phrase that no
quote span of the given resolved files overlaps.  usage: uncovered.py DIR [NNN ...]"""
import json, re, sys
BASE = "/work/news6"
d = sys.argv[1]
docs = sys.argv[2:] or [str(n) for n in range(601, 642)]
VERB = re.compile(r"\b(said|says|say|told|tell|stated|states|announced|announces|added|adds|noted|notes|stressed|stresses|claimed|claims|argued|warned|urged|urges|called|calls|denied|accused|accuses|insisted|promised|assured|confirmed|confirms|reported|reports|wrote|writes|according to|statement|declared|emphasized|emphasised|highlighted|welcomed|welcomes|hails|praised|condemned|condemns|demanded|demands|expressed|quoted|quotes|mentioned|informed|informs|remarked|pointed|reiterated|asked|proposed|described|criticized|criticizes|tweeted|announcement)\b", re.I)
for doc in docs:
    text = open(f"{BASE}/raw/{doc}.txt", encoding="utf-8").read()
    g = json.load(open(f"{d}/{doc}.json", encoding="utf-8"))
    qs = g["quotes"]
    for m in re.finditer(r"[^\n.!?]*(?:[.!?]+[\"”’']*|\n|$)", text):
        s, e = m.start(), m.end()
        if e - s < 3:
            continue
        if not VERB.search(m.group()):
            continue
        if any(q["start"] < e and s < q["end"] for q in qs):
            continue
        print(f"{doc} [{s}] {m.group().strip()[:200]}")
