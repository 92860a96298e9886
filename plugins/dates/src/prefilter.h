/* A rule's prefilter: strings one of which every match of the rule
 * contains, worked out from its expanded pattern when the rules load, so
 * that a rule is not run over a window of text that cannot hold a match.
 *
 * Both sides are folded: ASCII letters to lower case, digits to '0',
 * white space to ' ' (a run of it counts as one ' '). A string is kept as
 * its trigrams (a two-byte string as its pair), and a window as the set
 * of grams it holds, marked in one pass: a window where each string of
 * one of the rule's sets misses a gram holds no match, so the rule's
 * PCRE2 run is skipped. Every range
 * a rule runs on lies inside its window, the strings come from what a
 * match consumes or what its lookarounds see, and the window's marks
 * reach back as far as a lookbehind can: the check answers for all the
 * text PCRE2 would look at, and skipping changes no output. Pattern syntax
 * the analysis does not know gives no prefilter, never a wrong one.
 *
 * A need is read-only once built: any number of threads may check it at
 * once, each with its own marks. */
#ifndef DATES_PREFILTER_H
#define DATES_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marks of the grams a window holds (dates__grams_mark): one byte per
 * hash of a gram, equal to the window's stamp when it holds one. */
#define DATES_GRAMS 65536

/* One set of strings, one of which a match holds; a rule's prefilter is a
 * list of them, all of which a match meets. */
typedef struct dates_need {
    struct dates_need *next;
    size_t n;          /* strings */
    size_t nheads;     /* groups of strings with the same first gram */
    uint16_t *heads;   /* each group's first gram */
    size_t *head_ends; /* group h's strings end at string head_ends[h] */
    uint16_t *grams;   /* the strings' other grams, string after string */
    size_t *ends;      /* string i's other grams end at grams[ends[i]] */
} dates_need_t;

/* What the analysis of the patterns has read before, to read it once: a
 * loader keeps one while it loads the rules. */
typedef struct dates_need_memo dates_need_memo_t;

/* A new, empty memo, or NULL when out of memory. */
dates_need_memo_t *dates__need_memo_new(void);

/* Releases a memo; NULL is accepted. */
void dates__need_memo_free(dates_need_memo_t *memo);

/* Works out the needed strings of pattern (an expanded rule pattern, as
 * given to pcre2_compile with PCRE2_CASELESS). words, when not NULL, are
 * all the trigger words that wake the rule (lowercase): a set that each of
 * them holds is met by every window the rule runs in, and is left out.
 * memo, when not NULL, keeps the analysis of large groups across calls.
 * Stores a new need in *out, or NULL when the analysis finds none (the
 * rule always runs). Returns 0, or GLOSSA_ENOMEM with *out NULL. */
int dates__need_build(const char *pattern, size_t len, const char *const *words,
                      size_t nwords, dates_need_memo_t *memo,
                      dates_need_t **out);

/* Releases a need and those after it; NULL is accepted. */
void dates__need_free(dates_need_t *need);

/* Marks the grams of folded bytes in text[s, e): seen[mark] = stamp. */
void dates__grams_mark(uint8_t *seen, uint8_t stamp, const char *text, size_t s,
                       size_t e);

/* Does seen hold every gram of one of the strings of need? */
static inline bool dates__strings_met(const dates_need_t *need,
                                      const uint8_t *seen, uint8_t stamp)
{
    size_t first = 0;
    for (size_t h = 0; h < need->nheads; h++) {
        size_t last = need->head_ends[h];
        if (seen[need->heads[h]] == stamp) {
            for (size_t i = first; i < last; i++) {
                size_t k = i ? need->ends[i - 1] : 0, end = need->ends[i];
                while (k < end && seen[need->grams[k]] == stamp)
                    k++;
                if (k == end)
                    return true;
            }
        }
        first = last;
    }
    return false;
}

/* True when, for each set of the list need, seen marks with stamp every
 * gram of one of its strings, i.e. when the text marked may hold a match
 * of the rule. Inline: the engine asks it for every rule a window wakes,
 * and a call cost a tenth of the check. */
static inline bool dates__need_met(const dates_need_t *need,
                                   const uint8_t *seen, uint8_t stamp)
{
    for (; need; need = need->next)
        if (!dates__strings_met(need, seen, stamp))
            return false;
    return true;
}

#endif /* DATES_PREFILTER_H */
