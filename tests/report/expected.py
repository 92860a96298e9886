"""What a report must show for a `glossa run` output, computed from the
JSONL alone, by the rules docs/report.md states (so that the page's own
arithmetic is checked, not copied).
"""
import datetime
import json
import re

LABELS = ["positive", "negative", "neutral", "none"]
LABEL_NAMES = {"positive": "positive", "negative": "negative",
               "neutral": "neutral", "none": "no label"}
KNOWN = {"entities": "entity", "dates": "date", "quotes": "quote",
         "mediation": "mediation"}
TOP_OUTLETS, TOP_ENTITIES, MAX_ENTITY_LABELS = 20, 10, 8


def utf16_key(s):
    """JavaScript's string order (UTF-16 code units)."""
    return s.encode("utf-16-be")


def read_records(path):
    """The records of an output file; broken lines are left out, as the
    report leaves them out."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict):
                out.append(r)
    return out


def plugin_of(rec, layer):
    p = rec.get("provenance", {}).get("layers", {}).get(layer)
    return p.split("/")[0] if isinstance(p, str) else None


def layer_kinds(records):
    """Each layer's kind, as the report settles it: the plugin's name from
    the provenance of the record it first appears in, else the fields of
    its first span."""
    kinds = {}
    for r in records:
        for name, spans in (r.get("annotations") or {}).items():
            if name not in kinds:
                kinds[name] = KNOWN.get(plugin_of(r, name), "pending")
            if kinds[name] == "pending" and spans:
                s = spans[0]
                kinds[name] = ("mediation" if "polarity" in s else
                               "quote" if "speaker" in s or
                               "speaker_text" in s else
                               "date" if "value" in s else
                               "entity" if "canonical" in s else "other")
    return {k: ("other" if v == "pending" else v) for k, v in kinds.items()}


def day_of(p):
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", p) if isinstance(p, str) \
        else None
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def doc_of(r, kinds):
    meta = r.get("meta") or {}
    outlet = meta.get("outlet")
    if not isinstance(outlet, str):
        outlet = meta.get("source")
    if not isinstance(outlet, str):
        outlet = None
    label, score = "none", None
    for name, res in (r.get("document") or {}).items():
        if not isinstance(res, dict) or not isinstance(res.get("label"),
                                                       str):
            continue
        mean = res.get("mean_score")
        if plugin_of(r, name) != "mediation" and not isinstance(
                mean, (int, float)):
            continue
        label = res["label"] if res["label"] in LABELS[:3] else "none"
        score = mean if isinstance(mean, (int, float)) else None
        break
    return {"id": r["id"] if isinstance(r.get("id"), str) else None,
            "lab": label, "s": score, "outlet": outlet,
            "day": day_of(meta.get("published")),
            "text": r.get("text"), "layers": r.get("annotations") or {},
            "errors": r.get("errors") or []}


class Corpus:
    def __init__(self, records):
        self.kinds = layer_kinds(records)
        self.layers = list(dict.fromkeys(
            n for r in records for n in (r.get("annotations") or {})))
        self.docs = [doc_of(r, self.kinds) for r in records]
        days = [d["day"] for d in self.docs if d["day"]]
        self.axis = self._axis(min(days), max(days)) if days else ("day", [])

    @staticmethod
    def _axis(lo, hi):
        span = (hi - lo).days
        unit = "day" if span <= 62 else "month" if span <= 1096 else "year"
        keys = []
        d = lo
        while d <= hi:
            k = (d.isoformat() if unit == "day" else d.isoformat()[:7]
                 if unit == "month" else str(d.year))
            if not keys or keys[-1] != k:
                keys.append(k)
            d += datetime.timedelta(days=1)
        return unit, keys

    def key_of(self, day):
        unit = self.axis[0]
        return (day.isoformat() if unit == "day" else day.isoformat()[:7]
                if unit == "month" else str(day.year))

    def shown(self, labels=None, outlet=False):
        """The documents the filters keep; outlet False: any."""
        labels = set(labels or LABELS)
        return [d for d in self.docs if d["lab"] in labels and
                (outlet is False or d["outlet"] == outlet)]

    @staticmethod
    def _stance(rows):
        sets = [{"label": LABEL_NAMES[lab], "data": [r[lab] for r in rows]}
                for lab in LABELS]
        sets.append({"label": "mean score", "data": [
            (r["sum"] / r["n"]) if r["n"] else None for r in rows]})
        return sets

    @staticmethod
    def _bucket():
        return {"positive": 0, "negative": 0, "neutral": 0, "none": 0,
                "sum": 0.0, "n": 0, "docs": 0}

    @staticmethod
    def _add(b, d):
        b[d["lab"]] += 1
        b["docs"] += 1
        if d["s"] is not None:
            b["sum"] += d["s"]
            b["n"] += 1

    def expect(self, docs):
        """Everything the corpus view shows for these documents."""
        keys = self.axis[1]
        time = {k: self._bucket() for k in keys}
        outlets = {}
        entities = {}
        layer_spans = {n: 0 for n in self.layers}
        layer_docs = {n: 0 for n in self.layers}
        codes = {}
        for d in docs:
            if d["day"]:
                self._add(time[self.key_of(d["day"])], d)
            self._add(outlets.setdefault(d["outlet"], self._bucket()), d)
            for e in d["errors"]:
                codes[e["code"]] = codes.get(e["code"], 0) + 1
            for name, spans in d["layers"].items():
                layer_docs[name] += 1
                layer_spans[name] += len(spans)
                if self.kinds[name] != "entity":
                    continue
                for s in spans:
                    label = s.get("label") if isinstance(s.get("label"),
                                                         str) else \
                        "(no label)"
                    c = s.get("canonical")
                    key = c if isinstance(c, str) else s["text"]
                    m = entities.setdefault(label, {})
                    m[key] = m.get(key, 0) + 1
        named = sorted(((o, b) for o, b in outlets.items() if o is not None),
                       key=lambda x: (-x[1]["docs"], utf16_key(x[0])))
        rows = [(o, b) for o, b in named[:TOP_OUTLETS]]
        rest = named[TOP_OUTLETS:]
        if rest:
            v = self._bucket()
            for _, b in rest:
                for k in v:
                    v[k] += b[k]
            rows.append(("(%d other outlets)" % len(rest), v))
        if None in outlets:
            rows.append(("(no outlet)", outlets[None]))
        ent = sorted(((lab, m, sum(m.values())) for lab, m in
                      entities.items()),
                     key=lambda x: (-x[2], utf16_key(x[0])))
        ent = ent[:MAX_ENTITY_LABELS]
        return {
            "cards": {
                "docs": len(docs),
                "with-text": sum(1 for d in docs if d["text"] is not None),
                "dated": sum(1 for d in docs if d["day"]),
                "undated": sum(1 for d in docs if not d["day"]),
                "spans": sum(layer_spans.values()),
                "with-errors": sum(1 for d in docs if d["errors"]),
                "errors": sum(len(d["errors"]) for d in docs),
            },
            "layers": {n: {"spans": layer_spans[n], "docs": layer_docs[n],
                           "absent": len(docs) - layer_docs[n]}
                       for n in self.layers},
            "codes": codes,
            "time": {"labels": keys,
                     "datasets": self._stance([time[k] for k in keys])},
            "outlet": {"labels": [o for o, _ in rows],
                       "datasets": self._stance([b for _, b in rows])},
            "entities": [{"label": lab, "labels": [k for k, _ in top],
                          "data": [n for _, n in top]}
                         for lab, m, _ in ent
                         for top in [sorted(m.items(), key=lambda x: (
                             -x[1], utf16_key(x[0])))[:TOP_ENTITIES]]],
        }
