#!/bin/bash
# --isolate: a plugin that crashes, aborts, exits, hangs, leaks or prints
# costs one document's layer; every other document and layer is complete,
# the faulty ones are recorded and quarantined, and the output is the one
# an in-process run gives.
. "$(dirname "$0")/lib.sh"
{
    echo '{"id": "ok1", "text": "Alpha Beta."}'
    echo '{"id": "segv", "text": "Please SEGFAULT Here."}'
    echo '{"id": "ok2", "text": "Gamma Delta."}'
    echo '{"id": "abort", "text": "Time to ABORT Now."}'
    echo '{"id": "hang", "text": "This will HANG Forever."}'
    echo '{"id": "exit", "text": "An EXIT-NOW Call."}'
    echo '{"id": "noise", "text": "Some STDOUT Noise."}'
    echo '{"id": "ok3", "text": "Epsilon Zeta."}'
} >"$TMP/docs.jsonl"
args=(run --isolate --threads 2 --doc-timeout 1 --plugin capitals --plugin faulty)
run_glossa 4 "${args[@]}" "$TMP/docs.jsonl" -o "$TMP/out.jsonl"
O="$TMP/out.jsonl"
expect_json "$O" '[.[].id] == ["ok1","segv","ok2","abort","hang","exit","noise","ok3"]'
# Every document keeps its other layer.
expect_json "$O" 'all(.[]; .annotations.capitals | length >= 2)'
expect_json "$O" '[.[] | select(.errors == []) | .id] == ["ok1","ok2","noise","ok3"]'
expect_json "$O" '[.[] | select(.errors == []) | .annotations.faulty[0].label] == ["OK","OK","OK","OK"]'
expect_json "$O" '[.[] | select(.errors != []) | .errors[0] | [.plugin, .code]] == [["faulty","ECRASHED"],["faulty","ECRASHED"],["faulty","ETIMEOUT"],["faulty","ECRASHED"]]'
expect_json "$O" 'all(.[] | select(.errors != []) | .errors[0].message; endswith("(twice: retried once)"))'
expect_json "$O" '(.[1].errors[0].message | test("SIGSEGV|exited with status")) and (.[5].errors[0].message | contains("exited with status 3"))'
expect_json "$O" '.[4].errors[0].message | startswith("did not finish this document within 1 s (--doc-timeout)")'
# The quarantine list, beside the output.
Q="$TMP/out.jsonl.quarantine.jsonl"
expect_json "$Q" '[.[].id] | sort == ["abort","exit","hang","segv"]'
expect_json "$Q" 'all(.[]; .plugin == "faulty" and (.origin | test("docs.jsonl:[0-9]+$")))'
expect_in "$TMP/err" "[faulty] document segv:"
expect_in "$TMP/err" "retrying once"
expect_in "$TMP/err" "plugin noise on stdout"

# One worker holds several units and sends their results together; when it
# dies or hangs, the results it held are not lost and the fault is pinned
# on the document that caused it, not on one whose result was held.
for i in $(seq 1 60); do
    case $i in
    17) echo '{"id": "segv", "text": "Please SEGFAULT Here."}' ;;
    38) echo '{"id": "hang", "text": "This will HANG Forever."}' ;;
    *) echo '{"id": "d'$i'", "text": "Alpha Beta number '$i'."}' ;;
    esac
done >"$TMP/batch.jsonl"
run_glossa 4 run --isolate --threads 1 --doc-timeout 1 --plugin capitals --plugin faulty \
    "$TMP/batch.jsonl" -o "$TMP/batch.out"
O="$TMP/batch.out"
expect_json "$O" 'length == 60 and all(.[]; .annotations.capitals | length >= 2)'
expect_json "$O" '[.[] | select(.errors != []) | [.id, .errors[0].plugin, .errors[0].code]] == [["segv","faulty","ECRASHED"],["hang","faulty","ETIMEOUT"]]'
expect_json "$O" '[.[] | select(.errors == []) | .annotations.faulty[0].label] | length == 58 and all(. == "OK")'

# Without faults, isolation changes nothing: byte-identical to in-process,
# for any worker count, and with workers recycled after every 2 units.
for i in $(seq 1 40); do
    for f in "$SOURCE_DIR"/corpus/*.txt; do
        jq -Rsc --arg id "$i-$(basename "$f")" '{id: $id, text: .}' "$f"
    done
done >"$TMP/clean.jsonl"
P=(--pipeline <(echo '{"plugins": ["counter", "capitals", "faulty"]}'))
"$GLOSSA" run --threads 2 --plugin counter --plugin capitals --plugin faulty "$TMP/clean.jsonl" >"$TMP/inproc" 2>/dev/null || fail "in-process run"
for t in 1 3; do
    "$GLOSSA" run --isolate --threads $t --worker-max-docs 2 --plugin counter --plugin capitals \
        --plugin faulty "$TMP/clean.jsonl" >"$TMP/iso.$t" 2>"$TMP/err" || { cat "$TMP/err"; fail "isolated run, $t workers"; }
    cmp "$TMP/inproc" "$TMP/iso.$t" || fail "isolated output ($t workers) differs from in-process"
done

# Instances are made once, in the process that runs them: with
# --isolate the zygote creates them and its forked workers share them
# (even when workers are replaced), and glossa itself creates none.
for t in 1 3; do
    rm -f "$TMP/creates"
    FAULTY_CREATE_LOG="$TMP/creates" "$GLOSSA" run --isolate --threads $t \
        --worker-max-docs 2 --plugin faulty "$TMP/clean.jsonl" -o "$TMP/created.jsonl" \
        2>"$TMP/err" || { cat "$TMP/err"; fail "isolated run for the create count"; }
    [ "$(wc -l <"$TMP/creates")" -eq 1 ] ||
        fail "$t workers: $(wc -l <"$TMP/creates") instances made, expected one (the zygote's)"
done
rm -f "$TMP/creates"
FAULTY_CREATE_LOG="$TMP/creates" "$GLOSSA" run --plugin faulty "$TMP/clean.jsonl" >/dev/null 2>&1 ||
    fail "in-process run for the create count"
[ "$(wc -l <"$TMP/creates")" -eq 1 ] || fail "in-process: not one instance"

# A plugin that refuses its configuration stops an isolated run before
# any input is read, with the in-process message and status.
B="$TEST_PLUGINS/broken"
run_glossa 3 run --isolate --plugin "$B/broken_reject_config.so" "$TMP/clean.jsonl" -o "$TMP/refused.jsonl"
expect_in "$TMP/err" "plugin 'broken' ($B/broken_reject_config.so) refused to start: threshold must be between 0 and 1"
[ ! -e "$TMP/refused.jsonl" ] && [ ! -e "$TMP/refused.jsonl.partial" ] ||
    fail "a refused pipeline left an output behind"

# Workers are forked from one process that loaded the plugins once (the
# zygote), so they share its models. If it dies, the run stops with a
# clear error instead of waiting for workers that cannot come.
children_of() { # with shell builtins only: fast enough to catch a run
    local parent=$1 stat line
    for stat in /proc/[0-9]*/stat; do
        read -r line 2>/dev/null <"$stat" || continue
        set -- ${line##*) } # state, ppid, ...
        [ "${2-}" = "$parent" ] && { line=${stat#/proc/}; echo "${line%/stat}"; }
    done
    return 0
}
# 100 ms a document: the run lasts 10 s unless the kill ends it.
echo '{"plugins": [{"plugin": "slow", "config": {"ms": 100}}]}' >"$TMP/slow.json"
"$GLOSSA" run --isolate --threads 2 --pipeline "$TMP/slow.json" "$TMP/clean.jsonl" \
    -o "$TMP/zygote.jsonl" 2>"$TMP/zerr" &
run_pid=$!
# The zygote: glossa's child whose children are the two workers (glossa
# may have other children, such as a sanitizer's symbolizer).
zygote=""
for _ in $(seq 1 200); do
    for child in $(children_of $run_pid); do
        [ "$(children_of "$child" | wc -l)" -ge 2 ] && zygote=$child
    done
    [ -n "$zygote" ] && break
    sleep 0.05
done
[ -n "$zygote" ] || fail "the workers are not children of one zygote"
workers=$(children_of "$zygote")
kill -9 "$zygote"
rc=0
wait $run_pid || rc=$?
[ $rc -ne 0 ] || fail "a run whose zygote was killed succeeded"
expect_in "$TMP/zerr" "the process that starts plugin workers died of signal 9 (SIGKILL)"
sleep 0.2
for w in $workers; do # gone, or a zombie of whoever adopted it
    state=$(awk '/^State:/ {print $2}' "/proc/$w/status" 2>/dev/null || true)
    [ -z "$state" ] || [ "$state" = Z ] || fail "worker $w outlived its zygote and the run"
done

# Options that only make sense with --isolate.
run_glossa 2 run --doc-timeout 1 --plugin faulty "$TMP/docs.jsonl"
expect_in "$TMP/err" "need --isolate"

# A leaking plugin: under --worker-memory a worker past three quarters of
# its room is replaced before its next document, so the leak never fails
# a document; only a document that alone needs more than the limit does.
# (Sanitizers reserve terabytes of address space, so an address-space
# limit cannot apply to their builds.)
if [ -n "${GLOSSA_SANITIZER:-}" ]; then
    echo "skipping the memory-limit checks under $GLOSSA_SANITIZER"
    echo ok
    exit 0
fi
{
    for i in $(seq 1 24); do echo '{"id": "leak'$i'", "text": "LEAK Again."}'; done
    echo '{"id": "greedy", "text": "GREEDY for a gigabyte."}'
    for i in $(seq 25 30); do echo '{"id": "leak'$i'", "text": "LEAK Again."}'; done
} >"$TMP/leak.jsonl"
for threads in 1 2; do
    run_glossa 4 run --isolate --threads $threads --worker-memory 400M --log-level info \
        --plugin faulty "$TMP/leak.jsonl"
    expect_json "$TMP/out" 'length == 31 and ([.[] | select(.errors != []) | [.id, .errors[0].code, .errors[0].message]] == [["greedy", "EPLUGIN", "out of memory"]])'
    expect_in "$TMP/err" "is near its memory limit: replaced"
    [ ! -s "$TMP/out.quarantine.jsonl" ] || fail "memory replacement quarantined documents"
done
# Recycling by count (--worker-max-docs) keeps the leak down too.
run_glossa 4 run --isolate --threads 1 --worker-memory 400M --worker-max-docs 3 \
    --plugin faulty "$TMP/leak.jsonl"
expect_json "$TMP/out" 'length == 31 and ([.[] | select(.errors != []) | .id] == ["greedy"])'

echo ok
