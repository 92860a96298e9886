import json,sys
for n in sys.argv[1:]:
    g=json.load(open(f'/work/news5/gold/{n}.json')); t=open(f'/work/news5/raw/{n}.txt').read()
    marks=[]
    for e in g['entities']:
        c=e['canonical'] if e['canonical']!=e['text'] else ''
        r=('>'+e['refers_to']) if e.get('refers_to') else ''
        marks.append((e['start'],e['end'],'[',f"]{e['label'][0]}{('='+c) if c else ''}{r}"))
    for d in g['dates']:
        marks.append((d['start'],d['end'],'{',f"}}{d['label'][:2]}={d['value']}{'@'+d['anchor'] if d.get('anchor') else ''}"))
    out=[];ins={}
    for s,e,o,c in marks:
        ins.setdefault(s,[]).append(o); ins.setdefault(e,[]).insert(0,c)
    for i,ch in enumerate(t+' '):
        if i in ins: out.append(''.join(x for x in ins[i] if x.startswith(']') or x.startswith('}'))); out.append(''.join(x for x in ins[i] if x in '[{'))
        out.append(ch)
    print('=====',n,'dct',g['dct']); print(''.join(out))
    for q in g['quotes']: print('  Q',q['kind'],q['speaker'],'|',q.get('speaker_text'),'|',q['text'][:140])
