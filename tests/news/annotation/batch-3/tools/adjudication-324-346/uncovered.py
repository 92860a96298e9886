#!/usr/bin/env python3
"""Lists capitalised words outside entity spans and time-like words outside date spans (gold)."""
import json, re, sys
R = '/work/news3'
TIME = re.compile(r"(?i)\b(today|tomorrow|yesterday|now|currently|recent(ly)?|soon|year|years|month|months|week|weeks|day|days|decade|decades|century|hour|hours|minute|morning|evening|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|aug|sept?|oct|nov|dec|spring|summer|autumn|fall|winter|future|past|annual|daily|weekly|\d{1,4})\b")
for d in sys.argv[1:] or [str(i) for i in range(324, 347)]:
    t = open(f'{R}/raw/{d}.txt', encoding='utf-8').read()
    g = json.load(open(f'{R}/gold/{d}.json'))
    cov = [0] * len(t)
    for s in g['entities']:
        for i in range(s['start'], s['end']): cov[i] = 1
    dc = [0] * len(t)
    for s in g['dates']:
        for i in range(s['start'], s['end']): dc[i] = 1
    caps = [m.group() for m in re.finditer(r"\b[A-Z][\w.’'-]*", t) if not cov[m.start()]]
    tm = [m.group() for m in TIME.finditer(t) if not dc[m.start()]]
    print(d, 'CAPS:', ' '.join(caps))
    print(d, 'TIME:', ' '.join(tm))
