#!/bin/bash
# The real quotes.so after the real entities plugin, in `glossa run`, on
# texts of our own: the output's shape and offsets, a few speakers that
# need the entity layer (titles, the Kremlin, pronouns), byte-identical
# output for 1 and 2 threads, the configuration table, and errors in the
# data files.
# Environment (tests/e2e/lib.sh): GLOSSA, TEST_PLUGINS, SOURCE_DIR.
. "$SOURCE_DIR/tests/e2e/lib.sh"

python3 - "$TMP/in.jsonl" <<'PY'
import json, sys
docs = {
 "a": "Putin hosts talks\n\nMOSCOW, June 5 - Russian President Vladimir Putin said on Friday that the talks had been useful. “We will continue our work,” he told reporters. The Kremlin said the next round would take place in Sochi.",
 "b": "Foreign Minister Sergei Lavrov met his Armenian counterpart Ararat Mirzoyan in Moscow on Tuesday. According to Lavrov, both sides want a lasting peace. “There is no alternative to dialogue,” the minister said.",
 "c": "Analysts say the truce is fragile. Azerbaijan accused Armenia of shelling its positions, and Yerevan denied that its forces had fired.",
 "d": "The weather in Tbilisi was mild on Sunday, and the “Rose Garden” festival drew large crowds.",
 "e": "“” \"\" ‘ « ( — :",
}
with open(sys.argv[1], "w") as f:
    for k, v in docs.items():
        f.write(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n")
PY

PIPE='{"plugins": ["entities", "quotes"]}'
run_glossa 0 run --pipeline <(echo "$PIPE") --threads 1 "$TMP/in.jsonl" \
    -o "$TMP/out1.jsonl"
run_glossa 0 run --pipeline <(echo "$PIPE") --threads 2 "$TMP/in.jsonl" \
    -o "$TMP/out2.jsonl"
cmp -s "$TMP/out1.jsonl" "$TMP/out2.jsonl" ||
    fail "output differs between 1 and 2 threads"
OUT="$TMP/out1.jsonl"
expect_json "$OUT" 'length == 5 and all(.[]; .errors == [])'

# Shape: every span has the fields, offsets in code points that give its
# text and its speaker's phrase.
jq -n --slurpfile in "$TMP/in.jsonl" --slurpfile out "$OUT" '
  ($in | map({(.id): .text}) | add) as $texts |
  [$out[] | .id as $id | .annotations.quotes[] | . as $q |
   ($q.kind | IN("direct", "reported")) and
   ($q.speaker == null or ($q.speaker | type == "string")) and
   ($q.cue == null or ($q.cue | type == "string")) and
   ($texts[$id][$q.start:$q.end] == $q.text) and
   (if $q.speaker_start != null
    then $texts[$id][$q.speaker_start:$q.speaker_end] == $q.speaker_text
    else $q.speaker_text == null end)] |
  length >= 8 and all' >"$TMP/shape"
[ "$(cat "$TMP/shape")" = true ] || fail "bad span shape or offsets"

# Speakers that need the entity layer.
q() { jq -c --arg id "$1" 'select(.id == $id) | [.annotations.quotes[] |
                           [.text, .kind, .speaker]]' "$OUT"; }
got=$(q a)
for want in '["the talks had been useful","reported","Vladimir Putin"]' \
            '["We will continue our work","direct","Vladimir Putin"]' \
            '["the next round would take place in Sochi","reported","Russia"]'; do
    case "$got" in *"$want"*) ;; *) fail "a: expected $want in $got" ;; esac
done
got=$(q b)
for want in '["both sides want a lasting peace","reported","Sergei Lavrov"]' \
            '["There is no alternative to dialogue","direct","Sergei Lavrov"]'; do
    case "$got" in *"$want"*) ;; *) fail "b: expected $want in $got" ;; esac
done
got=$(q c)
for want in '["the truce is fragile","reported",null]' \
            '["shelling its positions","reported","Azerbaijan"]' \
            '["its forces had fired","reported","Armenia"]'; do
    case "$got" in *"$want"*) ;; *) fail "c: expected $want in $got" ;; esac
done
[ "$(q d)" = "[]" ] || fail "d: a festival's name is no quote: $(q d)"

# The configuration table.
run_glossa 0 plugins --help quotes
for key in verbs sources titles heads pronouns grammar demonyms carry \
           max_words trace; do
    expect_in "$TMP/out" "$key"
done

# Errors in the data are load errors naming the file and line.
printf 'say\tsay says said\tclause inv\nbad\tbad\tnot_a_frame\n' >"$TMP/verbs.tsv"
run_glossa 3 run --pipeline <(echo "{\"plugins\": [\"entities\",
    {\"plugin\": \"quotes\", \"config\": {\"verbs\": \"$TMP/verbs.tsv\"}}]}") \
    "$TMP/in.jsonl"
expect_in "$TMP/err" "verbs.tsv:2: unknown name \"not_a_frame\""
run_glossa 3 run --pipeline <(echo '{"plugins": ["entities",
    {"plugin": "quotes", "config": {"titles": "no-such-file.tsv"}}]}') \
    "$TMP/in.jsonl"
expect_in "$TMP/err" "no-such-file.tsv"
run_glossa 3 run --pipeline <(echo '{"plugins": ["entities",
    {"plugin": "quotes", "config": {"carry": 0}}]}') "$TMP/in.jsonl"
expect_in "$TMP/err" "carry"
echo ok
