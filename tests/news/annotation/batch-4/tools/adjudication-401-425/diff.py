import json,sys
A='/work/news4/pass-a/';B='/work/news4/pass-b/'
F={'entities':['label','canonical','refers_to'],'dates':['label','value','anchor'],
 'mediation':['polarity','score','holder'],'mediation_us':['polarity','score','holder'],
 'mediation_eu':['polarity','score','holder'],'quotes':['kind','speaker']}
def ov(x,y): return x['start']<y['end'] and y['start']<x['end']
def diff(n,layers=None,quiet=False):
    a=json.load(open(A+n+'.json'));b=json.load(open(B+n+'.json'))
    out=[]
    if a.get('dct')!=b.get('dct'): out.append(('dct',a.get('dct'),b.get('dct')))
    for L,fs in F.items():
        if layers and L not in layers: continue
        la=a.get(L,[]);lb=b.get(L,[])
        exact = L=='entities'
        usedb=set()
        for x in la:
            m=[j for j,y in enumerate(lb) if (x['start']==y['start'] and x['end']==y['end']) ] or ([] if exact else [j for j,y in enumerate(lb) if ov(x,y)])
            if not m: out.append((L,'A-only',x['start'],x['text'][:150],{f:x.get(f) for f in fs}));continue
            j=m[0];y=lb[j];usedb.add(j)
            d={f:(x.get(f),y.get(f)) for f in fs if x.get(f)!=y.get(f)}
            if (x['start'],x['end'])!=(y['start'],y['end']): d['extent']=(x['text'][:150],y['text'][:150])
            if d: out.append((L,'diff',x['start'],x['text'][:80],d))
        for j,y in enumerate(lb):
            if j not in usedb:
                if exact or not any(ov(x,y) for x in la):
                    out.append((L,'B-only',y['start'],y['text'][:150],{f:y.get(f) for f in fs}))
    return out
if __name__=='__main__':
    layers=sys.argv[2].split(',') if len(sys.argv)>2 else None
    for n in sys.argv[1].split(','):
        print('=====',n)
        for o in diff(n,layers): print(o)
