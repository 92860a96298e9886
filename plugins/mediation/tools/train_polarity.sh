#!/bin/bash
# Retrains the mediation plugin's learned component from scratch:
#
#   plugins/mediation/tools/train_polarity.sh [BUILD_DIR]     (default build)
#
# 1. runs the real `entities` and `quotes` plugins over the development
#    corpora (the seed corpus/ with tests/gold, and tests/news/dev with its
#    gold);
# 2. has mediation_devrun write the features of every sentence of a gold
#    relevant span (of every target profile the gold has), twice: with
#    the quotes plugin's layer (as the pipeline runs) and with the gold's
#    quotes where the gold has them (as a better quotes layer would give
#    them), so that the model does not learn the quotes plugin's
#    particular mistakes;
# 3. trains data/model/polarity.json with train_polarity.py, choosing its
#    hyper-parameters by leave-one-article-out cross-validation over the
#    dev articles.
# With FEATURES_DIR set, the feature files are written there and kept
# (for cv_feature_sets.py); with FEATURES_ONLY=1 as well, nothing is
# trained.
# Never point it at held-out data: tests/news/test is scored once, with
# frozen code, by someone else.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BUILD=${1:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FEAT=${FEATURES_DIR:-$TMP}
mkdir -p "$FEAT"
echo '{"plugins": ["entities", "quotes"]}' >"$TMP/layers.json"
features=()
# corpus, gold, name, and the profiles whose gold layers it has: the
# seed gold has Russia's only; dev has Russia's, the US's and the EU's,
# and the one model serves every profile (its features are relative to
# the profile's target), so it learns from all three.
for set in "corpus tests/gold seed russia" \
    "tests/news/dev tests/news/dev/gold dev russia us eu"; do
    read -r corpus gold name profiles <<<"$set"
    "$BUILD/glossa" run --pipeline "$TMP/layers.json" "$corpus" \
        -o "$TMP/$name-layers.jsonl" 2>/dev/null
    for profile in $profiles; do
        layer=mediation
        [ "$profile" = russia ] || layer=mediation_$profile
        for quotes in layers gold; do
            out="$FEAT/$name-$profile-$quotes.features.jsonl"
            "$BUILD/mediation_devrun" --layers "$TMP/$name-layers.jsonl" \
                --profile "plugins/mediation/data/profiles/$profile.json" \
                --layer "$layer" --quotes "$quotes" --classifier none \
                --features "$out" "$corpus" "$gold" >/dev/null
            features+=("$out")
        done
    done
done
[ -z "${FEATURES_ONLY:-}" ] || exit 0
"${PYTHON:-python3}" plugins/mediation/tools/train_polarity.py "${features[@]}"
