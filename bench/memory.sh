#!/bin/bash
# Peak memory per document size (docs/performance.md, "One large
# document"): one document of each size, made of the seed corpus
# (corpus/*.txt) repeated and cut at a line end, through the default
# pipeline; prints the peak RSS (`glossa run --stats`), the RSS above an
# empty run (the models and tables every run loads) and both as a
# multiple of the document's size. Writes bench/out/memory.json.
#
#   bench/memory.sh GLOSSA [THREADS]
#
# Sizes: 1 KB, 1 MB and 10 MB; GLOSSA_BENCH_MEMORY_BIG=1 adds 50 MB (about
# 15 s on this machine), GLOSSA_BENCH_MEMORY_SIZES="1K 5M" picks others
# (K and M are 1024 and 1048576 bytes). The last row is a generated corpus
# of news-length documents (GLOSSA_BENCH_MEMORY_CORPUS_MB, default 20; 0
# skips it), whose peak should not depend on its size.
set -euo pipefail
cd "$(dirname "$0")/.."
glossa=${1:?usage: bench/memory.sh GLOSSA [THREADS]}
threads=${2:-1}
out=bench/out/memory
mkdir -p "$out"
sizes=${GLOSSA_BENCH_MEMORY_SIZES:-"1K 1M 10M"}
[ "${GLOSSA_BENCH_MEMORY_BIG:-0}" = 1 ] && sizes="$sizes 50M"
corpus_mb=${GLOSSA_BENCH_MEMORY_CORPUS_MB:-20}

bytes_of() { # 1K -> 1024, 5M -> 5242880
    case $1 in
    *K) echo $((${1%K} * 1024)) ;;
    *M) echo $((${1%M} * 1048576)) ;;
    *) echo "$1" ;;
    esac
}

# One document of n bytes or a little less: the seed texts repeated, cut
# after the last line break that fits.
make_doc() { # make_doc BYTES FILE
    local n=$1 f=$2 all="$2.all"
    : >"$all"
    while [ "$(stat -c %s "$all")" -lt "$n" ]; do
        cat corpus/*.txt >>"$all"
    done
    head -c "$n" "$all" | sed '$d' >"$f"
    rm -f "$all"
}

peak_kb() { # peak_kb FILE [glossa run options...]
    local f=$1
    shift
    local rc=0
    "$glossa" run --quiet --no-progress --threads "$threads" --max-doc-bytes 64M \
        --stats "$out/stats.json" "$@" "$f" -o /dev/null 2>/dev/null || rc=$?
    # 4: a record carries a warning (the dates plugin's, without a date).
    if [ $rc != 0 ] && [ $rc != 4 ]; then
        echo "bench/memory.sh: glossa failed on $f (exit $rc)" >&2
        exit 1
    fi
    jq '.peak_rss_kb' "$out/stats.json"
}

printf 'x\n' >"$out/empty.txt"
base=$(peak_kb "$out/empty.txt")
echo "peak memory, default pipeline, $threads thread(s); an empty run: $((base / 1024)) MB"
printf '%-22s %12s %10s %13s %10s %14s\n' document bytes "peak MB" "above empty" "x size" "above, x size"
rows=()
for s in $sizes; do
    n=$(bytes_of "$s")
    f="$out/doc-$s.txt"
    [ -s "$f" ] || make_doc "$n" "$f"
    len=$(stat -c %s "$f")
    kb=$(peak_kb "$f")
    ratio=$(jq -n "$kb * 1024 / $len * 10 | round / 10")
    above=$(jq -n "([$kb - $base, 0] | max) * 1024 / $len * 10 | round / 10")
    above_mb=$(((kb > base ? kb - base : 0) / 1024))
    # Below 1 MB the part above an empty run is within the noise.
    shown="${above}x"
    [ "$len" -lt 1048000 ] && shown=-
    printf '%-22s %12s %10s %13s %9sx %14s\n' "one document, $s" "$len" "$((kb / 1024))" "$above_mb" "$ratio" "$shown"
    rows+=("{\"document\": \"$s\", \"bytes\": $len, \"peak_rss_kb\": $kb, \"x_size\": $ratio, \"above_empty_x_size\": $above}")
done
if [ "$corpus_mb" != 0 ]; then
    c="bench/out/corpus-${corpus_mb}MB.jsonl"
    gen=$(dirname "$glossa")/gen_corpus
    if [ ! -s "$c" ]; then
        "$gen" corpus "$corpus_mb" >"$c.tmp" && mv "$c.tmp" "$c"
    fi
    kb=$(peak_kb "$c")
    printf '%-22s %12s %10s\n' "news, ${corpus_mb} MB corpus" "$(stat -c %s "$c")" "$((kb / 1024))"
    rows+=("{\"document\": \"corpus-${corpus_mb}MB\", \"bytes\": $(stat -c %s "$c"), \"peak_rss_kb\": $kb}")
fi
printf '%s\n' "${rows[@]}" | jq -s --argjson t "$threads" --argjson b "$base" \
    '{threads: $t, empty_run_peak_rss_kb: $b, rows: .}' >bench/out/memory.json
rm -f "$out/stats.json"
