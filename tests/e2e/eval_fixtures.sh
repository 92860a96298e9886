#!/bin/bash
# glossa eval through the real CLI on the hand-made fixtures of
# tests/data/eval (their numbers are worked out in tests/unit/test_eval.c):
# exact metrics, stable JSON, the table, stdin, layer renaming, errors with
# file and line; then on the real output of glossa run over corpus/.
. "$(dirname "$0")/lib.sh"
D="$SOURCE_DIR/tests/data/eval"

run_glossa 0 eval --gold "$D/gold" --attr canonical --attr polarity \
    --doc-attr label --json "$D/out.jsonl"
expect_json "$TMP/out" '.[0] | ."entities.exact.micro.tp" == 1
    and ."entities.exact.micro.fp" == 3 and ."entities.exact.micro.fn" == 5
    and ."entities.exact.per_label.GPE.tp" == 1 and ."entities.strict.tp" == 2
    and ."entities.relaxed.f1" == 0.6
    and ."entities.attr.canonical.accuracy_exact" == 1
    and ."mediation.attr.polarity.f1" == 0.4
    and ."mediation.doc.label.accuracy" == 0.5
    and ."documents.missing_ids" == ["b"] and ."documents.without_gold" == 1'
expect_in "$TMP/err" "1 gold document missing from the output, counted as missed: b"

# The same input gives the same bytes, keys sorted.
cp "$TMP/out" "$TMP/first.json"
run_glossa 0 eval --gold "$D/gold" --attr polarity --attr canonical \
    --doc-attr label --json "$D/out.jsonl"
cmp -s "$TMP/first.json" "$TMP/out" || fail "JSON output differs between runs"
expect_json "$TMP/out" '.[0] | keys_unsorted == keys'

run_glossa 0 eval --gold "$D/gold" "$D/out.jsonl"
expect_in "$TMP/out" "entities (gold layer entities): 2 documents, 6 gold spans, 4 predicted"
expect_in "$TMP/out" "  relaxed             0.7500    0.5000    0.6000         3         1         3"

# Standard input, and an output layer scored under another gold name.
jq -c '.annotations.ents = .annotations.entities | del(.annotations.entities)' \
    "$D/out.jsonl" | "$GLOSSA" eval --gold "$D/gold" --layer ents=entities \
    --json - >"$TMP/out" 2>"$TMP/err" || fail "eval from stdin failed"
expect_json "$TMP/out" '.[0] | ."ents.relaxed.f1" == 0.6
    and ."ents.gold_layer" == "entities" and (has("entities.relaxed.f1") | not)'

# Errors: file and line, and the exit status of each kind.
run_glossa 1 eval --gold "$D/gold" "$D/broken.jsonl"
expect_in "$TMP/err" "broken.jsonl:2:"
run_glossa 1 eval --gold "$D/broken-gold" "$D/out.jsonl"
expect_in "$TMP/err" "broken-gold/x.json:3:16: invalid JSON"
run_glossa 1 eval --gold "$D/no-gold" "$D/out.jsonl"
expect_in "$TMP/err" "no .json gold files"
run_glossa 2 eval --gold "$D/gold" --layer nope "$D/out.jsonl"
expect_in "$TMP/err" 'no gold document has layer "nope"'
run_glossa 2 eval --gold "$D/gold"
run_glossa 0 eval --help
expect_in "$TMP/out" "usage: glossa eval --gold DIR"

# Real output of glossa run: its ids match the gold's, and a layer the
# gold does not have is scored only when mapped onto one.
run_glossa 0 run --pipeline <(echo '{"plugins": ["capitals"]}') \
    -o "$TMP/run.jsonl" "$SOURCE_DIR/corpus"
G="$SOURCE_DIR/tests/gold"
run_glossa 0 eval --gold "$G" --json "$TMP/run.jsonl"
expect_in "$TMP/err" "no layer is present in both the gold and the output"
run_glossa 0 eval --gold "$G" --layer capitals=entities --json "$TMP/run.jsonl"
expect_json "$TMP/out" '.[0] | ."documents.scored" == 5
    and ."documents.missing" == 0 and ."capitals.predicted_spans" > 0
    and ."capitals.relaxed.tp" > 0 and ."capitals.relaxed.tp" <= 390'
echo ok
