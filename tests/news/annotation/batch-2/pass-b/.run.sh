#!/bin/bash
# usage: .run.sh NNN
d=/work/news2/ann-B
python3 /work/news2/tools/resolve.py $d/$1.ann.json /work/news2/raw/$1.txt > $d/$1.json.tmp && mv $d/$1.json.tmp $d/$1.json
