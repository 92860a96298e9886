#!/bin/bash
# usage: dom.sh URL... : show how many times each domain is already in the set
for u in "$@"; do d=$(echo "$u" | sed -E 's#^https?://(www\.)?##; s#/.*##'); n=$(cat /work/main/tests/news/*/manifest.jsonl /work/news*/manifest.jsonl 2>/dev/null | grep -c "$d"); echo "$n $d"; done
