/* Feature extraction: the one place that turns tokens into feature keys,
 * for the trainer and the plugin alike. Changing a template means bumping
 * ENTITIES_FEATURES_VERSION and retraining. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "entities.h"

/* Longer tokens are cut for feature purposes; no name is that long. */
#define NORM_MAX 96

/* Template ids: part of every key, so the same string under two
 * templates gives two features. Never reuse a number for another
 * meaning without bumping ENTITIES_FEATURES_VERSION. */
enum {
    T_BIAS = 1,
    T_FORM0 = 2,
    T_LOWER = 3, /* 3..7: offsets -2..+2 */
    T_SHAPE0 = 8,
    T_SHORT = 9,   /* 9..11: offsets -1..+1 */
    T_PREFIX = 12, /* 12..15 */
    T_SUFFIX = 16, /* 16..19 */
    T_FLAG = 20,
    T_BI_PREV = 30,
    T_BI_NEXT = 31,
    T_TRI_SHORT = 32,
    T_START_SHORT = 33,
    T_FORM_PREV = 34,
    T_FORM_NEXT = 35,
    T_PREV_SHORT = 36,
    T_SHORT_NEXT = 37,
    T_GAZ = 40, /* 40..42: offsets -1..+1 */
    T_COMMON_CASE = 43,
    T_HIST = 44
};

static uint64_t hstr(const char *s, size_t len)
{
    return entities_fnv(ENTITIES_FNV_INIT, s, len);
}

static inline uint64_t key1(unsigned tpl, uint64_t v)
{
    return entities_mix(v ^ ((uint64_t)tpl * 0x9E3779B97F4A7C15ull));
}

static inline uint64_t key2(unsigned tpl, uint64_t a, uint64_t b)
{
    return key1(tpl, entities_mix(a) ^ b);
}

static inline uint64_t key3(unsigned tpl, uint64_t a, uint64_t b, uint64_t c)
{
    return key1(tpl, entities_mix(entities_mix(a) ^ b) ^ c);
}

static size_t put(char *buf, size_t o, uint32_t cp)
{
    if (cp < 0x80) {
        if (o + 1 > NORM_MAX)
            return o;
        buf[o++] = (char)cp;
        return o;
    }
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
    if (k <= 0 || o + (size_t)k > NORM_MAX)
        return o;
    memcpy(buf + o, tmp, (size_t)k);
    return o + (size_t)k;
}

void entities_tokinfo_generic(const entities_token_t *t, entities_tokinfo_t *ti)
{
    char form[NORM_MAX], lower[NORM_MAX], shape[NORM_MAX], shortsh[NORM_MAX];
    size_t fo = 0, lo = 0, so = 0, sso = 0;
    size_t cp_ends[NORM_MAX]; /* end of each code point in lower */
    size_t ncp = 0;
    uint32_t flags = 0;
    int letters = 0, lowers = 0, alnum = 0, first = 1;
    for (size_t i = 0; i < t->len;) {
        uint32_t cp;
        i += entities_utf8_next(t->s + i, t->len - i, &cp);
        cp = entities_ascii_standin(cp);
        char sh;
        uint32_t lc = cp;
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z') {
                sh = 'X';
                lc = cp + 32;
            } else if (cp >= 'a' && cp <= 'z') {
                sh = 'x';
            } else if (cp >= '0' && cp <= '9') {
                sh = 'd';
                lc = '0';
            } else {
                sh = (char)cp;
            }
        } else {
            switch (utf8proc_category((utf8proc_int32_t)cp)) {
            case UTF8PROC_CATEGORY_LU:
            case UTF8PROC_CATEGORY_LT:
                sh = 'X';
                lc = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
                break;
            case UTF8PROC_CATEGORY_LL:
            case UTF8PROC_CATEGORY_LM:
            case UTF8PROC_CATEGORY_LO:
            case UTF8PROC_CATEGORY_MN:
            case UTF8PROC_CATEGORY_MC:
                sh = 'x';
                break;
            case UTF8PROC_CATEGORY_ND:
                sh = 'd';
                lc = '0';
                break;
            default:
                sh = '*';
                break;
            }
        }
        if (sh == 'X' || sh == 'x') {
            letters++;
            alnum = 1;
            if (sh == 'x')
                lowers++;
            if (first && sh == 'X')
                flags |= ENTITIES_TF_CAP;
        } else if (sh == 'd') {
            flags |= ENTITIES_TF_DIGIT;
            alnum = 1;
        } else if (sh == '-' && !first && i < t->len) {
            flags |= ENTITIES_TF_HYPHEN;
        } else if (sh == '.') {
            flags |= ENTITIES_TF_PERIOD;
        }
        first = 0;
        fo = put(form, fo, cp);
        size_t before = lo;
        lo = put(lower, lo, lc);
        if (lo != before && ncp < NORM_MAX)
            cp_ends[ncp++] = lo;
        if (so < NORM_MAX)
            shape[so++] = sh;
        if (sso < NORM_MAX && (sso == 0 || shortsh[sso - 1] != sh))
            shortsh[sso++] = sh;
    }
    if (letters && !lowers)
        flags |= ENTITIES_TF_ALLCAPS;
    if (!alnum)
        flags |= ENTITIES_TF_PUNCT;
    ti->form = hstr(form, fo);
    ti->lower = hstr(lower, lo);
    ti->shape = hstr(shape, so);
    ti->shortshape = hstr(shortsh, sso);
    for (size_t k = 0; k < 4; k++) {
        size_t kk = k < ncp ? k : (ncp ? ncp - 1 : 0);
        size_t pend = ncp ? cp_ends[kk] : 0;
        ti->prefix[k] = hstr(lower, pend);
        size_t sstart = (ncp > k + 1) ? cp_ends[ncp - k - 2] : 0;
        ti->suffix[k] = hstr(lower + sstart, lo - sstart);
    }
    ti->flags = flags;
    ti->gaz = 0;
    ti->hist = 0;
    ti->zero = 0;
}

#define FNV_PRIME 0x100000001b3ull

/* entities_tokinfo_generic for a token of ASCII bytes that fits NORM_MAX
 * (most tokens): one pass, the hashes computed as the bytes go, no
 * buffers but the lowercase form for the suffixes. Returns 0, having
 * written nothing useful, for any other token. */
static int fill_ascii(const entities_token_t *t, entities_tokinfo_t *ti)
{
    const unsigned char *s = (const unsigned char *)t->s;
    size_t len = t->len;
    if (len == 0 || len > NORM_MAX)
        return 0;
    unsigned char lower[NORM_MAX];
    uint64_t hf = ENTITIES_FNV_INIT, hl = ENTITIES_FNV_INIT,
             hs = ENTITIES_FNV_INIT, hss = ENTITIES_FNV_INIT;
    uint32_t flags = 0;
    int letters = 0, lowers = 0, alnum = 0;
    unsigned prev = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = s[i], lc = c, sh;
        if (c >= 0x80)
            return 0;
        if (c - 'A' < 26u) {
            sh = 'X';
            lc = c + 32;
            letters++;
            alnum = 1;
            if (i == 0)
                flags |= ENTITIES_TF_CAP;
        } else if (c - 'a' < 26u) {
            sh = 'x';
            letters++;
            lowers++;
            alnum = 1;
        } else if (c - '0' < 10u) {
            sh = 'd';
            lc = '0';
            flags |= ENTITIES_TF_DIGIT;
            alnum = 1;
        } else {
            sh = c;
            if (c == '-' && i > 0 && i + 1 < len)
                flags |= ENTITIES_TF_HYPHEN;
            else if (c == '.')
                flags |= ENTITIES_TF_PERIOD;
        }
        lower[i] = (unsigned char)lc;
        hf = (hf ^ c) * FNV_PRIME;
        hl = (hl ^ lc) * FNV_PRIME;
        hs = (hs ^ sh) * FNV_PRIME;
        if (i == 0 || sh != prev)
            hss = (hss ^ sh) * FNV_PRIME;
        prev = sh;
        if (i < 4)
            ti->prefix[i] = hl;
    }
    for (size_t k = len; k < 4; k++)
        ti->prefix[k] = hl;
    for (size_t k = 0; k < 4; k++) {
        size_t start = len > k + 1 ? len - k - 1 : 0;
        ti->suffix[k] = hstr((const char *)lower + start, len - start);
    }
    if (letters && !lowers)
        flags |= ENTITIES_TF_ALLCAPS;
    if (!alnum)
        flags |= ENTITIES_TF_PUNCT;
    ti->form = hf;
    ti->lower = hl;
    ti->shape = hs;
    ti->shortshape = hss;
    ti->flags = flags;
    ti->gaz = 0;
    ti->hist = 0;
    ti->zero = 0;
    return 1;
}

void entities_tokinfo_word(const entities_gaz_t *g, const entities_token_t *t,
                           entities_tokinfo_t *info)
{
    if (!fill_ascii(t, info))
        entities_tokinfo_generic(t, info);
    if (g && (info->flags & ENTITIES_TF_CAP) &&
        entities_gaz_is_common(g, t->s, t->len))
        info->flags |= ENTITIES_TF_COMMON;
}

int entities_tokinfo_gaz(const entities_gaz_t *g, const entities_token_t *toks,
                         size_t n, entities_tokinfo_t *info)
{
    if (n == 0)
        return 0;
    entities_foldbuf_t fb = {NULL, 0, 0};
    entities_ftok_t *ft = malloc(n * sizeof(*ft));
    uint32_t *gaz = calloc(n, sizeof(*gaz));
    int rc = -1;
    if (ft && gaz && !entities_fold_tokens(toks, n, ft, &fb)) {
        entities_gaz_membership(g, ft, fb.buf, n, gaz);
        for (size_t i = 0; i < n; i++)
            info[i].gaz |= gaz[i];
        rc = 0;
    }
    free(fb.buf);
    free(ft);
    free(gaz);
    return rc;
}

int entities_tokinfo_fill(const entities_gaz_t *g, const entities_token_t *toks,
                          size_t n, entities_tokinfo_t *info)
{
    for (size_t i = 0; i < n; i++)
        entities_tokinfo_word(g, &toks[i], &info[i]);
    if (n)
        info[0].flags |= ENTITIES_TF_SENTSTART;
    return g ? entities_tokinfo_gaz(g, toks, n, info) : 0;
}

/* What positions outside the sentence look like. */
const entities_tokinfo_t *entities_tokinfo_pad(int before)
{
    /* Hashes of "<S>" and "</S>", computed once by hand would be fragile;
     * these constants are arbitrary but fixed forever. */
    static const entities_tokinfo_t bos = {0x1111111111111111ull,
                                           0x1111111111111112ull,
                                           0x1111111111111113ull,
                                           0x1111111111111114ull,
                                           {0},
                                           {0},
                                           0,
                                           0,
                                           0,
                                           0};
    static const entities_tokinfo_t eos = {0x2222222222222221ull,
                                           0x2222222222222222ull,
                                           0x2222222222222223ull,
                                           0x2222222222222224ull,
                                           {0},
                                           {0},
                                           0,
                                           0,
                                           0,
                                           0};
    return before ? &bos : &eos;
}

/* How the document's earlier sentences tagged the word, with how it is
 * written here: the first mention's reading carries over ("Washington"
 * after "MaliVai Washington"), weighed by what the model learnt of it. */
uint64_t entities_feature_hist(uint32_t hist, uint32_t flags)
{
    return key2(T_HIST, hist, flags & ENTITIES_HIST_FLAGS);
}

size_t entities_features(const entities_tokinfo_t *info, size_t n, size_t i,
                         uint64_t *keys)
{
    const entities_tokinfo_t *w[5];
    for (int d = -2; d <= 2; d++) {
        long j = (long)i + d;
        w[d + 2] = j < 0            ? entities_tokinfo_pad(1)
                   : (size_t)j >= n ? entities_tokinfo_pad(0)
                                    : &info[j];
    }
    const entities_tokinfo_t *p2 = w[0], *p1 = w[1], *c = w[2], *n1 = w[3],
                             *n2 = w[4];
    size_t k = 0;
    keys[k++] = key1(T_BIAS, 0);
    keys[k++] = key1(T_FORM0, c->form);
    keys[k++] = key1(T_LOWER + 0, p2->lower);
    keys[k++] = key1(T_LOWER + 1, p1->lower);
    keys[k++] = key1(T_LOWER + 2, c->lower);
    keys[k++] = key1(T_LOWER + 3, n1->lower);
    keys[k++] = key1(T_LOWER + 4, n2->lower);
    keys[k++] = key1(T_SHAPE0, c->shape);
    keys[k++] = key1(T_SHORT + 0, p1->shortshape);
    keys[k++] = key1(T_SHORT + 1, c->shortshape);
    keys[k++] = key1(T_SHORT + 2, n1->shortshape);
    for (unsigned a = 0; a < 4; a++) {
        keys[k++] = key1(T_PREFIX + a, c->prefix[a]);
        keys[k++] = key1(T_SUFFIX + a, c->suffix[a]);
    }
    for (unsigned b = 0; b < 8; b++)
        if (c->flags & (1u << b))
            keys[k++] = key1(T_FLAG, b);
    if (c->flags & ENTITIES_TF_COMMON)
        keys[k++] = key1(T_COMMON_CASE, c->flags & (ENTITIES_TF_SENTSTART |
                                                    ENTITIES_TF_ALLCAPS));
    keys[k++] = key2(T_BI_PREV, p1->lower, c->lower);
    keys[k++] = key2(T_BI_NEXT, c->lower, n1->lower);
    keys[k++] =
        key3(T_TRI_SHORT, p1->shortshape, c->shortshape, n1->shortshape);
    keys[k++] = key2(T_START_SHORT, (c->flags & ENTITIES_TF_SENTSTART) != 0,
                     c->shortshape);
    keys[k++] = key1(T_FORM_PREV, p1->form);
    keys[k++] = key1(T_FORM_NEXT, n1->form);
    keys[k++] = key2(T_PREV_SHORT, p1->lower, c->shortshape);
    keys[k++] = key2(T_SHORT_NEXT, c->shortshape, n1->lower);
    for (unsigned d = 0; d < 3; d++) {
        uint32_t gz = w[d + 1]->gaz;
        /* At most one bit per class is set: k stays below
         * ENTITIES_MAX_FEATURES; the bound is checked anyway. */
        for (unsigned b = 0; gz && b < 32; b++, gz >>= 1)
            if ((gz & 1u) && k < ENTITIES_MAX_FEATURES)
                keys[k++] = key1(T_GAZ + d, b);
    }
    if (c->hist)
        keys[k++] = entities_feature_hist(c->hist, c->flags);
    return k;
}

/* The same keys as entities_features, split by what they depend on (see
 * entities.h). Keep the two in step: test_features checks that the parts
 * of every position add up to the keys entities_features gives. */
size_t entities_features_word(const entities_tokinfo_t *t, int d,
                              uint64_t *keys)
{
    size_t k = 0;
    switch (d) {
    case -2:
        keys[k++] = key1(T_LOWER + 0, t->lower);
        break;
    case -1:
        keys[k++] = key1(T_LOWER + 1, t->lower);
        keys[k++] = key1(T_SHORT + 0, t->shortshape);
        keys[k++] = key1(T_FORM_PREV, t->form);
        break;
    case 0:
        keys[k++] = key1(T_FORM0, t->form);
        keys[k++] = key1(T_LOWER + 2, t->lower);
        keys[k++] = key1(T_SHAPE0, t->shape);
        keys[k++] = key1(T_SHORT + 1, t->shortshape);
        for (unsigned a = 0; a < 4; a++) {
            keys[k++] = key1(T_PREFIX + a, t->prefix[a]);
            keys[k++] = key1(T_SUFFIX + a, t->suffix[a]);
        }
        for (unsigned b = 0; b < 8; b++)
            if (t->flags & (1u << b))
                keys[k++] = key1(T_FLAG, b);
        if (t->flags & ENTITIES_TF_COMMON)
            keys[k++] = key1(T_COMMON_CASE, t->flags & (ENTITIES_TF_SENTSTART |
                                                        ENTITIES_TF_ALLCAPS));
        keys[k++] = key2(T_START_SHORT, (t->flags & ENTITIES_TF_SENTSTART) != 0,
                         t->shortshape);
        break;
    case 1:
        keys[k++] = key1(T_LOWER + 3, t->lower);
        keys[k++] = key1(T_SHORT + 2, t->shortshape);
        keys[k++] = key1(T_FORM_NEXT, t->form);
        break;
    case 2:
        keys[k++] = key1(T_LOWER + 4, t->lower);
        break;
    default:
        break;
    }
    return k;
}

size_t entities_features_context(const entities_tokinfo_t *info, size_t n,
                                 size_t i, uint64_t *keys)
{
    const entities_tokinfo_t *p1 = i == 0 ? entities_tokinfo_pad(1)
                                          : &info[i - 1],
                             *c = &info[i],
                             *n1 = i + 1 >= n ? entities_tokinfo_pad(0)
                                              : &info[i + 1];
    size_t k = 0;
    keys[k++] = key1(T_BIAS, 0);
    keys[k++] = key2(T_BI_PREV, p1->lower, c->lower);
    keys[k++] = key2(T_BI_NEXT, c->lower, n1->lower);
    keys[k++] =
        key3(T_TRI_SHORT, p1->shortshape, c->shortshape, n1->shortshape);
    keys[k++] = key2(T_PREV_SHORT, p1->lower, c->shortshape);
    keys[k++] = key2(T_SHORT_NEXT, c->shortshape, n1->lower);
    const entities_tokinfo_t *w[3] = {p1, c, n1};
    for (unsigned d = 0; d < 3; d++) {
        /* The set bits in increasing order, as entities_features has
         * them. */
        for (uint32_t gz = w[d]->gaz; gz; gz &= gz - 1)
            keys[k++] = key1(T_GAZ + d, (unsigned)__builtin_ctz(gz));
    }
    if (c->hist)
        keys[k++] = entities_feature_hist(c->hist, c->flags);
    return k;
}

void entities_wordhash_of(const entities_tokinfo_t *t, entities_wordhash_t *wh)
{
    wh->lower = t->lower;
    wh->shortshape = t->shortshape;
    wh->mix_lower = entities_mix(t->lower);
    wh->mix_short = entities_mix(t->shortshape);
}

uint64_t entities_feature_bias(void)
{
    return key1(T_BIAS, 0);
}

uint64_t entities_feature_gaz(unsigned d, unsigned bit)
{
    return key1(T_GAZ + d, bit);
}

/* key2 and key3 of entities_features_context with the words' own
 * entities_mix taken from wh. */
void entities_features_combined(const entities_wordhash_t *p1,
                                const entities_wordhash_t *c,
                                const entities_wordhash_t *n1, uint64_t *keys)
{
    keys[0] = key1(T_BI_PREV, p1->mix_lower ^ c->lower);
    keys[1] = key1(T_BI_NEXT, c->mix_lower ^ n1->lower);
    keys[2] = key1(T_TRI_SHORT, entities_mix(p1->mix_short ^ c->shortshape) ^
                                    n1->shortshape);
    keys[3] = key1(T_PREV_SHORT, p1->mix_lower ^ c->shortshape);
    keys[4] = key1(T_SHORT_NEXT, c->mix_short ^ n1->lower);
}

/* ---- Document history ---------------------------------------------------- */

struct entities_history {
    uint64_t *keys; /* open addressing; 0 empty */
    uint32_t *ids;  /* the entry of each key */
    size_t mask, n;
    uint8_t *bits; /* the bit set of each entry */
    size_t cap;
};

entities_history_t *entities_history_new(void)
{
    entities_history_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->mask = 255;
    h->keys = calloc(h->mask + 1, sizeof(uint64_t));
    h->ids = malloc((h->mask + 1) * sizeof(uint32_t));
    h->cap = 128;
    h->bits = malloc(h->cap);
    if (!h->keys || !h->ids || !h->bits) {
        entities_history_free(h);
        return NULL;
    }
    return h;
}

void entities_history_free(entities_history_t *h)
{
    if (!h)
        return;
    free(h->keys);
    free(h->ids);
    free(h->bits);
    free(h);
}

void entities_history_clear(entities_history_t *h)
{
    if (!h->n)
        return;
    memset(h->keys, 0, (h->mask + 1) * sizeof(uint64_t));
    h->n = 0;
}

static int history_grow(entities_history_t *h)
{
    size_t cap = (h->mask + 1) * 2;
    uint64_t *keys = calloc(cap, sizeof(uint64_t));
    uint32_t *ids = malloc(cap * sizeof(uint32_t));
    uint8_t *bits = realloc(h->bits, cap / 2);
    if (bits) {
        h->bits = bits;
        h->cap = cap / 2;
    }
    if (!keys || !ids || !bits) {
        free(keys);
        free(ids);
        return -1;
    }
    for (size_t j = 0; j <= h->mask; j++) {
        if (!h->keys[j])
            continue;
        size_t k = (size_t)h->keys[j] & (cap - 1);
        while (keys[k])
            k = (k + 1) & (cap - 1);
        keys[k] = h->keys[j];
        ids[k] = h->ids[j];
    }
    free(h->keys);
    free(h->ids);
    h->keys = keys;
    h->ids = ids;
    h->mask = cap - 1;
    return 0;
}

int entities_history_slots(entities_history_t *h, const entities_ftok_t *ft,
                           const char *folded, size_t n, uint32_t *slot)
{
    for (size_t i = 0; i < n; i++) {
        slot[i] = UINT32_MAX;
        if (!(ft[i].flags & ENTITIES_FT_ALPHA))
            continue;
        const uint64_t key = entities_ft_key(&ft[i], folded);
        if (!key)
            continue;
        if ((h->n + 1) * 2 > h->mask + 1 && history_grow(h))
            return -1;
        size_t j = (size_t)key & h->mask;
        while (h->keys[j] && h->keys[j] != key)
            j = (j + 1) & h->mask;
        if (!h->keys[j]) {
            h->keys[j] = key;
            h->ids[j] = (uint32_t)h->n;
            h->bits[h->n++] = 0;
        }
        slot[i] = h->ids[j];
    }
    return 0;
}

void entities_history_get(const entities_history_t *h, const uint32_t *slot,
                          size_t n, uint32_t *hist)
{
    for (size_t i = 0; i < n; i++)
        hist[i] = slot[i] == UINT32_MAX ? 0 : h->bits[slot[i]];
}

void entities_history_add(entities_history_t *h, const uint32_t *slot,
                          const uint8_t *tags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (slot[i] != UINT32_MAX)
            h->bits[slot[i]] |=
                (uint8_t)(tags[i] ? 1u << ENTITIES_TAG_TYPE(tags[i])
                                  : ENTITIES_HIST_O);
}
