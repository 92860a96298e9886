#!/bin/bash
# When a required layer fails on a document, its dependents are not run on
# that document and say why; other documents are unaffected.
. "$(dirname "$0")/lib.sh"
# A "capitals" that fails on marked documents: the faulty plugin as that layer.
{
    echo '{"id": "ok", "text": "Fine Text."}'
    echo '{"id": "bad", "text": "Marked FAIL-ME."}'
} >"$TMP/docs.jsonl"
echo '{"plugins": [{"plugin": "faulty", "as": "capitals"}, "counter"]}' >"$TMP/p.json"
run_glossa 4 run --pipeline "$TMP/p.json" "$TMP/docs.jsonl"
expect_json "$TMP/out" '.[0].errors == [] and (.[0].annotations.counter | length == 1)'
expect_json "$TMP/out" '.[1].errors | map(.plugin) == ["capitals", "counter"]'
expect_json "$TMP/out" '.[1].errors[1] == {"plugin":"counter","code":"EDEPENDENCY","message":"not run on this document: the layer '"'"'capitals'"'"' it requires is missing"}'
echo ok
