#!/usr/bin/env python3
"""Cross-validated macro-F1 of the learned component over a chosen set of
features: how a candidate feature is judged before it is kept.

    cv_feature_sets.py NAME --dir FEATURES_DIR[,FEATURES_DIR...]
                       [--model MODEL.json] [--add NAMES] [--drop NAMES]
                       [--factors 1,3,10] [--full] [--stepfix]
                       [--nested --penalties 0.1,0.3]

FEATURES_DIR holds the feature files train_polarity.sh writes when
FEATURES_DIR is set (seed-russia-layers.features.jsonl ... dev-eu-gold;
FEATURES_ONLY=1 stops it there); the features used are those the model
file names (default the shipped data/model/polarity.json), plus those
named by --add, minus those named by --drop (comma-separated; a trailing
"*" is a prefix: "embl:*"). It runs
train_polarity.py's cross-validation (10 folds of dev articles, the seed
always in training, the same fit) over a grid and prints the best
setting's macro-F1 over the dev sentences: by default classes weighted
(the setting train_polarity.py has always chosen), penalties 0.03 to 1
and the word vectors' factors; --full: train_polarity.py's whole grid.
The best of a grid is slightly optimistic, for the candidate and the
baseline alike; a kept feature is confirmed by nested cross-validation.
--stepfix scales the descent's step by the word vectors' penalty too
(train_polarity.py's step diverges at penalty 3 and 10 with factor 10).

--nested: nested cross-validation instead, no figure tuned on the
articles it scores: in each of the 10 outer folds the penalty
(--penalties), the factor and, with several FEATURES_DIRs (the same
sentences written with different rules, e.g. another
`embedding_window`), the directory are chosen by 5-fold CV by article
over the other dev articles (classes weighted); prints the outer
macro-F1 and each fold's choice.
Nothing is written but NAME's grid in $TMPDIR. Never point it at
tests/news/test.
"""
import argparse
import json
import os
import sys
import tempfile
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_polarity as tp  # noqa: E402

ORDER = ["seed-russia-layers", "seed-russia-gold", "dev-russia-layers",
         "dev-russia-gold", "dev-us-layers", "dev-us-gold", "dev-eu-layers",
         "dev-eu-gold"]
ROWS, NAMES, FOLDS = None, None, None
XS, SETTINGS = [], []


def fit_stepfix(rows, names, penalty, balanced, emb_factor=1.0):
    old = tp.STEP
    tp.STEP = old * (1.0 + penalty) / (1.0 + penalty * max(1.0, emb_factor))
    try:
        return FIT(rows, names, penalty, balanced, emb_factor)
    finally:
        tp.STEP = old


FIT = tp.fit


def matches(name, patterns):
    return any(p and (name == p or (p.endswith("*") and
                                    name.startswith(p[:-1])))
               for p in patterns)


def run(setting):
    balanced, penalty, factor = setting
    return setting, tp.cross_validate(ROWS, NAMES, FOLDS, penalty, balanced,
                                      factor)


def view(d):
    """The rows with the features of directory d."""
    return [dict(r, x=XS[d][i]) for i, r in enumerate(ROWS)]


def run_outer(i):
    held = FOLDS[i]
    arts = sorted({r["article"] for r in ROWS
                   if r["dev"] and r["article"] not in held})
    inner = [set(arts[j::5]) for j in range(5)]
    best = None
    for d, penalty, factor in SETTINGS:
        train = [r for r in view(d) if r["article"] not in held]
        gold, pred = [], []
        for ih in inner:
            m = tp.fit([r for r in train if r["article"] not in ih], NAMES,
                       penalty, True, factor)
            sel = [r for r in train if r["article"] in ih and r["dev"]]
            gold += [r["y"] for r in sel]
            pred += [tp.predict(m, r["x"]) for r in sel]
        f1 = tp.scores(gold, pred)[1]
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, d, penalty, factor)
    _, d, penalty, factor = best
    rows = view(d)
    m = tp.fit([r for r in rows if r["article"] not in held], NAMES, penalty,
               True, factor)
    return i, best, [(r["y"], tp.predict(m, r["x"])) for r in rows
                     if r["article"] in held and r["dev"]]


def main():
    global ROWS, NAMES, FOLDS, XS, SETTINGS
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("name")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--model", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "model",
        "polarity.json"))
    ap.add_argument("--add", default="")
    ap.add_argument("--drop", default="")
    ap.add_argument("--factors", default="1,3,10")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--stepfix", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--nested", action="store_true")
    ap.add_argument("--penalties", default="0.1,0.3")
    args = ap.parse_args()
    if args.stepfix:
        tp.fit = fit_stepfix
    dirs = args.dir.split(",")
    with open(args.model, encoding="utf-8") as f:
        base_names = set(json.load(f)["features"])
    add, drop = args.add.split(","), args.drop.split(",")
    for d in dirs:
        rows, names = tp.load([os.path.join(d, o + ".features.jsonl")
                               for o in ORDER])
        keep = [i for i, n in enumerate(names)
                if (n in base_names or matches(n, add))
                and not matches(n, drop)]
        XS.append([[r["x"][i] for i in keep] for r in rows])
        if ROWS is None:
            ROWS, NAMES = rows, [names[i] for i in keep]
        elif [(r["article"], r["y"]) for r in rows] != \
                [(r["article"], r["y"]) for r in ROWS]:
            sys.exit(f"{d}: not the sentences of {dirs[0]}")
    for r, x in zip(ROWS, XS[0]):
        r["x"] = x
    FOLDS = tp.folds_of(ROWS, 10)
    factors = [float(f) for f in args.factors.split(",")]
    if args.nested:
        SETTINGS = [(d, float(p), f) for d in range(len(dirs))
                    for p in args.penalties.split(",") for f in factors]
        with Pool(args.jobs) as pool:
            res = sorted(pool.map(run_outer, range(len(FOLDS))))
        out = [o for _, _, fold in res for o in fold]
        acc, f1 = tp.scores([o[0] for o in out], [o[1] for o in out])
        print(f"{args.name}: {len(NAMES)} features; nested cross-validated "
              f"macro-F1 {f1:.4f} (accuracy {acc:.4f}); chosen (directory, "
              "penalty, factor) per fold: " +
              " ".join(f"{b[1]}/{b[2]:g}/x{b[3]:g}" for _, b, _ in res))
        return
    settings = [(b, p, f)
                for b in ((False, True) if args.full else (True,))
                for p in (tp.PENALTIES if args.full else [0.03, 0.1, 0.3, 1.0])
                for f in factors]
    with Pool(args.jobs) as pool:
        res = pool.map(run, settings)
    best = max(res, key=lambda r: (r[1][1], -res.index(r)))
    (b, p, f), (acc, f1) = best
    print(f"{args.name}: {len(NAMES)} features; cross-validated macro-F1 "
          f"{f1:.4f} (accuracy {acc:.4f}) at penalty {p}, balanced {int(b)}, "
          f"word vectors x{f:g}")
    out = os.path.join(tempfile.gettempdir(), f"cv-{args.name}.json")
    with open(out, "w", encoding="utf-8") as fo:
        json.dump({"names": NAMES,
                   "grid": [[list(s), list(r)] for s, r in res]}, fo)


if __name__ == "__main__":
    main()
