"""Checks the files `glossa export` and `glossa import` write against each
format's own rules and against the records they came from, independently
of the C code (offsets recomputed here, in Python, over the original
texts).

usage: check_exports.py FORMAT OUTPUT.jsonl EXPORTED [options]

  brat DIR                  DOC.txt/DOC.ann: offsets and text agree with
                            the .txt, ids unique, no line break inside a
                            fragment, every non-empty span exported
  conll FILE                IOB2 well-formed, tokens cover the text, one
                            document per record
  conll-gold FILE GOLD_DIR  the imported gold: the rebuilt text is the
                            tokens, the spans those the export tagged
  w3c FILE [--collection] [--source-base URL]
  labelstudio FILE          UTF-16 offsets; value.text is data.text there
  csv FILE                  RFC 4180, one row per span, the documented
                            columns

--texts PATH... gives the original inputs (directories of .txt, .jsonl
files) whose texts the offsets are checked against; without it, the
records' own "text". Prints each problem; exits 1 if any.
"""
import argparse
import csv
import io
import json
import os
import re
import sys
import urllib.parse

PROBLEMS = []

# Python's str.splitlines() breaks: brat must not see one in a fragment.
LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
DEFAULT_TAGS = {"mediation": "Stance", "quotes": "Quote"}
CONLL = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC",
         "NORP": "MISC"}
CSV_COLUMNS = ["id", "layer", "start", "end", "text", "label", "canonical",
               "refers_to", "value", "anchor", "mod", "polarity", "score",
               "holder", "kind", "speaker", "speaker_text", "speaker_start",
               "speaker_end", "cue", "extra"]


def problem(where, message):
    PROBLEMS.append(f"{where}: {message}")


def read_records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def glossa_text(data):
    """Bytes as glossa run reads them: Python's decoder replaces each
    maximal ill-formed subsequence with U+FFFD, as Glossa's policy does;
    Glossa also replaces NUL."""
    return data.decode("utf-8", "replace").replace("\0", "\ufffd")


def read_texts(paths, records):
    """id -> original text: from the inputs when given, else the records."""
    if not paths:
        return {r["id"]: r["text"] for r in records}
    texts = {}
    for p in paths:
        if os.path.isdir(p):
            for name in sorted(os.listdir(p)):
                if name.endswith(".txt"):
                    with open(os.path.join(p, name), "rb") as f:
                        texts[name[:-4]] = glossa_text(f.read())
        else:
            for r in read_records(p):
                texts[str(r["id"])] = r["text"]
    return texts


def tag_of(layer, span):
    return span.get("label") or DEFAULT_TAGS.get(layer, layer)


def spans_of(record):
    for layer, spans in record.get("annotations", {}).items():
        for i, s in enumerate(spans):
            yield layer, i, s


def file_name(doc_id):
    """The file name export gives an id (text.c)."""
    out = []
    for i, b in enumerate(doc_id.encode("utf-8")):
        c = chr(b)
        if b >= 0x80 or (c.isascii() and (c.isalnum() or c in "-_.,+=@~")
                         and not (i == 0 and c == ".")):
            out.append(bytes([b]))
        else:
            out.append(b"%%%02X" % b)
    return b"".join(out).decode("utf-8")


# ---- brat ------------------------------------------------------------------

def check_brat(records, texts, args):
    conf = open(os.path.join(args.exported, "annotation.conf"),
                encoding="utf-8").read()
    declared = set(re.findall(r"^\t(\S+)$", conf, re.M))
    for r in records:
        name = file_name(r["id"])
        base = os.path.join(args.exported, name)
        with open(base + ".txt", encoding="utf-8", newline="") as f:
            txt = f.read()
        if txt != texts[r["id"]]:
            problem(base + ".txt", "not the original text")
        ids, tlines = set(), []
        with open(base + ".ann", encoding="utf-8", newline="") as f:
            for n, line in enumerate(f.read().split("\n")[:-1], 1):
                where = f"{base}.ann:{n}"
                fields = line.split("\t")
                if fields[0] in ids:
                    problem(where, f"id {fields[0]} repeated")
                ids.add(fields[0])
                if fields[0].startswith("T"):
                    tlines.append(check_t_line(where, fields, txt, declared))
                elif fields[0].startswith("A"):
                    if fields[1].split(" ")[1] not in ids:
                        problem(where, "attribute of no earlier T")
                elif fields[0].startswith("#"):
                    json.loads(fields[2])
        expected = [(tag_of(layer, s),) + trimmed(txt, s)
                    for layer, _, s in spans_of(r)
                    if trimmed(txt, s)[0] < trimmed(txt, s)[1]]
        if sorted(expected) != sorted(tlines):
            problem(base + ".ann", f"{len(tlines)} T lines for "
                    f"{len(expected)} spans, or other spans")


def check_t_line(where, fields, txt, declared):
    type_, offsets = fields[1].split(" ", 1)
    if type_ not in declared:
        problem(where, f"type {type_} not in annotation.conf")
    frags = [tuple(map(int, f.split())) for f in offsets.split(";")]
    pieces = []
    for a, b in frags:
        frag = txt[a:b]
        if not 0 <= a < b <= len(txt):
            problem(where, f"fragment {a} {b} outside the text")
        if any(c in LINE_BREAKS for c in frag):
            problem(where, f"line break inside fragment {a} {b}")
        pieces.append(frag)
    if " ".join(pieces) != fields[2]:
        problem(where, f"text {fields[2]!r} is not the .txt's "
                f"{' '.join(pieces)!r}")
    for (_, b), (a, _) in zip(frags, frags[1:]):
        if a <= b or any(c not in LINE_BREAKS for c in txt[b:a]):
            problem(where, "fragments leave out more than line breaks")
    return (type_, frags[0][0], frags[-1][1])


def trimmed(txt, s):
    """A span without the line breaks it starts or ends with: what brat
    can hold of it."""
    a, b = s["start"], s["end"]
    while a < b and txt[a] in LINE_BREAKS:
        a += 1
    while b > a and txt[b - 1] in LINE_BREAKS:
        b -= 1
    return a, b


# ---- CoNLL -----------------------------------------------------------------

def read_conll(path):
    """[[sentence: [(token, tag, line)]]] per document."""
    docs, sent = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            cols = line.split()
            if not cols:
                if sent:
                    docs[-1].append(sent)
                sent = []
            elif cols[0] == "-DOCSTART-":
                if cols != ["-DOCSTART-", "-X-", "O", "O"]:
                    problem(f"{path}:{n}", "not spaCy's document separator")
                docs.append([])
            elif len(cols) != 2:
                problem(f"{path}:{n}", "expected TOKEN TAG")
            else:
                sent.append((cols[0], cols[1], n))
    if sent:
        docs[-1].append(sent)
    return docs


def check_iob(path, sentence):
    prev = "O"
    for token, tag, n in sentence:
        if tag != "O" and not re.fullmatch(r"[BI]-\S+", tag):
            problem(f"{path}:{n}", f"bad tag {tag}")
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            problem(f"{path}:{n}", f"{tag} after {prev}")
        prev = tag


def align(text, sentences, where):
    """Each token's [start, end) in the original text (code points)."""
    pos, out = 0, []
    for sent in sentences:
        for token, tag, n in sent:
            at = text.find(token, pos)
            if at < 0 or text[pos:at].strip():
                problem(where, f"token {token!r} (line {n}) is not next in "
                        "the text")
                return None
            out.append((at, at + len(token), tag))
            pos = at + len(token)
    if text[pos:].strip():
        problem(where, "the tokens leave text out")
    return out


def expected_tags(record, layer, tokens, glossa_labels):
    """What the export must tag: every token a span overlaps, unless an
    earlier span took one of them (conll.c's rule)."""
    tags = [None] * len(tokens)
    for s in record.get("annotations", {}).get(layer, []):
        hit = [i for i, (a, b, _) in enumerate(tokens)
               if a < s["end"] and b > s["start"]]
        if not hit or s["start"] == s["end"] or \
                any(tags[i] for i in hit):
            continue
        label = tag_of(layer, s)
        label = label if glossa_labels else CONLL.get(label, "MISC")
        for i in hit:
            tags[i] = ("B-" if i == hit[0] else "I-") + label
    return [t or "O" for t in tags]


def check_conll(records, texts, args):
    docs = read_conll(args.exported)
    if len(docs) != len(records):
        problem(args.exported, f"{len(docs)} documents for "
                f"{len(records)} records")
    for r, sentences in zip(records, docs):
        for sent in sentences:
            check_iob(args.exported, sent)
        tokens = align(texts[r["id"]], sentences, f"record {r['id']}")
        if tokens is None:
            continue
        want = expected_tags(r, args.layer, tokens, args.glossa_labels)
        # A sentence boundary inside an entity starts it again (B-).
        firsts = {sum(len(s) for s in sentences[:k])
                  for k in range(len(sentences))}
        want = ["B-" + t[2:] if i in firsts and t.startswith("I-") else t
                for i, t in enumerate(want)]
        got = [t for _, _, t in tokens]
        if want != got:
            i = next(i for i in range(len(got)) if want[i] != got[i])
            problem(f"record {r['id']}", f"token {i}: tag {got[i]}, "
                    f"expected {want[i]}")


def check_conll_gold(records, texts, args):
    """The gold glossa import made of the export: its text is the tokens,
    one sentence a line; its spans the tagged tokens, B- to the last I-."""
    docs = read_conll(args.exported)
    stem = os.path.splitext(os.path.basename(args.exported))[0]
    for k, sentences in enumerate(docs, 1):
        doc_id = f"{stem}-{k:04d}"
        base = os.path.join(args.gold, file_name(doc_id))
        with open(base + ".txt", encoding="utf-8", newline="") as f:
            text = f.read()
        with open(base + ".json", encoding="utf-8") as f:
            gold = json.load(f)
        rebuilt = "".join(" ".join(t for t, _, _ in s) + "\n"
                          for s in sentences)
        if text != rebuilt or gold["id"] != doc_id:
            problem(base + ".txt", "not the tokens, one sentence a line")
        spans, pos = [], 0
        for sent in sentences:
            for i, (token, tag, _) in enumerate(sent):
                if tag.startswith("B-"):
                    spans.append([pos, pos + len(token), tag[2:]])
                elif tag.startswith("I-"):
                    spans[-1][1] = pos + len(token)
                pos += len(token) + 1
        want = [{"start": a, "end": b, "text": text[a:b], "label": t}
                for a, b, t in spans]
        if gold.get(args.layer) != want:
            problem(base + ".json", "spans are not the tagged tokens")
    # And the tagged tokens are the run's spans (check_conll's rule).
    check_conll(records, texts, args)


# ---- W3C -------------------------------------------------------------------

def check_annotation(a, texts, provenance, args, seen):
    where = a.get("id", "?")
    if a.get("type") != "Annotation" or not a.get("id"):
        problem(where, "not an Annotation with an id")
    if a["id"] in seen:
        problem(where, "id repeated")
    seen.add(a["id"])
    source = a["target"]["source"]
    if args.source_base:
        doc_id = urllib.parse.unquote(source[len(args.source_base):])
    else:
        doc_id = source
    text = texts[doc_id]
    sel = {s["type"]: s for s in a["target"]["selector"]}
    pos, quote = sel["TextPositionSelector"], sel["TextQuoteSelector"]
    start, end = pos["start"], pos["end"]
    if quote["exact"] != text[start:end]:
        problem(where, "exact is not the text at the position")
    if quote.get("prefix", "") != text[max(0, start - 32):start]:
        problem(where, "prefix is not the 32 characters before")
    if quote.get("suffix", "") != text[end:end + 32]:
        problem(where, "suffix is not the 32 characters after")
    gen = a.get("generator", {})
    layer = urllib.parse.unquote(a["id"].split("/")[-2])
    if gen.get("type") != "Software" or \
            gen.get("name") != provenance[doc_id][layer]:
        problem(where, f"generator {gen} is not the layer's provenance")
    tags = [b for b in a["body"] if b.get("purpose") == "tagging"]
    if len(tags) != 1 or any(b["type"] != "TextualBody" for b in a["body"]):
        problem(where, "not one tagging TextualBody")
    return (doc_id, layer, start, end, tags[0]["value"] if tags else None)


def check_w3c(records, texts, args):
    with open(args.exported, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    if args.collection:
        c = lines[0]
        if len(lines) != 1 or c["type"] != "AnnotationCollection" or \
                c["first"]["type"] != "AnnotationPage" or \
                c["total"] != len(c["first"]["items"]):
            problem(args.exported, "not one AnnotationCollection")
        context, items = [c["@context"]], c["first"]["items"]
    else:
        context, items = [a.get("@context") for a in lines], lines
    if any(x != "http://www.w3.org/ns/anno.jsonld" for x in context):
        problem(args.exported, "@context is not the Web Annotation one")
    provenance = {r["id"]: r["provenance"]["layers"] for r in records}
    seen = set()
    got = [check_annotation(a, texts, provenance, args, seen) for a in items]
    want = [(r["id"], layer, s["start"], s["end"], tag_of(layer, s))
            for r in records for layer, _, s in spans_of(r)]
    if got != want:
        problem(args.exported, f"{len(got)} annotations for {len(want)} "
                "spans, or other spans")


# ---- Label Studio ----------------------------------------------------------

def utf16(text, cp):
    return len(text[:cp].encode("utf-16-le")) // 2


def check_labelstudio(records, texts, args):
    with open(args.exported, encoding="utf-8") as f:
        tasks = json.load(f)
    if not isinstance(tasks, list) or len(tasks) != len(records):
        problem(args.exported, "not a list of a task per record")
        return
    shifted = 0
    for r, task in zip(records, tasks):
        text = task["data"]["text"]
        where = f"task {task['data'].get('doc_id')}"
        if text != texts[r["id"]] or task["data"]["doc_id"] != r["id"]:
            problem(where, "data.text is not the original text")
        units = text.encode("utf-16-le")
        (pred,) = task["predictions"]
        if not isinstance(pred.get("model_version"), str):
            problem(where, "no model_version")
        want = [(layer, utf16(text, s["start"]), utf16(text, s["end"]),
                 tag_of(layer, s)) for layer, _, s in spans_of(r)
                if s["end"] > s["start"]]
        got = []
        for res in pred["result"]:
            v = res["value"]
            if res["type"] != "labels" or res["to_name"] != "text" or \
                    not res.get("id"):
                problem(where, f"result {res.get('id')}: bad schema")
            if units[2 * v["start"]:2 * v["end"]].decode("utf-16-le") != \
                    v["text"]:
                problem(where, f"result {res['id']}: value.text is not "
                        "data.text at [start, end) in UTF-16 units")
            shifted += v["start"] != len(
                units[:2 * v["start"]].decode("utf-16-le"))
            got.append((res["from_name"], v["start"], v["end"],
                        v["labels"][0]))
        if got != want:
            problem(where, "results are not the record's spans")
    if args.expect_shift and not shifted:
        problem(args.exported, "no offset differs between code points and "
                "UTF-16: the test text needs a character beyond the BMP")


# ---- CSV -------------------------------------------------------------------

def cell(value):
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(
        value, ensure_ascii=False, separators=(",", ":"))


def check_csv(records, texts, args):
    with open(args.exported, "rb") as f:
        raw = f.read()
    if raw and not raw.endswith(b"\r\n"):
        problem(args.exported, "rows do not end with CRLF")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    if rows[0] != CSV_COLUMNS:
        problem(args.exported, f"header {rows[0]}")
    want = []
    for r in records:
        for layer, _, s in spans_of(r):
            extra = {k: v for k, v in s.items() if k not in CSV_COLUMNS}
            want.append([r["id"], layer, str(s["start"]), str(s["end"]),
                         s["text"], s.get("label") or ""] +
                        [cell(s.get(c)) for c in CSV_COLUMNS[6:-1]] +
                        [cell(extra) if extra else ""])
    if rows[1:] != want:
        bad = next((i for i, (a, b) in enumerate(zip(rows[1:], want))
                    if a != b), min(len(rows) - 1, len(want)))
        problem(args.exported, f"{len(rows) - 1} rows for {len(want)} "
                f"spans; first difference at row {bad + 1}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("format")
    p.add_argument("output")
    p.add_argument("exported")
    p.add_argument("gold", nargs="?")
    p.add_argument("--texts", nargs="*")
    p.add_argument("--layer", default="entities")
    p.add_argument("--glossa-labels", action="store_true")
    p.add_argument("--collection", action="store_true")
    p.add_argument("--source-base")
    p.add_argument("--expect-shift", action="store_true")
    args = p.parse_args()
    records = read_records(args.output)
    texts = read_texts(args.texts, records)
    check = {"brat": check_brat, "conll": check_conll,
             "conll-gold": check_conll_gold, "w3c": check_w3c,
             "labelstudio": check_labelstudio, "csv": check_csv}
    check[args.format](records, texts, args)
    for line in PROBLEMS:
        print(line)
    return 1 if PROBLEMS else 0


if __name__ == "__main__":
    sys.exit(main())
