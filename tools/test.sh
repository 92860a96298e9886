#!/bin/bash
# Quick start, step 2 of the README, and what CI runs (.ci/run): installs
# what is missing, then builds and runs the whole test suite twice: a
# release build with warnings as errors, and an ASan+UBSan build. Also
# checks the code format.
#   tools/test.sh [--fast]    --fast: the release build only
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh test
jobs=$(nproc)
fast=0
[ "${1:-}" = "--fast" ] && fast=1

step() { printf '\n=== %s\n' "$*"; }

step "format check (.clang-format)"
tools/check-format.sh

step "release build, warnings as errors"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DGLOSSA_WERROR=ON >/dev/null
cmake --build build-test --parallel "$jobs" >/dev/null
(cd build-test && ctest --output-on-failure --parallel "$jobs")

if [ $fast = 0 ]; then
    step "ASan + UBSan build"
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGLOSSA_WERROR=ON \
        -DGLOSSA_SANITIZE=ON >/dev/null
    cmake --build build-asan --parallel "$jobs" >/dev/null
    # Plugins stay loaded at exit so that leak reports can name their code.
    (cd build-asan && GLOSSA_NO_DLCLOSE=1 \
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --output-on-failure --parallel "$jobs")
fi
step "all tests passed"
