#!/bin/bash
# The quotes layer on tests/news/dev with the real entities plugin, scored
# by glossa eval against the dev gold, with floors a little under the
# scores reached (plugins/quotes/README.md). Only the dev half: the test
# half is scored with frozen code by someone else.
# Environment (tests/e2e/lib.sh): GLOSSA, TEST_PLUGINS, SOURCE_DIR.
. "$SOURCE_DIR/tests/e2e/lib.sh"

run_glossa 0 run --pipeline <(echo '{"plugins": ["entities", "quotes"]}') \
    --threads 2 "$SOURCE_DIR/tests/news/dev" -o "$TMP/dev.jsonl"
run_glossa 0 eval --gold "$SOURCE_DIR/tests/news/dev/gold" --layer quotes \
    --attr speaker --attr kind \
    --floor quotes.relaxed.f1=0.83 \
    --floor quotes.attr.speaker.accuracy_relaxed=0.83 \
    --floor quotes.attr.kind.accuracy_relaxed=0.95 \
    "$TMP/dev.jsonl"
cat "$TMP/out"
echo ok
