#!/usr/bin/env python3
"""Diff of pass-a vs pass-b resolved files (NNN.json), per layer.
usage: diff.py [NNN ...]   -> prints disagreements; with --count prints counts table."""
import json, sys
R = '/work/news3'
LAYERS = ['entities', 'dates', 'mediation', 'mediation_us', 'mediation_eu', 'quotes']
FIELDS = {'entities': ['label', 'canonical', 'refers_to'],
          'dates': ['label', 'value', 'anchor'],
          'mediation': ['polarity', 'score', 'holder'],
          'mediation_us': ['polarity', 'score', 'holder'],
          'mediation_eu': ['polarity', 'score', 'holder'],
          'quotes': ['kind', 'speaker']}

def load(p, d):
    return json.load(open(f'{R}/{p}/{d}.json'))

def overlap(a, b):
    return a['start'] < b['end'] and b['start'] < a['end']

def diff(doc, layer):
    A = load('pass-a', doc)[layer]; B = load('pass-b', doc)[layer]
    out = []
    usedB = set()
    for a in A:
        m = None
        for j, b in enumerate(B):
            if j in usedB: continue
            if layer == 'entities':
                if (a['start'], a['end']) == (b['start'], b['end']): m = j; break
            elif overlap(a, b): m = j; break
        if m is None:
            out.append(('A-only', a, None)); continue
        usedB.add(m); b = B[m]
        diffs = []
        if (a['start'], a['end']) != (b['start'], b['end']): diffs.append('extent')
        for f in FIELDS[layer]:
            if a.get(f) != b.get(f): diffs.append(f)
        if diffs: out.append((','.join(diffs), a, b))
    for j, b in enumerate(B):
        if j not in usedB: out.append(('B-only', None, b))
    return out

def show(s, layer):
    if s is None: return '-'
    t = s['text'] if len(s['text']) < 90 else s['text'][:60] + '…' + s['text'][-25:]
    ex = {f: s.get(f) for f in FIELDS[layer] if s.get(f) is not None}
    return f"[{s['start']}] {t!r} {ex}"

if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    docs = args or [str(i) for i in range(324, 347)]
    count = '--count' in sys.argv
    tot = {l: 0 for l in LAYERS}
    for d in docs:
        if not count: print(f'===== {d}')
        da = load('pass-a', d); db = load('pass-b', d)
        if da['dct'] != db['dct']: print('  DCT', da['dct'], db['dct'])
        for l in LAYERS:
            ds = diff(d, l); tot[l] += len(ds)
            if count or not ds: continue
            print(f'  -- {l}')
            for k, a, b in ds:
                print(f'   {k}: A {show(a, l)}\n   {" "*len(k)}  B {show(b, l)}')
    print(tot)
