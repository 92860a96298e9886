#!/usr/bin/env python3
"""usage: keep.py (batch 9, /work/news9) ID URL OUTLET KIND DATE PUBLISHED_FROM MEDIATOR < text
DATE: YYYY-MM-DD or YYYY-MM (month only). Text: headline line then paragraphs.
Use --dry to only show the cut and the checks."""
import sys, json, re, os, subprocess, hashlib, glob
BASE='/work/news9'
args=sys.argv[1:]
dry='--dry' in args
args=[a for a in args if a!='--dry']
nid,url,outlet,kind,date,pfrom,med=args
if nid=='auto':
    import glob as _g
    have=[int(os.path.basename(f)[:3]) for f in _g.glob(BASE+'/raw/*.txt')]
    nid=str(max(have)+1 if have else 901)
assert kind in 'russian-state armenian azerbaijani turkish western ukrainian think-tank other'.split(), kind
assert med in 'russia us eu other'.split()
raw=sys.stdin.read()
lines=[re.sub(r'[ \t\u00a0]+$','',l).strip(' \t') for l in raw.split('\n')]
lines=[l for l in lines if l.strip()]
ABBR=re.compile(r'(\b(?:Mr|Mrs|Ms|Dr|St|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|Gen|Col|Lt|No|vs|etc|Inc|Corp|Jr|Sr|U\.S|U\.N|U\.K|E\.U)\.|\b[A-Z]\.)$')
def sent_ends(s):
    out=[]
    for m in re.finditer(r'[.!?…]["”’»)\]]*(?=\s|$)', s):
        end=m.end()
        pre=s[:end].rstrip('"”’»)]')
        if ABBR.search(pre): continue
        out.append(end)
    return out
def nb(s): return len(s.encode('utf-8'))
out=[]; total=0
for i,l in enumerate(lines):
    add=nb(l)+1
    if total+add<=2000:
        out.append(l); total+=add; continue
    # try cutting within line
    best=None
    for e in sent_ends(l):
        if total+nb(l[:e])+1<=2000: best=e
    if best and i>0:
        out.append(l[:best]); total+=nb(l[:best])+1
    break
# the last line must end at a sentence end unless it's the whole excerpt line
last=out[-1]
if len(out)>1 and not re.search(r'[.!?…]["”’»)\]]*$', last):
    ends=sent_ends(last)
    if ends: out[-1]=last[:ends[-1]]
    else: out.pop()
    print('NOTE: trimmed truncated last line')
last=out[-1]
if not re.search(r'[.!?…]["”’»)\]]*$', last):
    print('WARNING: last line does not end with sentence end:', last[-80:])
text='\n'.join(out)+'\n'
def nurl(u):
    u=re.sub(r'^https?://(www\.)?','',u.strip().lower()); return u.split('?')[0].split('#')[0].rstrip('/').replace('/amp','')
existing=set()
for m in glob.glob('/work/main/tests/news/*/manifest.jsonl')+glob.glob('/work/news*/manifest.jsonl')+glob.glob('/work/news*/raw/manifest.jsonl'):
    if os.path.exists(m):
        for l in open(m):
            existing.add(nurl(json.loads(l)['url']))
if nurl(url) in existing: print('DUPLICATE URL'); sys.exit(3)

# overlap with existing texts
def sh(t):
    w=re.findall(r'\w+',t.lower()); return {' '.join(w[i:i+8]) for i in range(len(w)-7)}
mine=sh(text)
for f in glob.glob('/work/main/tests/news/*/*.txt')+glob.glob('/work/news*/raw/*.txt'):
    if f==BASE+'/raw/'+nid+'.txt': continue
    o=len(mine & sh(open(f).read()))
    if o>=8: print('OVERLAP %d shingles with %s'%(o,f))
    if o>=30 and not os.environ.get('FORCE'):
        print('REPUBLICATION? refusing (set FORCE=1 to override)'); sys.exit(3)
os.makedirs(BASE+'/tmp',exist_ok=True)
tmp=BASE+'/tmp/cand-%d.txt'%os.getpid()
open(tmp,'w').write(text)
r1=subprocess.run(['python3','/work/shared/tools/heldout-check.py','--url',url],capture_output=True,text=True)
r2=subprocess.run(['python3','/work/shared/tools/heldout-check.py',tmp],capture_output=True,text=True)
notes=BASE+'/tools/counts.json'
c=json.load(open(notes)) if os.path.exists(notes) else {'heldout_dropped':0,'dup_dropped':0}
if r1.returncode!=0 or r2.returncode!=0:
    os.remove(tmp)
    c['heldout_dropped']+=1
    json.dump(c,open(notes,'w'))
    print('HELDOUT: dropped (count now %d)'%c['heldout_dropped']); sys.exit(1)
print('bytes',nb(text),'lines',len(out),'of',len(lines),'| last:',out[-1][-70:])
if dry: os.remove(tmp); sys.exit(0)
os.rename(tmp,f'{BASE}/raw/{nid}.txt')
rec={'id':nid,'file':nid+'.txt','url':url,'outlet':outlet,'outlet_kind':kind}
if len(date)==7: rec['published_month']=date
else: rec['published']=date
rec['published_from']=pfrom; rec['mediator']=med; rec['heldout_check']='passed'
for mf in (BASE+'/manifest.jsonl',BASE+'/raw/manifest.jsonl'):
    with open(mf,'a') as f: f.write(json.dumps(rec,ensure_ascii=False)+'\n')
print('KEPT',nid)
if os.environ.get('NOTE'): open(BASE+'/tools/notes.txt','a').write(nid+' '+os.environ['NOTE']+'\n')
