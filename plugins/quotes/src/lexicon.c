/* The lexicon: every word list of data/ in one hash table, built once at
 * create() and read-only afterwards.
 *
 * A word's entry carries its grammar classes and the phrases that start
 * with it (a verb form, a title, a head noun, a pronoun, a source phrase),
 * longest first, so that one lookup per token answers every question the
 * rules ask about it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quotes.h"

/* Longest word the lexicon knows; longer tokens are never looked up. */
#define QX_MAX_WORD 64

/* One line's contribution before the table is built. */
typedef struct item {
    char *word; /* owned until moved into an entry */
    uint32_t flags;
    int has_phrase;
    qx_phrase_t phrase;
} item_t;

typedef struct loader {
    qx_lexicon_t *lex;
    item_t *items;
    size_t n_items, cap_items;
    char *err;
    size_t err_size;
    const char *file;
    size_t line;
} loader_t;

/* A word's hash, eight bytes at a time, with ASCII letters folded to
 * lower case (OR 0x20; other bytes a word holds are unchanged by it or
 * fold alike on both sides), so that a token needs no lowercase copy. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    const uint64_t fold = 0x2020202020202020ull;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, s, 8);
        h = (h ^ (v | fold)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t v = 0;
        memcpy(&v, s, n);
        h = (h ^ (v | (fold >> (8 * (8 - n))))) * 0xff51afd7ed558ccdull;
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

/* Lowercases ASCII and reads U+2019 as an apostrophe. Returns the length
 * written, or 0 when the word does not fit. */
static size_t normalize(const char *w, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (o + 1 >= cap)
            return 0;
        if (c == 0xE2 && i + 2 < n && (unsigned char)w[i + 1] == 0x80 &&
            ((unsigned char)w[i + 2] == 0x99 ||
             (unsigned char)w[i + 2] == 0x98)) {
            out[o++] = '\'';
            i += 2;
        } else if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

static int fail(loader_t *ld, const char *fmt, ...) GLOSSA_PRINTF(2, 3);
static int fail(loader_t *ld, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ld->err, ld->err_size, "%s:%zu: %s", ld->file, ld->line, msg);
    return -1;
}

static int oom(loader_t *ld)
{
    snprintf(ld->err, ld->err_size, "out of memory loading %s", ld->file);
    return -1;
}

static char *dup_str(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static item_t *add_item(loader_t *ld, const char *word, size_t n)
{
    char buf[QX_MAX_WORD];
    size_t len = normalize(word, n, buf, sizeof buf);
    if (len == 0) {
        fail(ld, "word too long or empty: \"%s\"", word);
        return NULL;
    }
    if (grow((void **)&ld->items, &ld->cap_items, ld->n_items + 1,
             sizeof(item_t))) {
        oom(ld);
        return NULL;
    }
    item_t *it = &ld->items[ld->n_items];
    memset(it, 0, sizeof *it);
    it->word = dup_str(buf, len);
    if (!it->word) {
        oom(ld);
        return NULL;
    }
    ld->n_items++;
    return it;
}

static int add_tail(loader_t *ld, const char *w, size_t n)
{
    qx_lexicon_t *lex = ld->lex;
    char buf[QX_MAX_WORD];
    size_t len = normalize(w, n, buf, sizeof buf);
    if (len == 0)
        return fail(ld, "word too long or empty in a phrase");
    size_t cap = lex->n_tails; /* grown one at a time: few phrases */
    char **t = realloc(lex->tails, (cap + 1) * sizeof(char *));
    if (!t)
        return oom(ld);
    lex->tails = t;
    t[lex->n_tails] = dup_str(buf, len);
    if (!t[lex->n_tails])
        return oom(ld);
    lex->n_tails++;
    return 0;
}

/* Adds the phrase `words` (separated by spaces or `sep`) of type/value. */
static int add_phrase(loader_t *ld, const char *words, char sep, uint8_t type,
                      uint32_t value)
{
    const char *p = words;
    while (*p == ' ')
        p++;
    const char *e = p;
    while (*e && *e != ' ' && *e != sep)
        e++;
    if (e == p)
        return fail(ld, "empty phrase");
    item_t *it = add_item(ld, p, (size_t)(e - p));
    if (!it)
        return -1;
    size_t item_index = ld->n_items - 1;
    uint32_t tail = (uint32_t)ld->lex->n_tails, ntail = 0;
    p = e;
    for (;;) {
        while (*p == ' ' || (*p && *p == sep))
            p++;
        if (!*p)
            break;
        e = p;
        while (*e && *e != ' ' && *e != sep)
            e++;
        if (add_tail(ld, p, (size_t)(e - p)))
            return -1;
        ntail++;
        p = e;
    }
    if (ntail > 8)
        return fail(ld, "phrase of more than 9 words: \"%s\"", words);
    it = &ld->items[item_index];
    it->has_phrase = 1;
    it->phrase.type = type;
    it->phrase.ntail = (uint8_t)ntail;
    it->phrase.tail = tail;
    it->phrase.value = value;
    return 0;
}

/* Splits a line at tabs into at most `max` fields (in place). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

typedef int (*line_cb)(loader_t *ld, char **fields, size_t n);

static int read_file(loader_t *ld, const char *dir, const char *name,
                     line_cb cb)
{
    char path[4096];
    int w = (name[0] == '/' || !dir)
                ? snprintf(path, sizeof path, "%s", name)
                : snprintf(path, sizeof path, "%s/%s", dir, name);
    if (w < 0 || (size_t)w >= sizeof path) {
        snprintf(ld->err, ld->err_size, "path too long: %s", name);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(ld->err, ld->err_size, "cannot open %s: %s", path,
                 strerror(errno));
        return -1;
    }
    ld->file = name;
    ld->line = 0;
    char buf[1024];
    int rc = 0;
    while (!rc && fgets(buf, sizeof buf, f)) {
        ld->line++;
        size_t len = strlen(buf);
        if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
            rc = fail(ld, "line too long");
            break;
        }
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (len == 0 || buf[0] == '#')
            continue;
        char *fields[8];
        size_t n = split_tabs(buf, fields, 8);
        rc = cb(ld, fields, n);
    }
    if (!rc && ferror(f)) {
        snprintf(ld->err, ld->err_size, "cannot read %s", path);
        rc = -1;
    }
    fclose(f);
    return rc;
}

/* ---- The files --------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t bit;
} FRAME_NAMES[] = {
    {"clause", QF_CLAUSE},   {"that", QF_THAT},   {"obj", QF_OBJ},
    {"to", QF_TO},           {"objto", QF_OBJTO}, {"of", QF_OF},
    {"for", QF_FOR},         {"as", QF_AS},       {"np", QF_NP},
    {"small", QF_SMALL},     {"inv", QF_INV},     {"quote", QF_QUOTE},
    {"passive", QF_PASSIVE}, {"msg", QF_MSG},     {"pinv", QF_PINV},
    {"qas", QF_QAS},         {"qinv", QF_QINV}};

static const struct {
    const char *name;
    uint32_t bit;
} CLASS_NAMES[] = {
    {"aux", QW_AUX},           {"adv", QW_ADV},       {"det", QW_DET},
    {"mod", QW_MOD},           {"prep", QW_PREP},     {"opener", QW_OPENER},
    {"time", QW_TIME},         {"conj", QW_CONJ},     {"rel", QW_REL},
    {"comp", QW_COMP},         {"neg", QW_NEG},       {"this", QW_THIS},
    {"noclause", QW_NOCLAUSE}, {"art", QW_ART},       {"sub", QW_SUB},
    {"finite", QW_FINITE},     {"clause", QW_CLAUSE}, {"issue", QW_ISSUE}};

/* Looks up each space-separated name of `list` in a table. */
#define PARSE_BITS(ld, list, table, out)                                       \
    do {                                                                       \
        char *save_ = NULL;                                                    \
        for (char *w_ = strtok_r(list, " ,", &save_); w_;                      \
             w_ = strtok_r(NULL, " ,", &save_)) {                              \
            size_t k_ = 0;                                                     \
            while (k_ < sizeof table / sizeof table[0] &&                      \
                   strcmp(table[k_].name, w_) != 0)                            \
                k_++;                                                          \
            if (k_ == sizeof table / sizeof table[0])                          \
                return fail(ld, "unknown name \"%s\"", w_);                    \
            (out) |= table[k_].bit;                                            \
        }                                                                      \
    } while (0)

static int verb_line(loader_t *ld, char **f, size_t n)
{
    if (n != 3)
        return fail(ld, "expected LEMMA, FORMS and FRAMES");
    qx_lexicon_t *lex = ld->lex;
    uint32_t frames = 0;
    PARSE_BITS(ld, f[2], FRAME_NAMES, frames);
    if (!frames)
        return fail(ld, "no frames for \"%s\"", f[0]);
    qx_verb_t *v = realloc(lex->verbs, (lex->n_verbs + 1) * sizeof *v);
    if (!v)
        return oom(ld);
    lex->verbs = v;
    v[lex->n_verbs].lemma = dup_str(f[0], strlen(f[0]));
    v[lex->n_verbs].frames = frames;
    if (!v[lex->n_verbs].lemma)
        return oom(ld);
    uint32_t index = (uint32_t)lex->n_verbs++;
    char *save = NULL;
    for (char *form = strtok_r(f[1], " ", &save); form;
         form = strtok_r(NULL, " ", &save))
        if (add_phrase(ld, form, '_', QP_VERB, index))
            return -1;
    return 0;
}

static int source_line(loader_t *ld, char **f, size_t n)
{
    if (n != 2)
        return fail(ld, "expected PHRASE and KIND");
    if (strcmp(f[1], "according") != 0)
        return fail(ld, "unknown source kind \"%s\"", f[1]);
    return add_phrase(ld, f[0], ' ', QP_SOURCE, QS_ACCORDING);
}

static int intern(char ***names, size_t *n, const char *s, uint16_t *id)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], s) == 0) {
            *id = (uint16_t)i;
            return 0;
        }
    if (*n >= 0xFFFF)
        return -1;
    char **v = realloc(*names, (*n + 1) * sizeof(char *));
    if (!v)
        return -1;
    *names = v;
    v[*n] = dup_str(s, strlen(s));
    if (!v[*n])
        return -1;
    *id = (uint16_t)(*n)++;
    return 0;
}

static int title_line(loader_t *ld, char **f, size_t n)
{
    if (n < 3 || n > 5)
        return fail(ld, "expected PHRASE, TITLE, CLASS [generic] [relative]");
    qx_lexicon_t *lex = ld->lex;
    uint8_t generic = 0, relative = 0;
    for (size_t k = 3; k < n; k++) {
        if (strcmp(f[k], "generic") == 0)
            generic = 1;
        else if (strcmp(f[k], "relative") == 0)
            relative = 1;
        else
            return fail(ld, "unknown flag \"%s\"", f[k]);
    }
    qx_title_t *t = realloc(lex->titles, (lex->n_titles + 1) * sizeof *t);
    if (!t)
        return oom(ld);
    lex->titles = t;
    qx_title_t *nt = &t[lex->n_titles];
    memset(nt, 0, sizeof *nt);
    if (intern(&lex->title_names, &lex->n_title_names, f[1], &nt->title_id))
        return oom(ld);
    /* CLASS may name several classes, "minister|envoy": a generic word
     * ("diplomat") that stands for offices of each. */
    char *cls = f[2];
    int first = 1;
    for (;;) {
        char *bar = strchr(cls, '|');
        if (bar)
            *bar = '\0';
        uint16_t id;
        if (!*cls)
            return fail(ld, "empty class name");
        if (intern(&lex->class_names, &lex->n_class_names, cls, &id))
            return oom(ld);
        if (id >= 32)
            return fail(ld, "more than 32 title classes");
        if (first)
            nt->class_id = id;
        first = 0;
        nt->class_mask |= 1u << id;
        if (!bar)
            break;
        cls = bar + 1;
    }
    if (!generic && nt->class_mask != (1u << nt->class_id))
        return fail(ld, "several classes for a title that is not generic");
    nt->title = lex->title_names[nt->title_id];
    nt->generic = generic;
    nt->relative = relative;
    uint32_t index = (uint32_t)lex->n_titles++;
    return add_phrase(ld, f[0], ' ', QP_TITLE, index);
}

static int head_line(loader_t *ld, char **f, size_t n)
{
    static const struct {
        const char *name;
        uint8_t c;
    } H[] = {{"state", QH_STATE},     {"ministry", QH_MINISTRY},
             {"office", QH_OFFICE},   {"message", QH_MESSAGE},
             {"unnamed", QH_UNNAMED}, {"nonspeech", QH_NONSPEECH},
             {"outlet", QH_OUTLET}};
    if (n < 2 || n > 4)
        return fail(ld, "expected PHRASE, CLASS [NAME [plural|person]]");
    qx_lexicon_t *lex = ld->lex;
    size_t k = 0;
    while (k < sizeof H / sizeof H[0] && strcmp(H[k].name, f[1]) != 0)
        k++;
    if (k == sizeof H / sizeof H[0])
        return fail(ld, "unknown head class \"%s\"", f[1]);
    qx_head_t *h = realloc(lex->heads, (lex->n_heads + 1) * sizeof *h);
    if (!h)
        return oom(ld);
    lex->heads = h;
    qx_head_t *nh = &h[lex->n_heads];
    memset(nh, 0, sizeof *nh);
    nh->hclass = H[k].c;
    lex->n_heads++;
    if (n >= 3 && strcmp(f[2], "-") != 0) {
        nh->name = dup_str(f[2], strlen(f[2]));
        if (!nh->name)
            return oom(ld);
    }
    if (n == 4) {
        if (strcmp(f[3], "plural") == 0)
            nh->plural = 1;
        else if (strcmp(f[3], "person") == 0)
            nh->person = 1;
        else
            return fail(ld, "unknown flag \"%s\"", f[3]);
    }
    return add_phrase(ld, f[0], ' ', QP_HEAD, (uint32_t)(lex->n_heads - 1));
}

static int pronoun_line(loader_t *ld, char **f, size_t n)
{
    static const char *const KINDS[] = {"person", "body", "group"};
    static const char *const CASES[] = {"subject", "object", "possessive"};
    if (n != 3)
        return fail(ld, "expected WORD, KIND and CASE");
    qx_lexicon_t *lex = ld->lex;
    uint8_t kind = 0, pcase = 0;
    for (uint8_t i = 0; i < 3; i++) {
        if (strcmp(f[1], KINDS[i]) == 0)
            kind = (uint8_t)(i + 1);
        if (strcmp(f[2], CASES[i]) == 0)
            pcase = (uint8_t)(i + 1);
    }
    if (!kind)
        return fail(ld, "unknown pronoun kind \"%s\"", f[1]);
    if (!pcase)
        return fail(ld, "unknown pronoun case \"%s\"", f[2]);
    qx_pronoun_t *p = realloc(lex->pronouns, (lex->n_pronouns + 1) * sizeof *p);
    if (!p)
        return oom(ld);
    lex->pronouns = p;
    p[lex->n_pronouns].kind = kind;
    p[lex->n_pronouns].pcase = pcase;
    lex->n_pronouns++;
    return add_phrase(ld, f[0], ' ', QP_PRONOUN,
                      (uint32_t)(lex->n_pronouns - 1));
}

static int grammar_line(loader_t *ld, char **f, size_t n)
{
    if (n != 2)
        return fail(ld, "expected WORD and CLASSES");
    if (strchr(f[0], ' '))
        return fail(ld, "one word only: \"%s\"", f[0]);
    uint32_t flags = 0;
    PARSE_BITS(ld, f[1], CLASS_NAMES, flags);
    item_t *it = add_item(ld, f[0], strlen(f[0]));
    if (!it)
        return -1;
    it->flags = flags;
    return 0;
}

static int demonym_line(loader_t *ld, char **f, size_t n)
{
    if (n != 2 || !*f[0] || !*f[1])
        return fail(ld, "expected COUNTRY and ADJECTIVE");
    qx_lexicon_t *lex = ld->lex;
    char **c = realloc(lex->countries, (lex->n_demonyms + 1) * sizeof *c);
    if (!c)
        return oom(ld);
    lex->countries = c;
    char **a = realloc(lex->adjectives, (lex->n_demonyms + 1) * sizeof *a);
    if (!a)
        return oom(ld);
    lex->adjectives = a;
    c[lex->n_demonyms] = dup_str(f[0], strlen(f[0]));
    a[lex->n_demonyms] = dup_str(f[1], strlen(f[1]));
    lex->n_demonyms++;
    if (!c[lex->n_demonyms - 1] || !a[lex->n_demonyms - 1])
        return oom(ld);
    return 0;
}

const char *qx_demonym(const qx_lexicon_t *lex, const char *country)
{
    for (size_t k = 0; country && k < lex->n_demonyms; k++)
        if (strcmp(lex->countries[k], country) == 0)
            return lex->adjectives[k];
    return NULL;
}

/* The country whose nationality adjective or one-word name the word
 * [w, w + n) writes, case and dots aside ("U.S." is "US"); else NULL. */
const char *qx_demonym_state(const qx_lexicon_t *lex, const char *w, size_t n)
{
    for (size_t k = 0; k < lex->n_demonyms; k++) {
        const char *forms[2] = {lex->adjectives[k], lex->countries[k]};
        for (int f = 0; f < 2; f++) {
            const char *a = forms[f];
            size_t i = 0, j = 0;
            while (i < n && a[j]) {
                if (w[i] == '.') {
                    i++;
                    continue;
                }
                if ((w[i] | 32) != (a[j] | 32))
                    break;
                i++;
                j++;
            }
            while (i < n && w[i] == '.')
                i++;
            if (i == n && !a[j] && j > 0)
                return lex->countries[k];
        }
    }
    return NULL;
}

/* ---- The table --------------------------------------------------------- */

static qx_entry_t *slot_for(qx_lexicon_t *lex, const char *key, size_t len,
                            uint64_t h)
{
    size_t i = (size_t)h & lex->mask;
    for (;;) {
        qx_entry_t *e = &lex->slots[i];
        if (!e->key ||
            (e->hash == h && e->klen == len && memcmp(e->key, key, len) == 0))
            return e;
        i = (i + 1) & lex->mask;
    }
}

static int cmp_phrase(const void *a, const void *b)
{
    const qx_phrase_t *x = a, *y = b;
    if (x->ntail != y->ntail)
        return x->ntail > y->ntail ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return x->value < y->value ? -1 : (x->value > y->value);
}

static int build(loader_t *ld)
{
    qx_lexicon_t *lex = ld->lex;
    size_t cap = 64;
    while (cap < ld->n_items * 2)
        cap *= 2;
    lex->slots = calloc(cap, sizeof(qx_entry_t));
    if (!lex->slots)
        return oom(ld);
    lex->mask = cap - 1;
    size_t n_phrases = 0;
    for (size_t i = 0; i < ld->n_items; i++) {
        item_t *it = &ld->items[i];
        size_t len = strlen(it->word);
        uint64_t h = hash_bytes(it->word, len);
        qx_entry_t *e = slot_for(lex, it->word, len, h);
        if (!e->key) {
            e->key = dup_str(it->word, len);
            if (!e->key)
                return oom(ld);
            e->klen = (uint32_t)len;
            e->hash = h;
        }
        e->flags |= it->flags;
        if (it->has_phrase) {
            e->phrase_count++;
            n_phrases++;
            if (it->phrase.type == QP_VERB || it->phrase.type == QP_SOURCE)
                e->flags |= QW_CUE;
        }
    }
    lex->phrases = calloc(n_phrases ? n_phrases : 1, sizeof(qx_phrase_t));
    if (!lex->phrases)
        return oom(ld);
    lex->n_phrases = n_phrases;
    size_t next = 0;
    for (size_t i = 0; i <= lex->mask; i++) {
        qx_entry_t *e = &lex->slots[i];
        if (!e->key)
            continue;
        e->phrase_first = (uint32_t)next;
        next += e->phrase_count;
        e->phrase_count = 0; /* refilled below */
    }
    for (size_t i = 0; i < ld->n_items; i++) {
        item_t *it = &ld->items[i];
        if (!it->has_phrase)
            continue;
        size_t len = strlen(it->word);
        qx_entry_t *e = slot_for(lex, it->word, len, hash_bytes(it->word, len));
        lex->phrases[e->phrase_first + e->phrase_count++] = it->phrase;
    }
    for (size_t i = 0; i <= lex->mask; i++) {
        qx_entry_t *e = &lex->slots[i];
        if (e->key && (e->flags & QW_CUE)) {
            if (!lex->cue_min || e->klen < lex->cue_min)
                lex->cue_min = e->klen;
            if (e->klen > lex->cue_max)
                lex->cue_max = e->klen;
            int bit = qx_prefix_bit(e->key, e->klen);
            if (bit >= 0)
                lex->cue_prefix[bit >> 6] |= 1ull << (bit & 63);
            else
                lex->cue_short = 1;
        }
        if (e->key)
            lex->word_bits[e->hash >> 57] |= 1ull << ((e->hash >> 51) & 63);
        if (e->key && e->phrase_count > 1)
            qsort(lex->phrases + e->phrase_first, e->phrase_count,
                  sizeof(qx_phrase_t), cmp_phrase);
    }
    return 0;
}

static void free_items(loader_t *ld)
{
    for (size_t i = 0; i < ld->n_items; i++)
        free(ld->items[i].word);
    free(ld->items);
    ld->items = NULL;
    ld->n_items = ld->cap_items = 0;
}

int qx_lexicon_load(const char *dir, const qx_files_t *files,
                    qx_lexicon_t **out, char *err, size_t err_size)
{
    *out = NULL;
    loader_t ld;
    memset(&ld, 0, sizeof ld);
    ld.err = err;
    ld.err_size = err_size;
    ld.lex = calloc(1, sizeof(qx_lexicon_t));
    if (!ld.lex) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    int rc = read_file(&ld, dir, files->verbs, verb_line);
    if (!rc)
        rc = read_file(&ld, dir, files->sources, source_line);
    if (!rc)
        rc = read_file(&ld, dir, files->titles, title_line);
    if (!rc)
        rc = read_file(&ld, dir, files->heads, head_line);
    if (!rc)
        rc = read_file(&ld, dir, files->pronouns, pronoun_line);
    if (!rc)
        rc = read_file(&ld, dir, files->grammar, grammar_line);
    if (!rc)
        rc = read_file(&ld, dir, files->demonyms, demonym_line);
    if (!rc)
        rc = build(&ld);
    free_items(&ld);
    if (rc) {
        qx_lexicon_free(ld.lex);
        return -1;
    }
    *out = ld.lex;
    return 0;
}

void qx_lexicon_free(qx_lexicon_t *lex)
{
    if (!lex)
        return;
    if (lex->slots)
        for (size_t i = 0; i <= lex->mask; i++)
            free(lex->slots[i].key);
    free(lex->slots);
    free(lex->phrases);
    for (size_t i = 0; i < lex->n_tails; i++)
        free(lex->tails[i]);
    free(lex->tails);
    for (size_t i = 0; i < lex->n_verbs; i++)
        free(lex->verbs[i].lemma);
    free(lex->verbs);
    free(lex->titles);
    for (size_t i = 0; i < lex->n_title_names; i++)
        free(lex->title_names[i]);
    free(lex->title_names);
    for (size_t i = 0; i < lex->n_class_names; i++)
        free(lex->class_names[i]);
    free(lex->class_names);
    for (size_t i = 0; i < lex->n_heads; i++)
        free(lex->heads[i].name);
    free(lex->heads);
    free(lex->pronouns);
    for (size_t i = 0; i < lex->n_demonyms; i++) {
        free(lex->countries[i]);
        free(lex->adjectives[i]);
    }
    free(lex->countries);
    free(lex->adjectives);
    free(lex);
}

const qx_entry_t *qx_lookup(const qx_lexicon_t *lex, const char *word,
                            size_t len)
{
    char buf[QX_MAX_WORD];
    size_t n = normalize(word, len, buf, sizeof buf);
    if (n == 0)
        return NULL;
    uint64_t h = hash_bytes(buf, n);
    size_t i = (size_t)h & lex->mask;
    for (;;) {
        const qx_entry_t *e = &lex->slots[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && e->klen == n && memcmp(e->key, buf, n) == 0)
            return e;
        i = (i + 1) & lex->mask;
    }
}

uint64_t qx_hash_ascii(const char *w, size_t n)
{
    return hash_bytes(w, n);
}

static const qx_entry_t *probe_ascii(const qx_lexicon_t *lex, const char *w,
                                     size_t n, uint64_t h);

const qx_entry_t *qx_lookup_ascii(const qx_lexicon_t *lex, const char *w,
                                  size_t n, uint64_t h)
{
    if (!(lex->word_bits[h >> 57] & (1ull << ((h >> 51) & 63))))
        return NULL;
    return probe_ascii(lex, w, n, h);
}

static const qx_entry_t *probe_ascii(const qx_lexicon_t *lex, const char *w,
                                     size_t n, uint64_t h)
{
    size_t i = (size_t)h & lex->mask;
    for (;;) {
        const qx_entry_t *e = &lex->slots[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && e->klen == n) {
            size_t k = 0;
            while (k < n && (w[k] | ((w[k] >= 'A' && w[k] <= 'Z') ? 32 : 0)) ==
                                e->key[k])
                k++;
            if (k == n)
                return e;
        }
        i = (i + 1) & lex->mask;
    }
}

int qx_word_eq(const char *word, size_t len, const char *lower)
{
    char buf[QX_MAX_WORD];
    size_t n = normalize(word, len, buf, sizeof buf);
    return n != 0 && strcmp(buf, lower) == 0;
}
