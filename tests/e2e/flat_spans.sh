#!/bin/bash
# Plugin ABI 1.2, spans as plain data: a plugin mixing span_put,
# span_put_bytes and span_add in one layer (test plugin "mixer"), a
# reader of that layer through layer_spans() and doc_layer() ("reader"),
# and a plugin built against ABI 1.1 ("abi11"). The record is the same
# bytes in process on 1 and 2 threads and with --isolate (where layers
# cross to workers as text), the store writes what the core's JSON writer
# writes, --max-layer-bytes counts span_put's spans, and metadata with a
# NUL byte reaches a plugin intact in a worker too.
. "$(dirname "$0")/lib.sh"
{
    echo '{"id": "a", "text": "Ab cd", "meta": {"k": "a\u0000b", "n": 1}}'
    echo '{"id": "b", "text": "Z\u00fcrich \u201cquoted\u201d \ud83d\ude00 end"}'
    echo '{"id": "c", "text": "x"}'
    echo '{"id": "d", "text": ""}'
} >"$TMP/docs.jsonl"
for reader in '{"plugin": "reader"}' \
    '{"plugin": "reader", "config": {"json_first": true}}'; do
    echo "{\"plugins\": [\"mixer\", $reader, \"abi11\"]}" >"$TMP/p.json"
    run_glossa 4 run --threads 1 --pipeline "$TMP/p.json" "$TMP/docs.jsonl" -o "$TMP/one.jsonl"
    for mode in "--threads 2" "--isolate --threads 2"; do
        run_glossa 4 run $mode --pipeline "$TMP/p.json" "$TMP/docs.jsonl" -o "$TMP/other.jsonl"
        cmp "$TMP/one.jsonl" "$TMP/other.jsonl" || fail "$mode wrote other bytes than one thread"
    done
    python3 - "$TMP/one.jsonl" <<'PY' || fail "the records are not as expected"
import json, sys

EINVAL = -2
dec = json.JSONDecoder()


def raw_value(line, key, start=0):
    """The raw text of the first value of "key" at or after start."""
    at = line.index('"%s":' % key, start) + len(key) + 3
    _, end = dec.raw_decode(line, at)
    return line[at:end]


for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    ann = rec["annotations"]
    text = "x" if rec["id"] == "c" else None
    if rec["id"] == "d" and "mixer" not in ann:
        continue  # an empty text runs no plugin
    if rec["id"] in ("c", "d"):  # mixer adds nothing to short texts
        assert ann["mixer"] == [], ann
        assert ann["reader"][0]["same"] is True and ann["reader"][0]["n"] == 0
        continue
    mixer = ann["mixer"]
    # Sorted by (start, end); ties in the order added, span_add among them.
    assert [s.get("label") for s in mixer] == \
        ["REPORT", "", None, "FIRST", "SECOND", "THIRD"], mixer
    report = mixer[0]
    assert all(report[k] == EINVAL for k in
               ("range", "past", "bytes", "key", "nan", "utf8", "json",
                "bad_label")), report
    first = mixer[3]
    assert first["s"] == "q\"\\\n\t\x01/\u00e9" and first["nul"] == "a\0b"
    assert first["i"] == -7 and first["big"] == 2**63 - 1
    assert first["b"] is True and first["n"] is None and first["none"] is None
    assert first["j"] == {"x": [1, 2.5], "y": "z"}
    assert list(first)[:4] == ["start", "end", "text", "label"]
    assert '"r":0.3,"whole":2.0,"tiny":1e-300' in line, line
    assert '"k":"old","r":0.3}' in line
    # The reader saw the same layer both ways, and rebuilt it exactly:
    # the store's bytes are the core's JSON writer's.
    read = ann["reader"][0]
    assert read["same"] is True and read["unknown_null"] is True
    assert read["n"] == len(mixer) and read["has_r"] is False
    assert read["meta"] == ({"k": "a\0b", "n": 1} if rec["id"] == "a"
                            else {}), read["meta"]
    assert raw_value(line, "mixer", line.index('"annotations":')) == \
        raw_value(line, "flat"), line
    # The 1.1 plugin: its spans as a 1.1 core wrote them, "label" where
    # it was put, its warning kept with its layer.
    abi11 = ann["abi11"]
    assert abi11[0]["label"] == "LATE" and list(abi11[0]) == \
        ["start", "end", "text", "nested", "label"], abi11
    assert abi11[1]["label"] == "ALL" and abi11[1]["mixer_spans"] == len(mixer)
    assert '"score":0.3333333333}' in line
    msgs = [(e["plugin"], e["code"], e["message"]) for e in rec["errors"]]
    n_cp = len(rec["id"] == "a" and "Ab cd" or
               "Z\u00fcrich \u201cquoted\u201d \U0001F600 end")
    n_bytes = len(("Ab cd" if rec["id"] == "a" else
                   "Z\u00fcrich \u201cquoted\u201d \U0001F600 end").encode())
    assert msgs == [
        ("mixer", "EINVAL", "span_put(2, 1): not a range within the "
         "document's %d code points; span dropped" % n_cp),
        ("mixer", "EINVAL", "span_put(0, %d): not a range within the "
         "document's %d code points; span dropped" % (n_cp + 1, n_cp)),
        ("mixer", "EINVAL", "span_put_bytes(0, %d): offsets are not a range "
         "of character boundaries within the %d-byte text; span dropped"
         % (n_bytes + 1, n_bytes)),
        ("mixer", "EINVAL", "span 5 dropped: [2, 1) is not a range within "
         "the document's %d code points" % n_cp),
        ("abi11", "EWARNING", "a warning from a 1.1 plugin"),
    ], msgs
PY
done

# Two readers of one layer at once: a document over 64 KiB runs its units
# as jobs of their own, so on two threads both may ask for the layer's
# JSON together (it is made once, by whichever asks first).
python3 -c 'import json; print(json.dumps({"id": "big", "text": "Ab cd. " * 20000}))' >"$TMP/big.jsonl"
echo '{"plugins": ["mixer", "reader", {"plugin": "reader", "as": "r2", "config": {"json_first": true}}]}' >"$TMP/two.json"
run_glossa 4 run --threads 2 --pipeline "$TMP/two.json" "$TMP/big.jsonl"
expect_json "$TMP/out" '.[0].annotations | (.reader[0].same and .r2[0].same and .reader[0].n == 6 and .r2[0].n == 6)'

# The layer limit counts span_put's spans as span_add's.
run_glossa 4 run --max-layer-bytes 100 --plugin mixer "$TMP/docs.jsonl"
expect_json "$TMP/out" '[.[0].errors[] | select(.plugin == "mixer") | .code] | index("ETOOBIG") != null'
expect_json "$TMP/out" '.[0].annotations | has("mixer") | not'
