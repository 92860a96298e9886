#!/bin/bash
# Do two builds write the same bytes? For speed work, which must change no
# output (docs/performance.md): runs both glossa binaries' default
# pipelines over corpus/, tests/news/dev, tests/news/test, a generated
# corpus and single large documents, and cmp's each pair of outputs.
#
#   bench/same-output.sh OLD_GLOSSA NEW_GLOSSA [SIZE_MB] [BIG_MB...]
#
# SIZE_MB (default 5) is the generated corpus (bench/gen_corpus, as
# bench/run.sh makes it); each BIG_MB (default 1 4) is one document made
# of the seed corpus repeated, as tests/e2e/large_document.sh makes it.
# The layers' provenance digests cover each plugin's shared object
# (docs/output-format.md), so they differ between any two builds; they are
# masked (bench/mask-digests.sh; the "plugin/version/" before them is
# kept), every other byte is compared. Exits 1 when any pair differs.
set -uo pipefail
usage="usage: bench/same-output.sh OLD_GLOSSA NEW_GLOSSA [SIZE_MB] [BIG_MB...]"
# The binaries as absolute paths: the script runs from the repository root.
absolute() { (cd "$(dirname "$1")" 2>/dev/null && echo "$PWD/$(basename "$1")"); }
old=$(absolute "${1:?$usage}") || { echo "no directory for $1" >&2; exit 2; }
new=$(absolute "${2:?$usage}") || { echo "no directory for $2" >&2; exit 2; }
for g in "$old" "$new"; do
    [ -x "$g" ] || { echo "$g: not an executable" >&2; exit 2; }
done
cd "$(dirname "$0")/.."
size=${3:-5}
shift 3 2>/dev/null || shift $#
bigs=${*:-1 4}
out=bench/out/same
mkdir -p "$out"
gen=$(dirname "$new")/gen_corpus
[ -x "$gen" ] || gen=$(dirname "$old")/gen_corpus
corpus="$out/corpus-${size}MB.jsonl"
[ -s "$corpus" ] || "$gen" corpus "$size" >"$corpus"
all="$out/all.txt"
inputs=(corpus tests/news/dev tests/news/test "$corpus")
for m in $bigs; do
    f="$out/big-${m}MB.txt"
    if [ ! -s "$f" ]; then
        : >"$all"
        while [ "$(stat -c %s "$all")" -lt $((m * 1048576)) ]; do
            cat corpus/*.txt >>"$all"
        done
        mv "$all" "$f"
    fi
    inputs+=("$f")
done
status=0
for in in "${inputs[@]}"; do
    name=$(basename "$in")
    for b in old new; do
        glossa=$old
        [ $b = new ] && glossa=$new
        "$glossa" run --quiet --no-progress --max-doc-bytes 64M --threads 2 "$in" \
            -o "$out/$b-$name.jsonl" 2>/dev/null
        rc=$?
        # 4: some record has a warning or error (kept in the output).
        if [ $rc != 0 ] && [ $rc != 4 ]; then
            echo "FAIL $b on $in: exit $rc"
            status=1
        fi
    done
    for b in old new; do
        bench/mask-digests.sh "$out/$b-$name.jsonl" >"$out/$b-$name.masked"
    done
    if cmp -s "$out/old-$name.masked" "$out/new-$name.masked"; then
        echo "same $in ($(stat -c %s "$out/new-$name.jsonl") bytes)"
    else
        echo "DIFFERENT $in"
        status=1
    fi
done
exit $status
