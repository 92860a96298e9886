#!/bin/bash
# The files a run writes beside OUT (OUT.partial, the job files and their
# temporaries, the quarantine list) are created by the run, never written
# through a symbolic link someone planted in a shared folder; OUT itself
# is replaced, not written through; a disk (block device) is refused.
. "$(dirname "$0")/lib.sh"
printf 'Some Text Here.\n' >"$TMP/doc.txt"
printf 'precious\n' >"$TMP/victim"
victim_intact() {
    [ "$(cat "$TMP/victim")" = precious ] || fail "$1: the link's target was written"
}

for planted in out.jsonl.partial out.jsonl.partial.job.tmp out.jsonl.job.tmp; do
    D="$TMP/shared-$planted"
    mkdir "$D"
    ln -s "$TMP/victim" "$D/$planted"
    rc=0
    "$GLOSSA" run --plugin capitals "$TMP/doc.txt" -o "$D/out.jsonl" >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ $rc -ne 0 ] || fail "a planted $planted did not stop the run"
    expect_in "$TMP/err" "$D/$planted: it is a symbolic link; refusing to write through it"
    grep -q "is discarded" "$TMP/err" && fail "a planted link was called a discarded partial file"
    victim_intact "$planted"
done

# --resume opens OUT.partial without following a link either.
D="$TMP/resume"
mkdir "$D"
run_glossa 0 run --plugin capitals "$TMP/doc.txt" -o "$D/ref.jsonl"
cp "$D/ref.jsonl.job" "$D/out.jsonl.partial.job"
ln -s "$TMP/victim" "$D/out.jsonl.partial"
run_glossa 1 run --plugin capitals "$TMP/doc.txt" -o "$D/out.jsonl" --resume
expect_in "$TMP/err" "it is a symbolic link"
victim_intact "resume"

# OUT as a link to a regular file: the published OUT replaces the link.
D="$TMP/outlink"
mkdir "$D"
ln -s "$TMP/victim" "$D/out.jsonl"
run_glossa 0 run --plugin capitals "$TMP/doc.txt" -o "$D/out.jsonl"
[ -L "$D/out.jsonl" ] && fail "OUT is still a link"
expect_json "$D/out.jsonl" 'length == 1'
victim_intact "OUT link"

# The quarantine list under --isolate --resume: not through a link.
D="$TMP/quarantine"
mkdir "$D"
run_glossa 0 run --isolate --plugin capitals "$TMP/doc.txt" -o "$D/ref.jsonl"
head -c 0 "$D/ref.jsonl" >"$D/out.jsonl.partial"
cp "$D/ref.jsonl.job" "$D/out.jsonl.partial.job"
ln -s "$TMP/victim" "$D/out.jsonl.quarantine.jsonl"
run_glossa 1 run --isolate --plugin capitals "$TMP/doc.txt" -o "$D/out.jsonl" --resume
expect_in "$TMP/err" "cannot open the quarantine file: it is a symbolic link"
victim_intact "quarantine"

# A block device, directly or through a link, is never written. The node
# made here names no device (loop minor 250), so nothing could be written
# even if the check failed. Needs root to make it.
if mknod "$TMP/disk" b 7 250 2>/dev/null; then
    ln -s "$TMP/disk" "$TMP/disk-link"
    for target in "$TMP/disk" "$TMP/disk-link"; do
        run_glossa 1 run --plugin capitals "$TMP/doc.txt" -o "$target"
        expect_in "$TMP/err" "is a block device (a disk); refusing to write records onto it"
    done
else
    echo "skipping the block device check (mknod needs root)"
fi
echo ok
