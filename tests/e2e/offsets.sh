#!/bin/bash
# Offsets are code points: on the non-ASCII seed texts (curly quotes,
# dashes), text[start:end] of every span equals the span's "text", and
# the document's sentences tile it exactly.
. "$(dirname "$0")/lib.sh"
run_glossa 0 run --pipeline <(echo '{"plugins": ["capitals", "counter"]}') "$SOURCE_DIR/corpus"
for f in "$SOURCE_DIR"/corpus/*.txt; do
    id=$(basename "$f" .txt)
    jq -c --arg id "$id" 'select(.id == $id)' "$TMP/out" >"$TMP/rec.json"
    # jq slices strings by code points, as the guidelines define offsets.
    ok=$(jq --rawfile t "$f" '[.annotations[][] | $t[.start:.end] == .text] | all' "$TMP/rec.json")
    [ "$ok" = true ] || fail "a span of $id does not slice its text"
done
# Non-ASCII really occurs in spans: e.g. the sentence with curly quotes.
expect_in "$TMP/out" '“Russia has always sincerely sought to resolve any conflicts'
echo ok
