#!/usr/bin/env python3
"""A-vs-B diff of the resolved passes for documents 301-323.
usage: diff.py [NNN ...]   (prints disagreements; --count for per-layer counts)
Entities/dates match on exact (start,end) ; other layers on overlap."""
import json, sys
BASE = '/work/news3'
LAYERS = ['entities', 'dates', 'mediation', 'mediation_us', 'mediation_eu', 'quotes']
ATTR = {'entities': ['label', 'canonical', 'refers_to'], 'dates': ['label', 'value', 'anchor'],
        'quotes': ['kind', 'speaker']}
for l in ('mediation', 'mediation_us', 'mediation_eu'):
    ATTR[l] = ['polarity', 'score', 'holder']

def load(p, d):
    return json.load(open(f'{BASE}/{p}/{d}.json'))

def diff(d):
    A, B = load('pass-a', d), load('pass-b', d)
    out = []
    if A['dct'] != B['dct']:
        out.append(('dct', 'dct', A['dct'], B['dct']))
    for l in LAYERS:
        a, b = A[l], B[l]
        used = set()
        for x in a:
            m = None
            for j, y in enumerate(b):
                if j in used: continue
                if l in ('entities', 'dates'):
                    ok = (x['start'], x['end']) == (y['start'], y['end']) or (l == 'dates' and x['start'] < y['end'] and y['start'] < x['end'])
                else:
                    ok = x['start'] < y['end'] and y['start'] < x['end']
                if ok: m = j; break
            if m is None:
                out.append((l, 'A-only', x['start'], x['text'][:150], {k: x.get(k) for k in ATTR[l]}))
                continue
            used.add(m); y = b[m]
            dif = {k: (x.get(k), y.get(k)) for k in ATTR[l] if x.get(k) != y.get(k)}
            if (x['start'], x['end']) != (y['start'], y['end']):
                dif['extent'] = (x['text'][:150], y['text'][:150])
            if dif:
                out.append((l, 'diff', x['start'], x['text'][:80], dif))
        for j, y in enumerate(b):
            if j not in used:
                out.append((l, 'B-only', y['start'], y['text'][:150], {k: y.get(k) for k in ATTR[l]}))
    return out

if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if not a.startswith('-')]
    docs = args or [str(i) for i in range(301, 324)]
    if '--count' in sys.argv:
        from collections import Counter
        c = Counter()
        for d in docs:
            for r in diff(d): c[(d, r[0])] += 1
        for l in LAYERS:
            print(l, sum(v for (d, ll), v in c.items() if ll == l), {d: v for (d, ll), v in c.items() if ll == l})
    else:
        for d in docs:
            for r in diff(d):
                print(d, *r)
