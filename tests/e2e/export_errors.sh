#!/bin/bash
# What glossa export and import refuse, and how they say it: a broken
# line, a record without its text, spans that do not fit the text, a
# repeated id, a record the run could not read, bad brat and CoNLL files
# are reported with file, line and id, and the rest goes on (exit 4);
# command-line mistakes get "did you mean" (exit 2).
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
printf '%s\n' '{"id": "a", "text": "Putin met Aliyev in Sochi."}' \
    '{"id": "b", "text": "Pashinyan flew to Moscow."}' \
    '{"id": "c", "text": "Macron called Aliyev."}' >in.jsonl
run_glossa 0 run --plugin capitals --with-text in.jsonl -o out.jsonl

# A broken line among good ones: reported with its place, the others
# exported.
{ head -1 out.jsonl; echo '{"id": "x", "annotations": '; tail -2 out.jsonl; } >broken.jsonl
run_glossa 4 export --format csv broken.jsonl
expect_in "$TMP/err" "glossa export: broken.jsonl:2: column"
expect_in "$TMP/err" "invalid JSON"
expect_in "$TMP/err" "1 of 4 records left out"
[ "$(grep -c '^[abc],capitals,' "$TMP/out")" -gt 2 ] || fail "the good records were not exported"

# No text, and no --inputs: the record is named, with the way out.
run_glossa 0 run --plugin capitals in.jsonl -o bare.jsonl
run_glossa 4 export --format w3c bare.jsonl
expect_in "$TMP/err" 'bare.jsonl:1: record "a": no text: run glossa run with --with-text, or give the inputs it read with --inputs'
# --inputs without the record's id.
head -2 in.jsonl >two.jsonl
run_glossa 4 export --format w3c --inputs two.jsonl bare.jsonl
expect_in "$TMP/err" 'bare.jsonl:3: record "c": no text: the record has none and no record of --inputs has this id'
[ "$(wc -l <"$TMP/out")" -gt 2 ] || fail "records a and b were not exported"
# --inputs that are not the run's: the spans' text gives it away.
printf '%s\n' '{"id": "a", "text": "Someone else entirely, at length."}' >other.jsonl
run_glossa 4 export --format brat -o brat --inputs other.jsonl bare.jsonl
expect_in "$TMP/err" 'record "a": annotations.capitals[0]: its "text" is not the document'"'"'s text at [0, 5): is this the text the run annotated?'

# Spans that do not fit the text; a repeated id.
jq -c 'if .id == "b" then .annotations.capitals[0].end = 999 else . end' out.jsonl >past.jsonl
run_glossa 4 export --format labelstudio past.jsonl
expect_in "$TMP/err" 'past.jsonl:2: record "b": annotations.capitals[0]: [0, 999) is past the end of the text (25 characters)'
{ cat out.jsonl; head -1 out.jsonl; } >twice.jsonl
run_glossa 4 export --format w3c twice.jsonl
expect_in "$TMP/err" 'twice.jsonl:4: record "a": left out: twice.jsonl:1 had the same id'

# A record the run could not read: left out, with the run's reason.
printf '%s\n' '{"id": "ok", "text": "Putin spoke."}' '{"id": ' >bad-input.jsonl
run_glossa 4 run --plugin capitals --with-text bad-input.jsonl -o failed.jsonl
run_glossa 4 export --format csv failed.jsonl
expect_in "$TMP/err" 'record "bad-input.jsonl:2": left out: glossa run could not read it (EPARSE'

# The command line.
run_glossa 2 export --format cvs out.jsonl
expect_in "$TMP/err" "unknown format 'cvs'; did you mean 'csv'?"
run_glossa 2 export --fromat csv out.jsonl
expect_in "$TMP/err" "unknown option '--fromat'; did you mean '--format'?"
run_glossa 2 export --format brat out.jsonl
expect_in "$TMP/err" "brat: -o DIR is required"
run_glossa 2 export --format conll --layer a --layer b out.jsonl
run_glossa 2 export --format csv
run_glossa 0 export --format csv --layer capitol out.jsonl
expect_in "$TMP/err" 'warning: no record has the layer "capitol"; did you mean "capitals"?'
run_glossa 1 export --format csv nowhere.jsonl
expect_in "$TMP/err" "nowhere.jsonl: cannot open"
run_glossa 0 export --help
expect_in "$TMP/out" "usage: glossa export --format FORMAT"
run_glossa 0 help import
expect_in "$TMP/out" "usage: glossa import --format brat|conll"
run_glossa 2 import --format bart -o g x
expect_in "$TMP/err" "unknown format 'bart'; did you mean 'brat'?"

# brat: bad offsets, a missing .txt, an attribute of nothing; the good
# document is still imported.
mkdir ann
printf 'Putin met Aliyev.\n' >ann/good.txt
printf 'T1\tPERSON 0 5\tPutin\nT2\tPERSON 10 16\tAliyevv\n' >ann/good.ann
printf 'Short.\n' >ann/bad.txt
printf 'T1\tPERSON 0 5\tShort\nT2\tPERSON 3 99\tx\nA1\tNegated T9\n' >ann/bad.ann
printf 'T1\tPERSON 0 5\tLost.\n' >ann/lost.ann
run_glossa 4 import --format brat -o gold ann
expect_in "$TMP/err" "ann/bad.ann:2: T2: bad offsets"
expect_in "$TMP/err" "ann/bad.ann:3: A1: refers to no text-bound annotation"
expect_in "$TMP/err" "ann/lost.txt: cannot read the text of ann/lost.ann"
expect_in "$TMP/err" "ann/good.ann:2: T2: warning: its text is not the .txt's at its offsets (the offsets are kept)"
expect_json gold/good.json '.[0].entities[1].text == "Aliyev"'
[ -f gold/good.json ] && [ ! -e gold/bad.json ] && [ ! -e gold/lost.json ] ||
    fail "only good.json should be in the gold"

# CoNLL: a bad tag and a line of one column leave their document out.
printf '%s\n' '-DOCSTART- -X- O O' '' 'Putin B-PER' 'spoke O' '' \
    '-DOCSTART- -X- O O' '' 'Aliyev B-PERSON' 'left X-Y' 'alone' '' \
    '-DOCSTART- -X- O O' '' 'Pashinyan B-PER' 'Nikol I-PER' >tags.conll
run_glossa 4 import --format conll -o cgold tags.conll
expect_in "$TMP/err" "tags.conll:9: bad tag 'X-Y'"
expect_in "$TMP/err" "tags.conll:10: expected TOKEN ... TAG, got one column: alone"
expect_in "$TMP/err" "tags.conll:6: document tags-0002 left out"
expect_json cgold/tags-0003.json '.[0].entities == [{"start": 0, "end": 15, "text": "Pashinyan Nikol", "label": "PER"}]'
[ ! -e cgold/tags-0002.json ] || fail "the bad document was imported"
printf 'Pashinyan Nikol\n' | cmp -s - cgold/tags-0003.txt || fail "tags-0003.txt"
echo ok
