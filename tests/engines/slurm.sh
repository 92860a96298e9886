#!/bin/bash
# A real single-host Slurm cluster (munged, slurmctld and two slurmd
# "nodes", all on 127.0.0.1 with their state in $TMP) runs the shipped
# example docs/examples/slurm/glossa-array.sbatch as a 4-task array over
# corpus/: the merged shards must equal one local run byte for byte. Then
# a resubmitted array skips the published shards and resumes an
# interrupted one, and submit.sh runs an array plus a dependent merge job.
# Recipe: ../shared/notes/distributed-engines.md.
. "$(dirname "$0")/lib.sh"
need_commands "slurm-wlm munge" slurmctld slurmd sbatch squeue scontrol sinfo munged
[ "$(id -u)" = 0 ] || skip "starting slurmd and munged needs root"
id munge >/dev/null 2>&1 || skip "no munge user: install munge"
EXAMPLES="$SOURCE_DIR/docs/examples/slurm"
start=$(date +%s%N)
elapsed() { echo "$((($(date +%s%N) - start) / 1000000)) ms"; }

# --- The cluster ------------------------------------------------------------
chmod 755 "$TMP" # munged (user munge) must reach its socket directory
D=$TMP/slurm
H=$(hostname -s)
mkdir -p "$D"/{state,log,pid,munge,spool/n1,spool/n2}
chown munge:munge "$D/munge"
chmod 755 "$D" "$D/munge" # munged refuses a 0700 socket directory
dd if=/dev/urandom of="$D/munge/munge.key" bs=1k count=1 2>/dev/null
chown munge:munge "$D/munge/munge.key"
chmod 400 "$D/munge/munge.key"
stop_at_exit "$D/munge/munged.pid"
runuser -u munge -- munged --key-file="$D/munge/munge.key" \
    --socket="$D/munge/munge.socket" --pid-file="$D/munge/munged.pid" \
    --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" ||
    fail "munged did not start: $(cat "$D/munge/munged.log" 2>/dev/null)"

ports=()
while [ ${#ports[@]} -lt 4 ]; do
    p=$(free_port)
    [[ " ${ports[*]} " == *" $p "* ]] || ports+=("$p")
done
# Ports are picked at run time: tests of other builds may run at once.
cat >"$D/slurm.conf" <<EOF
ClusterName=glossa-test
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/pid/slurmctld.pid
SlurmdPidFile=$D/pid/slurmd-%n.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=n1 NodeHostname=$H NodeAddr=127.0.0.1 Port=${ports[2]} CPUs=2 RealMemory=1000 State=UNKNOWN
NodeName=n2 NodeHostname=$H NodeAddr=127.0.0.1 Port=${ports[3]} CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=main Nodes=n[1-2] Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$D/slurm.conf
stop_at_exit "$D/pid/slurmctld.pid"
stop_at_exit "$D/pid/slurmd-n1.pid"
stop_at_exit "$D/pid/slurmd-n2.pid"
slurmctld || fail "slurmctld did not start: $(tail -5 "$D/log/slurmctld.log")"
slurmd -N n1 || fail "slurmd n1 did not start"
slurmd -N n2 || fail "slurmd n2 did not start"
two_idle() { [ "$(sinfo -h -t idle -o %D 2>/dev/null)" = 2 ]; }
wait_for 30 two_idle
echo "cluster up after $(elapsed)"

# wait_job ID: polls squeue (sbatch --wait polls every 10 s) until the job
# and all its array tasks are gone, then checks every one completed with
# exit code 0.
wait_job() {
    local id=$1
    job_gone() { [ -z "$(squeue -h -j "$id" 2>/dev/null)" ]; }
    wait_for 120 job_gone
    scontrol show job "$id" >"$TMP/job-$id.txt" || fail "scontrol show job $id"
    local states
    states=$(grep -o 'JobState=[A-Z_]*' "$TMP/job-$id.txt" | sort | uniq -c)
    grep -q 'JobState=' "$TMP/job-$id.txt" || fail "no state for job $id"
    if grep 'JobState=' "$TMP/job-$id.txt" | grep -vq 'JobState=COMPLETED' ||
        grep 'ExitCode=' "$TMP/job-$id.txt" | grep -vq 'ExitCode=0:0'; then
        cat "$TMP/job-$id.txt" "$TMP"/logs/* >&2 2>/dev/null
        fail "job $id: not every task completed with exit 0: $states"
    fi
}

# --- A 4-task array over corpus/ ------------------------------------------
cd "$TMP" || fail "cd $TMP"
mkdir logs
echo '{"plugins": ["capitals", "counter"]}' >p.json
"$GLOSSA" run -q --pipeline p.json -o ref.jsonl "$SOURCE_DIR/corpus" || fail "local run"
export GLOSSA # the job script runs this glossa; sbatch passes the environment
# --array=1-4: arrays may start at 1; glossa numbers the shards from 0.
job=$(sbatch --parsable --array=1-4 --cpus-per-task=1 --output="logs/%A_%a.out" \
    "$EXAMPLES/glossa-array.sbatch" "$SOURCE_DIR/corpus" shards --pipeline p.json) ||
    fail "sbatch failed"
job=${job%%;*}
wait_job "$job"
for k in 0 1 2 3; do
    [ -s shards/part-$k.jsonl ] && [ -s shards/part-$k.jsonl.job ] ||
        fail "task $((k + 1)) did not publish shards/part-$k.jsonl"
done
expect_in logs/${job}_1.out "shard 0/4, from the Slurm array (task 1 of 1-4)"
expect_in logs/${job}_4.out "shard 3/4, from the Slurm array (task 4 of 1-4)"
nodes=$(grep -ho 'on n[12]' logs/${job}_*.out | sort -u | wc -l)
run_glossa 0 merge -o merged.jsonl shards/part-*.jsonl
cmp ref.jsonl merged.jsonl || fail "merged Slurm shards differ from the local run"
cmp ref.jsonl.job merged.jsonl.job || fail "the merged job file differs from the local run's"
echo "array of 4 on $nodes nodes: merged output identical to the local run ($(elapsed))"

# --- Resubmitted (or requeued): published shards are skipped, an
#     interrupted one is resumed ----------------------------------------------
# Shard 0 as a kill would have left it: one record of two in its .partial.
head -n 1 shards/part-0.jsonl >shards/part-0.jsonl.partial
jq 'del(.output)' shards/part-0.jsonl.job >shards/part-0.jsonl.partial.job
rm shards/part-0.jsonl shards/part-0.jsonl.job
touch -d '2000-01-01' shards/part-1.jsonl
job2=$(sbatch --parsable --array=1-4 --cpus-per-task=1 --output="logs/%A_%a.out" \
    "$EXAMPLES/glossa-array.sbatch" "$SOURCE_DIR/corpus" shards --pipeline p.json) ||
    fail "second sbatch failed"
job2=${job2%%;*}
wait_job "$job2"
echo "rerun done ($(elapsed))"
expect_in logs/${job2}_1.out "resuming after 1 records"
expect_in logs/${job2}_2.out "shards/part-1.jsonl is complete; nothing to resume"
[ "$(stat -c %Y shards/part-1.jsonl)" = "$(date -d 2000-01-01 +%s)" ] ||
    fail "a published shard was rewritten by the rerun"
run_glossa 0 merge -o merged2.jsonl shards/part-*.jsonl
cmp ref.jsonl merged2.jsonl || fail "merge after the rerun differs"

# --- submit.sh: the array and a merge job that waits for it -----------------
SBATCH_ARGS="--cpus-per-task=1" "$EXAMPLES/submit.sh" 4 "$SOURCE_DIR/corpus" out3 \
    --pipeline "$TMP/p.json" >submit.txt || fail "submit.sh failed"
read -r array merge < <(sed -E 's/array job ([0-9]+).*merge job ([0-9]+)/\1 \2/' submit.txt)
wait_job "$array"
wait_job "$merge"
cmp ref.jsonl out3/corpus.jsonl || fail "submit.sh: the merge job's output differs"
echo "done after $(elapsed)"
