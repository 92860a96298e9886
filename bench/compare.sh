#!/bin/bash
# Same-run comparison of this tree against an earlier commit
# (docs/performance.md): speed varies from host to host and from hour to
# hour, so a claim like "no slowdown" or "at most 15 % slower" is measured
# with both builds on the same corpus, in alternating rounds.
#
#   bench/compare.sh BASE [SIZE_MB] [ROUNDS]     defaults: 20 MB, 7 rounds
#
# Builds the working tree (build-bench/) and BASE (a commit, in a
# worktree under bench/out/), generates a corpus of SIZE_MB from corpus/
# with this tree's generator, then runs each build's own default pipeline
# over it with 1 and 2 threads (GLOSSA_BENCH_THREADS), the two builds in
# turn and the first one alternating, ROUNDS times. Prints the median
# MB/s (wall), CPU seconds and peak RSS of each, the ratio, and whether
# the two outputs are byte-identical, or identical but for the layers'
# provenance digests (bench/mask-digests.sh): expected when only speed or
# layout changed, not when an analyzer did. GLOSSA_BENCH_PIPELINE=FILE runs that
# pipeline file (the same for both) instead of each one's default.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/compare.sh BASE [SIZE_MB] [ROUNDS]}
size=${2:-20}
rounds=${3:-7}
threads_list=${GLOSSA_BENCH_THREADS:-"1 2"}
out=bench/out
command -v jq >/dev/null || { echo "bench/compare.sh needs jq (tools/deps.sh test)" >&2; exit 2; }
mkdir -p "$out"
sha=$(git rev-parse --short "$base")

echo "building this tree in build-bench/ ..."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DGLOSSA_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" >/dev/null
wt="$out/base-$sha"
if [ ! -x "$wt/build/glossa" ]; then
    echo "building $base ($sha) in $wt/ ..."
    git worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
    git worktree add -q --detach "$wt" "$sha"
    cmake -S "$wt" -B "$wt/build" -DCMAKE_BUILD_TYPE=Release -DGLOSSA_BUILD_TESTS=OFF >/dev/null
    cmake --build "$wt/build" --parallel "$(nproc)" >/dev/null
fi

corpus="$out/corpus-${size}MB.jsonl"
if [ ! -s "$corpus" ]; then
    echo "generating $corpus ..."
    build-bench/gen_corpus corpus "$size" >"$corpus.tmp" && mv "$corpus.tmp" "$corpus"
fi
# run NAME GLOSSA THREADS: one run; appends "MB/s cpu_s peak_rss_kb" (its
# --stats) to $out/compare-NAME-THREADS.txt and leaves the output in
# $out/cmp-NAME.jsonl.
run() {
    local name=$1 glossa=$2 t=$3 pipeline=()
    [ -n "${GLOSSA_BENCH_PIPELINE:-}" ] && pipeline=(--pipeline "$GLOSSA_BENCH_PIPELINE")
    "$glossa" run --quiet --no-progress --threads "$t" "${pipeline[@]}" \
        --stats "$out/cmp-stats.json" "$corpus" -o "$out/cmp-$name.jsonl"
    jq -r '"\(.megabytes_per_second) \(.cpu_seconds) \(.peak_rss_kb)"' \
        "$out/cmp-stats.json" >>"$out/compare-$name-$t.txt"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

printf '\n%-8s %-7s %10s %10s %10s\n' build threads "MB/s" "CPU s" "peak MB"
for t in $threads_list; do
    rm -f "$out"/compare-*-"$t".txt
    for r in $(seq 1 "$rounds"); do
        if [ $((r % 2)) = 1 ]; then
            run head build-bench/glossa "$t"; run base "$wt/build/glossa" "$t"
        else
            run base "$wt/build/glossa" "$t"; run head build-bench/glossa "$t"
        fi
    done
    for name in base head; do
        f="$out/compare-$name-$t.txt"
        mbs=$(awk '{print $1}' "$f" | median)
        cpu=$(awk '{print $2}' "$f" | median)
        rss=$(awk '{print $3}' "$f" | median)
        printf '%-8s %-7s %10.2f %10.2f %10d\n' "$name" "$t" "$mbs" "$cpu" "$((${rss%.*} / 1024))"
        eval "mbs_$name=$mbs"
    done
    printf '%-8s %-7s %10s\n' "head/base" "$t" \
        "$(awk -v h="$mbs_head" -v b="$mbs_base" 'BEGIN {printf "%.3f", h / b}')"
done
if cmp -s "$out/cmp-head.jsonl" "$out/cmp-base.jsonl"; then
    echo "outputs: byte-identical"
elif cmp -s <(bench/mask-digests.sh "$out/cmp-head.jsonl") \
    <(bench/mask-digests.sh "$out/cmp-base.jsonl"); then
    echo "outputs: byte-identical but for the layers' provenance digests" \
        "(the plugins' libraries differ)"
else
    echo "outputs: differ (expected only where an analyzer changed)"
fi
