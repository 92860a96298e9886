import json,copy,sys
def load(p,d): return json.load(open(f'/work/news4/pass-{p}/{d}.ann.json'))
LAYERS=['entities','dates','mediation','mediation_us','mediation_eu','quotes']
# per doc: layer -> 'B' (take B's layer) or a function(A_layer,B_layer)->layer ; default A
def canon(lst,old,new):
    for x in lst:
        if x[2]==old: x[2]=new
    return lst
def drop(lst,text,nth=1):
    k=0
    for i,x in enumerate(lst):
        if x[0]==text:
            k+=1
            if k==nth: del lst[i]; return lst
    raise SystemExit(f'drop: not found {text!r}')
def setf(lst,text,**kw):
    for x in lst:
        if x[0]==text:
            if 'pol' in kw: x[1]=kw['pol']; x[2]=kw['score']
            if 'holder' in kw: x[3]=kw['holder']
            return lst
    raise SystemExit(f'setf: not found {text!r}')
def e430(a,b):
    canon(a,'Louis L. Bono','Louis Bono')
    return drop(a,'Georgia',2)
def m428(a,b):
    b=drop(b,'I fully agree with that.')
    a_if=[x for x in a if x[0].startswith('If Armenia itself')][0]
    for i,x in enumerate(b):
        if x[0].startswith('If Armenia itself'): b[i]=[a_if[0],'neutral',0,'Vladimir Putin']+a_if[4:]
    return b
def e436(a,b): return a
def mus436(a,b): return [ (x[:3]+['Abbas Araghchi']+x[4:]) if x[3]=='Seyed Abbas Araghchi' else x for x in b]
def e437(a,b):
    for i,x in enumerate(a):
        if x[0]=='Eastern Armenia': a[i]=['Armenia','GPE','Armenia']
    return a
def mus439(a,b):
    return drop(a,'Vance is promoting the Trump Route for International Peace and Prosperity (TRIPP), a proposed 43-kilometre corridor across southern Armenia linking Azerbaijan to its Nakhchivan exclave.')
def q450(a,b): return drop(b,'the violation of the 2020 agreement')
D={
'426':{'mediation_us':'B','quotes':'B'},
'427':{'dates':'B','mediation_us':'B'},
'428':{'mediation':m428},
'429':{'mediation':'B'},
'430':{'entities':e430},
'431':{'dates':'B'},
'433':{'entities':lambda a,b: drop(a,'Zvartnots'),'quotes':'B'},
'434':{'entities':'B','mediation':'B'},
'436':{'mediation_us':mus436},
'437':{'entities':e437,'mediation_eu':'B'},
'439':{'entities':'B','mediation_us':mus439},
'440':{'mediation_us':'B'},
'441':{'dates':'B'},
'442':{'quotes':'B'},
'443':{'mediation':'B'},
'444':{'quotes':'B'},
'445':{'quotes':'B'},
'447':{'dates':'B','mediation_us':'B'},
'449':{'mediation':'B'},
'450':{'mediation':'B','quotes':'B'},
}
EXTRA={}  # post-fixes where both agreed: d -> function(doc)
def build(d):
    A=load('a',d);B=load('b',d)
    out={'id':d,'dct':A['dct']}
    for L in LAYERS:
        r=D.get(d,{}).get(L)
        if r is None: out[L]=copy.deepcopy(A[L])
        elif r=='B': out[L]=copy.deepcopy(B[L])
        else: out[L]=r(copy.deepcopy(A[L]),copy.deepcopy(B[L]))
    if d in EXTRA: EXTRA[d](out)
    json.dump(out,open(f'/work/news4/adjudicated/{d}.ann.json','w'),ensure_ascii=False,indent=1)
for d in sys.argv[1:]: build(d)
