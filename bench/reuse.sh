#!/bin/bash
# What incremental re-annotation saves (docs/performance.md):
#
#   bench/reuse.sh [SIZE_MB]       default 20
#
# Runs the bundled pipeline over a corpus, then changes the mediation
# step's configuration (as an analyst changing the target's profile or a
# threshold would) and runs it again twice, in turn: from scratch, and
# with --reuse of the first output, where only mediation runs. Prints
# both times, the saving, and checks that the two outputs are
# byte-identical.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-20}
out=bench/out
mkdir -p "$out"
command -v jq >/dev/null || { echo "bench/reuse.sh needs jq" >&2; exit 2; }
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DGLOSSA_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" >/dev/null
corpus="$out/corpus-${size}MB.jsonl"
[ -s "$corpus" ] || build-bench/gen_corpus corpus "$size" >"$corpus"
g=build-bench/glossa
# The bundled pipeline with one change to the mediation step.
jq '.plugins |= map(if . == "mediation" then {plugin: "mediation", config: {document_band: 0.06}} else . end)' \
    build-bench/default-pipeline.json >"$out/reuse-changed.json"
"$g" run -q --no-progress "$corpus" -o "$out/reuse-first.jsonl"
seconds() { jq -r .wall_seconds "$1"; }
for round in 1 2 3; do
    "$g" run -q --no-progress --pipeline "$out/reuse-changed.json" --stats "$out/s-full.json" \
        "$corpus" -o "$out/reuse-full.jsonl"
    "$g" run -q --no-progress --pipeline "$out/reuse-changed.json" --stats "$out/s-reuse.json" \
        --reuse "$out/reuse-first.jsonl" "$corpus" -o "$out/reuse-reused.jsonl"
    printf 'round %d: from scratch %.2f s, with --reuse %.2f s (%.0f %% of the time)\n' "$round" \
        "$(seconds "$out/s-full.json")" "$(seconds "$out/s-reuse.json")" \
        "$(echo "100 * $(seconds "$out/s-reuse.json") / $(seconds "$out/s-full.json")" | bc -l)"
done
jq -r '.plugins[] | "  \(.name): \(.documents) run, \(.reused) reused"' "$out/s-reuse.json"
cmp "$out/reuse-full.jsonl" "$out/reuse-reused.jsonl" && echo "outputs: byte-identical"
