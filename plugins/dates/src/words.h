/* Reading the words and numbers of a match (words.c), with the engine's
 * lexicons (number, month, ordinal). */
#ifndef DATES_WORDS_H
#define DATES_WORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "template.h"

/* src lowercased (ASCII) into dst of n bytes, cut to fit. */
void dates__lower_copy(char *dst, size_t n, const char *src);

/* True when s is a non-empty run of ASCII digits. */
bool dates__all_digits(const char *s);

/* Parses a number written in digits ("12", "1,000", "2.5", "2 1/2") or
 * words ("twenty-four", "a couple of", "two hundred"). Returns 1 with *v,
 * 0 for an indefinite amount ("several", "few": TIMEX3's X), -1 when s is
 * not a number. */
int dates__parse_number(const dates_eval_t *ev, const char *s, double *v);

/* A month (1..12) from digits or a month name; -1 when s is not one. */
int dates__month_of(const dates_eval_t *ev, const char *s);

/* A day of the month (1..31) from digits, "3rd" or an ordinal word; -1
 * when s is not one. */
int dates__day_of(const dates_eval_t *ev, const char *s);

/* A year from four digits, two digits ("'89": the century that puts it
 * at most ten years after the DCT), three digits, or words ("nineteen
 * ninety-six"); -1 when s is not one. */
int dates__year_of(dates_eval_t *ev, const char *s);

#endif /* DATES_WORDS_H */
