#!/bin/bash
# Plugin ABI 1.1: layer inputs mapped in the pipeline, declared option
# constraints checked by the core, plugins built against 1.0 still loaded
# right, warnings in the record, and the public headers compiled as C11,
# C17, C++17 and C++20.
. "$(dirname "$0")/lib.sh"
: "${SOURCE_DIR:?}"
P="$TEST_PLUGINS"
C="$SOURCE_DIR/corpus"

# -- Inputs: counter reads its input "capitals" from a layer named "caps".
cat >"$TMP/mapped.json" <<JSON
{"plugins": [{"plugin": "capitals", "as": "caps"},
             {"plugin": "counter", "inputs": {"capitals": "caps"}}]}
JSON
for mode in "" --isolate; do
    run_glossa 0 run $mode --pipeline "$TMP/mapped.json" "$C"
    expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == []
        and (.annotations.caps | length) > 0
        and ([.annotations.counter[].capitals] | add) == (.annotations.caps | length))'
done
# The same output as the unmapped pipeline, layer names aside.
run_glossa 0 run --plugin capitals --plugin counter "$C"
jq -c '.annotations.counter' "$TMP/out" >"$TMP/plain"
run_glossa 0 run --pipeline "$TMP/mapped.json" "$C"
jq -c '.annotations.counter' "$TMP/out" | cmp - "$TMP/plain" || fail "mapping changed counter's output"
# Without the mapping, the message says how to map.
echo '{"plugins": [{"plugin": "capitals", "as": "caps"}, "counter"]}' >"$TMP/unmapped.json"
run_glossa 3 run --pipeline "$TMP/unmapped.json" "$C"
expect_in "$TMP/err" "requires layer 'capitals', which no plugin in the pipeline provides"
expect_in "$TMP/err" '"inputs": {"capitals": "LAYER"}'
echo '{"plugins": ["capitals", {"plugin": "counter", "inputs": {"capitol": "capitals"}}]}' >"$TMP/typo.json"
run_glossa 3 run --pipeline "$TMP/typo.json" "$C"
expect_in "$TMP/err" "plugin 'counter' has no input 'capitol'"
echo '{"plugins": ["capitals", {"plugin": "counter", "inputs": {"capitals": "nowhere"}}]}' >"$TMP/gone.json"
run_glossa 3 run --pipeline "$TMP/gone.json" "$C"
expect_in "$TMP/err" "reads its input 'capitals' from layer 'nowhere', which no plugin in the pipeline provides"

# -- Options: bounds and required keys, checked before create().
echo '{"plugins": [{"plugin": "slow", "config": {"ms": -5}}]}' >"$TMP/neg.json"
run_glossa 3 run --pipeline "$TMP/neg.json" "$C"
expect_in "$TMP/err" "configuration key 'ms' of plugin 'slow' must be at least 0"
run_glossa 0 plugins slow
expect_in "$TMP/out" "from 0 to +inf"

# -- A plugin built against ABI 1.0: its shorter option entries are read
# with their own stride (a misread table would lose or garble the keys).
run_glossa 0 plugins "$P/abi10.so"
expect_in "$TMP/out" "abi10 0.1 (plugin ABI 1.0)"
expect_in "$TMP/out" 'flag               boolean      default true'
echo '{"plugins": [{"plugin": "'"$P"'/abi10.so", "config": {"count": 5, "mode": "z"}}]}' >"$TMP/abi10.json"
run_glossa 0 run --pipeline "$TMP/abi10.json" "$C/000.txt"
expect_json "$TMP/out" '.[0].annotations.abi10[0].config == "z/5/1"'

# -- Warnings: relative dates without a document date keep underspecified
# values, and the record says so once.
echo "We meet on Monday, and again next week." >"$TMP/nodate.txt"
run_glossa 4 run --plugin dates "$TMP/nodate.txt"
expect_json "$TMP/out" '.[0].annotations.dates | length == 2'
expect_json "$TMP/out" '[.[0].errors[] | select(.code == "EWARNING" and .plugin == "dates")] | length == 1'
expect_in "$TMP/out" 'no document date'

# -- The public headers in C and C++ ("requires" is a C++20 keyword).
cat >"$TMP/h.c" <<'C'
#include <glossa/glossa.h>
static const char *const in[] = {"entities", NULL};
static const glossa_plugin_t d = {.inputs = in};
static const glossa_plugin_t old = {.requires = in}; /* C keeps the old name */
int main(void) { return d.inputs == old.inputs ? 0 : 1; }
C
cat >"$TMP/h.cpp" <<'CPP'
#include <glossa/glossa.h>
static const char *const in[] = {"entities", nullptr};
int main()
{
    glossa_plugin_t d{};
    d.inputs = in;
    glossa_plugin_info_t info{};
    info.inputs = in;
    return d.inputs == info.inputs ? 0 : 1;
}
CPP
JI=$(pkg-config --cflags jansson 2>/dev/null)
for std in c11 c17; do
    cc -std=$std -Wall -Wextra -Wpedantic -Werror -I"$SOURCE_DIR/include" $JI \
        -c "$TMP/h.c" -o "$TMP/h.o" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; fail "headers as $std"; }
done
if command -v c++ >/dev/null; then
    for std in c++17 c++20; do
        c++ -std=$std -Wall -Wextra -Werror -I"$SOURCE_DIR/include" $JI \
            -c "$TMP/h.cpp" -o "$TMP/h.o" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; fail "headers as $std"; }
    done
else
    echo "no C++ compiler: the C++ header check is skipped"
fi
echo ok
