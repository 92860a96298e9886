import json,sys
L=['entities','dates','mediation','mediation_us','mediation_eu','quotes']
F={'entities':['label','canonical','refers_to'],'dates':['label','value','anchor'],
   'quotes':['kind','speaker']}
for l in ['mediation','mediation_us','mediation_eu']: F[l]=['polarity','score','holder']
def load(p,n): return json.load(open(f'/work/news5/{p}/{n}.json'))
def key(s,l):
    return tuple(s.get(f) for f in F[l])
def main(n, layers=L, show_agree=False):
    a,b=load('pass-a',n),load('pass-b',n)
    if a['dct']!=b['dct']: print('DCT',a['dct'],b['dct'])
    for l in layers:
        A=a[l];B=b[l]
        ua=set(range(len(A)));ub=set(range(len(B)))
        pairs=[]
        for i,x in enumerate(A):
            for j,y in enumerate(B):
                if j in ub and (x['start'],x['end'])==(y['start'],y['end']):
                    pairs.append((i,j));ua.discard(i);ub.discard(j);break
        for i in sorted(ua):
            x=A[i]
            for j in sorted(ub):
                y=B[j]
                if x['start']<y['end'] and y['start']<x['end']:
                    pairs.append((i,j));ua.discard(i);ub.discard(j);break
        out=[]
        for i,j in pairs:
            x,y=A[i],B[j]
            if (x['start'],x['end'])!=(y['start'],y['end']) or key(x,l)!=key(y,l):
                out.append((x['start'],'DIFF',f"A[{x['start']},{x['end']}] {x['text'][:150]!r} {key(x,l)}\n      B[{y['start']},{y['end']}] {y['text'][:150]!r} {key(y,l)}"))
        for i in ua: x=A[i]; out.append((x['start'],'A-only',f"[{x['start']},{x['end']}] {x['text'][:200]!r} {key(x,l)}"))
        for j in ub: y=B[j]; out.append((y['start'],'B-only',f"[{y['start']},{y['end']}] {y['text'][:200]!r} {key(y,l)}"))
        out.sort()
        if out: print(f'== {n} {l} ({len(A)} vs {len(B)})')
        for s,t,m in out: print('  ',t,m)
if __name__=='__main__':
    ls=sys.argv[2].split(',') if len(sys.argv)>2 else L
    for n in sys.argv[1].split(','): main(n,ls)
