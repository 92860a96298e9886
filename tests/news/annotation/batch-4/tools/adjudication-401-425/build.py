import json,subprocess,sys,copy
from edits import EDITS
A='/work/news4/pass-a/';B='/work/news4/pass-b/';RAW='/work/news4/raw/'
KEYS={'entities':('text','label','canonical'),'dates':('text','label','value'),
 'mediation':('text','polarity','score','holder'),'mediation_us':('text','polarity','score','holder'),
 'mediation_eu':('text','polarity','score','holder'),'quotes':('text','kind','speaker')}
META={'start','end','text','label','canonical','value','polarity','score','holder','kind','speaker'}
def build(n):
    a=json.load(open(A+n+'.json'));b=json.load(open(B+n+'.json'))
    text=open(RAW+n+'.txt',encoding='utf-8',newline='').read()
    g=copy.deepcopy(a)
    for op in EDITS.get(n,[]):
        kind,L=op[0],op[1]
        if kind=='take_b':   # replace A spans overlapping B span at start op[2] (or exact for entities) with B's
            y=[s for s in b[L] if s['start']==op[2]][0]
            if L=='entities': g[L]=[s for s in g[L] if not (s['start']==y['start'] and s['end']==y['end'])]
            else: g[L]=[s for s in g[L] if not (s['start']<y['end'] and y['start']<s['end'])]
            g[L].append(copy.deepcopy(y))
        elif kind=='drop':
            before=len(g[L]); g[L]=[s for s in g[L] if s['start']!=op[2]]; assert len(g[L])==before-1,(n,op)
        elif kind=='mod':
            ss=[s for s in g[L] if s['start']==op[2]]; assert len(ss)==1,(n,op)
            for k,v in op[3].items():
                if v is None: ss[0].pop(k,None)
                else: ss[0][k]=v
        elif kind=='add':  # ('add',L,spanfields dict with text, and 'after_pos' char offset)
            d=dict(op[2]); pos=d.pop('at'); i=text.find(d['text'],pos); assert i>=0,(n,op)
            d['start']=i; d['end']=i+len(d['text']); g[L].append(d)
        elif kind=='dct': g['dct']=op[2]
        else: raise Exception(op)
    ann={'id':n,'dct':g.get('dct')}
    for L,ks in KEYS.items():
        items=[];cur=0
        for s in sorted(g.get(L,[]),key=lambda s:(s['start'],s['end'])):
            assert text[s['start']:s['end']]==s['text'],(n,L,s)
            ex={k:v for k,v in s.items() if k not in META}
            cnt=text.count(s['text'],cur,s['start']+len(s['text'])-1) # occurrences starting before s.start
            # count occurrences starting in [cur, start)
            c=0;p=cur
            while True:
                i=text.find(s['text'],p)
                if i<0 or i>=s['start']: break
                c+=1;p=i+1
            if c: ex['nth']=c+1
            it=[s[k] for k in ks]
            if ex: it.append(ex)
            items.append(it); cur=s['end']
        ann[L]=items
    json.dump(ann,open('/work/news4/adjudicated/'+n+'.ann.json','w'),ensure_ascii=False,indent=1)
    r=subprocess.run(['python3','/work/news4/tools/resolve.py','/work/news4/adjudicated/'+n+'.ann.json',RAW+n+'.txt'],capture_output=True,text=True)
    if r.returncode: print(n,r.stderr);sys.exit(1)
    open('/work/news4/gold/'+n+'.json','w').write(r.stdout)
    out=json.loads(r.stdout)
    for L in KEYS:
        exp=sorted((s['start'],s['end']) for s in g.get(L,[])); got=[(s['start'],s['end']) for s in out.get(L,[])]
        assert exp==got,(n,L)
    return r.stderr
if __name__=='__main__':
    ns=sys.argv[1:] or [str(i) for i in range(401,426)]
    for n in ns:
        e=build(n); print(n,'ok', len(e.splitlines()),'lines')
