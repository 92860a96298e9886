#!/bin/bash
# Sharded runs without a cluster: the shard taken from a Slurm array
# task's environment, {shard} in output names, glossa merge giving the
# bytes of one run, reruns that skip published shards and resume partial
# ones, and every inconsistency merge must refuse. (tests/engines/slurm.sh
# does the same under a real Slurm.)
. "$(dirname "$0")/lib.sh"
cd "$TMP" || fail "cd $TMP"
CORPUS="$SOURCE_DIR/corpus"
echo '{"plugins": ["capitals", "counter"]}' >p.json
"$GLOSSA" run -q --pipeline p.json -o ref.jsonl "$CORPUS" || fail "reference run"
records=$(wc -l <ref.jsonl)
[ "$records" -ge 4 ] || fail "the corpus has $records records; the test needs 4"

# array_task ID MIN MAX STEP COUNT ARGS...: glossa as Slurm runs it in an
# array task.
array_task() {
    local id=$1 min=$2 max=$3 step=$4 count=$5
    shift 5
    SLURM_ARRAY_JOB_ID=77 SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_MIN=$min \
        SLURM_ARRAY_TASK_MAX=$max SLURM_ARRAY_TASK_STEP=$step \
        SLURM_ARRAY_TASK_COUNT=$count "$GLOSSA" "$@"
}

# --- The shard from the array; arrays starting at 1 -----------------------
mkdir a
for id in 1 2 3 4; do
    array_task $id 1 4 1 4 run --pipeline p.json -o 'a/part-{shard}.jsonl' \
        "$CORPUS" 2>a/err-$id || fail "array task $id"
done
expect_in a/err-3 "shard 2/4, from the Slurm array (task 3 of 1-4)"
ls a/part-0.jsonl a/part-1.jsonl a/part-2.jsonl a/part-3.jsonl >/dev/null ||
    fail "expected part-0..3.jsonl"
[ "$(cat a/part-*.jsonl | wc -l)" -eq "$records" ] || fail "shards lose records"
# Any order on the command line: the job files say which shard is which.
run_glossa 0 merge -o a/all.jsonl a/part-2.jsonl a/part-0.jsonl a/part-3.jsonl a/part-1.jsonl
cmp ref.jsonl a/all.jsonl || fail "merged shards differ from one run"
cmp ref.jsonl.job a/all.jsonl.job || fail "the merged job file differs from one run's"
run_glossa 0 merge a/part-1.jsonl a/part-3.jsonl a/part-0.jsonl a/part-2.jsonl
cmp ref.jsonl "$TMP/out" || fail "merge to standard output differs"

# Stepped arrays (--array=0-15:5) number their tasks 0, 5, 10, 15.
mkdir b
for id in 0 5 10 15; do
    array_task $id 0 15 5 4 run -q --pipeline p.json -o 'b/part-{shard}-of-{shards}.jsonl' \
        "$CORPUS" || fail "stepped task $id"
done
run_glossa 0 merge -o b/all.jsonl b/part-*-of-4.jsonl
cmp ref.jsonl b/all.jsonl || fail "stepped array: merged output differs"

# An irregular list (--array=1,3,7) cannot be numbered 0..N-1.
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=7 \
    SLURM_ARRAY_TASK_STEP=1 SLURM_ARRAY_TASK_COUNT=3 \
    run_glossa 2 run --pipeline p.json "$CORPUS"
expect_in "$TMP/err" "not an evenly spaced range"
# --shard all opts out; --shard K/N wins over the environment.
array_task 2 1 4 1 4 run -q --shard all --pipeline p.json "$CORPUS" >all.jsonl ||
    fail "--shard all in an array task"
cmp ref.jsonl all.jsonl || fail "--shard all must process every record"
array_task 2 1 4 1 4 run -q --shard 0/4 --pipeline p.json "$CORPUS" >s0.jsonl ||
    fail "--shard 0/4 in an array task"
cmp a/part-0.jsonl s0.jsonl || fail "--shard must win over SLURM_ARRAY_TASK_ID"
# {shard} needs a shard; it is zero-padded so that names sort.
run_glossa 2 run --pipeline p.json -o 'x-{shard}.jsonl' "$CORPUS"
expect_in "$TMP/err" "has a {shard} placeholder, but no shard is set"
run_glossa 0 run -q --shard 3/12 --pipeline p.json -o 'pad-{shard}.jsonl' "$CORPUS"
[ -e pad-03.jsonl ] || fail "{shard} of 3/12 should be 03"
# Without an output name per shard, every task would write the same file.
array_task 2 1 4 1 4 run --pipeline p.json -o same.jsonl "$CORPUS" 2>err ||
    fail "array task with a fixed -o"
expect_in err "every task of the array writes same.jsonl"

# --- Reruns skip published shards, resume partial ones --------------------
# (a requeued or resubmitted array task runs the same command again)
before=$(stat -c %Y.%s a/part-1.jsonl)
array_task 2 1 4 1 4 run --resume --pipeline p.json -o 'a/part-{shard}.jsonl' \
    "$CORPUS" 2>err || fail "rerun of a published shard"
expect_in err "a/part-1.jsonl is complete; nothing to resume"
[ "$(stat -c %Y.%s a/part-1.jsonl)" = "$before" ] || fail "a published shard was rewritten"
# ...but not when the settings changed since.
array_task 2 1 4 1 4 run --resume --plugin capitals -o 'a/part-{shard}.jsonl' \
    "$CORPUS" 2>err && fail "resume with other settings must be refused"
expect_in err "is complete, but a/part-1.jsonl.job shows it was made with other settings"
expect_in err "plugins: was [], now [\"capitals\"]"

# A shard killed mid-run: merge refuses it, --resume finishes it.
for f in "$CORPUS"/*.txt; do
    jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: .}' "$f"
done >base.jsonl
for i in $(seq 1 40); do sed "s/\"id\":\"/\"id\":\"$i-/" base.jsonl; done >docs.jsonl
echo '{"plugins": ["capitals", {"plugin": "slow", "config": {"ms": 10}}]}' >slow.json
"$GLOSSA" run -q --pipeline slow.json --threads 1 -o slowref.jsonl docs.jsonl ||
    fail "slow reference run"
mkdir c
for k in 0 1 2 3; do
    "$GLOSSA" run -q --pipeline slow.json --threads 1 --shard $k/4 \
        -o 'c/part-{shard}.jsonl' docs.jsonl &
    pid=$!
    if [ $k = 2 ]; then
        for _ in $(seq 1 100); do
            [ -s c/part-2.jsonl.partial ] && break
            sleep 0.02
        done
        kill -9 $pid
    fi
    wait $pid
done
[ -e c/part-2.jsonl ] && fail "shard 2 finished before it could be killed"
[ -e c/part-2.jsonl.partial ] || fail "the killed shard left no .partial"
run_glossa 1 merge -o c/all.jsonl c/part-*.jsonl
expect_in "$TMP/err" "shard 2/4 is missing (c/part-2.jsonl.partial exists: that shard's run has not finished"
run_glossa 1 merge c/part-0.jsonl c/part-1.jsonl c/part-2.jsonl c/part-3.jsonl
expect_in "$TMP/err" "c/part-2.jsonl is not finished"
[ -e c/all.jsonl ] && fail "a refused merge wrote its output"
run_glossa 0 run --resume --pipeline slow.json --threads 1 --shard 2/4 \
    -o 'c/part-{shard}.jsonl' docs.jsonl
expect_in "$TMP/err" "resuming after"
run_glossa 0 merge -o c/all.jsonl c/part-*.jsonl
cmp slowref.jsonl c/all.jsonl || fail "merge after resuming a killed shard differs"

# --- What merge refuses ---------------------------------------------------
mkdir d
cp a/part-* d/
run_glossa 1 merge d/part-0.jsonl d/part-1.jsonl d/part-3.jsonl
expect_in "$TMP/err" "shard 2/4 is missing (d/part-2.jsonl exists: give it too)"
run_glossa 1 merge d/part-0.jsonl d/part-1.jsonl d/part-1.jsonl d/part-3.jsonl
expect_in "$TMP/err" "d/part-1.jsonl and d/part-1.jsonl are both shard 1/4"
# A job file edited to name a shard past the count is refused, not
# followed out of bounds.
cp d/part-3.jsonl.job d/part-3.jsonl.job.good
jq -c '.shard.index = 7' d/part-3.jsonl.job.good >d/part-3.jsonl.job
run_glossa 1 merge d/part-0.jsonl d/part-1.jsonl d/part-2.jsonl d/part-3.jsonl
expect_in "$TMP/err" "d/part-3.jsonl.job says shard 7/4, which no run writes"
mv d/part-3.jsonl.job.good d/part-3.jsonl.job
# Shards of another job (another pipeline).
"$GLOSSA" run -q --plugin capitals --shard 2/4 -o d/other-2.jsonl "$CORPUS" || fail "other job"
run_glossa 1 merge d/part-0.jsonl d/part-1.jsonl d/other-2.jsonl d/part-3.jsonl
expect_in "$TMP/err" "d/part-0.jsonl and d/other-2.jsonl are shards of different jobs"
expect_in "$TMP/err" "plugins: [] vs [\"capitals\"]"
# Another split.
"$GLOSSA" run -q --pipeline p.json --shard 2/3 -o d/third-2.jsonl "$CORPUS" || fail "3-way shard"
run_glossa 1 merge d/part-0.jsonl d/part-1.jsonl d/third-2.jsonl d/part-3.jsonl
expect_in "$TMP/err" "splits into different numbers of shards"
# A whole run is not a shard.
run_glossa 1 merge ref.jsonl d/part-1.jsonl
expect_in "$TMP/err" "ref.jsonl is the output of a whole run (no --shard), not a shard"
# A file changed after it was published.
head -n 1 a/part-0.jsonl >d/part-0.jsonl
run_glossa 1 merge d/part-*.jsonl
expect_in "$TMP/err" "d/part-0.jsonl holds 1 records"
expect_in "$TMP/err" "the file changed after its run published it"
printf '{"id":"torn"' >>d/part-0.jsonl
run_glossa 1 merge d/part-*.jsonl
expect_in "$TMP/err" "d/part-0.jsonl ends in the middle of a line"
run_glossa 1 merge d/missing.jsonl
expect_in "$TMP/err" "d/missing.jsonl does not exist"
# Outputs without job files (written to standard output) are taken in the
# order given; counts that no round-robin split gives are refused.
for k in 0 1 2 3; do
    "$GLOSSA" run -q --pipeline p.json --shard $k/4 "$CORPUS" >s$k || fail "stdout shard $k"
done
run_glossa 0 merge s0 s1 s2 s3
cmp ref.jsonl "$TMP/out" || fail "merge of stdout shards differs"
expect_in "$TMP/err" "taking the 4 files as shards 0..3 in the order given"
run_glossa 1 merge s1 s0 s2 s3
expect_in "$TMP/err" "cannot come from one round-robin split of $records records"
run_glossa 1 merge s0 s1 s2 d/part-3.jsonl
expect_in "$TMP/err" "has no job file (s0.job) but other inputs do"
run_glossa 2 merge
expect_in "$TMP/err" "no shard outputs given"
echo ok
