#!/usr/bin/env python3
"""Imports the third annotated news batch (301-346) into tests/news.

usage: import_batch3.py SRC   (SRC = the batch folder: raw/ with its
                               manifest.jsonl, gold/, pass-a/, pass-b/,
                               adjudicated/, *.md, tools/)

Batch 3 was collected and annotated after round 3 of the mediation and
quotes rules was frozen, to measure that code on articles nobody had
read while writing it. All of it goes to test/ (the test half had been
scored twice before; dev stays at batch 1's and batch 2's 90 articles).
It copies text, gold and manifest line of each document to test/
(manifest sorted by id), and the annotation passes, the adjudicated
spans and the records to annotation/batch-3/.
Re-running it on the same SRC gives the same result.
"""
import json
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
news = os.path.dirname(here)


def copy_dir(src, dst, keep=lambda name: True):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path) and keep(name):
            shutil.copyfile(path, os.path.join(dst, name))


def main():
    src = sys.argv[1]
    with open(os.path.join(src, "raw", "manifest.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(l) for l in f if l.strip()]
    for m in docs:
        m.pop("heldout_check", None)  # every item passed; COLLECTION.md says so
    path = os.path.join(news, "test", "manifest.jsonl")
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    have = {m["id"] for m in lines}
    for m in docs:
        if m["id"] not in have:
            lines.append(m)
        shutil.copyfile(os.path.join(src, "raw", m["id"] + ".txt"),
                        os.path.join(news, "test", m["id"] + ".txt"))
        shutil.copyfile(os.path.join(src, "gold", m["id"] + ".json"),
                        os.path.join(news, "test", "gold", m["id"] + ".json"))
    lines.sort(key=lambda m: m["id"])
    with open(path, "w", encoding="utf-8") as f:
        for m in lines:
            f.write(json.dumps(m, ensure_ascii=False) + "\n")
    dst = os.path.join(news, "annotation", "batch-3")
    annotation = lambda name: name.endswith((".json", ".md"))
    for name in ("pass-a", "pass-b", "adjudicated"):
        copy_dir(os.path.join(src, name), os.path.join(dst, name), annotation)
    for name in sorted(os.listdir(src)):
        if name.endswith(".md"):
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
    tools = os.path.join(src, "tools")
    for name in sorted(os.listdir(tools)):
        path = os.path.join(tools, name)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(dst, "tools", name),
                            dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        elif name != "resolve.py":  # the tree's own tools/resolve.py
            os.makedirs(os.path.join(dst, "tools"), exist_ok=True)
            shutil.copyfile(path, os.path.join(dst, "tools", name))
    print("imported %d documents into test" % len(docs))


if __name__ == "__main__":
    main()
