#!/usr/bin/env python3
"""Builds /work/news3/adjudicated/NNN.ann.json from pass A's resolved spans plus the
per-document decisions in edits.py, resolves it into /work/news3/gold/NNN.json and
verifies every span against the intended offsets.
usage: build.py [NNN ...]"""
import json, subprocess, sys, copy
sys.path.insert(0, '/work/news3/tools/adjudication-324-346')
R = '/work/news3'
LAYERS = ['entities', 'dates', 'mediation', 'mediation_us', 'mediation_eu', 'quotes']

class Doc:
    def __init__(self, d):
        self.id = d
        self.text = open(f'{R}/raw/{d}.txt', encoding='utf-8', newline='').read()
        self.A = json.load(open(f'{R}/pass-a/{d}.json'))
        self.B = json.load(open(f'{R}/pass-b/{d}.json'))
        self.g = {l: copy.deepcopy(self.A[l]) for l in LAYERS}
        self.dct = self.A['dct']
    def _find(self, layer, src, text, nth=1):
        hits = [s for s in src[layer] if s['text'].startswith(text) or s['text'] == text]
        if len(hits) < nth: raise KeyError(f'{self.id} {layer}: {text!r} not found')
        return hits[nth - 1]
    def take_b(self, layer, text, nth=1):
        """Replace A's spans overlapping B's span (by text prefix) with B's span."""
        b = copy.deepcopy(self._find(layer, self.B, text, nth))
        self.g[layer] = [s for s in self.g[layer] if not self._ov(s, b, layer)] + [b]
        self.g[layer].sort(key=lambda s: (s['start'], s['end']))
    def _ov(self, a, b, layer):
        return a['start'] < b['end'] and b['start'] < a['end']
    def drop(self, layer, text, nth=1):
        a = self._find(layer, self.g, text, nth)
        self.g[layer].remove(a)
    def mod(self, layer, text, nth=1, **kw):
        a = self._find(layer, self.g, text, nth)
        for k, v in kw.items():
            if v is None: a.pop(k, None)
            else: a[k] = v
        if layer.startswith('mediation') and 'score' in kw:
            sc = kw['score']; a['polarity'] = 'neutral' if sc == 0 else ('positive' if sc > 0 else 'negative')
    def add(self, layer, text, after=None, nth=1, **kw):
        pos = 0
        if after:
            pos = self.text.index(after) + len(after)
        for _ in range(nth):
            i = self.text.index(text, pos); pos = i + 1
        s = {'start': i, 'end': i + len(text), 'text': text}; s.update(kw)
        if layer.startswith('mediation'):
            sc = s['score']; s['polarity'] = 'neutral' if sc == 0 else ('positive' if sc > 0 else 'negative')
        self.g[layer].append(s)
        self.g[layer].sort(key=lambda s: (s['start'], s['end']))

FIXED = {'entities': ('text', 'label', 'canonical'), 'dates': ('text', 'label', 'value'),
         'mediation': ('text', 'polarity', 'score', 'holder'), 'quotes': ('text', 'kind', 'speaker')}
FIXED['mediation_us'] = FIXED['mediation_eu'] = FIXED['mediation']
ORDER_M = ['polarity', 'score', 'holder']

def to_ann(doc):
    ann = {'id': doc.id, 'dct': doc.dct}
    for l in LAYERS:
        items, cur = [], 0
        for s in sorted(doc.g[l], key=lambda s: (s['start'], s['end'])):
            assert doc.text[s['start']:s['end']] == s['text'], (doc.id, l, s)
            f = FIXED[l]
            row = [s[k] for k in f]
            extras = {k: v for k, v in s.items() if k not in f and k not in ('start', 'end')}
            # nth: occurrences of text from cur up to start
            n, pos = 0, cur
            while True:
                i = doc.text.find(s['text'], pos)
                n += 1
                if i == s['start']: break
                if i < 0 or i > s['start']: raise Exception(f'{doc.id} {l} cannot reach {s}')
                pos = i + 1
            if n > 1: extras['nth'] = n
            if extras: row.append(extras)
            items.append(row)
            cur = s['end']
        ann[l] = items
    return ann

def build(d):
    import edits
    doc = Doc(d)
    fn = getattr(edits, f'd{d}', None)
    if fn: fn(doc)
    ann = to_ann(doc)
    p = f'{R}/adjudicated/{d}.ann.json'
    json.dump(ann, open(p, 'w'), ensure_ascii=False, indent=1)
    r = subprocess.run(['python3', f'{R}/tools/resolve.py', p, f'{R}/raw/{d}.txt'], capture_output=True, text=True)
    if r.returncode: raise SystemExit(f'{d}: resolve failed: {r.stderr}')
    open(f'{R}/gold/{d}.json', 'w').write(r.stdout)
    g = json.loads(r.stdout)
    for l in LAYERS:
        want = sorted(doc.g[l], key=lambda s: (s['start'], s['end']))
        assert [(s['start'], s['end']) for s in g[l]] == [(s['start'], s['end']) for s in want], (d, l)
        for s in g[l]:
            assert doc.text[s['start']:s['end']] == s['text']
    return r.stderr

if __name__ == '__main__':
    docs = sys.argv[1:] or [str(i) for i in range(324, 347)]
    for d in docs:
        log = build(d)
        if len(docs) == 1: print(log)
        print(d, 'ok')
