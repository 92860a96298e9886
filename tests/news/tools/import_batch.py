#!/usr/bin/env python3
"""Imports an annotated news batch (ids N01...) into one half of tests/news.

usage: import_batch.py [--stance-only] SRC N HALF   (SRC = the batch folder: raw/ with its
                                     manifest.jsonl, gold/, pass-a/,
                                     pass-b/, adjudicated/, *.md, tools/;
                                     N = the batch number; HALF = dev|test)

Batches 3 and later go to one half whole (batch 2's split by position is
tools/import_batch2.py): batch 3 (301-346) and batch 5 (501-545) to test,
each collected and annotated after a round of the mediation and quotes
rules was frozen, to measure that code on articles nobody had read;
batch 4 (401-450) to dev, to develop on. Batches 6-8 (601-641,
701-744, 801-842) to dev and batch 9 (901-943) to test were annotated for
the stance layers and quotes only (--stance-only): their gold has no
`entities` or `dates`, which `glossa eval` then does not score. It copies
text, gold and manifest line of each document to HALF/ (manifest sorted
by id), and the annotation passes, the adjudicated spans and the records
to annotation/batch-N/.
Re-running it on the same SRC gives the same result.
"""
import json
import os
import shutil
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
news = os.path.dirname(here)


def copy_dir(src, dst, keep=lambda name: True):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if os.path.isfile(path) and keep(name):
            shutil.copyfile(path, os.path.join(dst, name))


def strip_unannotated(folder):
    """Drops the layers a stance-only batch did not annotate (written as
    empty lists by its annotators) from its .ann.json files, so that the
    gold says "not annotated" rather than "nothing there"."""
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".ann.json"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as f:
            ann = json.load(f)
        for layer in STANCE_ONLY_DROPS:
            if ann.pop(layer, None):
                sys.exit("%s: %s is not empty in a stance-only batch"
                         % (path, layer))
        with open(path, "w", encoding="utf-8") as f:
            json.dump(ann, f, ensure_ascii=False, indent=1)
            f.write("\n")


STANCE_ONLY_DROPS = ("entities", "dates")


def main():
    args = sys.argv[1:]
    stance_only = "--stance-only" in args
    args = [a for a in args if a != "--stance-only"]
    if len(args) != 3 or args[2] not in ("dev", "test"):
        sys.exit("usage: import_batch.py [--stance-only] SRC N dev|test")
    src, batch, half = args
    with open(os.path.join(src, "raw", "manifest.jsonl"), encoding="utf-8") as f:
        docs = [json.loads(l) for l in f if l.strip()]
    for m in docs:
        m.pop("heldout_check", None)  # every item passed; COLLECTION.md says so
    path = os.path.join(news, half, "manifest.jsonl")
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(l) for l in f if l.strip()]
    have = {m["id"] for m in lines}
    for m in docs:
        if m["id"] not in have:
            lines.append(m)
        shutil.copyfile(os.path.join(src, "raw", m["id"] + ".txt"),
                        os.path.join(news, half, m["id"] + ".txt"))
        if not stance_only:
            shutil.copyfile(os.path.join(src, "gold", m["id"] + ".json"),
                            os.path.join(news, half, "gold", m["id"] + ".json"))
    lines.sort(key=lambda m: m["id"])
    with open(path, "w", encoding="utf-8") as f:
        for m in lines:
            f.write(json.dumps(m, ensure_ascii=False) + "\n")
    dst = os.path.join(news, "annotation", "batch-" + batch)
    annotation = lambda name: name.endswith((".json", ".md"))
    for name in ("pass-a", "pass-b", "adjudicated"):
        copy_dir(os.path.join(src, name), os.path.join(dst, name), annotation)
    if stance_only:
        # The gold is what resolve.py makes of the adjudicated spans without
        # the unannotated layers (tools/rederive.py checks it).
        strip_unannotated(os.path.join(dst, "adjudicated"))
        for m in docs:
            adj = os.path.join(dst, "adjudicated", m["id"] + ".ann.json")
            out = subprocess.run(
                [sys.executable, os.path.join(here, "resolve.py"), adj,
                 os.path.join(news, half, m["id"] + ".txt")],
                capture_output=True, text=True, check=True).stdout
            with open(os.path.join(news, half, "gold", m["id"] + ".json"),
                      "w", encoding="utf-8") as f:
                f.write(out)
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
    print("imported %d documents into %s" % (len(docs), half))


if __name__ == "__main__":
    main()
