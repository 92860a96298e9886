#!/bin/bash
# The same input gives byte-identical output for any thread count and run.
. "$(dirname "$0")/lib.sh"
# A corpus big enough to keep several threads busy: the seed documents
# many times over, as JSONL, with a failing and a bad-span document mixed in.
for i in $(seq 1 60); do
    for f in "$SOURCE_DIR"/corpus/*.txt; do
        jq -Rs --arg id "$i-$(basename "$f" .txt)" '{id: $id, text: .}' "$f"
    done
    [ $((i % 17)) -eq 0 ] && echo '{"id": "bad-'$i'", "text": "FAIL-ME now"}'
    [ $((i % 13)) -eq 0 ] && echo '{"id": "spans-'$i'", "text": "BAD-SPANS here"}'
done | jq -c . >"$TMP/docs.jsonl"
echo '{"plugins": ["counter", "capitals", "faulty"]}' >"$TMP/p.json"
for t in 1 2 8; do
    run_glossa 4 run --threads $t --window 7 --pipeline "$TMP/p.json" "$TMP/docs.jsonl"
    mv "$TMP/out" "$TMP/out.$t"
done
cmp "$TMP/out.1" "$TMP/out.2" || fail "1 and 2 threads differ"
cmp "$TMP/out.1" "$TMP/out.8" || fail "1 and 8 threads differ"
run_glossa 4 run --threads 8 --pipeline "$TMP/p.json" "$TMP/docs.jsonl"
cmp "$TMP/out.1" "$TMP/out" || fail "two runs with 8 threads differ"
[ "$(wc -l <"$TMP/out.1")" -eq "$(wc -l <"$TMP/docs.jsonl")" ] || fail "one line per record"
echo ok
