#!/bin/bash
# Glossa against the JavaScript tools for the same tasks (issue 21):
# compromise (entities), chrono-node (dates) and VADER (sentiment, what
# mediation scores), alone and chained, over the same corpus in the same
# run, one thread each (node runs one).
#
#   bench/peers.sh GLOSSA [SIZE_MB] [ROUNDS]     defaults: 2 MB, 3 rounds
#
# Installs the tools' pinned versions (bench/peers/package.json) with npm
# into bench/out/peers/ once, generates the corpus as bench/run.sh does,
# then runs, ROUNDS times in rotating order, Glossa's entities, dates and
# default pipelines with --threads 1 (wall time from --stats, which
# includes reading and writing) and each tool (its time over the
# documents, the corpus read and the tool loaded first). Prints the median
# seconds of each and Glossa's speed ratios:
#   entities / compromise, dates / chrono, full / VADER, full / the chain
# and writes them to bench/out/peers.json.
set -euo pipefail
cd "$(dirname "$0")/.."
glossa=${1:?usage: bench/peers.sh GLOSSA [SIZE_MB] [ROUNDS]}
size=${2:-2}
rounds=${3:-3}
out=bench/out
peers="$out/peers"
command -v node >/dev/null && command -v npm >/dev/null ||
    { echo "bench/peers.sh needs node and npm" >&2; exit 2; }
command -v jq >/dev/null || { echo "bench/peers.sh needs jq" >&2; exit 2; }
mkdir -p "$peers"
cp bench/peers/package.json bench/peers/peers.js "$peers/"
if [ ! -d "$peers/node_modules/compromise" ] || [ ! -d "$peers/node_modules/chrono-node" ] ||
    [ ! -d "$peers/node_modules/vader-sentiment" ]; then
    echo "installing the JavaScript peers (npm) in $peers/ ..."
    (cd "$peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
corpus="$out/corpus-${size}MB.jsonl"
if [ ! -s "$corpus" ]; then
    "$(dirname "$glossa")/gen_corpus" corpus "$size" >"$corpus.tmp" && mv "$corpus.tmp" "$corpus"
fi
build=$(dirname "$glossa")
pipelines="$peers/pipelines"
mkdir -p "$pipelines"
echo '{"plugins": ["entities"]}' >"$pipelines/entities.json"
echo '{"plugins": ["dates"]}' >"$pipelines/dates.json"
cp "$build/default-pipeline.json" "$pipelines/full.json"

# one NAME: appends the seconds of one run of NAME to $peers/t-NAME.txt.
one() {
    case $1 in
    entities | dates | full)
        "$glossa" run --quiet --no-progress --threads 1 --pipeline "$pipelines/$1.json" \
            --stats "$peers/stats.json" "$corpus" -o /dev/null
        jq -r .wall_seconds "$peers/stats.json" >>"$peers/t-$1.txt"
        ;;
    *)
        (cd "$peers" && node peers.js "$1" "$OLDPWD/$corpus") | jq -r .seconds >>"$peers/t-$1.txt"
        ;;
    esac
}
names=(entities dates full compromise chrono vader chain)
rm -f "$peers"/t-*.txt
for r in $(seq 1 "$rounds"); do
    echo "round $r of $rounds ..."
    n=${#names[@]}
    for k in $(seq 0 $((n - 1))); do
        one "${names[$(((k + r - 1) % n))]}"
    done
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A t
for name in "${names[@]}"; do
    t[$name]=$(median <"$peers/t-$name.txt")
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
mb=$(awk -v b="$(stat -c %s "$corpus")" 'BEGIN {printf "%.2f", b / 1048576}')
printf '\nsame %s MB corpus, one thread, median of %s rounds (seconds)\n' "$mb" "$rounds"
printf '  glossa entities %8.2f   compromise %8.2f   ratio %s\n' "${t[entities]}" "${t[compromise]}" "$(ratio "${t[compromise]}" "${t[entities]}")"
printf '  glossa dates    %8.2f   chrono     %8.2f   ratio %s\n' "${t[dates]}" "${t[chrono]}" "$(ratio "${t[chrono]}" "${t[dates]}")"
printf '  glossa full     %8.2f   VADER      %8.2f   ratio %s\n' "${t[full]}" "${t[vader]}" "$(ratio "${t[vader]}" "${t[full]}")"
printf '  glossa full     %8.2f   chain      %8.2f   ratio %s\n' "${t[full]}" "${t[chain]}" "$(ratio "${t[chain]}" "${t[full]}")"
jq -n --arg corpus "$corpus" --argjson rounds "$rounds" \
    --argjson ge "${t[entities]}" --argjson gd "${t[dates]}" --argjson gf "${t[full]}" \
    --argjson c "${t[compromise]}" --argjson ch "${t[chrono]}" --argjson v "${t[vader]}" \
    --argjson chain "${t[chain]}" \
    '{corpus: $corpus, rounds: $rounds, seconds: {glossa_entities: $ge, glossa_dates: $gd,
      glossa_full: $gf, compromise: $c, chrono: $ch, vader: $v, chain: $chain},
      ratios: {entities_compromise: ($c / $ge), dates_chrono: ($ch / $gd),
      full_vader: ($v / $gf), full_chain: ($chain / $gf)}}' >"$out/peers.json"
echo "wrote $out/peers.json"
