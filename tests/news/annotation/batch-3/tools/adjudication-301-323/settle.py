#!/usr/bin/env python3
"""Classify each A-vs-B disagreement (diff.py) by the gold decision: A, B or neither;
and list gold changes to spans where A and B agreed."""
import json, sys
from collections import Counter
sys.path.insert(0, '/work/news3/tools/adjudication-301-323')
from diff import LAYERS, ATTR
BASE = '/work/news3'
def key(l, x):
    return (x['start'], x['end'], x['text']) + tuple(str(x.get(k)) for k in ATTR[l])
def overl(x, y, l):
    if l in ('entities',):
        return (x['start'], x['end']) == (y['start'], y['end'])
    return x['start'] < y['end'] and y['start'] < x['end']
tot = Counter(); rows = []
for d in map(str, range(301, 324)):
    A, B, G = (json.load(open(f'{BASE}/{p}/{d}.json')) for p in ('pass-a', 'pass-b', 'gold'))
    for l in LAYERS:
        ka = {key(l, x) for x in A[l]}; kb = {key(l, x) for x in B[l]}; kg = {key(l, x) for x in G[l]}
        # units: group the symmetric difference of A and B into overlapping clusters
        da = [x for x in A[l] if key(l, x) not in kb]; db = [y for y in B[l] if key(l, y) not in ka]
        used = set()
        for x in da:
            m = next((j for j, y in enumerate(db) if j not in used and overl(x, y, l)), None)
            if m is not None:
                used.add(m); y = db[m]
                # a diff in several attributes of one span counts once per differing attribute
                n = 1  # one unit per matched span, as diff.py counts
                who = 'A' if key(l, x) in kg else 'B' if key(l, y) in kg else 'neither'
            else:
                n = 1; who = 'A' if key(l, x) in kg else ('B' if not any(overl(x, g, l) for g in G[l]) else 'neither')
            tot[(l, who)] += n; rows.append((d, l, who, n, x['text'][:60]))
        for j, y in enumerate(db):
            if j in used: continue
            who = 'B' if key(l, y) in kg else ('A' if not any(overl(y, g, l) for g in G[l]) else 'neither')
            tot[(l, who)] += 1; rows.append((d, l, who, 1, y['text'][:60]))
        agreed = ka & kb
        for k in agreed - kg:
            tot[(l, 'changed-agreed')] += 1; rows.append((d, l, 'changed-agreed', 1, k[2][:60]))
        for k in kg - ka - kb:
            if not any(overl({'start': k[0], 'end': k[1]}, x, l) for x in da + db):
                tot[(l, 'added-new')] += 1; rows.append((d, l, 'added-new', 1, k[2][:60]))
for r in rows: print(*r)
print()
for l in LAYERS:
    print(l, {w: tot[(l, w)] for w in ('A', 'B', 'neither', 'changed-agreed', 'added-new') if tot[(l, w)]})
