#!/bin/bash
# glossa report: the page a person looks at (docs/report.md).
#   1. the command: usage, a self-contained page (nothing it would fetch),
#      the embedded data equal to the records, texts from --inputs, broken
#      lines and mismatched inputs reported, failures that leave no file;
#   2. in headless Chromium (tests/report/check_report.py, over the
#      DevTools protocol): the corpus view, every document's marks, a hover
#      and a filtered view against numbers computed from the JSONL, for the
#      seed corpus through the default pipeline and for a handmade output
#      with emoji, CJK, right-to-left text and a huge document; no network
#      request; screenshots in build/tests/report-artefacts/;
#   3. a 10,000-document report opens (first render) in under 3 s.
# Part 2 and 3 need Debian's chromium (tools/deps.sh test installs it):
# without it the test says SKIPPED and exits 77, after part 1.
. "$(dirname "$0")/lib.sh"
HERE="$SOURCE_DIR/tests/report"
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the source tree
ART="$BUILD_DIR/tests/report-artefacts"
mkdir -p "$ART"
cd "$TMP" || fail "cd $TMP"
unset GLOSSA_PLUGIN_PATH # the bundled plugins, found beside the binary

# ---- 1. The command ------------------------------------------------------
run_glossa 2 report
expect_in err "no OUTPUT.jsonl given"
run_glossa 2 report x.jsonl
expect_in err "give -o REPORT.html"
run_glossa 2 report --ouptut r.html x.jsonl
expect_in err "did you mean '--output'"
run_glossa 0 report --help
expect_in out "--inputs PATH"
run_glossa 1 report missing.jsonl -o r.html
expect_in err "cannot open missing.jsonl"
[ ! -e r.html ] && [ ! -e r.html.partial ] || fail "a failed report left a file"

"$GLOSSA" run -q --with-text "$SOURCE_DIR/corpus" -o seed.jsonl ||
    fail "glossa run on the seed corpus"
run_glossa 0 report seed.jsonl -o seed.html
expect_in err "5 documents (5 with their text)"

# Self-contained: nothing to fetch, Chart.js and its licence inline.
grep -Eiq '(src|href)[[:space:]]*=[[:space:]]*["'"'"']?(https?:)?//' seed.html &&
    fail "the page refers to something on the network"
grep -Eiq '<(link|img|iframe)[[:space:]]|<script[^>]*[[:space:]]src=' seed.html &&
    fail "the page loads a file"
expect_in seed.html "Chart.js v4.6.2"
expect_in seed.html "Released under the MIT License"
expect_in seed.html '<script type="application/json" id="report-data">'
[ "$(grep -oi '</script' seed.html | wc -l)" -eq "$(grep -oi '<script' seed.html | wc -l)" ] ||
    fail "a script holds an end tag"

# The embedded data is the records': ids, texts, span counts per layer.
python3 - seed.html seed.jsonl <<'EOF' || fail "embedded data differs from the records"
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S)
data = json.loads(m.group(1))
recs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert [d["id"] for d in data["docs"]] == [r["id"] for r in recs]
assert [d["t"] for d in data["docs"]] == [r["text"] for r in recs]
for d, r in zip(data["docs"], recs):
    for i, layer in enumerate(data["layers"]):
        spans = r["annotations"].get(layer["name"])
        nums = d["a"][i] if i < len(d["a"]) else None
        assert (nums is None) == (spans is None)
        if spans is not None:
            assert d["c"][i] == len(spans), layer
            assert len(nums.split(",")) == layer["stride"] * len(spans) \
                if spans else nums == "", layer
EOF

# Texts from --inputs: the same texts as --with-text gives.
"$GLOSSA" run -q "$SOURCE_DIR/corpus" -o seed-notext.jsonl || fail "glossa run"
run_glossa 0 report seed-notext.jsonl --inputs "$SOURCE_DIR/corpus" -o seed-inputs.html
expect_in err "5 documents (5 with their text, 5 of them from --inputs)"
python3 - seed-inputs.html seed.html <<'EOF' || fail "texts from --inputs differ"
import json, re, sys
def docs(p):
    html = open(p, encoding="utf-8").read()
    m = re.search(r'id="report-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))["docs"]
a, b = docs(sys.argv[1]), docs(sys.argv[2])
assert [d["t"] for d in a] == [d["t"] for d in b]
assert all(d.get("ti") for d in a) and [d["a"] for d in a] == [d["a"] for d in b]
EOF
# An input changed since the run: its text is not used, and it is said.
cp -r "$SOURCE_DIR/corpus" changed
sed -i 's/Putin/PUTIN-X/' changed/001.txt
run_glossa 0 report seed-notext.jsonl --inputs changed -o changed.html
expect_in err "record '001': the text in --inputs differs from the annotated one"
expect_in err "5 documents (4 with their text, 4 of them from --inputs)"

# Invalid UTF-8 and NUL bytes in an input: --inputs repairs them as the
# run did (U+FFFD per maximal ill-formed subsequence), so the spans fit.
mkdir bad-utf8
printf 'Caf\xe9 talks in Moscow\x00 and \xf0\x9f Paris \xed\xa0\x80 on Monday with Putin.\n' \
    >bad-utf8/a.txt
"$GLOSSA" run -q --with-text bad-utf8 -o bad-text.jsonl
"$GLOSSA" run -q bad-utf8 -o bad.jsonl
run_glossa 0 report bad.jsonl --inputs bad-utf8 -o bad.html
expect_in err "1 document (1 with their text, 1 of them from --inputs)"
python3 - bad.html bad-text.jsonl <<'EOF' || fail "the repaired text differs from the run's"
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'id="report-data">(.*?)</script>', html, re.S)
doc = json.loads(m.group(1))["docs"][0]
rec = json.loads(open(sys.argv[2], encoding="utf-8").readline())
assert doc["t"] == rec["text"] and "\ufffd" in doc["t"], doc["t"]
assert doc["c"][0] == len(rec["annotations"]["entities"]) > 0
EOF

# The handmade output: a broken line is named, skipped, and exit 4.
python3 "$HERE/make_fixture.py" hand.jsonl hand-inputs.jsonl || fail "fixture"
run_glossa 4 report hand.jsonl -o hand.html
expect_in err "hand.jsonl:7: column 31: invalid JSON"
expect_in err "8 documents (6 with their text), 5 layers, 1 skipped lines"
run_glossa 4 report hand.jsonl --inputs hand-inputs.jsonl -o hand-inputs.html
expect_in err "8 documents (7 with their text, 1 of them from --inputs)"
# A page that cannot be written: said, and nothing left behind.
run_glossa 1 report seed.jsonl -o no-such-dir/r.html
expect_in err "cannot write no-such-dir/r.html.partial"
run_glossa 1 report seed.jsonl --title $'bad \xff' -o r.html
expect_in err "a title or file name that is not UTF-8"
GLOSSA_REPORT_DIR="$TMP/nowhere" "$GLOSSA" report seed.jsonl -o r.html 2>err &&
    fail "a missing template was not an error"
expect_in err "cannot read $TMP/nowhere/template.html"
[ ! -e r.html ] && [ ! -e r.html.partial ] || fail "a failed report left a file"

# ---- 2. In the browser ---------------------------------------------------
if ! command -v chromium >/dev/null; then
    echo "SKIPPED: the browser checks need Debian's chromium" \
        "(apt-get install chromium; tools/deps.sh test installs it)"
    exit 77
fi
check() { python3 "$HERE/check_report.py" "$@" || fail "check_report.py $*"; }
check dom seed.html seed.jsonl "$ART" seed
check dom seed-inputs.html seed.jsonl "$ART" seed-inputs
check dom hand.html hand.jsonl "$ART" hand --skipped 1 --huge huge-7
check dom hand-inputs.html hand.jsonl "$ART" hand-inputs --skipped 1 \
    --huge huge-7 --texts hand-inputs.jsonl

# ---- 3. 10,000 documents -------------------------------------------------
if [ "${GLOSSA_SANITIZER:-}" = tsan ]; then
    # The pipeline over 42 MB would take most of CI's time under
    # ThreadSanitizer; the release and ASan builds time the page.
    echo "not timed under ThreadSanitizer (the other builds time it)"
    exit 0
fi
# gen_corpus writes news-length documents (4 KB on average) from the seed;
# 42 MB gives a little over 10,000.
"$BUILD_DIR/gen_corpus" "$SOURCE_DIR/corpus" 42 | head -n 10000 >big-in.jsonl
[ "$(wc -l <big-in.jsonl)" -eq 10000 ] || fail "gen_corpus gave too few documents"
"$GLOSSA" run -q --with-text big-in.jsonl -o big.jsonl || fail "glossa run (10,000)"
run_glossa 0 report big.jsonl -o big.html
expect_in err "10000 documents (10000 with their text)"
check timing big.html "$ART" 10k --runs 5 --limit-ms 3000
echo "screenshots and timings: $ART"
ls "$ART"
