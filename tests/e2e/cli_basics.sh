#!/bin/bash
# Usage errors, listing and describing plugins, version.
. "$(dirname "$0")/lib.sh"
run_glossa 2 frobnicate
expect_in "$TMP/err" "unknown command 'frobnicate'"
run_glossa 2 run --plugin capitals
expect_in "$TMP/err" "no input given"
run_glossa 2 run --threads 0 x
run_glossa 2 run --shard 3/3 x
run_glossa 0 version
expect_in "$TMP/out" "plugin ABI 1.0"
run_glossa 0 plugins
expect_in "$TMP/out" "capitals       1.0"
expect_in "$TMP/out" "counter        1.0       1.0   capitals"
run_glossa 0 plugins --help capitals
expect_in "$TMP/out" 'label              string       default "CAP"'
run_glossa 3 plugins --help nothing_here
run_glossa 0 run --help
expect_in "$TMP/out" "exit status"
echo ok
