/* Steps 4 and 5 of the analysis: canonical names (gazetteer names and
 * aliases, people by their longest name in the document, organisations by
 * their shortest form) and refers_to (capitals acting as their state). */
#include <stdlib.h>
#include <string.h>

#include "ent_doc.h"

/* Words before a place that make it a place, not an actor: "talks in
 * Sochi", "a visit to Baku", "the city of Sochi". */
const char *const ent_words_LOCATIVE[] = {
    "in",     "at",      "into",     "near",     "outside", "inside",
    "around", "across",  "via",      "through",  "toward",  "towards",
    "within", "visit",   "visited",  "visiting", "visits",  "reached",
    "city",   "capital", "downtown", "central",  "streets", NULL};

/* What makes "to X" a destination ("a visit to Baku", "flights to
 * Yerevan"), not a recipient ("lost to Yerevan"). */
const char *const ent_words_MOTION[] = {
    "visit",    "visits",    "visited",   "visiting", "trip",  "travel",
    "traveled", "travelled", "went",      "go",       "going", "flew",
    "fly",      "flight",    "flights",   "came",     "come",  "arrived",
    "return",   "returned",  "returning", "journey",  "road",  "route",
    "moved",    "headed",    "way",       "back",     "sent",  "deployed",
    "invited",  "welcome",   "welcomed",  NULL};

/* Nouns after a capital that make it a place ("Yerevan's airport",
 * "Moscow time", "Baku residents"). */
const char *const ent_words_PLACE_NOUNS[] = {
    "airport",        "streets",   "street",  "center",    "centre",
    "mayor",          "residents", "metro",   "outskirts", "suburbs",
    "square",         "time",      "city",    "district",  "districts",
    "university",     "office",    "offices", "bureau",    "correspondent",
    "correspondents", "hotel",     "-based",  NULL};

/* Events named after the city that hosts them ("the Moscow meeting"). */
const char *const ent_words_EVENT_NOUNS[] = {
    "meeting",     "meetings",  "summit",     "summits",
    "forum",       "format",    "conference", "process",
    "declaration", "statement", "agreement",  "accords",
    "talks",       "round",     "visit",      NULL};

/* What follows a dateline's city. */
const char *const ent_words_DATELINE_MARKS[] = {
    ",", "/", "-", "(", ":", "\xe2\x80\x93", "\xe2\x80\x94", NULL};

static int is_possessive(entities_token_t t)
{
    if (t.len == 2 && t.s[0] == '\'' && (t.s[1] == 's' || t.s[1] == 'S'))
        return 1;
    return t.len == 4 && memcmp(t.s, "\xe2\x80\x99", 3) == 0 &&
           (t.s[3] == 's' || t.s[3] == 'S');
}

/* Words after an organisation's name that name the same body
 * ("Warsaw Institute Foundation"). */
const char *const ent_words_ORG_SUFFIXES[] = {
    "foundation", "inc",      "inc.",  "ltd",         "ltd.",    "llc", "plc",
    "group",      "corp",     "corp.", "corporation", "company", "co",  "co.",
    "holding",    "holdings", "s.a.",  "ag",          "gmbh",    NULL};

int ent_pool_add(entities_result_t *r, const char *s, size_t len, uint32_t *off)
{
    if (r->pool_len + len + 1 > r->pool_cap) {
        size_t cap = r->pool_cap ? r->pool_cap * 2 : 1024;
        while (cap < r->pool_len + len + 1)
            cap *= 2;
        char *p = realloc(r->pool, cap);
        if (!p)
            return -1;
        r->pool = p;
        r->pool_cap = cap;
    }
    *off = (uint32_t)r->pool_len;
    memcpy(r->pool + r->pool_len, s, len);
    r->pool_len += len;
    r->pool[r->pool_len++] = '\0';
    return 0;
}

/* The mention's text with runs of whitespace made one space. */
static int canon_from_text(ent_work_t *w, ent_mention_t *m)
{
    const char *s = w->doc->text + m->bs;
    size_t len = m->be - m->bs;
    int clean = 1;
    for (size_t i = 0; i < len && clean; i++)
        clean = !(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ||
                  (s[i] == ' ' && i + 1 < len && s[i + 1] == ' '));
    if (clean) {
        m->canon = s;
        m->canon_len = (uint32_t)len;
        return 0;
    }
    char *tmp = malloc(len);
    if (!tmp)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int sp = s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
        if (!sp)
            tmp[o++] = s[i];
        else if (o && tmp[o - 1] != ' ')
            tmp[o++] = ' ';
    }
    int rc = ent_pool_add(w->r, tmp, o, &m->canon_off);
    free(tmp);
    m->canon = NULL;
    m->canon_len = (uint32_t)o;
    return rc;
}

static void canon_set(ent_mention_t *m, const char *s)
{
    m->canon = s;
    m->canon_len = (uint32_t)strlen(s);
}

static void canon_copy(ent_mention_t *dst, const ent_mention_t *src)
{
    dst->canon = src->canon;
    dst->canon_off = src->canon_off;
    dst->canon_len = src->canon_len;
}

/* Distinct names of one label, for resolving short and long forms. */
typedef struct form {
    uint64_t
        key; /* ent_seq_hash of the whole name, or of its last/first token */
    uint32_t idx; /* first mention with this name */
    uint32_t ntok;
} form_t;

static int cmp_form(const void *x, const void *y)
{
    const form_t *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static const form_t *form_find(const form_t *f, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && f[lo].key == key ? &f[lo] : NULL;
}

/* People: a mention whose words end a longer name of a person in the
 * document ("Putin" in "Vladimir Putin") takes that name's canonical. The
 * longest such name wins; among equals, the nearest first occurrence
 * before the mention, else the first after it. Works on distinct names
 * (people x their mentions stays small in long documents). */
static int resolve_people(ent_work_t *w)
{
    /* Distinct multi-word person names, keyed by their last word. */
    form_t *all = malloc((w->n + 1) * sizeof(form_t));
    form_t *last = malloc((w->n + 1) * sizeof(form_t));
    if (!all || !last) {
        free(all);
        free(last);
        return -1;
    }
    size_t na = 0;
    for (size_t i = 0; i < w->n; i++) {
        const ent_mention_t *m = &w->m[i];
        if (m->label != ENTITIES_PERSON || m->part || m->b - m->a < 2)
            continue;
        all[na].key = ent_seq_hash(w, m->a, m->b);
        all[na].idx = (uint32_t)i;
        all[na++].ntok = m->b - m->a;
    }
    qsort(all, na, sizeof(form_t), cmp_form);
    size_t nl = 0;
    for (size_t i = 0; i < na; i++) {
        if (i && all[i].key == all[i - 1].key)
            continue; /* the first mention of each distinct name */
        const ent_mention_t *m = &w->m[all[i].idx];
        last[nl] = all[i];
        last[nl++].key = ent_tok_hash(w, m->b - 1);
    }
    qsort(last, nl, sizeof(form_t), cmp_form);
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        if (m->label != ENTITIES_PERSON || m->part)
            continue;
        size_t k = m->b - m->a;
        const form_t *f = form_find(last, nl, ent_tok_hash(w, m->b - 1));
        const ent_mention_t *best = NULL;
        uint32_t best_len = 0;
        for (; f && f < last + nl && f->key == ent_tok_hash(w, m->b - 1); f++) {
            const ent_mention_t *o = &w->m[f->idx];
            if (f->ntok <= k || !ent_same_tokens(w, o->b - k, m->a, k))
                continue;
            int before = o->cs < m->cs;
            int best_before = best && best->cs < m->cs;
            if (!best || f->ntok > best_len ||
                (f->ntok == best_len &&
                 ((before && (!best_before || o->cs > best->cs)) ||
                  (!before && !best_before && o->cs < best->cs)))) {
                best = o;
                best_len = f->ntok;
            }
        }
        if (best)
            canon_copy(m, best);
    }
    free(all);
    free(last);
    return 0;
}

/* Organisations: "X Foundation" (or "X Inc.") where the document also
 * says "X" is X. */
static int resolve_orgs(ent_work_t *w)
{
    form_t *all = malloc((w->n + 1) * sizeof(form_t));
    if (!all)
        return -1;
    size_t na = 0;
    for (size_t i = 0; i < w->n; i++) {
        const ent_mention_t *m = &w->m[i];
        if (m->label != ENTITIES_ORG || m->part)
            continue;
        all[na].key = ent_seq_hash(w, m->a, m->b);
        all[na].idx = (uint32_t)i;
        all[na++].ntok = m->b - m->a;
    }
    qsort(all, na, sizeof(form_t), cmp_form);
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        if (m->label != ENTITIES_ORG || m->part || m->entry)
            continue;
        size_t b = m->b;
        while (b > m->a + 1 && ent_tok_in(w, b - 1, ENT_ORG_SUFFIXES))
            b--;
        if (b == m->b)
            continue;
        const form_t *f = form_find(all, na, ent_seq_hash(w, m->a, b));
        if (f && f->ntok == b - m->a)
            canon_copy(m, &w->m[f->idx]);
    }
    free(all);
    return 0;
}

/* Does a capital mentioned at m stand for its government? Not after a
 * locative word ("in Moscow", "a visit to Baku", "the city of"), looking
 * through coordinations ("in Moscow and Paris"). */
static int acts_as_state(const ent_work_t *w, const ent_mention_t *m,
                         const uint32_t *ends_at)
{
    if (m->part) {
        /* "Moscow-led" and "Baku-Yerevan talks" yes; "Yerevan-based" and
         * "Baku-Tbilisi-Ceyhan" no. */
        const entities_token_t tok = ent_tok(w, m->a), *t = &tok;
        size_t tail = 6; /* "-based" */
        if (t->len > tail && memcmp(t->s + t->len - tail, "-based", tail) == 0)
            return 0;
        return m->part <= 2;
    }
    const glossa_sentence_t *sen = &w->doc->sentences[ent_sent_of(w, m->a)];
    size_t first = sen->token_first, end = first + sen->token_count;
    if (m->b < end) {
        /* "Moscow's strategy" acts; "Yerevan's airport" is a place. */
        size_t nx = m->b;
        if (is_possessive(ent_tok(w, nx)))
            return !(nx + 1 < end && ent_tok_in(w, nx + 1, ENT_PLACE_NOUNS));
        /* "the Moscow meeting", "Moscow time": a place. */
        if (ent_tok_in(w, nx, ENT_PLACE_NOUNS) ||
            ent_tok_in(w, nx, ENT_EVENT_NOUNS))
            return 0;
        /* A dateline: "BAKU, May 3", "Yerevan /Mediamax/". */
        if (m->a == first && ent_tok_in(w, nx, ENT_DATELINE_MARKS))
            return 0;
    }
    size_t i = m->a;
    while (i > first) {
        size_t p = i - 1;
        if (ent_tok_in(w, p, ENT_LOCATIVE))
            return 0;
        /* "a visit to Baku" is a place, "lost to Yerevan" an actor. */
        if (ent_tok_is(w, p, "to") && p > first &&
            (ent_tok_in(w, p - 1, ENT_MOTION) ||
             (p > first + 1 && ent_tok_in(w, p - 2, ENT_MOTION))))
            return 0;
        if (ent_tok_is(w, p, "of") && p > first &&
            ent_tok_in(w, p - 1, ENT_LOCATIVE))
            return 0;
        if ((ent_tok_is(w, p, "and") || ent_tok_is(w, p, "or") ||
             ent_tok_is(w, p, ",")) &&
            p > first && ends_at[p - 1]) {
            /* Skip back over the previous conjunct when it is a place. */
            const ent_mention_t *o = &w->m[ends_at[p - 1] - 1];
            if (o->label == ENTITIES_GPE) {
                i = o->a;
                continue;
            }
        }
        break;
    }
    return 1;
}

/* "J. Bayramov", "J.A.Bayramov": initials and a known surname give the
 * known person whose first name starts with the first initial. */
static const entities_gaz_entry_t *by_initials(const ent_work_t *w,
                                               const ent_mention_t *m)
{
    const char *s = w->doc->text + m->bs, *e = w->doc->text + m->be;
    char first = 0;
    for (;;) {
        while (s < e && (*s == ' ' || *s == '\n'))
            s++;
        if (e - s >= 2 && *s >= 'A' && *s <= 'Z' && s[1] == '.') {
            if (!first)
                first = *s;
            s += 2;
            continue;
        }
        break;
    }
    if (!first || s >= e)
        return NULL;
    const entities_gaz_entry_t *g =
        ent_gaz_pick(w, s, (size_t)(e - s), ENT_BIT(ENTITIES_PERSON), NULL);
    for (; g; g = entities_gaz_next(w->g, g))
        if (g->label == ENTITIES_PERSON && g->canonical[0] == first)
            return g;
    return NULL;
}

/* Pass 3 of ent_canonicalize: the forms the annotators write canonical
 * names in (docs/annotation-guidelines.md), whatever the text's
 * typography: a typographic apostrophe is "'" ("O’Brien" -> "O'Brien");
 * a person's middle initials go ("Antony J. Blinken" -> "Antony
 * Blinken"); a person or place written in capitals, as bylines and
 * datelines are, is capitalised word by word ("TZVI JOFFRE" -> "Tzvi
 * Joffre", "O'BRIEN" -> "O'Brien"), unless every word is short enough
 * to be an abbreviation ("NK") or a letter is not ASCII (case folding
 * those is left to the gazetteer). */
static int tidy_canonical(ent_work_t *w, ent_mention_t *m)
{
    const char *s = m->canon ? m->canon : w->r->pool + m->canon_off;
    size_t n = m->canon_len;
    char buf[256];
    if (n >= sizeof buf || n == 0)
        return 0;
    int person = m->label == ENTITIES_PERSON;
    int place = m->label == ENTITIES_GPE || m->label == ENTITIES_LOC;
    size_t o = 0, upper = 0, lower = 0, longest = 0, run = 0, non_ascii = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] == 0x99) {
            buf[o++] = '\'';
            i += 2;
            run = 0;
            continue;
        }
        buf[o++] = (char)c;
        upper += c >= 'A' && c <= 'Z';
        lower += c >= 'a' && c <= 'z';
        non_ascii += c >= 0x80;
        run = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    if ((person || place) && upper && !lower && !non_ascii && longest >= 4) {
        int word_start = 1;
        for (size_t i = 0; i < o; i++) {
            char c = buf[i];
            int letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            if (letter && !word_start && c >= 'A' && c <= 'Z')
                buf[i] = (char)(c + 32);
            word_start = !letter;
        }
    }
    if (person) {
        /* Words "X." strictly between the first and the last, when the
         * first is a full name ("J. D. Vance" keeps its initials). */
        size_t k = 0, first_end = 0, last_start = 0;
        while (first_end < o && buf[first_end] != ' ')
            first_end++;
        for (size_t i = 0; i < o; i++)
            if (buf[i] == ' ')
                last_start = i + 1;
        int first_initial = first_end == 2 && buf[1] == '.';
        if (!first_initial && last_start > first_end) {
            char out[256];
            for (size_t i = 0; i < o;) {
                size_t e = i;
                while (e < o && buf[e] != ' ')
                    e++;
                int initial = i > 0 && i < last_start && e - i == 2 &&
                              buf[i] >= 'A' && buf[i] <= 'Z' &&
                              buf[i + 1] == '.';
                if (!initial) {
                    if (k)
                        out[k++] = ' ';
                    memcpy(out + k, buf + i, e - i);
                    k += e - i;
                }
                i = e + 1;
            }
            memcpy(buf, out, k);
            o = k;
        }
    }
    if (o == n && memcmp(buf, s, n) == 0)
        return 0;
    m->canon = NULL;
    m->canon_len = (uint32_t)o;
    return ent_pool_add(w->r, buf, o, &m->canon_off);
}

int ent_canonicalize(ent_work_t *w)
{
    /* Pass 1: what each mention's own name gives. */
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        if (m->label == ENTITIES_NO_LABEL || m->own_canon)
            continue;
        if (!m->entry || m->entry->label != m->label)
            m->entry = ent_gaz_pick(w, w->doc->text + m->bs, m->be - m->bs,
                                    ENT_BIT(m->label), NULL);
        if (!m->entry && m->label == ENTITIES_NORP) {
            /* "Nigeriens" -> as "Nigerien" */
            size_t len = m->be - m->bs;
            if (len > 3 && w->doc->text[m->be - 1] == 's')
                m->entry = ent_gaz_pick(w, w->doc->text + m->bs, len - 1,
                                        ENT_BIT(ENTITIES_NORP), NULL);
        }
        if (!m->entry && m->label == ENTITIES_PERSON)
            m->entry = by_initials(w, m);
        /* Long generated lists (weak) only spell names their own way
         * (ISO's "Karnātaka"); the text's spelling is the better name. */
        if (m->entry && (m->entry->strong || m->label == ENTITIES_PERSON))
            canon_set(m, m->entry->canonical);
        else if (canon_from_text(w, m))
            return -1;
    }
    /* Pass 2: people and organisations named more fully or more briefly
     * elsewhere in the document. */
    if (resolve_people(w) || resolve_orgs(w))
        return -1;
    /* Pass 3: the annotators' forms. */
    for (size_t i = 0; i < w->n; i++)
        if (w->m[i].label != ENTITIES_NO_LABEL && tidy_canonical(w, &w->m[i]))
            return -1;
    /* Pass 4: refers_to. */
    uint32_t *ends_at = calloc(w->doc->n_tokens + 1, sizeof(uint32_t));
    if (!ends_at)
        return -1;
    for (size_t i = 0; i < w->n; i++)
        if (!w->m[i].part && w->m[i].label != ENTITIES_NO_LABEL)
            ends_at[w->m[i].b - 1] = (uint32_t)i + 1;
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        const entities_gaz_entry_t *e = m->entry;
        if (!e || !e->refers_to || m->label == ENTITIES_NO_LABEL)
            continue;
        if (m->label == ENTITIES_GPE && !acts_as_state(w, m, ends_at))
            continue;
        m->refers = e->refers_to;
        m->refers_len = (uint32_t)strlen(e->refers_to);
    }
    free(ends_at);
    return 0;
}
