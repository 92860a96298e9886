/* Loading lexicon/<name>.txt: the entries of each lexicon, the trigger words
 * of those marked !trigger (the table the scanner in engine.c reads), and
 * a lexicon as a regex alternation for the patterns that name it. */
#include "loader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

static int trigger_add(dates_loader_t *L, const char *word, int bit)
{
    dates_engine_t *e = L->e;
    size_t len = strlen(word);
    if (len < 2 || len > DATES_MAX_WORD)
        return 0;
    if (e->tw_size == 0) {
        e->tw_size = 1024;
        e->tw_keys = calloc(e->tw_size, sizeof *e->tw_keys);
        e->tw_masks = calloc(e->tw_size, sizeof *e->tw_masks);
        if (!e->tw_keys || !e->tw_masks)
            return dates__oom(L);
    }
    size_t mask = e->tw_size - 1;
    for (size_t i = dates__trigger_hash(word) & mask;; i = (i + 1) & mask) {
        if (e->tw_keys[i][0] == '\0') {
            /* Keep the load factor under 1/2; the table is sized up front
             * generously and grown by rehashing when needed. */
            memcpy(e->tw_keys[i], word, len + 1);
            e->tw_masks[i] = 1ull << bit;
            break;
        }
        if (strcmp(e->tw_keys[i], word) == 0) {
            e->tw_masks[i] |= 1ull << bit;
            return 0;
        }
    }
    size_t used = 0;
    for (size_t i = 0; i < e->tw_size; i++)
        used += e->tw_keys[i][0] != '\0';
    if (used * 2 > e->tw_size) {
        size_t nsize = e->tw_size * 2;
        char(*nk)[DATES_MAX_WORD + 1] = calloc(nsize, sizeof *nk);
        uint64_t *nm = calloc(nsize, sizeof *nm);
        if (!nk || !nm) {
            free(nk);
            free(nm);
            return dates__oom(L);
        }
        for (size_t i = 0; i < e->tw_size; i++) {
            if (e->tw_keys[i][0] == '\0')
                continue;
            size_t j = dates__trigger_hash(e->tw_keys[i]) & (nsize - 1);
            while (nk[j][0] != '\0')
                j = (j + 1) & (nsize - 1);
            memcpy(nk[j], e->tw_keys[i], sizeof nk[j]);
            nm[j] = e->tw_masks[i];
        }
        free(e->tw_keys);
        free(e->tw_masks);
        e->tw_keys = nk;
        e->tw_masks = nm;
        e->tw_size = nsize;
    }
    return 0;
}

static int class_bit(dates_loader_t *L, const char *name, const char *file,
                     int line)
{
    dates_engine_t *e = L->e;
    for (int i = 0; i < e->nclasses; i++)
        if (strcmp(e->class_names[i], name) == 0)
            return i;
    if (e->nclasses == DATES_MAX_CLASSES)
        return dates__fail(L, GLOSSA_EPARSE, file, line,
                           "too many trigger lexicons (at most %d)",
                           DATES_MAX_CLASSES - 1);
    e->class_names[e->nclasses] = dates__strdup(name);
    if (!e->class_names[e->nclasses])
        return dates__oom(L);
    return e->nclasses++;
}

/* A new, empty lexicon of the engine named after the file (its name
 * without directory and .txt); NULL after dates__fail. */
static dates_lexicon_t *new_lexicon(dates_loader_t *L, const char *path,
                                    const char *shortp)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = dates__strndup(base, strlen(base) - 4);
    if (!name) {
        dates__oom(L);
        return NULL;
    }
    if (!dates__is_ident(name)) {
        dates__fail(L, GLOSSA_EPARSE, shortp, 0,
                    "lexicon name '%s' is not an identifier", name);
        free(name);
        return NULL;
    }
    dates_engine_t *e = L->e;
    dates_lexicon_t *nl = realloc(e->lex, (e->nlex + 1) * sizeof *nl);
    if (!nl) {
        free(name);
        dates__oom(L);
        return NULL;
    }
    e->lex = nl;
    dates_lexicon_t *lex = &e->lex[e->nlex++];
    memset(lex, 0, sizeof *lex);
    lex->name = name;
    return lex;
}

/* A "!directive" line; only !trigger exists. Returns 0 or the error. */
static int directive(dates_loader_t *L, dates_lexicon_t *lex, const char *s,
                     const char *shortp, int lineno)
{
    if (strcmp(s, "!trigger") != 0)
        return dates__fail(L, GLOSSA_EPARSE, shortp, lineno,
                           "unknown directive (expected !trigger)");
    int bit = class_bit(L, lex->name, shortp, lineno);
    if (bit < 0)
        return L->rc;
    lex->trigger = true;
    lex->class_bit = bit;
    return 0;
}

/* Every alphabetic part of a key is a trigger word of class bit. Returns
 * 0 or the error. */
static int add_triggers(dates_loader_t *L, const char *key, int bit)
{
    char w[DATES_MAX_WORD + 2];
    size_t wn = 0;
    for (const char *p = key;; p++) {
        if (isalpha((unsigned char)*p)) {
            if (wn <= DATES_MAX_WORD)
                w[wn] = *p;
            wn++;
            continue;
        }
        if (wn > 0 && wn <= DATES_MAX_WORD) {
            w[wn] = '\0';
            if (trigger_add(L, w, bit) < 0)
                break;
        }
        wn = 0;
        if (*p == '\0')
            break;
    }
    return L->rc;
}

/* A "key = value" (or "key") line: one more entry, and its trigger words
 * when the lexicon is a trigger. *cap is the entries' capacity. Returns 0
 * or the error. */
static int add_entry(dates_loader_t *L, dates_lexicon_t *lex, char *s,
                     size_t *cap, const char *shortp, int lineno)
{
    char *eq = strstr(s, " = ");
    char *value = "";
    if (eq) {
        *eq = '\0';
        value = dates__trim(eq + 3);
    }
    char *key = dates__trim(s);
    dates__key_normalize(key);
    if (*key == '\0')
        return dates__fail(L, GLOSSA_EPARSE, shortp, lineno, "empty key");
    if (lex->n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        dates_lex_entry_t *p =
            realloc(lex->entries, *cap * sizeof *lex->entries);
        if (!p)
            return dates__oom(L);
        lex->entries = p;
    }
    lex->entries[lex->n].key = dates__strdup(key);
    lex->entries[lex->n].value = dates__strdup(value);
    if (!lex->entries[lex->n].key || !lex->entries[lex->n].value) {
        free(lex->entries[lex->n].key);
        free(lex->entries[lex->n].value);
        return dates__oom(L);
    }
    lex->n++;
    return lex->trigger ? add_triggers(L, key, lex->class_bit) : 0;
}

int dates__load_lexicon(dates_loader_t *L, const char *path, const char *shortp)
{
    char *buf = dates__read_file(L, path);
    if (!buf)
        return L->rc;
    dates_lexicon_t *lex = new_lexicon(L, path, shortp);
    if (!lex) {
        free(buf);
        return L->rc;
    }
    size_t cap = 0;
    int lineno = 0;
    char *save = NULL;
    for (char *ln = buf; ln; ln = save) {
        save = strchr(ln, '\n');
        if (save)
            *save++ = '\0';
        lineno++;
        char *s = dates__trim(ln);
        if (*s == '#' || *s == '\0')
            continue;
        if (*s == '!' ? directive(L, lex, s, shortp, lineno)
                      : add_entry(L, lex, s, &cap, shortp, lineno))
            break;
    }
    free(buf);
    if (L->rc)
        return L->rc;
    if (lex->n == 0)
        return dates__fail(L, GLOSSA_EPARSE, shortp, 0, "lexicon '%s' is empty",
                           lex->name);
    const char *dup = dates__lexicon_sort(lex);
    if (dup)
        return dates__fail(L, GLOSSA_EPARSE, shortp, 0,
                           "duplicate key '%s' in lexicon '%s'", dup,
                           lex->name);
    return 0;
}

/* The lexicon as a regex alternation, longest keys first so that "sept"
 * wins over "sep". Spaces match any whitespace run. */
char *dates__lexicon_regex(dates_loader_t *L, const dates_lexicon_t *lex)
{
    size_t n = lex->n;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) {
        dates__oom(L);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = lex->entries[i].key;
    /* Insertion sort by length, descending; lexicons are small. */
    for (size_t i = 1; i < n; i++) {
        const char *k = keys[i];
        size_t j = i;
        while (j > 0 && strlen(keys[j - 1]) < strlen(k)) {
            keys[j] = keys[j - 1];
            j--;
        }
        keys[j] = k;
    }
    dates_sb_t b = {0};
    dates__sb_str(&b, "(?:");
    for (size_t i = 0; i < n; i++) {
        if (i)
            dates__sb_str(&b, "|");
        for (const char *p = keys[i]; *p; p++) {
            if (*p == ' ') {
                dates__sb_str(&b, "\\s+");
            } else if (strchr("\\^$.|?*+()[]{}/-'", *p)) {
                char esc[3] = {'\\', *p, '\0'};
                dates__sb_str(&b, esc);
            } else {
                dates__sb_add(&b, p, 1);
            }
        }
    }
    dates__sb_str(&b, ")");
    free(keys);
    if (b.oom) {
        free(b.s);
        dates__oom(L);
        return NULL;
    }
    return b.s;
}
