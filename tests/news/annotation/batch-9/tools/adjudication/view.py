#!/usr/bin/env python3
"""Reading aid: prints a text, then every span of the given directories per
layer, marked with the directories that hold it identically (A = first dir,
B = second, G = third).

usage: view.py NNN [DIR ...]    (default DIRs: pass-a pass-b)
"""
import json
import sys

BASE = "/work/news9"
LAYERS = ("mediation", "mediation_us", "mediation_eu", "quotes")


def key(s, layer):
    if layer == "quotes":
        return (s["start"], s["end"], s["kind"], s.get("speaker"), s.get("speaker_text"))
    return (s["start"], s["end"], s["polarity"], s["score"], s["holder"])


def main():
    d = sys.argv[1]
    dirs = sys.argv[2:] or ["pass-a", "pass-b"]
    text = open(f"{BASE}/raw/{d}.txt", encoding="utf-8", newline="").read()
    print(f"##### {d}  ({len(text)} chars)")
    print(text)
    files = [json.load(open(f"{BASE}/{p}/{d}.json", encoding="utf-8")) for p in dirs]
    tags = "ABG"
    for layer in LAYERS:
        seen = {}
        for t, f in zip(tags, files):
            for s in f.get(layer, []):
                seen.setdefault(key(s, layer), []).append(t)
        if not seen:
            continue
        print(f"--- {layer}")
        for k in sorted(seen, key=lambda k: (k[0], k[1], str(k[2:]))):
            who = "".join(seen[k])
            print(f"  [{who:<3}] {k[0]}-{k[1]} {k[2:]}: {text[k[0]:k[1]]!r}")


if __name__ == "__main__":
    main()
