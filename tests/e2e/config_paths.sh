#!/bin/bash
# A pipeline file, and every path a bundled plugin's configuration takes,
# may name any file. When it is not what was expected, the error gives the
# file, line and column, never the file's bytes (docs/pipelines.md).
. "$(dirname "$0")/lib.sh"
secret="$TMP/secret"
printf 'SECRETBYTES:x:0:0:/root:/bin/bash\n[SECRET-SECTION]\nSECRET-KEY\n' >"$secret"
mkdir -p "$TMP/rules/lexicon" "$TMP/rules/patterns" "$TMP/rules/rules"
for d in lexicon patterns rules; do cp "$secret" "$TMP/rules/$d/x.txt"; done
doc="$SOURCE_DIR/corpus/000.txt"
no_secret() {
    grep -q SECRET "$TMP/err" && { cat "$TMP/err" >&2; fail "$1: the error shows the file's bytes"; }
    return 0
}

run_glossa 3 run --pipeline "$secret" "$doc"
expect_in "$TMP/err" "$secret:1:"
no_secret "the pipeline file"

configs=(
    '"entities", {"plugin": "entities", "as": "e2", "config": {"model": "SECRET_FILE"}}'
    '{"plugin": "entities", "config": {"gazetteers": "SECRET_FILE"}}'
    '{"plugin": "entities", "config": {"extra_gazetteers": ["SECRET_FILE"]}}'
    '"entities", {"plugin": "quotes", "config": {"verbs": "SECRET_FILE"}}'
    '"entities", {"plugin": "quotes", "config": {"grammar": "SECRET_FILE"}}'
    '{"plugin": "dates", "config": {"rules": "RULES_DIR"}}'
    '"entities", "quotes", {"plugin": "mediation", "config": {"profile": "SECRET_FILE"}}'
    '"entities", "quotes", {"plugin": "mediation", "config": {"lexicon": "SECRET_FILE"}}'
    '"entities", "quotes", {"plugin": "mediation", "config": {"rules": "SECRET_FILE"}}'
    '"entities", "quotes", {"plugin": "mediation", "config": {"classifier": "SECRET_FILE"}}'
)
for c in "${configs[@]}"; do
    c=${c//SECRET_FILE/$secret}
    c=${c//RULES_DIR/$TMP/rules}
    echo "{\"plugins\": [$c]}" >"$TMP/p.json"
    run_glossa 3 run --pipeline "$TMP/p.json" "$doc"
    expect_in "$TMP/err" "refused to start"
    no_secret "$c"
done
echo ok
