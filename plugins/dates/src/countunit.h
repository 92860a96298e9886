/* The count-before-unit check: an exact test, cheaper than PCRE2, that a
 * range of text cannot hold a match of a rule built as
 *
 *     ... (?<n>%count)\s+(?:(?:more|extra|...)\s+)*(?<u>%unit)(?!...)
 *     ... (?=... %small_count\s+(?<u>%unit)(?!...))
 *
 * ("two more years", "a decade", "30 days", "two or three years"): such
 * a match holds a word of the unit lexicon that white space separates
 * from a token which ends in a digit or in one of the words a count or a
 * modifier can end with. Rules of this shape (`duration`,
 * `duration_list`) wake on every unit word and have no prefilter
 * (prefilter.h) worth the name, as every window they run in holds their
 * strings; this check skips the runs where no unit word has a count
 * before it ("the year", "last week", "the second quarter").
 *
 * The check is built only when the loader can show that every match has
 * that shape (dates__count_unit_build): the rule's pattern has the
 * sequence outside any alternation or optional group (a positive
 * lookahead may hold it), nothing but lookaheads after the unit, word
 * bounds on, and the sub-patterns the count is made of are the ones
 * this code was written for; otherwise the rule runs as before. What is
 * skipped could not have matched, so no output changes.
 *
 * Read-only once built: any number of threads may use it at once. */
#ifndef DATES_COUNTUNIT_H
#define DATES_COUNTUNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "dates.h"
#include "lexicon.h"

typedef struct dates_count_unit dates_count_unit_t;

/* The check for the rule whose pattern (as written in its rule file,
 * before expansion) is raw, or NULL when the rule does not have the shape
 * or a part is not as expected (*out NULL, 0 returned). count, digits_num,
 * digits_frac, number_words and small_count are the raw sub-patterns of
 * those names
 * (NULL when absent); number and unit the lexicons (NULL when absent).
 * Returns 0, or GLOSSA_ENOMEM. */
int dates__count_unit_build(const char *raw, bool bounds, const char *count,
                            const char *digits_num, const char *digits_frac,
                            const char *number_words, const char *small_count,
                            const dates_lexicon_t *number,
                            const dates_lexicon_t *unit,
                            dates_count_unit_t **out);

/* Releases a check; NULL is accepted. */
void dates__count_unit_free(dates_count_unit_t *cu);

/* False when text[s, e) (e the end PCRE2 is given, s its start offset)
 * cannot hold a match of the rule; true when it may. */
bool dates__count_unit_met(const dates_count_unit_t *cu, const char *text,
                           size_t s, size_t e);

#endif /* DATES_COUNTUNIT_H */
