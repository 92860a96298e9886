#!/usr/bin/env python3
"""Writes a handmade `glossa run` output for the report's tests: texts
beyond ASCII (emoji and flags beyond the BMP, CJK, combining marks,
right-to-left scripts), spans that cross and nest, an empty span, a layer
absent with its error, a document without its text, an input error, a
broken line, a date that is not one, and one huge document.

usage: make_fixture.py OUT.jsonl INPUTS.jsonl
  OUT.jsonl     the records (one line is broken on purpose)
  INPUTS.jsonl  the texts of the documents OUT.jsonl has without them, as
                `glossa run` inputs ({"id", "text"}), for --inputs

Offsets are code points, computed here with Python's str (which counts
code points), as the output format defines them.
"""
import json
import sys

PROV = {"entities": "entities/1.0.0/0000000000000001",
        "dates": "dates/0.1.0/0000000000000002",
        "quotes": "quotes/0.1.0/0000000000000003",
        "mediation": "mediation/0.1.0/0000000000000004"}


def at(text, sub, nth=0):
    """The code point span of the nth occurrence of sub in text."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return i, i + len(sub)


def span(text, sub, nth=0, **fields):
    s, e = at(text, sub, nth)
    out = {"start": s, "end": e, "text": text[s:e]}
    out.update(fields)
    return out


def record(rid, text, meta, layers, label=None, score=None, errors=(),
           with_text=True):
    med = layers.get("mediation")
    rec = {"id": rid, "meta": meta}
    if with_text:
        rec["text"] = text
    rec["annotations"] = {k: sorted(v, key=lambda x: (x["start"], x["end"]))
                          for k, v in layers.items()}
    rec["document"] = {}
    if label is not None and med is not None:
        counts = {p: sum(1 for s in med if s["polarity"] == p)
                  for p in ("positive", "negative", "neutral")}
        rec["document"]["mediation"] = {
            "label": label, "mean_score": score, "n_relevant": len(med),
            "counts": counts}
    rec["errors"] = list(errors)
    rec["provenance"] = {"input": "0000000000000000", "layers": {
        k: PROV[k] for k in layers if k in PROV}}
    return rec


def ent(text, sub, label, canonical=None, nth=0, **more):
    f = {"label": label}
    if canonical:
        f["canonical"] = canonical
    f.update(more)
    return span(text, sub, nth, **f)


def med(text, sub, polarity, score, holder, nth=0):
    return span(text, sub, nth, polarity=polarity, score=score, holder=holder)


def emoji_doc():
    t = ("👋 Hello from Zürich! 🇺🇦 President Zelenskyy said “we will win 💪” "
         "on 24 February 2022.\n\nThe 🇪🇺 EU backed Kyiv 🙌 today.")
    s1 = t[:t.index("\n")]
    s2 = t[t.index("The"):]
    return record("emoji-1", t, {"published": "2022-02-24",
                                 "outlet": "Kyiv Post 🇺🇦"}, {
        "entities": [ent(t, "Zürich", "GPE", "Zurich"),
                     ent(t, "Zelenskyy", "PERSON", "Volodymyr Zelenskyy"),
                     ent(t, "EU", "ORG", "European Union"),
                     ent(t, "Kyiv", "GPE", "Kyiv")],
        "quotes": [span(t, "we will win 💪", kind="direct",
                        speaker="Volodymyr Zelenskyy",
                        speaker_text="President Zelenskyy",
                        speaker_start=at(t, "President Zelenskyy")[0],
                        speaker_end=at(t, "President Zelenskyy")[1],
                        cue="said")],
        "dates": [span(t, "24 February 2022", label="DATE",
                       value="2022-02-24"),
                  span(t, "today", label="DATE", value="2022-02-24")],
        "mediation": [med(t, s1, "positive", 0.5, "Volodymyr Zelenskyy"),
                      med(t, s2, "positive", 0.25, "author")],
    }, "positive", 0.375)


def cjk_doc():
    t = ("東京で岸田文雄首相は「平和を守る」と述べた。"
         "Cafe\u0301 𝒳 ∑ — the café opened in 東京 on 1 March 2022.")
    s1 = t[:t.index("。") + 1]
    s2 = t[t.index("Cafe"):]
    return record("cjk-2", t, {"published": "2022-03-01",
                               "source": "NHK 🗾"}, {
        "entities": [ent(t, "東京", "GPE", "Tokyo"),
                     ent(t, "岸田文雄", "PERSON", "Fumio Kishida"),
                     ent(t, "東京", "GPE", "Tokyo", nth=1)],
        "quotes": [span(t, "平和を守る", kind="direct",
                        speaker="Fumio Kishida", speaker_text="岸田文雄首相",
                        speaker_start=at(t, "岸田文雄首相")[0],
                        speaker_end=at(t, "岸田文雄首相")[1], cue="述べた")],
        "dates": [span(t, "1 March 2022", label="DATE", value="2022-03-01")],
        "mediation": [med(t, s1, "negative", -0.5, "Fumio Kishida"),
                      med(t, s2, "negative", -0.25, "author")],
    }, "negative", -0.375)


def rtl_doc():
    t = "قال الرئيس عباس في رام الله إن السلام ممكن. שלום עולם מירושלים."
    s1 = t[:t.index(".") + 1]
    return record("rtl-3", t, {"published": "2022-13-45",
                               "outlet": "Al-Quds"}, {
        "entities": [ent(t, "عباس", "PERSON", "Mahmoud Abbas"),
                     ent(t, "رام الله", "GPE", "Ramallah"),
                     ent(t, "ירושלים", "GPE", "Jerusalem")],
        "quotes": [span(t, "السلام ممكن", kind="reported",
                        speaker="Mahmoud Abbas", speaker_text="الرئيس عباس",
                        speaker_start=at(t, "الرئيس عباس")[0],
                        speaker_end=at(t, "الرئيس عباس")[1], cue="قال")],
        "dates": [],
        "mediation": [med(t, s1, "neutral", 0.0, "Mahmoud Abbas")],
    }, "neutral", 0.0)


def errors_doc():
    t = "Moscow said the talks in Sochi on 31 October went well 🤝."
    return record("errors-4", t, {"published": "2022-10-31"}, {
        "quotes": [span(t, "the talks in Sochi on 31 October went well 🤝",
                        kind="reported", speaker="Russia",
                        speaker_text="Moscow", speaker_start=0,
                        speaker_end=6, cue="said")],
        "dates": [span(t, "31 October", label="DATE", value="2022-10-31")],
    }, errors=[{"plugin": "entities", "code": "EPLUGIN",
                "message": "entities: the model could not be read 😬"},
               {"plugin": "mediation", "code": "EDEPENDENCY",
                "message": "mediation: not run: 'entities' failed"}])


def notext_doc():
    t = "Без текста: Путин встретился с Алиевым в Сочи 31 октября 2022 года 🇷🇺."
    return t, record("notext-5", t, {"published": "2022-10-31",
                                     "outlet": "ТАСС"}, {
        "entities": [ent(t, "Путин", "PERSON", "Vladimir Putin"),
                     ent(t, "Алиевым", "PERSON", "Ilham Aliyev"),
                     ent(t, "Сочи", "GPE", "Sochi")],
        "dates": [span(t, "31 октября 2022 года", label="DATE",
                       value="2022-10-31")],
        "mediation": [med(t, t, "negative", -0.2, "author")],
    }, "negative", -0.2, with_text=False)


def crossing_doc():
    # A quote that runs over a sentence end, an entity without a canonical
    # name, a date inside an entity, an empty span and a crossing span in
    # a layer of an unknown plugin.
    t = ("Aliyev said: “Peace is near. Talks on Monday Accord 🕊️ will "
         "follow.” Pashinyan agreed.")
    s1 = t[:t.index("near.") + 5]
    s2 = t[t.index("Talks"):t.index("follow.”") + 8]
    s3 = t[t.index("Pashinyan"):]
    q0, q1 = at(t, "Peace is near. Talks on Monday Accord 🕊️ will follow.")
    cross0, cross1 = at(t, "near. Talks")
    return record("crossing-6", t, {"published": "2022-10-31",
                                    "outlet": "Kyiv Post 🇺🇦"}, {
        "entities": [ent(t, "Aliyev", "PERSON", "Ilham Aliyev"),
                     ent(t, "Monday Accord", "ORG"),
                     ent(t, "Pashinyan", "PERSON", "Nikol Pashinyan")],
        "quotes": [{"start": q0, "end": q1, "text": t[q0:q1],
                    "kind": "direct", "speaker": "Ilham Aliyev",
                    "speaker_text": "Aliyev", "speaker_start": 0,
                    "speaker_end": 6, "cue": "said"}],
        "dates": [span(t, "Monday", label="DATE", value="2022-10-31")],
        "mediation": [med(t, s1, "positive", 0.75, "Ilham Aliyev"),
                      med(t, s2, "neutral", 0.0, "Ilham Aliyev"),
                      med(t, s3, "positive", 0.25, "Nikol Pashinyan")],
        "marks": [{"start": 10, "end": 10, "text": "", "label": "caret"},
                  {"start": cross0, "end": cross1, "text": t[cross0:cross1],
                   "label": "crossing"}],
    }, "positive", 0.333)


def huge_doc():
    """About 1.6 MB of text and 40,000 spans: rendered a chunk at a time."""
    unit = "Putin met Erdoğan in Ankara 🇹🇷 on Monday. "
    n = 40000
    t = unit * n
    ents, dates = [], []
    for i in range(n):
        base = i * len(unit)
        if i % 2 == 0:
            ents.append({"start": base, "end": base + 5, "text": "Putin",
                         "label": "PERSON", "canonical": "Vladimir Putin"})
        else:
            s = base + unit.index("Ankara")
            ents.append({"start": s, "end": s + 6, "text": "Ankara",
                         "label": "GPE", "canonical": "Ankara"})
        if i % 4 == 0:
            s = base + unit.index("Monday")
            dates.append({"start": s, "end": s + 6, "text": "Monday",
                          "label": "DATE", "value": "2022-11-07"})
    return record("huge-7", t, {"published": "2022-11-07",
                                "outlet": "Anadolu"},
                  {"entities": ents, "dates": dates, "quotes": [],
                   "mediation": []}, "neutral", 0.0)


def input_error():
    return {"id": "docs.jsonl:9", "meta": {}, "annotations": {},
            "document": {},
            "errors": [{"plugin": None, "code": "EPARSE",
                        "message": "docs.jsonl:9: column 3: invalid JSON"}],
            "provenance": {"input": "", "layers": {}}}


def main():
    out_path, inputs_path = sys.argv[1], sys.argv[2]
    notext, notext_rec = notext_doc()
    lines = [json.dumps(r, ensure_ascii=False) for r in (
        emoji_doc(), cjk_doc(), rtl_doc(), errors_doc(), notext_rec,
        crossing_doc())]
    lines.append('{"id": "broken-line", "meta": {')
    lines.append(json.dumps(input_error()))
    lines.append(json.dumps(huge_doc(), ensure_ascii=False))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with open(inputs_path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "notext-5", "text": notext},
                           ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
