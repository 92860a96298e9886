# For each A-B disagreement unit: does the gold follow A, B or neither? Also gold changes to spans A and B agreed on.
import json,collections
from diff import diff,F
def key(s,L): return (s['start'],s['end'])+tuple(s.get(f) for f in F[L])
res=collections.defaultdict(collections.Counter); agreed=[]
for i in range(401,426):
    n=str(i); a=json.load(open(f'/work/news4/pass-a/{n}.json')); b=json.load(open(f'/work/news4/pass-b/{n}.json')); g=json.load(open(f'/work/news4/gold/{n}.json'))
    for L in F:
        ga={key(s,L) for s in g[L]}; A={key(s,L) for s in a[L]}; B={key(s,L) for s in b[L]}
        for o in diff(n,[L]):
            st=o[2]
            def near(S):
                return {k for k in S if (k[0]<=st<k[1]) or k[0]==st}
            ka,kb,kg=near(A),near(B),near(ga)
            who='A' if kg==ka else 'B' if kg==kb else 'neither'
            res[L][who]+=1
            if who=='neither': print('NEITHER',n,L,o)
        both=A&B
        for k in both-ga: agreed.append((n,L,'removed/changed',k[:2]))
        for k in ga-A-B:
            if not any(o[2]<=k[0]<=o[2]+5 or (o[2]>=k[0] and o[2]<k[1]) for o in diff(n,[L])): agreed.append((n,L,'new',k))
for L in F: print(L,dict(res[L]),sum(res[L].values()))
for x in agreed: print('AGREED-CHANGE',x)
