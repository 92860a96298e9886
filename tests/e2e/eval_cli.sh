#!/bin/bash
# glossa eval through the real CLI: the gold scored against itself is
# perfect; a damaged copy is not, and floors turn that into exit 5.
. "$(dirname "$0")/lib.sh"
G="$SOURCE_DIR/tests/gold"
# The gold as if a perfect system had produced it.
for f in "$G"/*.json; do
    jq -c '{id, meta: {}, annotations: {entities, dates, mediation},
            document: {mediation: .mediation_document}, errors: []}' "$f"
done >"$TMP/perfect.jsonl"
run_glossa 0 eval --gold "$G" --attr canonical --attr value --attr polarity \
    --attr holder --doc-attr label --json "$TMP/perfect.jsonl"
expect_json "$TMP/out" '.[0] | ."entities.exact.micro.f1" == 1 and ."dates.attr.value.f1" == 1 and ."mediation.attr.polarity.macro_f1" == 1 and ."mediation.doc.label.accuracy" == 1 and ."entities.attr.canonical.accuracy_exact" == 1'

# Drop every other entity and shift one date: scores fall, floors fail.
jq -c '.annotations.entities |= [.[] | select(.start % 2 == 0)]
       | .annotations.dates[0].end += 1' "$TMP/perfect.jsonl" >"$TMP/damaged.jsonl"
run_glossa 5 eval --gold "$G" --layer entities --layer dates \
    --floor entities.exact.micro.f1=0.9 --floor dates.relaxed.f1=0.99 "$TMP/damaged.jsonl"
expect_in "$TMP/err" "floor not met: entities.exact.micro.f1 = 0."
expect_in "$TMP/out" "entities (gold layer entities)"
run_glossa 0 eval --gold "$G" --layer dates --floor dates.relaxed.f1=0.99 "$TMP/damaged.jsonl"

# Unknown metric in a floor, and a missing gold directory.
run_glossa 2 eval --gold "$G" --floor entities.nonsense=0.5 "$TMP/perfect.jsonl"
run_glossa 1 eval --gold "$TMP/nowhere" "$TMP/perfect.jsonl"
# A document missing from the output counts as missed, with a warning.
head -n 4 "$TMP/perfect.jsonl" >"$TMP/four.jsonl"
run_glossa 0 eval --gold "$G" --layer entities --json "$TMP/four.jsonl"
expect_json "$TMP/out" '.[0]."entities.exact.micro.recall" < 1 and .[0]."entities.exact.micro.precision" == 1'
expect_in "$TMP/err" "004"
echo ok
