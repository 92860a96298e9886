/* Lexicon lookups, shared by the loader and the normalization functions
 * (see lexicon.h). */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void dates__key_normalize(char *s)
{
    char *w = s;
    bool space = false;
    for (char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = w != s;
            continue;
        }
        if (space) {
            *w++ = ' ';
            space = false;
        }
        *w++ = (char)tolower(c);
    }
    *w = '\0';
    if (w > s && w[-1] == '.')
        w[-1] = '\0';
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const dates_lex_entry_t *)a)->key,
                  ((const dates_lex_entry_t *)b)->key);
}

const char *dates__lexicon_sort(dates_lexicon_t *lex)
{
    qsort(lex->entries, lex->n, sizeof *lex->entries, cmp_entry);
    size_t i = 0;
    for (int c = 0; c <= 256; c++) {
        while (i < lex->n && (unsigned char)lex->entries[i].key[0] < c)
            i++;
        lex->by_first[c] = i;
    }
    for (i = 1; i < lex->n; i++)
        if (strcmp(lex->entries[i - 1].key, lex->entries[i].key) == 0)
            return lex->entries[i].key;
    return NULL;
}

void dates__lexicon_release(dates_lexicon_t *lex)
{
    for (size_t j = 0; j < lex->n; j++) {
        free(lex->entries[j].key);
        free(lex->entries[j].value);
    }
    free(lex->entries);
    free(lex->name);
}

const dates_lexicon_t *dates__lexicon_find(const dates_engine_t *e,
                                           const char *name)
{
    for (size_t i = 0; i < e->nlex; i++)
        if (strcmp(e->lex[i].name, name) == 0)
            return &e->lex[i];
    return NULL;
}

const char *dates__lexicon_get(const dates_lexicon_t *lex, const char *s)
{
    if (!lex)
        return NULL;
    char buf[128];
    /* Most keys asked are lowercase ASCII words already, which
     * dates__key_normalize would leave as they are: those are looked up
     * without the copy. */
    size_t n = 0;
    bool normal = true;
    for (; s[n]; n++) {
        unsigned char c = (unsigned char)s[n];
        if ((c >= 'A' && c <= 'Z') || c == ' ' || c == '\t' || c == '\n' ||
            c == '\r' || c >= 0x80)
            normal = false;
    }
    if (n >= sizeof buf)
        return NULL;
    const char *key = s;
    if (!normal || (n > 0 && s[n - 1] == '.')) {
        memcpy(buf, s, n + 1);
        dates__key_normalize(buf);
        key = buf;
    }
    /* The keys are unique (the loader refuses a lexicon with a key
     * twice): a binary search among those with the same first byte. */
    unsigned char c = (unsigned char)key[0];
    size_t lo = lex->by_first[c], hi = lex->by_first[c + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(lex->entries[mid].key, key);
        if (d == 0)
            return lex->entries[mid].value;
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
