#!/bin/bash
# Standard input to standard output: one line per record, in order, and a
# plugin printing to stdout cannot corrupt the output.
. "$(dirname "$0")/lib.sh"
{
    echo '{"id": "1", "text": "One Two."}'
    echo '{"id": "2", "text": "This STDOUT document makes noise."}'
    echo '{"id": "3", "text": "Three."}'
} | "$GLOSSA" run --plugin faulty - >"$TMP/out" 2>"$TMP/err" || fail "exit $?"
expect_json "$TMP/out" '[.[].id] == ["1","2","3"]'
jq -e . "$TMP/out" >/dev/null || fail "stdout is not pure JSONL"
expect_in "$TMP/err" "plugin noise on stdout"
echo ok
