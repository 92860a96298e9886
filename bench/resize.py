#!/usr/bin/env python3
"""The same text in documents of another size, for the fixed cost per
document (docs/performance.md, issue 21).

    bench/resize.py KB < corpus.jsonl > resized.jsonl

Reads a corpus of bench/gen_corpus, takes the paragraphs of its documents
in order ("\\n\\n" separates them) and writes them again as documents of at
least KB kilobytes (1,000 bytes) of text, whole paragraphs each (the last
document may be shorter). A new document keeps the id and metadata of the
document its first paragraph came from, with "-N" added to the id. The
paragraphs, and so nearly all bytes of text, are the same whatever KB:
only the number of documents and the separators at their ends differ.
"""
import json
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench/resize.py KB < corpus.jsonl > resized.jsonl")
    target = int(float(sys.argv[1]) * 1000)
    out = sys.stdout
    paras, size, first, count = [], 0, None, 0

    def flush():
        nonlocal paras, size, first, count
        if paras:
            rec = {"id": "%s-%d" % (first["id"], count),
                   "text": "\n\n".join(paras)}
            if "meta" in first:
                rec["meta"] = first["meta"]
            out.write(json.dumps(rec, ensure_ascii=False,
                                 separators=(",", ":")) + "\n")
            count += 1
        paras, size, first = [], 0, None

    for line in sys.stdin:
        rec = json.loads(line)
        for p in rec["text"].split("\n\n"):
            if first is None:
                first = rec
            paras.append(p)
            size += len(p.encode("utf-8")) + 2
            if size >= target:
                flush()
    flush()


if __name__ == "__main__":
    main()
