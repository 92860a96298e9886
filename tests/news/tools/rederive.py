#!/usr/bin/env python3
"""Checks that every gold file is what resolve.py makes of its adjudicated spans.

usage: rederive.py [NEWS_DIR]
Batch 1 (ids 1xx): annotation/adjudicated/NNN.ann.json; batch N >= 2 (ids
Nxx): annotation/batch-N/adjudicated/NNN.ann.json. Exit status 1 on any difference.
"""
import os
import subprocess
import sys

news = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
resolve = os.path.join(news, "tools", "resolve.py")
bad = n = 0
for half in ("dev", "test"):
    for name in sorted(os.listdir(os.path.join(news, half, "gold"))):
        doc = name[:-5]
        batch = "" if doc < "200" else "batch-" + doc[0]
        adj = os.path.join(news, "annotation", batch, "adjudicated",
                           doc + ".ann.json")
        out = subprocess.run([sys.executable, resolve, adj,
                              os.path.join(news, half, doc + ".txt")],
                             capture_output=True, text=True)
        with open(os.path.join(news, half, "gold", name), encoding="utf-8") as f:
            gold = f.read()
        n += 1
        if out.returncode != 0 or out.stdout != gold:
            bad += 1
            print("differs: %s/%s" % (half, doc))
print("%d gold files, %d differ" % (n, bad))
sys.exit(1 if bad else 0)
