#!/usr/bin/env python3
"""Inter-annotator agreement between two folders of resolved gold files.

usage: agreement.py DIR_A DIR_B [--title TEXT]

Reads DIR_A/NNN.json and DIR_B/NNN.json (the resolved files written by
resolve.py, code-point offsets) for every document id present in both
folders and prints a Markdown report:

entities      exact (start, end, label) P/R/F1 per label and micro-averaged
              (DIR_A is the reference: recall = matched / |A|, precision =
              matched / |B|; F1 is symmetric); canonical agreement over
              exact-span (start, end) matches; refers_to agreement over the
              same matches (absent == absent), and over the matches where at
              least one side has a refers_to.
dates         strict F1 (exact start/end), relaxed F1 (overlap, one-to-one,
              greedy by overlap size); value and label agreement over the
              relaxed matches; anchor agreement over relaxed matches.
mediation*    relevance F1 (sentence spans matched when they overlap,
              one-to-one, greedy by overlap size); over matched pairs:
              polarity agreement, Cohen's kappa for polarity, holder
              agreement (exact string, null == null), mean absolute score
              difference; document label agreement from
              "<layer>_document" (all documents, and documents where at
              least one side has a relevant sentence).
quotes        overlap F1 (one-to-one, greedy); over matched pairs: kind
              agreement, speaker agreement (exact canonical string, null ==
              null); also exact-extent F1.
"""
import json
import os
import re
import sys
from collections import Counter

MED_LAYERS = ("mediation", "mediation_us", "mediation_eu")
ENT_LABELS = ("PERSON", "GPE", "LOC", "ORG", "NORP")
POLARITIES = ("positive", "negative", "neutral")


def load_dir(d):
    out = {}
    for name in sorted(os.listdir(d)):
        m = re.fullmatch(r"(\d+)\.json", name)
        if m:
            with open(os.path.join(d, name), encoding="utf-8") as f:
                out[m.group(1)] = json.load(f)
    return out


def prf(tp, n_a, n_b):
    """A is the reference: recall = tp/|A|, precision = tp/|B|."""
    p = tp / n_b if n_b else (1.0 if n_a == 0 else 0.0)
    r = tp / n_a if n_a else (1.0 if n_b == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def overlap(a, b):
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def greedy_overlap(xs, ys):
    """One-to-one matching of overlapping spans, largest overlap first."""
    cands = []
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            o = overlap(x, y)
            if o > 0:
                cands.append((-o, abs(x["start"] - y["start"]), i, j))
    cands.sort()
    used_x, used_y, pairs = set(), set(), []
    for _, _, i, j in cands:
        if i in used_x or j in used_y:
            continue
        used_x.add(i)
        used_y.add(j)
        pairs.append((xs[i], ys[j]))
    return pairs


def exact_pairs(xs, ys, key):
    """One-to-one matching of spans with equal key(span)."""
    pool = {}
    for y in ys:
        pool.setdefault(key(y), []).append(y)
    pairs = []
    for x in xs:
        lst = pool.get(key(x))
        if lst:
            pairs.append((x, lst.pop(0)))
    return pairs


def kappa(pairs):
    n = len(pairs)
    if not n:
        return None
    po = sum(1 for a, b in pairs if a == b) / n
    ca = Counter(a for a, _ in pairs)
    cb = Counter(b for _, b in pairs)
    pe = sum(ca[c] * cb[c] for c in set(ca) | set(cb)) / (n * n)
    if pe >= 1:
        return None if po < 1 else 1.0
    return (po - pe) / (1 - pe)


def ratio(k, n):
    return (k / n) if n else None


def fmt(x, pct=False):
    if x is None:
        return "n/a"
    return f"{x:.3f}"


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    title = None
    if "--title" in argv:
        title = argv[argv.index("--title") + 1]
        args = [a for a in args if a != title]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    dir_a, dir_b = args
    A, B = load_dir(dir_a), load_dir(dir_b)
    ids = sorted(set(A) & set(B))
    only = sorted(set(A) ^ set(B))
    rows = []  # (layer, measure, value, n)

    # ---------------- entities
    per_label = {l: [0, 0, 0] for l in ENT_LABELS}  # tp, nA, nB
    tp = na = nb = 0
    span_pairs = []
    for d in ids:
        ea, eb = A[d].get("entities", []), B[d].get("entities", [])
        for e in ea:
            per_label.setdefault(e["label"], [0, 0, 0])[1] += 1
        for e in eb:
            per_label.setdefault(e["label"], [0, 0, 0])[2] += 1
        for x, _ in exact_pairs(ea, eb,
                                lambda s: (s["start"], s["end"], s["label"])):
            per_label[x["label"]][0] += 1
        tp += len(exact_pairs(ea, eb,
                              lambda s: (s["start"], s["end"], s["label"])))
        na += len(ea)
        nb += len(eb)
        span_pairs += exact_pairs(ea, eb, lambda s: (s["start"], s["end"]))
    ent_table = []
    for l, (t, x, y) in per_label.items():
        p, r, f = prf(t, x, y)
        ent_table.append((l, x, y, t, p, r, f))
    p, r, f = prf(tp, na, nb)
    ent_table.append(("micro", na, nb, tp, p, r, f))
    canon = sum(1 for a, b in span_pairs
                if a.get("canonical") == b.get("canonical"))
    ref_all = sum(1 for a, b in span_pairs
                  if a.get("refers_to") == b.get("refers_to"))
    ref_some = [(a, b) for a, b in span_pairs
                if a.get("refers_to") or b.get("refers_to")]
    ref_some_ok = sum(1 for a, b in ref_some
                      if a.get("refers_to") == b.get("refers_to"))
    rows.append(("entities", "exact (start, end, label) micro F1", f, f"{tp}/{na}/{nb}"))
    rows.append(("entities", "canonical agreement (exact-span matches)",
                 ratio(canon, len(span_pairs)), len(span_pairs)))
    rows.append(("entities", "refers_to agreement (exact-span matches)",
                 ratio(ref_all, len(span_pairs)), len(span_pairs)))
    rows.append(("entities", "refers_to agreement (matches where either has one)",
                 ratio(ref_some_ok, len(ref_some)), len(ref_some)))

    # ---------------- dates
    s_tp = r_n = na = nb = 0
    val = lab = anc = 0
    for d in ids:
        da, db = A[d].get("dates", []), B[d].get("dates", [])
        na += len(da)
        nb += len(db)
        s_tp += len(exact_pairs(da, db, lambda s: (s["start"], s["end"])))
        pairs = greedy_overlap(da, db)
        r_n += len(pairs)
        val += sum(1 for a, b in pairs if a.get("value") == b.get("value"))
        lab += sum(1 for a, b in pairs if a.get("label") == b.get("label"))
        anc += sum(1 for a, b in pairs if a.get("anchor") == b.get("anchor"))
    rows.append(("dates", "strict F1 (exact extent)", prf(s_tp, na, nb)[2],
                 f"{s_tp}/{na}/{nb}"))
    rows.append(("dates", "relaxed F1 (overlap)", prf(r_n, na, nb)[2],
                 f"{r_n}/{na}/{nb}"))
    rows.append(("dates", "value agreement (relaxed matches)", ratio(val, r_n), r_n))
    rows.append(("dates", "label agreement (relaxed matches)", ratio(lab, r_n), r_n))
    rows.append(("dates", "anchor agreement (relaxed matches)", ratio(anc, r_n), r_n))

    # ---------------- mediation layers
    for layer in MED_LAYERS:
        n_m = na = nb = 0
        pol = hold = 0
        sdiff = 0.0
        pol_pairs = []
        doc_ok = doc_n = doc_ok_rel = doc_n_rel = 0
        for d in ids:
            ma, mb = A[d].get(layer, []), B[d].get(layer, [])
            na += len(ma)
            nb += len(mb)
            pairs = greedy_overlap(ma, mb)
            n_m += len(pairs)
            for a, b in pairs:
                pol += a["polarity"] == b["polarity"]
                hold += a.get("holder") == b.get("holder")
                sdiff += abs(float(a.get("score", 0)) - float(b.get("score", 0)))
                pol_pairs.append((a["polarity"], b["polarity"]))
            la = (A[d].get(layer + "_document") or {}).get("label", "neutral")
            lb = (B[d].get(layer + "_document") or {}).get("label", "neutral")
            doc_n += 1
            doc_ok += la == lb
            if ma or mb:
                doc_n_rel += 1
                doc_ok_rel += la == lb
        rows.append((layer, "relevance F1 (overlap)", prf(n_m, na, nb)[2],
                     f"{n_m}/{na}/{nb}"))
        rows.append((layer, "polarity agreement (matched)", ratio(pol, n_m), n_m))
        rows.append((layer, "polarity Cohen's kappa (matched)", kappa(pol_pairs), n_m))
        rows.append((layer, "holder agreement (matched)", ratio(hold, n_m), n_m))
        rows.append((layer, "mean |score difference| (matched)",
                     (sdiff / n_m) if n_m else None, n_m))
        rows.append((layer, "document label agreement (all docs)",
                     ratio(doc_ok, doc_n), doc_n))
        rows.append((layer, "document label agreement (docs with spans)",
                     ratio(doc_ok_rel, doc_n_rel), doc_n_rel))

    # ---------------- quotes
    n_m = na = nb = ex = 0
    kind = spk = 0
    for d in ids:
        qa, qb = A[d].get("quotes", []), B[d].get("quotes", [])
        na += len(qa)
        nb += len(qb)
        ex += len(exact_pairs(qa, qb, lambda s: (s["start"], s["end"])))
        pairs = greedy_overlap(qa, qb)
        n_m += len(pairs)
        kind += sum(1 for a, b in pairs if a.get("kind") == b.get("kind"))
        spk += sum(1 for a, b in pairs if a.get("speaker") == b.get("speaker"))
    rows.append(("quotes", "overlap F1", prf(n_m, na, nb)[2], f"{n_m}/{na}/{nb}"))
    rows.append(("quotes", "exact-extent F1", prf(ex, na, nb)[2], f"{ex}/{na}/{nb}"))
    rows.append(("quotes", "kind agreement (matched)", ratio(kind, n_m), n_m))
    rows.append(("quotes", "speaker agreement (matched)", ratio(spk, n_m), n_m))

    # ---------------- print
    out = []
    out.append(f"### {title or f'{dir_a} vs {dir_b}'}")
    out.append("")
    out.append(f"Documents compared: {len(ids)}"
               + (f" (in one folder only: {', '.join(only)})" if only else "")
               + f". Reference (A) = `{dir_a}`, B = `{dir_b}`. "
               "n = matched pairs, or matched/|A|/|B| for F1 rows.")
    out.append("")
    out.append("| layer | measure | value | n |")
    out.append("|---|---|---:|---:|")
    for layer, measure, value, n in rows:
        out.append(f"| {layer} | {measure} | {fmt(value)} | {n} |")
    out.append("")
    out.append("Entities per label (exact start, end, label):")
    out.append("")
    na_, nb_ = os.path.basename(os.path.normpath(dir_a)), os.path.basename(os.path.normpath(dir_b))
    out.append(f"| label | {na_} | {nb_} | matched | P | R | F1 |")
    out.append("|---|---:|---:|---:|---:|---:|---:|")
    for l, x, y, t, p, r, f in ent_table:
        out.append(f"| {l} | {x} | {y} | {t} | {p:.3f} | {r:.3f} | {f:.3f} |")
    out.append("")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
