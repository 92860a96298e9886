#!/bin/bash
# Output records, good and bad, validate against docs/output-schema.json.
. "$(dirname "$0")/lib.sh"
{
    for f in "$SOURCE_DIR"/corpus/*.txt; do
        jq -Rsc --arg id "$(basename "$f")" '{id: $id, text: .}' "$f"
    done
    echo '{"id": "fails", "text": "FAIL-ME"}'
    echo '{"id": "spans", "text": "BAD-SPANS"}'
    echo 'not json'
    echo '{"id": "empty", "text": ""}'
} >"$TMP/docs.jsonl"
run_glossa 4 run --pipeline <(echo '{"plugins": ["capitals", "counter", "faulty"]}') "$TMP/docs.jsonl"
/usr/bin/python3 "$SOURCE_DIR/tests/e2e/validate_jsonl.py" \
    "$SOURCE_DIR/docs/output-schema.json" "$TMP/out" || fail "schema validation"
echo ok
