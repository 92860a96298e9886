/* A rule's prefilter: strings one of which every match of the rule
 * contains, worked out from its expanded pattern when the rules load, so
 * that a rule is not run over a window of text that cannot hold a match.
 *
 * Both sides are folded: ASCII letters to lower case, digits to '0',
 * white space to ' ' (a ' ' in a string stands for a run of white space).
 * A string is kept as its pairs of adjacent folded bytes, and a window as
 * the set of pairs it holds (one pass over it): a window lacking a pair of
 * every string holds no match, so the rule's PCRE2 run is skipped. Every
 * range a rule runs on lies inside its window, and the strings come from
 * what a match consumes, never from assertions, so the check answers for
 * exactly the text PCRE2 would match: skipping changes no output. Pattern
 * syntax the analysis does not know gives no prefilter, never a wrong
 * one. */
#ifndef DATES_PREFILTER_H
#define DATES_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marks of the pairs of folded bytes a window holds: one byte per pair,
 * equal to the window's stamp when it holds it. */
#define DATES_PAIRS 65536

/* One set of strings, one of which a match holds; a rule's prefilter is a
 * list of them, all of which a match meets. */
typedef struct dates_need {
    struct dates_need *next;
    size_t n;        /* strings */
    uint16_t *grams; /* their pairs, string after string */
    size_t *ends;    /* string i's pairs end at grams[ends[i]] */
    uint8_t *shared; /* how many leading pairs string i shares with i + 1 */
} dates_need_t;

/* Works out the needed strings of pattern (an expanded rule pattern, as
 * given to pcre2_compile with PCRE2_CASELESS). Stores a new need in *out,
 * or NULL when the analysis finds none (the rule always runs). Returns 0,
 * or GLOSSA_ENOMEM with *out NULL. */
int dates__need_build(const char *pattern, size_t len, dates_need_t **out);

/* Releases a need and those after it; NULL is accepted. */
void dates__need_free(dates_need_t *need);

/* Marks the pairs of folded bytes in text[s, e): seen[pair] = stamp. */
void dates__pairs_mark(uint8_t *seen, uint8_t stamp, const char *text, size_t s,
                       size_t e);

/* True when, for each set of the list need, seen marks with stamp every
 * pair of one of its strings, i.e. when the text marked may hold a match
 * of the rule. */
bool dates__need_met(const dates_need_t *need, const uint8_t *seen,
                     uint8_t stamp);

#endif /* DATES_PREFILTER_H */
