#!/bin/bash
# Runs the README's first command, tools/quickstart.sh, in a clean clone of
# the committed HEAD on a brand-new minimal Debian 12, with the workplace's
# ../shared/tools/fresh-machine.sh (a debootstrap chroot; root only), and
# checks that it annotated every document of corpus/. Where that cannot
# run, it says why and exits 0: skipped, never silently.
set -euo pipefail
cd "$(dirname "$0")/.."
fresh=../shared/tools/fresh-machine.sh
skip() { echo "fresh-machine check SKIPPED: $*"; exit 0; }
[ -x "$fresh" ] || [ -f "$fresh" ] || skip "$fresh is not there (it comes with the CI's ../shared)"
[ "$(id -u)" = 0 ] || skip "it needs root (a chroot)"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
    echo "note: uncommitted changes are not part of the check (it clones HEAD)"
docs=$(ls corpus/*.txt | wc -l)
# The quick start, then a check inside the same machine that its output
# has one record per document.
bash "$fresh" . -- bash -c "tools/quickstart.sh && test \$(wc -l <out/corpus.jsonl) -eq $docs && echo 'fresh machine: $docs records in out/corpus.jsonl'"
