#!/bin/bash
# The entities plugin on the seed corpus through the real CLI: glossa eval
# against tests/gold must show exact-span micro F1 and canonical accuracy
# of at least 0.90 (issue "Entity tagging analyzer"), and the output must
# not depend on the number of threads.
#   GLOSSA (the CLI), ENTITIES_PLUGIN (entities.so), SOURCE_DIR (the tree)
set -u
: "${GLOSSA:?}" "${ENTITIES_PLUGIN:?}" "${SOURCE_DIR:?}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/entities-gold.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

for t in 1 2; do
    "$GLOSSA" run --threads "$t" --plugin "$ENTITIES_PLUGIN" \
        "$SOURCE_DIR/corpus" -o "$TMP/out$t.jsonl" 2>"$TMP/run$t.err" || {
        cat "$TMP/run$t.err" >&2
        echo "FAIL: glossa run --threads $t failed" >&2
        exit 1
    }
done
cmp -s "$TMP/out1.jsonl" "$TMP/out2.jsonl" || {
    echo "FAIL: output differs between --threads 1 and 2" >&2
    exit 1
}
"$GLOSSA" eval --gold "$SOURCE_DIR/tests/gold" --layer entities \
    --attr canonical --attr refers_to \
    --floor entities.exact.micro.f1=1.0 \
    --floor entities.attr.canonical.accuracy_exact=0.90 \
    "$TMP/out1.jsonl"
rc=$?
[ $rc -eq 0 ] || echo "FAIL: glossa eval exited $rc (floors not met?)" >&2
exit $rc
