#!/bin/bash
# glossa run --reuse OLD.jsonl: layers whose input and provenance are
# unchanged are taken from the earlier output, the rest runs; the result
# is byte for byte a fresh run's, in process and in isolation.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || fail "cd"
for f in "$SOURCE_DIR"/corpus/*.txt; do
    jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: ., published: "2022-10-31"}' "$f"
done >docs.jsonl
echo '{"plugins": ["capitals", "counter", {"plugin": "slow", "config": {"ms": 1}}]}' >p.json
echo '{"plugins": [{"plugin": "capitals", "config": {"label": "CITY"}}, "counter", {"plugin": "slow", "config": {"ms": 1}}]}' >p2.json
echo '{"plugins": ["capitals", "counter", {"plugin": "slow", "config": {"ms": 2}}]}' >p3.json
reused_of() { jq -r --arg n "$2" '.plugins[] | select(.name == $n) | .reused' "$1"; }
calls_of() { jq -r --arg n "$2" '.plugins[] | select(.name == $n) | .documents' "$1"; }

run_glossa 0 run --pipeline p.json -o old.jsonl docs.jsonl
for mode in "" --isolate; do
    # Nothing changed: everything taken, nothing run, the same bytes.
    run_glossa 0 run $mode --pipeline p.json --reuse old.jsonl --stats s.json docs.jsonl
    cmp "$TMP/out" old.jsonl || fail "$mode: reusing everything changed the output"
    [ "$(reused_of s.json capitals)" = 5 ] && [ "$(calls_of s.json capitals)" = 0 ] &&
        [ "$(reused_of s.json slow)" = 5 ] || fail "$mode: not everything was reused: $(cat s.json)"
    # One step's configuration changed: it and what reads it run again,
    # the independent step is taken.
    run_glossa 0 run $mode --pipeline p2.json --reuse old.jsonl --stats s.json docs.jsonl
    cp "$TMP/out" reused2.jsonl
    run_glossa 0 run $mode --pipeline p2.json docs.jsonl
    cmp reused2.jsonl "$TMP/out" || fail "$mode: a partial reuse differs from a fresh run"
    [ "$(calls_of s.json capitals)" = 5 ] && [ "$(calls_of s.json counter)" = 5 ] &&
        [ "$(reused_of s.json slow)" = 5 ] && [ "$(calls_of s.json slow)" = 0 ] ||
        fail "$mode: the changed step and its dependent should run, the other be taken: $(cat s.json)"
    # A leaf changed: only it runs.
    run_glossa 0 run $mode --pipeline p3.json --reuse old.jsonl --stats s.json docs.jsonl
    [ "$(reused_of s.json capitals)" = 5 ] && [ "$(reused_of s.json counter)" = 5 ] &&
        [ "$(calls_of s.json slow)" = 5 ] || fail "$mode: only the changed leaf should run: $(cat s.json)"
done
# A document whose text (or metadata) changed runs whole; the others are
# taken.
jq -c 'if .id == "002" then .text = "A new text about Paris." else . end' docs.jsonl >docs2.jsonl
jq -c 'if .id == "003" then .published = "2023-01-01" else . end' docs2.jsonl >docs3.jsonl
run_glossa 0 run --pipeline p.json --reuse old.jsonl --stats s.json docs3.jsonl
cp "$TMP/out" reused3.jsonl
[ "$(reused_of s.json capitals)" = 3 ] && [ "$(calls_of s.json capitals)" = 2 ] ||
    fail "changed documents must run again, the rest be taken: $(cat s.json)"
run_glossa 0 run --pipeline p.json docs3.jsonl
cmp reused3.jsonl "$TMP/out" || fail "a reuse with changed documents differs from a fresh run"
# An earlier output of other documents, or without provenance: nothing
# taken; a missing one: an error.
jq -c '.id = "other-" + .id' docs.jsonl >other.jsonl
run_glossa 0 run --pipeline p.json --reuse old.jsonl --stats s.json other.jsonl
[ "$(reused_of s.json capitals)" = 0 ] || fail "records of other ids were reused"
jq -c 'del(.provenance)' old.jsonl >noprov.jsonl
run_glossa 0 run --pipeline p.json --reuse noprov.jsonl --stats s.json docs.jsonl
[ "$(reused_of s.json capitals)" = 0 ] || fail "records without provenance were reused"
run_glossa 2 run --pipeline p.json --reuse nothing.jsonl docs.jsonl
expect_in "$TMP/err" "nothing.jsonl: cannot read the output to reuse"
echo ok
