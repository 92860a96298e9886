#!/bin/bash
# The real mediation.so in the real runtime: `glossa run` over the seed
# corpus, with the gold entities served as the `entities` layer by a test
# plugin, and the real quotes plugin. Checks the output's shape, that the EU profile runs through the
# same plugin in one pipeline ("as"), that the output is the same for 1
# and 2 threads, and, once `glossa eval` exists, floors on the scores.
# Environment (tests/e2e/lib.sh): GLOSSA, SOURCE_DIR, and TEST_PLUGINS,
# where gold_entities.so is; mediation.so is found beside glossa.
. "$SOURCE_DIR/tests/e2e/lib.sh"

cat >"$TMP/pipeline.json" <<JSON
{"plugins": [
  {"plugin": "gold_entities", "as": "entities",
   "config": {"dir": "$SOURCE_DIR/tests/gold"}},
  "quotes",
  "mediation",
  {"plugin": "mediation", "as": "mediation_eu",
   "config": {"profile": "profiles/eu.json"}}
]}
JSON

run_glossa 0 run --pipeline "$TMP/pipeline.json" --threads 1 "$SOURCE_DIR/corpus"
mv "$TMP/out" "$TMP/out1.jsonl"
run_glossa 0 run --pipeline "$TMP/pipeline.json" --threads 2 "$SOURCE_DIR/corpus"
mv "$TMP/out" "$TMP/out2.jsonl"
cmp -s "$TMP/out1.jsonl" "$TMP/out2.jsonl" ||
    fail "output differs between 1 and 2 threads"
OUT="$TMP/out1.jsonl"

expect_json "$OUT" 'length == 5 and all(.[]; .errors == [])'
# Every span: a sentence with a polarity, a score of the same sign, a holder.
expect_json "$OUT" '[.[].annotations.mediation[]] | length >= 60 and all(.[];
    (.polarity | IN("positive", "negative", "neutral")) and
    (.holder | type == "string") and .score >= -1 and .score <= 1 and
    (if .polarity == "positive" then .score > 0
     elif .polarity == "negative" then .score < 0 else .score == 0 end))'
# The document summary in the guidelines' shape.
expect_json "$OUT" 'all(.[]; .document.mediation as $d |
    ($d.label | IN("positive", "negative", "neutral")) and
    ($d.n_relevant == ($d.counts.positive + $d.counts.negative +
                       $d.counts.neutral)) and ($d.mean_score | type == "number"))'
expect_json "$OUT" '[.[] | .document.mediation.n_relevant] ==
    [.[] | .annotations.mediation | length]'
# Holders are the reported people and bodies, by canonical name.
expect_json "$OUT" '[.[].annotations.mediation[].holder] | unique |
    contains(["Emmanuel Macron", "Nikol Pashinyan", "Russia", "Vladimir Putin",
              "author"])'
# The EU profile ran through the same plugin, on other sentences.
expect_json "$OUT" '[.[].annotations.mediation_eu[]] | length >= 3'
expect_json "$OUT" '[.[].annotations.mediation_eu[]] !=
    [.[].annotations.mediation[]]'

# Scores, with floors, once the evaluator is there.
if "$GLOSSA" eval --help >/dev/null 2>&1; then
    run_glossa 0 eval --gold "$SOURCE_DIR/tests/gold" --layer mediation \
        --attr polarity --attr holder --doc-attr label \
        --floor mediation.relaxed.f1=0.95 \
        --floor mediation.attr.polarity.macro_f1=0.90 \
        --floor mediation.attr.holder.accuracy_relaxed=0.95 \
        --floor mediation.doc.label.accuracy=1 "$OUT"
    cat "$TMP/out"
else
    echo "glossa eval is not built yet: scores not checked"
fi
echo ok
