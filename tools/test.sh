#!/bin/bash
# Quick start, step 2 of the README, and what CI runs (.ci/run): installs
# what is missing, checks the code format, then builds and tests:
#   1. a release build with warnings as errors: the whole suite;
#   2. an ASan+UBSan build: the whole suite;
#   3. a ThreadSanitizer build: the tests that run threads;
#   4. the libFuzzer targets (clang), each for a short while, and the
#      coverage of what they reach;
#   5. the README's first command (tools/quickstart.sh) on a brand-new
#      Debian 12, through ../shared/tools/fresh-machine.sh (root only; said
#      when skipped).
#   tools/test.sh [--fast]    --fast: step 1 only
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

    step "ThreadSanitizer build (threaded tests)"
    cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DGLOSSA_WERROR=ON \
        -DGLOSSA_TSAN=ON >/dev/null
    cmake --build build-tsan --parallel "$jobs" >/dev/null
    # resume and large_document test process kills and size, not threads,
    # and take long under TSan; sdk builds outside the sanitizer; the
    # Slurm test runs glossa run as the other tests do; alloc_torture
    # fails each allocation in turn, which took over 9 minutes under TSan;
    # the release and ASan builds run it, and its threads are the ones the
    # other runtime tests run here.
    (cd build-tsan && GLOSSA_NO_DLCLOSE=1 TSAN_OPTIONS=halt_on_error=1 \
        ctest --output-on-failure --parallel "$jobs" \
        -E 'e2e/(resume|large_document|sdk)|engines/slurm|unit/alloc_torture')

    step "fuzz targets (libFuzzer, ${GLOSSA_FUZZ_SECONDS:-15} s each)"
    CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
        -DGLOSSA_FUZZ=ON >/dev/null
    cmake --build build-fuzz --parallel "$jobs" >/dev/null
    tools/fuzz.sh "${GLOSSA_FUZZ_SECONDS:-15}" build-fuzz

    step "what the fuzz targets reach (source-based coverage)"
    tools/fuzz-coverage.sh build-fuzz build-cov

    step "the quick start on a brand-new Debian 12 (fresh-machine.sh)"
    tools/fresh-machine-check.sh
fi
step "all tests passed"
