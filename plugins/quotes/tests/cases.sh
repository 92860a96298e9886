#!/bin/bash
# Runs the quotes plugin on a file of test cases and compares its spans
# with the cases' expectations.
#
#   cases.sh CASES.jsonl
#
# Each line is a glossa JSONL record whose extra fields become its meta:
#   {"id": "...", "text": "...",
#    "entities": [[TEXT, LABEL, CANONICAL (, REFERS_TO)], ...],
#    "expect": [[TEXT, KIND, SPEAKER (, SPEAKER_TEXT)], ...]}
# The entities are served as the `entities` layer by the test plugin
# meta_entities; the quotes layer must hold exactly the expected spans
# (text, kind and speaker, and speaker_text when given), in order.
# Environment (tests/e2e/lib.sh): GLOSSA, TEST_PLUGINS, SOURCE_DIR.
. "$SOURCE_DIR/tests/e2e/lib.sh"
CASES=$1

cat >"$TMP/pipeline.json" <<JSON
{"plugins": [{"plugin": "meta_entities", "as": "entities"}, "quotes"]}
JSON
run_glossa 0 run --pipeline "$TMP/pipeline.json" --threads 2 "$CASES" \
    -o "$TMP/out.jsonl"

# One line per failing case: its id, what it expected, what it got.
jq -r '
  def got: [.annotations.quotes[]? |
            [.text, .kind, .speaker, .speaker_text]];
  def want: [.meta.expect[] | [.[0], .[1], .[2], .[3]]];
  def same($g; $w):
    ($g | length) == ($w | length) and
    all(range(0; $g | length); . as $i |
        $g[$i][0:3] == $w[$i][0:3] and
        ($w[$i][3] == null or $g[$i][3] == $w[$i][3]));
  select(.errors != [] or (same(got; want) | not)) |
  "FAIL \(.id)\n  expected: \(want | tojson)\n  got:      \(got | tojson)\n  errors:   \(.errors | tojson)"
' "$TMP/out.jsonl" >"$TMP/failures"

total=$(grep -c . "$CASES")
failed=$(grep -c '^FAIL' "$TMP/failures")
cat "$TMP/failures"
echo "$((total - failed)) of $total cases pass ($(basename "$CASES"))"
[ "$failed" -eq 0 ] || exit 1
