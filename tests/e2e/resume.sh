#!/bin/bash
# A run killed at any moment (SIGKILL), then resumed, gives exactly the
# bytes of an uninterrupted run; and the output file OUT only ever appears
# complete.
. "$(dirname "$0")/lib.sh"
for f in "$SOURCE_DIR"/corpus/*.txt; do
    jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: .}' "$f"
done >"$TMP/base.jsonl"
awk '{ line[NR] = $0 } END {
        for (i = 1; i <= 3000; i++)
            for (k = 1; k <= NR; k++) {
                l = line[k]; sub(/"id":"/, "\"id\":\"" i "-", l); print l
            }
     }' "$TMP/base.jsonl" >"$TMP/docs.jsonl"
echo '{"plugins": ["capitals", "counter"]}' >"$TMP/p.json"
args=(run --threads 2 --window 8 --pipeline "$TMP/p.json" "$TMP/docs.jsonl")

sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

start=$(date +%s%N)
"$GLOSSA" "${args[@]}" -o "$TMP/reference.jsonl" 2>/dev/null || fail "reference run"
ms=$((($(date +%s%N) - start) / 1000000))
[ -e "$TMP/reference.jsonl.partial" ] && fail "partial file left after a complete run"
records=$(wc -l <"$TMP/reference.jsonl")

# Kill at random moments (within the first 40% of a full run, so each
# resumed run gets further) until a run gets to the end.
OUT="$TMP/out.jsonl"
kills=0
for attempt in $(seq 1 60); do
    "$GLOSSA" "${args[@]}" -o "$OUT" --resume 2>>"$TMP/log" &
    pid=$!
    sleep_ms $((RANDOM % (ms * 4 / 10 + 1) + 20))
    if kill -9 $pid 2>/dev/null; then
        wait $pid 2>/dev/null
        kills=$((kills + 1))
        # A kill can land after the run published OUT, while it exits
        # (slowly under ASan, which checks for leaks then). OUT, if it is
        # there, must be complete: it appears only when the run is.
        if [ -e "$OUT" ]; then
            cmp -s "$TMP/reference.jsonl" "$OUT" ||
                fail "OUT appeared before the run completed"
            break
        fi
    else
        wait $pid || [ $? -eq 0 ] || fail "a resumed run failed"
        break
    fi
done
[ -e "$OUT" ] || fail "never completed after $kills kills"
# The test proves something only if a killed run left records that a
# later run resumed after.
resumed=$(grep -c "resuming after [1-9]" "$TMP/log" || true)
[ "$resumed" -ge 1 ] || fail "no run resumed after a kill ($kills kills); the test proves nothing"
cmp "$TMP/reference.jsonl" "$OUT" || fail "resumed output differs after $kills kills"
echo "completed after $kills SIGKILLs, $resumed resumed runs (a full run takes $ms ms)"

# Starts a run of the given settings and kills it as soon as its job file
# exists: the state of a run killed early, whatever the machine's speed.
killed_early() {
    rm -f "$OUT" "$OUT.partial" "$OUT.partial.job"
    "$GLOSSA" "$@" -o "$OUT" 2>/dev/null &
    local pid=$! i
    for i in $(seq 1 1000); do
        [ -s "$OUT.partial.job" ] && break
        sleep 0.01
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    [ -s "$OUT.partial.job" ] || fail "no job file appeared"
}

# A torn last line (power loss in the middle of a write) is cut off.
killed_early "${args[@]}"
head -n 1000 "$TMP/reference.jsonl" >"$OUT.partial"
printf '{"id":"torn","meta":{},"annot' >>"$OUT.partial"
run_glossa 0 "${args[@]}" -o "$OUT" --resume
expect_in "$TMP/err" "resuming after 1000 records"
cmp "$TMP/reference.jsonl" "$OUT" || fail "torn tail not repaired"

# SIGINT stops gracefully: exit 130, records whole, --resume finishes.
rm -f "$OUT"
"$GLOSSA" "${args[@]}" -o "$OUT" 2>"$TMP/err" &
pid=$!
sleep_ms $((ms / 3))
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 130 ]; then
    expect_in "$TMP/err" "rerun with --resume to finish"
    tail -c 1 "$OUT.partial" | od -c | grep -q '\\n' || fail "SIGINT left a partial line"
    run_glossa 0 "${args[@]}" -o "$OUT" --resume
    expect_in "$TMP/err" "resuming after"
fi
cmp "$TMP/reference.jsonl" "$OUT" || fail "SIGINT + resume differs"

# Nothing to do once published; other settings are refused.
run_glossa 0 "${args[@]}" -o "$OUT" --resume
expect_in "$TMP/err" "is complete; nothing to resume"
# A default given explicitly is the same setting as none.
run_glossa 0 "${args[@]}" -o "$OUT" --resume --max-doc-bytes 16M
expect_in "$TMP/err" "is complete; nothing to resume"
killed_early "${args[@]}"
run_glossa 1 run --threads 2 --plugin capitals "$TMP/docs.jsonl" -o "$OUT" --resume
expect_in "$TMP/err" "it was started with other settings"
expect_in "$TMP/err" "  plugins: was [], now [\"capitals\"]"
run_glossa 2 "${args[@]}" --resume
expect_in "$TMP/err" "--resume needs -o FILE"
echo "ok ($records records)"
