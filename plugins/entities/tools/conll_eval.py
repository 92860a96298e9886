#!/usr/bin/env python3
"""CoNLL-2003 through the whole entities analysis (README.md, "Numbers").

    conll_eval.py convert eng.testa docs.jsonl
        One JSONL record per -DOCSTART- document: the tokens joined by
        spaces, one sentence a line, as {"id", "text"}.
    conll_eval.py score eng.testa out.jsonl [--errors FILE]
        Scores `glossa run` output on those records against the CoNLL
        tags: PERSON -> PER, ORG -> ORG, GPE and LOC -> LOC (NORP and
        MISC are left out), exact spans in code points, as conlleval
        counts them. --errors writes the false positives and negatives
        with their sentence.

The CoNLL text stays where it is; nothing of it enters the repository.
"""
import argparse
import json
import sys

MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}
TYPES = ("PER", "ORG", "LOC")
SEP = "\n"


def read_docs(path):
    """[(text, [(start, end, type)])] per document; IOB1 tags read as
    conlleval reads them."""
    docs, sents, cur = [], [], []

    def flush_sent():
        if cur:
            sents.append(list(cur))
            cur.clear()

    def flush_doc():
        flush_sent()
        if sents:
            docs.append(build(sents))
            sents.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields:
                flush_sent()
            elif fields[0] == "-DOCSTART-":
                flush_doc()
            else:
                cur.append((fields[0], fields[-1]))
    flush_doc()
    return docs


def build(sents):
    text, spans, pos = [], [], 0
    for si, sent in enumerate(sents):
        if si:
            text.append(SEP)
            pos += len(SEP)
        prev_type, span = None, None
        for ti, (tok, tag) in enumerate(sent):
            if ti:
                text.append(" ")
                pos += 1
            typ = tag[2:] if tag != "O" else None
            begins = typ is not None and (tag[0] == "B" or typ != prev_type)
            if span and (typ is None or begins):
                spans.append(tuple(span))
                span = None
            if begins:
                span = [pos, pos + len(tok), typ]
            elif typ is not None:
                span[1] = pos + len(tok)
            text.append(tok)
            pos += len(tok)
            prev_type = typ
        if span:
            spans.append(tuple(span))
    return "".join(text), [s for s in spans if s[2] in TYPES]


def convert(args):
    with open(args.out, "w", encoding="utf-8") as out:
        for i, (text, _) in enumerate(read_docs(args.conll)):
            out.write(json.dumps({"id": "%04d" % i, "text": text}) + "\n")


def score(args):
    docs = read_docs(args.conll)
    pred = {}
    with open(args.output, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            ents = rec.get("annotations", {}).get("entities", [])
            if isinstance(ents, dict):
                ents = ents.get("spans", [])
            pred[int(rec["id"])] = {
                (e["start"], e["end"], MAP[e["label"]])
                for e in ents if e["label"] in MAP}
    correct = {t: 0 for t in TYPES}
    ngold = dict(correct)
    npred = dict(correct)
    errors = []
    for i, (text, gold) in enumerate(docs):
        g, p = set(gold), pred.get(i, set())
        for s in g:
            ngold[s[2]] += 1
        for s in p:
            npred[s[2]] += 1
        for s in g & p:
            correct[s[2]] += 1
        for kind, spans in (("FN", g - p), ("FP", p - g)):
            for s in sorted(spans):
                a = text.rfind("\n", 0, s[0]) + 1
                b = text.find("\n", s[1])
                errors.append("%s %s %-4s %s\t| %s" % (
                    "%04d" % i, kind, s[2], text[s[0]:s[1]],
                    text[a:b if b >= 0 else len(text)]))

    def prf(c, g, p):
        pr = c / p if p else 0
        rc = c / g if g else 0
        return 100 * pr, 100 * rc, 200 * pr * rc / (pr + rc) if pr + rc else 0

    print("%-5s %9s %9s %9s %7s" % ("type", "precision", "recall", "F1",
                                    "gold"))
    for t in TYPES:
        print("%-5s %9.2f %9.2f %9.2f %7d" % ((t,) + prf(
            correct[t], ngold[t], npred[t]) + (ngold[t],)))
    c, g, p = (sum(d.values()) for d in (correct, ngold, npred))
    print("%-5s %9.2f %9.2f %9.2f %7d" % (("all",) + prf(c, g, p) + (g,)))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as f:
            f.write("\n".join(errors) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("convert")
    c.add_argument("conll")
    c.add_argument("out")
    s = sub.add_parser("score")
    s.add_argument("conll")
    s.add_argument("output")
    s.add_argument("--errors")
    args = ap.parse_args()
    (convert if args.cmd == "convert" else score)(args)


if __name__ == "__main__":
    sys.exit(main())
