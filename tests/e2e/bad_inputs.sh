#!/bin/bash
# Bad input is reported with file and line, and the run finishes every
# other document. Invalid UTF-8 and NUL follow one policy everywhere:
# replaced with U+FFFD, reported, annotated.
. "$(dirname "$0")/lib.sh"
D="$TMP/corpus"
mkdir "$D"
printf 'Good Text here.\n' >"$D/a_good.txt"
printf 'Line one.\nBad \xff\xfe byte Here.\n' >"$D/b_badutf8.txt"
printf 'Nul\000Byte Here.' >"$D/c_nul.txt"
: >"$D/d_empty.txt"
printf 'Also Good.\n' >"$D/e_good.txt"
cat >"$D/manifest.jsonl" <<'JSON'
{"id": "A", "file": "a_good.txt", "published": "2022-10-31"}
this line is broken
{"id": "Z", "file": "z_missing.txt"}
JSON
run_glossa 4 run --plugin capitals "$D"
expect_json "$TMP/out" '[.[].id] == ["A","b_badutf8","c_nul","d_empty","e_good","Z"]'
expect_json "$TMP/out" '.[0].errors == [] and .[0].meta.published == "2022-10-31" and (.[0].annotations.capitals | length == 2)'
expect_json "$TMP/out" '.[1].errors[0].code == "EUTF8" and (.[1].errors[0].message | contains("b_badutf8.txt:2:5: invalid UTF-8 or NUL byte at byte 14; 2 bad sequence(s) replaced with U+FFFD"))'
# The document is still annotated, and offsets count the replacements.
expect_json "$TMP/out" '[.[1].annotations.capitals[].text] == ["Line", "Bad", "Here"]'
# U+FFFD is a symbol of its own; the NUL it replaced counted as one code point.
expect_json "$TMP/out" '.[2].errors[0].code == "EUTF8" and ([.[2].annotations.capitals[] | [.text, .start]] == [["Nul", 0], ["Byte", 4], ["Here", 9]])'
expect_json "$TMP/out" '.[3].errors == [{"plugin":null,"code":"EEMPTY","message":"'"$D"'/d_empty.txt: empty document"}] and .[3].annotations == {}'
expect_json "$TMP/out" '.[4].errors == []'
expect_json "$TMP/out" '.[5].errors[0].code == "ENOENT" and (.[5].errors[0].message | contains("manifest.jsonl:3: names '"'"'z_missing.txt'"'"'"))'
expect_in "$TMP/err" "$D/manifest.jsonl:2: "

# JSONL: broken lines, missing text, bad UTF-8 inside a line, \u0000.
{
    echo '{"id": "one", "text": "First One."}'
    echo '{"id": "two", "text": "unterminated'
    echo '{"id": "three"}'
    printf '{"id": "four", "text": "Bad \xc3 Byte"}\n'
    echo '{"id": "five", "text": "Nul\u0000Inside"}'
    echo '[1, 2]'
    echo ''
    echo '{"id": 6, "text": "Number Id", "meta": {"k": 1}, "source": "x"}'
    echo '{"id": "cut\u0000here", "text": "Nul In Id"}'
} >"$TMP/docs.jsonl"
run_glossa 4 run --plugin capitals "$TMP/docs.jsonl"
expect_json "$TMP/out" 'length == 8'
expect_json "$TMP/out" '.[0].errors == []'
expect_json "$TMP/out" '.[1].id == "'"$TMP"'/docs.jsonl:2" and .[1].errors[0].code == "EPARSE" and (.[1].errors[0].message | startswith("'"$TMP"'/docs.jsonl:2: column"))'
expect_json "$TMP/out" '.[2].id == "three" and (.[2].errors[0].message | endswith("docs.jsonl:3: the record has no \"text\" string"))'
expect_json "$TMP/out" '.[3].id == "four" and .[3].errors[0].code == "EUTF8" and ([.[3].annotations.capitals[].text] == ["Bad", "Byte"])'
expect_json "$TMP/out" '.[4].id == "five" and .[4].errors[0].code == "EUTF8" and (.[4].errors[0].message | contains("NUL"))'
expect_json "$TMP/out" '.[5].errors[0].code == "EPARSE"'
expect_json "$TMP/out" '.[6].id == "6" and .[6].meta == {"k": 1, "source": "x"} and .[6].errors == []'
# An id with a NUL would be cut short (ids are C strings): the record's
# position stands in, and the document is annotated.
expect_json "$TMP/out" '.[7].id == "'"$TMP"'/docs.jsonl:9" and .[7].errors[0].code == "EPARSE" and (.[7].errors[0].message | endswith("docs.jsonl:9: \"id\" contains a NUL character (\\u0000); using the record'"'"'s position")) and (.[7].annotations.capitals | length == 3)'

# Size limit: a document over --max-doc-bytes is refused, others go on.
printf 'Small One.\n' >"$TMP/small.txt"
head -c 5000 /dev/zero | tr '\0' 'A' >"$TMP/big.txt"
run_glossa 4 run --plugin capitals --max-doc-bytes 4K "$TMP/big.txt" "$TMP/small.txt"
expect_json "$TMP/out" '.[0].errors[0].code == "ETOOBIG" and (.[0].errors[0].message | contains("5000 bytes, over the limit of 4096"))'
expect_json "$TMP/out" '.[1].errors == [] and (.[1].annotations.capitals | length == 2)'

# A file name that is not UTF-8 (file systems take any bytes): the id and
# "file" show U+FFFD for the bad byte, "file_raw" keeps the exact bytes.
N="$TMP/names"
mkdir "$N"
printf 'Latin One Name.\n' >"$N/caf$(printf '\xe9').txt"
run_glossa 0 run --plugin capitals "$N"
expect_json "$TMP/out" 'length == 1 and .[0].id == "caf\ufffd" and .[0].meta.file == "caf\ufffd.txt" and .[0].meta.file_raw == "caf\\xe9.txt" and .[0].errors == []'
# Each record is valid UTF-8 all the same.
iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null || fail "output is not valid UTF-8"

# An empty directory is a run with nothing to do, not a crash.
mkdir "$TMP/empty_dir"
run_glossa 0 run --plugin capitals "$TMP/empty_dir"
[ ! -s "$TMP/out" ] || fail "an empty directory gave records"

# A byte order mark before the first JSONL record is skipped with a warning.
printf '\xef\xbb\xbf{"id": "bom", "text": "After The Mark."}\n' >"$TMP/bom.jsonl"
run_glossa 0 run --plugin capitals "$TMP/bom.jsonl"
expect_json "$TMP/out" 'length == 1 and .[0].id == "bom" and .[0].errors == [] and (.[0].annotations.capitals | length == 3)'
expect_in "$TMP/err" "bom.jsonl: a UTF-8 byte order mark at the start was skipped"

# Inputs that are not regular files are read to their end: a FIFO, and a
# /proc file whose size stat reports as 0.
mkfifo "$TMP/fifo.jsonl"
echo '{"id": "piped", "text": "Through A Pipe."}' >"$TMP/fifo.jsonl" &
run_glossa 0 run --plugin capitals "$TMP/fifo.jsonl"
wait
expect_json "$TMP/out" '.[0].id == "piped" and (.[0].annotations.capitals | length == 3)'
run_glossa 0 run --plugin capitals /proc/self/status
expect_json "$TMP/out" '.[0].id == "status" and .[0].errors == [] and (.[0].annotations.capitals | length > 0)'

# Duplicate ids are kept, each named with both places, in input order
# whatever the thread count; past ten they are only counted.
mkdir "$TMP/dup_dir"
printf 'Dir Text.\n' >"$TMP/dup_dir/x.txt"
printf '{"id":"x","text":"Line X."}\n{"id":"y","text":"Line Y."}\n{"id":"x","text":"Again X."}\n' >"$TMP/dup.jsonl"
for threads in 1 4; do
    run_glossa 0 run --threads $threads --plugin capitals "$TMP/dup_dir" "$TMP/dup.jsonl"
    expect_json "$TMP/out" '[.[].id] == ["x","x","y","x"]'
    grep 'was given before' "$TMP/err" >"$TMP/dup_warnings"
    cat >"$TMP/dup_expected" <<EOF
glossa: warning: $TMP/dup.jsonl:1: the id "x" was given before, to the record at $TMP/dup_dir/x.txt; both records are kept
glossa: warning: $TMP/dup.jsonl:3: the id "x" was given before, to the record at $TMP/dup_dir/x.txt; both records are kept
EOF
    diff "$TMP/dup_expected" "$TMP/dup_warnings" || fail "duplicate id warnings differ (threads $threads)"
done
for i in $(seq 1 15); do echo '{"id":"same","text":"Same Id."}'; done >"$TMP/same.jsonl"
run_glossa 0 run --plugin capitals "$TMP/same.jsonl"
[ "$(grep -c 'was given before' "$TMP/err")" = 10 ] || fail "expected ten duplicate warnings"
expect_in "$TMP/err" "14 records in all have an id given to an earlier record; all are kept"

# A symbolic link inside an input folder is not followed (as by find):
# skipped with a warning; a manifest line naming one gets a record with
# the reason. --follow-symlinks reads what links point to. Inputs named
# on the command line are followed.
L="$TMP/links"
mkdir "$L"
printf 'Outside The Folder.\n' >"$TMP/outside.txt"
printf 'Inside Text.\n' >"$L/a.txt"
ln -s "$TMP/outside.txt" "$L/b.txt"
ln -s "$TMP/outside.txt" "$L/c.txt"
echo '{"id": "C", "file": "c.txt"}' >"$L/manifest.jsonl"
run_glossa 4 run --plugin capitals "$L"
expect_json "$TMP/out" '[.[].id] == ["a", "C"] and .[0].errors == [] and .[1].errors[0].code == "EIO" and (.[1].errors[0].message | endswith("c.txt: a symbolic link, not followed in an input folder (--follow-symlinks reads what links point to)")) and .[1].annotations == {}'
expect_in "$TMP/err" "$L/b.txt: a symbolic link, not followed; skipped (--follow-symlinks reads what links point to)"
run_glossa 0 run --follow-symlinks --plugin capitals "$L"
expect_json "$TMP/out" '[.[].id] == ["a", "b", "C"] and all(.[]; .errors == []) and ([.[2].annotations.capitals[].text] == ["Outside", "The", "Folder"])'
ln -s "$TMP/outside.txt" "$TMP/direct-link.txt"
run_glossa 0 run --plugin capitals "$TMP/direct-link.txt"
expect_json "$TMP/out" 'length == 1 and .[0].errors == []'

# A missing input is a usage error.
run_glossa 2 run --plugin capitals "$TMP/nope"
expect_in "$TMP/err" "$TMP/nope: cannot read input: No such file or directory"
echo ok
