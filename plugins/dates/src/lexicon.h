/* Lexicons of the dates engine: sorted key -> value lists read from
 * data/lexicon/ (month names, numbers, units, tense markers, ...).
 *
 * The loader fills them (load_lexicon.c) and the normalization functions and
 * the tense heuristic read them; this module is what both share, so that the
 * dependency runs one way. After loading a lexicon is read-only: lookups
 * are safe from any number of threads. */
#ifndef DATES_LEXICON_H
#define DATES_LEXICON_H

#include <stdbool.h>
#include <stddef.h>

#include "dates.h"

typedef struct dates_lex_entry {
    char *key;   /* normalized: lowercase, single spaces, no final '.' */
    char *value; /* never NULL ("" when the file gave none) */
} dates_lex_entry_t;

typedef struct dates_lexicon {
    char *name;
    bool trigger;
    int class_bit;              /* when trigger */
    dates_lex_entry_t *entries; /* sorted by key */
    size_t n;
    /* The keys with first byte c are entries[by_first[c], by_first[c + 1]):
     * a lookup searches only those (dates__lexicon_sort fills it). */
    size_t by_first[257];
} dates_lexicon_t;

/* Normalizes a key in place: lowercase, runs of white space kept as one
 * space, final '.' dropped. */
void dates__key_normalize(char *s);

/* Sorts the entries of a lexicon being loaded, as dates__lexicon_get
 * needs them. Returns NULL, or a key that appears twice. */
const char *dates__lexicon_sort(dates_lexicon_t *lex);

/* Frees the name and entries of a lexicon (not lex itself). */
void dates__lexicon_release(dates_lexicon_t *lex);

/* The lexicon of the engine named name (the file name without .txt), or
 * NULL. */
const dates_lexicon_t *dates__lexicon_find(const dates_engine_t *e,
                                           const char *name);

/* Looks s (any case and spacing) up in lex; NULL when absent, or when lex
 * is NULL. The value is borrowed from the lexicon. */
const char *dates__lexicon_get(const dates_lexicon_t *lex, const char *s);

#endif /* DATES_LEXICON_H */
