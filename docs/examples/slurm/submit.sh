#!/bin/bash
# Annotates INPUT on a Slurm cluster in N shards, then merges them:
#
#   docs/examples/slurm/submit.sh N INPUT OUTDIR [glossa run options]
#
# Prints the two job ids. OUTDIR/corpus.jsonl appears when the merge job
# has run; `squeue -u $USER` shows progress. Extra sbatch options for both
# jobs (a partition, an account, a time limit, CPUs per task) go in
# SBATCH_ARGS, e.g. SBATCH_ARGS="-p batch --time=2:00:00 --cpus-per-task=8".
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 N INPUT OUTDIR [glossa run options]" >&2
    exit 2
fi
n=$1
input=$(realpath "$2")
outdir=$(realpath -m "$3")
shift 3
here=$(dirname "$(realpath "$0")")
mkdir -p "$outdir"
# shellcheck disable=SC2086 # SBATCH_ARGS is a list of options
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="0-$((n - 1))" --output="$outdir/glossa-%A_%a.log" \
    "$here/glossa-array.sbatch" "$input" "$outdir" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$outdir/glossa-merge-%j.log" "$here/glossa-merge.sbatch" "$outdir")
echo "array job $array ($n tasks), merge job $merge"
