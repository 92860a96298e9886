#!/usr/bin/env python3
"""Nested cross-validation of the mediation plugin's learned component:
an estimate of how its polarity decision generalizes in which no
hyper-parameter was chosen on the articles it is scored on.

    nested_cv_polarity.py [--outer K] [--inner J] [--jobs N] FEATURES.jsonl...

FEATURES.jsonl as for train_polarity.py (the files train_polarity.sh
writes; keep them with `TMPDIR`). The dev articles are split into K outer
folds (default 10, as train_polarity.py splits them); for each, the
hyper-parameters are chosen by J-fold cross-validation (default 5, by
article) over the other dev articles only, the model is refitted on them
(and the seed corpus) and scores the held-out fold. Two decisions are
evaluated:

- the classifier alone (train_polarity.py's decision; penalty chosen
  inside, classes weighted by inverse frequency, the setting
  train_polarity.py always chooses);
- the classifier overriding the rules only when its logit margin over the
  rules' verdict exceeds a threshold (penalty and threshold chosen
  inside; an infinite threshold is the rules alone);
- the classifier deciding only where the rules said neutral, their polar
  verdicts kept (penalty chosen inside for this decision):
  `train_polarity.py --override neutral`, a model's "override": "neutral".

Reports macro-F1 and accuracy over all dev sentences and per batch (ids
1xx, 2xx), next to the rules alone. Nothing is written. Deterministic.
Never point it at tests/news/test. Python 3 standard library only.
"""
import argparse
import os
import sys
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_polarity as tp  # noqa: E402

PENALTIES = [0.3, 1.0, 3.0, 10.0]
MARGINS = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, float("inf")]
ARGMAX = -1e9  # a margin below any difference: the plain arg max

ROWS, NAMES, OUTER, INNER = None, [], [], 5


def logits(model, x):
    xs = [(v - m) * s for v, m, s in zip(x, model["mean"], model["scale"])]
    return [model["b"][k] + sum(wk * xj for wk, xj in zip(model["w"][k], xs))
            for k in range(3)]


NEUTRAL_ONLY = "neutral"  # a "margin" that keeps every polar rules verdict


def decide(z, rule, margin):
    if margin == NEUTRAL_ONLY:
        return rule if rule != 1 else decide(z, rule, ARGMAX)
    best = 1  # ties go to neutral
    for k in range(3):
        if z[k] > z[best]:
            best = k
    if best != rule and z[best] - z[rule] <= margin:
        return rule
    return best


def run_outer(i):
    held = OUTER[i]
    train = [r for r in ROWS if r["article"] not in held]
    test = [r for r in ROWS if r["article"] in held]
    arts = sorted({r["article"] for r in train if r["dev"]})
    inner = [set(arts[j::INNER]) for j in range(INNER)]
    oof = {p: [] for p in PENALTIES}
    for p in PENALTIES:
        for ih in inner:
            m = tp.fit([r for r in train if r["article"] not in ih], NAMES, p,
                       True)
            oof[p] += [(r["y"], r["rule"], logits(m, r["x"]))
                       for r in train if r["article"] in ih]

    def f1(p, t):
        return tp.scores([o[0] for o in oof[p]],
                         [decide(o[2], o[1], t) for o in oof[p]])[1]

    # Ties: the first penalty, the smallest margin.
    p0 = max(PENALTIES, key=lambda p: (f1(p, ARGMAX), -PENALTIES.index(p)))
    _, _, _, p1, t1 = max((f1(p, t), -PENALTIES.index(p), -MARGINS.index(t),
                           p, t) for p in PENALTIES for t in MARGINS)
    p2 = max(PENALTIES,
             key=lambda p: (f1(p, NEUTRAL_ONLY), -PENALTIES.index(p)))
    models = {p: tp.fit(train, NAMES, p, True) for p in {p0, p1, p2}}
    out = [(r["article"], r["y"], r["rule"],
            decide(logits(models[p0], r["x"]), r["rule"], ARGMAX),
            decide(logits(models[p1], r["x"]), r["rule"], t1),
            decide(logits(models[p2], r["x"]), r["rule"], NEUTRAL_ONLY))
           for r in test]
    return i, p0, p1, t1, p2, out


def main():
    global ROWS, NAMES, OUTER, INNER
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("features", nargs="+")
    ap.add_argument("--outer", type=int, default=10)
    ap.add_argument("--inner", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    ROWS, NAMES = tp.load(args.features)
    INNER = args.inner
    OUTER = tp.folds_of(ROWS, args.outer)
    with Pool(args.jobs) as pool:
        res = sorted(pool.map(run_outer, range(len(OUTER))))
    out = []
    for i, p0, p1, t1, p2, o in res:
        print(f"outer fold {i}: classifier penalty {p0}; override penalty "
              f"{p1}, margin {t1}; neutral-only penalty {p2}")
        out += o
    batches = [("all dev", lambda a: True),
               ("batch 1", lambda a: a.rsplit("/", 1)[1].startswith("1")),
               ("batch 2", lambda a: a.rsplit("/", 1)[1].startswith("2"))]
    for name, col in (("the rules alone", 2), ("the classifier", 3),
                      ("the classifier over a margin", 4),
                      ("the classifier on the rules' neutral only", 5)):
        cells = []
        for bname, keep in batches:
            sel = [o for o in out if keep(o[0])]
            acc, f = tp.scores([o[1] for o in sel], [o[col] for o in sel])
            cells.append(f"{bname} {f:.4f} (accuracy {acc:.4f}, n {len(sel)})")
        print(f"{name}: macro-F1 " + "; ".join(cells))


if __name__ == "__main__":
    main()
