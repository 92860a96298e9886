import json,sys
d=sys.argv[1]
A=json.load(open(f'/work/news4/pass-a/{d}.ann.json'));B=json.load(open(f'/work/news4/pass-b/{d}.ann.json'))
layers=sys.argv[2].split(',') if len(sys.argv)>2 else ['entities','dates','mediation','mediation_us','mediation_eu','quotes']
if A.get('dct')!=B.get('dct'): print('DCT',A.get('dct'),B.get('dct'))
for L in layers:
    a=[json.dumps(x,ensure_ascii=False) for x in A.get(L,[])]; b=[json.dumps(x,ensure_ascii=False) for x in B.get(L,[])]
    import difflib
    out=[l for l in difflib.unified_diff(a,b,lineterm='',n=0) if not l.startswith(('---','+++','@@'))]
    if out:
        print('==',L, len(a), len(b))
        for l in out: print(l)
