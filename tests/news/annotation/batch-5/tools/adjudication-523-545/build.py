"""Gold for 523-545 = pass A's resolved spans + the decisions below; writes
adjudicated/NNN.ann.json (with nth where needed) and runs resolve.py into gold/."""
import json, subprocess, sys
R='/work/news5'
L=['entities','dates','mediation','mediation_us','mediation_eu','quotes']
FIX={'entities':['text','label','canonical'],'dates':['text','label','value'],
     'quotes':['text','kind','speaker']}
for l in ['mediation','mediation_us','mediation_eu']: FIX[l]=['text','polarity','score','holder']
DROPKEYS={'start','end'}
# (layer, op, start) ; op: 'B' = take B's span overlapping/at start (replacing A's), 'drop' = drop A span at start,
# 'addB' = add B's span starting at start
E={
 '523':[('dates','B',241,252)],
 '524':[('mediation_eu','drop',254)],
 '525':[('quotes','B',229,231)],
 '526':[('mediation','B',933,933),('mediation_us','B',933,933),('mediation_eu','B',933,933)],
 '529':[('mediation_us','B',23,23)],
 '532':[('mediation','B',443,443)],
 '533':[('dates','addB',532)],
 '535':[('mediation_us','addB',196)],
 '536':[('quotes','B',813,813)],
 '537':[('mediation','B',0,0)],
 '538':[('quotes','addB',1195)],
 '541':[('mediation_eu','B',313,313)],
 '542':[('dates','B',1056,1056)],
 '544':[('mediation_us','drop',0),('mediation_us','drop',312),('mediation_us','drop',667),
        ('mediation_us','addB',1372),('quotes','B',202,215),('quotes','B',1659,1663)],
}
def main(docs):
    for n in docs:
        a=json.load(open(f'{R}/pass-a/{n}.json')); b=json.load(open(f'{R}/pass-b/{n}.json'))
        text=open(f'{R}/raw/{n}.txt',encoding='utf-8').read()
        g={l:list(a[l]) for l in L}
        for op in E.get(n,[]):
            l,kind=op[0],op[1]
            if kind=='drop':
                k=[s for s in g[l] if s['start']==op[2]]; assert len(k)==1,(n,op); g[l].remove(k[0])
            elif kind=='addB':
                k=[s for s in b[l] if s['start']==op[2]]; assert len(k)==1,(n,op); g[l].append(k[0])
            elif kind=='B':
                kb=[s for s in b[l] if s['start']==op[2]]; ka=[s for s in g[l] if s['start']==op[3]]
                assert len(kb)==1 and len(ka)==1,(n,op); g[l].remove(ka[0]); g[l].append(kb[0])
        # canonical/holder/speaker fixes (A's decisions kept where taken; B's Costa spelling not taken)
        ann={'id':n,'dct':a['dct']}
        for l in L:
            spans=sorted(g[l],key=lambda s:(s['start'],s['end']))
            items=[];cur=0
            for s in spans:
                t=s['text']; assert text[s['start']:s['end']]==t,(n,l,s)
                assert s['start']>=cur,(n,l,'overlap',s)
                k=0;p=cur
                while True:
                    i=text.find(t,p); k+=1
                    if i==s['start']: break
                    assert i>=0,(n,l,s); p=i+1
                item=[s[f] for f in FIX[l]]
                ex={kk:v for kk,v in s.items() if kk not in FIX[l] and kk not in DROPKEYS}
                if k>1: ex['nth']=k
                if ex: item.append(ex)
                items.append(item); cur=s['end']
            ann[l]=items
        p=f'{R}/adjudicated/{n}.ann.json'
        json.dump(ann,open(p,'w'),ensure_ascii=False,indent=1)
        with open(f'{R}/gold/{n}.json','w') as out:
            r=subprocess.run(['python3',f'{R}/tools/resolve.py',p,f'{R}/raw/{n}.txt'],stdout=out,stderr=subprocess.PIPE,text=True)
        if r.returncode: print(n,'ERROR',r.stderr); sys.exit(1)
        open(f'{R}/tools/adjudication-523-545/log-{n}.txt','w').write(r.stderr)
        # verify offsets
        gd=json.load(open(f'{R}/gold/{n}.json'))
        for l in L:
            want=sorted((s['start'],s['end']) for s in g[l]); got=[(s['start'],s['end']) for s in gd[l]]
            assert want==got,(n,l)
        print(n,'ok',{l:len(gd[l]) for l in L})
if __name__=='__main__':
    main(sys.argv[1:] or [str(i) for i in range(523,546)])
