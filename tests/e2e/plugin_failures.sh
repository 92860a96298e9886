#!/bin/bash
# A plugin failing or misbehaving on one document costs that document's
# layer only; every other document is annotated; exit status 4.
. "$(dirname "$0")/lib.sh"
{
    echo '{"id": "a", "text": "Alpha is fine."}'
    echo '{"id": "b", "text": "Beta says FAIL-ME here."}'
    echo '{"id": "c", "text": "Gamma FAIL-SILENT."}'
    echo '{"id": "d", "text": "Delta BAD-SPANS."}'
    printf '{"id": "e", "text": "Caf\\u00e9 BAD-BYTES"}\n'
    echo '{"id": "f", "text": "Zeta is fine too."}'
    echo '{"id": "g", "text": "Eta MANY-BAD."}'
} >"$TMP/docs.jsonl"
cat >"$TMP/pipeline.json" <<JSON
{"plugins": ["capitals", "faulty", {"plugin": "counter"}]}
JSON
run_glossa 4 run --threads 2 --pipeline "$TMP/pipeline.json" "$TMP/docs.jsonl"
expect_json "$TMP/out" '[.[].id] == ["a","b","c","d","e","f","g"]'
expect_json "$TMP/out" '.[0].errors == [] and .[5].errors == [] and (.[5].annotations.faulty | length == 1)'
# b: a message from the plugin, other layers intact.
expect_json "$TMP/out" '.[1].errors == [{"plugin":"faulty","code":"EPLUGIN","message":"marked document b refused on purpose"}]'
expect_json "$TMP/out" '(.[1].annotations | has("faulty") | not) and (.[1].annotations.capitals | length == 2)'
# c: no message given: the core says what happened.
expect_json "$TMP/out" '.[2].errors[0].message == "annotate() returned -7 without giving a reason"'
# d: bad spans dropped one by one, the good one kept.
expect_json "$TMP/out" '[.[3].annotations.faulty[].label] == ["GOOD"]'
expect_json "$TMP/out" '(.[3].errors | length) == 4 and all(.[3].errors[]; .plugin == "faulty" and .code == "EINVAL")'
expect_in "$TMP/out" 'is not a range within the document'
expect_in "$TMP/out" 'its \"text\" differs from the document'
expect_in "$TMP/out" '\"start\" and \"end\" must be integers'
# e: span_add_bytes inside a character is refused.
expect_json "$TMP/out" '[.[4].annotations.faulty[].label] == ["GOOD"] and (.[4].errors[0].message | test("not character boundaries"))'
# g: 15 spans dropped, 8 as they were added and 7 after annotate(): ten
# warnings one by one, then one that counts the rest.
expect_json "$TMP/out" '[.[6].annotations.faulty[].label] == ["GOOD"] and (.[6].errors | length) == 11'
expect_json "$TMP/out" '[.[6].errors[] | .message | test("span_add_bytes")] == [true,true,true,true,true,true,true,true,false,false,false]'
expect_json "$TMP/out" '.[6].errors[10] == {"plugin":"faulty","code":"EINVAL","message":"5 more spans dropped"}'
# The summary reports the failures per plugin.
expect_in "$TMP/err" "faulty"
expect_in "$TMP/err" "2 failed"
expect_in "$TMP/err" "[faulty] document b: marked document b refused on purpose"
echo ok
