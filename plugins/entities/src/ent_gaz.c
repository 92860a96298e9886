/* Gazetteers: name lists loaded from TSV files, matched over tokens.
 *
 * Names are compared by the 64-bit hash of their folded form (see
 * entities_fold: lowercase, no marks, no whitespace), so that a name
 * matches whatever way the tokenizer cut it ("Côte d'Ivoire" is
 * côted'ivoire whether it came as one, two or three tokens). With some
 * 10^5 names the chance of one false hash match is about 10^-9; we accept
 * it. Besides full names, the table holds the hashes of the prefixes of
 * names that end at a possible token boundary, so that matching can stop
 * as soon as no name continues. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entities.h"

#define NONE UINT32_MAX
#define FOLD_MAX ENTITIES_FOLD_MAX
/* A folded token in a fold buffer: its key (entities_ft_key), then its
 * bytes; FOLD_ENTRY is the room the longest takes. */
#define FOLD_KEY sizeof(uint64_t)
#define FOLD_ENTRY (FOLD_KEY + FOLD_MAX + 1)

enum { SLOT_FULL = 1u, SLOT_PREFIX = 2u };

typedef struct slot {
    uint64_t key; /* 0: empty */
    uint32_t first;
    uint32_t flags;
} slot_t;

/* Strings live in chunks that never move, so entries can point into them. */
typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    char data[];
} chunk_t;

struct entities_gaz {
    entities_gaz_entry_t *entries;
    size_t n, cap;
    slot_t *slots;
    size_t mask; /* slots - 1; a power of two minus one */
    size_t used;
    chunk_t *chunks;
    /* Common words (see entities_gaz_load_words): a set of folded-word
     * hashes, open addressing, 0 empty. */
    uint64_t *words;
    size_t words_mask, n_words;
    /* Feature lists (entities_gaz_load_features): a gazetteer of their
     * own, so that nothing but the model's features sees them. */
    struct entities_gaz *feat;
    /* The entries' token bounds (entities_gaz_entry_t.bounds), kept at
     * load time so that matching never folds a name again. */
    uint16_t *bounds;
    size_t n_bounds, cap_bounds;
};

entities_gaz_t *entities_gaz_new(void)
{
    entities_gaz_t *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->mask = 1023;
    g->slots = calloc(g->mask + 1, sizeof(slot_t));
    if (!g->slots) {
        free(g);
        return NULL;
    }
    return g;
}

void entities_gaz_free(entities_gaz_t *g)
{
    if (!g)
        return;
    for (chunk_t *c = g->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(g->entries);
    free(g->slots);
    free(g->words);
    free(g->bounds);
    entities_gaz_free(g->feat);
    free(g);
}

size_t entities_gaz_size(const entities_gaz_t *g)
{
    return g->n;
}

static const char *intern(entities_gaz_t *g, const char *s, size_t len)
{
    chunk_t *c = g->chunks;
    if (!c || c->size - c->used < len + 1) {
        size_t size = len + 1 > 65536 ? len + 1 : 65536;
        c = malloc(sizeof(chunk_t) + size);
        if (!c)
            return NULL;
        c->next = g->chunks;
        c->used = 0;
        c->size = size;
        g->chunks = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, len);
    p[len] = '\0';
    c->used += len + 1;
    return p;
}

/* Names without lowercase letters of at most this many bytes ("US", "EU",
 * "U.S.", "OSCE") are acronyms: they only match text without lowercase
 * letters, so that "Support Us" is no "US". Their keys start from another
 * seed. */
#define ACRONYM_MAX 6
#define ACRONYM_INIT (ENTITIES_FNV_INIT ^ 0x5bd1e9955bd1e995ull)

/* 1 when s has letters and none of them is lowercase. */
static int no_lowercase(const char *s, size_t len)
{
    int letters = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += entities_utf8_next(s + i, len - i, &cp);
        if (cp >= 'a' && cp <= 'z')
            return 0;
        if (cp >= 'A' && cp <= 'Z') {
            letters = 1;
        } else if (cp >= 0x80 && entities_is_lowercase(cp)) {
            return 0;
        }
    }
    return letters;
}

static uint64_t key_of(uint64_t fnv_state)
{
    uint64_t k = entities_mix(fnv_state);
    return k ? k : 1;
}

static slot_t *find_slot(const entities_gaz_t *g, uint64_t key)
{
    size_t i = (size_t)key & g->mask;
    for (;;) {
        slot_t *s = &g->slots[i];
        if (s->key == key || s->key == 0)
            return s;
        i = (i + 1) & g->mask;
    }
}

static int grow(entities_gaz_t *g)
{
    size_t cap = (g->mask + 1) * 2;
    slot_t *old = g->slots;
    size_t old_n = g->mask + 1;
    g->slots = calloc(cap, sizeof(slot_t));
    if (!g->slots) {
        g->slots = old;
        return -1;
    }
    g->mask = cap - 1;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].key)
            *find_slot(g, old[i].key) = old[i];
    free(old);
    return 0;
}

/* The slot for key, created (empty of entries) when missing. */
static slot_t *claim_slot(entities_gaz_t *g, uint64_t key)
{
    if ((g->used + 1) * 4 > (g->mask + 1) * 3 && grow(g))
        return NULL;
    slot_t *s = find_slot(g, key);
    if (!s->key) {
        s->key = key;
        s->first = NONE;
        s->flags = 0;
        g->used++;
    }
    return s;
}

static int is_ascii_punct(unsigned char c)
{
    return c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9');
}

/* Folds name word by word into folded (FOLD_MAX bytes) and notes in
 * bounds where a token may end: after each word, and before and after
 * ASCII punctuation inside one. Returns the folded length, 0 when the
 * name folds to nothing or to more than FOLD_MAX bytes, with the number
 * of bounds in *nb_out and of words in *words_out. */
static size_t fold_words(const char *name, char *folded, size_t *bounds,
                         size_t *nb_out, size_t *words_out)
{
    size_t nb = 0, o = 0, words = 0;
    const char *p = name;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *w = p;
        size_t o0 = o, nb0 = nb;
        /* ASCII words (most) in one pass: entities_fold's lowercasing,
         * and a bound before and after each punctuation byte. */
        for (; *p && *p != ' ' && *p != '\t'; p++) {
            unsigned c = (unsigned char)*p;
            if (c >= 0x80)
                break;
            if (c == '\n' || c == '\r')
                continue;
            if (o >= FOLD_MAX)
                return 0;
            if (c - 'A' < 26u) {
                c += 32;
            } else if (is_ascii_punct((unsigned char)c)) {
                if (o > 0 && nb < FOLD_MAX)
                    bounds[nb++] = o;
                if (nb < FOLD_MAX)
                    bounds[nb++] = o + 1;
            }
            folded[o++] = (char)c;
        }
        if (*p && *p != ' ' && *p != '\t') {
            /* Not ASCII: the word again, through entities_fold. */
            while (*p && *p != ' ' && *p != '\t')
                p++;
            o = o0;
            nb = nb0;
            size_t k =
                entities_fold(w, (size_t)(p - w), folded + o, FOLD_MAX - o);
            if (k > FOLD_MAX - o)
                return 0;
            for (size_t j = o; j < o + k; j++) {
                if (is_ascii_punct((unsigned char)folded[j])) {
                    if (j > 0 && nb < FOLD_MAX)
                        bounds[nb++] = j;
                    if (nb < FOLD_MAX)
                        bounds[nb++] = j + 1;
                }
            }
            o += k;
        }
        if (p == w)
            break;
        words++;
        if (nb < FOLD_MAX)
            bounds[nb++] = o;
    }
    *nb_out = nb;
    *words_out = words;
    return o;
}

/* Marks the keys of the name's beginnings that end at a bound short of
 * its end, so that a match over tokens knows when to read on. */
static int mark_prefixes(entities_gaz_t *g, const char *folded,
                         const size_t *bounds, size_t nb, size_t o)
{
    for (size_t b = 0; b < nb; b++) {
        if (bounds[b] >= o)
            continue;
        uint64_t pk =
            key_of(entities_fnv(ENTITIES_FNV_INIT, folded, bounds[b]));
        slot_t *s = claim_slot(g, pk);
        if (!s)
            return -1;
        s->flags |= SLOT_PREFIX;
    }
    return 0;
}

/* entities_gaz_add; with borrowed set, the strings already live in one of
 * g's chunks (a file read whole) and are not copied. */
static int add(entities_gaz_t *g, const char *name, int label, int cls,
               const char *canonical, const char *refers_to, int strong,
               int borrowed)
{
    char folded[FOLD_MAX];
    size_t bounds[FOLD_MAX];
    size_t nb = 1, o = 0, words = 1;
    int acronym;
    /* Names of ASCII letters and digits alone (most of the long lists)
     * fold in one pass, with the key's hash as they go; the rest through
     * fold_words. */
    uint64_t h = ENTITIES_FNV_INIT;
    int upper = 0, lower = 0;
    const unsigned char *q = (const unsigned char *)name;
    for (; *q && o < FOLD_MAX; q++) {
        unsigned c = *q;
        if (c - 'A' < 26u) {
            upper = 1;
            c += 32;
        } else if (c - 'a' < 26u) {
            lower = 1;
        } else if (c - '0' >= 10u) {
            break;
        }
        folded[o++] = (char)c;
        h = (h ^ c) * 0x100000001b3ull;
    }
    if (!*q && o) {
        bounds[0] = o;
        acronym = o <= ACRONYM_MAX && upper && !lower;
    } else {
        o = fold_words(name, folded, bounds, &nb, &words);
        if (o == 0)
            return -1;
        /* "RFE/RL" is written as three tokens: no acronym key for it. */
        acronym = words == 1 && o <= ACRONYM_MAX &&
                  no_lowercase(name, strlen(name)) && !strpbrk(name, "/-&");
        if (!acronym && mark_prefixes(g, folded, bounds, nb, o))
            return -1;
        h = entities_fnv(ENTITIES_FNV_INIT, folded, o);
    }
    uint64_t key = key_of(acronym ? entities_fnv(ACRONYM_INIT, folded, o) : h);
    slot_t *s = claim_slot(g, key);
    if (!s)
        return -1;
    if (!canonical || !*canonical)
        canonical = name;
    if (refers_to && !*refers_to)
        refers_to = NULL;

    /* The same name, label and canonical from a later file adds nothing. */
    uint32_t *link = &s->first;
    while (*link != NONE) {
        entities_gaz_entry_t *e = &g->entries[*link];
        if (e->label == label && e->cls == cls &&
            strcmp(e->canonical, canonical) == 0)
            return 0;
        link = &e->next;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 1024;
        entities_gaz_entry_t *grown = realloc(g->entries, cap * sizeof(*grown));
        if (!grown)
            return -1;
        g->entries = grown;
        g->cap = cap;
    }
    entities_gaz_entry_t *e = &g->entries[g->n];
    memset(e, 0, sizeof(*e));
    if (borrowed) {
        e->name = name;
        e->canonical = canonical;
        e->refers_to = refers_to;
    } else {
        e->name = intern(g, name, strlen(name));
        e->canonical = strcmp(canonical, name) == 0
                           ? e->name
                           : intern(g, canonical, strlen(canonical));
        e->refers_to =
            refers_to ? intern(g, refers_to, strlen(refers_to)) : NULL;
        if (!e->name || !e->canonical || (refers_to && !e->refers_to))
            return -1;
    }
    e->label = (uint8_t)label;
    e->cls = (uint8_t)cls;
    e->strong = (uint8_t)(strong != 0);
    e->ntok_hint = (uint8_t)(words > 255 ? 255 : words);
    e->priority = (uint32_t)g->n;
    e->next = NONE;
    if (g->n_bounds + nb > g->cap_bounds) {
        size_t cap = g->cap_bounds ? g->cap_bounds * 2 : 4096;
        while (cap < g->n_bounds + nb)
            cap *= 2;
        uint16_t *grown = realloc(g->bounds, cap * sizeof(*grown));
        if (!grown)
            return -1;
        g->bounds = grown;
        g->cap_bounds = cap;
    }
    e->bounds = (uint32_t)g->n_bounds;
    e->nbounds = (uint16_t)nb;
    for (size_t b = 0; b < nb; b++)
        g->bounds[g->n_bounds++] = (uint16_t)bounds[b];
    /* link may point into entries; recompute after a realloc above (s
     * stays: the slots only move in claim_slot). */
    link = &s->first;
    while (*link != NONE)
        link = &g->entries[*link].next;
    *link = (uint32_t)g->n;
    g->n++;
    s->flags |= SLOT_FULL;
    return 0;
}

int entities_gaz_add(entities_gaz_t *g, const char *name, int label, int cls,
                     const char *canonical, const char *refers_to, int strong)
{
    return add(g, name, label, cls, canonical, refers_to, strong, 0);
}

/* Reads the file at path whole into a new chunk of g (borrowed: kept for
 * the entries that point into it) or into malloc'd memory (the caller
 * frees it), NUL-terminated. NULL with a message in err when it cannot. */
static char *slurp(entities_gaz_t *g, const char *path, const char *what,
                   int borrowed, size_t *len, char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_size, "cannot open %s %s: %s", what, path,
                 strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        size_t n = (size_t)size;
        chunk_t *c = borrowed ? malloc(sizeof(chunk_t) + n + 1) : NULL;
        buf = borrowed ? (c ? c->data : NULL) : malloc(n + 1);
        if (buf && fread(buf, 1, n, f) == n && !ferror(f)) {
            buf[n] = '\0';
            *len = n;
            if (c) {
                /* Full: intern() never writes into it. */
                c->used = c->size = n + 1;
                c->next = g->chunks;
                g->chunks = c;
            }
        } else {
            free(borrowed ? (void *)c : (void *)buf);
            buf = NULL;
        }
    }
    if (!buf)
        snprintf(err, err_size, "error reading %s %s", what, path);
    fclose(f);
    return buf;
}

/* The next line of a buffer read by slurp: NUL-terminated in place,
 * without its "\n" or "\r\n", *len its length; NULL at the end. */
static char *next_line(char **p, char *end, size_t *len)
{
    if (*p >= end)
        return NULL;
    char *line = *p;
    char *nl = memchr(line, '\n', (size_t)(end - line));
    char *stop = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    *stop = '\0';
    if (stop > line && stop[-1] == '\r')
        *--stop = '\0';
    *len = (size_t)(stop - line);
    return line;
}

static int parse_label(const char *f, size_t len, int *label, int *cls)
{
    const char *slash = memchr(f, '/', len);
    size_t llen = slash ? (size_t)(slash - f) : len;
    *label = entities_label_parse(f, llen);
    if (*label == ENTITIES_NO_LABEL)
        return -1;
    static const int default_cls[ENTITIES_N_LABELS] = {
        ENTITIES_GZ_PERSON, ENTITIES_GZ_ORG, ENTITIES_GZ_GPE, ENTITIES_GZ_LOC,
        ENTITIES_GZ_NORP};
    *cls = default_cls[*label];
    if (!slash)
        return 0;
    const char *c = slash + 1;
    size_t clen = len - llen - 1;
    if (*label != ENTITIES_GPE)
        return -1;
#define IS(lit) (clen == strlen(lit) && memcmp(c, lit, clen) == 0)
    if (IS("country"))
        *cls = ENTITIES_GZ_COUNTRY;
    else if (IS("subdivision"))
        *cls = ENTITIES_GZ_SUBDIV;
    else if (IS("city") || IS("capital"))
        *cls = ENTITIES_GZ_CITY;
    else
        return -1;
#undef IS
    return 0;
}

/* A known person's surname alone ("Erdogan") names them: added as a weak
 * PERSON entry, so it types and canonicalizes what the tagger finds but
 * never makes a span by itself. Earlier people win a shared surname. */
static int add_surname(entities_gaz_t *g, const char *name,
                       const char *canonical)
{
    const char *last = strrchr(name, ' ');
    if (!last || !last[1])
        return 0;
    last++;
    size_t len = strlen(last);
    int roman = len <= 4 && strspn(last, "IVX") == len; /* "Karekin II" */
    if (roman || !entities_is_capitalized(last, len))
        return 0;
    return add(g, last, ENTITIES_PERSON, ENTITIES_GZ_PERSON,
               canonical && *canonical ? canonical : name, NULL, 0, 1);
}

int entities_gaz_load_file(entities_gaz_t *g, const char *path, int strong,
                           char *err, size_t err_size)
{
    size_t size;
    char *buf = slurp(g, path, "gazetteer", 1, &size, err, err_size);
    if (!buf)
        return -1;
    char *p = buf, *line;
    size_t len;
    int lineno = 0, rc = 0;
    while ((line = next_line(&p, buf + size, &len))) {
        lineno++;
        if (len == 0 || line[0] == '#')
            continue;
        char *fields[4] = {NULL, NULL, NULL, NULL};
        size_t nf = 0;
        for (char *f = line; nf < 4;) {
            fields[nf++] = f;
            char *tab = strchr(f, '\t');
            if (!tab)
                break;
            *tab = '\0';
            f = tab + 1;
        }
        if (nf < 2 || !*fields[0]) {
            snprintf(err, err_size,
                     "%s:%d: expected name<TAB>LABEL[<TAB>canonical"
                     "[<TAB>refers_to]]",
                     path, lineno);
            rc = -1;
            break;
        }
        int label, cls;
        if (parse_label(fields[1], strlen(fields[1]), &label, &cls)) {
            snprintf(err, err_size,
                     "%s:%d: unknown label \"%s\" (PERSON, ORG, GPE, LOC, "
                     "NORP; GPE/country, GPE/subdivision, GPE/city, "
                     "GPE/capital)",
                     path, lineno, fields[1]);
            rc = -1;
            break;
        }
        if (add(g, fields[0], label, cls, fields[2], fields[3], strong, 1) ||
            (label == ENTITIES_PERSON &&
             add_surname(g, fields[0], fields[2]))) {
            snprintf(err, err_size,
                     "%s:%d: cannot add \"%s\" (empty or too "
                     "long name, or out of memory)",
                     path, lineno, fields[0]);
            rc = -1;
            break;
        }
    }
    return rc;
}

int entities_gaz_load_list(entities_gaz_t *g, const char *dir,
                           const char *list_name, char *err, size_t err_size)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, list_name);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_size, "cannot open gazetteer list %s: %s", path,
                 strerror(errno));
        return -1;
    }
    char line[1024];
    int rc = 0, lineno = 0;
    while (!rc && fgets(line, sizeof(line), f)) {
        lineno++;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t len = strlen(p);
        while (len &&
               (p[len - 1] == '\n' || p[len - 1] == '\r' || p[len - 1] == ' '))
            p[--len] = '\0';
        if (!len || *p == '#')
            continue;
        int strong = 1, words = 0, feature = -1;
        if (strncmp(p, "feature ", 8) == 0) {
            static const char *const classes[] = {
                "first",  "name",    "place",    "club",
                "orgkey", "company", "facility", "noname"};
            p += 8;
            for (int c = 0; c < 8 && feature < 0; c++) {
                size_t cl = strlen(classes[c]);
                if (strncmp(p, classes[c], cl) == 0 && p[cl] == ' ') {
                    feature = ENTITIES_GZ_FIRST + c;
                    p += cl + 1;
                }
            }
            if (feature < 0) {
                snprintf(err, err_size,
                         "%s:%d: unknown feature class (first, name, place, "
                         "club, orgkey, company, facility, noname)",
                         path, lineno);
                rc = -1;
                break;
            }
        } else if (strncmp(p, "words ", 6) == 0) {
            words = 1;
            p += 6;
        } else if (strncmp(p, "weak ", 5) == 0) {
            strong = 0;
            p += 5;
        } else if (strncmp(p, "strong ", 7) == 0) {
            p += 7;
        }
        char file[4096];
        if ((size_t)snprintf(file, sizeof(file), "%s/%s", dir, p) >=
            sizeof(file)) {
            snprintf(err, err_size, "%s:%d: path too long", path, lineno);
            rc = -1;
            break;
        }
        /* The line, not its text: a configured list may be any file, and
         * errors must not show what is in it. */
        if (access(file, R_OK) != 0) {
            snprintf(err, err_size,
                     "%s:%d: the gazetteer named on this line cannot be "
                     "read: %s",
                     path, lineno, strerror(errno));
            rc = -1;
            break;
        }
        rc = feature >= 0
                 ? entities_gaz_load_features(g, file, feature, err, err_size)
             : words ? entities_gaz_load_words(g, file, err, err_size)
                     : entities_gaz_load_file(g, file, strong, err, err_size);
    }
    fclose(f);
    return rc;
}

static uint64_t word_key(const char *s, size_t len, int *ok)
{
    /* ASCII words without whitespace: entities_fold lowercases them. */
    uint64_t h = ENTITIES_FNV_INIT;
    size_t i = 0;
    for (; i < len && i < FOLD_MAX; i++) {
        unsigned c = (unsigned char)s[i];
        if (c >= 0x80 || c == ' ' || c == '\t' || c == '\n' || c == '\r')
            break;
        h = (h ^ (c - 'A' < 26u ? c + 32 : c)) * 0x100000001b3ull;
    }
    if (i == len) {
        *ok = len > 0;
        return *ok ? key_of(h) : 0;
    }
    char buf[FOLD_MAX];
    size_t k = entities_fold(s, len, buf, sizeof(buf));
    *ok = k > 0 && k <= sizeof(buf);
    return *ok ? key_of(entities_fnv(ENTITIES_FNV_INIT, buf, k)) : 0;
}

static int words_add(entities_gaz_t *g, uint64_t key)
{
    if ((g->n_words + 1) * 2 > g->words_mask + 1 || !g->words) {
        size_t cap = g->words ? (g->words_mask + 1) * 2 : 1u << 12;
        uint64_t *t = calloc(cap, sizeof(uint64_t));
        if (!t)
            return -1;
        for (size_t i = 0; g->words && i <= g->words_mask; i++) {
            if (!g->words[i])
                continue;
            size_t j = (size_t)g->words[i] & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = g->words[i];
        }
        free(g->words);
        g->words = t;
        g->words_mask = cap - 1;
    }
    size_t j = (size_t)key & g->words_mask;
    while (g->words[j] && g->words[j] != key)
        j = (j + 1) & g->words_mask;
    if (!g->words[j]) {
        g->words[j] = key;
        g->n_words++;
    }
    return 0;
}

int entities_gaz_load_words(entities_gaz_t *g, const char *path, char *err,
                            size_t err_size)
{
    size_t size;
    char *buf = slurp(g, path, "word list", 0, &size, err, err_size);
    if (!buf)
        return -1;
    char *p = buf, *line;
    size_t len;
    int rc = 0, lineno = 0;
    while (!rc && (line = next_line(&p, buf + size, &len))) {
        lineno++;
        if (len == 0 || line[0] == '#')
            continue;
        int ok;
        uint64_t key = word_key(line, len, &ok);
        if (!ok || words_add(g, key)) {
            snprintf(err, err_size, "%s:%d: cannot add \"%.*s\"", path, lineno,
                     (int)len, line);
            rc = -1;
        }
    }
    free(buf);
    return rc;
}

static int is_word(const entities_gaz_t *g, uint64_t key)
{
    size_t j = (size_t)key & g->words_mask;
    while (g->words[j]) {
        if (g->words[j] == key)
            return 1;
        j = (j + 1) & g->words_mask;
    }
    return 0;
}

int entities_gaz_is_common(const entities_gaz_t *g, const char *s, size_t len)
{
    if (!g->words)
        return 0;
    int ok;
    uint64_t key = word_key(s, len, &ok);
    return ok && is_word(g, key);
}

int entities_gaz_is_common_ft(const entities_gaz_t *g,
                              const entities_ftok_t *ft, const char *folded)
{
    return g->words && ft->len && is_word(g, entities_ft_key(ft, folded));
}

static const entities_gaz_entry_t *lookup_key(const entities_gaz_t *g,
                                              uint64_t key, uint32_t *flags)
{
    slot_t *s = find_slot(g, key);
    *flags = s->key ? s->flags : 0;
    if (!s->key || s->first == NONE)
        return NULL;
    return &g->entries[s->first];
}

const entities_gaz_entry_t *entities_gaz_lookup_str(const entities_gaz_t *g,
                                                    const char *s, size_t len)
{
    char buf[FOLD_MAX];
    size_t k = entities_fold(s, len, buf, sizeof(buf));
    if (k == 0 || k > sizeof(buf))
        return NULL;
    uint32_t flags;
    const entities_gaz_entry_t *e = NULL;
    if (k <= ACRONYM_MAX && no_lowercase(s, len))
        e = lookup_key(g, key_of(entities_fnv(ACRONYM_INIT, buf, k)), &flags);
    if (!e)
        e = lookup_key(g, key_of(entities_fnv(ENTITIES_FNV_INIT, buf, k)),
                       &flags);
    return e;
}

const entities_gaz_entry_t *entities_gaz_lookup_ft(const entities_gaz_t *g,
                                                   const entities_ftok_t *ft,
                                                   const char *folded)
{
    if (ft->len == 0)
        return NULL;
    uint32_t flags;
    const entities_gaz_entry_t *e = NULL;
    if (ft->flags & ENTITIES_FT_NOLOWER)
        e = lookup_key(
            g, key_of(entities_fnv(ACRONYM_INIT, folded + ft->off, ft->len)),
            &flags);
    if (!e)
        e = lookup_key(g, entities_ft_key(ft, folded), &flags);
    return e;
}

/* entities_fold_tokens for a token of printable ASCII bytes that fits
 * (most tokens): the folded bytes into out (FOLD_MAX + 1 bytes
 * available), the key into *key and the flags but GAP in one pass.
 * Returns 0, having written nothing useful, for any other token. */
#if defined(__GNUC__)
__attribute__((always_inline)) /* see fold_one */
#endif
static inline int
fold_ascii(const entities_token_t *t, char *out, entities_ftok_t *ft,
           uint64_t *key)
{
    const unsigned char *s = (const unsigned char *)t->s;
    const size_t len = t->len; /* a local: out may alias *t */
    if (len > FOLD_MAX)
        return 0;
    uint64_t h = ENTITIES_FNV_INIT;
    unsigned upper = 0, lower = 0, dash = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = s[i];
        /* Printable ASCII only: spaces and controls (which entities_fold
         * drops or keeps) and other bytes go the long way. */
        if (c - 0x21u >= 0x5Eu)
            return 0;
        if (c - 'A' < 26u) {
            upper = 1;
            c += 32;
        } else if (c - 'a' < 26u) {
            lower = 1;
        } else {
            dash |= c == '-';
        }
        out[i] = (char)c;
        h = (h ^ c) * 0x100000001b3ull;
    }
    uint32_t flags = 0;
    if (len && len <= ACRONYM_MAX && upper && !lower)
        flags |= ENTITIES_FT_NOLOWER;
    if (dash)
        flags |= ENTITIES_FT_DASH;
    if (len && (s[0] | 0x20u) - 'a' < 26u)
        flags |= ENTITIES_FT_ALPHA;
    if (len && (unsigned)s[0] - 'A' < 26u)
        flags |= ENTITIES_FT_CAP;
    ft->len = (uint16_t)len;
    *key = key_of(h);
    ft->flags = (uint16_t)flags;
    return 1;
}

/* Folds token t into fb (grown as needed) at fb->len, its key first, and
 * describes it in *ft. gap: ENTITIES_FT_GAP when the token is not
 * adjacent to the one before. 0 or -1 (memory). */
#if defined(__GNUC__)
/* Inlined into both loops: a call per token costs 20 instructions. */
__attribute__((always_inline))
#endif
static inline int
fold_one(const entities_token_t *t, uint16_t gap, entities_ftok_t *ft,
         entities_foldbuf_t *fb)
{
    if (fb->cap - fb->len < FOLD_ENTRY) {
        size_t cap = fb->cap ? fb->cap * 2 : 4096;
        while (cap - fb->len < FOLD_ENTRY)
            cap *= 2;
        char *grown = realloc(fb->buf, cap);
        if (!grown)
            return -1;
        fb->buf = grown;
        fb->cap = cap;
    }
    /* The offset is 32 bits (a document's text is under 4 GB, as the
     * core's token offsets are): past that, as out of memory. */
    if (fb->len + FOLD_KEY > UINT32_MAX)
        return -1;
    char *out = fb->buf + fb->len + FOLD_KEY;
    ft->off = (uint32_t)(fb->len + FOLD_KEY);
    uint64_t key;
    if (fold_ascii(t, out, ft, &key)) {
        ft->flags |= gap;
        memcpy(fb->buf + fb->len, &key, FOLD_KEY);
        fb->len += FOLD_KEY + ft->len;
        return 0;
    }
    size_t k = entities_fold(t->s, t->len, out, FOLD_MAX);
    unsigned flags = gap;
    if (k > FOLD_MAX) {
        flags |= ENTITIES_FT_LONG;
        k = 0;
        key = 0;
    } else {
        key = key_of(entities_fnv(ENTITIES_FNV_INIT, out, k));
        if (k && k <= ACRONYM_MAX && no_lowercase(t->s, t->len))
            flags |= ENTITIES_FT_NOLOWER;
    }
    unsigned char c = t->len ? (unsigned char)t->s[0] : 0;
    if (c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u)
        flags |= ENTITIES_FT_ALPHA;
    if (entities_is_capitalized(t->s, t->len))
        flags |= ENTITIES_FT_CAP;
    if (memchr(t->s, '-', t->len) || memchr(t->s, 0xE2, t->len))
        flags |= ENTITIES_FT_DASH;
    ft->len = (uint16_t)k;
    ft->flags = (uint16_t)flags;
    memcpy(fb->buf + fb->len, &key, FOLD_KEY);
    fb->len += FOLD_KEY + k;
    return 0;
}

int entities_fold_tokens(const entities_token_t *toks, size_t n,
                         entities_ftok_t *ft, entities_foldbuf_t *fb)
{
    fb->len = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t gap = i && toks[i].s != toks[i - 1].s + toks[i - 1].len
                           ? ENTITIES_FT_GAP
                           : 0;
        if (fold_one(&toks[i], gap, ft + i, fb))
            return -1;
    }
    return 0;
}

/* The folded forms entities_fold_text_tokens has kept in its buffer: an
 * open-addressing table of their offsets and lengths (off 0: empty; a
 * form's offset is past its key, never 0), by their keys. */
typedef struct fold_slot {
    uint32_t off, len;
} fold_slot_t;

/* Are the folded forms at a and b (each after its key) of len bytes,
 * b's key key, the same? Words at a time, without a call: most are a
 * few bytes and the same. */
static inline int same_form(const char *a, const char *b, size_t len,
                            uint64_t key)
{
    uint64_t x, y;
    memcpy(&x, a - FOLD_KEY, FOLD_KEY);
    if (x != key)
        return 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    for (; i < len; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* Doubles the table tab[*cap]. 0 or -1. */
static int fold_table_grow(fold_slot_t **tab, size_t *cap, const char *buf)
{
    size_t ncap = *cap * 2;
    fold_slot_t *t = calloc(ncap, sizeof(*t));
    if (!t)
        return -1;
    for (size_t i = 0; i < *cap; i++) {
        if (!(*tab)[i].off)
            continue;
        uint64_t key;
        memcpy(&key, buf + (*tab)[i].off - FOLD_KEY, FOLD_KEY);
        size_t j = (size_t)key & (ncap - 1);
        while (t[j].off)
            j = (j + 1) & (ncap - 1);
        t[j] = (*tab)[i];
    }
    free(*tab);
    *tab = t;
    *cap = ncap;
    return 0;
}

int entities_fold_text_tokens(const char *text, const glossa_token_t *tokens,
                              size_t n, entities_ftok_t *ft,
                              entities_foldbuf_t *fb)
{
    fb->len = 0;
    /* Each form is kept once. The table stops taking new forms past one
     * for 8 tokens (and 4,096): a text of few repeats keeps its copies,
     * with a table of 2 to 4 bytes a token. */
    size_t cap = 1024, kept = 0, most = n / 8 + 4096;
    fold_slot_t *tab = calloc(cap, sizeof(*tab));
    if (!tab)
        return -1;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        const entities_token_t t = {text + tokens[i].start,
                                    tokens[i].end - tokens[i].start};
        uint16_t gap =
            i && tokens[i].start != tokens[i - 1].end ? ENTITIES_FT_GAP : 0;
        size_t at = fb->len;
        if (fold_one(&t, gap, ft + i, fb))
            goto out;
        if (ft[i].flags & ENTITIES_FT_LONG)
            continue;
        const char *form = fb->buf + ft[i].off;
        const uint32_t len = ft[i].len;
        const uint64_t key = entities_ft_key(&ft[i], fb->buf);
        size_t j = (size_t)key & (cap - 1);
        for (; tab[j].off; j = (j + 1) & (cap - 1))
            if (tab[j].len == len &&
                same_form(fb->buf + tab[j].off, form, len, key))
                break;
        if (tab[j].off) {
            ft[i].off = tab[j].off; /* the copy kept: this one goes */
            fb->len = at;
        } else if (kept < most) {
            tab[j].off = ft[i].off;
            tab[j].len = len;
            if (2 * ++kept > cap && fold_table_grow(&tab, &cap, fb->buf))
                goto out;
        }
    }
    rc = 0;
out:
    free(tab);
    return rc;
}

const entities_gaz_entry_t *entities_gaz_next(const entities_gaz_t *g,
                                              const entities_gaz_entry_t *e)
{
    return e->next == NONE ? NULL : &g->entries[e->next];
}

/* Does every space of the text inside a match (folded offsets gap[ng])
 * fall where the name has a space or punctuation? Folding drops spaces,
 * so "Azerbaijan is" folds as the demonym "Azerbaijanis" does; "Côte d’
 * Ivoire" still matches "Côte d'Ivoire". */
static int gaps_fit(const entities_gaz_t *g, const entities_gaz_entry_t *e,
                    const size_t *gap, size_t ng)
{
    const uint16_t *bounds = g->bounds + e->bounds;
    for (size_t k = 0; k < ng; k++) {
        size_t b = 0;
        while (b < e->nbounds && bounds[b] != gap[k])
            b++;
        if (b == e->nbounds)
            return 0;
    }
    return 1;
}

size_t entities_gaz_match_ft(const entities_gaz_t *g, const entities_ftok_t *ft,
                             const char *folded, size_t n, size_t i,
                             const entities_gaz_entry_t **entry)
{
    uint64_t h = ENTITIES_FNV_INIT;
    size_t best = 0, ng = 0, matched = 0; /* folded bytes so far */
    size_t gap[ENTITIES_GAZ_MAX_TOKENS];
    *entry = NULL;
    for (size_t k = 0; k < ENTITIES_GAZ_MAX_TOKENS && i + k < n; k++) {
        const entities_ftok_t *t = &ft[i + k];
        if (k && (t->flags & ENTITIES_FT_GAP))
            gap[ng++] = matched;
        if (t->len == 0)
            break;
        matched += t->len;
        uint32_t flags;
        const entities_gaz_entry_t *e;
        if (k) {
            h = entities_fnv(h, folded + t->off, t->len);
            e = lookup_key(g, key_of(h), &flags);
        } else {
            /* The first token's key is its own; the hash to go on with
             * is only needed when some name goes on. */
            e = lookup_key(g, entities_ft_key(t, folded), &flags);
            if (flags & SLOT_PREFIX)
                h = entities_fnv(h, folded + t->off, t->len);
        }
        if (k == 0 && (t->flags & ENTITIES_FT_NOLOWER)) {
            uint32_t aflags;
            const entities_gaz_entry_t *a = lookup_key(
                g, key_of(entities_fnv(ACRONYM_INIT, folded + t->off, t->len)),
                &aflags);
            if (a)
                e = a;
        }
        /* The first entry of the key that the text's spaces fit
         * ("Whitehouse" is no "White House"). */
        while (e && ng && !gaps_fit(g, e, gap, ng))
            e = e->next == NONE ? NULL : &g->entries[e->next];
        if (e) {
            best = k + 1;
            *entry = e;
        }
        if (!(flags & SLOT_PREFIX))
            break;
    }
    return best;
}

size_t entities_gaz_match(const entities_gaz_t *g, const entities_token_t *toks,
                          size_t n, size_t i,
                          const entities_gaz_entry_t **entry)
{
    *entry = NULL;
    if (!entities_is_capitalized(toks[i].s, toks[i].len))
        return 0;
    /* The tokens a match can take, folded here. */
    size_t m =
        n - i < ENTITIES_GAZ_MAX_TOKENS ? n - i : ENTITIES_GAZ_MAX_TOKENS;
    char buf[ENTITIES_GAZ_MAX_TOKENS * FOLD_ENTRY + FOLD_KEY];
    entities_foldbuf_t fb = {buf, 0, sizeof(buf)};
    entities_ftok_t ft[ENTITIES_GAZ_MAX_TOKENS];
    if (entities_fold_tokens(toks + i, m, ft, &fb))
        return 0;
    /* The first token's gap, relative to a token outside, is never asked. */
    return entities_gaz_match_ft(g, ft, buf, m, 0, entry);
}

int entities_gaz_load_features(entities_gaz_t *g, const char *path, int cls,
                               char *err, size_t err_size)
{
    if (cls < ENTITIES_GZ_FIRST || cls >= ENTITIES_GZ_N_CLASSES) {
        snprintf(err, err_size, "%s: not a feature class", path);
        return -1;
    }
    if (!g->feat && !(g->feat = entities_gaz_new())) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    size_t size;
    char *buf = slurp(g->feat, path, "feature list", 1, &size, err, err_size);
    if (!buf)
        return -1;
    char *p = buf, *line;
    size_t len;
    int rc = 0, lineno = 0;
    while (!rc && (line = next_line(&p, buf + size, &len))) {
        lineno++;
        if (!line[0] || line[0] == '#')
            continue;
        /* The label is irrelevant: feature entries never type a span. */
        if (add(g->feat, line, ENTITIES_ORG, cls, NULL, NULL, 0, 1)) {
            snprintf(err, err_size, "%s:%d: cannot add \"%s\"", path, lineno,
                     line);
            rc = -1;
        }
    }
    return rc;
}

/* ORs the classes of match m (its entry chain from e) into gaz[i..i+m). */
static void mark(const entities_gaz_t *g, const entities_gaz_entry_t *e,
                 size_t m, uint32_t *gaz)
{
    uint32_t b = 0, in = 0;
    for (; e; e = entities_gaz_next(g, e)) {
        b |= 1u << (2 * e->cls);
        in |= 1u << (2 * e->cls + 1);
    }
    gaz[0] |= b;
    for (size_t k = 1; k < m; k++)
        gaz[k] |= in;
}

/* Feature names match in any case ("paris", "PARIS"): the model learns
 * from the word's shape how much that is worth, and lowercase or
 * all-capitals text keeps the evidence. Only tokens that start with a
 * letter or digit are tried. */
void entities_gaz_feature_match(const entities_gaz_t *g,
                                const entities_ftok_t *ft, const char *folded,
                                size_t n, uint32_t *gaz)
{
    const entities_gaz_t *fg = g->feat;
    if (!fg)
        return;
    for (size_t i = 0; i < n;) {
        const entities_gaz_entry_t *e = NULL;
        size_t m = (ft[i].flags & ENTITIES_FT_ALPHA)
                       ? entities_gaz_match_ft(fg, ft, folded, n, i, &e)
                       : 0;
        if (!m) {
            i++;
            continue;
        }
        mark(fg, e, m, gaz + i);
        i += m;
    }
}

void entities_gaz_membership(const entities_gaz_t *g, const entities_ftok_t *ft,
                             const char *folded, size_t n, uint32_t *gaz)
{
    for (size_t i = 0; i < n;) {
        const entities_gaz_entry_t *e = NULL;
        size_t m = (ft[i].flags & ENTITIES_FT_CAP)
                       ? entities_gaz_match_ft(g, ft, folded, n, i, &e)
                       : 0;
        if (!m) {
            i++;
            continue;
        }
        mark(g, e, m, gaz + i);
        i += m;
    }
    entities_gaz_feature_match(g, ft, folded, n, gaz);
}
