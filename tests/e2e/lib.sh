# Shared helpers for the end-to-end tests. Each test is a bash script run
# by ctest with these variables set (tests/CMakeLists.txt):
#   GLOSSA        the glossa binary under test
#   TEST_PLUGINS  build/tests/plugins (test-only plugins)
#   SOURCE_DIR    the source tree (corpus/, tests/gold/, ...)
set -u
: "${GLOSSA:?}" "${TEST_PLUGINS:?}" "${SOURCE_DIR:?}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/glossa-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export GLOSSA_PLUGIN_PATH="$TEST_PLUGINS"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# run_glossa EXPECTED_EXIT ARGS...: runs glossa with stdout to $TMP/out and
# stderr to $TMP/err, and checks the exit status.
run_glossa() {
    local expected=$1
    shift
    "$GLOSSA" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" -ne "$expected" ]; then
        echo "--- stderr:" >&2
        cat "$TMP/err" >&2
        fail "glossa $* exited $rc, expected $expected"
    fi
}

# expect_in FILE TEXT: the file contains TEXT (fixed string).
expect_in() {
    grep -qF -- "$2" "$1" || {
        echo "--- $1:" >&2
        cat "$1" >&2
        fail "expected '$2' in $1"
    }
}

# expect_json FILE JQ_FILTER: the filter is true for the whole file
# (slurped: . is the array of records).
expect_json() {
    local result
    result=$(jq -s "$2" "$1") || fail "jq failed on $1 with: $2"
    [ "$result" = "true" ] || {
        echo "--- $1:" >&2
        head -c 3000 "$1" >&2
        fail "expected true from: $2 (got $result)"
    }
}
