#!/bin/bash
# The plugin SDK, following docs/writing-plugins.md step by step: install
# Glossa to a prefix; check that the guide's code is the example's; build
# the example out of tree with CMake and with the guide's own pkg-config
# command; test it with the test host; install it and run it by name with
# the bundled analyzers; move the install and run everything from there.
. "$(dirname "$0")/lib.sh"
: "${BUILD_DIR:?}"
unset GLOSSA_PLUGIN_PATH
GUIDE="$SOURCE_DIR/docs/writing-plugins.md"
EX="$SOURCE_DIR/docs/examples/keywords"

# 1. Install (the guide's step 1, to a prefix).
P="$TMP/prefix"
cmake --install "$BUILD_DIR" --prefix "$P" >"$TMP/install.log" 2>&1 || {
    cat "$TMP/install.log" >&2
    fail "cmake --install"
}
for f in bin/glossa include/glossa/plugin.h include/glossa/glossa.h include/glossa/testing.h \
         lib/pkgconfig/glossa.pc lib/cmake/Glossa/GlossaConfig.cmake \
         lib/cmake/Glossa/GlossaPlugin.cmake share/glossa/default-pipeline.json \
         share/glossa/output-schema.json share/man/man1/glossa.1 share/doc/glossa/writing-plugins.md; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
export PATH="$P/bin:$PATH" PKG_CONFIG_PATH="$P/lib/pkgconfig" CMAKE_PREFIX_PATH="$P"
GLOSSA="$P/bin/glossa" # from here on, run_glossa runs the installed glossa
# man glossa: the installed page, naming every command the tool has.
if command -v man >/dev/null; then
    MANPATH="$P/share/man" man -P cat glossa >"$TMP/man.txt" 2>"$TMP/man.err" || fail "man glossa: $(cat "$TMP/man.err")"
    for c in $(glossa help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}'); do
        grep -q "glossa $c" "$TMP/man.txt" || fail "the man page does not name 'glossa $c'"
    done
else
    echo "man is not installed: the man page is checked by its presence only"
fi

# The guide's C, CMake and pipeline blocks are the example's own.
python3 "$SOURCE_DIR/tests/e2e/check_guide.py" "$GUIDE" "$EX" || fail "the guide drifted from its example"

# 5. Build it out of tree with CMake, exactly as the guide says.
cp -r "$EX" "$TMP/keywords"
cd "$TMP/keywords" || fail "cd"
# In a sanitizer build, the example's test program links the instrumented
# libglossa, so it is built with the same sanitizer (a user's is not).
san=()
[ "${GLOSSA_SANITIZER:-}" = asan ] && san=(-DCMAKE_C_FLAGS="-fsanitize=address,undefined")
cmake -S . -B build -DCMAKE_PREFIX_PATH="$P" "${san[@]}" >"$TMP/cfg.log" 2>&1 || { cat "$TMP/cfg.log" >&2; fail "configure example"; }
cmake --build build >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; fail "build example"; }
[ "$(nm -D --defined-only build/keywords.so | awk '{print $3}')" = glossa_plugin_entry ] ||
    fail "the example exports more than its entry symbol"
# The guide's pkg-config command, as written, without a warning.
cmd=$(python3 "$SOURCE_DIR/tests/e2e/check_guide.py" "$GUIDE" --command cc) || fail "no cc command in the guide"
(eval "$cmd") 2>"$TMP/cc.err" || { cat "$TMP/cc.err" >&2; fail "the guide's pkg-config command"; }
[ ! -s "$TMP/cc.err" ] || fail "the guide's pkg-config command warns: $(cat "$TMP/cc.err")"
[ -f keywords.so ] || fail "the guide's command made no keywords.so"

# 6. Test it: the example's test with the SDK's test host.
(cd build && ctest --output-on-failure) >"$TMP/ctest.log" 2>&1 || { cat "$TMP/ctest.log" >&2; fail "the example's test-host test"; }
glossa plugins ./build/keywords.so >"$TMP/out" 2>"$TMP/err" || fail "glossa plugins"
expect_in "$TMP/out" "words              string list  (required)"
run_glossa 0 run --pipeline pipeline.json "$SOURCE_DIR/corpus"
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [] and .document.keywords.matches == (.annotations.keywords | length))'
expect_json "$TMP/out" '[.[].annotations.keywords[]] | length > 40 and all(.[]; .label == "COUNTRY" and (.keyword | IN("russia","armenia","azerbaijan")))'
# It read the bundled analyzer's entities through the renamed layer.
expect_json "$TMP/out" '[.[].annotations.keywords[] | select(.entity)] | length > 40 and all(.[]; .entity | IN("Russia","Armenia","Azerbaijan"))'
# Its declared fields make its schema; the output validates against it.
run_glossa 0 schema --pipeline pipeline.json
cp "$TMP/out" "$TMP/kw-schema.json"
run_glossa 0 run --pipeline pipeline.json "$SOURCE_DIR/corpus"
python3 "$SOURCE_DIR/tests/e2e/validate_jsonl.py" "$TMP/kw-schema.json" "$TMP/out" || fail "the example's schema"
# The core refuses a configuration without the required key; the plugin
# refuses one only it can judge, with its own message.
echo '{"plugins": [{"plugin": "./build/keywords.so"}]}' >none.json
run_glossa 3 run --pipeline none.json "$SOURCE_DIR/corpus"
expect_in "$TMP/err" "plugin 'keywords' needs the configuration key 'words'"
echo '{"plugins": ["entities", {"plugin": "./build/keywords.so", "config": {"words": []}}]}' >empty.json
run_glossa 3 run --pipeline empty.json "$SOURCE_DIR/corpus"
expect_in "$TMP/err" '"words" must list at least one word'

# Installed beside the bundled plugins, it runs by name, with them,
# reading the renamed entities layer through "inputs".
cmake --install build >"$TMP/inst2.log" 2>&1 || { cat "$TMP/inst2.log" >&2; fail "install the example"; }
[ -f "$P/lib/glossa/plugins/keywords.so" ] || fail "the example was not installed into the plugin directory"
cat >"$TMP/with-bundled.json" <<JSON
{"plugins": [{"plugin": "entities", "as": "ents"}, "dates",
             {"plugin": "keywords", "inputs": {"entities": "ents"}, "config": {"words": ["Russia"]}}]}
JSON
run_glossa 0 run --pipeline "$TMP/with-bundled.json" "$SOURCE_DIR/corpus"
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [] and (.annotations.ents | length) > 0
    and (.annotations.dates | length) > 0 and (.annotations.keywords | length) > 0
    and all(.annotations.keywords[]; .entity == "Russia"))'
# Without the mapping, the renamed layer does not feed it, and it says so.
echo '{"plugins": [{"plugin": "entities", "as": "ents"}, {"plugin": "keywords", "config": {"words": ["x"]}}]}' >"$TMP/unmapped.json"
run_glossa 3 run --pipeline "$TMP/unmapped.json" "$SOURCE_DIR/corpus"
expect_in "$TMP/err" "requires layer 'entities'"

# A relocated install: the binary finds the plugins (the example too), the
# default pipeline and the bundled analyzers' models and data relative to
# itself, whatever the prefix and wherever the tree is moved.
mv "$P" "$TMP/moved"
M="$TMP/moved"
export PATH="$M/bin:$PATH"
"$M/bin/glossa" run "$SOURCE_DIR/corpus" >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "the default pipeline from a moved install"; }
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [] and (.annotations.entities | length) > 0 and (.annotations.dates | length) > 0 and (.annotations.mediation | length) > 0)'
sed "s|$P|$M|g" "$TMP/with-bundled.json" >"$TMP/moved.json"
"$M/bin/glossa" run --pipeline "$TMP/moved.json" "$SOURCE_DIR/corpus" >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "the out-of-tree plugin from a moved install"; }
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [] and (.annotations.keywords | length) > 0)'
echo ok
