#!/bin/bash
# The dates plugin on the seed corpus, scored by glossa eval against the
# seed gold (tests/gold) with the floors of issue 4: relaxed F1 and value
# F1 (TempEval-3 style) at least 0.90. Fails when the plugin regresses.
#
# Run by ctest as plugin/dates/seed_gold with
#   GLOSSA       the glossa binary
#   PLUGIN_DIR   the directory holding the built dates plugin
#   SOURCE_DIR   the source tree (corpus/, tests/gold/)
set -u
: "${GLOSSA:?}" "${PLUGIN_DIR:?}" "${SOURCE_DIR:?}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dates-seed.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export GLOSSA_PLUGIN_PATH="$PLUGIN_DIR"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

"$GLOSSA" run --quiet --plugin dates -o "$TMP/out.jsonl" "$SOURCE_DIR/corpus" \
    2>"$TMP/run.err"
rc=$?
if [ "$rc" -ne 0 ]; then
    cat "$TMP/run.err" >&2
    fail "glossa run --plugin dates exited $rc"
fi

floors=(--floor dates.attr.value.f1=0.90 --floor dates.relaxed.f1=0.90)
"$GLOSSA" eval --gold "$SOURCE_DIR/tests/gold" --layer dates --attr value \
    "${floors[@]}" "$TMP/out.jsonl" >"$TMP/eval.txt" 2>"$TMP/eval.err"
rc=$?
cat "$TMP/eval.txt"
if [ "$rc" -ne 0 ]; then
    cat "$TMP/eval.err" >&2
    fail "glossa eval exited $rc (5: a floor was not met)"
fi

# The floors are not vacuous: output without the dates layer fails them.
jq -c 'del(.annotations.dates)' "$TMP/out.jsonl" >"$TMP/empty.jsonl" ||
    fail "jq failed"
"$GLOSSA" eval --gold "$SOURCE_DIR/tests/gold" --layer dates --attr value \
    "${floors[@]}" "$TMP/empty.jsonl" >/dev/null 2>"$TMP/empty.err"
rc=$?
[ "$rc" -eq 5 ] || fail "floors not enforced: eval of empty output exited $rc"
grep -q "floor not met: dates" "$TMP/empty.err" ||
    fail "no 'floor not met' message"
echo ok
