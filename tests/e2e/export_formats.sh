#!/bin/bash
# glossa export through the real CLI: the default pipeline's output on the
# seed corpus and on handmade texts (accents, Cyrillic, an emoji beyond the
# BMP, CRLF, spans across line breaks, invalid UTF-8), exported to every
# format and checked against the format's own rules by check_exports.py,
# which recomputes offsets in Python over the original inputs. Output
# without --with-text exports the same with --inputs.
. "$(dirname "$0")/lib.sh"
CHECK="$SOURCE_DIR/tests/e2e/check_exports.py"
cd "$TMP" || exit 1

python3 - <<'EOF'
import json
docs = [
    {"id": "émoji/1", "meta": {"published": "2024-08-19"},
     "text": "🎉 Президент Vladimir Putin met Ilham Aliyev in Bakú on Monday "
             "19 August 2024.\nRussia offered to mediate between Armenia "
             "and\nAzerbaijan, the Kremlin said 😀.\r\nFrance’s Emmanuel "
             "Macron said “Russia is not a neutral mediator” on 12 March "
             "2023."},
    {"id": "nl", "meta": {"published": "2023-05-02"},
     "text": "The European Union's mission in Armenia has helped\nto reduce "
             "tensions, said Josep Borrell, the EU's foreign policy chief, "
             "on Tuesday.\n\nRussia's mediation between Armenia and "
             "Azerbaijan\nhas failed, Nikol Pashinyan said in Yerevan."},
]
with open("hand.jsonl", "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
EOF
mkdir raw
printf 'Vladimir Putin met Ilham Aliyev in Sochi\xC3 \xF0\x80 on Monday.\r\nThe Kremlin said Russia\x00 would mediate between Armenia and Azerbaijan.\n' >raw/bad.txt
INPUTS=("$SOURCE_DIR/corpus" hand.jsonl raw)

# Exit 4: raw/bad.txt's record carries EUTF8 (and a warning).
run_glossa 4 run --with-text "${INPUTS[@]}" -o out.jsonl
# The handmade texts give what the checks are about.
expect_json out.jsonl '[.[].annotations[][] | select(.text | test("\n"))] | length > 0'
expect_json out.jsonl '[.[] | select(.id == "bad") | .errors[].code] | any(. == "EUTF8")'

check() {
    python3 "$CHECK" "$@" --texts "$SOURCE_DIR/corpus" hand.jsonl raw >check.txt ||
        fail "check_exports.py $*: $(head -20 check.txt)"
}

run_glossa 0 export --format brat -o brat out.jsonl
check brat out.jsonl brat
expect_in brat/annotation.conf '!mediation'
# brat fragments around line breaks: "0 50;51 69".
grep -qP '^T\d+\tQuote \d+ \d+;\d+ \d+\t' brat/nl.ann || fail "no discontinuous Quote in nl.ann"

run_glossa 0 export --format conll -o out.conll out.jsonl
check conll out.jsonl out.conll
run_glossa 0 export --format conll --labels glossa -o glossa.conll out.jsonl
check conll out.jsonl glossa.conll --glossa-labels
expect_in glossa.conll 'Putin I-PERSON'

run_glossa 0 export --format w3c -o w3c.jsonl out.jsonl
check w3c out.jsonl w3c.jsonl
run_glossa 0 export --format w3c --collection --source-base 'https://example.org/docs/' \
    --created 2024-05-01T12:00:00Z -o collection.json out.jsonl
check w3c out.jsonl collection.json --collection --source-base 'https://example.org/docs/'
expect_json collection.json '.[0].first.items | all(.created == "2024-05-01T12:00:00Z")'
expect_json collection.json '[.[0].first.items[].target.source] | index("https://example.org/docs/%C3%A9moji%2F1") != null'

run_glossa 0 export --format labelstudio --labeling-config config.xml -o tasks.json out.jsonl
check labelstudio out.jsonl tasks.json --expect-shift
expect_in config.xml '<Labels name="entities" toName="text">'
expect_in config.xml '<Label value="PERSON"/>'
expect_in config.xml '<Text name="text" value="$text"/>'

run_glossa 0 export --format csv -o spans.csv out.jsonl
check csv out.jsonl spans.csv
"$GLOSSA" export --format csv - <out.jsonl >stdin.csv || fail "export from stdin"
cmp -s spans.csv stdin.csv || fail "export from stdin differs"
run_glossa 0 export --format csv --layer dates --columns value,anchor out.jsonl
python3 - "$TMP/out" <<'EOF' || fail "csv --layer dates --columns value,anchor"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
assert rows[0] == ["id", "layer", "start", "end", "text", "label", "value",
                   "anchor", "extra"], rows[0]
assert len(rows) > 10 and all(r[1] == "dates" for r in rows[1:])
EOF

# Without --with-text, the texts come from the inputs themselves (the
# library's reader, the UTF-8 policy replayed): the same bytes.
run_glossa 4 run "${INPUTS[@]}" -o bare.jsonl
for f in conll w3c labelstudio; do
    run_glossa 0 export --format $f --inputs "$SOURCE_DIR/corpus" \
        --inputs hand.jsonl --inputs raw -o bare.$f bare.jsonl
done
cmp -s bare.conll out.conll || fail "conll with --inputs differs"
cmp -s bare.w3c w3c.jsonl || fail "w3c with --inputs differs"
cmp -s bare.labelstudio tasks.json || fail "labelstudio with --inputs differs"
run_glossa 0 export --format brat --inputs raw --inputs hand.jsonl \
    --inputs "$SOURCE_DIR/corpus" -o bare-brat bare.jsonl
diff -r brat bare-brat >/dev/null || fail "brat with --inputs (in another order) differs"
# CSV needs no document text: the spans carry theirs.
run_glossa 0 export --format csv -o bare.csv bare.jsonl
cmp -s bare.csv spans.csv || fail "csv without text differs"
echo ok
