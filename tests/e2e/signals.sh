#!/bin/bash
# Signals: a crash in-process, and stop signals to a whole --isolate run.
. "$(dirname "$0")/lib.sh"

# A plugin that crashes in-process takes the process down, as it must;
# but first a line names the plugin and the document, and says how to
# survive it. (Under a sanitizer the sanitizer's report follows and sets
# the exit status.)
for how in SEGFAULT ABORT STACK-OVERFLOW; do
    printf '{"id":"ok","text":"Fine here."}\n{"id":"boom","text":"%s now."}\n' $how >"$TMP/crash.jsonl"
    rc=0
    "$GLOSSA" run --threads 2 --plugin capitals --plugin faulty "$TMP/crash.jsonl" \
        >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ $rc -ne 0 ] || fail "a crash in-process ($how) exited 0"
    if [ -z "${GLOSSA_SANITIZER:-}" ]; then
        expected=139
        [ $how = ABORT ] && expected=134
        [ $rc -eq $expected ] || fail "a crash in-process ($how) exited $rc, expected $expected"
    fi
    expect_in "$TMP/err" "in plugin \"faulty\" (layer \"faulty\") on document \"boom\" ($TMP/crash.jsonl:2)"
    expect_in "$TMP/err" "rerun with --isolate"
done

# Ctrl-C, timeout(1) and batch schedulers (scancel) signal the whole
# process group. Under --isolate that includes the zygote and the
# workers: the run must still stop as it does in-process (records in
# flight finished, exit 130, "rerun with --resume"), quarantine nothing,
# leave no process behind, and --resume must finish the job exactly.
for i in $(seq 1 120); do
    echo "{\"id\":\"d$i\",\"text\":\"Document Number $i.\"}"
done >"$TMP/docs.jsonl"
# 30 ms a document on two workers: about 2 s for the whole run.
echo '{"plugins": [{"plugin": "slow", "config": {"ms": 30}}, "capitals"]}' >"$TMP/p.json"
args=(run --isolate --threads 2 --pipeline "$TMP/p.json" "$TMP/docs.jsonl")
run_glossa 0 "${args[@]}" -o "$TMP/reference.jsonl"

for sig in INT TERM; do
    OUT="$TMP/out-$sig.jsonl"
    # setsid: glossa leads a process group of its own, as a shell job does.
    setsid "$GLOSSA" "${args[@]}" -o "$OUT" 2>"$TMP/err" &
    pid=$!
    for _ in $(seq 1 300); do
        [ -s "$OUT.partial" ] && [ "$(wc -l <"$OUT.partial")" -ge 10 ] && break
        sleep 0.02
    done
    [ -e "$OUT" ] && fail "the run ended before the signal; make the plugin slower"
    kill -$sig -- -$pid
    rc=0
    wait $pid || rc=$?
    [ $rc -eq 130 ] || { cat "$TMP/err" >&2; fail "SIG$sig to the group: exit $rc, expected 130"; }
    expect_in "$TMP/err" "rerun with --resume to finish"
    grep -q "died\|SIGKILL\|crash" "$TMP/err" && { cat "$TMP/err" >&2; fail "SIG$sig reported as a crash"; }
    [ ! -s "$OUT.quarantine.jsonl" ] || fail "SIG$sig quarantined documents: $(cat "$OUT.quarantine.jsonl")"
    grep -q ECRASHED "$OUT.partial" && fail "a record says ECRASHED after SIG$sig"
    # No zygote or worker outlives the run.
    for _ in $(seq 1 100); do
        pgrep -g $pid >/dev/null || break
        sleep 0.05
    done
    pgrep -g $pid >/dev/null && fail "processes of the run are left after SIG$sig: $(pgrep -g $pid)"
    run_glossa 0 "${args[@]}" -o "$OUT" --resume
    cmp "$TMP/reference.jsonl" "$OUT" || fail "SIG$sig + --resume differs from an uninterrupted run"
done
echo ok
