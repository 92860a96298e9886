#!/usr/bin/env python3
"""Show a document's text and pass A's resolved spans compactly (B differences via diff.py)."""
import json, sys
d = sys.argv[1]
src = sys.argv[2] if len(sys.argv) > 2 else 'pass-a'
t = open(f'/work/news3/raw/{d}.txt').read()
print(t)
G = json.load(open(f'/work/news3/{src}/{d}.json'))
print('DCT', G['dct'])
print('ENT', '; '.join(f"{e['text']}/{e['label'][0]}{'' if e['canonical']==e['text'] else '='+e['canonical']}{'>'+e['refers_to'] if e.get('refers_to') else ''}" for e in G['entities']))
print('DATES', '; '.join(f"{e['text']}/{e['label']}/{e['value']}{'@'+e['anchor'] if e.get('anchor') else ''}" for e in G['dates']))
for l in ('mediation', 'mediation_us', 'mediation_eu'):
    for m in G[l]:
        print(l[10:] or 'RU', m['score'], m['holder'], '|', m['text'][:110])
for q in G['quotes']:
    print('Q', q['kind'][0], q['speaker'], '(' + q['speaker_text'] + ')', '|', q['text'][:140])
