#!/bin/bash
# Runs every libFuzzer target for SECONDS (default 20) on a copy of its
# seed corpus (tests/fuzz/<target>/), so the repository is untouched; the
# corpus each run grows is kept in BUILD_DIR/fuzz-corpus/<target>/ for
# tools/fuzz-coverage.sh.
# Needs a build made with: CC=clang cmake -S . -B build-fuzz -DGLOSSA_FUZZ=ON
#   tools/fuzz.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
build=${2:-build-fuzz}
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
status=0
for target in text jsonl source pipeline plugins; do
    bin="$build/fuzz_$target"
    [ -x "$bin" ] || { echo "missing $bin (configure with -DGLOSSA_FUZZ=ON)" >&2; exit 2; }
    work="$build/fuzz-corpus/$target"
    rm -rf "$work"
    mkdir -p "$work"
    cp tests/fuzz/$target/* "$work/" 2>/dev/null || true
    [ $target = text ] || [ $target = plugins ] && cp corpus/*.txt "$work/"
    echo "=== fuzz_$target for ${seconds}s"
    if ! GLOSSA_NO_DLCLOSE=1 ASAN_OPTIONS=detect_leaks=1 "$bin" "$work" \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$target-" 2>"$work.log"; then
        tail -40 "$work.log"
        echo "fuzz_$target found a crash: see $artifacts/ (add the input to tests/fuzz/$target/ as regress-*)" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work.log" | tr '\n' ' '
        echo
    fi
    rm -f "$work.log"
done
exit $status
