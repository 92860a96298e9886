#!/bin/bash
# The issue's floors, with the real entities plugin: `glossa run` with
# entities and mediation over the seed corpus, then `glossa eval` on the
# seed gold. Skipped (77) while the entities plugin or the evaluator is
# not in the build.
. "$SOURCE_DIR/tests/e2e/lib.sh"
"$GLOSSA" eval --help >/dev/null 2>&1 || {
    echo "skipped: glossa eval is not built"
    exit 77
}
"$GLOSSA" plugins --help entities >/dev/null 2>&1 || {
    echo "skipped: the entities plugin is not built"
    exit 77
}

run_glossa 0 run --pipeline <(echo '{"plugins": ["entities", "quotes", "mediation"]}') \
    --threads 2 "$SOURCE_DIR/corpus"
mv "$TMP/out" "$TMP/run.jsonl"
run_glossa 0 eval --gold "$SOURCE_DIR/tests/gold" --layer mediation \
    --attr polarity --attr holder --doc-attr label \
    --floor mediation.relaxed.f1=0.90 \
    --floor mediation.attr.polarity.macro_f1=0.80 \
    --floor mediation.attr.holder.accuracy_relaxed=0.80 \
    --floor mediation.doc.label.accuracy=1 "$TMP/run.jsonl"
cat "$TMP/out"
echo ok
