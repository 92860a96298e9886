#!/usr/bin/env python3
"""Reading aid: prints a text, then every span of both passes per layer,
marked AB (identical in both), A or B (only in that pass, or differing).

usage: view.py NNN [DIR ...]    (default DIRs: pass-a pass-b; a third DIR,
                                 e.g. gold, is shown as a third column)
"""
import json
import sys

BASE = "/work/news8"
LAYERS = ("mediation", "mediation_us", "mediation_eu", "quotes")


def key(s, layer):
    if layer == "quotes":
        return (s["start"], s["end"], s["kind"], s.get("speaker"), s.get("speaker_text"))
    return (s["start"], s["end"], s["polarity"], s["score"], s["holder"])


def main():
    d = sys.argv[1]
    dirs = sys.argv[2:] or ["pass-a", "pass-b"]
    text = open(f"{BASE}/raw/{d}.txt", encoding="utf-8").read()
    print(f"##### {d}  ({len(text)} chars)")
    print(text)
    files = [json.load(open(f"{BASE}/{p}/{d}.json", encoding="utf-8")) for p in dirs]
    tags = "ABGHIJ"
    for layer in LAYERS:
        seen = {}
        for t, f in zip(tags, files):
            for s in f.get(layer, []):
                seen.setdefault(key(s, layer), []).append(t)
        if not seen:
            continue
        print(f"--- {layer}")
        for k in sorted(seen, key=lambda k: tuple(str(x) for x in k[2:]) and (k[0], k[1], tuple(str(x) for x in k[2:]))):
            who = "".join(seen[k])
            s, e = k[0], k[1]
            print(f"  [{who:<3}] {s}-{e} {k[2:]}: {text[s:e]!r}")


if __name__ == "__main__":
    main()
