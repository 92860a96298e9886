#!/bin/bash
# A 50 MB document goes through: read, segmented, annotated, written
# (over the default --max-doc-bytes, which refuses it: see below).
. "$(dirname "$0")/lib.sh"
f="$TMP/big.txt"
while [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -lt 52428800 ]; do
    cat "$SOURCE_DIR"/corpus/*.txt >>"$f"
done
size=$(stat -c %s "$f")
run_glossa 4 run --plugin faulty "$f"
expect_json "$TMP/out" '.[0].errors[0].code == "ETOOBIG" and (.[0].errors[0].message | contains("over the limit of 16777216"))'
run_glossa 0 run --plugin faulty --max-doc-bytes 64M "$f"
expect_json "$TMP/out" 'length == 1 and .[0].errors == [] and .[0].annotations.faulty == [{"start":0,"end":1,"text":"R","label":"OK"}]'
# With a plugin that reads every token: the capitals spans end inside the
# document and the last one matches its text.
run_glossa 0 run --plugin capitals --max-doc-bytes 64M "$f"
n=$(jq '.annotations.capitals | length' "$TMP/out")
[ "$n" -gt 500000 ] || fail "expected many spans, got $n"
last_end=$(jq '.annotations.capitals[-1].end' "$TMP/out")
chars=$(wc -m <"$f")
[ "$last_end" -le "$chars" ] || fail "span end $last_end beyond $chars characters"
# A cap on one plugin's output per document drops that layer only.
run_glossa 4 run --plugin capitals --max-doc-bytes 64M --max-layer-bytes 1M "$f"
expect_json "$TMP/out" '.[0].errors[0] == {"plugin":"capitals","code":"ETOOBIG","message":"output on this document exceeds the limit of 1048576 bytes (--max-layer-bytes); layer dropped"} and .[0].annotations == {}'
# In isolation, workers keep at most 32 MiB of documents: two 17 MB ones
# make the supervisor tell the worker to drop what it kept, and the
# output is still the in-process one.
half="$TMP/half.txt"
head -c 17000000 "$f" >"$half"
{
    echo '{"id": "small1", "text": "Alpha Beta."}'
    jq -Rsc '{id: "big1", text: .}' "$half"
    echo '{"id": "small2", "text": "Gamma Delta."}'
    jq -Rsc '{id: "big2", text: .}' "$half"
    echo '{"id": "small3", "text": "Epsilon Zeta."}'
} >"$TMP/mixed.jsonl"
plugins=(--max-doc-bytes 64M --plugin counter --plugin capitals --plugin faulty)
"$GLOSSA" run --threads 1 "${plugins[@]}" "$TMP/mixed.jsonl" >"$TMP/mixed.inproc" 2>"$TMP/err" ||
    { cat "$TMP/err"; fail "in-process run of the mixed sizes"; }
"$GLOSSA" run --isolate --threads 1 "${plugins[@]}" "$TMP/mixed.jsonl" >"$TMP/mixed.iso" 2>"$TMP/err" ||
    { cat "$TMP/err"; fail "isolated run of the mixed sizes"; }
cmp "$TMP/mixed.inproc" "$TMP/mixed.iso" || fail "isolated output differs on large documents"
echo "ok ($size bytes, $n spans)"
