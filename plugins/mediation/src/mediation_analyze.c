/* The analysis of one document.
 *
 * Sentences are read in order. For each one:
 *   1. words: every token lowercased and looked up once in the model's
 *      word table; entity spans mapped onto tokens; quotes, clauses and
 *      punctuation classified;
 *   2. cues: the profile's patterns matched (target stand-ins, role and
 *      context cues, anaphors, weighted polarity cues, fixed expressions);
 *   3. relevance: a target mention (an entity whose canonical name or
 *      refers_to is the target's, a stand-in, a pronoun resolved to a
 *      target person, "we" in a target's quote) with a role cue, or with a
 *      context cue near a mention of the conflict's parties; or a role
 *      anaphor ("the peacekeepers") right after a relevant sentence;
 *   4. frames: reporting and stance verbs with their speaker (the subject,
 *      found by skipping auxiliaries, adverbs, titles and head nouns; or a
 *      resolved pronoun; or "the Russian president" through the titles the
 *      document introduced) and their scope (the content before ", X
 *      said", or after "X said");
 *   5. polarity: each cue and each general-lexicon word contributes a
 *      value, changed by intensifiers, shifters, negation, modality,
 *      hedges, contrast, scare quotes and distance from the target; the
 *      sentence's polarity follows the net value; its holder is the
 *      speaker whose frames hold most of the winning side's weight, else
 *      the speaker of a quote the sentence continues, else the author.
 * A small history of earlier sentences serves pronouns, quotes that run
 * over several sentences, and anaphors. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediation_internal.h"

static const char AUTHOR[] = "author";

/* Sentences remembered for pronouns, quotes and anaphors. */
#define HIST 8
/* Titles ("Russian President" -> Vladimir Putin) remembered per document. */
#define MAX_TITLES 32
/* Pronoun antecedents are looked for this many sentences back. */
#define PRONOUN_LOOKBACK 4
/* Words scanned from a verb to its subject or speaker. */
#define SUBJECT_SCAN 10
/* Subjects joined by "and" kept for one verb ("Russia and EU leaders"). */
#define MAX_SUBJECTS 3

enum {
    P_NONE = 0, /* a word */
    P_COMMA,
    P_SEMI,
    P_BREAK, /* : ( ) [ ] dashes */
    P_OPENQ,
    P_CLOSEQ,
    P_TERM,
    P_OTHER
};

enum {
    M_TARGET = 1u << 0,  /* mentions the target */
    M_COVERED = 1u << 1, /* inside an accepted polarity cue */
    M_FIXED = 1u << 2,   /* inside a fixed expression */
    M_CUE = 1u << 3,     /* inside a role, context or anaphor cue */
    M_SCARE = 1u << 4,   /* inside a short quotation */
    M_QUOTE = 1u << 5,   /* inside a quotation */
    M_ROLE = 1u << 6     /* inside a role cue */
};

typedef struct word {
    uint32_t tok;    /* token index in the document */
    uint32_t lo;     /* lowercase form at ws->lbuf + lo */
    uint16_t len;    /* its length; 0: not looked up */
    uint16_t clause; /* clause number within the sentence */
    int32_t ent;     /* entity index or -1 */
    const med_entry_t *e;
    uint32_t flags; /* e->flags, minus what a fixed expression cancels */
    uint8_t punct;  /* P_* */
    uint8_t mark;   /* M_* */
} word_t;

typedef struct hit {
    uint16_t a, b; /* words [a, b) */
    uint8_t kind;
    uint8_t accepted;
    float weight;
    uint32_t pat;
} hit_t;

typedef struct speaker {
    const char *name;
    uint8_t target; /* the speaker is the target or a target person */
    uint8_t person;
} speaker_t;

typedef struct frame {
    uint16_t verb;
    uint16_t a, b;  /* scope: words [a, b) */
    uint8_t denial; /* the speaker denies what the scope says */
    /* A stance toward someone else ("accused the Armenian government
     * of..."): what it holds says nothing of the target. */
    uint8_t off_target;
    speaker_t who;
} frame_t;

typedef struct contrib {
    uint16_t pos;
    uint8_t domain;
    float v;
    int16_t holder; /* frame index, -1 author, -2 the quote's speaker */
} contrib_t;

typedef struct title {
    const char *country;
    const med_entry_t *title; /* the last title word, e.g. "president" */
    speaker_t person;
} title_t;

typedef struct hist {
    speaker_t subject;       /* who "he" most likely is next */
    speaker_t quote_speaker; /* whose quote may run on */
    uint8_t relevant;
    uint8_t had_target;
    uint8_t ends_in_quote;
    uint8_t valid;
} hist_t;

typedef struct einfo {
    uint8_t target, party;
    const char *holder;
} einfo_t;

typedef struct ws {
    const mediation_model_t *m;
    const mediation_doc_t *doc;
    mediation_trace_cb trace;
    void *trace_ud;

    einfo_t *einfo;
    word_t *w;
    size_t n; /* words of the current sentence */
    char *lbuf;
    size_t lbuf_cap;
    hit_t *hits;
    size_t n_hits, cap_hits;
    frame_t *frames;
    size_t n_frames, cap_frames;
    contrib_t *contribs;
    size_t n_contribs;
    uint8_t *clause_on_target;

    title_t titles[MAX_TITLES];
    size_t n_titles;
    hist_t hist[HIST];
    long last_party_sentence;
    int quote_open; /* a quotation runs on from the previous sentence */

    mediation_span_t *spans;
    size_t n_spans, cap_spans;
} ws_t;

static void tracef(ws_t *ws, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tracef(ws_t *ws, const char *fmt, ...)
{
    if (!ws->trace)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ws->trace(ws->trace_ud, line);
}

/* ---- Small helpers ------------------------------------------------------ */

static inline const char *wtext(const ws_t *ws, const word_t *x)
{
    return ws->lbuf + x->lo;
}

static int word_is(const ws_t *ws, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return i < ws->n && ws->w[i].len == n &&
           memcmp(wtext(ws, &ws->w[i]), lit, n) == 0;
}

static int is_ly_adverb(const ws_t *ws, const word_t *x)
{
    return x->len > 3 && x->punct == P_NONE &&
           memcmp(wtext(ws, x) + x->len - 2, "ly", 2) == 0;
}

static int ends_with_ing(const ws_t *ws, const word_t *x)
{
    return x->len > 4 && memcmp(wtext(ws, x) + x->len - 3, "ing", 3) == 0;
}

static int ends_with_ed(const ws_t *ws, const word_t *x)
{
    return x->len > 3 && memcmp(wtext(ws, x) + x->len - 2, "ed", 2) == 0;
}

/* Decodes the code point at s (valid UTF-8). */
static uint32_t decode(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return s[0];
    if ((s[0] & 0xE0) == 0xC0 && n >= 2)
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if ((s[0] & 0xF0) == 0xE0 && n >= 3)
        return ((uint32_t)(s[0] & 0x0F) << 12) |
               ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if (n >= 4)
        return ((uint32_t)(s[0] & 0x07) << 18) |
               ((uint32_t)(s[1] & 0x3F) << 12) |
               ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 0xFFFD;
}

static const med_entry_t *lookup_name(const mediation_model_t *m,
                                      const char *name)
{
    char key[MED_MAX_WORD];
    size_t len = med_fold(name, strlen(name), key);
    return len ? med_lookup(m, key, len) : NULL;
}

static int same_name(const char *a, const char *b)
{
    return a && b && (a == b || strcmp(a, b) == 0);
}

/* ---- Entities ----------------------------------------------------------- */

static void classify_entities(ws_t *ws)
{
    const mediation_doc_t *d = ws->doc;
    for (size_t i = 0; i < d->n_entities; i++) {
        const mediation_entity_t *en = &d->entities[i];
        einfo_t *ei = &ws->einfo[i];
        memset(ei, 0, sizeof(*ei));
        int person = en->label == MEDIATION_PERSON;
        ei->holder = (!person && en->refers_to) ? en->refers_to : en->canonical;
        const med_entry_t *c = lookup_name(ws->m, en->canonical);
        const med_entry_t *r =
            en->refers_to ? lookup_name(ws->m, en->refers_to) : NULL;
        uint32_t f = (c ? c->flags : 0) | (r ? r->flags : 0);
        if (person) {
            /* A person is matched by full name or by surname. */
            const char *sp = strrchr(en->canonical, ' ');
            const med_entry_t *last = sp ? lookup_name(ws->m, sp + 1) : c;
            uint32_t lf = last ? last->flags : 0;
            ei->target = (f & N_TARGET) || (lf & N_TARGET_PERSON);
            ei->party = (f & N_PARTY) || (lf & N_PARTY_PERSON);
        } else {
            ei->target = (f & N_TARGET) != 0;
            ei->party = (f & N_PARTY) != 0;
            /* "Moscow said", "the Kremlin said": the target speaks, even
             * when the layer gives no refers_to. */
            if (ei->target)
                ei->holder = med_str(ws->m, ws->m->target_name);
        }
    }
}

static speaker_t entity_speaker(const ws_t *ws, int32_t ent)
{
    speaker_t s = {ws->einfo[ent].holder, ws->einfo[ent].target,
                   ws->doc->entities[ent].label == MEDIATION_PERSON};
    return s;
}

/* ---- Titles: "Russian President Vladimir Putin" ------------------------- */

static const title_t *title_find(const ws_t *ws, const char *country,
                                 const med_entry_t *t)
{
    for (size_t i = ws->n_titles; i-- > 0;)
        if (ws->titles[i].title == t &&
            same_name(ws->titles[i].country, country))
            return &ws->titles[i];
    return NULL;
}

static void title_add(ws_t *ws, const char *country, const med_entry_t *t,
                      speaker_t person)
{
    title_t *slot = (title_t *)title_find(ws, country, t);
    if (!slot) {
        if (ws->n_titles == MAX_TITLES)
            return; /* the first ones introduced matter most */
        slot = &ws->titles[ws->n_titles++];
    }
    slot->country = country;
    slot->title = t;
    slot->person = person;
}

/* Last word index of the entity that word i belongs to. */
static size_t ent_last(const ws_t *ws, size_t i)
{
    while (i + 1 < ws->n && ws->w[i + 1].ent == ws->w[i].ent)
        i++;
    return i;
}

static size_t ent_first(const ws_t *ws, size_t i)
{
    while (i > 0 && ws->w[i - 1].ent == ws->w[i].ent)
        i--;
    return i;
}

/* For a NORP/GPE entity ending at word `last`: the titles after it (past a
 * possessive). Sets *title_end to the word after them and returns the last
 * title word's entry, or NULL when no title follows. */
static const med_entry_t *titles_after(const ws_t *ws, size_t last,
                                       size_t *title_end)
{
    size_t j = last + 1;
    if (j < ws->n && word_is(ws, j, "'s"))
        j++;
    const med_entry_t *t = NULL;
    size_t k = 0;
    while (j < ws->n && k < 4 && (ws->w[j].flags & W_TITLE) &&
           ws->w[j].ent < 0) {
        t = ws->w[j].e;
        j++;
        k++;
    }
    *title_end = j;
    return t;
}

/* Records the titles this sentence introduces. */
static void learn_titles(ws_t *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e < 0 || (i > 0 && ws->w[i - 1].ent == e))
            continue;
        mediation_label_t lab = ws->doc->entities[e].label;
        if (lab != MEDIATION_NORP && lab != MEDIATION_GPE)
            continue;
        size_t end;
        const med_entry_t *t = titles_after(ws, ent_last(ws, i), &end);
        if (!t || end >= ws->n || ws->w[end].ent < 0 ||
            ws->doc->entities[ws->w[end].ent].label != MEDIATION_PERSON)
            continue;
        title_add(ws, ws->einfo[e].holder, t,
                  entity_speaker(ws, ws->w[end].ent));
    }
}

/* A NORP/GPE mention at word i followed by titles but no name ("the
 * Russian president"): the person the document introduced with them. */
static int title_person(const ws_t *ws, size_t i, speaker_t *out, size_t *end)
{
    int32_t e = ws->w[i].ent;
    mediation_label_t lab = ws->doc->entities[e].label;
    if (lab != MEDIATION_NORP && lab != MEDIATION_GPE)
        return 0;
    const med_entry_t *t = titles_after(ws, ent_last(ws, i), end);
    if (!t || (*end < ws->n && ws->w[*end].ent >= 0))
        return 0;
    const title_t *found = title_find(ws, ws->einfo[e].holder, t);
    /* "the Russian leader": any title the document gave that country's
     * person will do. */
    for (size_t k = ws->n_titles;
         !found && (t->flags & W_GENERIC_TITLE) && k-- > 0;)
        if (same_name(ws->titles[k].country, ws->einfo[e].holder))
            found = &ws->titles[k];
    if (!found)
        return 0;
    *out = found->person;
    return 1;
}

/* ---- Words -------------------------------------------------------------- */

static uint8_t classify_punct(const ws_t *ws, size_t k, int *quote_open)
{
    const glossa_token_t *t = &ws->doc->tokens[ws->w[k].tok];
    const unsigned char *s = (const unsigned char *)ws->doc->text + t->start;
    uint32_t cp = decode(s, t->end - t->start);
    switch (cp) {
    case ',':
        return P_COMMA;
    case ';':
        return P_SEMI;
    case ':':
    case '(':
    case ')':
    case '[':
    case ']':
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2015:
        return P_BREAK;
    case '-':
        return (t->end - t->start > 1) ? P_BREAK : P_OTHER; /* "--" */
    case 0x201C:
    case 0x201E:
    case 0x00AB:
        return P_OPENQ;
    case 0x201D:
    case 0x00BB:
        return P_CLOSEQ;
    case '"':
        /* A straight quote opens after a space or at the start, and only
         * when not already open. */
        if (!*quote_open && (k == 0 || (t->flags & GLOSSA_TOKEN_SPACE_BEFORE)))
            return P_OPENQ;
        return *quote_open ? P_CLOSEQ : P_OPENQ;
    case '.':
    case '!':
    case '?':
    case 0x2026:
        return P_TERM;
    default:
        return P_OTHER;
    }
}

/* Builds the words of sentence s and sets *has_party when any mentions
 * a party. Returns 0, or GLOSSA_EINVAL for a token outside the text. */
static int build_words(ws_t *ws, size_t s, size_t *ent_cursor,
                       int *has_party_out)
{
    const mediation_doc_t *d = ws->doc;
    const glossa_sentence_t *sent = &d->sentences[s];
    size_t lo = 0;
    int has_party = 0;
    int quote_open = ws->quote_open;
    size_t quote_start = 0, quote_words = 0;
    size_t ec = *ent_cursor;
    ws->n = sent->token_count;
    for (size_t k = 0; k < ws->n; k++) {
        word_t *x = &ws->w[k];
        const glossa_token_t *t = &d->tokens[sent->token_first + k];
        x->tok = (uint32_t)(sent->token_first + k);
        x->lo = (uint32_t)lo;
        x->e = NULL;
        x->flags = 0;
        x->mark = 0;
        x->ent = -1;
        if (t->end > d->text_len || t->start > t->end ||
            lo + (t->end - t->start) > ws->lbuf_cap)
            return GLOSSA_EINVAL;
        size_t blen = t->end - t->start;
        size_t len = blen < MED_MAX_WORD
                         ? med_fold(d->text + t->start, blen, ws->lbuf + lo)
                         : 0;
        x->len = (uint16_t)len;
        lo += len;
        x->punct = (t->flags & (GLOSSA_TOKEN_PUNCT | GLOSSA_TOKEN_SYMBOL))
                       ? classify_punct(ws, k, &quote_open)
                       : P_NONE;

        /* Entities: both lists are sorted, so one cursor serves the whole
         * document. */
        while (ec < d->n_entities && d->entities[ec].end <= t->cp_start)
            ec++;
        if (ec < d->n_entities && d->entities[ec].start < t->cp_end) {
            x->ent = (int32_t)ec;
            if (ws->einfo[ec].target)
                x->mark |= M_TARGET;
            has_party |= ws->einfo[ec].party;
        }

        if (x->punct == P_OPENQ) {
            quote_open = 1;
            quote_start = k + 1;
            quote_words = 0;
        } else if (x->punct == P_CLOSEQ) {
            if (quote_open && quote_words > 0 &&
                (int)quote_words <= ws->m->w.scare_quote_max_words)
                for (size_t j = quote_start; j < k; j++)
                    ws->w[j].mark |= M_SCARE;
            quote_open = 0;
        } else if (quote_open) {
            x->mark |= M_QUOTE;
            if (x->punct == P_NONE)
                quote_words++;
        }
    }
    /* A quotation left open runs on into the next sentence. */
    ws->quote_open = quote_open;
    *ent_cursor = ec;
    *has_party_out = has_party;
    return 0;
}

/* Looks words [a, b) up in the model's table (words are looked up only
 * in sentences that may be relevant, and near names in the others). */
static void look_up(ws_t *ws, size_t a, size_t b)
{
    for (size_t k = a; k < b && k < ws->n; k++) {
        word_t *x = &ws->w[k];
        /* Numbers and the punctuation classified already are in no
         * list. */
        if (x->e || !x->len || (x->punct != P_NONE && x->punct != P_OTHER) ||
            (ws->doc->tokens[x->tok].flags & GLOSSA_TOKEN_NUMBER))
            continue;
        x->e = med_lookup(ws->m, wtext(ws, x), x->len);
        x->flags = x->e ? x->e->flags : 0;
    }
}

/* Numbers the clauses: punctuation and clause words start new ones. */
static void number_clauses(ws_t *ws)
{
    uint16_t clause = 0;
    for (size_t k = 0; k < ws->n; k++) {
        word_t *x = &ws->w[k];
        if (x->punct == P_COMMA || x->punct == P_SEMI || x->punct == P_BREAK ||
            x->punct == P_OPENQ || x->punct == P_CLOSEQ ||
            (x->flags & W_CLAUSE))
            clause++;
        x->clause = clause;
    }
}

/* Can this sentence be relevant at all? Only with a target entity, a
 * word that may start a target stand-in, a pronoun that may name the
 * target, or a relevant sentence before it (anaphors). This test reads
 * no table, so that most sentences of a long document cost little. */
static int may_be_relevant(const ws_t *ws, const hist_t *prev)
{
    const mediation_model_t *m = ws->m;
    if (m->pronouns_overflow || (prev && prev->relevant))
        return 1;
    for (size_t k = 0; k < ws->n; k++) {
        const word_t *x = &ws->w[k];
        if (x->mark & M_TARGET)
            return 1;
        if (!x->len || x->punct != P_NONE)
            continue;
        size_t c = med_prefix3(wtext(ws, x), x->len);
        if (m->target3[c / 8] & (1u << (c % 8)))
            return 1;
        for (size_t p = 0; p < m->n_pronouns; p++) {
            const med_entry_t *e = &m->entries[m->pronouns[p]];
            if (e->len == x->len &&
                memcmp(m->pool + e->key, wtext(ws, x), x->len) == 0)
                return 1;
        }
    }
    return 0;
}

/* In a sentence that cannot be relevant, only the words after a name
 * matter: the titles that introduce a person ("Russian President
 * Vladimir Putin"). */
static void look_up_after_names(ws_t *ws)
{
    for (size_t k = 0; k + 1 < ws->n; k++) {
        int32_t e = ws->w[k].ent;
        if (e < 0 || ws->w[k + 1].ent == e)
            continue;
        mediation_label_t lab = ws->doc->entities[e].label;
        if (lab == MEDIATION_NORP || lab == MEDIATION_GPE)
            look_up(ws, k + 1, k + 6);
    }
}

/* ---- Patterns ----------------------------------------------------------- */

static int elem_matches(const ws_t *ws, const med_elem_t *el, const word_t *x)
{
    if (x->len < el->len || (!el->prefix && x->len != el->len))
        return 0;
    return memcmp(wtext(ws, x), ws->m->pool + el->key, el->len) == 0;
}

static void hit_push(ws_t *ws, size_t a, size_t b, const med_pattern_t *p,
                     size_t pat)
{
    if (ws->n_hits == ws->cap_hits)
        return; /* bounded per sentence; see alloc in mediation_analyze */
    hit_t *h = &ws->hits[ws->n_hits++];
    h->a = (uint16_t)a;
    h->b = (uint16_t)b;
    h->kind = p->kind;
    h->accepted = 0;
    h->weight = p->weight;
    h->pat = (uint32_t)pat;
}

/* Tries every pattern of one head chain at word i. */
static void try_chain(ws_t *ws, int32_t head, size_t i)
{
    const mediation_model_t *m = ws->m;
    for (int32_t p = head; p >= 0; p = m->patterns[p].next) {
        const med_pattern_t *pat = &m->patterns[p];
        size_t at = i;
        int ok = 1;
        for (size_t k = 1; ok && k < pat->n_elem; k++) {
            const med_elem_t *el = &m->elems[pat->elem_first + k];
            ok = 0;
            for (size_t j = at + 1; j < ws->n && j <= at + 1 + pat->gap; j++) {
                const word_t *x = &ws->w[j];
                if (elem_matches(ws, el, x)) {
                    at = j;
                    ok = 1;
                    break;
                }
                /* Gaps may hold words and apostrophes, never a clause
                 * boundary. */
                if (x->punct != P_NONE && x->punct != P_OTHER)
                    break;
            }
        }
        if (ok)
            hit_push(ws, i, at + 1, pat, (size_t)p);
    }
}

static void match_patterns(ws_t *ws)
{
    const mediation_model_t *m = ws->m;
    ws->n_hits = 0;
    char key[MED_MAX_WORD + 1];
    for (size_t i = 0; i < ws->n; i++) {
        const word_t *x = &ws->w[i];
        if (x->e && x->e->pat_head >= 0)
            try_chain(ws, x->e->pat_head, i);
        if (x->len < 3 || x->punct != P_NONE)
            continue;
        const char *s = wtext(ws, x);
        uint32_t lens = med_prefix_lengths(m, med_prefix3(s, x->len));
        if (!lens)
            continue;
        memcpy(key, s, x->len);
        for (size_t l = 3; l <= x->len && l <= MED_MAX_PREFIX; l++) {
            if (!(lens & (1u << l)))
                continue;
            key[l] = '*';
            const med_entry_t *pe = med_lookup(m, key, l + 1);
            key[l] = l < x->len ? s[l] : '\0';
            if (pe && (pe->flags & W_PREFIX_KEY) && pe->pat_head >= 0)
                try_chain(ws, pe->pat_head, i);
        }
    }
}

typedef struct cues {
    int role, context, anaphor, target;
} cues_t;

/* Applies the hits: marks words, and picks non-overlapping polarity cues,
 * longest first ("traded criticism" over "criticism"). */
static cues_t apply_hits(ws_t *ws)
{
    cues_t c = {0, 0, 0, 0};
    for (size_t h = 0; h < ws->n_hits; h++) {
        hit_t *x = &ws->hits[h];
        uint8_t mark = 0;
        switch (x->kind) {
        case PAT_FIXED:
            mark = M_FIXED;
            break;
        case PAT_TARGET:
            mark = M_TARGET;
            break;
        case PAT_ROLE:
            c.role = 1;
            mark = M_CUE | M_ROLE;
            break;
        case PAT_CONTEXT:
            c.context = 1;
            mark = M_CUE;
            break;
        case PAT_ANAPHOR:
            c.anaphor = 1;
            mark = M_CUE;
            break;
        default:
            break;
        }
        for (size_t i = x->a; i < x->b; i++)
            ws->w[i].mark |= mark;
    }
    for (;;) {
        hit_t *best = NULL;
        for (size_t h = 0; h < ws->n_hits; h++) {
            hit_t *x = &ws->hits[h];
            if (x->kind != PAT_POLARITY || x->accepted)
                continue;
            int free_span = 1;
            for (size_t i = x->a; free_span && i < x->b; i++)
                free_span = !(ws->w[i].mark & M_COVERED);
            if (!free_span) {
                x->accepted = 2; /* rejected */
                continue;
            }
            if (!best || x->b - x->a > best->b - best->a)
                best = x;
        }
        if (!best)
            break;
        best->accepted = 1;
        for (size_t i = best->a; i < best->b; i++)
            ws->w[i].mark |= M_COVERED;
    }
    /* A fixed expression cancels what its words would otherwise do. */
    for (size_t i = 0; i < ws->n; i++)
        if (ws->w[i].mark & M_FIXED)
            ws->w[i].flags &=
                ~(uint32_t)(W_NEGATOR | W_INTENS | W_SAY | W_STANCE |
                            W_CONTRAST_AFTER | W_CONTRAST_BEFORE);
    for (size_t i = 0; i < ws->n; i++)
        c.target |= (ws->w[i].mark & M_TARGET) != 0;
    return c;
}

/* ---- Pronouns ----------------------------------------------------------- */

static int person_in_sentence(const ws_t *ws, const char *name)
{
    for (size_t i = 0; i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e >= 0 && ws->doc->entities[e].label == MEDIATION_PERSON &&
            same_name(ws->einfo[e].holder, name))
            return 1;
    }
    return 0;
}

/* The first person mentioned before word `before` (by name, or by a title
 * the document introduced). */
static int first_person(const ws_t *ws, size_t before, speaker_t *out)
{
    for (size_t i = 0; i < before && i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e < 0 || (i > 0 && ws->w[i - 1].ent == e))
            continue;
        if (ws->doc->entities[e].label == MEDIATION_PERSON) {
            *out = entity_speaker(ws, e);
            return 1;
        }
        size_t end;
        if (title_person(ws, i, out, &end))
            return 1;
    }
    return 0;
}

/* "he"/"she" at word p of sentence s: the first person named earlier in
 * the sentence, else the latest earlier subject not named in this
 * sentence ("he told Pashinyan" is not Pashinyan). */
static int resolve_pronoun(const ws_t *ws, size_t s, size_t p, speaker_t *out)
{
    if (first_person(ws, p, out))
        return 1;
    for (size_t k = 1; k <= PRONOUN_LOOKBACK && k <= s; k++) {
        const hist_t *h = &ws->hist[(s - k) % HIST];
        if (!h->valid || !h->subject.name)
            continue;
        if (person_in_sentence(ws, h->subject.name))
            continue;
        *out = h->subject;
        return 1;
    }
    return 0;
}

/* ---- Frames ------------------------------------------------------------- */

/* The speaker NP that starts at entity word i (NORP/GPE + titles + name
 * gives the name; NORP/GPE + titles alone gives the titled person). */
static speaker_t np_speaker(const ws_t *ws, size_t i)
{
    int32_t e = ws->w[i].ent;
    speaker_t sp = entity_speaker(ws, e);
    mediation_label_t lab = ws->doc->entities[e].label;
    if (lab == MEDIATION_NORP || lab == MEDIATION_GPE) {
        size_t end;
        const med_entry_t *t = titles_after(ws, ent_last(ws, i), &end);
        if (t && end < ws->n && ws->w[end].ent >= 0 &&
            ws->doc->entities[ws->w[end].ent].label == MEDIATION_PERSON)
            return entity_speaker(ws, ws->w[end].ent);
        speaker_t titled;
        if (title_person(ws, i, &titled, &end))
            return titled;
    }
    return sp;
}

/* Subjects left of verb v. Returns how many (0..MAX_SUBJECTS) and the
 * first word of the subject phrase. */
static size_t left_subjects(const ws_t *ws, size_t s, size_t v, speaker_t *out,
                            size_t *first)
{
    int relative = 0, parenthetical = 0;
    size_t steps = 0;
    for (size_t j = v; j-- > 0 && steps++ < SUBJECT_SCAN;) {
        const word_t *x = &ws->w[j];
        if (x->ent >= 0) {
            size_t f = ent_first(ws, j);
            size_t n = 0;
            /* Name the person when a title names one ("Russian President
             * Vladimir Putin"), else the entity itself. */
            out[n++] = np_speaker(ws, f);
            /* "Russia and EU leaders": earlier conjuncts. A comma alone
             * joins nothing here: "..., Armenia and Azerbaijan, Lavrov
             * added" has one speaker. */
            while (n < MAX_SUBJECTS && f >= 2 &&
                   (ws->w[f - 1].flags & W_CONJ) && ws->w[f - 2].ent >= 0) {
                f = ent_first(ws, f - 2);
                /* Conjuncts are listed first to last. */
                memmove(out + 1, out, n * sizeof(*out));
                out[0] = np_speaker(ws, f);
                n++;
            }
            /* The phrase also holds a possessor ("Armenia's Pashinyan")
             * and what precedes the name ("the Russian president",
             * "President Vladimir Putin"). */
            for (;;) {
                if (f >= 2 && word_is(ws, f - 1, "'s") && ws->w[f - 2].ent >= 0)
                    f = ent_first(ws, f - 2);
                else if (f >= 1 && ws->w[f - 1].ent < 0 &&
                         (ws->w[f - 1].flags & (W_DET | W_TITLE | W_SUBJ_HEAD)))
                    f--;
                else if (f >= 1 && ws->w[f - 1].ent >= 0 &&
                         (ws->w[f].flags & W_TITLE) &&
                         (ws->doc->entities[ws->w[f - 1].ent].label ==
                              MEDIATION_NORP ||
                          ws->doc->entities[ws->w[f - 1].ent].label ==
                              MEDIATION_GPE))
                    f = ent_first(ws, f - 1); /* "Armenian Foreign Minister" */
                else
                    break;
            }
            *first = f;
            return n;
        }
        if (x->flags & W_PRON_PERSON) {
            if (!resolve_pronoun(ws, s, j, &out[0]))
                return 0;
            *first = j;
            return 1;
        }
        if (x->flags & W_RELATIVE) {
            relative = 1;
            continue;
        }
        if (x->punct == P_COMMA && relative)
            continue;
        if (x->punct == P_COMMA && !parenthetical) {
            /* "Putin, who hosted the talks, called them...": skip back
             * over a parenthetical that follows a name. */
            size_t k = j;
            while (k-- > 0 && j - k < SUBJECT_SCAN &&
                   ws->w[k].punct != P_COMMA && ws->w[k].punct != P_SEMI &&
                   ws->w[k].punct != P_TERM && ws->w[k].punct != P_OPENQ &&
                   ws->w[k].punct != P_CLOSEQ)
                ;
            if (k < j && k >= 1 && ws->w[k].punct == P_COMMA &&
                (ws->w[k - 1].ent >= 0 ||
                 (ws->w[k - 1].flags & (W_SUBJ_HEAD | W_TITLE)))) {
                parenthetical = 1;
                j = k; /* the loop continues at the name */
                continue;
            }
        }
        if ((x->flags & (W_SUBJ_SKIP | W_SUBJ_HEAD | W_TITLE | W_NEGATOR)) ||
            is_ly_adverb(ws, x))
            continue;
        return 0;
    }
    return 0;
}

/* A speaker named right of word `from` ("..., said Putin", "by Armenia",
 * "according to the Kremlin"). */
static int right_speaker(const ws_t *ws, size_t s, size_t from, speaker_t *out)
{
    for (size_t j = from; j < ws->n && j < from + SUBJECT_SCAN; j++) {
        const word_t *x = &ws->w[j];
        if (x->ent >= 0) {
            *out = np_speaker(ws, j);
            return 1;
        }
        if (x->flags & W_PRON_PERSON)
            return resolve_pronoun(ws, s, j, out);
        if (x->flags & (W_TITLE | W_SUBJ_SKIP | W_SUBJ_HEAD))
            continue;
        return 0;
    }
    return 0;
}

/* Does the reported content start at word j ("said that", "said he",
 * "said the talks", "said: “...")? */
static int starts_complement(const ws_t *ws, size_t j)
{
    if (j >= ws->n)
        return 0;
    const word_t *x = &ws->w[j];
    if (x->punct == P_OPENQ || x->punct == P_BREAK || x->ent >= 0)
        return 1;
    if (x->flags & (W_RELATIVE | W_PRON_PERSON | W_PRON_WE))
        return 1;
    static const char *const starts[] = {
        "it",    "they", "i",     "there", "a",   "an",  "this", "these",
        "those", "its",  "their", "his",   "her", "our", NULL};
    for (size_t k = 0; starts[k]; k++)
        if (word_is(ws, j, starts[k]))
            return 1;
    /* "the" opens the content unless it names the one told ("told the
     * reporters" is rare enough next to "said the talks"). */
    return word_is(ws, j, "the");
}

/* End of a forward scope that starts at verb v. */
static size_t forward_end(const ws_t *ws, size_t v)
{
    for (size_t j = v + 1; j < ws->n; j++) {
        const word_t *x = &ws->w[j];
        if (x->punct == P_SEMI)
            return j;
        if (x->punct == P_COMMA && j + 1 < ws->n) {
            const word_t *y = &ws->w[j + 1];
            /* ", but he could..." and ", reaffirming Moscow's role" are
             * the author's again. */
            if ((y->flags & W_CONTRAST_AFTER) ||
                (ends_with_ing(ws, y) && !(y->flags & (W_SAY | W_STANCE)) &&
                 !(y->mark & M_QUOTE)))
                return j;
        }
    }
    return ws->n;
}

static void frame_push(ws_t *ws, size_t v, size_t a, size_t b, speaker_t who)
{
    if (ws->n_frames == ws->cap_frames || a >= b)
        return;
    frame_t *f = &ws->frames[ws->n_frames++];
    f->verb = (uint16_t)v;
    f->a = (uint16_t)a;
    f->b = (uint16_t)b;
    f->who = who;
    f->denial = (ws->w[v].flags & W_DENIAL) != 0;
    /* The object of a stance verb: when it is named and is not the
     * target, the stance is about someone else. */
    f->off_target = 0;
    if ((ws->w[v].flags & W_STANCE) && !f->denial) {
        for (size_t j = v + 1; j < ws->n && j <= v + 4; j++) {
            const word_t *x = &ws->w[j];
            if (x->ent >= 0) {
                f->off_target = !ws->einfo[x->ent].target;
                break;
            }
            if (!(x->flags & (W_DET | W_TITLE | W_SUBJ_HEAD)))
                break;
        }
    }
}

/* A passive participle ("has been criticised") without a subject of its
 * own: returns 1 and sets *agent_at to the word after "by", or to n when
 * there is no agent. */
static int passive_at(const ws_t *ws, size_t v, size_t *agent_at)
{
    const word_t *x = &ws->w[v];
    if (!ends_with_ed(ws, x) && !word_is(ws, v, "told") &&
        !word_is(ws, v, "thought"))
        return 0;
    size_t j = v;
    while (j > 0 && is_ly_adverb(ws, &ws->w[j - 1]))
        j--;
    if (j == 0 || !(ws->w[j - 1].flags & W_PASSIVE_AUX))
        return 0;
    *agent_at =
        (v + 1 < ws->n && (ws->w[v + 1].flags & W_AGENT)) ? v + 2 : ws->n;
    return 1;
}

static void find_frames(ws_t *ws, size_t s)
{
    ws->n_frames = 0;
    for (size_t v = 0; v < ws->n; v++) {
        const word_t *x = &ws->w[v];
        uint32_t f = x->flags;
        if (!(f & (W_SAY | W_STANCE | W_RECIPROCAL | W_ACCORDING)) ||
            x->ent >= 0)
            continue;
        speaker_t who[MAX_SUBJECTS];
        size_t n_who = 0, first = v;
        int inverted = 0;

        if (f & W_ACCORDING) {
            if (!word_is(ws, v + 1, "to") || !right_speaker(ws, s, v + 2, who))
                continue;
            if (v > 0 && ws->w[v - 1].punct == P_COMMA)
                frame_push(ws, v, 0, v - 1, who[0]);
            else
                frame_push(ws, v, v, ws->n, who[0]);
            continue;
        }
        if (f & W_RECIPROCAL) {
            /* Only "traded criticism", not "traded goods". */
            int stance = 0;
            for (size_t j = v + 1; j < ws->n && j <= v + 2; j++)
                stance |= (ws->w[j].mark & M_COVERED) ||
                          (ws->w[j].e && ws->w[j].e->valence < 0);
            if (!stance)
                continue;
        }
        size_t agent_at;
        if (passive_at(ws, v, &agent_at)) {
            if (agent_at < ws->n) {
                if (!right_speaker(ws, s, agent_at, who))
                    continue; /* "criticised by some": nobody named */
                /* The agent holds the stance on what precedes. */
                frame_push(ws, v, 0, ws->n, who[0]);
                continue;
            }
            if (!(f & W_SAY))
                continue;
            /* "Aliyev was quoted as saying": the subject speaks. */
        }
        n_who = left_subjects(ws, s, v, who, &first);
        /* "..., said Putin": only reporting verbs invert; after "criticised"
         * the name is the object. */
        if (!n_who && v > 0 && (f & W_SAY) &&
            (ws->w[v - 1].punct == P_COMMA || ws->w[v - 1].punct == P_CLOSEQ)) {
            if (right_speaker(ws, s, v + 1, who)) {
                n_who = 1;
                inverted = 1;
            }
        }
        /* "Zakharova said ..., and accused ...": a coordinated verb
         * shares the subject of the verb before it. */
        if (!n_who && v > 0 && (ws->w[v - 1].flags & W_CONJ) &&
            ws->n_frames > 0) {
            frame_push(ws, v, v, forward_end(ws, v),
                       ws->frames[ws->n_frames - 1].who);
            continue;
        }
        if (!n_who) {
            if (!(f & W_DENIAL))
                continue;
            /* "Western diplomats questioned whether...": nobody named, but
             * the doubt still reverses what it holds, as the author
             * reports it. */
            speaker_t unnamed = {AUTHOR, 0, 0};
            frame_push(ws, v, v, forward_end(ws, v), unnamed);
            continue;
        }
        speaker_t sp = who[0];
        if (f & W_RECIPROCAL) {
            /* Of two sides trading criticism, the stance toward the target
             * is the other side's. */
            for (size_t k = 0; k < n_who; k++)
                if (!who[k].target) {
                    sp = who[k];
                    break;
                }
        }
        if (inverted) {
            frame_push(ws, v, 0, v - 1, sp);
            continue;
        }
        /* "“...,” Putin said" and "..., Moscow said.": the content is what
         * precedes the comma or the closing quote. */
        size_t prev = first > 0 ? first - 1 : 0;
        int backward = 0;
        /* ", even Pashinyan worrying about...": a participle reports
         * nothing that precedes it. */
        if (first > 0 && !ends_with_ing(ws, x)) {
            uint8_t pp = ws->w[prev].punct;
            if (pp == P_CLOSEQ)
                backward = 1;
            else if (pp == P_COMMA)
                backward = (prev > 0 && ws->w[prev - 1].punct == P_CLOSEQ) ||
                           !starts_complement(ws, v + 1);
        }
        if (backward)
            frame_push(ws, v, 0, prev, sp);
        else
            frame_push(ws, v, v, forward_end(ws, v), sp);
    }
}

/* The innermost frame whose scope holds word p, or -1. */
static int frame_at(const ws_t *ws, size_t p)
{
    int best = -1;
    for (size_t i = 0; i < ws->n_frames; i++) {
        const frame_t *f = &ws->frames[i];
        if (p < f->a || p >= f->b)
            continue;
        if (best < 0 || f->b - f->a < ws->frames[best].b - ws->frames[best].a)
            best = (int)i;
    }
    return best;
}

/* ---- Polarity ----------------------------------------------------------- */

typedef struct sent_ctx {
    size_t contrast_at;          /* first "but" (not sentence-initial), or n */
    size_t concede_a, concede_b; /* "although ..." clause, or a == b */
    double hedge;                /* sentence-initial hedge multiplier */
    int quoted_speaker;          /* the sentence continues a speaker's quote */
} sent_ctx_t;

static void sentence_context(const ws_t *ws, sent_ctx_t *c)
{
    c->contrast_at = ws->n;
    c->concede_a = c->concede_b = 0;
    c->hedge = 1.0;
    for (size_t i = 0; i < ws->n; i++) {
        const word_t *x = &ws->w[i];
        if ((x->flags & W_CONTRAST_AFTER) && i > 1 && c->contrast_at == ws->n)
            c->contrast_at = i;
        if ((x->flags & W_CONTRAST_BEFORE) && c->concede_a == c->concede_b) {
            size_t b = i + 1;
            while (b < ws->n && ws->w[b].punct != P_COMMA &&
                   ws->w[b].punct != P_SEMI)
                b++;
            c->concede_a = i;
            c->concede_b = b;
        }
        if ((x->flags & W_HEDGE) && i <= 1)
            c->hedge = x->e->mult;
    }
}

/* The value of a contribution at word p after the rules that read its
 * left context and the sentence's structure. */
static double modify(const ws_t *ws, const sent_ctx_t *sc, size_t p, double v,
                     int domain)
{
    const med_weights_t *w = &ws->m->w;
    uint16_t clause = ws->w[p].clause;

    /* Intensifiers and dampeners, nearer ones counting more. VADER adds
     * their increment (0.293) to valences whose typical size is about 2,
     * so relative to the value they change it by increment / typical. */
    for (int k = 1; k <= w->intensifier_window && (size_t)k <= p; k++) {
        const word_t *x = &ws->w[p - (size_t)k];
        if (x->clause != clause)
            break;
        if (x->flags & W_INTENS) {
            double decay = k == 1 ? 1.0 : k == 2 ? 0.95 : 0.9;
            v *= 1.0 + x->e->intens * decay / w->typical_valence;
            break;
        }
    }
    /* A shifter reverses a negative object: "dispel doubts". */
    for (int k = 1; k <= w->shifter_window && (size_t)k <= p; k++) {
        const word_t *x = &ws->w[p - (size_t)k];
        if (x->clause != clause)
            break;
        if ((x->flags & W_SHIFTER) && v < 0) {
            v = -v * w->shifter_factor;
            break;
        }
    }
    /* Negation, within its window and clause: "not willing", "cannot
     * dispel doubts" (after the shifter: doubts stay). */
    for (int k = 1; k <= w->negation_window && (size_t)k <= p; k++) {
        const word_t *x = &ws->w[p - (size_t)k];
        if (x->clause != clause)
            break;
        if (x->flags & W_NEGATOR) {
            v *= domain ? w->negation_domain : w->negation_general;
            break;
        }
    }
    /* Irrealis and modality weaken what follows in the clause: "seeks to
     * reassert its role" is no reassertion yet. */
    for (size_t j = p; j-- > 0;) {
        const word_t *x = &ws->w[j];
        if (x->clause != clause)
            break;
        if ((x->flags & W_IRREALIS) && word_is(ws, j + 1, "to") &&
            !(x->mark & M_COVERED)) {
            v *= w->irrealis;
            break;
        }
    }
    for (size_t j = p; j-- > 0;) {
        const word_t *x = &ws->w[j];
        if (x->clause != clause)
            break;
        if (x->flags & W_MODAL) {
            v *= x->e->mult;
            break;
        }
    }
    v *= sc->hedge;
    /* Contrast: what follows "but" dominates; the "although" clause
     * yields. */
    if (sc->contrast_at < ws->n)
        v *= p < sc->contrast_at ? w->contrast_weak : w->contrast_strong;
    if (sc->concede_a < sc->concede_b)
        v *= (p >= sc->concede_a && p < sc->concede_b) ? w->contrast_weak
                                                       : w->contrast_strong;
    /* Scare quotes: a word the author quotes without saying whose it is
     * is held at a distance; a quoted "success" reads as doubt. */
    if ((ws->w[p].mark & M_SCARE) && frame_at(ws, p) < 0)
        v *= v > 0 ? w->scare_quote_positive : w->scare_quote_negative;
    if (!domain && !ws->clause_on_target[clause])
        v *= w->off_target_clause;
    return v;
}

static void contrib_push(ws_t *ws, size_t pos, double v, int domain)
{
    if (ws->n_contribs >= ws->n || v == 0.0)
        return;
    contrib_t *c = &ws->contribs[ws->n_contribs++];
    c->pos = (uint16_t)pos;
    c->domain = (uint8_t)domain;
    c->v = (float)v;
    c->holder = -1;
}

/* The nearest of the score levels, when the rules give levels. */
static double snap(const med_weights_t *w, double mag)
{
    if (w->n_levels == 0)
        return mag;
    double best = w->levels[0];
    for (int i = 1; i < w->n_levels; i++)
        if (fabs(w->levels[i] - mag) < fabs(best - mag))
            best = w->levels[i];
    return best;
}

typedef struct verdict {
    mediation_polarity_t polarity;
    double score;
    speaker_t holder;
} verdict_t;

static verdict_t judge(ws_t *ws, size_t s, const sent_ctx_t *sc,
                       speaker_t quote_speaker)
{
    const mediation_model_t *m = ws->m;
    const med_weights_t *w = &m->w;
    ws->n_contribs = 0;

    memset(ws->clause_on_target, 0, ws->n + 2);
    for (size_t i = 0; i < ws->n; i++)
        if (ws->w[i].mark & (M_TARGET | M_CUE))
            ws->clause_on_target[ws->w[i].clause] = 1;

    for (size_t h = 0; h < ws->n_hits; h++) {
        const hit_t *x = &ws->hits[h];
        if (x->kind != PAT_POLARITY || x->accepted != 1)
            continue;
        double v = modify(ws, sc, x->a, x->weight, 1);
        contrib_push(ws, x->a, v, 1);
        tracef(ws, "  cue \"%s\" %+.2f -> %+.3f",
               med_str(m, m->patterns[x->pat].text), x->weight, v);
    }
    /* A role word in quotation marks that nobody is said to have used
     * ("its “peacekeeping” mission") is the author's irony, once per
     * quotation. */
    for (size_t i = 0; i < ws->n; i++) {
        const word_t *x = &ws->w[i];
        if ((x->mark & (M_ROLE | M_SCARE)) != (M_ROLE | M_SCARE) ||
            frame_at(ws, i) >= 0)
            continue;
        contrib_push(ws, i, w->scare_quote_role, 1);
        tracef(ws, "  scare-quoted role word \"%.*s\" %+.2f", (int)x->len,
               wtext(ws, x), w->scare_quote_role);
        while (i + 1 < ws->n && (ws->w[i + 1].mark & M_SCARE))
            i++;
    }
    for (size_t i = 0; i < ws->n; i++) {
        const word_t *x = &ws->w[i];
        /* The entry is read last: it is the likeliest cache miss. */
        if (!x->e || x->ent >= 0 ||
            (x->mark & (M_COVERED | M_FIXED | M_TARGET | M_CUE)) ||
            (x->flags & (W_NEUTRAL | W_SHIFTER | W_NEGATOR)) ||
            x->e->valence == 0.0f)
            continue;
        double v = modify(ws, sc, i, x->e->valence / 4.0 * w->general_scale, 0);
        contrib_push(ws, i, v, 0);
        tracef(ws, "  word \"%.*s\" %+.2f -> %+.3f", (int)x->len, wtext(ws, x),
               x->e->valence, v);
    }

    /* Holder of each contribution: the innermost frame holding it, else
     * the speaker whose quote this sentence continues, else the author.
     * A denial reverses what it holds directly ("rejected accusations
     * that its peacekeepers had abandoned..."), not what an inner speaker
     * says ("dismissed a comment by Macron, who said..."). */
    for (size_t i = 0; i < ws->n_contribs; i++) {
        contrib_t *c = &ws->contribs[i];
        int f = frame_at(ws, c->pos);
        if (f >= 0 && ws->frames[f].off_target) {
            tracef(ws, "  about someone else: %+.3f dropped", c->v);
            c->v = 0;
        }
        if (f >= 0 && ws->frames[f].denial && c->pos != ws->frames[f].verb) {
            c->v *=
                (float)(c->domain ? w->negation_domain : w->negation_general);
            tracef(ws, "  denied by \"%.*s\": %+.3f",
                   (int)ws->w[ws->frames[f].verb].len,
                   wtext(ws, &ws->w[ws->frames[f].verb]), c->v);
        }
        c->holder =
            (int16_t)(f >= 0 ? f
                      : (sc->quoted_speaker && (ws->w[c->pos].mark & M_QUOTE))
                          ? -2
                          : -1);
    }

    double pos = 0, neg = 0;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        double v = ws->contribs[i].v;
        if (v > 0)
            pos += v;
        else
            neg -= v;
    }
    double net = pos - neg;
    verdict_t out = {MEDIATION_NEUTRAL, 0.0, {AUTHOR, 0, 0}};

    if (fabs(net) >= m->settings.threshold) {
        double sign = net > 0 ? 1.0 : -1.0;
        /* Domain cues are graded like the annotators' levels, so the
         * strongest one sets the strength and the others add a little;
         * general-lexicon words are weaker one by one and add up, as in
         * VADER. What speaks for the other side is taken off. */
        double dmax = 0, drest = 0, gsum = 0, against = sign > 0 ? neg : pos;
        for (size_t i = 0; i < ws->n_contribs; i++) {
            const contrib_t *c = &ws->contribs[i];
            double a = c->v * sign;
            if (a <= 0)
                continue;
            if (!c->domain) {
                gsum += a;
            } else if (a > dmax) {
                drest += dmax;
                dmax = a;
            } else {
                drest += a;
            }
        }
        double hi = dmax > gsum ? dmax : gsum, lo = dmax > gsum ? gsum : dmax;
        double mag = hi + w->combine_rest * (drest + lo) - against;
        if (mag > 1.0)
            mag = 1.0;
        mag = snap(w, mag);
        out.polarity = sign > 0 ? MEDIATION_POSITIVE : MEDIATION_NEGATIVE;
        out.score = sign * mag;

        /* The holder with the most weight on the winning side. */
        double best = 0;
        int best_h = -1;
        for (size_t i = 0; i < ws->n_contribs; i++) {
            const contrib_t *c = &ws->contribs[i];
            if (c->v * sign <= 0)
                continue;
            double sum = 0;
            for (size_t j = 0; j < ws->n_contribs; j++)
                if (ws->contribs[j].holder == c->holder &&
                    ws->contribs[j].v * sign > 0)
                    sum += ws->contribs[j].v * sign;
            if (sum > best + 1e-9) {
                best = sum;
                best_h = c->holder;
            }
        }
        if (best_h >= 0)
            out.holder = ws->frames[best_h].who;
        else if (best_h == -2)
            out.holder = quote_speaker;
    } else {
        /* A plain report: whoever reports it. */
        if (ws->n_frames > 0)
            out.holder = ws->frames[0].who;
        else if (sc->quoted_speaker)
            out.holder = quote_speaker;
    }
    (void)s;
    return out;
}

/* ---- The document ------------------------------------------------------- */

static int span_push(ws_t *ws, const mediation_span_t *sp)
{
    if (ws->n_spans == ws->cap_spans) {
        size_t cap = ws->cap_spans ? ws->cap_spans * 2 : 16;
        mediation_span_t *p = realloc(ws->spans, cap * sizeof(*p));
        if (!p)
            return GLOSSA_ENOMEM;
        ws->spans = p;
        ws->cap_spans = cap;
    }
    ws->spans[ws->n_spans++] = *sp;
    return 0;
}

/* "we"/"our" inside a quotation whose speaker is the target. */
static int we_is_target(ws_t *ws, const sent_ctx_t *sc, speaker_t qs)
{
    int any = 0;
    for (size_t i = 0; i < ws->n; i++) {
        word_t *x = &ws->w[i];
        if (!(x->flags & W_PRON_WE) || !(x->mark & M_QUOTE))
            continue;
        int f = frame_at(ws, i);
        int target = f >= 0 ? ws->frames[f].who.target
                            : (sc->quoted_speaker && qs.target);
        if (target) {
            x->mark |= M_TARGET;
            any = 1;
        }
    }
    return any;
}

static int analyze_sentence(ws_t *ws, size_t s, size_t *ent_cursor)
{
    const mediation_doc_t *d = ws->doc;
    const glossa_sentence_t *sent = &d->sentences[s];
    int continues_quote = ws->quote_open;
    int has_party = 0;
    int rc = build_words(ws, s, ent_cursor, &has_party);
    if (rc || ws->n == 0)
        return rc;
    if (has_party)
        ws->last_party_sentence = (long)s;
    int paragraph = (d->tokens[sent->token_first].flags &
                     GLOSSA_TOKEN_PARAGRAPH_BEFORE) != 0;

    hist_t *h = &ws->hist[s % HIST];
    const hist_t *prev = s > 0 ? &ws->hist[(s - 1) % HIST] : NULL;
    if (prev && !prev->valid)
        prev = NULL;
    memset(h, 0, sizeof(*h));
    h->valid = 1;

    if (!may_be_relevant(ws, prev)) {
        look_up_after_names(ws);
        learn_titles(ws);
        first_person(ws, ws->n, &h->subject);
        return 0;
    }
    look_up(ws, 0, ws->n);
    number_clauses(ws);
    learn_titles(ws);
    match_patterns(ws);
    cues_t cues = apply_hits(ws);

    /* A sentence that opens with a quotation, or continues one, without a
     * speaker of its own may carry the previous sentence's speaker. */
    sent_ctx_t sc;
    sentence_context(ws, &sc);
    speaker_t qs = {NULL, 0, 0};
    sc.quoted_speaker = 0;
    if ((continues_quote || ws->w[0].punct == P_OPENQ) && !paragraph && prev &&
        prev->quote_speaker.name) {
        qs = prev->quote_speaker;
        sc.quoted_speaker = 1;
    }

    /* Pronouns that name a target person count as mentions of the target:
     * "he said" after "Putin ...". */
    int pronoun = 0;
    for (size_t i = 0; i < ws->n; i++)
        pronoun |= (ws->w[i].flags & (W_PRON_PERSON | W_PRON_WE)) != 0;

    int maybe = cues.target || pronoun || cues.anaphor;
    ws->n_frames = 0;
    if (maybe) {
        find_frames(ws, s);
        for (size_t i = 0; i < ws->n; i++) {
            if (!(ws->w[i].flags & W_PRON_PERSON))
                continue;
            speaker_t who;
            if (resolve_pronoun(ws, s, i, &who) && who.target) {
                ws->w[i].mark |= M_TARGET;
                cues.target = 1;
            }
        }
        cues.target |= we_is_target(ws, &sc, qs);
    }

    int context_ok = has_party || (ws->last_party_sentence >= 0 &&
                                   (long)s - ws->last_party_sentence <=
                                       ws->m->context_window);
    /* A domain stance cue next to a party of the conflict speaks of the
     * target's standing in it ("Yerevan accused Moscow of abandoning
     * Karabakh"); farther away it may be about anything. */
    int stance_here = 0;
    for (size_t i = 0; i < ws->n_hits && has_party; i++)
        stance_here |= ws->hits[i].kind == PAT_POLARITY;
    int relevant = cues.target &&
                   (cues.role || (cues.context && context_ok) || stance_here);
    int by_anaphor = 0;
    if (!relevant && cues.anaphor && prev && prev->relevant &&
        prev->had_target) {
        relevant = 1;
        by_anaphor = 1;
    }

    /* Who "he" is in the next sentences: the first speaker who is a
     * person, else the first person named. */
    for (size_t i = 0; i < ws->n_frames && !h->subject.name; i++)
        if (ws->frames[i].who.person)
            h->subject = ws->frames[i].who;
    if (!h->subject.name)
        first_person(ws, ws->n, &h->subject);
    /* Whose quotation may run on into the next sentence. */
    for (size_t i = 0; i < ws->n_frames && !h->quote_speaker.name; i++) {
        const frame_t *f = &ws->frames[i];
        for (size_t j = f->a; j < f->b; j++)
            if (ws->w[j].mark & M_QUOTE) {
                h->quote_speaker = f->who;
                break;
            }
    }
    if (!h->quote_speaker.name && sc.quoted_speaker)
        h->quote_speaker = qs;
    h->had_target = (uint8_t)cues.target;

    if (ws->trace) {
        tracef(ws,
               "S%zu [%u,%u) target=%d role=%d context=%d/%d anaphor=%d "
               "frames=%zu%s",
               s, sent->cp_start, sent->cp_end, cues.target, cues.role,
               cues.context, context_ok, cues.anaphor, ws->n_frames,
               relevant ? (by_anaphor ? " RELEVANT(anaphor)" : " RELEVANT")
                        : "");
        for (size_t i = 0; i < ws->n_frames; i++) {
            const frame_t *f = &ws->frames[i];
            tracef(ws, "  frame \"%.*s\" speaker=%s scope=[%u,%u)",
                   (int)ws->w[f->verb].len, wtext(ws, &ws->w[f->verb]),
                   f->who.name, f->a, f->b);
        }
    }
    if (!relevant)
        return 0;
    h->relevant = 1;
    /* An anaphor names the target too, so the next one may chain on. */
    h->had_target = 1;

    verdict_t v = judge(ws, s, &sc, qs);
    mediation_span_t sp = {(uint32_t)s, sent->cp_start, sent->cp_end,
                           v.polarity,  v.score,        v.holder.name};
    tracef(ws, "  => %s %+.3f holder=%s", mediation_polarity_name(v.polarity),
           v.score, v.holder.name);
    return span_push(ws, &sp);
}

static int check_doc(const mediation_doc_t *d, size_t *max_tokens,
                     size_t *max_bytes)
{
    *max_tokens = 0;
    *max_bytes = 0;
    for (size_t s = 0; s < d->n_sentences; s++) {
        const glossa_sentence_t *st = &d->sentences[s];
        if ((size_t)st->token_first + st->token_count > d->n_tokens ||
            st->token_count > UINT16_MAX - 2)
            return GLOSSA_EINVAL;
        if (st->token_count > *max_tokens)
            *max_tokens = st->token_count;
        size_t bytes = 0;
        if (st->token_count) {
            const glossa_token_t *a = &d->tokens[st->token_first];
            const glossa_token_t *z = a + st->token_count - 1;
            if (z->end < a->start || z->end > d->text_len)
                return GLOSSA_EINVAL;
            bytes = z->end - a->start;
        }
        if (bytes > *max_bytes)
            *max_bytes = bytes;
    }
    /* Tokens are checked where they are read (build_words), to spare a
     * pass over the whole array. */
    return 0;
}

int mediation_analyze(const mediation_model_t *model,
                      const mediation_doc_t *doc, mediation_result_t *res,
                      mediation_trace_cb trace, void *trace_ud)
{
    memset(res, 0, sizeof(*res));
    size_t max_tokens, max_bytes;
    int rc = check_doc(doc, &max_tokens, &max_bytes);
    if (rc)
        return rc;
    ws_t ws;
    memset(&ws, 0, sizeof ws);
    ws.m = model;
    ws.doc = doc;
    ws.trace = trace;
    ws.trace_ud = trace_ud;
    ws.last_party_sentence = -1;
    /* Working memory for the longest sentence, allocated once per
     * document. A sentence yields at most a few pattern hits per word. */
    size_t n = max_tokens + 2;
    ws.cap_hits = 4 * n;
    ws.cap_frames = n;
    ws.einfo = malloc((doc->n_entities + 1) * sizeof(*ws.einfo));
    ws.w = malloc(n * sizeof(*ws.w));
    ws.lbuf_cap = max_bytes + 1;
    ws.lbuf = malloc(ws.lbuf_cap);
    ws.hits = malloc(ws.cap_hits * sizeof(*ws.hits));
    ws.frames = malloc(ws.cap_frames * sizeof(*ws.frames));
    ws.contribs = malloc(n * sizeof(*ws.contribs));
    ws.clause_on_target = malloc(n + 2);
    rc = GLOSSA_ENOMEM;
    if (ws.einfo && ws.w && ws.lbuf && ws.hits && ws.frames && ws.contribs &&
        ws.clause_on_target) {
        rc = 0;
        classify_entities(&ws);
        size_t ent_cursor = 0;
        for (size_t s = 0; !rc && s < doc->n_sentences; s++)
            rc = analyze_sentence(&ws, s, &ent_cursor);
    }
    free(ws.einfo);
    free(ws.w);
    free(ws.lbuf);
    free(ws.hits);
    free(ws.frames);
    free(ws.contribs);
    free(ws.clause_on_target);
    if (rc) {
        free(ws.spans);
        return rc;
    }

    res->spans = ws.spans;
    res->n_spans = ws.n_spans;
    double sum = 0;
    for (size_t i = 0; i < ws.n_spans; i++) {
        sum += ws.spans[i].score;
        res->counts[ws.spans[i].polarity + 1]++;
    }
    res->mean_score = ws.n_spans ? sum / (double)ws.n_spans : 0.0;
    double band = model->settings.document_band;
    res->label = res->mean_score >= band    ? MEDIATION_POSITIVE
                 : res->mean_score <= -band ? MEDIATION_NEGATIVE
                                            : MEDIATION_NEUTRAL;
    return 0;
}

void mediation_result_free(mediation_result_t *res)
{
    if (!res)
        return;
    free(res->spans);
    memset(res, 0, sizeof(*res));
}
