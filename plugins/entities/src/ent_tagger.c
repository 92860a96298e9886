/* The tagger: the emissions and tags of a document's sentences (see
 * entities_tagger_t in entities.h).
 *
 * Most feature keys of a position depend on one word only (its form,
 * shapes and affixes at offset d, see entities_features_word), and text
 * repeats its words: the tagger scores those keys once per word type and
 * offset, and per position only the keys that combine words
 * (entities_features_combined); the context keys of few values (the
 * bias, the gazetteer bits, the history) are scored once per tagger. The
 * integer sums are the same whatever the grouping (see
 * ent_model_accumulate), so the emissions are exactly those of
 * entities_features + entities_model_score.
 *
 * The scores of a word type depend on its bytes, the model and the
 * gazetteers alone, so they are kept from one sentence and one document to
 * the next: news articles are short and share their frequent words, which
 * would otherwise be scored again in every document. The cache is bounded:
 * before a sentence whose words could take it past max_types types, or
 * their bytes past BYTES_PER_TYPE bytes a type on average, it is emptied
 * (a word met again is scored again, to the same sums). Emptying only
 * between sentences keeps a sentence's type indices valid. */
#include <stdlib.h>
#include <string.h>

#include "ent_model.h"

/* The bytes of word types the cache keeps, on average per type: words
 * are short (news averages about 5 bytes), so this bound is met only by
 * text of long tokens (URLs, runs without spaces). */
#define BYTES_PER_TYPE 16

typedef struct wtype {
    size_t off; /* the token's bytes: the tagger's copy at bytes + off */
    uint32_t len;
    uint32_t has_start; /* start[] is filled */
    uint64_t hash;
    uint32_t flags;                   /* the tokinfo's, no SENTSTART */
    entities_wordhash_t wh;           /* for the combined context keys */
    int32_t part[5][ENTITIES_N_TAGS]; /* the word's keys at offset d + 2 */
    int32_t start[ENTITIES_N_TAGS];   /* offset 0 opening a sentence */
} wtype_t;

struct entities_tagger {
    const entities_model_t *m;
    const entities_gaz_t *g;
    /* The cache: the word types met since it was last emptied, their
     * bytes (copied: the tokens' text may go away) and a table of them. */
    wtype_t *types;
    size_t n_types, cap_types, max_types;
    char *bytes;
    size_t n_bytes, cap_bytes;
    uint32_t *table; /* type index + 1; 0: empty */
    size_t table_mask;
    entities_tagger_stats_t stats;
    /* The pads' parts: offsets -2, -1 (before the sentence), 1, 2. */
    int32_t pad[4][ENTITIES_N_TAGS];
    entities_wordhash_t pad_wh[2]; /* before, after the sentence */
    /* The context keys of few values, scored once (see
     * entities_feature_bias): the bias, each gazetteer bit at offsets
     * -1..1, each history with each of its case flags (entities_hist_case). */
    int32_t bias[ENTITIES_N_TAGS];
    int32_t gaz_w[3][32][ENTITIES_N_TAGS];
    int32_t hist_w[ENTITIES_HIST_VALUES][ENTITIES_HIST_CASES][ENTITIES_N_TAGS];
    /* Per-sentence buffers, grown to the longest sentence. */
    uint32_t *ids;
    float *emit;
    void *work;
    entities_ftok_t *ft; /* gazetteer membership when not given */
    uint32_t *gaz;
    entities_foldbuf_t fb;
    size_t cap_n;
};

/* A hash of the token's bytes, for the type table only. */
static uint64_t word_hash(const char *s, size_t len)
{
    uint64_t h = (uint64_t)len * 0x9E3779B97F4A7C15ull;
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = entities_mix(h ^ v);
        s += 8;
        len -= 8;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return entities_mix(h ^ v);
}

static void score_word(const entities_model_t *m, const entities_tokinfo_t *w,
                       int d, int32_t *acc)
{
    uint64_t keys[ENTITIES_MAX_FEATURES];
    size_t k = entities_features_word(w, d, keys);
    memset(acc, 0, sizeof(int32_t) * ENTITIES_N_TAGS);
    ent_model_accumulate(m, keys, k, acc);
}

static void score_key(const entities_model_t *m, uint64_t key, int32_t *acc)
{
    memset(acc, 0, sizeof(int32_t) * ENTITIES_N_TAGS);
    ent_model_accumulate(m, &key, 1, acc);
}

/* Scores the context keys of few values once (a tagger is made once
 * per thread and kept; entities_tag_sentence's one-off taggers pay
 * these 353 lookups each). */
static void score_fixed_keys(entities_tagger_t *t)
{
    const entities_model_t *m = t->m;
    score_key(m, entities_feature_bias(), t->bias);
    for (unsigned d = 0; d < 3; d++)
        for (unsigned b = 0; b < 32; b++)
            score_key(m, entities_feature_gaz(d, b), t->gaz_w[d][b]);
    for (uint32_t h = 1; h < ENTITIES_HIST_VALUES; h++)
        for (unsigned r = 0; r < ENTITIES_HIST_CASES; r++)
            score_key(m, entities_feature_hist(h, entities_hist_case(r)),
                      t->hist_w[h][r]);
}

entities_tagger_t *entities_tagger_new(const entities_model_t *m,
                                       const entities_gaz_t *g)
{
    entities_tagger_t *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->m = m;
    t->g = g;
    t->max_types = ENTITIES_TAGGER_CACHE_TYPES;
    t->table_mask = 255;
    t->table = calloc(t->table_mask + 1, sizeof(uint32_t));
    if (!t->table) {
        free(t);
        return NULL;
    }
    score_word(m, entities_tokinfo_pad(1), -2, t->pad[0]);
    score_word(m, entities_tokinfo_pad(1), -1, t->pad[1]);
    score_word(m, entities_tokinfo_pad(0), 1, t->pad[2]);
    score_word(m, entities_tokinfo_pad(0), 2, t->pad[3]);
    entities_wordhash_of(entities_tokinfo_pad(1), &t->pad_wh[0]);
    entities_wordhash_of(entities_tokinfo_pad(0), &t->pad_wh[1]);
    score_fixed_keys(t);
    return t;
}

void entities_tagger_free(entities_tagger_t *t)
{
    if (!t)
        return;
    free(t->types);
    free(t->bytes);
    free(t->table);
    free(t->ids);
    free(t->emit);
    free(t->work);
    free(t->ft);
    free(t->gaz);
    free(t->fb.buf);
    free(t);
}

void entities_tagger_set_max_types(entities_tagger_t *t, size_t max_types)
{
    t->max_types = max_types ? max_types : 1;
}

void entities_tagger_stats(const entities_tagger_t *t,
                           entities_tagger_stats_t *stats)
{
    *stats = t->stats;
    stats->types = t->n_types;
    stats->bytes = t->cap_types * sizeof(wtype_t) + t->cap_bytes +
                   (t->table_mask + 1) * sizeof(uint32_t);
}

/* Empties the cache. Arrays that one long sentence grew past the bounds
 * go back to them (or are freed: they grow again on demand). */
static void clear(entities_tagger_t *t)
{
    t->n_types = 0;
    t->n_bytes = 0;
    t->stats.clears++;
    /* The table max_types types grow it to (see reserve_type). */
    size_t slots = 256;
    while (t->max_types * 2 > slots)
        slots *= 2;
    uint32_t *table =
        t->table_mask + 1 > slots ? calloc(slots, sizeof(uint32_t)) : NULL;
    if (table) {
        free(t->table);
        t->table = table;
        t->table_mask = slots - 1;
    } else {
        memset(t->table, 0, (t->table_mask + 1) * sizeof(uint32_t));
    }
    if (t->cap_types > t->max_types) {
        free(t->types);
        t->types = NULL;
        t->cap_types = 0;
    }
    if (t->cap_bytes > t->max_types * BYTES_PER_TYPE) {
        free(t->bytes);
        t->bytes = NULL;
        t->cap_bytes = 0;
    }
}

/* Makes sure the n tokens of a sentence fit in the cache's bounds with
 * the types already there, or empties it. */
static void make_room(entities_tagger_t *t, const entities_token_t *toks,
                      size_t n)
{
    if (t->n_types == 0)
        return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += toks[i].len;
    if (t->n_types + n > t->max_types ||
        t->n_bytes + len > t->max_types * BYTES_PER_TYPE)
        clear(t);
}

static int grow_table(entities_tagger_t *t)
{
    size_t cap = (t->table_mask + 1) * 2;
    uint32_t *table = calloc(cap, sizeof(uint32_t));
    if (!table)
        return -1;
    for (size_t i = 0; i < t->n_types; i++) {
        size_t j = (size_t)t->types[i].hash & (cap - 1);
        while (table[j])
            j = (j + 1) & (cap - 1);
        table[j] = (uint32_t)i + 1;
    }
    free(t->table);
    t->table = table;
    t->table_mask = cap - 1;
    return 0;
}

/* Room for one more type of len bytes. The arrays double, but not past
 * the bounds unless one sentence needs more. 0 or -1 (memory). */
static int reserve_type(entities_tagger_t *t, size_t len)
{
    if (t->n_types == t->cap_types) {
        size_t cap = t->cap_types ? t->cap_types * 2 : 256;
        if (cap > t->max_types && t->n_types < t->max_types)
            cap = t->max_types;
        wtype_t *types = realloc(t->types, cap * sizeof(*types));
        if (!types)
            return -1;
        t->types = types;
        t->cap_types = cap;
    }
    if (t->n_bytes + len > t->cap_bytes) {
        size_t need = t->n_bytes + len, max = t->max_types * BYTES_PER_TYPE;
        size_t cap = t->cap_bytes ? t->cap_bytes * 2 : 4096;
        while (cap < need)
            cap *= 2;
        if (cap > max && need <= max)
            cap = max;
        char *bytes = realloc(t->bytes, cap);
        if (!bytes)
            return -1;
        t->bytes = bytes;
        t->cap_bytes = cap;
    }
    if ((t->n_types + 1) * 2 > t->table_mask + 1)
        return grow_table(t);
    return 0;
}

/* The index of the type of token w, scored on first sight; UINT32_MAX
 * when out of memory. */
static uint32_t type_of(entities_tagger_t *t, const entities_token_t *w)
{
    uint64_t h = word_hash(w->s, w->len);
    size_t j = (size_t)h & t->table_mask;
    for (; t->table[j]; j = (j + 1) & t->table_mask) {
        const wtype_t *y = &t->types[t->table[j] - 1];
        if (y->hash == h && y->len == w->len &&
            (w->len == 0 || memcmp(t->bytes + y->off, w->s, w->len) == 0))
            return t->table[j] - 1;
    }
    if (reserve_type(t, w->len))
        return UINT32_MAX;
    j = (size_t)h & t->table_mask;
    while (t->table[j])
        j = (j + 1) & t->table_mask;
    t->stats.scored++;
    wtype_t *y = &t->types[t->n_types];
    y->off = t->n_bytes;
    y->len = w->len;
    y->hash = h;
    y->has_start = 0;
    if (w->len)
        memcpy(t->bytes + t->n_bytes, w->s, w->len);
    t->n_bytes += w->len;
    entities_tokinfo_t info;
    entities_tokinfo_word(t->g, w, &info);
    y->flags = info.flags;
    entities_wordhash_of(&info, &y->wh);
    for (int d = -2; d <= 2; d++)
        score_word(t->m, &info, d, y->part[d + 2]);
    t->table[j] = (uint32_t)t->n_types + 1;
    return (uint32_t)t->n_types++;
}

static int reserve(entities_tagger_t *t, size_t n)
{
    if (n <= t->cap_n)
        return 0;
    size_t cap = t->cap_n ? t->cap_n : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *ids = realloc(t->ids, cap * sizeof(*ids));
    if (ids)
        t->ids = ids;
    float *emit = realloc(t->emit, cap * ENTITIES_N_TAGS * sizeof(float));
    if (emit)
        t->emit = emit;
    void *work = realloc(t->work, ENTITIES_VITERBI_WORK(cap));
    if (work)
        t->work = work;
    entities_ftok_t *ft = realloc(t->ft, cap * sizeof(*ft));
    if (ft)
        t->ft = ft;
    uint32_t *gaz = realloc(t->gaz, cap * sizeof(*gaz));
    if (gaz)
        t->gaz = gaz;
    if (!ids || !emit || !work || !ft || !gaz)
        return -1;
    t->cap_n = cap;
    return 0;
}

/* The nine sums of a position. Left to itself the compiler adds nine
 * int32 one by one (27 instructions a part, six parts and more a
 * position); as two vectors and a scalar it is five. */
#if defined(__GNUC__)
typedef int32_t v4i __attribute__((vector_size(16)));
typedef struct sums {
    v4i lo, hi;
    int32_t last;
} sums_t;

static inline void sums_set(sums_t *s, const int32_t *v)
{
    memcpy(&s->lo, v, sizeof(v4i));
    memcpy(&s->hi, v + 4, sizeof(v4i));
    s->last = v[8];
}

static inline void sums_add(sums_t *s, const int32_t *v)
{
    v4i lo, hi;
    memcpy(&lo, v, sizeof(v4i));
    memcpy(&hi, v + 4, sizeof(v4i));
    s->lo += lo;
    s->hi += hi;
    s->last += v[8];
}

static inline void sums_get(const sums_t *s, int32_t *v)
{
    memcpy(v, &s->lo, sizeof(v4i));
    memcpy(v + 4, &s->hi, sizeof(v4i));
    v[8] = s->last;
}
#else
typedef struct sums {
    int32_t v[ENTITIES_N_TAGS];
} sums_t;

static inline void sums_set(sums_t *s, const int32_t *v)
{
    memcpy(s->v, v, sizeof(s->v));
}

static inline void sums_add(sums_t *s, const int32_t *v)
{
    for (int k = 0; k < ENTITIES_N_TAGS; k++)
        s->v[k] += v[k];
}

static inline void sums_get(const sums_t *s, int32_t *v)
{
    memcpy(v, s->v, sizeof(s->v));
}
#endif

/* entities_tagger_emit once the buffers hold n tokens; gaz and hist as
 * entities_tagger_tag_doc says. */
static int emit_into(entities_tagger_t *t, const entities_token_t *toks,
                     const uint32_t *gaz, const uint32_t *hist, size_t n,
                     float *emit)
{
    if (!gaz && t->g) {
        if (entities_fold_tokens(toks, n, t->ft, &t->fb))
            return -1;
        memset(t->gaz, 0, n * sizeof(*t->gaz));
        entities_gaz_membership(t->g, t->ft, t->fb.buf, n, t->gaz);
        gaz = t->gaz;
    }
    make_room(t, toks, n);
    t->stats.tokens += n;
    for (size_t i = 0; i < n; i++) {
        t->ids[i] = type_of(t, &toks[i]);
        if (t->ids[i] == UINT32_MAX)
            return -1;
    }
    /* Types may have moved while growing: pointers from here on. */
    const wtype_t *ty = t->types;
    const uint32_t *ids = t->ids;
    wtype_t *first = &t->types[ids[0]];
    if (!first->has_start) {
        /* Made again from the kept bytes: few types open a sentence. */
        const entities_token_t word = {t->bytes + first->off, first->len};
        entities_tokinfo_t info;
        entities_tokinfo_word(t->g, &word, &info);
        info.flags |= ENTITIES_TF_SENTSTART;
        score_word(t->m, &info, 0, first->start);
        first->has_start = 1;
    }
    if (!t->g)
        gaz = NULL;
    const entities_model_t *m = t->m;
    const float scale = ent_model_scale(m);
    uint64_t keys[ENTITIES_COMBINED_FEATURES];
    for (size_t i = 0; i < n; i++) {
        const wtype_t *c = &ty[ids[i]];
        int32_t acc[ENTITIES_N_TAGS] = {0};
        entities_features_combined(
            i ? &ty[ids[i - 1]].wh : &t->pad_wh[0], &c->wh,
            i + 1 < n ? &ty[ids[i + 1]].wh : &t->pad_wh[1], keys);
        ent_model_accumulate(m, keys, ENTITIES_COMBINED_FEATURES, acc);
        sums_t sum;
        sums_set(&sum, acc);
        sums_add(&sum, t->bias);
        if (gaz) {
            uint32_t around[3] = {i ? gaz[i - 1] : 0, gaz[i],
                                  i + 1 < n ? gaz[i + 1] : 0};
            for (unsigned d = 0; d < 3; d++)
                for (uint32_t gz = around[d]; gz; gz &= gz - 1)
                    sums_add(&sum, t->gaz_w[d][__builtin_ctz(gz)]);
        }
        uint32_t hi = hist ? hist[i] : 0;
        if (hi) {
            uint32_t flags = c->flags | (i == 0 ? ENTITIES_TF_SENTSTART : 0);
            if (hi < ENTITIES_HIST_VALUES) {
                sums_add(&sum, t->hist_w[hi][entities_hist_case_of(flags)]);
            } else {
                int32_t w[ENTITIES_N_TAGS] = {0};
                uint64_t key = entities_feature_hist(hi, flags);
                ent_model_accumulate(m, &key, 1, w);
                sums_add(&sum, w);
            }
        }
        sums_add(&sum, i == 0 ? c->start : c->part[2]);
        sums_add(&sum, i >= 2 ? ty[ids[i - 2]].part[0] : t->pad[0]);
        sums_add(&sum, i >= 1 ? ty[ids[i - 1]].part[1] : t->pad[1]);
        sums_add(&sum, i + 1 < n ? ty[ids[i + 1]].part[3] : t->pad[2]);
        sums_add(&sum, i + 2 < n ? ty[ids[i + 2]].part[4] : t->pad[3]);
        sums_get(&sum, acc);
        float *e = emit + i * ENTITIES_N_TAGS;
        /* 0 + x, as entities_model_score adds to zeroed scores (the
         * same float, -0 included). */
        for (int k = 0; k < ENTITIES_N_TAGS; k++)
            e[k] = 0.0f + (float)acc[k] * scale;
    }
    return 0;
}

int entities_tagger_emit(entities_tagger_t *t, const entities_token_t *toks,
                         size_t n, float *emit)
{
    if (n == 0)
        return 0;
    if (reserve(t, n))
        return -1;
    return emit_into(t, toks, NULL, NULL, n, emit);
}

int entities_tagger_tag(entities_tagger_t *t, const entities_token_t *toks,
                        size_t n, uint8_t *tags)
{
    return entities_tagger_tag_doc(t, toks, NULL, NULL, n, tags);
}

int entities_tagger_tag_doc(entities_tagger_t *t, const entities_token_t *toks,
                            const uint32_t *gaz, const uint32_t *hist, size_t n,
                            uint8_t *tags)
{
    if (n == 0)
        return 0;
    if (reserve(t, n) || emit_into(t, toks, gaz, hist, n, t->emit))
        return -1;
    entities_viterbi(t->emit, entities_model_transitions(t->m), n, tags,
                     t->work);
    return 0;
}

int entities_tag_sentence(const entities_model_t *m, const entities_gaz_t *g,
                          const entities_token_t *toks, size_t n, uint8_t *tags)
{
    if (n == 0)
        return 0;
    entities_tagger_t *t = entities_tagger_new(m, g);
    int rc = t ? entities_tagger_tag(t, toks, n, tags) : -1;
    entities_tagger_free(t);
    return rc;
}
