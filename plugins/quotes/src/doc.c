/* One document's tokens: their lexicon entries, the entity over them,
 * their sentence and line, and (per sentence, on demand) the phrases that
 * start on them. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *tok_text(const qdoc_t *d, uint32_t i, size_t *len)
{
    *len = d->tok[i].end - d->tok[i].start;
    return d->text + d->tok[i].start;
}

int qd_is(const qdoc_t *d, uint32_t i, const char *lower)
{
    if (i >= d->nt)
        return 0;
    size_t len;
    const char *w = tok_text(d, i, &len);
    if (d->tok[i].flags & GLOSSA_TOKEN_ASCII) {
        size_t k = 0;
        while (k < len && lower[k] &&
               (w[k] | ((w[k] >= 'A' && w[k] <= 'Z') ? 32 : 0)) == lower[k])
            k++;
        return k == len && lower[k] == '\0';
    }
    return qx_word_eq(w, len, lower);
}

int qd_punct(const qdoc_t *d, uint32_t i, char c)
{
    return i < d->nt && d->tok[i].end - d->tok[i].start == 1 &&
           d->text[d->tok[i].start] == c;
}

/* Em and en dashes, and a hyphen standing alone. */
int qd_dash(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return 0;
    size_t len;
    const unsigned char *w = (const unsigned char *)tok_text(d, i, &len);
    if (len == 1)
        return w[0] == '-';
    return len == 3 && w[0] == 0xE2 && w[1] == 0x80 &&
           (w[2] == 0x93 || w[2] == 0x94 || w[2] == 0x95);
}

const qx_entry_t *qd_entry(const qdoc_t *d, uint32_t i)
{
    return d->ti[i].e ? &d->lex->slots[d->ti[i].e - 1] : NULL;
}

/* qd_setup checks that the lexicon's slots fit in tinfo_t.e. */
static uint16_t slot_of(const qdoc_t *d, const qx_entry_t *e)
{
    return e ? (uint16_t)((e - d->lex->slots) + 1) : 0;
}

uint32_t qd_flags(const qdoc_t *d, uint32_t i)
{
    return i < d->nt && d->ti[i].e ? qd_entry(d, i)->flags : 0;
}

int qd_word(const qdoc_t *d, uint32_t i)
{
    return i < d->nt && (d->tok[i].flags & GLOSSA_TOKEN_WORD);
}

int qd_lower_word(const qdoc_t *d, uint32_t i)
{
    return qd_word(d, i) && !(d->tok[i].flags & GLOSSA_TOKEN_UPPER);
}

/* A verb form of the lexicon ending in "ing". */
int qd_participle(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt || !qd_ph(d, i)->verb)
        return 0;
    size_t len;
    const char *w = tok_text(d, i, &len);
    return len > 4 && memcmp(w + len - 3, "ing", 3) == 0;
}

uint32_t qd_sent_first(const qdoc_t *d, uint32_t s)
{
    return d->sent[s].token_first;
}

uint32_t qd_sent_end(const qdoc_t *d, uint32_t s)
{
    return d->sent[s].token_first + d->sent[s].token_count;
}

uint32_t qd_sent(const qdoc_t *d, uint32_t i)
{
    size_t lo = 0, hi = d->ns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->sent[mid].token_first + d->sent[mid].token_count <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->ns ? (uint32_t)lo : d->ns ? (uint32_t)d->ns - 1 : 0;
}

int qd_line_start(const qdoc_t *d, uint32_t i)
{
    return i == 0 ||
           (i < d->nt && (d->tok[i].flags & (GLOSSA_TOKEN_NEWLINE_BEFORE |
                                             GLOSSA_TOKEN_PARAGRAPH_BEFORE)));
}

/* A closing quotation mark among the few tokens before i (from first
 * on): "“...,” he continued", where a verb that reports only a quotation
 * is one ("encouraged continued dialogue", "the fighting continued" have
 * none, and there the word is no verb at all). */
static int close_before(const qdoc_t *d, uint32_t i, uint32_t first)
{
    for (uint32_t k = i; k-- > first && i - k <= 6;)
        if (qm_at_close(d, k) >= 0)
            return 1;
    return 0;
}

uint32_t qd_line(const qdoc_t *d, uint32_t i)
{
    size_t lo = 0, hi = d->n_lines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->line_start[mid] <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

const qx_verb_t *qd_verb(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return NULL;
    int v = qd_ph(d, i)->verb;
    return v ? &d->lex->verbs[v - 1] : NULL;
}

const qx_head_t *qd_head(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return NULL;
    int v = qd_ph(d, i)->head;
    return v ? &d->lex->heads[v - 1] : NULL;
}

const qx_title_t *qd_title(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return NULL;
    int v = qd_ph(d, i)->title;
    return v ? &d->lex->titles[v - 1] : NULL;
}

const qx_pronoun_t *qd_pronoun(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return NULL;
    int v = qd_ph(d, i)->pron;
    return v ? &d->lex->pronouns[v - 1] : NULL;
}

const qent_t *qd_ent(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return NULL;
    int32_t k = qd_ent_at(d, i);
    return k >= 0 ? &d->ents[k] : NULL;
}

/* Tokens of the phrase starting at token i (0: it does not match). */
static uint32_t phrase_match(const qdoc_t *d, uint32_t i, uint32_t end,
                             const qx_phrase_t *p)
{
    if (i + 1u + p->ntail > end)
        return 0;
    for (uint32_t k = 0; k < p->ntail; k++) {
        uint32_t t = i + 1 + k;
        if (!(d->tok[t].flags & GLOSSA_TOKEN_WORD) ||
            !qd_is(d, t, d->lex->tails[p->tail + k]))
            return 0;
    }
    return 1u + p->ntail;
}

const tphrase_t qd_ph_none;

static uint32_t ph_hash(uint32_t i)
{
    return i * 2654435761u;
}

const tphrase_t *qd_ph_find(const qdoc_t *d, uint32_t i)
{
    for (size_t k = ph_hash(i) & d->ph_mask;; k = (k + 1) & d->ph_mask)
        if (d->ph[k].tok == i)
            return &d->ph[k].ph;
}

/* Room for n more tokens with phrases in d->ph (at most 3/4 full); 0 or
 * GLOSSA_ENOMEM. */
static int ph_reserve(qdoc_t *d, size_t n)
{
    size_t cap = d->ph ? d->ph_mask + 1 : 0;
    if ((d->n_ph + n) * 4 <= cap * 3)
        return 0;
    size_t c = cap ? cap : 256;
    while ((d->n_ph + n) * 4 > c * 3)
        c *= 2;
    qphslot_t *t = malloc(c * sizeof *t);
    if (!t)
        return GLOSSA_ENOMEM;
    for (size_t k = 0; k < c; k++)
        t[k].tok = QNONE;
    for (size_t j = 0; j < cap; j++) {
        if (d->ph[j].tok == QNONE)
            continue;
        size_t k = ph_hash(d->ph[j].tok) & (c - 1);
        while (t[k].tok != QNONE)
            k = (k + 1) & (c - 1);
        t[k] = d->ph[j];
    }
    free(d->ph);
    d->ph = t;
    d->ph_mask = c - 1;
    return 0;
}

/* Token i's phrases, to write: a zeroed slot if it had none (ph_reserve
 * made room). */
static tphrase_t *ph_w(qdoc_t *d, uint32_t i)
{
    if (d->ph_bits[i >> 6] & (1ull << (i & 63)))
        return (tphrase_t *)qd_ph_find(d, i);
    d->ph_bits[i >> 6] |= 1ull << (i & 63);
    size_t k = ph_hash(i) & d->ph_mask;
    while (d->ph[k].tok != QNONE)
        k = (k + 1) & d->ph_mask;
    d->ph[k].tok = i;
    memset(&d->ph[k].ph, 0, sizeof d->ph[k].ph);
    d->n_ph++;
    return &d->ph[k].ph;
}

void qd_mark_sentence(qdoc_t *d, uint32_t s)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    if (first >= end || d->marked[s])
        return;
    /* A token's phrases are only written here, at most one a token. */
    if (ph_reserve(d, end - first)) {
        d->oom = 1;
        return;
    }
    d->marked[s] = 1;
    for (uint32_t i = first; i < end; i++) {
        tinfo_t *t = &d->ti[i];
        if (!t->looked && (d->tok[i].flags & GLOSSA_TOKEN_WORD)) {
            size_t len;
            const char *w = tok_text(d, i, &len);
            t->e = slot_of(
                d, (d->tok[i].flags & GLOSSA_TOKEN_ASCII)
                       ? qx_lookup_ascii(d->lex, w, len, qx_hash_ascii(w, len))
                       : qx_lookup(d->lex, w, len));
        }
        t->looked = 1u;
    }
    uint32_t title_until = first, head_until = first;
    for (uint32_t i = first; i < end; i++) {
        const qx_entry_t *e = qd_entry(d, i);
        if (!e || !e->phrase_count)
            continue;
        int got_verb = 0, got_title = 0, got_head = 0, got_src = 0;
        for (uint32_t k = 0; k < e->phrase_count; k++) {
            const qx_phrase_t *p = &d->lex->phrases[e->phrase_first + k];
            uint32_t n;
            switch (p->type) {
            case QP_VERB:
                if (got_verb || !(n = phrase_match(d, i, end, p)))
                    break;
                if ((d->lex->verbs[p->value].frames & QF_QINV) &&
                    !close_before(d, i, first))
                    break;
                got_verb = 1;
                ph_w(d, i)->verb = (int16_t)(p->value + 1);
                ph_w(d, i)->verb_len = (uint8_t)n;
                break;
            case QP_TITLE:
                if (got_title || i < title_until ||
                    !(n = phrase_match(d, i, end, p)))
                    break;
                got_title = 1;
                ph_w(d, i)->title_len = (uint8_t)n;
                for (uint32_t t = i; t < i + n; t++)
                    ph_w(d, t)->title = (int16_t)(p->value + 1);
                title_until = i + n;
                break;
            case QP_HEAD:
                if (got_head || i < head_until ||
                    !(n = phrase_match(d, i, end, p)))
                    break;
                got_head = 1;
                ph_w(d, i)->head_start = 1u;
                ph_w(d, i)->head_len = (uint8_t)n;
                for (uint32_t t = i; t < i + n; t++)
                    ph_w(d, t)->head = (int16_t)(p->value + 1);
                head_until = i + n;
                break;
            case QP_PRONOUN:
                ph_w(d, i)->pron = (uint8_t)(p->value + 1);
                break;
            case QP_SOURCE:
                if (got_src || !(n = phrase_match(d, i, end, p)))
                    break;
                got_src = 1;
                ph_w(d, i)->src_len = (uint8_t)n;
                break;
            default:
                break;
            }
        }
    }
}

/* The first token whose code-point end is past cp. */
static uint32_t token_at(const qdoc_t *d, uint32_t cp)
{
    size_t lo = 0, hi = d->nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->tok[mid].cp_end <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

/* Does punctuation token i make its sentence worth reading: a quotation
 * mark, a colon, a bracket, a dash opening a line, an em or en dash
 * anywhere (a headline's source: "... – Mikhail Kalugin")? */
static int cue_punct(const qdoc_t *d, uint32_t i)
{
    const unsigned char *w = (const unsigned char *)d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;
    if (len == 1)
        return w[0] == '"' || w[0] == '\'' || w[0] == ':' || w[0] == '(' ||
               (w[0] == '-' && qd_line_start(d, i));
    if (len == 2)
        return w[0] == 0xC2 && (w[1] == 0xAB || w[1] == 0xBB);
    if (len == 3 && w[0] == 0xE2 && w[1] == 0x80)
        return (w[2] >= 0x98 && w[2] <= 0x9E) || w[2] == 0xB9 || w[2] == 0xBA ||
               w[2] == 0x93 || w[2] == 0x94;
    return 0;
}

static int cue_prefix(const qx_lexicon_t *lex, const char *w, size_t n)
{
    int bit = qx_prefix_bit(w, n);
    if (bit < 0)
        return lex->cue_short;
    return (lex->cue_prefix[bit >> 6] & (1ull << (bit & 63))) != 0;
}

/* Appends token i to the line starts. */
static int add_line(qdoc_t *d, uint32_t i, size_t *cap)
{
    if (d->n_lines == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        uint32_t *l = realloc(d->line_start, c * sizeof *l);
        if (!l)
            return GLOSSA_ENOMEM;
        d->line_start = l;
        *cap = c;
    }
    d->line_start[d->n_lines++] = i;
    return 0;
}

/* Lays the entities on the tokens: their tokens, the entity covering a
 * token whole (qd_ent_at) and the tokens they cover in part. 0 or
 * GLOSSA_ENOMEM. */
static int ents_on_tokens(qdoc_t *d)
{
    size_t words = d->nt / 64 + 1;
    d->ent_bits = calloc(words, sizeof *d->ent_bits);
    d->ent_rank = malloc(words * sizeof *d->ent_rank);
    if (!d->ent_bits || !d->ent_rank)
        return GLOSSA_ENOMEM;
    for (size_t k = 0; k < d->ne; k++) {
        qent_t *e = &d->ents[k];
        uint32_t i = token_at(d, e->start);
        e->tok_first = i;
        e->tok_last = i;
        e->partial = 0;
        for (; i < d->nt && d->tok[i].cp_start < e->end; i++) {
            e->tok_last = i;
            if (d->tok[i].cp_start >= e->start && d->tok[i].cp_end <= e->end) {
                d->ent_bits[i >> 6] |= 1ull << (i & 63);
            } else {
                e->partial = 1;
                d->ti[i].pent = 1u;
            }
        }
    }
    uint32_t n = 0;
    for (size_t w = 0; w < words; w++) {
        d->ent_rank[w] = n;
        n += qd_popcount(d->ent_bits[w]);
    }
    d->ent_of = malloc((n ? n : 1) * sizeof *d->ent_of);
    if (!d->ent_of)
        return GLOSSA_ENOMEM;
    for (uint32_t r = 0; r < n; r++)
        d->ent_of[r] = -1;
    /* The first entity over a token is its entity, as the layer orders
     * them (by start). */
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        uint32_t i = e->tok_first;
        if (i >= d->nt)
            continue;
        /* r: the rank of token i's bit, counted on from the first. */
        uint32_t r =
            d->ent_rank[i >> 6] +
            qd_popcount(d->ent_bits[i >> 6] & ((1ull << (i & 63)) - 1));
        for (; i <= e->tok_last && i < d->nt; i++) {
            if (!(d->ent_bits[i >> 6] & (1ull << (i & 63))))
                continue;
            if (d->tok[i].cp_start >= e->start && d->tok[i].cp_start < e->end &&
                d->tok[i].cp_end <= e->end && d->ent_of[r] < 0)
                d->ent_of[r] = (int32_t)k;
            r++;
        }
    }
    return 0;
}

/* Only cue words are looked up here, through the lexicon's bit filter;
 * the other words of a sentence are looked up when the sentence is read
 * (qd_mark_sentence), which most sentences never are. */
int qd_setup(qdoc_t *d)
{
    if (d->lex->mask >= UINT16_MAX)
        return GLOSSA_ETOOBIG; /* tinfo_t.e holds a slot + 1 in 16 bits */
    d->ti = calloc(d->nt ? d->nt : 1, sizeof(tinfo_t));
    d->ph_bits = calloc((d->nt + 63) / 64 + 1, sizeof *d->ph_bits);
    /* cand and marked, one block. */
    d->cand = calloc(d->ns ? 2 * d->ns : 2, 1);
    if (!d->ti || !d->ph_bits || !d->cand)
        return GLOSSA_ENOMEM;
    d->marked = d->cand + (d->ns ? d->ns : 1);
    size_t cap_lines = 0;
    uint32_t s = 0;
    uint32_t s_end = d->ns ? qd_sent_end(d, 0) : 0;
    for (uint32_t i = 0; i < d->nt; i++) {
        tinfo_t *t = &d->ti[i];
        while (s + 1 < d->ns && i >= s_end)
            s_end = qd_sent_end(d, ++s);
        uint32_t tf = d->tok[i].flags;
        if (i &&
            (tf &
             (GLOSSA_TOKEN_NEWLINE_BEFORE | GLOSSA_TOKEN_PARAGRAPH_BEFORE)) &&
            add_line(d, i, &cap_lines))
            return GLOSSA_ENOMEM;
        uint32_t tlen = d->tok[i].end - d->tok[i].start;
        if ((tf & (GLOSSA_TOKEN_WORD | GLOSSA_TOKEN_ASCII)) ==
                (GLOSSA_TOKEN_WORD | GLOSSA_TOKEN_ASCII) &&
            tlen >= d->lex->cue_min && tlen <= d->lex->cue_max &&
            cue_prefix(d->lex, d->text + d->tok[i].start, tlen)) {
            size_t len;
            const char *w = tok_text(d, i, &len);
            /* The word is looked up for good here: its sentence, if read,
             * will not hash it again. */
            const qx_entry_t *e =
                qx_lookup_ascii(d->lex, w, len, qx_hash_ascii(w, len));
            t->e = slot_of(d, e);
            t->looked = 1u;
            if (e && (e->flags & QW_CUE) && d->ns)
                d->cand[s] = 1;
        } else if ((tf & GLOSSA_TOKEN_PUNCT) && d->ns && cue_punct(d, i)) {
            d->cand[s] = 1;
        }
    }
    return ents_on_tokens(d);
}

void qd_release(qdoc_t *d)
{
    free(d->ph_bits);
    free(d->ent_bits);
    free(d->ent_rank);
    free(d->ent_of);
    free(d->ph);
    free(d->cand);
    free(d->line_start);
    free(d->ti);
}
