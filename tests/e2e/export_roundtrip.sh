#!/bin/bash
# glossa export, then glossa import: the gold it gives scores the run that
# was exported perfectly (brat), or is exactly the tagged tokens (CoNLL);
# brat written by other tools (discontinuous spans, binary attributes,
# free-text notes, relations) comes in as documented.
. "$(dirname "$0")/lib.sh"
CHECK="$SOURCE_DIR/tests/e2e/check_exports.py"
cd "$TMP" || exit 1
printf '%s\n' '{"id": "nl", "text": "The European Union'"'"'s mission in Armenia has helped\nto reduce tensions, said Josep Borrell on Tuesday.\n\nRussia'"'"'s mediation between Armenia and Azerbaijan\nhas failed, Nikol Pashinyan said in Yerevan 😀.", "meta": {"published": "2023-05-02"}}' >hand.jsonl
run_glossa 0 run --with-text "$SOURCE_DIR/corpus" hand.jsonl -o out.jsonl

# brat: every exported layer and attribute scores 1 against the run.
run_glossa 0 export --format brat -o brat out.jsonl
run_glossa 0 import --format brat -o gold brat
run_glossa 0 eval --gold gold --json --attr canonical --attr refers_to \
    --attr value --attr polarity --attr holder --attr score --attr speaker \
    --attr kind out.jsonl
expect_json "$TMP/out" '.[0] | to_entries | map(select(.key | test("\\.f1$|accuracy_exact$"))) | (length > 30 and all(.value == 1))'
expect_json "$TMP/out" '.[0] | ."entities.gold_spans" > 300 and ."mediation.gold_spans" > 50 and ."quotes.gold_spans" > 20 and ."dates.gold_spans" > 50'
for f in "$SOURCE_DIR"/corpus/*.txt; do
    cmp -s "$f" "gold/$(basename "$f")" || fail "gold/$(basename "$f") is not the corpus text"
done
expect_json gold/nl.json '.[0].mediation | length > 0 and all(has("polarity") and has("holder"))'

# CoNLL: the gold is the tokens, one sentence a line, and the spans the
# tokens the export tagged; glossa run annotates that text and eval
# scores it.
run_glossa 0 export --format conll --labels glossa -o out.conll out.jsonl
run_glossa 0 import --format conll -o cgold out.conll
python3 "$CHECK" conll-gold out.jsonl out.conll cgold --glossa-labels \
    --texts "$SOURCE_DIR/corpus" hand.jsonl >check.txt || fail "conll gold: $(head check.txt)"
[ "$(ls cgold/*.json | wc -l)" = 6 ] || fail "expected 6 CoNLL documents"
run_glossa 0 run --plugin entities cgold -o rerun.jsonl
run_glossa 0 eval --gold cgold --layer entities --json --floor entities.strict.f1=0.9 rerun.jsonl

# brat from another tool: no annotation.conf; a discontinuous span, a
# binary attribute, a free-text note, a relation, a type --map places.
mkdir other
printf 'Ilham Aliyev met\nNikol Pashinyan in Brussels.\n' >other/talks.txt
printf '%s\n' 'T1	PERSON 0 12	Ilham Aliyev' \
    'T2	Person 17 32	Nikol Pashinyan' \
    'T3	Meeting 0 3;17 32	Ilh Nikol Pashinyan' \
    'T4	GPE 36 44	Brussels' \
    'A1	Negated T3' \
    'A2	Confidence T1 High' \
    '#1	AnnotatorNotes T4	capital of Belgium' \
    'R1	Meets Arg1:T1 Arg2:T2' >other/talks.ann
run_glossa 0 import --format brat --map Meeting=events --default-layer people -o ogold other
expect_in "$TMP/err" "1 relations, events, equivalences or normalizations not imported"
expect_in "$TMP/err" "T3: warning: discontinuous: imported as one span [0, 32)"
expect_json ogold/talks.json '.[0] | .id == "talks" and (.entities | map([.start, .end, .label]) == [[0, 12, "PERSON"], [36, 44, "GPE"]])'
expect_json ogold/talks.json '.[0] | .entities[0].Confidence == "High" and .entities[1].note == "capital of Belgium"'
expect_json ogold/talks.json '.[0] | .people == [{"start": 17, "end": 32, "text": "Nikol Pashinyan", "label": "Person"}]'
expect_json ogold/talks.json '.[0] | .events[0] | .start == 0 and .end == 32 and .Negated == true and .label == "Meeting"'
echo ok
