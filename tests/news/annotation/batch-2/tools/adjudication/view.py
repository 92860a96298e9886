#!/usr/bin/env python3
import json, sys, subprocess
sys.path.insert(0, '/work/news2/tools/adjudication')
from diff import diff_doc
for d in sys.argv[1:]:
    text = open(f'/work/news2/raw/{d}.txt', encoding='utf-8').read()
    man = [json.loads(l) for l in open('/work/news2/raw/manifest.jsonl') if json.loads(l)['id'] == d][0]
    A = json.load(open(f'/work/news2/ann-A/{d}.json')); B = json.load(open(f'/work/news2/ann-B/{d}.json'))
    print(f"################ {d}  {man.get('outlet')}  published={man.get('published')} month={man.get('published_month')}  dctA={A['dct']} dctB={B['dct']}")
    print(text)
    print("--- A entities:", "; ".join(f"{e['text']}/{e['label']}" + ("" if e['canonical']==e['text'] else f"={e['canonical']}") + (f"->{e['refers_to']}" if e.get('refers_to') else "") for e in A['entities']))
    print("--- A dates:", "; ".join(f"{e['text']}/{e['label']}/{e['value']}" + (f"@{e['anchor']}" if e.get('anchor') else "") for e in A['dates']))
    for L in ['mediation', 'mediation_us', 'mediation_eu']:
        for m in A[L]:
            print(f"--- A {L}: {m['score']:+.1f} {m['holder']} | {m['text'][:110]}")
    for q in A['quotes']:
        print(f"--- A Q {q['kind']} {q['speaker']} [{q.get('speaker_text')}] | {q['text'][:120]}")
    out, cnt = diff_doc(A, B)
    print("=== DIFF A/B:\n" + "\n".join(out))
