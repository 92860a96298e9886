/* The model file, weight lookup and Viterbi decoding (the tagger that
 * scores documents with them is ent_tagger.c).
 *
 * File format, version 1, all numbers little-endian:
 *   magic "GLENTMDL" | u32 format version (1) | u32 features version
 *   (ENTITIES_FEATURES_VERSION) | u32 number of tags T | u32 0 |
 *   u64 number of features F | f32 scale | T tag names of 8 bytes,
 *   NUL-padded | (T + 1) * T f32 transition weights |
 *   F records of (u64 key, T * i16 weight) | u64 FNV-1a of all bytes
 *   before it.
 * A weight is its i16 times scale. Quantizing to 16 bits halves the file
 * and the memory of float weights and changes no decision we measured
 * (the trainer reports the F1 of the file as written). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent_model.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#define MAGIC "GLENTMDL"
#define FORMAT_VERSION 1u
#define HEADER_SIZE (8 + 4 * 4 + 8 + 4)

typedef struct slot {
    uint64_t key; /* 0: empty (keys are never 0, see entities_model_write) */
    int16_t w[ENTITIES_N_TAGS];
    int16_t pad[3];
} slot_t;

struct entities_model {
    slot_t *slots;
    size_t mask;
    /* One bit per hash value (high key bits) of the features present.
     * Most keys a document produces are not in the model (rare words,
     * unseen contexts); the filter, small enough for the L2 cache, turns
     * most of those lookups away before they touch the table. */
    uint64_t *filter;
    size_t filter_mask; /* in bits */
    size_t n;
    float scale;
    float trans[(ENTITIES_N_TAGS + 1) * ENTITIES_N_TAGS];
};

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void put_f32(unsigned char *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(p, v);
}

static float get_f32(const unsigned char *p)
{
    uint32_t v = get_u32(p);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static size_t record_size(void)
{
    return 8 + 2 * ENTITIES_N_TAGS;
}

static size_t trans_count(void)
{
    return (ENTITIES_N_TAGS + 1) * ENTITIES_N_TAGS;
}

int entities_model_write(const char *path, const uint64_t *keys,
                         const float *weights, size_t n, const float *trans,
                         char *err, size_t err_size)
{
    float max = 0;
    for (size_t i = 0; i < n * ENTITIES_N_TAGS; i++)
        if (fabsf(weights[i]) > max)
            max = fabsf(weights[i]);
    float scale = max > 0 ? max / 32767.0f : 1.0f;

    size_t size = HEADER_SIZE + 8 * ENTITIES_N_TAGS + 4 * trans_count() +
                  n * record_size() + 8;
    unsigned char *buf = malloc(size);
    if (!buf) {
        snprintf(err, err_size, "out of memory writing %s", path);
        return -1;
    }
    unsigned char *p = buf;
    memcpy(p, MAGIC, 8);
    put_u32(p + 8, FORMAT_VERSION);
    put_u32(p + 12, ENTITIES_FEATURES_VERSION);
    put_u32(p + 16, ENTITIES_N_TAGS);
    put_u32(p + 20, 0);
    put_u64(p + 24, n);
    put_f32(p + 32, scale);
    p += HEADER_SIZE;
    for (int t = 0; t < ENTITIES_N_TAGS; t++) {
        memset(p, 0, 8);
        memcpy(p, entities_tag_name(t), strlen(entities_tag_name(t)));
        p += 8;
    }
    for (size_t i = 0; i < trans_count(); i++, p += 4)
        put_f32(p, trans[i]);
    for (size_t i = 0; i < n; i++) {
        put_u64(p, keys[i]);
        p += 8;
        for (int t = 0; t < ENTITIES_N_TAGS; t++, p += 2) {
            long q = lrintf(weights[i * ENTITIES_N_TAGS + t] / scale);
            if (q > 32767)
                q = 32767;
            if (q < -32767)
                q = -32767;
            uint16_t u = (uint16_t)(int16_t)q;
            p[0] = (unsigned char)(u & 0xFF);
            p[1] = (unsigned char)(u >> 8);
        }
    }
    put_u64(p, entities_fnv(ENTITIES_FNV_INIT, buf, (size_t)(p - buf)));
    p += 8;

    FILE *f = fopen(path, "wb");
    int rc = 0;
    if (!f || fwrite(buf, 1, size, f) != size) {
        snprintf(err, err_size, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (f && fclose(f) && !rc) {
        snprintf(err, err_size, "cannot write %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}

static unsigned char *read_all(const char *path, size_t *size, char *err,
                               size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "cannot open model %s: %s", path,
                 strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        snprintf(err, err_size, "cannot read model %s: not a regular file",
                 path);
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)len + 1);
    if (!buf) {
        snprintf(err, err_size, "out of memory reading model %s", path);
    } else if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        snprintf(err, err_size, "cannot read model %s", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)len;
    return buf;
}

/* Checks all of a model file but its weights: magic, versions, size,
 * checksum and tag names. Returns 0 with the number of feature records in
 * *n, or -1 after writing why into err. */
static int check_file(const unsigned char *buf, size_t size, const char *path,
                      uint64_t *n_out, char *err, size_t err_size)
{
    const char *why = NULL;
    size_t fixed = HEADER_SIZE + 8 * ENTITIES_N_TAGS + 4 * trans_count() + 8;
    if (size < HEADER_SIZE || memcmp(buf, MAGIC, 8) != 0) {
        why = "not an entities model file (bad magic)";
        goto fail;
    }
    if (get_u32(buf + 8) != FORMAT_VERSION) {
        snprintf(err, err_size,
                 "model %s: format version %u, this plugin reads version %u",
                 path, get_u32(buf + 8), FORMAT_VERSION);
        return -1;
    }
    if (get_u32(buf + 12) != ENTITIES_FEATURES_VERSION) {
        snprintf(err, err_size,
                 "model %s: trained with feature set %u, this plugin "
                 "computes feature set %u; retrain it with entities-train",
                 path, get_u32(buf + 12), ENTITIES_FEATURES_VERSION);
        return -1;
    }
    if (get_u32(buf + 16) != ENTITIES_N_TAGS) {
        why = "unexpected number of tags";
        goto fail;
    }
    uint64_t n = get_u64(buf + 24);
    if (size < fixed || n > (size - fixed) / record_size() ||
        size != fixed + n * record_size()) {
        why = "truncated or wrong size";
        goto fail;
    }
    if (entities_fnv(ENTITIES_FNV_INIT, buf, size - 8) !=
        get_u64(buf + size - 8)) {
        why = "checksum mismatch (corrupt file)";
        goto fail;
    }
    const unsigned char *p = buf + HEADER_SIZE;
    for (int t = 0; t < ENTITIES_N_TAGS; t++, p += 8) {
        const char *name = entities_tag_name(t);
        size_t len = strlen(name);
        if (memcmp(p, name, len) != 0 || (len < 8 && p[len] != '\0')) {
            why = "unexpected tag names";
            goto fail;
        }
    }
    *n_out = n;
    return 0;
fail:
    snprintf(err, err_size, "model %s: %s", path, why);
    return -1;
}

/* Reads the scale, transitions and n feature records of a checked file
 * into m, building the weight table and its filter. Returns NULL, or why
 * the file (or memory) falls short. */
static const char *read_weights(entities_model_t *m, const unsigned char *buf,
                                uint64_t n)
{
    m->scale = get_f32(buf + 32);
    if (!isfinite(m->scale) || m->scale <= 0)
        return "bad weight scale";
    const unsigned char *p = buf + HEADER_SIZE + 8 * ENTITIES_N_TAGS;
    for (size_t i = 0; i < trans_count(); i++, p += 4) {
        m->trans[i] = get_f32(p);
        if (!isfinite(m->trans[i]))
            return "bad transition weight";
    }
    size_t cap = 1024;
    while (cap < n + n / 2)
        cap *= 2;
    m->slots = calloc(cap, sizeof(slot_t));
    if (!m->slots)
        return "out of memory";
    m->mask = cap - 1;
    m->n = (size_t)n;
    size_t bits = 1u << 16;
    while (bits < 16 * n)
        bits *= 2;
    m->filter = calloc(bits / 64, sizeof(uint64_t));
    if (!m->filter)
        return "out of memory";
    m->filter_mask = bits - 1;
    for (uint64_t r = 0; r < n; r++) {
        uint64_t key = get_u64(p);
        p += 8;
        if (key == 0)
            return "zero feature key";
        size_t i = (size_t)key & m->mask;
        while (m->slots[i].key && m->slots[i].key != key)
            i = (i + 1) & m->mask;
        if (m->slots[i].key)
            return "duplicate feature key";
        m->slots[i].key = key;
        size_t bit = (size_t)(key >> 32) & m->filter_mask;
        m->filter[bit / 64] |= 1ull << (bit % 64);
        for (int t = 0; t < ENTITIES_N_TAGS; t++, p += 2)
            m->slots[i].w[t] = (int16_t)(uint16_t)(p[0] | (p[1] << 8));
    }
    return NULL;
}

entities_model_t *entities_model_load(const char *path, char *err,
                                      size_t err_size)
{
    size_t size;
    unsigned char *buf = read_all(path, &size, err, err_size);
    if (!buf)
        return NULL;
    uint64_t n;
    entities_model_t *m = NULL;
    if (check_file(buf, size, path, &n, err, err_size) == 0) {
        m = calloc(1, sizeof(*m));
        const char *why = m ? read_weights(m, buf, n) : "out of memory";
        if (why) {
            snprintf(err, err_size, "model %s: %s", path, why);
            entities_model_free(m);
            m = NULL;
        }
    }
    free(buf);
    return m;
}

void entities_model_free(entities_model_t *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->filter);
    free(m);
}

size_t entities_model_features(const entities_model_t *m)
{
    return m->n;
}

const float *entities_model_transitions(const entities_model_t *m)
{
    return m->trans;
}

float ent_model_scale(const entities_model_t *m)
{
    return m->scale;
}

/* Adds the integer weights of the keys found in the model to acc. Sums
 * of int16 weights are exact in int32 (at most a few hundred keys of at
 * most 32767), so any grouping of the keys gives the same totals. */
#if defined(__SSE2__)
/* acc[0..9) += w[0..9): the first eight widened to int32 in two vectors
 * (the compiler added them one by one). */
static inline void add_weights(int32_t *acc, const int16_t *w)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)w);
    __m128i lo = _mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16);
    __m128i hi = _mm_srai_epi32(_mm_unpackhi_epi16(x, x), 16);
    __m128i a0 = _mm_loadu_si128((const __m128i *)(void *)acc);
    __m128i a1 = _mm_loadu_si128((const __m128i *)(void *)(acc + 4));
    _mm_storeu_si128((__m128i *)(void *)acc, _mm_add_epi32(a0, lo));
    _mm_storeu_si128((__m128i *)(void *)(acc + 4), _mm_add_epi32(a1, hi));
    acc[8] += w[8];
}
#else
static inline void add_weights(int32_t *acc, const int16_t *w)
{
    for (int t = 0; t < ENTITIES_N_TAGS; t++)
        acc[t] += w[t];
}
#endif

void ent_model_accumulate(const entities_model_t *m, const uint64_t *keys,
                          size_t n_keys, int32_t *acc)
{
    for (size_t k = 0; k < n_keys; k++) {
        size_t bit = (size_t)(keys[k] >> 32) & m->filter_mask;
        if (!(m->filter[bit / 64] & (1ull << (bit % 64))))
            continue;
        size_t i = (size_t)keys[k] & m->mask;
        for (;;) {
            const slot_t *s = &m->slots[i];
            if (s->key == keys[k]) {
                add_weights(acc, s->w);
                break;
            }
            if (!s->key)
                break;
            i = (i + 1) & m->mask;
        }
    }
}

void entities_model_score(const entities_model_t *m, const uint64_t *keys,
                          size_t n_keys, float *scores)
{
    int32_t acc[ENTITIES_N_TAGS] = {0};
    ent_model_accumulate(m, keys, n_keys, acc);
    for (int t = 0; t < ENTITIES_N_TAGS; t++)
        scores[t] += (float)acc[t] * m->scale;
}

/* ALLOWED[prev + 1][cur]: I-X only after B-X or I-X (prev -1: the
 * start). Tags: O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC, B-MISC,
 * I-MISC. */
static const uint8_t ALLOWED[ENTITIES_N_TAGS + 1][ENTITIES_N_TAGS] = {
    {1, 1, 0, 1, 0, 1, 0, 1, 0}, /* start */
    {1, 1, 0, 1, 0, 1, 0, 1, 0}, /* O */
    {1, 1, 1, 1, 0, 1, 0, 1, 0}, /* B-PER */
    {1, 1, 1, 1, 0, 1, 0, 1, 0}, /* I-PER */
    {1, 1, 0, 1, 1, 1, 0, 1, 0}, /* B-ORG */
    {1, 1, 0, 1, 1, 1, 0, 1, 0}, /* I-ORG */
    {1, 1, 0, 1, 0, 1, 1, 1, 0}, /* B-LOC */
    {1, 1, 0, 1, 0, 1, 1, 1, 0}, /* I-LOC */
    {1, 1, 0, 1, 0, 1, 0, 1, 1}, /* B-MISC */
    {1, 1, 0, 1, 0, 1, 0, 1, 1}, /* I-MISC */
};

/* The tags any tag may follow (O and B-X) and the lanes they take in the
 * loop of entities_viterbi, padded to 8. */
static const int OPEN[8] = {0, 1, 3, 5, 7, -1, -1, -1};

/* The predecessor of tag c that the forward pass of entities_viterbi
 * took the maximum from: its allowed predecessors in ascending order,
 * the first strictly greater sum from -inf, as the forward pass compares
 * them (the same float additions). */
static int best_prev(const float *prev, const float *trans, int c)
{
    enum { T = ENTITIES_N_TAGS };
    float best = -INFINITY;
    int arg = 0;
    for (int p = 0; p < T; p++) {
        if (!ALLOWED[p + 1][c])
            continue;
        float s = prev[p] + trans[(p + 1) * T + c];
        if (s > best) {
            best = s;
            arg = p;
        }
    }
    return arg;
}

void entities_viterbi(const float *emit, const float *trans, size_t n,
                      uint8_t *tags, void *work)
{
    enum { T = ENTITIES_N_TAGS };
    if (n == 0)
        return;
    /* ALLOWED has two kinds of columns: O and B-X follow any tag, I-X
     * follows only B-X and I-X. The loops below visit, for each tag, its
     * allowed predecessors in ascending order keeping s > best ? s :
     * best from -inf, which finds the same maximum as visiting all nine
     * and skipping the forbidden ones: the sums compared are the same
     * float additions, and a predecessor at -inf never wins (-inf + w is
     * -inf, not > -inf). The forward pass keeps only the scores; the
     * backpointers of the one best path are found again from them
     * (best_prev), not kept for every tag of every token. */
    float tro[T][8]; /* tro[p][lane]: trans from p to OPEN[lane] */
    for (int p = 0; p < T; p++)
        for (int l = 0; l < 8; l++)
            tro[p][l] = OPEN[l] < 0 ? -INFINITY : trans[(p + 1) * T + OPEN[l]];
    float *score = work;
    for (int c = 0; c < T; c++)
        score[c] = ALLOWED[0][c] ? emit[c] + trans[c] : -INFINITY;
    for (size_t i = 1; i < n; i++) {
        const float *prev = score + (i - 1) * T;
        float *cur = score + i * T;
        const float *e = emit + i * T;
        /* O and B-X: every predecessor, one lane each. */
        float best[8];
#if defined(__SSE__)
        /* Lanes 0-3 in a vector (_mm_max_ps(s, b) is s > b ? s : b);
         * lane 4 (B-MISC), the only one left, as a scalar. */
        __m128 b0 = _mm_set1_ps(-INFINITY);
        float b4 = -INFINITY;
        for (int p = 0; p < T; p++) {
            __m128 s = _mm_add_ps(_mm_set1_ps(prev[p]), _mm_loadu_ps(tro[p]));
            b0 = _mm_max_ps(s, b0);
            float s4 = prev[p] + tro[p][4];
            b4 = s4 > b4 ? s4 : b4;
        }
        _mm_storeu_ps(best, b0);
        best[4] = b4;
#else
        for (int l = 0; l < 5; l++) {
            best[l] = -INFINITY;
            for (int p = 0; p < T; p++) {
                float s = prev[p] + tro[p][l];
                best[l] = s > best[l] ? s : best[l];
            }
        }
#endif
        for (int l = 0; l < 5; l++)
            cur[OPEN[l]] = best[l] + e[OPEN[l]];
        /* I-X (c = 2, 4, 6, 8): B-X (c - 1), then I-X. */
        for (int c = 2; c < T; c += 2) {
            float bst = -INFINITY;
            float s = prev[c - 1] + trans[c * T + c];
            bst = s > bst ? s : bst;
            s = prev[c] + trans[(c + 1) * T + c];
            bst = s > bst ? s : bst;
            cur[c] = bst + e[c];
        }
    }
    int best = 0;
    for (int c = 1; c < T; c++)
        if (score[(n - 1) * T + c] > score[(n - 1) * T + best])
            best = c;
    for (size_t i = n - 1; i > 0; i--) {
        tags[i] = (uint8_t)best;
        best = best_prev(score + (i - 1) * T, trans, best);
    }
    tags[0] = (uint8_t)best;
}
