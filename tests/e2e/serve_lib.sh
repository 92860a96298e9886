# Helpers for the glossa serve tests (sourced after lib.sh).
#   start_server ARGS...  starts `glossa serve --listen 127.0.0.1:0 ARGS`,
#                         waits until it listens; sets PORT, SPID, URL
#   stop_server           SIGTERM, then waits; sets SRC (its exit status)
# The server's stderr is in $TMP/serve.err. Ports are picked by the
# kernel (port 0), so tests never collide.
SPID=""
cleanup_server() {
    if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
        kill -KILL "$SPID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup_server EXIT

start_server() {
    "$GLOSSA" serve --listen 127.0.0.1:0 "$@" 2>"$TMP/serve.err" &
    SPID=$!
    local i
    for i in $(seq 1 600); do
        PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TMP/serve.err")
        [ -n "$PORT" ] && break
        kill -0 "$SPID" 2>/dev/null || { cat "$TMP/serve.err" >&2; fail "glossa serve exited at start"; }
        sleep 0.1
    done
    [ -n "$PORT" ] || { cat "$TMP/serve.err" >&2; fail "glossa serve did not start"; }
    URL="http://127.0.0.1:$PORT"
}

stop_server() {
    kill -TERM "$SPID"
    wait "$SPID"
    SRC=$?
    SPID=""
}

# metric NAME: the value of a metric line starting with NAME (first match).
metric() {
    curl -s "$URL/metrics" | awk -v n="$1" 'index($0, n " ") == 1 { print $2; exit }'
}

# wait_metric NAME VALUE: waits (up to 30 s) until the metric has VALUE.
wait_metric() {
    local i
    for i in $(seq 1 300); do
        [ "$(metric "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    fail "metric $1 never reached $2 (last: $(metric "$1"))"
}
