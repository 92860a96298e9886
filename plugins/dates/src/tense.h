/* The tense heuristic (tense.c): whether the clause around a match speaks
 * of the past or the future, from the tense lexicon (data/lexicon/
 * tense.txt) and -ed endings. Values named without a year (weekdays,
 * months, holidays) are placed before or after the DCT by it. */
#ifndef DATES_TENSE_H
#define DATES_TENSE_H

#include <stdbool.h>

#include "template.h"

enum { TENSE_UNKNOWN = 0, TENSE_PAST = 1, TENSE_FUTURE = 2, TENSE_NONE = 3 };

/* The tense of the clause around the match: the nearest marker to its
 * left within the sentence, else the nearest to its right; TENSE_NONE
 * when neither says. Cached in ev->tense. */
int dates__clause_tense(dates_eval_t *ev);

/* The tense of the verb right before the match ("the year ended Jan.
 * 31", "effective Feb. 1"): TENSE_PAST, TENSE_FUTURE or TENSE_UNKNOWN. */
int dates__adjacent_tense(dates_eval_t *ev);

/* True when the match opens its sentence, after at most a preposition. */
bool dates__opens_sentence(const dates_eval_t *ev);

/* True when "until" or "till" comes right before the match as a deadline
 * ("postponed until Tuesday"), which lies ahead. */
bool dates__deadline_until(const dates_eval_t *ev);

/* True when the word right after the match is a past form. */
bool dates__past_next_to(dates_eval_t *ev);

#endif /* DATES_TENSE_H */
