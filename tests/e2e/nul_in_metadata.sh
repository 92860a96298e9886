#!/bin/bash
# Metadata may hold NUL bytes ("\u0000" in JSON; the text may not): a run
# keeps them, and every tool that reads glossa's output reads such a record
# (export, report, --reuse), as it reads any other.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || fail "cd"
{
    echo '{"id": "a", "text": "Alpha Beta went to Paris.", "meta": {"k": "a\u0000b"}}'
    echo '{"id": "b", "text": "Nothing here.", "meta": {"k": "x\u0000"}}'
} >docs.jsonl
run_glossa 0 run --plugin capitals -o out.jsonl docs.jsonl
expect_json out.jsonl '[.[].meta.k] == ["a\u0000b", "x\u0000"]'
expect_json out.jsonl '[.[].annotations.capitals | length] == [3, 1]'

# A folder's manifest.jsonl may carry such metadata too.
mkdir d && printf 'Alpha Beta.' >d/x.txt
echo '{"file": "x.txt", "id": "x", "meta": {"k": "m\u0000n"}}' >d/manifest.jsonl
run_glossa 0 run --plugin capitals d
expect_json "$TMP/out" '.[0].meta.meta.k == "m\u0000n" and (.[0].annotations.capitals | length) == 2'

run_glossa 0 export --format csv -o spans.csv out.jsonl
[ "$(grep -c ',capitals,' spans.csv)" = 4 ] || fail "export: $(cat spans.csv)"
run_glossa 0 report -o report.html out.jsonl
expect_in "$TMP/err" "2 documents"

# --reuse takes both records' layers.
run_glossa 0 run --plugin capitals --reuse out.jsonl --stats s.json docs.jsonl
cmp "$TMP/out" out.jsonl || fail "reusing changed the output"
[ "$(jq '.plugins[0].reused' s.json)" = 2 ] || fail "not reused: $(cat s.json)"
echo ok
