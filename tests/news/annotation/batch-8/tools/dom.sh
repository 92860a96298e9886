#!/bin/bash
# usage: dom.sh domain-substring -> counts in existing manifests (main only + news*/manifest.jsonl)
cat /work/main/tests/news/*/manifest.jsonl /work/news*/manifest.jsonl 2>/dev/null | grep -i "$1" | python3 -c "
import sys,json
for l in sys.stdin:
    d=json.loads(l); print(d.get('id'), d['url'][:110], d.get('published',d.get('published_month')), d.get('mediator'))"
