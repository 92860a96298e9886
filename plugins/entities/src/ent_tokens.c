/* What every step of the analysis asks of a token: is it in a word list,
 * its folded hash, its hyphenated parts, the gazetteer entries of a label.
 * See ent_doc.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ent_doc.h"

/* Words compared against token lists are shorter than this folded;
 * longer tokens are in no list. */
#define WORD_MAX 48

/* The index of the word lists: the key of each word (as the token's
 * entities_ftok_t.key) with the bit set of the lists it is in. Built
 * once, read-only after; open addressing, 0 empty. */
#define INDEX_SLOTS 2048
static struct {
    uint64_t key;
    uint32_t lists;
} word_index[INDEX_SLOTS];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

#define ENT_LIST_PTR(name) ent_words_##name,
static const char *const *const LISTS[ENT_N_LISTS] = {
    ENT_WORD_LISTS(ENT_LIST_PTR)};
#undef ENT_LIST_PTR

static void build_index(void)
{
    for (unsigned l = 0; l < ENT_N_LISTS; l++) {
        for (const char *const *p = LISTS[l]; *p; p++) {
            uint64_t key = entities_fold_key(*p, strlen(*p));
            size_t j = (size_t)key & (INDEX_SLOTS - 1);
            while (word_index[j].key && word_index[j].key != key)
                j = (j + 1) & (INDEX_SLOTS - 1);
            word_index[j].key = key;
            word_index[j].lists |= 1u << l;
        }
    }
}

void ent_words_init(void)
{
    pthread_once(&index_once, build_index);
}

uint32_t ent_tok_lists(const ent_work_t *w, size_t i)
{
    /* One probe of a small table, asked again each time: a cache of it
     * per token took 4 bytes a token of the whole document. */
    const entities_ftok_t *t = &w->ft[i];
    if (!t->len || t->len >= WORD_MAX)
        return 0;
    const uint64_t key = entities_ft_key(t, w->fb.buf);
    size_t j = (size_t)key & (INDEX_SLOTS - 1);
    for (; word_index[j].key; j = (j + 1) & (INDEX_SLOTS - 1))
        if (word_index[j].key == key)
            return word_index[j].lists;
    return 0;
}

int ent_tok_common(const ent_work_t *w, size_t i)
{
    return entities_gaz_is_common_ft(w->g, &w->ft[i], w->fb.buf);
}

/* The folded hash of token i: its folded key, made again for the rare
 * token that folds to more than 192 bytes (not kept: 8 bytes a token of
 * a large document for a few tokens). */
uint64_t ent_tok_hash(ent_work_t *w, size_t i)
{
    /* Tokens folding to at most 192 bytes have the key of their fold;
     * longer ones the key of its first 192 bytes. */
    if (w->ft[i].len <= 192 && !(w->ft[i].flags & ENTITIES_FT_LONG))
        return entities_ft_key(&w->ft[i], w->fb.buf);
    char buf[WORD_MAX * 4];
    const entities_token_t tok = ent_tok(w, i), *t = &tok;
    size_t k = entities_fold(t->s, t->len, buf, sizeof(buf));
    if (k > sizeof(buf))
        k = sizeof(buf);
    uint64_t h = entities_mix(entities_fnv(ENTITIES_FNV_INIT, buf, k));
    return h ? h : 1;
}

uint64_t ent_seq_hash(ent_work_t *w, size_t a, size_t b)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t i = a; i < b; i++)
        h = entities_mix(h ^ ent_tok_hash(w, i)) + i - a;
    return h;
}

/* Do tokens [a, a + k) equal tokens [b, b + k), folded? */
int ent_same_tokens(ent_work_t *w, size_t a, size_t b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (ent_tok_hash(w, a + i) != ent_tok_hash(w, b + i))
            return 0;
    return 1;
}

/* Positions of hyphens inside token i, splitting it into parts. */
size_t ent_hyphen_parts(const ent_work_t *w, size_t i, uint32_t *starts,
                        uint32_t *ends, size_t max)
{
    const entities_token_t tok = ent_tok(w, i), *t = &tok;
    /* Hyphens are '-' and U+2010, U+2011 (E2 80 90, E2 80 91). */
    if (!(w->ft[i].flags & ENTITIES_FT_DASH))
        return 0;
    size_t n = 0;
    uint32_t part = 0, o;
    for (o = 0; o < t->len;) {
        uint32_t cp;
        uint32_t k = (uint32_t)entities_utf8_next(t->s + o, t->len - o, &cp);
        if ((cp == '-' || cp == 0x2010 || cp == 0x2011) && o > part) {
            if (n == max)
                return 0;
            starts[n] = part;
            ends[n++] = o;
            part = o + k;
        }
        o += k;
    }
    if (n == 0 || part >= t->len || n == max)
        return 0;
    starts[n] = part;
    ends[n++] = t->len;
    return n;
}

/* Does token i split into parts at inner hyphens? */
int ent_hyphen_split(const ent_work_t *w, size_t i)
{
    uint32_t ps[8], pe[8];
    return ent_hyphen_parts(w, i, ps, pe, 8) > 0;
}

/* The best entry for a name, preferring one whose label is in want (a
 * bit set of labels). *any gets the best entry of any label. */
const entities_gaz_entry_t *ent_gaz_pick(const ent_work_t *w, const char *s,
                                         size_t len, unsigned want,
                                         const entities_gaz_entry_t **any)
{
    const entities_gaz_entry_t *e = entities_gaz_lookup_str(w->g, s, len);
    if (any)
        *any = e;
    for (; e; e = entities_gaz_next(w->g, e))
        if (want & (1u << e->label))
            return e;
    return NULL;
}

size_t ent_gaz_match(const ent_work_t *w, size_t i, size_t end,
                     const entities_gaz_entry_t **e)
{
    *e = NULL;
    if (!ent_tok_cap(w, i))
        return 0;
    return entities_gaz_match_ft(w->g, w->ft, w->fb.buf, end, i, e);
}

const entities_gaz_entry_t *ent_gaz_pick_toks(const ent_work_t *w, size_t a,
                                              size_t b, unsigned want,
                                              const entities_gaz_entry_t **any)
{
    if (b != a + 1)
        return ent_gaz_pick(w, w->doc->text + w->doc->tokens[a].start,
                            w->doc->tokens[b - 1].end - w->doc->tokens[a].start,
                            want, any);
    const entities_gaz_entry_t *e =
        entities_gaz_lookup_ft(w->g, &w->ft[a], w->fb.buf);
    if (any)
        *any = e;
    for (; e; e = entities_gaz_next(w->g, e))
        if (want & (1u << e->label))
            return e;
    return NULL;
}
