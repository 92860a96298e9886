#!/bin/bash
# Prints a `glossa run` output with each layer's provenance digest masked
# ("quotes/0.1.0/6f56eba00f32f9cd" -> "quotes/0.1.0/MASKED"): the digests
# cover each plugin's shared object (docs/output-format.md), so they
# differ between any two builds, while every other byte must not when a
# change is only about speed or memory. Used by bench/same-output.sh and
# bench/compare.sh.
#
#   bench/mask-digests.sh OUTPUT.jsonl
set -euo pipefail
sed -E 's#("[A-Za-z0-9_.-]+/[0-9][^"/]*/)[0-9a-f]{16}"#\1MASKED"#g' "${1:?usage: bench/mask-digests.sh OUTPUT.jsonl}"
