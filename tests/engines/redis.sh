#!/bin/bash
# A real redis-server (127.0.0.1, a free port, state in $TMP) and glossa
# workers: every document ends up annotated exactly once in the merged
# result, equal byte for byte to a local run, through
#   - two workers, one killed with SIGKILL while it holds entries;
#   - connections killed under a worker, and a server restart;
#   - SIGTERM, after which a worker finishes what it holds;
#   - a poison document that kills every worker that takes it;
#   - duplicate results (at-least-once delivery);
# and that what is not right at the edges is reported, never lost or
# taken for something else (the rows of docs/reliability.md naming this
# test):
#   - records the reader cannot take: enqueued with their errors;
#   - enqueue run twice, or on an input that changed since;
#   - a file name that is not UTF-8;
#   - entries with a NUL or bad bytes in their id, without text, with a
#     meta that is not an object: the record says so, as for JSONL;
#   - a port where something that is not Redis answers.
. "$(dirname "$0")/lib.sh"
ENGINES=$(cd "$(dirname "$0")" && pwd)
need_commands "redis-server" redis-server redis-cli
"$GLOSSA" version | grep -q "redis streams: yes" ||
    skip "this glossa was built without hiredis (install libhiredis-dev and" \
        "rebuild; tools/deps.sh test installs it)"
start=$(date +%s%N)
elapsed() { echo "$((($(date +%s%N) - start) / 1000000)) ms"; }
cd "$TMP" || fail "cd $TMP"

PORT=$(free_port)
URL=127.0.0.1:$PORT
R() { redis-cli -p "$PORT" "$@"; }
# start_redis [PORT [OPTION...]]: a redis-server on PORT (default $PORT),
# its state in $TMP/redis-PORT.*, stopped at exit.
start_redis() {
    local port=${1:-$PORT}
    shift
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes \
        --pidfile "$TMP/redis-$port.pid" --logfile "$TMP/redis-$port.log" \
        --dbfilename "redis-$port.rdb" --dir "$TMP" \
        --save '' --appendonly no "$@" || fail "redis-server did not start"
    pong() { [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; }
    wait_for 10 pong
    stop_at_exit "$TMP/redis-$port.pid"
}
start_redis

corpus_jsonl 60 >docs.jsonl # 300 documents
echo '{"plugins": ["capitals", "counter", {"plugin": "slow", "config": {"ms": 10}}]}' >p.json
"$GLOSSA" run -q --pipeline p.json -o ref.jsonl docs.jsonl || fail "local run"

# worker NAME STREAM [OPTIONS]: a worker in the background; its PID in
# $worker_pid, its stderr in NAME.log.
worker() {
    local name=$1 stream=$2
    shift 2
    "$GLOSSA" worker --redis "$URL" --stream "$stream" --consumer "$name" \
        --pipeline p.json --threads 1 --claim-idle 1000 "$@" 2>"$name.log" &
    worker_pid=$!
    stop_at_exit $worker_pid
}
# pending_of STREAM CONSUMER: entries the consumer holds (XPENDING prints
# four lines per entry).
pending_of() { echo $(($(R --raw XPENDING "$1" glossa - + 1000 "$2" | grep -c .) / 4)); }
results_at_least() { [ "$(R XLEN "$1:results")" -ge "$2" ]; }

# --- Two workers, one killed with SIGKILL mid-stream ------------------------
run_glossa 1 merge --redis "$URL" --stream docs
expect_in "$TMP/err" "no stream docs at $URL"
run_glossa 0 enqueue --redis "$URL" --stream docs docs.jsonl
expect_in "$TMP/err" "300 records added to stream docs"
[ "$(R XLEN docs)" = 300 ] || fail "expected 300 entries in the stream"
worker A docs --until-empty
a=$worker_pid
worker B docs --until-empty
b=$worker_pid
wait_for 30 results_at_least docs 30
a_holds() { [ "$(pending_of docs A)" -gt 0 ]; }
wait_for 10 a_holds
held=$(pending_of docs A)
kill -9 $a
wait $a 2>/dev/null
run_glossa 1 merge --redis "$URL" --stream docs
expect_in "$TMP/err" "the workers of group glossa are not done"
wait $b || fail "worker B exited $?: $(cat B.log)"
expect_in B.log "took over"
[ "$(R XPENDING docs glossa | head -1)" = 0 ] || fail "entries left pending"
run_glossa 0 merge --redis "$URL" --stream docs -o merged.jsonl
cmp ref.jsonl merged.jsonl || fail "merged results differ from the local run"
# Killing A may already have left a duplicate (a result written, its entry
# not acknowledged): the count below starts from this one.
before=$(sed -n 's/.*(\([0-9]*\) duplicates dropped).*/\1/p' "$TMP/err")
[ -n "$before" ] || fail "merge did not report its duplicates"
[ "$(jq -r .id merged.jsonl | sort | uniq -d | wc -l)" = 0 ] || fail "a document twice"
echo "A killed holding $held entries; B took them over; 300 documents once each ($(elapsed))"

# Duplicates are harmless: a result written twice (a worker killed between
# writing it and acknowledging its entry) is dropped by merge.
R --raw XRANGE docs:results - + COUNT 3 >dup.txt
for i in 0 1 2; do
    entry=$(sed -n "$((i * 9 + 5))p" dup.txt)
    record=$(sed -n "$((i * 9 + 9))p" dup.txt)
    R XADD docs:results '*' id dup entry "$entry" worker X record "$record" >/dev/null
done
run_glossa 0 merge --redis "$URL" --stream docs -o merged.jsonl
expect_in "$TMP/err" "300 records from docs:results ($((before + 3)) duplicates dropped)"
cmp ref.jsonl merged.jsonl || fail "duplicates changed the merged result"

# --- What is not a result of this stream is reported and left out -------
# A careless or hostile producer adds entries to the results stream: each
# is named with why it is left out, and the merge is still the local run.
R --raw XRANGE docs:results - + COUNT 1 >one.txt
entry=$(sed -n 5p one.txt)
record=$(sed -n 9p one.txt)
bogus() { R XADD docs:results '*' "$@" >/dev/null; }
bogus id x entry 1-1 worker X record "$record"
bogus id x entry "$entry" worker X record "not json"
bogus id x entry "$entry" worker X record "$(sed 's/"id":"[^"]*"/"id":"other"/' <<<"$record")"
bogus id x entry "$entry" worker X record "${record/,/,$'\n'}"
bogus id x entry "$entry" worker X record "${record/\"errors\":\[/\"errors\":[{\"plugin\":null,\"code\":\"EPARSE\",\"message\":\"forged\"\}}"
bogus foo bar
bogus entry abc record "{}"
run_glossa 0 merge --redis "$URL" --stream docs -o merged.jsonl
cmp ref.jsonl merged.jsonl || fail "results that are not this stream's changed the merge"
expect_in "$TMP/err" "it names entry 1-1, which is not in stream docs (earlier than its first entry"
expect_in "$TMP/err" "its record is not valid JSON"
expect_in "$TMP/err" "its record's id \"other\" is not the id of entry $entry of stream docs"
expect_in "$TMP/err" "its record spans lines"
expect_in "$TMP/err" "it is not a glossa worker result (no entry or record field)"
expect_in "$TMP/err" "its entry field 'abc' is not an entry id"
expect_in "$TMP/err" "entry $entry of docs has results that differ"
expect_in "$TMP/err" "300 records from docs:results ($((before + 4)) duplicates dropped, some differing; 6 results left out, reported above)"
[ "$(grep -c '; left out$' "$TMP/err")" = 6 ] || fail "expected 6 results left out, each named"
# An entry whose only result is not one is an entry without a result.
head -n 5 docs.jsonl >docs8.jsonl
run_glossa 0 enqueue --redis "$URL" --stream docs8 docs8.jsonl
worker K docs8 --until-empty
wait $worker_pid || fail "worker K exited $?: $(cat K.log)"
R --raw XRANGE docs8:results - + COUNT 1 >one.txt
R XDEL docs8:results "$(sed -n 1p one.txt)" >/dev/null
R XADD docs8:results '*' id x entry "$(sed -n 5p one.txt)" worker X record "{" >/dev/null
run_glossa 1 merge --redis "$URL" --stream docs8
expect_in "$TMP/err" "its record is not valid JSON"
expect_in "$TMP/err" "entry $(sed -n 5p one.txt) of docs8 has no result in docs8:results"
expect_in "$TMP/err" "docs8 has 5 entries but docs8:results has results for only 4 of them (--partial merges them anyway)"
# A Redis that runs no scripts: merge reads the input stream whole.
PORT3=$(free_port)
start_redis "$PORT3" --rename-command EVAL '""'
for i in 1 2 3; do
    redis-cli -p "$PORT3" XADD plain '*' id "p$i" text "Paris $i." >/dev/null
done
"$GLOSSA" worker --redis "127.0.0.1:$PORT3" --stream plain --pipeline p.json \
    --until-empty 2>M.log || fail "worker M exited $?: $(cat M.log)"
run_glossa 0 merge --redis "127.0.0.1:$PORT3" --stream plain
expect_in "$TMP/err" "runs no scripts"
expect_in "$TMP/err" "3 records from plain:results (0 duplicates dropped)"
redis-cli -p "$PORT3" SHUTDOWN NOSAVE >/dev/null 2>&1
echo "bogus results reported and left out, the merge unchanged ($(elapsed))"

# An entry deleted from the stream while a stopped worker held it has no
# result: the worker that takes over the others says so.
head -n 3 docs.jsonl >docs9.jsonl
run_glossa 0 enqueue --redis "$URL" --stream docs9 docs9.jsonl
R XGROUP CREATE docs9 glossa 0 >/dev/null
R XREADGROUP GROUP glossa ghost COUNT 3 STREAMS docs9 '>' >/dev/null
gone=$(R XRANGE docs9 - + COUNT 1 | head -n 1)
R XDEL docs9 "$gone" >/dev/null
worker L docs9 --until-empty
wait $worker_pid || fail "worker L exited $?: $(cat L.log)"
expect_in L.log "1 entries of stream docs9 were deleted (XDEL or XTRIM) before they were annotated, while a stopped worker held them; they have no result: $gone"
run_glossa 0 merge --redis "$URL" --stream docs9
[ "$(wc -l <"$TMP/out")" = 2 ] || fail "expected the 2 entries left in docs9 merged"

# --- Connections lost: killed under the worker, then a server restart -----
head -n 100 docs.jsonl >docs2.jsonl
"$GLOSSA" run -q --pipeline p.json -o ref2.jsonl docs2.jsonl || fail "local run 2"
run_glossa 0 enqueue --redis "$URL" --stream docs2 docs2.jsonl
worker C docs2 --until-empty
c=$worker_pid
wait_for 30 results_at_least docs2 10
R CLIENT KILL TYPE normal >/dev/null
wait_for 30 results_at_least docs2 40
# A restart that keeps the data (the consumer group and its pending
# entries survive in the RDB file).
R SHUTDOWN SAVE >/dev/null 2>&1
sleep 1
start_redis
wait $c || fail "worker C exited $?: $(cat C.log)"
expect_in C.log "lost the connection to Redis at $URL"
expect_in C.log "Connection refused"
expect_in C.log "reconnected to Redis at $URL"
run_glossa 0 merge --redis "$URL" --stream docs2
cmp ref2.jsonl "$TMP/out" || fail "results differ after lost connections"
echo "connections killed and the server restarted under a worker ($(elapsed))"

# --- SIGTERM: the worker finishes what it holds, then exits 0 ---------------
run_glossa 0 enqueue --redis "$URL" --stream docs3 docs2.jsonl
worker D docs3
d=$worker_pid
wait_for 30 results_at_least docs3 10
kill -TERM $d
wait $d || fail "worker D exited $? after SIGTERM: $(cat D.log)"
expect_in D.log "stopped by a signal"
[ "$(pending_of docs3 D)" = 0 ] || fail "D left entries pending after SIGTERM"
done_by_d=$(R XLEN docs3:results)
[ "$done_by_d" -lt 100 ] || fail "D was to be stopped mid-stream"
worker E docs3 --until-empty
wait $worker_pid || fail "worker E exited $?"
run_glossa 0 merge --redis "$URL" --stream docs3
cmp ref2.jsonl "$TMP/out" || fail "results differ after SIGTERM"
echo "SIGTERM: D finished its $done_by_d documents, E the rest ($(elapsed))"

# --- A poison document kills every worker that takes it ---------------------
{
    head -n 9 docs2.jsonl
    echo '{"id": "poison", "text": "This SEGFAULT document kills the worker."}'
    sed -n '10,20p' docs2.jsonl
} >docs4.jsonl
echo '{"plugins": ["capitals", "faulty"]}' >f.json
run_glossa 0 enqueue --redis "$URL" --stream docs4 docs4.jsonl
# As a supervisor would, start a new worker whenever one dies.
# (In a subshell, so that the shell's "Segmentation fault" goes to the log.)
starts=$(
    for i in 1 2 3 4 5 6; do
        "$GLOSSA" worker --redis "$URL" --stream docs4 --pipeline f.json \
            --until-empty --claim-idle 300 --max-deliveries 2 && break
    done 2>>poison.log
    echo "$i"
)
[ "$starts" = 3 ] || fail "expected two workers to die on the poison document, not $((starts - 1))"
expect_in poison.log "docs4.jsonl:10: delivered 3 times"
# In-process, each death is explained before it happens.
expect_in poison.log 'fatal signal 11 (SIGSEGV) in plugin "faulty" (layer "faulty") on document "poison"'
run_glossa 0 merge --redis "$URL" --stream docs4 -o merged4.jsonl
expect_json merged4.jsonl '[.[] | select(.errors != [])] | length == 1'
expect_json merged4.jsonl '.[9].id == "poison" and .[9].errors[0].code == "EDELIVERY"'
expect_json merged4.jsonl '.[9].provenance == {"input": "", "layers": {}}'
grep -v '"poison"' docs4.jsonl >docs4-good.jsonl
"$GLOSSA" run -q --pipeline f.json docs4-good.jsonl >ref4.jsonl || fail "local run 4"
grep -v '"id":"poison"' merged4.jsonl | cmp - ref4.jsonl ||
    fail "the poison document cost other documents their results"
echo "poison document given up after 2 deliveries, the other 20 annotated ($(elapsed))"

# --- Records that cannot be read are enqueued with their errors ----------
# enqueue reads with the library's own reader (glossa_source_read): a
# record it cannot take is named as glossa run names it, and enqueued
# without text, with its error, so that the merged output is glossa run's.
{
    echo '{"id": "a", "text": "Yerevan and Baku."}'
    echo '{"id": "broken", "text": '
    echo '{"id": "big", "text": "0123456789 0123456789 0123456789"}'
    printf '{"id": "repaired", "text": "caf\xff"}\n'
} >docs5.jsonl
run_glossa 4 enqueue --redis "$URL" --stream docs5 --max-doc-bytes 20 docs5.jsonl
expect_in "$TMP/err" "docs5.jsonl:2: column"
expect_in "$TMP/err" "invalid JSON"
expect_in "$TMP/err" "; enqueued without text, for its result to say so"
expect_in "$TMP/err" "docs5.jsonl:3: document is 32 bytes, over the limit of 20 (--max-doc-bytes); enqueued without text"
expect_in "$TMP/err" "note: docs5.jsonl:4: invalid UTF-8"
expect_in "$TMP/err" "4 records added to stream docs5"
expect_in "$TMP/err" "2 records could not be read; they are enqueued without text"
[ "$(R XLEN docs5)" = 4 ] || fail "expected the 4 records in the stream"
"$GLOSSA" run -q --pipeline p.json --max-doc-bytes 20 docs5.jsonl >ref5.jsonl
[ $? = 4 ] || fail "glossa run docs5.jsonl: expected exit 4"
worker F docs5 --until-empty
wait $worker_pid || fail "worker F exited $?: $(cat F.log)"
run_glossa 0 merge --redis "$URL" --stream docs5
cmp ref5.jsonl "$TMP/out" || fail "records enqueued with errors differ from glossa run's"
echo "unreadable records enqueued with their errors; merged as glossa run ($(elapsed))"

# --- enqueue twice adds nothing twice -------------------------------------
# A record's key is its input's real path and its position there.
cp docs2.jsonl docs7.jsonl
run_glossa 0 enqueue --redis "$URL" --stream docs7 docs7.jsonl
expect_in "$TMP/err" "100 records added to stream docs7"
run_glossa 0 enqueue --redis "$URL" --stream docs7 docs7.jsonl
expect_in "$TMP/err" "0 records added to stream docs7"
expect_in "$TMP/err" "100 records were enqueued in stream docs7 before"
run_glossa 0 enqueue --redis "$URL" --stream docs7 "$TMP/./docs7.jsonl"
expect_in "$TMP/err" "100 records were enqueued in stream docs7 before"
[ "$(R XLEN docs7)" = 100 ] || fail "enqueue run again added records: $(R XLEN docs7)"
worker I docs7 --until-empty
wait $worker_pid || fail "worker I exited $?: $(cat I.log)"
run_glossa 0 merge --redis "$URL" --stream docs7
cmp ref2.jsonl "$TMP/out" || fail "results differ after enqueue ran twice"
# A record whose input changed since is not taken for the one enqueued.
sed -i '5s/"text":"/"text":"Changed. /' docs7.jsonl
run_glossa 4 enqueue --redis "$URL" --stream docs7 docs7.jsonl
expect_in "$TMP/err" "docs7.jsonl:5 was enqueued before as entry"
expect_in "$TMP/err" "read otherwise then (its input, or --max-doc-bytes, changed since); not enqueued again"
expect_in "$TMP/err" "99 records were enqueued in stream docs7 before"
expect_in "$TMP/err" "1 records or manifest lines were left out"
run_glossa 0 enqueue --redis "$URL" --stream docs7 --allow-duplicates docs7.jsonl
expect_in "$TMP/err" "100 records added to stream docs7"
[ "$(R XLEN docs7)" = 200 ] || fail "--allow-duplicates did not add the records again"
# A stream deleted (without its keys) is a new stream.
R DEL docs7 docs7:results >/dev/null
run_glossa 0 enqueue --redis "$URL" --stream docs7 docs7.jsonl
expect_in "$TMP/err" "stream docs7 does not exist, but docs7:enqueued lists 200 records enqueued there before"
expect_in "$TMP/err" "100 records added to stream docs7"
echo "enqueue run twice: nothing added twice; a changed record reported ($(elapsed))"

# --- A file name that is not UTF-8 ----------------------------------------
mkdir names
printf 'Paris is big.' >names/a.txt
printf 'Rome is old.' >"names/caf$(printf '\xff').txt"
printf 'Oslo is cold.' >names/z.txt
"$GLOSSA" run -q --pipeline p.json names >ref-names.jsonl 2>run-names.err
run_rc=$?
if [ $run_rc = 0 ] || [ $run_rc = 4 ]; then
    # The reader names such a file: it is a record like any other.
    run_glossa $run_rc enqueue --redis "$URL" --stream names names
    expect_in "$TMP/err" "3 records added to stream names"
    worker J names --until-empty
    wait $worker_pid || fail "worker J exited $?: $(cat J.log)"
    run_glossa 0 merge --redis "$URL" --stream names
    cmp ref-names.jsonl "$TMP/out" || fail "a file with a non-UTF-8 name: results differ from glossa run"
else
    # This glossa's reader cannot read it: named, left out, the rest go on.
    run_glossa 4 enqueue --redis "$URL" --stream names names
    expect_in "$TMP/err" 'names/caf\xff.txt: the file name is not valid UTF-8'
    expect_in "$TMP/err" "2 records added to stream names"
    expect_in "$TMP/err" "1 records or manifest lines were left out"
    [ "$(R XLEN names)" = 2 ] || fail "expected the 2 other files in the stream"
fi
echo "a file name that is not UTF-8: reported, the other files enqueued ($(elapsed))"

# --- Entries that would be bad JSONL records get the same records --------
# Any producer may add entries. Given the origins of the lines of a JSONL
# file, entries with what is wrong with those lines give byte for byte the
# records glossa run gives for them.
{
    echo '{"id": "fine", "text": "Paris is big."}'
    echo '{"id": "n\u0000z", "text": "Paris is big."}'
    echo '{"id": "notext", "meta": {"a": 1.5}}'
    echo '{"id": "badmeta", "text": "Paris is big.", "meta": [1]}'
} >bad.jsonl
"$GLOSSA" run -q --pipeline p.json bad.jsonl >ref-bad.jsonl
[ $? = 4 ] || fail "glossa run bad.jsonl: expected exit 4"
{
    echo 'XADD bad * id fine text "Paris is big." origin bad.jsonl:1'
    echo 'XADD bad * id "n\x00z" text "Paris is big." origin bad.jsonl:2'
    echo 'XADD bad * id notext meta "{\"a\": 1.5}" origin bad.jsonl:3'
    echo 'XADD bad * id badmeta text "Paris is big." meta "[1]" origin bad.jsonl:4'
} | R >/dev/null
entry=$(echo 'XADD bad * id "a\xffb" text "Paris is big."' | R)
R XADD bad '*' id forged errors "[1]" origin forged:1 >/dev/null
worker H bad --until-empty
wait $worker_pid || fail "worker H exited $?: $(cat H.log)"
run_glossa 0 merge --redis "$URL" --stream bad -o merged-bad.jsonl
head -n 4 merged-bad.jsonl | cmp - ref-bad.jsonl ||
    fail "entries with a bad id, meta or no text differ from glossa run's records"
sed -n 5p merged-bad.jsonl >utf8.jsonl
iconv -f UTF-8 -t UTF-8 utf8.jsonl >/dev/null || fail "a record is not UTF-8: $(cat utf8.jsonl)"
expect_json utf8.jsonl ".[0].id == \"a\\ufffdb\" and .[0].errors[0].code == \"EUTF8\""
expect_in utf8.jsonl "\"redis bad $entry: invalid UTF-8 at byte 2 of \\\"id\\\"; 1 bad sequence(s) replaced with U+FFFD\""
# "errors" that are not error entries are not taken for a reason.
sed -n 6p merged-bad.jsonl >forged.jsonl
expect_json forged.jsonl '.[0].errors | map(.message) == ["forged:1: \"errors\" must be an array of error entries ({\"plugin\": null, \"code\", \"message\"}); ignored", "forged:1: the record has no \"text\" string"]'
echo "entries with a NUL or bad bytes in their id, no text, bad meta: recorded as for JSONL ($(elapsed))"

# --- A port where something that is not Redis answers -------------------
# not_redis PORT MODE: tests/engines/not_redis.py in the background.
not_redis() {
    python3 "$ENGINES/not_redis.py" "$1" "$2" >"not_redis-$1.out" 2>&1 &
    stop_at_exit $!
    wait_for 10 grep -q listening "not_redis-$1.out"
}
# at_most N FILE: FILE has at most N lines.
at_most() {
    [ "$(wc -l <"$2")" -le "$1" ] || {
        cat "$2" >&2
        fail "$2 has $(wc -l <"$2") lines, expected at most $1"
    }
}
# seconds_since T0: whole seconds since T0 (date +%s%N).
seconds_since() { echo $((($(date +%s%N) - $1) / 1000000000)); }

# A wrong address is reported at once: the handshake's PING gets garbage.
GPORT=$(free_port)
not_redis "$GPORT" garbage
run_glossa 1 worker --redis "127.0.0.1:$GPORT" --pipeline p.json --retry-for 2
expect_in "$TMP/err" "cannot connect to Redis at 127.0.0.1:$GPORT: it does not answer as Redis does (PING: Protocol error"
at_most 1 "$TMP/err"
run_glossa 1 enqueue --redis "127.0.0.1:$GPORT" docs2.jsonl
expect_in "$TMP/err" "it does not answer as Redis does"

# The handshake passes, every command after it gets garbage: reconnecting
# "works" each time, yet the backoff grows and --retry-for ends it.
PPORT=$(free_port)
not_redis "$PPORT" pong
t0=$(date +%s%N)
run_glossa 1 worker --redis "127.0.0.1:$PPORT" --pipeline p.json --retry-for 3
[ "$(seconds_since "$t0")" -le 8 ] || fail "the worker took $(seconds_since "$t0") s to give up (--retry-for 3)"
expect_in "$TMP/err" "lost the connection to Redis at 127.0.0.1:$PPORT while creating the consumer group (Protocol error"
# The seconds printed are measured: at least --retry-for, and more by the
# last backoff and however slow a loaded machine is.
grep -Eq "giving up on Redis at 127.0.0.1:$PPORT after [3-8] s" "$TMP/err" ||
    fail "no \"giving up ... after 3 to 8 s\": $(cat "$TMP/err")"
at_most 8 "$TMP/err"

# Redis goes away under a running worker and something else takes its port.
PORT2=$(free_port)
start_redis "$PORT2"
"$GLOSSA" worker --redis "127.0.0.1:$PORT2" --stream docs6 --pipeline p.json \
    --retry-for 3 2>G.log &
g=$!
stop_at_exit $g
reading() { redis-cli -p "$PORT2" CLIENT LIST 2>/dev/null | grep -q cmd=xreadgroup; }
wait_for 10 reading
redis-cli -p "$PORT2" SHUTDOWN NOSAVE >/dev/null 2>&1
t0=$(date +%s%N)
not_redis "$PORT2" garbage
wait $g
rc=$?
[ $rc = 1 ] || fail "the worker exited $rc, expected 1: $(cat G.log)"
[ "$(seconds_since "$t0")" -le 8 ] || fail "the worker took $(seconds_since "$t0") s to give up (--retry-for 3)"
grep -Eq "giving up on Redis at 127.0.0.1:$PORT2 after [3-8] s \(it does not answer as Redis does" G.log ||
    fail "no \"giving up ... after 3 to 8 s (it does not answer ...\": $(cat G.log)"
at_most 12 G.log
echo "a port where something else answers: refused at once, or given up after --retry-for ($(elapsed))"
