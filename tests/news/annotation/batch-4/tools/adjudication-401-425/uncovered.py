import json,re,sys
for n in sys.argv[1:]:
    t=open(f'/work/news4/raw/{n}.txt').read(); d=json.load(open(f'/work/news4/gold/{n}.json'))
    cov=[0]*len(t)
    for x in d['entities']:
        for i in range(x['start'],x['end']): cov[i]=1
    unc=[]
    for m in re.finditer(r"[A-Z][\w’'-]*",t):
        if not any(cov[m.start():m.end()]): unc.append(m.group())
    print('==',n,'uncovered caps:',' '.join(unc))
    print('   ents:',' | '.join(f"{x['text']}:{x['label'][0]}:{x['canonical']}"+(f"->{x['refers_to']}" if x.get('refers_to') else '') for x in d['entities']))
    print('   dates:',' | '.join(f"{x['text']}:{x['label']}:{x['value']}"+(f"@{x['anchor']}" if x.get('anchor') else '') for x in d['dates']))
