/* Step 3 of the analysis: the names of the document. What the tagger
 * found once is found again where it missed it, strong gazetteer names are
 * added, surnames of people named in full are those people, and lone
 * capitalized common words opening a sentence are dropped. */
#include <stdlib.h>
#include <string.h>

#include "ent_doc.h"

/* Is token i at the start of its sentence, quotes aside? */
static int sentence_initial(const ent_work_t *w, size_t i)
{
    const glossa_sentence_t *s = &w->doc->sentences[ent_sent_of(w, i)];
    for (size_t j = s->token_first; j < i; j++) {
        uint32_t cp;
        entities_utf8_next(ent_tok(w, j).s, ent_tok(w, j).len, &cp);
        if ((cp < 0x80 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) ||
            (cp >= '0' && cp <= '9') ||
            entities_is_capitalized(ent_tok(w, j).s, ent_tok(w, j).len))
            return 0;
    }
    return 1;
}

static int cmp_docname(const void *x, const void *y)
{
    const ent_docname_t *a = x, *b = y;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->ntok != b->ntok)
        return a->ntok > b->ntok ? -1 : 1;
    if (a->label != b->label)
        return a->label < b->label ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The first token of docname d's tokens. */
static size_t name_start(const ent_work_t *w, const ent_docname_t *d)
{
    const ent_mention_t *m = &w->m[d->idx];
    return d->ntok == 1 && m->b - m->a > 1 ? m->b - 1 : m->a;
}

/* Is m one of the names ent_collect_names collects? */
static int name_of(const ent_mention_t *m)
{
    return !m->part && m->label != ENTITIES_NO_LABEL &&
           m->label != ENTITIES_NORP && m->b - m->a <= 255;
}

/* Collects the names the tagger found (see ent_work_t.names). */
int ent_collect_names(ent_work_t *w)
{
    /* Counted first: the mentions of a large document are a million. */
    size_t count = 0;
    for (size_t i = 0; i < w->n; i++) {
        const ent_mention_t *m = &w->m[i];
        if (!name_of(m))
            continue;
        count += m->label == ENTITIES_PERSON && m->b - m->a > 1 ? 2 : 1;
    }
    w->names = malloc((count + 1) * sizeof(ent_docname_t));
    if (!w->names)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        const ent_mention_t *m = &w->m[i];
        if (!name_of(m))
            continue;
        ent_docname_t *d = &w->names[k++];
        memset(d, 0, sizeof(*d));
        d->first = ent_tok_hash(w, m->a);
        d->idx = (uint32_t)i;
        d->ntok = (uint8_t)(m->b - m->a);
        d->label = m->label;
        d->weight = 1;
        if (m->label == ENTITIES_PERSON && m->b - m->a > 1) {
            d = &w->names[k++];
            d->first = ent_tok_hash(w, m->b - 1);
            d->idx = (uint32_t)i;
            d->ntok = 1;
            d->label = ENTITIES_PERSON;
            d->weight = 2;
            d->surname = 1;
        }
    }
    qsort(w->names, k, sizeof(ent_docname_t), cmp_docname);
    /* One entry per distinct name and reading, with how often the tagger
     * read it so: repeats would make lookups slow in long documents. */
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        ent_docname_t *prev = u ? &w->names[u - 1] : NULL;
        const ent_docname_t *cur = &w->names[i];
        if (prev && prev->first == cur->first && prev->ntok == cur->ntok &&
            prev->label == cur->label &&
            ent_same_tokens(w, name_start(w, prev), name_start(w, cur),
                            cur->ntok)) {
            prev->weight += cur->weight;
            prev->surname |= cur->surname;
            continue;
        }
        w->names[u++] = w->names[i];
    }
    w->n_names = u;
    /* Far fewer once repeats are one: the rest goes back. */
    ent_docname_t *fit = realloc(w->names, (u + 1) * sizeof(ent_docname_t));
    if (fit)
        w->names = fit;
    return 0;
}

/* The first of the names whose first token hashes to h. */
static size_t names_from(const ent_work_t *w, uint64_t h)
{
    size_t lo = 0, hi = w->n_names;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->names[mid].first < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The longest document name at token i within [i, end) on uncovered
 * tokens, in its most frequent reading; NULL if none. */
static const ent_docname_t *name_at(ent_work_t *w, size_t i, size_t end)
{
    uint64_t h = ent_tok_hash(w, i);
    const ent_docname_t *best = NULL;
    for (size_t j = names_from(w, h); j < w->n_names && w->names[j].first == h;
         j++) {
        const ent_docname_t *d = &w->names[j];
        if (i + d->ntok > end ||
            (best && (d->ntok < best->ntok ||
                      (d->ntok == best->ntok && d->weight <= best->weight))))
            continue;
        int ok = 1;
        for (size_t k = 0; k < d->ntok && ok; k++)
            ok = !w->covered[i + k];
        if (ok && ent_same_tokens(w, name_start(w, d), i, d->ntok))
            best = d;
    }
    return best;
}

/* A one-word mention that is the surname of a person named in full in
 * the document ("Pashinyan" tagged NORP beside "Nikol Pashinyan") is that
 * person, unless a strong gazetteer entry says otherwise; a place that is
 * also a known name of people ("Washington" beside "MaliVai Washington")
 * is the person, "Chechnya" after a headline's "Lebed Chechnya" stays a
 * place. A lone PERSON reading of a word is no such evidence ("Pirelli",
 * "Tianjin"). */
void ent_relabel_people(ent_work_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        const uint32_t names =
            (1u << (2 * ENTITIES_GZ_NAME)) | (1u << (2 * ENTITIES_GZ_FIRST));
        if (m->part || m->b - m->a != 1 || m->label == ENTITIES_PERSON ||
            (m->entry && m->entry->strong && !(w->gaz[m->a] & names)))
            continue;
        uint64_t h = ent_tok_hash(w, m->a);
        for (size_t j = names_from(w, h);
             j < w->n_names && w->names[j].first == h; j++) {
            const ent_docname_t *d = &w->names[j];
            if (d->ntok == 1 && d->surname &&
                ent_same_tokens(w, name_start(w, d), m->a, 1)) {
                m->label = ENTITIES_PERSON;
                m->entry = NULL;
                break;
            }
        }
    }
}

/* The table of ent_vote_labels: each distinct name (key 0: empty slot)
 * with the number of its votes, which are kept apart, one set per name in
 * the order the names came. */
typedef struct {
    uint64_t key;
    uint32_t id;
} vote_slot_t;
typedef struct {
    uint32_t count[ENTITIES_N_LABELS];
} votes_t;

/* Doubles the table tab[*cap] (rehashing its names). 0 or -1. */
static int votes_grow(vote_slot_t **tab, size_t *cap)
{
    size_t ncap = *cap * 2;
    vote_slot_t *t = calloc(ncap, sizeof(*t));
    if (!t)
        return -1;
    for (size_t i = 0; i < *cap; i++) {
        if (!(*tab)[i].key)
            continue;
        size_t j = (size_t)(*tab)[i].key & (ncap - 1);
        while (t[j].key)
            j = (j + 1) & (ncap - 1);
        t[j] = (*tab)[i];
    }
    free(*tab);
    *tab = t;
    *cap = ncap;
    return 0;
}

int ent_vote_labels(ent_work_t *w)
{
    /* The labels of each distinct name (ent_seq_hash of its tokens). The
     * table grows with the distinct names, not with the mentions: a
     * large document repeats its names (a table sized for every mention
     * took 64 bytes a mention). */
    size_t cap = 64, nv = 0, vcap = 32;
    vote_slot_t *tab = calloc(cap, sizeof(*tab));
    votes_t *votes = malloc(vcap * sizeof(*votes));
    uint32_t *slot = malloc((w->n + 1) * sizeof(uint32_t));
    int rc = -1;
    if (!tab || !votes || !slot)
        goto out;
    for (size_t i = 0; i < w->n; i++) {
        const ent_mention_t *m = &w->m[i];
        slot[i] = UINT32_MAX;
        if (m->part || m->label == ENTITIES_NO_LABEL ||
            m->label == ENTITIES_NORP)
            continue;
        uint64_t key = ent_seq_hash(w, m->a, m->b);
        key = key ? key : 1;
        size_t j = (size_t)key & (cap - 1);
        while (tab[j].key && tab[j].key != key)
            j = (j + 1) & (cap - 1);
        if (!tab[j].key) {
            if (nv == vcap) {
                votes_t *v = realloc(votes, 2 * vcap * sizeof(*votes));
                if (!v)
                    goto out;
                votes = v;
                vcap *= 2;
            }
            memset(&votes[nv], 0, sizeof(*votes));
            tab[j].key = key;
            tab[j].id = (uint32_t)nv++;
            slot[i] = tab[j].id;
            /* At most half full. */
            if (2 * nv > cap && votes_grow(&tab, &cap))
                goto out;
        } else {
            slot[i] = tab[j].id;
        }
        votes[slot[i]].count[m->label]++;
    }
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        /* What a strong gazetteer entry typed stays. */
        if (slot[i] == UINT32_MAX || (m->entry && m->entry->strong))
            continue;
        const uint32_t *count = votes[slot[i]].count;
        int best = 0, tie = 0;
        for (int l = 1; l < ENTITIES_N_LABELS; l++) {
            if (count[l] > count[best]) {
                best = l;
                tie = 0;
            } else if (count[l] == count[best]) {
                tie = 1;
            }
        }
        if (!tie && m->label != best) {
            m->label = (uint8_t)best;
            m->entry = NULL;
        }
    }
    rc = 0;
out:
    free(tab);
    free(votes);
    free(slot);
    return rc;
}

/* Is token i after a symbol that starts a new phrase ("Ctrl + Enter",
 * "SOURCE: AFP")? Quotes, brackets and commas do not count. */
static int after_symbol(const ent_work_t *w, size_t i)
{
    if (i == w->doc->sentences[ent_sent_of(w, i)].token_first)
        return 0;
    const entities_token_t prev_tok = ent_tok(w, i - 1), *p = &prev_tok;
    if (p->len != 1)
        return 0;
    return strchr("+:|/-=>*#~", p->s[0]) != NULL;
}

/* A lone capitalized common word that opens a sentence ("Here's a
 * timeline", "Sneak a peek", "Ctrl + Enter") is no name unless a
 * gazetteer or the rest of the document says it is. */
void ent_drop_stray_words(ent_work_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        if (m->part || m->b - m->a != 1 || m->label == ENTITIES_NORP ||
            m->label == ENTITIES_NO_LABEL)
            continue;
        if (!ent_tok_common(w, m->a) ||
            entities_gaz_lookup_ft(w->g, &w->ft[m->a], w->fb.buf) ||
            !(sentence_initial(w, m->a) || after_symbol(w, m->a)))
            continue;
        uint64_t h = ent_tok_hash(w, m->a);
        int known = 0;
        for (size_t j = names_from(w, h);
             j < w->n_names && w->names[j].first == h && !known; j++)
            known = w->names[j].ntok == 1 &&
                    (w->names[j].weight > 1 || w->names[j].surname);
        if (!known)
            m->label = ENTITIES_NO_LABEL;
    }
}

/* A name written in lowercase ("putin and pashinyan met in moscow"): a
 * known person, country or capital whose name is no English word
 * ("turkey", "china" are). Adds the mention; 1 when it did (or on
 * failure, with w->n unchanged: the caller just goes on). */
static int lower_name(ent_work_t *w, size_t i, size_t end)
{
    const entities_token_t tok = ent_tok(w, i), *t = &tok;
    if (!t->len || (unsigned)((unsigned char)t->s[0] - 'a') >= 26u ||
        ent_tok_common(w, i))
        return 0;
    const entities_gaz_entry_t *e;
    size_t m = entities_gaz_match_ft(w->g, w->ft, w->fb.buf, end, i, &e);
    if (m != 1)
        return 0;
    /* Outlets spelt with a lowercase start ("i24News") have a capital
     * inside. */
    int inner_cap = 0;
    for (size_t k = 1; k < t->len && !inner_cap; k++)
        inner_cap = (unsigned)((unsigned char)t->s[k] - 'A') < 26u;
    for (; e; e = entities_gaz_next(w->g, e))
        if (e->label == ENTITIES_PERSON || e->cls == ENTITIES_GZ_COUNTRY ||
            (e->cls == ENTITIES_GZ_CITY && e->refers_to) ||
            (inner_cap && e->label == ENTITIES_ORG && e->strong))
            break;
    if (!e)
        return 0;
    ent_mention_t *mm = ent_mention_add(w);
    if (!mm)
        return 0;
    ent_mention_set_tokens(w, mm, i, i + 1);
    mm->label = e->label;
    mm->entry = e;
    w->covered[i] = 1;
    return 1;
}

/* Step 3: names the document already used, and strong gazetteer names,
 * on tokens no chunk covered. */
int ent_recover(ent_work_t *w, size_t first, size_t n)
{
    for (size_t i = first; i < first + n;) {
        if (!w->covered[i] && lower_name(w, i, first + n)) {
            i++;
            continue;
        }
        if (w->covered[i] || !ent_tok_cap(w, i)) {
            if (!w->covered[i] && ent_has_hyphen(w, i) &&
                ent_split_hyphenated(w, i) < 0)
                return -1;
            i++;
            continue;
        }
        const entities_gaz_entry_t *e;
        size_t m = ent_gaz_match(w, i, first + n, &e);
        int ok = m > 0;
        for (size_t k = 0; ok && k < m; k++)
            ok = !w->covered[i + k];
        while (ok && e && !e->strong)
            e = entities_gaz_next(w->g, e);
        if (ok && e && sentence_initial(w, i)) {
            /* "Trend", "Turan", "Lori" open sentences as plain words;
             * country names and demonyms rarely do. */
            while (e && !(e->cls == ENTITIES_GZ_COUNTRY ||
                          e->cls == ENTITIES_GZ_NORP ||
                          (e->cls == ENTITIES_GZ_CITY && e->refers_to) ||
                          e->ntok_hint > 1))
                e = entities_gaz_next(w->g, e);
        }
        if (!ok || !e)
            m = 0;
        const ent_docname_t *d = name_at(w, i, first + n);
        if (d && d->ntok >= m) {
            ent_mention_t *mm = ent_mention_add(w);
            if (!mm)
                return -1;
            ent_mention_set_tokens(w, mm, i, i + d->ntok);
            mm->label = d->label;
            for (size_t k = 0; k < d->ntok; k++)
                w->covered[i + k] = 1;
            i += d->ntok;
            continue;
        }
        if (m) {
            ent_mention_t *mm = ent_mention_add(w);
            if (!mm)
                return -1;
            ent_mention_set_tokens(w, mm, i, i + m);
            mm->label = e->label;
            mm->entry = e;
            for (size_t k = 0; k < m; k++)
                w->covered[i + k] = 1;
            i += m;
            continue;
        }
        if (ent_has_hyphen(w, i) && ent_split_hyphenated(w, i) < 0)
            return -1;
        i++;
    }
    return 0;
}
