"""Working model for adjudication: resolved spans (with offsets) per layer,
edit operations, and a writer that produces annotator-form files with nth."""
import json, copy

LAYERS = ["entities", "dates", "mediation", "mediation_us", "mediation_eu", "quotes"]
MED = ("mediation", "mediation_us", "mediation_eu")
RAW = "/work/news2/raw"


class Doc:
    def __init__(self, did, base):
        self.id = did
        self.text = open(f"{RAW}/{did}.txt", encoding="utf-8", newline="").read()
        self.src = {k: json.load(open(f"/work/news2/ann-{k}/{did}.json")) for k in "AB"}
        g = copy.deepcopy(self.src[base])
        self.dct = g.get("dct")
        self.L = {l: g.get(l, []) for l in LAYERS}
        self.log = []

    # --- finding
    def _find(self, items, match, idx=None, start=None):
        if isinstance(match, int):
            c = [s for s in items if s["start"] == match]
        else:
            c = [s for s in items if match in s["text"]]
        if start is not None:
            c = [s for s in c if s["start"] == start]
        if idx is not None:
            c = [c[idx]]
        if len(c) != 1:
            raise ValueError(f"{self.id}: match {match!r} gives {len(c)} items: {[ (s['start'], s['text'][:40]) for s in c]}")
        return c[0]

    def get(self, layer, match, idx=None):
        return self._find(self.L[layer], match, idx)

    # --- ops
    def take(self, layer, match, src, idx=None, **mods):
        """take the item of annotator src (A/B) matching `match`; drop base items it
        overlaps (entities: same start/end or overlapping)."""
        it = copy.deepcopy(self._find(self.src[src][layer], match, idx))
        self.L[layer] = [s for s in self.L[layer]
                         if not (min(s["end"], it["end"]) > max(s["start"], it["start"]))]
        it.update(mods)
        self.L[layer].append(it)
        self._sort(layer)
        return it

    def drop(self, layer, match, idx=None):
        it = self._find(self.L[layer], match, idx)
        self.L[layer].remove(it)

    def mod(self, layer, match, idx=None, **fields):
        it = self._find(self.L[layer], match, idx)
        for k, v in fields.items():
            if v is None and k in ("refers_to", "anchor", "speaker_text"):
                it.pop(k, None)
            else:
                it[k] = v
        if layer in MED and "score" in fields:
            sc = fields["score"]
            it["polarity"] = "neutral" if sc == 0 else ("positive" if sc > 0 else "negative")
            it["score"] = float(sc)
        return it

    def span(self, layer, text, nth=1, after=None, start=None, **fields):
        """add a new span located in the text"""
        pos = 0
        if after:
            pos = self.text.index(after) + len(after)
        if start is not None:
            i = start
            assert self.text[i:i + len(text)] == text, (self.id, text)
        else:
            i = pos - 1
            for _ in range(nth):
                i = self.text.index(text, i + 1)
        it = {"start": i, "end": i + len(text), "text": text}
        if layer in MED:
            sc = float(fields.pop("score"))
            it["polarity"] = "neutral" if sc == 0 else ("positive" if sc > 0 else "negative")
            it["holder"] = fields.pop("holder")
            it["score"] = sc
        it.update(fields)
        # replace overlapping in mediation/quotes/dates when asked
        self.L[layer].append(it)
        self._sort(layer)
        return it

    def extent(self, layer, match, new_text, idx=None, after=None):
        """change the extent of an item to new_text (located nearest to the old start)"""
        it = self._find(self.L[layer], match, idx)
        lo = max(0, it["start"] - len(new_text) - 5)
        cands = []
        p = self.text.find(new_text, lo)
        while p >= 0 and p <= it["end"] + 5:
            cands.append(p)
            p = self.text.find(new_text, p + 1)
        cands = [p for p in cands if min(p + len(new_text), it["end"]) > max(p, it["start"])]
        if not cands:
            raise ValueError(f"{self.id}: extent {new_text!r} not near {it['text'][:40]!r}")
        p = min(cands, key=lambda q: abs(q - it["start"]))
        it["start"], it["end"], it["text"] = p, p + len(new_text), new_text
        self._sort(layer)
        return it

    def _sort(self, layer):
        self.L[layer].sort(key=lambda s: (s["start"], s["end"]))

    # --- output
    def ann(self):
        out = {"id": self.id, "dct": self.dct}
        for layer in LAYERS:
            items, cursor = [], 0
            for s in sorted(self.L[layer], key=lambda s: (s["start"], s["end"])):
                t = s["text"]
                assert self.text[s["start"]:s["end"]] == t, (self.id, layer, t)
                # nth: occurrences of t from cursor up to s.start
                n, p = 0, cursor
                while True:
                    q = self.text.find(t, p)
                    n += 1
                    if q == s["start"]:
                        break
                    if q < 0 or q > s["start"]:
                        raise ValueError(f"{self.id} {layer}: cannot locate {t!r} at {s['start']} from {cursor}")
                    p = q + 1
                extras = {}
                if n > 1:
                    extras["nth"] = n
                if layer == "entities":
                    row = [t, s["label"], s["canonical"]]
                    if s.get("refers_to"):
                        extras["refers_to"] = s["refers_to"]
                elif layer == "dates":
                    row = [t, s["label"], s["value"]]
                    if s.get("anchor"):
                        extras["anchor"] = s["anchor"]
                elif layer in MED:
                    row = [t, s["polarity"], s["score"], s["holder"]]
                else:
                    row = [t, s["kind"], s["speaker"]]
                    extras["speaker_text"] = s.get("speaker_text")
                for k, v in s.items():
                    if k not in ("start", "end", "text", "label", "canonical", "value", "polarity",
                                 "score", "holder", "kind", "speaker", "refers_to", "anchor",
                                 "speaker_text"):
                        extras[k] = v
                if extras:
                    row.append(extras)
                items.append(row)
                cursor = s["end"]
            out[layer] = items
        return out
