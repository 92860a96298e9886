#!/bin/bash
# glossa serve: records byte-identical to `glossa run -` for one record,
# one text and a streamed batch; pipeline selection and with_text; the
# listing endpoints; 400, 404, 405, 413, 415.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
command -v curl >/dev/null || { echo "curl missing: skipped"; exit 77; }

echo '{"plugins": [{"plugin": "capitals"}, {"plugin": "counter"}]}' >"$TMP/p.json"
echo '{"plugins": [{"plugin": "capitals", "config": {"label": "UP"}}]}' >"$TMP/up.json"
start_server --threads 2 --window 8 --pipeline "$TMP/p.json" --also "up=$TMP/up.json" --max-body 64K

post() { # TYPE FILE [QUERY]: the body to $TMP/resp, the status to stdout
    curl -s -o "$TMP/resp" -w '%{http_code}' -H "Content-Type: $1" \
        --data-binary "@$2" "$URL/v1/annotate${3:-}"
}

# One record.
printf '{"id": "one", "text": "Alpha Beta said Gamma.", "meta": {"k": 1}}' >"$TMP/one.json"
[ "$(post application/json "$TMP/one.json")" = 200 ] || fail "one record: not 200"
"$GLOSSA" run -q --pipeline "$TMP/p.json" - <"$TMP/one.json" >"$TMP/want" || fail "glossa run"
cmp "$TMP/resp" "$TMP/want" || fail "one record differs from glossa run"
# curl's default type (application/x-www-form-urlencoded), as in the
# docs' examples, and no Content-Type at all: one record too.
curl -s -o "$TMP/resp2" --data-binary "@$TMP/one.json" "$URL/v1/annotate"
cmp "$TMP/resp2" "$TMP/want" || fail "curl's default Content-Type: differs"
# Without a Content-Type, a body is one record too.
curl -s -o "$TMP/resp2" --data-binary "@$TMP/one.json" -H 'Content-Type:' "$URL/v1/annotate"
cmp "$TMP/resp2" "$TMP/want" || fail "no Content-Type: differs"

# One text.
printf 'Plain Text Here.\nSecond Line.' >"$TMP/doc.txt"
[ "$(post text/plain "$TMP/doc.txt")" = 200 ] || fail "text: not 200"
"$GLOSSA" run -q --pipeline "$TMP/p.json" --format text - <"$TMP/doc.txt" >"$TMP/want" || fail "glossa run text"
cmp "$TMP/resp" "$TMP/want" || fail "text differs from glossa run --format text"
post text/plain "$TMP/doc.txt" '?id=mine&with_text=1' >/dev/null
expect_json "$TMP/resp" '.[0].id == "mine" and .[0].text == "Plain Text Here.\nSecond Line."'

# A batch, streamed: blank lines, a broken line, a record without id, CRLF.
{
    for i in $(seq 1 300); do
        echo "{\"id\": \"d$i\", \"text\": \"Word$i And More Words Number $i.\"}"
        [ "$i" = 10 ] && echo ''
        [ "$i" = 20 ] && echo '{"id": broken'
        [ "$i" = 30 ] && echo '{"text": "No Id Here"}'
        [ "$i" = 40 ] && printf '{"id": "crlf", "text": "Carriage Return"}\r\n'
    done
} >"$TMP/batch.jsonl"
[ "$(post application/x-ndjson "$TMP/batch.jsonl")" = 200 ] || fail "batch: not 200"
"$GLOSSA" run -q --pipeline "$TMP/p.json" - <"$TMP/batch.jsonl" >"$TMP/want"
cmp "$TMP/resp" "$TMP/want" || fail "batch differs from glossa run -"
[ "$(wc -l <"$TMP/resp")" = 303 ] || fail "batch: $(wc -l <"$TMP/resp") records"
curl -s -D "$TMP/headers" -o /dev/null -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$TMP/batch.jsonl" "$URL/v1/annotate"
expect_in "$TMP/headers" "transfer-encoding: chunked"

# HTTP/2 (cleartext, prior knowledge): the same bytes.
if curl -V | grep -q HTTP2; then
    curl -s --http2-prior-knowledge -o "$TMP/h2" -w '%{http_version}' -H 'Content-Type: application/x-ndjson' \
        --data-binary "@$TMP/batch.jsonl" "$URL/v1/annotate" >"$TMP/h2v"
    [ "$(cat "$TMP/h2v")" = 2 ] || fail "not HTTP/2: $(cat "$TMP/h2v")"
    cmp "$TMP/h2" "$TMP/want" || fail "batch over HTTP/2 differs"
fi

# Another pipeline loaded at start.
[ "$(post application/json "$TMP/one.json" '?pipeline=up')" = 200 ] || fail "up: not 200"
"$GLOSSA" run -q --pipeline "$TMP/up.json" - <"$TMP/one.json" >"$TMP/want"
cmp "$TMP/resp" "$TMP/want" || fail "pipeline up differs"
# Nothing is loaded or read from a request: an unknown name or a path is
# refused.
[ "$(post application/json "$TMP/one.json" "?pipeline=$TMP/up.json")" = 400 ] || fail "path as pipeline"
expect_in "$TMP/resp" '"code":"EINVAL"'
[ "$(post application/json "$TMP/one.json" '?pipeline=nope')" = 400 ] || fail "unknown pipeline"

# Malformed JSON: 400 with the record and its error.
printf '{"id": "bad", "text": ' >"$TMP/bad.json"
[ "$(post application/json "$TMP/bad.json")" = 400 ] || fail "malformed: not 400"
"$GLOSSA" run -q --pipeline "$TMP/p.json" - <"$TMP/bad.json" >"$TMP/want"
cmp "$TMP/resp" "$TMP/want" || fail "malformed: not the record glossa run writes"
expect_json "$TMP/resp" '.[0].errors[0].code == "EPARSE"'
printf '\n\n' >"$TMP/empty.json"
[ "$(post application/json "$TMP/empty.json")" = 400 ] || fail "empty: not 400"
expect_in "$TMP/resp" '"code":"EEMPTY"'

# Too large: 413 (H2O refuses it before the handler).
head -c 70000 /dev/zero | tr '\0' 'a' >"$TMP/big.txt"
[ "$(post text/plain "$TMP/big.txt")" = 413 ] || fail "big body: not 413"
[ "$(post image/png "$TMP/one.json")" = 415 ] || fail "image/png: not 415"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/annotate")" = 405 ] || fail "GET annotate"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nothing")" = 404 ] || fail "404"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/metrics")" = 405 ] || fail "POST metrics"

# What is loaded, with provenance as glossa run --describe gives it.
curl -sf "$URL/v1/plugins" >"$TMP/plugins.json" || fail "/v1/plugins"
expect_json "$TMP/plugins.json" '[.[0].plugins[] | [.pipeline, .layer]] == [["p","capitals"],["p","counter"],["up","capitals"]]'
expect_json "$TMP/plugins.json" 'all(.[0].plugins[]; .provenance | test("^[a-z]+/[^/]+/[0-9a-f]+"))'
curl -sf "$URL/v1/pipelines" >"$TMP/pipelines.json" || fail "/v1/pipelines"
"$GLOSSA" run --describe --pipeline "$TMP/p.json" >"$TMP/describe.json" 2>/dev/null || fail "describe"
jq -c '.pipelines[0].provenance' "$TMP/pipelines.json" >"$TMP/a"
jq -c . "$TMP/describe.json" >"$TMP/b"
cmp "$TMP/a" "$TMP/b" || fail "/v1/pipelines provenance differs from glossa run --describe"
expect_json "$TMP/pipelines.json" '[.[0].pipelines[] | [.name, .default]] == [["p",true],["up",false]]'

[ "$(curl -s "$URL/healthz")" = ok ] || fail "healthz"
curl -s "$URL/metrics" >"$TMP/metrics"
expect_in "$TMP/metrics" 'glossa_http_responses_total{endpoint="/v1/annotate",code="200"}'
expect_in "$TMP/metrics" 'glossa_http_responses_total{endpoint="/v1/annotate",code="400"}'
expect_in "$TMP/metrics" 'glossa_record_errors_total{code="EPARSE"}'
expect_in "$TMP/metrics" 'glossa_plugin_seconds_bucket{pipeline="p",layer="capitals",le="+Inf"}'
expect_in "$TMP/metrics" 'glossa_queue_depth 0'
[ "$(metric glossa_documents_total)" -ge 600 ] || fail "documents_total"

stop_server
[ "$SRC" = 0 ] || fail "serve exited $SRC after SIGTERM"
expect_in "$TMP/serve.err" "glossa serve: stopped"
echo ok
