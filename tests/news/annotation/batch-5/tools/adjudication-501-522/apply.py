import json,copy,subprocess,sys
def ld(p,d): return json.load(open(f"/work/news5/{p}/{d}.ann.json"))
out={}
for d in range(501,523):
    d=str(d); A=ld("pass-a",d); B=ld("pass-b",d); G=copy.deepcopy(A)
    def take(layer): G[layer]=copy.deepcopy(B[layer])
    if d=="502":
        take("dates")
        for x in G["dates"]:
            if x[0]=="Today": x[2]="XXXX-XX-XX"
    if d=="505":
        take("dates")
        q=G["quotes"]; i=[k for k,x in enumerate(q) if x[0].startswith("Russia, it said")][0]
        q[i:i+1]=[["Russia","reported",None,{"speaker_text":"it"}],
                  ["would be one of these countries","reported",None,{"speaker_text":"it"}]]
    if d=="504": take("mediation")
    if d=="506": take("mediation")
    if d=="511": take("quotes")
    if d=="514":
        take("quotes")
        for x in G["quotes"]:
            if x[2]=="Hürriyet": x[2]=None; x[3]={"speaker_text":"military experts"}
    if d=="515": take("entities")
    if d=="517":
        take("quotes"); take("mediation")
        for x in G["mediation"]:
            if "confirmed the importance" in x[0]: x[1]="positive"; x[2]=0.3
    if d=="520":
        take("entities"); take("mediation")
    if d=="522": take("quotes")
    json.dump(G,open(f"/work/news5/adjudicated/{d}.ann.json","w"),ensure_ascii=False,indent=1)
