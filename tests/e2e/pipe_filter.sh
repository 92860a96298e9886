#!/bin/bash
# glossa run - as a streaming filter, the contract of Spark RDD.pipe,
# Hadoop Streaming and `kcat | glossa run -`: one line out per line in, in
# order, nothing else on stdout, and each record out while the input is
# still open. Checked through GNU parallel --pipe, which splits stdin into
# chunks and runs a filter per chunk exactly as those engines do.
. "$(dirname "$0")/lib.sh"
if ! command -v parallel >/dev/null; then
    echo "SKIP: GNU parallel is not installed (apt-get install parallel;" \
        "tools/deps.sh test installs it)"
    exit 77
fi
cd "$TMP" || fail "cd $TMP"
for f in "$SOURCE_DIR"/corpus/*.txt; do
    jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: .}' "$f"
done >base.jsonl
for i in $(seq 1 40); do sed "s/\"id\":\"/\"id\":\"$i-/" base.jsonl; done >docs.jsonl
# A few noisy documents: the faulty plugin prints to stdout on them.
{
    echo '{"id": "noise-1", "text": "This STDOUT document makes noise."}'
    echo '{"id": "fail-1", "text": "FAIL-ME says the Plugin."}'
} >>docs.jsonl
n=$(wc -l <docs.jsonl)
echo '{"plugins": ["capitals", "counter", "faulty"]}' >p.json

# Direct, then through parallel --pipe: 7 records per chunk, 2 at a time,
# output kept in input order (-k).
"$GLOSSA" run -q --pipeline p.json - <docs.jsonl >direct.jsonl 2>direct.err
[ $? -eq 4 ] || fail "direct run: expected exit 4 (one record carries an error)"
parallel --will-cite --pipe -N 7 -j2 -k \
    "$GLOSSA" run -q --pipeline p.json - <docs.jsonl >parallel.jsonl 2>parallel.err
[ $? -eq 1 ] || fail "parallel: expected 1 failed chunk (exit 4 of the FAIL-ME chunk)"
cmp direct.jsonl parallel.jsonl || fail "output through parallel --pipe differs"
[ "$(wc -l <parallel.jsonl)" -eq "$n" ] || fail "expected $n lines"
# Nothing but records on stdout, in input order.
jq -e 'type == "object" and has("annotations")' parallel.jsonl >/dev/null ||
    fail "stdout holds something other than records"
[ "$(jq -r .id parallel.jsonl)" = "$(jq -r .id docs.jsonl)" ] || fail "order changed"
expect_in parallel.err "plugin noise on stdout"
# Larger chunks, more jobs: the same bytes.
parallel --will-cite --pipe -N 50 -j4 -k \
    "$GLOSSA" run -q --pipeline p.json - <docs.jsonl >parallel50.jsonl 2>/dev/null
cmp direct.jsonl parallel50.jsonl || fail "parallel --pipe -N 50 -j4 differs"

# Bounded latency: each record comes out while stdin is still open.
coproc FILTER { "$GLOSSA" run -q --pipeline p.json - 2>latency.err; }
# (bash unsets FILTER and FILTER_PID once the coprocess exits)
pid=$FILTER_PID
out=${FILTER[0]}
in=${FILTER[1]}
for id in first second third; do
    printf '{"id": "%s", "text": "Record %s of a Stream."}\n' $id $id >&"$in"
    IFS= read -r -t 10 line <&"$out" ||
        fail "no output for record '$id' within 10 s while stdin stays open"
    [ "$(jq -r .id <<<"$line")" = $id ] || fail "expected record $id, got: $line"
done
exec {in}>&-
IFS= read -r -t 10 line <&"$out" && fail "unexpected output after the end: $line"
wait "$pid" || fail "the filter exited $? at the end of its input"
echo ok
