#!/bin/bash
# Every way a plugin can fail to load gives exit 3 and a precise message.
. "$(dirname "$0")/lib.sh"
B="$TEST_PLUGINS/broken"
C="$SOURCE_DIR/corpus"

run_glossa 3 run --plugin "$TMP/nowhere.so" "$C"
expect_in "$TMP/err" "$TMP/nowhere.so: cannot load plugin: No such file or directory"

run_glossa 3 run --plugin no_such_plugin "$C"
expect_in "$TMP/err" "no_such_plugin: plugin not found in the search path ($TEST_PLUGINS:"

run_glossa 3 run --plugin "$B/not_a_library.so" "$C"
expect_in "$TMP/err" "$B/not_a_library.so: cannot load plugin (not a loadable shared object?)"

run_glossa 3 run --plugin "$B/broken_no_entry.so" "$C"
expect_in "$TMP/err" "broken_no_entry.so: not a Glossa plugin: it does not export glossa_plugin_entry()"

run_glossa 3 run --plugin "$B/broken_abi_major.so" "$C"
expect_in "$TMP/err" "incompatible plugin: built against plugin ABI 2.0, but this glossa provides ABI 1.2"

run_glossa 3 run --plugin "$B/broken_abi_minor.so" "$C"
expect_in "$TMP/err" "built against plugin ABI 1.99, but this glossa provides ABI 1.2 and loads plugins built for 1.0 to 1.2"

run_glossa 3 run --plugin "$B/broken_bad_name.so" "$C"
expect_in "$TMP/err" 'invalid plugin descriptor: name "Bad Name" must match [a-z][a-z0-9_]*'

run_glossa 3 run --plugin capitals --plugin "$B/broken_duplicate.so" "$C"
expect_in "$TMP/err" "duplicate layer 'capitals': already produced by $TEST_PLUGINS/capitals.so"

run_glossa 3 run --plugin "$B/broken_requires_missing.so" "$C"
expect_in "$TMP/err" "plugin 'broken' ($B/broken_requires_missing.so) requires layer 'nonexistent', which no plugin in the pipeline provides"

run_glossa 3 run --plugin "$B/broken_cycle_a.so" --plugin "$B/broken_cycle_b.so" "$C"
expect_in "$TMP/err" "plugin dependency cycle: cycle_a -> cycle_b -> cycle_a"

run_glossa 3 run --plugin "$B/broken_reject_config.so" "$C"
expect_in "$TMP/err" "plugin 'broken' ($B/broken_reject_config.so) refused to start: threshold must be between 0 and 1"

# Configuration checked against the declared table.
echo '{"plugins": [{"plugin": "capitals", "config": {"lable": "X"}}]}' >"$TMP/p1.json"
run_glossa 3 run --pipeline "$TMP/p1.json" "$C"
expect_in "$TMP/err" "$TMP/p1.json: plugins[0]: unknown configuration key 'lable' for plugin 'capitals' (known keys: label, odd_text)"

echo '{"plugins": [{"plugin": "capitals", "config": {"label": 3}}]}' >"$TMP/p2.json"
run_glossa 3 run --pipeline "$TMP/p2.json" "$C"
expect_in "$TMP/err" "configuration key 'label' of plugin 'capitals' must be a string"

printf '{"plugins": [\n  {"plugin": "capitals",}\n]}\n' >"$TMP/p3.json"
run_glossa 3 run --pipeline "$TMP/p3.json" "$C"
expect_in "$TMP/err" "$TMP/p3.json:2:"

echo '{"plugins": [{"name": "capitals"}]}' >"$TMP/p4.json"
run_glossa 3 run --pipeline "$TMP/p4.json" "$C"
expect_in "$TMP/err" "plugins[0]: unknown or mistyped key 'name'"

# A plugin built against an older 1.x header (a shorter descriptor) loads.
run_glossa 0 run --plugin "$B/broken_old_layout.so" "$C"
expect_json "$TMP/out" 'length == 5 and all(.annotations.old_layout | length == 1)'
echo ok
