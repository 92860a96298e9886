import json,collections,sys
L=['entities','dates','mediation','mediation_us','mediation_eu','quotes']
def items(p,d,l):
    j=json.load(open(p.format(d=d)))
    return [ (x['start'],x['end'],json.dumps({k:v for k,v in x.items() if k not in('start','end','text')},sort_keys=True)) for x in j[l]]
def units(a,b):
    # group spans by overlap into units
    allsp=[(s,e,'a',v) for s,e,v in a]+[(s,e,'b',v) for s,e,v in b]
    allsp.sort()
    groups=[];cur=[];end=-1
    for x in allsp:
        if cur and x[0]<end: cur.append(x); end=max(end,x[1])
        else:
            if cur: groups.append(cur)
            cur=[x]; end=x[1]
    if cur: groups.append(cur)
    return groups
tot=collections.defaultdict(lambda: collections.Counter()); det=[]
for d in range(426,451):
    for l in L:
        a=items('/work/news4/pass-a/{d}.json',d,l); b=items('/work/news4/pass-b/{d}.json',d,l); g=items('/work/news4/gold/{d}.json',d,l)
        gs=set(g)
        for grp in units(a,b):
            ga=sorted((s,e,v) for s,e,w,v in grp if w=='a'); gb=sorted((s,e,v) for s,e,w,v in grp if w=='b')
            lo=min(x[0] for x in grp); hi=max(x[1] for x in grp)
            gg=sorted(x for x in g if x[0]<hi and x[1]>lo)
            if ga==gb:
                if gg!=ga: tot[l]['agreed_changed']+=1; det.append((d,l,'agreed-changed',ga,gg))
                continue
            r='A' if gg==ga else 'B' if gg==gb else 'neither'
            tot[l][r]+=1; det.append((d,l,r,ga,gb,gg) if r=='neither' else (d,l,r))
        # gold spans that neither pass has
        for x in g:
            if not any(x[0]<y[1] and x[1]>y[0] for y in a+b): tot[l]['added_by_adjudicator']+=1; det.append((d,l,'added',x))
for l in L: print(l, dict(tot[l]))
if '-v' in sys.argv:
    for x in det: print(x)
