#!/usr/bin/env python3
"""Text plus pass A's spans (mediation, quotes, dates, entities compact). usage: view.py NNN"""
import json, sys
R = '/work/news3'
d = sys.argv[1]
t = open(f'{R}/raw/{d}.txt', encoding='utf-8').read()
A = json.load(open(f'{R}/pass-a/{d}.json'))
print(t); print('DCT', A['dct'])
for l in ['mediation', 'mediation_us', 'mediation_eu']:
    for s in A[l]: print(f"{l[10:] or 'RU'} [{s['start']}] {s['score']:+.1f} {s['holder']!r}: {s['text']}")
for s in A['quotes']: print(f"Q {s['kind'][:3]} {s['speaker']!r} ({s.get('speaker_text')}): {s['text']}")
print('DATES', '; '.join(f"{s['text']}={s['label'][:3]}:{s['value']}" + (f"@{s['anchor']}" if s.get('anchor') else '') for s in A['dates']))
print('ENT', '; '.join(f"{s['text']}/{s['label']}" + ('' if s['canonical'] == s['text'] else f"={s['canonical']}") + (f"->{s['refers_to']}" if s.get('refers_to') else '') for s in A['entities']))
