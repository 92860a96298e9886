#!/bin/bash
# A plugin runs after the layers it requires, whatever the pipeline order,
# and the output keeps the pipeline's order of layers.
. "$(dirname "$0")/lib.sh"
cat >"$TMP/pipeline.json" <<JSON
{"plugins": [{"plugin": "counter"}, {"plugin": "capitals", "config": {"label": "UP"}}]}
JSON
for threads in 1 4; do
    run_glossa 0 run --threads $threads --pipeline "$TMP/pipeline.json" "$SOURCE_DIR/corpus"
    expect_json "$TMP/out" 'length == 5 and all(.errors == [])'
    expect_json "$TMP/out" 'all(.[]; .annotations | keys_unsorted == ["counter", "capitals"])'
    # counter saw the finished capitals layer: its counts add up.
    expect_json "$TMP/out" 'all(.[]; ([.annotations.counter[].capitals] | add) == (.annotations.capitals | length))'
    expect_json "$TMP/out" 'all(.[].annotations.capitals[]; .label == "UP")'
    expect_json "$TMP/out" 'all(.[]; .document.capitals.count == (.annotations.capitals | length))'
done
echo ok
