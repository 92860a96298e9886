#!/bin/bash
# The output's JSON Schema comes from the pipeline: `glossa schema` builds
# it from the record's envelope and the fields each plugin declares.
#   - docs/output-schema.json is `glossa schema` for the bundled pipeline;
#   - the bundled pipeline's records validate against it, good and bad;
#   - a custom pipeline's records validate against its own schema, and a
#     record breaking a declared field does not.
. "$(dirname "$0")/lib.sh"
V() { /usr/bin/python3 "$SOURCE_DIR/tests/e2e/validate_jsonl.py" "$@"; }

# The documented schema is the generated one.
run_glossa 0 schema
diff "$TMP/out" "$SOURCE_DIR/docs/output-schema.json" >"$TMP/diff" ||
    fail "docs/output-schema.json is not glossa schema's output for the bundled pipeline: $(head -20 "$TMP/diff")"

# The bundled pipeline, on the seed corpus and on bad records.
{
    for f in "$SOURCE_DIR"/corpus/*.txt; do
        jq -Rsc --arg id "$(basename "$f")" '{id: $id, text: ., published: "2022-10-31"}' "$f"
    done
    echo 'not json'
    echo '{"id": "empty", "text": ""}'
    echo '{"id": "undated", "text": "They meet on Monday."}'
} >"$TMP/docs.jsonl"
run_glossa 4 run "$TMP/docs.jsonl"
V "$SOURCE_DIR/docs/output-schema.json" "$TMP/out" || fail "bundled pipeline: schema validation"
# A declared field broken: the schema says so.
head -1 "$TMP/out" | jq -c '.annotations.mediation[0].score = 3 | .annotations.entities[0].bogus = 1' >"$TMP/bad.jsonl"
V "$SOURCE_DIR/docs/output-schema.json" "$TMP/bad.jsonl" >"$TMP/v" && fail "a broken record validated"
expect_in "$TMP/v" "3 is greater than the maximum of 1"
expect_in "$TMP/v" "'bogus' was unexpected"

# Custom layers: the test plugins declare no fields, so their spans are
# checked as spans (offsets, text), and the layers they make are the only
# ones allowed.
P='{"plugins": ["capitals", "counter", "faulty"]}'
run_glossa 0 schema --pipeline <(echo "$P")
cp "$TMP/out" "$TMP/custom-schema.json"
{
    head -5 "$TMP/docs.jsonl"
    echo '{"id": "fails", "text": "FAIL-ME"}'
    echo '{"id": "spans", "text": "BAD-SPANS"}'
    echo 'not json'
} >"$TMP/custom.jsonl"
run_glossa 4 run --pipeline <(echo "$P") "$TMP/custom.jsonl"
V "$TMP/custom-schema.json" "$TMP/out" || fail "custom pipeline: schema validation"
head -1 "$TMP/out" | jq -c '.annotations.other = []' >"$TMP/bad2.jsonl"
V "$TMP/custom-schema.json" "$TMP/bad2.jsonl" >/dev/null && fail "a layer outside the pipeline validated"
echo ok
