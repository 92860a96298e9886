import json,sys,difflib
L=["entities","dates","mediation","mediation_us","mediation_eu","quotes"]
for d in sys.argv[1:]:
    a=json.load(open(f"/work/news5/pass-a/{d}.ann.json"));b=json.load(open(f"/work/news5/pass-b/{d}.ann.json"))
    print(f"=== {d} dct A={a.get('dct')} B={b.get('dct')}")
    for l in L:
        sa=[json.dumps(x,ensure_ascii=False) for x in a[l]];sb=[json.dumps(x,ensure_ascii=False) for x in b[l]]
        if sa==sb: print(f"  {l}: same ({len(sa)})");continue
        print(f"  {l}: A{len(sa)} B{len(sb)}")
        for op,i1,i2,j1,j2 in difflib.SequenceMatcher(None,sa,sb,autojunk=False).get_opcodes():
            if op=='equal':continue
            for x in sa[i1:i2]: print("    A- "+x)
            for x in sb[j1:j2]: print("    B+ "+x)
