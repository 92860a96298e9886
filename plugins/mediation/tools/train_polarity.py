#!/usr/bin/env python3
"""Trains the mediation plugin's learned component: the polarity of a
relevant sentence from the features the rules give it.

    train_polarity.py [--folds K] [--override all|neutral] [--out MODEL.json]
                      FEATURES.jsonl...

FEATURES.jsonl are written by `mediation_devrun --features` (one line per
sentence of a gold relevant span: the corpus, the document, the gold
polarity and the features). The model is multinomial logistic regression
with an L2 penalty over standardised features, fitted by gradient descent
with momentum from zero weights (deterministic: same data, same model).

Hyper-parameters (the penalty and whether classes are weighted by their
inverse frequency) are chosen by cross-validation over the ARTICLES of the
development corpora: the documents of every corpus whose name contains
"dev" are split into K folds (default 10, round robin over their sorted
ids; --folds 0 leaves one article out); every other document (the seed
corpus) is always in training. All sentences of one article are in
one fold, so no article is scored by a model that saw it. The report gives
the cross-validated polarity accuracy and macro-F1 over those sentences,
next to the rules' own verdict on them, for each setting; then the model
is refitted on all the data with the best setting and written to MODEL.json
(default: the plugin's data/model/polarity.json). With --override neutral
the cross-validated decision is the one the plugin takes: the rules' polar
verdicts kept, the classifier's class where the rules said neutral.

Python 3 with NumPy (Debian: python3-numpy).
"""
import argparse
import json
import os
import sys

import numpy as np

CLASSES = ["negative", "neutral", "positive"]
PENALTIES = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
# Multiples of the penalty for the word-vector features, tried with each.
EMB_FACTORS = [1.0, 3.0, 10.0]
ITERATIONS = 150
# Where the classifier decides (--override): "all" = every sentence (the
# shipped model); "neutral" = only the sentences the rules scored neutral,
# their polar verdicts kept (evaluated with nested_cv_polarity.py, not
# adopted: see the README).
OVERRIDE = "all"
STEP = 0.5
MOMENTUM = 0.9


def load(paths):
    """The examples of the feature files, and the feature names."""
    rows, names = [], None
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if names is None:
                    names = list(r["x"])
                elif list(r["x"]) != names:
                    sys.exit(f"{path}: features differ from the first file's")
                rows.append({
                    "article": r["corpus"] + "/" + r["doc"],
                    "dev": "dev" in r["corpus"],
                    "y": CLASSES.index(r["label"]),
                    "x": [r["x"][n] for n in names],
                    "rule": (2 if r["x"]["rule_pos"] else
                             0 if r["x"]["rule_neg"] else 1),
                })
    if not rows:
        sys.exit("no examples")
    return rows, names


def standardiser(x):
    """Mean and 1/std of each feature column (1 for a constant one)."""
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    scale = np.where(std > 1e-6, 1.0 / np.where(std > 1e-6, std, 1.0), 1.0)
    return mean, scale


def fit(rows, names, penalty, balanced, emb_factor=1.0):
    """Weights [class][feature], biases, mean and scale."""
    d = len(names)
    x = np.array([r["x"] for r in rows], dtype=np.float64).reshape(-1, d)
    mean, scale = standardiser(x)
    # The word-vector features ("emb:K") take their own multiple of the
    # penalty: a hundred weak features would otherwise outvote the rules'.
    factor = np.array([emb_factor if n.startswith("emb:") else 1.0
                       for n in names])
    xs = (x - mean) * scale
    ys = np.array([r["y"] for r in rows])
    counts = np.maximum(1, np.bincount(ys, minlength=3))
    cw = len(ys) / (3.0 * counts) if balanced else np.ones(3)
    c = cw[ys] / cw[ys].sum()  # each example's share of the loss
    onehot = np.eye(3)[ys]
    w = np.zeros((3, d))
    b = np.zeros(3)
    vw = np.zeros((3, d))
    vb = np.zeros(3)
    # The penalty adds to the curvature: a smaller step keeps the descent
    # stable for large penalties.
    step = STEP / (1.0 + penalty)
    for _ in range(ITERATIONS):
        z = xs @ w.T + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * c[:, None]
        gw = penalty * factor * w + g.T @ xs
        gb = g.sum(axis=0)
        vw = MOMENTUM * vw - step * gw
        w += vw
        vb = MOMENTUM * vb - step * gb
        b += vb
    return {"w": w.tolist(), "b": b.tolist(), "mean": mean.tolist(),
            "scale": scale.tolist()}


def predict(model, x, rule=1):
    """The class of features x; rule: the rules' verdict, kept when it is
    polar and OVERRIDE is "neutral"."""
    if OVERRIDE == "neutral" and rule != 1:
        return rule
    xs = [(v - m) * s for v, m, s in zip(x, model["mean"], model["scale"])]
    z = [model["b"][k] + sum(wk * xj for wk, xj in zip(model["w"][k], xs))
         for k in range(3)]
    best = 1  # ties go to neutral, as the plugin breaks them
    for k in range(3):
        if z[k] > z[best]:
            best = k
    return best


def scores(gold, pred):
    """Accuracy and macro-F1 over the three classes."""
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    f1s = []
    for k in range(3):
        tp = sum(g == k and p == k for g, p in zip(gold, pred))
        fp = sum(g != k and p == k for g, p in zip(gold, pred))
        fn = sum(g == k and p != k for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return acc, sum(f1s) / 3


def folds_of(rows, k):
    """The dev articles in k folds, in sorted order, round robin."""
    articles = sorted({r["article"] for r in rows if r["dev"]})
    if k <= 0 or k > len(articles):
        k = len(articles)
    return [set(articles[i::k]) for i in range(k)]


def cross_validate(rows, names, folds, penalty, balanced, emb_factor):
    gold, pred = [], []
    for held in folds:
        train = [r for r in rows if r["article"] not in held]
        test = [r for r in rows if r["article"] in held]
        model = fit(train, names, penalty, balanced, emb_factor)
        gold += [r["y"] for r in test]
        pred += [predict(model, r["x"], r["rule"]) for r in test]
    return scores(gold, pred)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("features", nargs="+")
    ap.add_argument("--folds", type=int, default=10,
                    help="folds of dev articles (0: one per article)")
    ap.add_argument("--out", default=os.path.join(
        here, "..", "data", "model", "polarity.json"))
    ap.add_argument("--override", choices=["all", "neutral"], default="all",
                    help="where the classifier decides (model's \"override\")")
    args = ap.parse_args()
    global OVERRIDE
    OVERRIDE = args.override
    rows, names = load(args.features)
    factors = EMB_FACTORS if any(n.startswith("emb:") for n in names) else [1.0]
    folds = folds_of(rows, args.folds)
    dev = [r for r in rows if r["dev"]]
    rule_acc, rule_f1 = scores([r["y"] for r in dev], [r["rule"] for r in dev])
    print(f"{len(rows)} sentences ({len(dev)} in dev articles, "
          f"{len(folds)} folds); the rules alone on dev: "
          f"accuracy {rule_acc:.4f}, macro-F1 {rule_f1:.4f}", file=sys.stderr)
    best = None
    for balanced in (False, True):
        for penalty in PENALTIES:
            for factor in factors:
                acc, f1 = cross_validate(rows, names, folds, penalty, balanced,
                                         factor)
                print(f"  penalty {penalty:<6} balanced {int(balanced)} "
                      f"word vectors x{factor:<4g}: accuracy {acc:.4f}, "
                      f"macro-F1 {f1:.4f}", file=sys.stderr)
                if best is None or f1 > best[0] + 1e-9:
                    best = (f1, acc, penalty, balanced, factor)
    f1, acc, penalty, balanced, factor = best
    print(f"chosen: penalty {penalty}, balanced {int(balanced)}, word vectors "
          f"x{factor:g} (cross-validated macro-F1 {f1:.4f}, "
          f"accuracy {acc:.4f})", file=sys.stderr)
    model = fit(rows, names, penalty, balanced, factor)
    out = {
        "description": "The mediation plugin's learned component: "
                       "multinomial logistic regression over the rules' "
                       "features (see plugins/mediation/README.md). "
                       "Written by tools/train_polarity.py; do not edit.",
        "training": {
            "data": sorted({r["article"].rsplit("/", 1)[0] for r in rows}),
            "sentences": len(rows),
            "dev_sentences": len(dev),
            "penalty": penalty,
            "balanced": balanced,
            "word_vector_penalty_factor": factor,
            "iterations": ITERATIONS,
            "override": OVERRIDE,
            "folds": len(folds),
            "cv_macro_f1": round(f1, 4),
            "cv_accuracy": round(acc, 4),
            "rules_macro_f1": round(rule_f1, 4),
            "rules_accuracy": round(rule_acc, 4),
        },
        "override": OVERRIDE,
        "features": names,
        "mean": [round(v, 6) for v in model["mean"]],
        "scale": [round(v, 6) for v in model["scale"]],
        "weights": {c: [round(v, 6) for v in model["w"][k]]
                    for k, c in enumerate(CLASSES)},
        "bias": {c: round(model["b"][k], 6) for k, c in enumerate(CLASSES)},
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
