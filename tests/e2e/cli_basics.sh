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
expect_in "$TMP/out" "plugin ABI 1.0"
expect_in "$TMP/out" "allocator: "
run_glossa 0 plugins
expect_in "$TMP/out" "capitals       1.0"
expect_in "$TMP/out" "counter        1.0       1.0   capitals"
run_glossa 0 plugins --help capitals
expect_in "$TMP/out" 'label              string       default "CAP"'
run_glossa 3 plugins --help nothing_here
run_glossa 0 run --help
expect_in "$TMP/out" "exit status"
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
echo ok
