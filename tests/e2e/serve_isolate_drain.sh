#!/bin/bash
# glossa serve --isolate: a plugin that crashes fails that document's
# layer (ECRASHED in its record) and the server stays up. SIGTERM drains:
# the port closes, the requests in progress finish, then the server exits.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
command -v curl >/dev/null || { echo "curl missing: skipped"; exit 77; }

start_server --isolate --threads 2 --doc-timeout 5 --plugin capitals --plugin faulty
post() { curl -s -o "$TMP/resp" -w '%{http_code}' -H "Content-Type: $1" --data-binary "@$2" "$URL/v1/annotate"; }
echo '{"id": "segv", "text": "Please SEGFAULT Here."}' >"$TMP/segv.json"
[ "$(post application/json "$TMP/segv.json")" = 200 ] || fail "segv: not 200"
expect_json "$TMP/resp" '.[0].errors[0].plugin == "faulty" and .[0].errors[0].code == "ECRASHED"'
expect_json "$TMP/resp" '.[0].annotations.capitals | length == 3'
{
    echo '{"id": "ok1", "text": "Alpha Beta."}'
    echo '{"id": "abort", "text": "Time to ABORT Now."}'
    echo '{"id": "ok2", "text": "Gamma Delta."}'
} >"$TMP/batch.jsonl"
[ "$(post application/x-ndjson "$TMP/batch.jsonl")" = 200 ] || fail "batch: not 200"
expect_json "$TMP/resp" '[.[] | [.id, (.errors | map(.code))]] == [["ok1",[]],["abort",["ECRASHED"]],["ok2",[]]]'
# The same records as glossa run --isolate gives.
"$GLOSSA" run -q --isolate --threads 2 --doc-timeout 5 --plugin capitals --plugin faulty - \
    <"$TMP/batch.jsonl" >"$TMP/want"
cmp "$TMP/resp" "$TMP/want" || fail "isolated batch differs from glossa run --isolate"
[ "$(curl -s "$URL/healthz")" = ok ] || fail "not healthy after crashes"
stop_server
[ "$SRC" = 0 ] || fail "exit $SRC"

# Drain: three slow requests in flight when SIGTERM comes.
echo '{"plugins": [{"plugin": "slow", "config": {"ms": 400}}]}' >"$TMP/slow.json"
start_server --threads 2 --pipeline "$TMP/slow.json"
for i in 1 2 3 4 5 6; do echo "{\"id\": \"d$i\", \"text\": \"Words $i.\"}"; done >"$TMP/six.jsonl"
for k in 1 2 3; do
    curl -s -o "$TMP/d$k" -w '%{http_code}' -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$TMP/six.jsonl" "$URL/v1/annotate" >"$TMP/code$k" &
    C[$k]=$!
done
wait_metric glossa_requests_in_progress 3
OLD=$URL
kill -TERM "$SPID"
sleep 0.2
# The port is closed at once; the server is still there, finishing.
kill -0 "$SPID" || fail "the server did not wait for its requests"
curl -s -m 2 -o /dev/null "$OLD/healthz" && fail "still accepting after SIGTERM"
wait "$SPID"
SRC=$?
SPID=""
[ "$SRC" = 0 ] || fail "exit $SRC after draining"
wait "${C[1]}" "${C[2]}" "${C[3]}"
for k in 1 2 3; do
    [ "$(cat "$TMP/code$k")" = 200 ] || fail "request $k: $(cat "$TMP/code$k")"
    [ "$(wc -l <"$TMP/d$k")" = 6 ] || fail "request $k: $(wc -l <"$TMP/d$k") records"
done
expect_in "$TMP/serve.err" "SIGTERM: draining (3 requests in progress)"
expect_in "$TMP/serve.err" "glossa serve: stopped"
echo ok
