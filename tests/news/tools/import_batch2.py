#!/usr/bin/env python3
"""Imports the second annotated news batch (201-293) into tests/news.

usage: import_batch2.py SRC   (SRC = the batch folder: raw/, gold/, ann-A/,
                               ann-B/, adjudicated/, *.md, tools/)

- drops 228 (near-copy of seed 004), 208 (garbled machine translation) and
  285 (an automatically reworded copy of 284); 247 was never part of it;
- maps outlet_kind to the first batch's vocabulary: russian -> russian-state,
  think_tank -> think-tank, except the independent/exiled Russian outlets
  232 (Novaya Gazeta Europe) and 248 (Free Russia Forum) -> other (as the
  first batch files The Moscow Times);
- splits by document: sorted by (mediator, outlet_kind, date, id), positions
  0 and 1 of every 3 go to dev, position 2 to test;
- copies text, gold and manifest line to dev/ or test/ (manifests sorted by
  id), and the annotation passes to annotation/batch-2/.
Re-running it on the same SRC gives the same result.
"""
import json
import os
import shutil
import sys

DROP = {"228", "208", "285"}
KIND = {"russian": "russian-state", "think_tank": "think-tank"}
NOT_STATE = {"232", "248"}

here = os.path.dirname(os.path.abspath(__file__))
news = os.path.dirname(here)


def main():
    src = sys.argv[1]
    docs = []
    with open(os.path.join(src, "raw", "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            m = json.loads(line)
            if m["id"] in DROP:
                continue
            kind = m["outlet_kind"]
            if m["id"] in NOT_STATE:
                kind = "other"
            m["outlet_kind"] = KIND.get(kind, kind)
            docs.append(m)
    docs.sort(key=lambda m: (m["mediator"], m["outlet_kind"],
                             m.get("published") or m.get("published_month"),
                             m["id"]))
    split = {}
    for i, m in enumerate(docs):
        split[m["id"]] = "test" if i % 3 == 2 else "dev"
    for half in ("dev", "test"):
        path = os.path.join(news, half, "manifest.jsonl")
        with open(path, encoding="utf-8") as f:
            lines = [json.loads(l) for l in f if l.strip()]
        have = {m["id"] for m in lines}
        for m in docs:
            if split[m["id"]] != half:
                continue
            if m["id"] not in have:
                lines.append(m)
            shutil.copyfile(os.path.join(src, "raw", m["id"] + ".txt"),
                            os.path.join(news, half, m["id"] + ".txt"))
            shutil.copyfile(os.path.join(src, "gold", m["id"] + ".json"),
                            os.path.join(news, half, "gold", m["id"] + ".json"))
        lines.sort(key=lambda m: m["id"])
        with open(path, "w", encoding="utf-8") as f:
            for m in lines:
                f.write(json.dumps(m, ensure_ascii=False) + "\n")
    dst = os.path.join(news, "annotation", "batch-2")
    for a, b in (("ann-A", "pass-a"), ("ann-B", "pass-b"),
                 ("adjudicated", "adjudicated")):
        os.makedirs(os.path.join(dst, b), exist_ok=True)
        for name in sorted(os.listdir(os.path.join(src, a))):
            if name.split(".")[0] in DROP:
                continue
            shutil.copyfile(os.path.join(src, a, name), os.path.join(dst, b, name))
    for name in ("AGREEMENT.md", "ADJUDICATION.md", "COLLECTION.md",
                 "ANNOTATION_TASK.md"):
        shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
    os.makedirs(os.path.join(dst, "tools"), exist_ok=True)
    for name in ("keep.py", "notes.txt", "counts.json"):
        shutil.copyfile(os.path.join(src, "tools", name),
                        os.path.join(dst, "tools", name))
    shutil.copytree(os.path.join(src, "tools", "adjudication"),
                    os.path.join(dst, "tools", "adjudication"),
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    n = {"dev": 0, "test": 0}
    for m in docs:
        n[split[m["id"]]] += 1
    print("imported %d documents: dev %d, test %d" % (len(docs), n["dev"], n["test"]))


if __name__ == "__main__":
    main()
