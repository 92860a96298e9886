#!/bin/bash
# glossa serve under misbehaving clients: malformed HTTP, a client that
# leaves mid-stream, a slowloris, a full server (503), a deadline (504).
# The server answers everyone else throughout and holds no pool thread
# for a client.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
command -v curl >/dev/null || { echo "curl missing: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }

echo '{"plugins": [{"plugin": "slow", "config": {"ms": 5}}]}' >"$TMP/slow.json"
# (The deadline is far: a loaded CI machine must not turn the full
# batches below into 504s; the deadline has its own server further on.)
start_server --threads 2 --window 4 --pipeline "$TMP/slow.json" \
    --max-requests 2 --request-timeout 1 --deadline 60
echo '{"id": "x", "text": "Quick One."}' >"$TMP/one.json"
alive() {
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "@$TMP/one.json" "$URL/v1/annotate")" = 200 ] || fail "server not answering: $1"
}
alive start

# Malformed HTTP over a raw socket: H2O answers 400 and the server lives.
python3 - "$PORT" >"$TMP/raw" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /v1/annotate HTTP/1.1\r\nHost: x\r\nContent-Length: zzz\r\n\r\n")
print(s.recv(4096).decode("latin-1").split("\r\n")[0])
s.close()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"\x00\x01garbage\r\n\r\n")
print(s.recv(4096).decode("latin-1").split("\r\n")[0])
PY
expect_in "$TMP/raw" "HTTP/1.1 400"
alive "after malformed HTTP"

# A client that sends a batch and leaves after its first bytes back: the
# work it queued stops at the window, nothing waits for it, and the server
# counts it as gone.
for i in $(seq 1 2000); do echo "{\"id\": \"d$i\", \"text\": \"Some Words $i.\"}"; done >"$TMP/batch.jsonl"
python3 - "$PORT" "$TMP/batch.jsonl" <<'PY'
import socket, sys
body = open(sys.argv[2], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /v1/annotate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body)
got = b""
while b"\n{" not in got:
    got += s.recv(100)
s.close()
PY
wait_metric glossa_client_gone_total 1
wait_metric glossa_queue_depth 0
wait_metric glossa_requests_in_progress 0
docs=$(metric glossa_documents_total)
[ "$docs" -lt 200 ] || fail "a gone client's batch went on: $docs documents"
alive "after a client left"

# Slowloris: headers a byte at a time, never finished. H2O closes the
# connection after --request-timeout; others are served meanwhile.
python3 - "$PORT" >"$TMP/loris" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
start = time.time()
try:
    for c in b"POST /v1/annotate HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
        s.sendall(bytes([c]))
        time.sleep(0.05)
    print("never closed")
except (BrokenPipeError, ConnectionResetError):
    print("closed after %.1f s" % (time.time() - start))
PY
LORIS=$!
sleep 0.3
alive "during a slowloris"
wait $LORIS
expect_in "$TMP/loris" "closed after"

# Full: --max-requests 2 in progress, a third gets 503 with Retry-After.
for i in $(seq 1 400); do echo "{\"id\": \"s$i\", \"text\": \"Slow Words $i.\"}"; done >"$TMP/slow.jsonl"
for k in 1 2; do
    curl -s -o "$TMP/full$k" -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$TMP/slow.jsonl" "$URL/v1/annotate" &
    FULL[$k]=$!
done
wait_metric glossa_requests_in_progress 2
curl -s -D "$TMP/h503" -o "$TMP/b503" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/one.json" "$URL/v1/annotate"
expect_in "$TMP/h503" "HTTP/1.1 503"
expect_in "$TMP/h503" "retry-after: 1"
expect_in "$TMP/b503" '"code":"EBUSY"'
wait "${FULL[1]}" "${FULL[2]}"
[ "$(wc -l <"$TMP/full1")" = 400 ] && [ "$(wc -l <"$TMP/full2")" = 400 ] || fail "the two accepted batches are incomplete"
[ "$(metric glossa_rejected_busy_total)" = 1 ] || fail "rejected_busy_total"
stop_server
[ "$SRC" = 0 ] || fail "exit $SRC"

# A client that sends a large batch and does not read: the server stops
# submitting its documents once 1 MiB of records wait (plus what the
# socket holds), answers others meanwhile, and gives everything to the
# client once it reads.
start_server --threads 2 --plugin capitals
for i in $(seq 1 30000); do echo "{\"id\": \"r$i\", \"text\": \"Words To Mark Here And There, $i Times Over Again.\"}"; done >"$TMP/many.jsonl"
python3 - "$PORT" "$TMP/many.jsonl" "$TMP/many.out" "$TMP/go" >"$TMP/reader.log" 2>&1 <<'PY' &
import socket, sys, time
body = open(sys.argv[2], "rb").read()
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.sendall(b"POST /v1/annotate HTTP/1.0\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body)
import os
while not os.path.exists(sys.argv[4]):   # not reading until told
    time.sleep(0.1)
data = b""
while True:
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    data += chunk
open(sys.argv[3], "wb").write(data.split(b"\r\n\r\n", 1)[1])
print("read", len(data))
PY
READER=$!
# The count of documents stops moving (polled: sanitizer builds are slow).
# Stalled means unchanged over three samples (1.5 s): a loaded machine
# can pause a moving pipeline for one.
stalled=-1 same=0
for i in $(seq 1 90); do
    sleep 0.5
    now=$(metric glossa_documents_total)
    if [ "$now" = "$stalled" ] && [ "$now" -gt 0 ]; then
        same=$((same + 1))
        [ $same -ge 3 ] && break
    else
        same=0
    fi
    stalled=$now
done
[ $same -ge 3 ] || fail "a client that does not read still gets documents annotated"
[ "$stalled" -lt 30000 ] || fail "the whole batch was annotated for a client that does not read"
[ "$(metric glossa_queue_depth)" = 0 ] || fail "documents held in the pipeline for a slow client"
alive "while a client does not read"
touch "$TMP/go"
wait $READER || { cat "$TMP/reader.log"; fail "the slow reader failed"; }
[ "$(wc -l <"$TMP/many.out")" = 30000 ] || fail "the slow reader got $(wc -l <"$TMP/many.out") records"
stop_server
[ "$SRC" = 0 ] || fail "exit $SRC"

# Deadline: a document slower than --deadline gets 504 ETIMEOUT; a batch
# is cut (its chunked body never ends properly).
echo '{"plugins": [{"plugin": "slow", "config": {"ms": 1500}}]}' >"$TMP/slower.json"
start_server --threads 2 --pipeline "$TMP/slower.json" --deadline 0.5 --max-queue 1 --max-connections 1
# --max-connections 1: while one connection is open, another is closed
# at once.
python3 - "$PORT" "$TMP/held" <<'PY' &
import os, socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
open(sys.argv[2], "w").close()
while os.path.exists(sys.argv[2]):
    time.sleep(0.05)
PY
HOLDER=$!
while [ ! -e "$TMP/held" ]; do sleep 0.05; done
sleep 0.2
curl -s -m 5 -o /dev/null "$URL/healthz" && fail "a second connection was served over --max-connections 1"
rm -f "$TMP/held"
wait $HOLDER
wait_metric glossa_requests_in_progress 0 # served again
[ "$(metric glossa_refused_connections_total)" -ge 1 ] || fail "refused_connections_total"
code=$(curl -s -o "$TMP/r504" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$TMP/one.json" "$URL/v1/annotate")
[ "$code" = 504 ] || fail "deadline: $code"
expect_in "$TMP/r504" '"code":"ETIMEOUT"'
# Its document is still in the pipeline (1.5 s): with --max-queue 1, the
# next request is refused rather than queued behind it.
code=$(curl -s -o "$TMP/rq" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$TMP/one.json" "$URL/v1/annotate")
[ "$code" = 503 ] || fail "max-queue: $code"
expect_in "$TMP/rq" '(--max-queue)'
wait_metric glossa_queue_depth 0
head -3 "$TMP/slow.jsonl" >"$TMP/three.jsonl"
curl -s -o /dev/null -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$TMP/three.jsonl" "$URL/v1/annotate" && fail "a cut stream ended cleanly"
wait_metric glossa_deadline_exceeded_total 2
wait_metric glossa_queue_depth 0
stop_server
[ "$SRC" = 0 ] || fail "exit $SRC"
echo ok
