#!/bin/bash
# Installs the Debian 12 packages Glossa needs that are missing.
#   tools/deps.sh run    to build and run (the quick start)
#   tools/deps.sh test   to build and run the whole test suite (CI)
# Uses sudo when not root. Does nothing when everything is there.
set -euo pipefail

RUN_PACKAGES=(
    build-essential cmake pkg-config
    libuv1-dev libjansson-dev libpcre2-dev libutf8proc-dev libjemalloc-dev
    libxxhash-dev
    # glossa serve: H2O built with libuv (pkg-config libh2o); its h2o.h
    # includes OpenSSL's headers, which libh2o-dev does not pull in
    libh2o-dev libssl-dev
)
TEST_PACKAGES=(
    "${RUN_PACKAGES[@]}"
    libcmocka-dev jq python3 python3-jsonschema
    # glossa serve's tests (tests/e2e/serve_*.sh) and bench/serve.sh
    curl wrk
    clang-format clang libclang-rt-14-dev
    # scale-out (tests/engines/, tests/e2e/pipe_filter.sh): the Redis
    # commands and real engines. Their install scripts try to start the
    # services and are refused without systemd; nothing is left running.
    libhiredis-dev redis-server slurm-wlm munge parallel
    # glossa report's browser checks (tests/e2e/report.sh): headless
    # Chromium, and a font for the emoji in the screenshots.
    chromium fonts-noto-color-emoji
)

case "${1:-run}" in
run) wanted=("${RUN_PACKAGES[@]}") ;;
test) wanted=("${TEST_PACKAGES[@]}") ;;
*) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
