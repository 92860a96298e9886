#!/bin/bash
# What the fuzz targets reach: builds the replay drivers with clang's
# source-based coverage (build-cov), replays each target's corpus (the one
# tools/fuzz.sh grew, in FUZZ_BUILD/fuzz-corpus/<target>/, else the seeds
# in tests/fuzz/<target>/) and prints line and function coverage of the
# core and of each bundled plugin's sources.
#   tools/fuzz-coverage.sh [FUZZ_BUILD (default build-fuzz)] [COV_BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_build=${1:-build-fuzz}
cov=${2:-build-cov}
jobs=$(nproc)
flags="-fprofile-instr-generate -fcoverage-mapping"
CC=clang cmake -S . -B "$cov" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="$flags" -DGLOSSA_BUILD_TESTS=ON >/dev/null
targets=(text jsonl source pipeline plugins)
cmake --build "$cov" --parallel "$jobs" >/dev/null # the plugins too
rm -rf "$cov/profiles"
mkdir -p "$cov/profiles"
for t in "${targets[@]}"; do
    corpus="$fuzz_build/fuzz-corpus/$t"
    [ -d "$corpus" ] || corpus="tests/fuzz/$t"
    inputs=("$corpus")
    [ $t = text ] || [ $t = plugins ] && inputs+=(corpus)
    n=$(find "${inputs[@]}" -type f | wc -l)
    echo "replaying $n inputs of $t ($corpus)"
    GLOSSA_NO_DLCLOSE=1 LLVM_PROFILE_FILE="$cov/profiles/$t-%p.profraw" \
        "$cov/replay_$t" "${inputs[@]}" >/dev/null 2>&1 || true
done
llvm-profdata merge -sparse "$cov"/profiles/*.profraw -o "$cov/fuzz.profdata"
objects=()
for so in "$cov"/plugins/*.so; do objects+=(-object "$so"); done
all_objects=("${objects[@]}")
for t in text jsonl source pipeline; do
    all_objects+=(-object "$cov/replay_$t")
done
report() { # NAME DIR: the totals over DIR's .c files
    mapfile -t sources < <(find "$PWD/$2" -name '*.c' | sort)
    llvm-cov report "$cov/replay_plugins" "${all_objects[@]}" \
        -instr-profile="$cov/fuzz.profdata" "${sources[@]}" 2>/dev/null |
        awk -v n="$1" '/^TOTAL/ { printf "%-22s functions %-8s lines %s\n", n, $7, $10 }'
}
echo
echo "coverage of what the fuzz targets reach:"
report "core (libglossa)" core
for p in plugins/*/; do
    p=$(basename "$p")
    [ -d "plugins/$p/src" ] && report "plugin $p" "plugins/$p/src"
done
echo "(per file: llvm-cov report $cov/replay_plugins -instr-profile=$cov/fuzz.profdata ...)"
