#!/usr/bin/env python3
"""Reading aid: prints a text paragraph by paragraph with one resolved
file's mediation and quote spans marked inline.

usage: view.py NNN [pass-a|pass-b|gold]

Mediation spans are shown as [R ...]R / [U ...]U / [E ...]E with their
polarity, score and holder after the closing mark; quotes as {Q ...}Q with
kind and speaker.
"""
import json
import sys

ROOT = "/work/news7"
i = sys.argv[1]
src = sys.argv[2] if len(sys.argv) > 2 else "pass-a"
text = open(f"{ROOT}/raw/{i}.txt", encoding="utf-8", newline="").read()
g = json.load(open(f"{ROOT}/{src}/{i}.json", encoding="utf-8"))
marks = []  # (pos, order, string)
tag = {"mediation": "R", "mediation_us": "U", "mediation_eu": "E"}
for layer, t in tag.items():
    for s in g.get(layer, []):
        marks.append((s["start"], 1, f"[{t} "))
        marks.append((s["end"], 0,
                      f" ]{t}<{s['polarity'][:3]} {s['score']:+.1f} "
                      f"{s['holder']}>"))
for s in g.get("quotes", []):
    marks.append((s["start"], 2, "{Q "))
    marks.append((s["end"], -1,
                  f" }}Q<{s['kind'][:3]} {s['speaker']} / "
                  f"{s.get('speaker_text')!r}>"))
marks.sort(key=lambda m: (m[0], m[1]))
out, last = [], 0
for pos, _, m in marks:
    out.append(text[last:pos])
    out.append(m)
    last = pos
out.append(text[last:])
print(f"### {i} ({src}) dct={g.get('dct')}")
print("".join(out))
