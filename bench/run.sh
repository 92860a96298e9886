#!/bin/bash
# The Glossa benchmark (docs/performance.md).
#
#   bench/run.sh [SIZE_MB]          default 100; 1000 for the 1 GB run
#
# Builds a release binary (build-bench/), generates a deterministic corpus
# of SIZE_MB megabytes from corpus/ (bench/out/), and measures, each with
# 1 and 2 threads (GLOSSA_BENCH_THREADS="1 2 4" for others):
#   framework      the no-op plugin: input, segmentation, scheduling,
#                  merging and output
#   <analyzer>     each bundled analyzer, with the layers it requires
#   full           the bundled default pipeline
#   full-isolated  the same with --isolate (worker processes)
# It prints a table (MB/s, documents/s, speed-up over 1 thread, peak
# memory, each plugin's share of the time), writes bench/out/results.json,
# and checks that every configuration writes the same bytes with any
# number of threads (and in isolation). Last, it measures the cost of
# --isolate: full and full-isolated with the most threads, run in turn
# GLOSSA_BENCH_ROUNDS times (default 15; which goes first alternates) over
# a 20 MB corpus, so that both see the same machine; it prints the median
# slowdown and the median extra CPU time (bench/out/isolation.json).
# Then peak memory per document size (bench/memory.sh), and the peers
# step (bench/peers.sh): compromise, chrono-node and VADER
# over a 2 MB corpus (GLOSSA_BENCH_PEERS_MB), three rotating rounds
# (GLOSSA_BENCH_PEERS_ROUNDS), and Glossa's ratio to each and to the
# chain; GLOSSA_BENCH_PEERS=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100}
threads_list=${GLOSSA_BENCH_THREADS:-"1 2"}
build=build-bench
out=bench/out
mkdir -p "$out"

command -v jq >/dev/null || { echo "bench/run.sh needs jq (tools/deps.sh test)" >&2; exit 2; }
echo "building a release binary in $build/ ..."
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGLOSSA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --parallel "$(nproc)" >/dev/null
glossa="$build/glossa"

corpus="$out/corpus-${size}MB.jsonl"
if [ ! -s "$corpus" ]; then
    echo "generating $corpus ..."
    "$build/gen_corpus" corpus "$size" >"$corpus.tmp" && mv "$corpus.tmp" "$corpus"
fi
docs=$(wc -l <"$corpus")
echo "corpus: $corpus ($docs documents, $(du -h "$corpus" | cut -f1))"

# Pipelines: the no-op plugin, each bundled analyzer with what it requires,
# and the default pipeline.
pipelines="$out/pipelines"
mkdir -p "$pipelines"
echo '{"plugins": [{"plugin": "'"$PWD/$build"'/bench/plugins/noop.so"}]}' >"$pipelines/framework.json"
configs="framework"
analyzers=$(jq -r '.plugins[] | if type == "string" then . else .plugin end' "$build/default-pipeline.json")
for a in $analyzers; do
    # Requirements first, then the analyzer (one level is enough for the
    # bundled analyzers; `glossa plugins --help` lists what each requires).
    reqs=$("$glossa" plugins --help "$a" | sed -n 's/^requires: //p' | tr ',' ' ')
    list=""
    for r in $reqs; do [ "$r" = "-" ] || list="$list\"$r\", "; done
    echo "{\"plugins\": [$list\"$a\"]}" >"$pipelines/$a.json"
    configs="$configs $a"
done
cp "$build/default-pipeline.json" "$pipelines/full.json"
configs="$configs full full-isolated"

results="$out/results.json"
echo "[]" >"$results"
for config in $configs; do
    pipeline="$pipelines/${config%-isolated}.json"
    extra=()
    [ "$config" = full-isolated ] && extra=(--isolate)
    for t in $threads_list; do
        stats="$out/stats-$config-$t.json"
        printf '%-15s %s thread(s) ... ' "$config" "$t"
        digest=$("$glossa" run --threads "$t" --pipeline "$pipeline" "${extra[@]}" \
            --no-progress --quiet --stats "$stats" "$corpus" | sha256sum | cut -c1-16)
        jq --arg c "$config" --arg d "$digest" '. + {config: $c, output_sha256: $d}' \
            "$stats" >"$stats.tmp" && mv "$stats.tmp" "$stats"
        jq --slurpfile s "$stats" '. + $s' "$results" >"$results.tmp" && mv "$results.tmp" "$results"
        jq -r '"\(.megabytes_per_second * 10 | round / 10) MB/s"' "$stats"
    done
done

# Speed-up over one thread, and each plugin's share of the time.
jq '[.[] as $r | $r + {
        speedup: (if $r.threads == 1 then 1 else
                  ($r.megabytes_per_second /
                   ([.[] | select(.config == $r.config and .threads == 1)][0].megabytes_per_second // $r.megabytes_per_second)) end),
        shares: (($r.prepare_seconds + $r.merge_seconds + ([$r.plugins[].seconds] | add // 0)) as $total |
                 [{name: "(segmentation)", share: ($r.prepare_seconds / $total)}] +
                 [$r.plugins[] | {name, share: (.seconds / $total)}] +
                 [{name: "(merge)", share: ($r.merge_seconds / $total)}])}]' \
    "$results" >"$results.tmp" && mv "$results.tmp" "$results"

echo
echo "Glossa benchmark: $docs documents, $size MB, $(nproc) CPUs ($(date -u +%Y-%m-%d))"
printf '%-15s %7s %9s %10s %8s %10s  %s\n' configuration threads "MB/s" "docs/s" speedup "peak MB" "time shares"
jq -r '.[] | [.config, .threads, (.megabytes_per_second * 10 | round / 10),
              (.documents_per_second | round), (.speedup * 100 | round / 100),
              (((.peak_rss_kb + .peak_rss_worker_kb) / 1024) | round),
              ([.shares[] | select(.share >= 0.005) | "\(.name) \(.share * 100 | round)%"] | join(", "))] | @tsv' \
    "$results" | while IFS=$'\t' read -r c t mb d s rss sh; do
    printf '%-15s %7s %9s %10s %8s %10s  %s\n' "$c" "$t" "$mb" "$d" "$s" "$rss" "$sh"
done

# The same bytes whatever the thread count, and with isolation.
status=0
for config in $configs; do
    n=$(jq --arg c "$config" '[.[] | select(.config == $c) | .output_sha256] | unique | length' "$results")
    [ "$n" = 1 ] || { echo "NOT DETERMINISTIC: $config wrote different bytes with different thread counts" >&2; status=1; }
done
full=$(jq -r '[.[] | select(.config == "full" or .config == "full-isolated") | .output_sha256] | unique | length' "$results")
[ "$full" = 1 ] || { echo "NOT DETERMINISTIC: --isolate wrote different bytes" >&2; status=1; }
[ $status = 0 ] && echo "output: identical bytes for every thread count, in-process and isolated"
echo "results: $results"

# The cost of --isolate. Runs minutes apart on a shared host differ by
# 10-20 %, more than the cost itself, so the two modes take turns, and
# which one goes first alternates from round to round. Single rounds
# swing from -20 to +50 %: five rounds gave medians from 3 to 27 % for
# the same code, hence fifteen (about 80 s).
rounds=${GLOSSA_BENCH_ROUNDS:-15}
t=${threads_list##* }
small="$out/corpus-20MB.jsonl"
if [ ! -s "$small" ]; then
    "$build/gen_corpus" corpus 20 >"$small.tmp" && mv "$small.tmp" "$small"
fi
# Besides the wall time, the CPU time of each run (glossa and its workers,
# startup included), which the other work on a shared host disturbs less.
turn() { # turn [--isolate]: one run's MB/s and CPU seconds
    "$glossa" run --threads "$t" --pipeline "$pipelines/full.json" "$@" --no-progress \
        --quiet --stats "$out/stats-turn.json" "$small" -o "$out/turn.jsonl"
    jq -r '"\(.megabytes_per_second) \(.cpu_seconds)"' "$out/stats-turn.json"
}
echo
printf 'isolation overhead, %s threads, 20 MB, %s rounds of both modes (which goes first alternates)\n' "$t" "$rounds"
slowdowns=()
cpu_costs=()
for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then
        read -r a_mbps a_cpu < <(turn)
        read -r b_mbps b_cpu < <(turn --isolate)
    else
        read -r b_mbps b_cpu < <(turn --isolate)
        read -r a_mbps a_cpu < <(turn)
    fi
    slowdowns+=("$(jq -n "$a_mbps / $b_mbps - 1")")
    cpu_costs+=("$(jq -n "$b_cpu / $a_cpu - 1")")
    printf '  round %2d: wall %+4.0f%%, CPU %+4.0f%%\n' "$r" \
        "$(jq -n "${slowdowns[-1]} * 100")" "$(jq -n "${cpu_costs[-1]} * 100")"
done
rm -f "$out/stats-turn.json" "$out/turn.jsonl"
median='sort | .[(length - 1) / 2 | floor]'
jq -n --argjson t "$t" \
    --argjson wall "$(printf '%s\n' "${slowdowns[@]}" | jq -s .)" \
    --argjson cpu "$(printf '%s\n' "${cpu_costs[@]}" | jq -s .)" \
    "{threads: \$t, slowdowns: \$wall, median: (\$wall | $median),
      cpu_overheads: \$cpu, cpu_median: (\$cpu | $median)}" >"$out/isolation.json"
jq -r '"\nmedian: --isolate is \(.median * 100 | round) % slower and takes \(.cpu_median * 100 | round) % more CPU time (\(.threads) threads)"' "$out/isolation.json"

# Peak memory per document size, 1 KB to 10 MB (50 MB with
# GLOSSA_BENCH_MEMORY_BIG=1); GLOSSA_BENCH_MEMORY=0 skips it.
if [ "${GLOSSA_BENCH_MEMORY:-1}" != 0 ]; then
    echo
    bench/memory.sh "$glossa" 1 || status=1
fi

# peers: the JavaScript tools for the same tasks, over the same corpus, in
# the same run (bench/peers.sh; installs them with npm once). Skipped with
# GLOSSA_BENCH_PEERS=0 or without node and npm.
if [ "${GLOSSA_BENCH_PEERS:-1}" != 0 ] && command -v npm >/dev/null && command -v node >/dev/null; then
    echo
    bench/peers.sh "$glossa" "${GLOSSA_BENCH_PEERS_MB:-2}" "${GLOSSA_BENCH_PEERS_ROUNDS:-3}" ||
        echo "peers: failed (npm registry unreachable?)"
else
    echo "peers: skipped (GLOSSA_BENCH_PEERS=0, or no node/npm)"
fi
exit $status
