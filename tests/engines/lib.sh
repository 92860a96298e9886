# Helpers for the tests that run real engines (Slurm, Redis). Each test
# starts its daemons itself, on 127.0.0.1 only, with all their state in
# $TMP, and stops every one of them by PID when it exits, however it exits.
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

# skip MESSAGE: the engine is not there; ctest reports the test as skipped
# (SKIP_RETURN_CODE 77) and shows the message.
skip() {
    echo "SKIP: $*"
    exit 77
}

# need_commands PACKAGES COMMAND...: skips unless every command exists.
need_commands() {
    local packages=$1 c
    shift
    for c in "$@"; do
        command -v "$c" >/dev/null ||
            skip "$c not found: install $packages (tools/deps.sh test does)"
    done
}

# free_port: a TCP port nobody listens on now, on 127.0.0.1.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Daemons to stop at exit: PID files (read at exit, since daemons write
# them after forking) and PIDs, stopped in the reverse order of
# registration.
STOP=()
stop_at_exit() { STOP+=("$1"); }

# alive PID: running and not a zombie (daemons are reparented to PID 1,
# which may take a while to reap them).
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != Z ]
}

stop_all() {
    local i what pid pids=()
    for ((i = ${#STOP[@]} - 1; i >= 0; i--)); do
        what=${STOP[i]}
        if [ -f "$what" ]; then
            pid=$(cat "$what" 2>/dev/null)
        else
            pid=$what
        fi
        [[ $pid =~ ^[0-9]+$ ]] || continue
        kill "$pid" 2>/dev/null && pids+=("$pid")
    done
    # Wait for them (up to 10 s), then insist.
    for _ in $(seq 1 100); do
        local alive=0
        for pid in "${pids[@]}"; do
            alive "$pid" && alive=1
        done
        [ $alive = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do
        kill -9 "$pid" 2>/dev/null
    done
}
trap 'stop_all; rm -rf "$TMP"' EXIT

# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds;
# fails the test after SECONDS.
wait_for() {
    local limit=$1 i
    shift
    for ((i = 0; i < limit * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    fail "timed out after $limit s waiting for: $*"
}

# corpus_jsonl COPIES: the seed corpus as JSONL, COPIES times over with
# distinct ids, on stdout.
corpus_jsonl() {
    local f i
    for f in "$SOURCE_DIR"/corpus/*.txt; do
        jq -Rsc --arg id "$(basename "$f" .txt)" '{id: $id, text: .}' "$f"
    done >"$TMP/.base.jsonl"
    for ((i = 1; i <= $1; i++)); do
        sed "s/\"id\":\"/\"id\":\"$i-/" "$TMP/.base.jsonl"
    done
}
