#!/bin/bash
# Usage errors, listing and describing plugins, version.
. "$(dirname "$0")/lib.sh"
run_glossa 2 frobnicate
expect_in "$TMP/err" "unknown command 'frobnicate'"
run_glossa 2 run --plugin capitals
expect_in "$TMP/err" "no input given"
run_glossa 2 run --threads 0 x
run_glossa 2 run --shard 3/3 x
run_glossa 0 version
expect_in "$TMP/out" "plugin ABI 1.2"
expect_in "$TMP/out" "allocator: "
run_glossa 0 plugins
expect_in "$TMP/out" "capitals       1.0       1.2"
expect_in "$TMP/out" "counter        1.0       1.2   capitals"
run_glossa 0 plugins --help capitals
expect_in "$TMP/out" 'label              string       default "CAP"'
run_glossa 3 plugins --help nothing_here
run_glossa 0 run --help
expect_in "$TMP/out" "exit status"
# The default time limit under --isolate is stated where users look.
expect_in "$TMP/out" "60 s + 30 s per MiB of the document; 'none': no limit"
# -o to a FIFO (or a device such as /dev/null) writes into it as it is:
# publishing OUT.partial by rename would replace the node with a file.
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from-fifo" &
reader=$!
run_glossa 0 run --plugin capitals -o "$TMP/fifo" "$SOURCE_DIR/corpus"
wait $reader
[ -p "$TMP/fifo" ] || fail "-o FIFO replaced the FIFO"
[ "$(wc -l <"$TMP/from-fifo")" -eq 5 ] || fail "-o FIFO: expected 5 records through it"
[ ! -e "$TMP/fifo.partial" ] && [ ! -e "$TMP/fifo.job" ] || fail "-o FIFO left side files"
run_glossa 1 run --plugin capitals --resume -o "$TMP/fifo" "$SOURCE_DIR/corpus"
expect_in "$TMP/err" "--resume needs a regular file"
# --stats: the run's figures, in-process and with workers, whose time and
# memory count too.
for mode in "" --isolate; do
    run_glossa 0 run --plugin capitals --plugin counter $mode --stats "$TMP/stats.json" "$SOURCE_DIR/corpus"
    expect_json "$TMP/stats.json" '.[0] | .documents == 5 and .bytes > 1000 and .wall_seconds > 0
        and .cpu_seconds > 0 and .megabytes_per_second > 0 and .errors == 0
        and .isolate == ("'"$mode"'" != "") and .peak_rss_kb > 0
        and ((.peak_rss_worker_kb > 0) == .isolate)
        and ([.plugins[] | [.name, .documents, .failures]] == [["capitals", 5, 0], ["counter", 5, 0]])'
done
# A good Unix tool: help for a command, -V, "did you mean" for commands
# and options, - for standard output.
run_glossa 0 help run
expect_in "$TMP/out" "usage: glossa run"
run_glossa 2 help nothing
expect_in "$TMP/err" "glossa help: no command 'nothing'"
run_glossa 0 -V
expect_in "$TMP/out" "glossa $("$GLOSSA" version | head -1 | cut -d' ' -f2)"
run_glossa 2 rn "$SOURCE_DIR/corpus"
expect_in "$TMP/err" "unknown command 'rn'; did you mean 'run'?"
run_glossa 2 run --ouput x "$SOURCE_DIR/corpus"
expect_in "$TMP/err" "glossa run: unknown option '--ouput'; did you mean '--output'?"
run_glossa 2 run --p x "$SOURCE_DIR/corpus"
expect_in "$TMP/err" "option '--p' is ambiguous: --pipeline, --plugin, --progress"
run_glossa 2 run --output
expect_in "$TMP/err" "option '--output' needs a value"
run_glossa 2 eval --flor x out.jsonl
expect_in "$TMP/err" 'unknown option "--flor"; did you mean --floor?'
run_glossa 0 plugins capitals
expect_in "$TMP/out" 'label              string       default "CAP"'
run_glossa 0 run --plugin capitals -o - "$SOURCE_DIR/corpus"
[ "$(wc -l <"$TMP/out")" -eq 5 ] && [ ! -e ./- ] && [ ! -e ./-.partial ] ||
    fail "-o - must write to standard output"
# Plain text on standard input: one document, or one a line.
echo "trade between Paris and Rome." >"$TMP/plain.txt"
run_glossa 0 run --plugin capitals --format text - <"$TMP/plain.txt"
expect_json "$TMP/out" 'length == 1 and .[0].id == "stdin" and (.[0].annotations.capitals | length) == 2'
printf 'Paris.\n\nRome and Paris.\n' >"$TMP/lines.txt"
run_glossa 0 run --plugin capitals --format lines - <"$TMP/lines.txt"
expect_json "$TMP/out" '[.[] | [.id, (.annotations.capitals | length)]] == [["<stdin>:1", 1], ["<stdin>:3", 2]]'
run_glossa 2 run --format xml -
expect_in "$TMP/err" "--format takes jsonl, text or lines"
# A file that is not a regular one is read to its end: process
# substitution, a FIFO.
"$GLOSSA" run --plugin capitals <(cat "$TMP/plain.txt") >"$TMP/out" 2>"$TMP/err" ||
    fail "process substitution as input"
expect_json "$TMP/out" 'length == 1 and .[0].errors == [] and (.[0].annotations.capitals | length) == 2'
# A reader that leaves ends the run quietly, as a filter (128 + SIGPIPE).
for i in $(seq 1 3000); do echo "{\"id\": \"$i\", \"text\": \"Paris, Rome and Vienna, day $i.\"}"; done >"$TMP/many.jsonl"
"$GLOSSA" run --plugin capitals "$TMP/many.jsonl" 2>"$TMP/err" | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" -eq 141 ] || fail "a broken pipe must end with status 141, not $rc"
[ ! -s "$TMP/err" ] || fail "a broken pipe must end quietly: $(cat "$TMP/err")"
# -q: nothing on stderr but warnings.
run_glossa 0 run -q --plugin capitals "$SOURCE_DIR/corpus"
[ ! -s "$TMP/err" ] || fail "-q printed: $(cat "$TMP/err")"
# A run with record errors names the first ones in its summary.
printf '{"id": "a", "text": "Paris."}\n{"id": "b", "text": ""}\nbroken\n' >"$TMP/errs.jsonl"
run_glossa 4 run --plugin capitals "$TMP/errs.jsonl"
expect_in "$TMP/err" "record b: EEMPTY (input): $TMP/errs.jsonl:2: empty document"
expect_in "$TMP/err" "record $TMP/errs.jsonl:3: EPARSE (input): $TMP/errs.jsonl:3: column 6: invalid JSON"
echo ok
