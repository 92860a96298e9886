#!/bin/bash
# Quick start, step 1 of the README: installs what is missing, builds
# Glossa, and runs the bundled default pipeline over corpus/.
# The annotations go to out/corpus.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh run
# The tests are built by tools/test.sh (build-test/), with their own
# dependencies; the quick start needs none of them.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DGLOSSA_BUILD_TESTS=OFF >/dev/null
cmake --build build --parallel "$(nproc)" >/dev/null
mkdir -p out
status=0
build/glossa run corpus/ -o out/corpus.jsonl || status=$?
echo
echo "Annotations of $(wc -l <out/corpus.jsonl) documents are in out/corpus.jsonl;"
echo "the first record starts:"
head -c 400 out/corpus.jsonl
echo " ..."
exit $status
