#!/bin/bash
# Provenance: every record names what produced each layer and its input;
# --describe, --stats and the job file give the full description; --resume
# and merge refuse work of other plugins, data, configurations or inputs;
# --with-text puts the text in the record.
. "$(dirname "$0")/lib.sh"
C="$SOURCE_DIR/corpus"
cd "$TMP" || fail "cd"
echo '{"plugins": ["capitals", "counter"]}' >p.json
echo '{"plugins": [{"plugin": "capitals", "config": {"label": "CITY"}}, "counter"]}' >p2.json

# -- Every record: the input's digest and each layer's plugin/version/digest.
run_glossa 0 run --pipeline p.json "$C"
cp "$TMP/out" a.jsonl
expect_json a.jsonl 'all(.[]; (.provenance.input | test("^[0-9a-f]{16}$"))
    and (.provenance.layers | keys) == (.annotations | keys)
    and (.provenance.layers.capitals | test("^capitals/1\\.0/[0-9a-f]{16}$")))'
# The same as --describe says, and stable from run to run.
run_glossa 0 run --describe --pipeline p.json
cp "$TMP/out" describe.json
expect_json describe.json '.[0] | .glossa != null and .plugin_abi == "1.2" and (.steps | length) == 2
    and .steps[0].layer == "capitals" and (.steps[0].so_digest | test("^[0-9a-f]{16}$"))
    and (.steps[0].config.label == "CAP")'
cap=$(jq -r '.steps[0].provenance' describe.json)
expect_json a.jsonl "all(.[]; .provenance.layers.capitals == \"$cap\")"
run_glossa 0 run --pipeline p.json "$C"
cmp a.jsonl "$TMP/out" || fail "provenance changed between two runs of the same pipeline"
# A changed configuration changes that layer's digest, and its dependent's
# output, but not the other layer's digest.
run_glossa 0 run --pipeline p2.json "$C"
cp "$TMP/out" b.jsonl
[ "$(jq -r '.provenance.layers.capitals' b.jsonl | head -1)" != "$cap" ] ||
    fail "a changed configuration kept the layer's digest"
[ "$(jq -r '.provenance.layers.counter' b.jsonl | head -1)" = "$(jq -r '.provenance.layers.counter' a.jsonl | head -1)" ] ||
    fail "the counter layer's digest moved with another step's configuration"
# Another text, another input digest; the same text and metadata, the same.
printf '{"id":"x","text":"Paris."}\n{"id":"y","text":"Paris."}\n{"id":"z","text":"Rome."}\n{"id":"w","text":"Paris.","meta":{"published":"2020-01-01"}}\n' >d.jsonl
run_glossa 0 run --pipeline p.json d.jsonl
expect_json "$TMP/out" '[.[].provenance.input] as $d | $d[0] == $d[1] and $d[0] != $d[2] and $d[0] != $d[3]'
# --stats carries the description.
run_glossa 0 run --pipeline p.json --stats stats.json "$C"
expect_json stats.json ".[0].provenance.steps[0].provenance == \"$cap\""

# -- --with-text: the text the offsets count in.
run_glossa 0 run --pipeline p.json --with-text d.jsonl
expect_json "$TMP/out" '[.[].text] == ["Paris.", "Paris.", "Rome.", "Paris."]
    and all(.[]; .text[.annotations.capitals[0].start:.annotations.capitals[0].end] == .annotations.capitals[0].text)'

# -- --resume refuses other plugins' work, and changed inputs.
mkdir in && cp "$C"/*.txt in/
run_glossa 0 run --pipeline p.json -o out.jsonl in
expect_json out.jsonl.job '.[0] | (.provenance.capitals == "'"$cap"'") and (.input_files | length) == 5
    and all(.input_files[]; .digest | test("^[0-9a-f]{16}$")) and (.provenance_detail.steps | length) == 2'
run_glossa 0 run --resume --pipeline p.json -o out.jsonl in
expect_in "$TMP/err" "is complete; nothing to resume"
run_glossa 1 run --resume --pipeline p2.json -o out.jsonl in
expect_in "$TMP/err" "made with other settings"
expect_in "$TMP/err" "provenance: was"
# A partial output whose input changed under it.
mv out.jsonl.job out.jsonl.partial.job
mv out.jsonl out.jsonl.partial
echo "Changed text in Berlin." >in/002.txt
run_glossa 1 run --resume --pipeline p.json -o out.jsonl in
expect_in "$TMP/err" "cannot resume out.jsonl.partial: it was started with other settings, plugins or inputs"
expect_in "$TMP/err" "input_files: was"
expect_in "$TMP/err" "remove out.jsonl.partial to start over"

# -- merge refuses shards made by different plugins or configurations.
run_glossa 0 run --pipeline p.json --shard 0/2 -o s0.jsonl "$C"
run_glossa 0 run --pipeline p2.json --shard 1/2 -o s1.jsonl "$C"
run_glossa 1 merge -o m.jsonl s0.jsonl s1.jsonl
expect_in "$TMP/err" "are shards of different jobs"
expect_in "$TMP/err" "provenance"
run_glossa 0 run --pipeline p.json --shard 1/2 -o s1.jsonl "$C"
run_glossa 0 merge -o m.jsonl s0.jsonl s1.jsonl
run_glossa 0 run --pipeline p.json "$C"
cmp m.jsonl "$TMP/out" || fail "merged shards differ from one run"
echo ok
