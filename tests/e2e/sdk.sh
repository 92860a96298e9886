#!/bin/bash
# The plugin SDK: install Glossa to a prefix, build the example plugin of
# docs/writing-plugins.md out of tree against it (CMake package and
# pkg-config), and run it with the installed glossa.
. "$(dirname "$0")/lib.sh"
: "${BUILD_DIR:?}"
unset GLOSSA_PLUGIN_PATH
P="$TMP/prefix"
cmake --install "$BUILD_DIR" --prefix "$P" >"$TMP/install.log" 2>&1 || {
    cat "$TMP/install.log" >&2
    fail "cmake --install"
}
for f in bin/glossa include/glossa/plugin.h include/glossa/glossa.h \
         lib/pkgconfig/glossa.pc lib/cmake/Glossa/GlossaConfig.cmake \
         lib/cmake/Glossa/GlossaPlugin.cmake share/glossa/default-pipeline.json; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done

# CMake route, exactly as the guide says.
cp -r "$SOURCE_DIR/docs/examples/keywords" "$TMP/keywords"
cd "$TMP/keywords"
cmake -S . -B build -DCMAKE_PREFIX_PATH="$P" >"$TMP/cfg.log" 2>&1 || { cat "$TMP/cfg.log" >&2; fail "configure example"; }
cmake --build build >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; fail "build example"; }
[ "$(nm -D --defined-only build/keywords.so | awk '{print $3}')" = glossa_plugin_entry ] ||
    fail "the example exports more than its entry symbol"

"$P/bin/glossa" plugins --help ./build/keywords.so >"$TMP/out" 2>"$TMP/err" || fail "plugins --help"
expect_in "$TMP/out" "words              string list  (required)"
"$P/bin/glossa" run --pipeline pipeline.json "$SOURCE_DIR/corpus" >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "run the example"; }
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [] and .document.keywords.matches == (.annotations.keywords | length))'
expect_json "$TMP/out" '[.[].annotations.keywords[]] | length > 40 and all(.[]; .label == "COUNTRY" and (.keyword | IN("russia","armenia","azerbaijan")))'

# The plugin rejects a config only it can judge, with its own message.
echo '{"plugins": [{"plugin": "./build/keywords.so", "config": {"words": []}}]}' >empty.json
"$P/bin/glossa" run --pipeline empty.json "$SOURCE_DIR/corpus" >/dev/null 2>"$TMP/err"
[ $? -eq 3 ] || fail "an empty word list must be refused"
expect_in "$TMP/err" '"words" must list at least one word'

# pkg-config route: one compiler command.
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
cc -std=c11 -shared -fPIC -fvisibility=hidden $(pkg-config --cflags glossa) \
    keywords.c -o "$TMP/kw2.so" $(pkg-config --libs jansson) || fail "pkg-config build"
"$P/bin/glossa" run --plugin "$TMP/kw2.so" "$SOURCE_DIR/corpus/000.txt" >/dev/null 2>"$TMP/err"
[ $? -eq 3 ] || fail "without its required config the plugin must refuse to start"

# A relocated install: the binary finds the plugins, the default pipeline
# and the bundled analyzers' models and data relative to itself, whatever
# the prefix and wherever the tree is moved.
mv "$P" "$TMP/moved"
M="$TMP/moved"
"$M/bin/glossa" run "$SOURCE_DIR/corpus" >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "the default pipeline from a moved install"; }
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [] and (.annotations.entities | length) > 0 and (.annotations.dates | length) > 0 and (.annotations.mediation | length) > 0)'
"$M/bin/glossa" run --pipeline pipeline.json "$SOURCE_DIR/corpus" >"$TMP/out" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; fail "the out-of-tree plugin from a moved install"; }
expect_json "$TMP/out" 'length == 5 and all(.[]; .errors == [])'
echo ok
