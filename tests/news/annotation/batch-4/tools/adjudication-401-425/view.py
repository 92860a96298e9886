import json,sys
for n in sys.argv[1:]:
    t=open(f'/work/news4/raw/{n}.txt').read(); d=json.load(open(f'/work/news4/gold/{n}.json'))
    print('=====',n,d['dct']); print(t)
    for L in ['mediation','mediation_us','mediation_eu','quotes']:
        for x in d[L]: print(L[:12],'|',x['start'],x['text'][:100],'|',x.get('score'),x.get('holder') or '',x.get('kind') or '',x.get('speaker') or '',x.get('speaker_text') or '')
