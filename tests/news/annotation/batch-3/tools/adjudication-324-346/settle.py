#!/usr/bin/env python3
"""For every A-B disagreement unit (diff.py), says whether the gold took A's or B's version or neither;
then lists gold spans that differ from what A and B agreed on."""
import json, sys
sys.path.insert(0, '/work/news3/tools/adjudication-324-346')
from diff import diff, LAYERS, FIELDS, load
R = '/work/news3'
def key(s, l):
    return (s['start'], s['end']) + tuple(s.get(f) for f in FIELDS[l])
tot = {l: {'A': 0, 'B': 0, 'neither': 0} for l in LAYERS}
for d in map(str, range(324, 347)):
    G = load('gold', d)
    for l in LAYERS:
        gk = {key(s, l) for s in G[l]}
        for k, a, b in diff(d, l):
            ina = a is None or key(a, l) in gk   # A's version present (or A had nothing)
            inb = b is None or key(b, l) in gk
            if a is None: ina = key(b, l) not in gk   # B-only: gold took A if it dropped B's span
            if b is None: inb = key(a, l) not in gk
            who = 'A' if ina and not inb else 'B' if inb and not ina else 'neither'
            tot[l][who] += 1
            print(d, l, k, '->', who)
        # agreed changes: spans both had identically but gold lacks, or gold spans neither had
        A = {key(s, l) for s in load('pass-a', d)[l]}; B = {key(s, l) for s in load('pass-b', d)[l]}
        for x in (A & B) - gk: print(d, l, 'AGREED SPAN CHANGED/DROPPED', x[:2])
        for x in gk - A - B: print(d, l, 'NEW IN GOLD (neither)', x)
print(json.dumps(tot))
