/* quotes_analyze(): one document, start to end. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int rank(const qframe_t *f)
{
    switch (f->how) {
    case FH_VERB:
    case FH_SOURCE:
    case FH_TURN:
        return 0;
    case FH_HEADLINE:
    case FH_PASSIVE:
        return 1;
    case FH_BLOCK:
    case FH_COLON:
        return 2;
    default:
        return 3;
    }
}

typedef struct cand {
    uint32_t start, end;
    size_t frame;
    int rank;
    int kept;
} cand_t;

static int cmp_rank(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->frame < y->frame ? -1 : (x->frame > y->frame);
}

static int cmp_start(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->frame < y->frame ? -1 : (x->frame > y->frame);
}

/* The extent of frame f's span in code points; 0 when it has no words. */
static int extent(const qdoc_t *d, const qframe_t *f, uint32_t *start,
                  uint32_t *end)
{
    uint32_t a, b;
    if (f->region >= 0) {
        const qregion_t *g = &d->regions[f->region];
        a = g->first;
        b = g->last;
        while (b > a && qd_punct(d, b, ','))
            b--;
    } else {
        a = f->c_first;
        if (f->c_end == 0 || f->c_end <= a)
            return 0;
        b = f->c_end - 1;
        while (a < b && (qd_punct(d, a, ':') || qd_punct(d, a, ',')))
            a++;
        /* "...,\"" before the reporting clause: the comma and the mark
         * after it stay out; so does a footnote mark "[1]". */
        if (b > a + 1 && qd_punct(d, b - 1, ',') &&
            (d->tok[b].flags & GLOSSA_TOKEN_PUNCT) && !qd_word(d, b) &&
            qm_region(d, b) < 0 && !qd_punct(d, b, ')'))
            b -= 2;
        if (b > a + 2 && qd_punct(d, b, ']') && qd_punct(d, b - 2, '['))
            b -= 3;
        /* A reported span leaves out the sentence's final period; a
         * block quote keeps it, as a quotation does. */
        while (b > a && (qd_punct(d, b, ',') || qd_punct(d, b, ';') ||
                         qd_punct(d, b, ':') || qd_dash(d, b) ||
                         (qd_punct(d, b, '.') && f->how != FH_BLOCK &&
                          f->how != FH_TURN)))
            b--;
    }
    int words = 0;
    for (uint32_t k = a; k <= b; k++)
        words += qd_word(d, k) || (d->tok[k].flags & GLOSSA_TOKEN_NUMBER);
    if (!words)
        return 0;
    /* "Lavrov said the following:" announces a quotation to come, which
     * takes its speaker as a running quotation. */
    if (f->region < 0 && words <= 3 && f->c_end < d->nt &&
        qd_punct(d, f->c_end - 1, ':'))
        return 0;
    *start = d->tok[a].cp_start;
    *end = d->tok[b].cp_end;
    return 1;
}

static int cmp_pos(const void *a, const void *b, void *ctx)
{
    const qdoc_t *d = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint32_t px = d->frames[x].pos, py = d->frames[y].pos;
    if (px != py)
        return px < py ? -1 : 1;
    return x < y ? -1 : (x > y);
}

/* Speakers in document order, so that pronouns and offices see the
 * speakers before them; quotations that continue one come last. */
static int resolve_all(qdoc_t *d)
{
    size_t n = d->n_frames;
    if (!n)
        return 0;
    if (qs_index(d))
        return GLOSSA_ENOMEM;
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return GLOSSA_ENOMEM;
    for (size_t k = 0; k < n; k++)
        order[k] = k;
    qsort_r(order, n, sizeof *order, cmp_pos, d);
    int rc = 0;
    for (int pass = 0; pass < 2 && !rc; pass++)
        for (size_t k = 0; k < n && !rc; k++) {
            qframe_t *f = &d->frames[order[k]];
            if (f->dropped || (f->how == FH_CONTINUE) != pass)
                continue;
            rc = qs_resolve(d, f);
        }
    /* A quotation that opens a paragraph before its speaker is named
     * ("“...” “...,” he said.") takes the next speaker of its line. */
    for (size_t k = 0; k < n && !rc; k++) {
        qframe_t *f = &d->frames[order[k]];
        if (f->dropped || f->how != FH_CONTINUE || f->spk.found)
            continue;
        for (size_t j = k + 1; j < n; j++) {
            const qframe_t *g = &d->frames[order[j]];
            if (g->dropped || !g->spk.found)
                continue;
            if (qd_line(d, g->pos) != qd_line(d, f->pos))
                break;
            f->spk = g->spk;
            f->spk.owned = NULL;
            if (g->spk.owned) {
                f->spk.owned = strdup(g->spk.owned);
                if (!f->spk.owned)
                    rc = GLOSSA_ENOMEM;
                f->spk.name = f->spk.owned;
            }
            break;
        }
    }
    free(order);
    return rc;
}

static const char *HOW[] = {"",         "verb",    "source",
                            "headline", "passive", "continue",
                            "block",    "colon",   "turn"};

static void trace_frame(const qdoc_t *d, size_t k)
{
    const qframe_t *f = &d->frames[k];
    const glossa_token_t *t = d->tok;
    uint32_t cf = f->c_first < d->nt ? f->c_first : 0;
    uint32_t ce = f->c_end > cf ? f->c_end - 1 : cf;
    if (ce >= d->nt)
        ce = (uint32_t)d->nt - 1;
    d->trace(d->trace_data,
             "frame %zu %s%s%s cue=\"%.*s\" speaker_phrase=\"%.*s\" -> %s "
             "content=\"%.*s\"",
             k, HOW[f->how], f->inverted ? " inverted" : "",
             f->dropped ? " DROPPED" : "",
             f->cue_end > f->cue_first
                 ? (int)(t[f->cue_end - 1].end - t[f->cue_first].start)
                 : 0,
             d->text + t[f->cue_first].start,
             f->np_end > f->np_first
                 ? (int)(t[f->np_end - 1].end - t[f->np_first].start)
                 : 0,
             d->text + t[f->np_first].start,
             f->spk.name ? f->spk.name : "(null)",
             (int)(t[ce].end - t[cf].start), d->text + t[cf].start);
}

/* Canonical names write the apostrophe straight ("James O'Brien" for
 * the text's "O’Brien"), as the annotation guidelines do: in place. */
static void straight_apostrophes(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if ((unsigned char)r[0] == 0xE2 && (unsigned char)r[1] == 0x80 &&
            (unsigned char)r[2] == 0x99) {
            *w++ = '\'';
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Is frame f's speaker a news outlet ("Reuters", "the agency")? */
static int outlet_speaker(const qdoc_t *d, const qframe_t *f)
{
    uint32_t a = f->np_end ? f->np_first : f->spk.tok_first;
    uint32_t b = f->np_end ? f->np_end : f->spk.tok_end;
    for (uint32_t i = a; i < b && i < d->nt; i++) {
        const qx_head_t *h = qd_head(d, i);
        if (h && h->hclass == QH_OUTLET)
            return 1;
    }
    return qf_reports(d, f);
}

/* The bits of one word from bit lo to bit hi (exclusive), 0 <= lo < hi
 * <= 64. */
static uint64_t word_bits(uint32_t lo, uint32_t hi)
{
    uint64_t upto = hi == 64 ? UINT64_MAX : ((uint64_t)1 << hi) - 1;
    return upto & ~(((uint64_t)1 << lo) - 1);
}

/* Is any of bits [a, b) set? */
static int bits_any(const uint64_t *w, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b;) {
        uint32_t base = i & ~63u, hi = b - base < 64 ? b - base : 64;
        if (w[i >> 6] & word_bits(i - base, hi))
            return 1;
        i = base + 64;
    }
    return 0;
}

/* Does the verb frame i open the content of the source frame o, as in
 * "According to X, Y highlighted ...": o's content (past a comma)
 * starts with i's speaker, the subject of i's verb? */
static int opens_source(const qdoc_t *d, const qframe_t *o, const qframe_t *i)
{
    if (o->how != FH_SOURCE || o->inverted || i->how != FH_VERB ||
        i->inverted || !i->spk.found || i->np_end <= i->np_first)
        return 0;
    uint32_t a = o->c_first;
    while (a < o->c_end && (qd_punct(d, a, ',') || qd_punct(d, a, ':')))
        a++;
    return a == i->np_first && i->cue_first < o->c_end;
}

/* Of two reports of one content, an outlet relaying and a named source,
 * the source speaks ("According to Reuters, X said that ...", "X said
 * ..., TASS reported"): the outlet is transparent. So is any source
 * phrase whose content is another report ("According to the report, X
 * urged ..." is X's), as the annotation conventions give it. */
static int relays(const qdoc_t *d, const cand_t *outer, const cand_t *inner)
{
    const qframe_t *o = &d->frames[outer->frame];
    const qframe_t *i = &d->frames[inner->frame];
    if (outer->rank != 0 || inner->rank != 0)
        return 0;
    if (opens_source(d, o, i))
        return 1;
    return i->spk.name && outlet_speaker(d, o) && !outlet_speaker(d, i);
}

/* Could a clash of this candidate be an outlet relaying it (relays(),
 * the inner side)? Cheap, so that only those look for what they clash
 * with. */
static int may_be_relayed(const qdoc_t *d, const cand_t *inner)
{
    const qframe_t *i = &d->frames[inner->frame];
    if (inner->rank != 0)
        return 0;
    if (i->how == FH_VERB && !i->inverted && i->spk.found)
        return 1;
    return i->spk.name && !outlet_speaker(d, i);
}

/* Sets bits [a, b). */
static void bits_set(uint64_t *w, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b;) {
        uint32_t base = i & ~63u, hi = b - base < 64 ? b - base : 64;
        w[i >> 6] |= word_bits(i - base, hi);
        i = base + 64;
    }
}

/* Clears bits [a, b). */
static void bits_clear(uint64_t *w, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i < b;) {
        uint32_t base = i & ~63u, hi = b - base < 64 ? b - base : 64;
        w[i >> 6] &= ~word_bits(i - base, hi);
        i = base + 64;
    }
}

static int emit(qdoc_t *d, qresult_t *out)
{
    cand_t *c = calloc(d->n_frames ? d->n_frames : 1, sizeof *c);
    if (!c)
        return GLOSSA_ENOMEM;
    size_t n = 0;
    for (size_t k = 0; k < d->n_frames; k++) {
        const qframe_t *f = &d->frames[k];
        if (d->trace)
            trace_frame(d, k);
        if (f->dropped)
            continue;
        uint32_t a, b;
        if (!extent(d, f, &a, &b))
            continue;
        c[n].start = a;
        c[n].end = b;
        c[n].frame = k;
        c[n].rank = rank(f);
        n++;
    }
    qsort(c, n, sizeof *c, cmp_rank);
    /* A candidate is kept when it overlaps none kept before it (in rank
     * order). Spans are never empty (extent), so the code points the kept
     * ones cover, as bits, answer that in the candidate's length rather
     * than in the number kept. */
    uint32_t n_cp = 0;
    for (size_t k = 0; k < n; k++)
        if (c[k].end > n_cp)
            n_cp = c[k].end;
    uint64_t *cover = n ? calloc((size_t)n_cp / 64 + 1, sizeof *cover) : NULL;
    if (n && !cover) {
        free(c);
        return GLOSSA_ENOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        c[k].kept = !bits_any(cover, c[k].start, c[k].end);
        if (!c[k].kept && may_be_relayed(d, &c[k])) {
            /* It clashes: with one outlet relaying it, it takes that
             * one's place (the kept ones do not overlap each other, so
             * the outlet's bits are its own). */
            size_t clashes = 0, with = 0;
            for (size_t j = 0; j < k && clashes < 2; j++)
                if (c[j].kept && c[j].start < c[k].end &&
                    c[k].start < c[j].end) {
                    clashes++;
                    with = j;
                }
            if (clashes == 1 && relays(d, &c[with], &c[k])) {
                c[with].kept = 0;
                bits_clear(cover, c[with].start, c[with].end);
                c[k].kept = 1;
            }
        }
        if (c[k].kept)
            bits_set(cover, c[k].start, c[k].end);
    }
    free(cover);
    qsort(c, n, sizeof *c, cmp_start);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        if (!c[k].kept)
            continue;
        const qframe_t *f = &d->frames[c[k].frame];
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 8;
            qquote_t *q = realloc(out->quotes, cap * sizeof *q);
            if (!q) {
                rc = GLOSSA_ENOMEM;
                break;
            }
            out->quotes = q;
            out->cap = cap;
        }
        qquote_t *q = &out->quotes[out->n];
        memset(q, 0, sizeof *q);
        q->start = c[k].start;
        q->end = c[k].end;
        q->kind = f->region >= 0 ? Q_DIRECT : Q_REPORTED;
        if (f->how == FH_BLOCK || f->how == FH_TURN)
            q->kind = Q_DIRECT;
        q->speaker = f->spk;
        q->speaker.owned = NULL;
        if (f->spk.name) {
            q->speaker.owned = qs_canon_dup(d, &f->spk);
            if (!q->speaker.owned) {
                rc = GLOSSA_ENOMEM;
                break;
            }
            straight_apostrophes(q->speaker.owned);
            q->speaker.name = q->speaker.owned;
        }
        if (!f->spk.found || f->spk.tok_end <= f->spk.tok_first)
            q->speaker.tok_first = q->speaker.tok_end = 0;
        if (f->how != FH_CONTINUE && f->how != FH_BLOCK) {
            q->cue_first = f->cue_first;
            q->cue_end = f->cue_end;
        }
        out->n++;
    }
    free(c);
    return rc;
}

int quotes_analyze(const qx_lexicon_t *lex, const qsettings_t *settings,
                   const qinput_t *in, qresult_t *out, qtrace_cb trace,
                   void *trace_data)
{
    memset(out, 0, sizeof *out);
    qdoc_t d;
    memset(&d, 0, sizeof d);
    d.lex = lex;
    d.set = settings;
    d.text = in->text;
    d.tok = in->tokens;
    d.nt = in->n_tokens;
    d.sent = in->sentences;
    d.ns = in->n_sentences;
    d.ents = in->entities;
    d.ne = in->n_entities;
    d.spans = in->spans;
    d.cstrs = in->cstrs;
    d.trace = trace;
    d.trace_data = trace_data;
    int rc = 0;
    if (d.nt == 0)
        return 0;
    rc = qd_setup(&d);
    if (!rc)
        rc = qm_pair(&d);
    if (!rc)
        rc = qf_find(&d);
    if (!rc)
        rc = resolve_all(&d);
    if (!rc)
        rc = emit(&d, out);
    if (!rc && d.oom)
        rc = GLOSSA_ENOMEM;
    for (size_t k = 0; k < d.n_frames; k++)
        free(d.frames[k].spk.owned);
    free(d.frames);
    free(d.regions);
    free(d.persons);
    free(d.ent_person);
    free(d.person_slot);
    free(d.surnames);
    qs_canon_free(&d);
    free(d.frame_at);
    free(d.frame_of);
    qd_release(&d);
    return rc;
}

void qresult_free(qresult_t *res)
{
    if (!res)
        return;
    for (size_t k = 0; k < res->n; k++)
        free(res->quotes[k].speaker.owned);
    free(res->quotes);
    memset(res, 0, sizeof *res);
}
