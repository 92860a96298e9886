#!/usr/bin/env python3
"""Turns an annotator's span list into a gold file with code-point offsets.

usage: resolve.py ANN.json TEXT.txt > GOLD.json     (prints a check to stderr)

ANN.json:
{
  "id": "127", "dct": "2023-09-20",
  "entities":  [[text, label, canonical, {extras}], ...],
  "dates":     [[text, label, value, {extras}], ...],
  "mediation": [[text, polarity, score, holder, {extras}], ...],
  "mediation_us": [...same shape...], "mediation_eu": [...same shape...],
  "quotes":    [[text, kind, speaker, {extras}], ...]
}
Each list is in document order. A span's text is searched from the end of
the previous span of the same list (so repeated words resolve in order).
extras (optional object):
  "nth": k        take the k-th occurrence after that point (default 1)
  "after": "..."  search only after the first occurrence of this string
                  (itself searched from the previous span's end)
  any other key is copied into the span (refers_to, anchor, speaker_text).
"""
import json
import sys

LABELS = {
    "entities": {"PERSON", "ORG", "GPE", "LOC", "NORP"},
    "dates": {"DATE", "TIME", "DURATION", "SET"},
}
POLARITY = {"positive", "negative", "neutral"}
KINDS = {"direct", "reported"}
MEDIATION_LAYERS = ("mediation", "mediation_us", "mediation_eu")


def fail(msg):
    print("error: " + msg, file=sys.stderr)
    sys.exit(1)


def find(text, needle, cursor, extras, where):
    pos = cursor
    if "after" in extras:
        a = text.find(extras["after"], pos)
        if a < 0:
            fail(f"{where}: 'after' string {extras['after']!r} not found")
        pos = a + len(extras["after"])
    for _ in range(int(extras.get("nth", 1))):
        i = text.find(needle, pos)
        if i < 0:
            fail(f"{where}: {needle!r} not found after offset {cursor}")
        pos = i + 1
    return i


def split_extras(item, n):
    if len(item) == n + 1 and isinstance(item[n], dict):
        return list(item[:n]), dict(item[n])
    if len(item) != n:
        fail(f"span {item!r} should have {n} fields (+ optional extras)")
    return list(item), {}


def resolve_layer(text, name, items, n_fields):
    cursor, out = 0, []
    for k, item in enumerate(items):
        fields, extras = split_extras(item, n_fields)
        needle = fields[0]
        if not isinstance(needle, str) or not needle:
            fail(f"{name}[{k}]: empty text")
        where = f"{name}[{k}] {needle[:40]!r}"
        start = find(text, needle, cursor, extras, where)
        end = start + len(needle)
        cursor = end
        extras.pop("nth", None)
        extras.pop("after", None)
        out.append((start, end, fields, extras, where))
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ann = json.load(open(sys.argv[1], encoding="utf-8"))
    with open(sys.argv[2], encoding="utf-8", newline="") as f:
        text = f.read()
    gold = {"id": ann["id"], "dct": ann.get("dct")}
    report = []
    for name in ("entities", "dates"):
        if name not in ann:
            continue  # not annotated in this batch (batches 6-9: stance only)
        spans = []
        for s, e, (t, label, val), extras, where in resolve_layer(
                text, name, ann.get(name, []), 3):
            if label not in LABELS[name]:
                fail(f"{where}: label {label!r}")
            key = "canonical" if name == "entities" else "value"
            span = {"start": s, "end": e, "text": t, "label": label, key: val}
            span.update(extras)
            spans.append(span)
            report.append(f"{name:9} {s:5}-{e:<5} {label:8} {t!r} -> {val!r}"
                          + (f" {extras}" if extras else ""))
        gold[name] = spans
    for name in MEDIATION_LAYERS:
        if name not in ann:
            continue
        spans = []
        for s, e, (t, pol, score, holder), extras, where in resolve_layer(
                text, name, ann[name], 4):
            if pol not in POLARITY:
                fail(f"{where}: polarity {pol!r}")
            score = float(score)
            if not -1 <= score <= 1 or (pol == "neutral") != (score == 0) or \
                    (pol == "positive" and score <= 0) or \
                    (pol == "negative" and score >= 0):
                fail(f"{where}: score {score} does not agree with {pol}")
            span = {"start": s, "end": e, "text": t, "polarity": pol,
                    "holder": holder, "score": score}
            span.update(extras)
            spans.append(span)
            report.append(f"{name:9} {s:5}-{e:<5} {pol:8} {score:+.1f} "
                          f"{holder!r}: {t[:70]!r}")
        gold[name] = spans
        scores = [x["score"] for x in spans]
        # Rounded before the comparison, so that a mean of exactly 0.05
        # (summed in binary floating point) is not neutral.
        mean = round(sum(scores) / len(scores), 4) if scores else 0.0
        label = "neutral" if abs(mean) < 0.05 else (
            "positive" if mean > 0 else "negative")
        gold[name + "_document"] = {
            "label": label, "mean_score": mean,
            "n_relevant": len(spans),
            "counts": {p: sum(1 for x in spans if x["polarity"] == p)
                       for p in ("positive", "negative", "neutral")}}
    spans = []
    for s, e, (t, kind, speaker), extras, where in resolve_layer(
            text, "quotes", ann.get("quotes", []), 3):
        if kind not in KINDS:
            fail(f"{where}: kind {kind!r}")
        span = {"start": s, "end": e, "text": t, "kind": kind,
                "speaker": speaker}
        span.update(extras)
        spans.append(span)
        report.append(f"quotes    {s:5}-{e:<5} {kind:8} {speaker!r}: "
                      f"{t[:60]!r}")
    gold["quotes"] = spans
    json.dump(gold, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
    print("\n".join(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
