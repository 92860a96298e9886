#!/usr/bin/env python3
"""How much of the dates analyzer's value F1 on TimeBank-style gold is lost
to conventions where the annotation guidelines (section 2) and the gold
disagree.

    convention_gap.py --gold DIR OUTPUT.jsonl

DIR holds gold files ({"id", "dct", "dates": [spans]}), OUTPUT.jsonl is
`glossa run --plugin dates` output. Spans are paired as `glossa eval`
pairs them for relaxed matching (docs/evaluation.md: one-to-one, larger
overlap first, then closer boundaries, then earlier gold start, then
earlier predicted start), so the count of right values is the one
`glossa eval --attr value` reports. Then it counts the pairs whose values
differ only by a convention the guidelines decide the other way:

  week WXX       gold "1989-WXX" for "last week", the guidelines resolve
                 against the DCT ("1989-W44")
  week padding   gold "2000-W7", ISO weeks are zero-padded ("2000-W07")
  decade         gold "199X", the guidelines write "199"
  decades        gold "P20Y", the guidelines write "P2DE"
  time of day    gold the plain date for "Friday night", the guidelines
                 give the part of the day ("1998-10-23TNI")
  later/earlier  gold a date for "a year earlier", "two days later"; the
                 guidelines (section 4) tag only the length, a DURATION
                 ("a year", P1Y) inside the gold span
  end of period  gold the last day for "year-end", "the end of the
                 month"; the guidelines (section 4) give the period
                 ("1989", "1990-08")

and the predicted PRESENT_REF / PAST_REF / FUTURE_REF spans no gold span
pairs with (the guidelines annotate "now", "recently", "soon"; TimeBank
does about two times in three). It prints value F1 as measured and as it
would be with those counted as the guidelines have them.
"""
import argparse
import json
import os
import re
import sys

REFS = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}


LENGTH = re.compile(
    r"(?:about |around |nearly |almost |some |more than |less than |over |"
    r"just |only )?\S+(?: \S+)? (?:years?|months?|weeks?|days?|decades?|"
    r"quarters?|hours?|minutes?) (?:earlier|later)",
    re.I,
)


def convention(gold, pred, gspan=None, pspan=None):
    """The convention that alone makes the two values differ, or None.
    gspan and pspan are the spans (text, label), for the conventions that
    depend on the extent."""
    if not gold or not pred:
        return None
    if gspan and pspan and not gold.startswith("P") and pspan.get("label") == "DURATION":
        gt, pt = gspan["text"], pspan["text"]
        rest = gt[len(pt):].strip().lower() if gt.lower().startswith(pt.lower()) else None
        if LENGTH.fullmatch(gt) and rest in ("earlier", "later"):
            return "later/earlier"
    if gspan and re.search(r"\bend\b", gspan["text"], re.I):
        if re.fullmatch(r"\d{4}-\d\d-\d\d", gold) and pred in (gold[:4], gold[:7]):
            return "end of period"
    if re.fullmatch(r"\d{4}-WXX", gold) and re.fullmatch(r"\d{4}-W\d\d", pred):
        return "week WXX" if gold[:4] == pred[:4] else None
    if re.fullmatch(r"\d{4}-W\d", gold) and pred == gold[:6] + "0" + gold[6]:
        return "week padding"
    if re.fullmatch(r"\d{3}X", gold) and pred == gold[:3]:
        return "decade"
    m = re.fullmatch(r"P(\d+)0Y", gold)
    if m and pred == "P%sDE" % m.group(1):
        return "decades"
    if re.fullmatch(r"\d{4}-\d\d-\d\d", gold) and re.fullmatch(
        re.escape(gold) + r"T(MO|AF|EV|NI)", pred
    ):
        return "time of day"
    return None


def pair(gold, pred):
    """Relaxed one-to-one pairs (gold index, predicted index)."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            empty_same = g["start"] == g["end"] == p["start"] == p["end"]
            if overlap > 0 or empty_same:
                distance = abs(g["start"] - p["start"]) + abs(g["end"] - p["end"])
                candidates.append((-overlap, distance, g["start"], p["start"], i, j))
    candidates.sort()
    used_gold, used_pred, pairs = set(), set(), []
    for *_, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return pairs


def f1(right, predicted, gold):
    p, r = right / predicted, right / gold
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", required=True)
    ap.add_argument("output")
    args = ap.parse_args()
    layers = {}
    with open(args.output, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            layers[record["id"]] = record["annotations"].get("dates", [])
    n_pred = n_gold = right = unpaired_refs = 0
    kinds = {}
    for name in sorted(os.listdir(args.gold)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(args.gold, name), encoding="utf-8") as f:
            doc = json.load(f)
        gold, pred = doc.get("dates", []), layers.get(doc["id"], [])
        n_gold += len(gold)
        n_pred += len(pred)
        pairs = pair(gold, pred)
        paired = {j for _, j in pairs}
        for i, j in pairs:
            g, p = gold[i].get("value"), pred[j].get("value")
            kind = convention(g, p, gold[i], pred[j])
            if g == p:
                right += 1
            elif kind:
                kinds[kind] = kinds.get(kind, 0) + 1
        unpaired_refs += sum(
            1 for j, p in enumerate(pred) if j not in paired and p.get("value") in REFS
        )
    if not n_pred or not n_gold:
        sys.exit("no spans to score")
    print(f"{n_pred} predicted, {n_gold} gold, {right} paired with the right value")
    print(f"value F1 as measured: {f1(right, n_pred, n_gold):.3f}")
    for kind, count in sorted(kinds.items()):
        print(f"  {count:4d}  {kind}")
    print(f"  {unpaired_refs:4d}  *_REF the gold leaves out")
    fixed = right + sum(kinds.values())
    print(f"value F1 with the conventions above as the guidelines have them: "
          f"{f1(fixed, n_pred, n_gold):.3f}")
    print(f"  and the *_REF spans annotated as the guidelines ask: "
          f"{f1(fixed + unpaired_refs, n_pred, n_gold + unpaired_refs):.3f}")


if __name__ == "__main__":
    main()
