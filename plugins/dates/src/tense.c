/* The tense heuristic: whether the clause around a match speaks of the
 * past or the future, from the tense markers of data/lexicon/tense.txt and
 * -ed endings, so that a weekday or a month named without a year can be
 * placed before or after the DCT (see tense.h). */
#include "tense.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static bool sentence_end_at(const char *t, size_t i, size_t len)
{
    char c = t[i];
    if (c == ';' || c == '!' || c == '?')
        return true;
    if (c == '\n' && i + 1 < len && t[i + 1] == '\n')
        return true;
    if (c == '.' && i + 2 < len && (t[i + 1] == ' ' || t[i + 1] == '\n') &&
        isupper((unsigned char)t[i + 2])) {
        /* "Oct. 31", "Mr. Smith": a short capitalized word before the
         * period is an abbreviation, not the end of a sentence. */
        size_t k = i;
        while (k > 0 && isalpha((unsigned char)t[k - 1]))
            k--;
        if (i - k <= 4 && k < i && isupper((unsigned char)t[k]))
            return false;
        /* "Roe vs. Wade", "Roe v. Wade" */
        if ((i - k == 2 && strncmp(t + k, "vs", 2) == 0) ||
            (i - k == 1 && t[k] == 'v'))
            return false;
        return true;
    }
    return false;
}

/* True when an article and a word follow position p ("planned a rally",
 * "set the date"). */
static bool article_follows(const dates_eval_t *ev, const char *p)
{
    static const char *const art[] = {"a", "an", "the", "another"};
    const char *end = ev->text + ev->len;
    while (p < end && *p == ' ')
        p++;
    for (size_t k = 0; k < sizeof art / sizeof art[0]; k++) {
        size_t n = strlen(art[k]);
        if ((size_t)(end - p) > n + 1 && strncasecmp(p, art[k], n) == 0 &&
            p[n] == ' ' && isalpha((unsigned char)p[n + 1]))
            return true;
    }
    return false;
}

/* True when "to" and a word follow position p ("set to resume"). */
static bool to_follows(const dates_eval_t *ev, const char *p)
{
    const char *end = ev->text + ev->len;
    while (p < end && *p == ' ')
        p++;
    return end - p >= 4 && p[0] == 't' && p[1] == 'o' && p[2] == ' ' &&
           isalpha((unsigned char)p[3]);
}

/* True when the word at w follows "had" or "had been". */
static bool after_had(const dates_eval_t *ev, const char *w)
{
    const char *t = ev->text;
    size_t i = (size_t)(w - t);
    for (int k = 0; k < 2; k++) {
        while (i > 0 && t[i - 1] == ' ')
            i--;
        size_t e = i;
        while (i > 0 && isalpha((unsigned char)t[i - 1]))
            i--;
        if (e - i == 3 && strncasecmp(t + i, "had", 3) == 0)
            return true;
        if (!(k == 0 && e - i == 4 && strncasecmp(t + i, "been", 4) == 0))
            return false;
    }
    return false;
}

/* The tense marker a word is, from the tense lexicon, or a past tense
 * guessed from an -ed ending. */
static int word_tense(const dates_eval_t *ev, const char *w, size_t n)
{
    char buf[DATES_MAX_WORD + 1];
    if (n == 0 || n > DATES_MAX_WORD)
        return TENSE_UNKNOWN;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)w[i]);
    buf[n] = '\0';
    const char *v = dates__lexicon_get(ev->engine->lx_tense, buf);
    if (v) {
        if (strcmp(v, "past") == 0)
            return TENSE_PAST;
        bool future = strcmp(v, "future") == 0 ||
                      strcmp(v, "future_near") == 0 ||
                      (strcmp(v, "future_to") == 0 && to_follows(ev, w + n)) ||
                      (strcmp(v, "future_obj") == 0 &&
                       (to_follows(ev, w + n) || article_follows(ev, w + n)));
        /* "is to resume trading Tuesday": "be to" is a future. */
        if (!future && (strcmp(buf, "is") == 0 || strcmp(buf, "are") == 0) &&
            to_follows(ev, w + n))
            future = true;
        /* A future seen from the past perfect is over: "the offer had
         * been due to expire Friday" (but "the sale, which had been
         * expected, is part of a plan to pay by February"). */
        if (future && strcmp(buf, "is") != 0 && strcmp(buf, "are") != 0 &&
            to_follows(ev, w + n) && after_had(ev, w))
            return TENSE_PAST;
        return future ? TENSE_FUTURE : TENSE_NONE; /* NONE: stops -ed
                                                    * guessing */
    }
    if (n >= 5 && buf[n - 2] == 'e' && buf[n - 1] == 'd')
        return TENSE_PAST;
    return TENSE_UNKNOWN;
}

/* The word before position i (skipping spaces and commas): its start in
 * *ws and length, 0 when there is none. */
static size_t word_before(const char *t, size_t i, size_t *ws)
{
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == ','))
        i--;
    size_t e = i;
    while (i > 0 && isalpha((unsigned char)t[i - 1]))
        i--;
    *ws = i;
    return e - i;
}

/* True when a letter lies between positions a and b. */
static bool words_between(const char *t, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        if (isalpha((unsigned char)t[k]))
            return true;
    return false;
}

/* True when the word before position i is a form of "be". */
static bool after_be(const char *t, size_t i)
{
    static const char *const be[] = {"be",  "been", "being", "is",
                                     "are", "was",  "were"};
    size_t ws, n = word_before(t, i, &ws);
    for (size_t k = 0; k < sizeof be / sizeof be[0]; k++)
        if (n == strlen(be[k]) && strncasecmp(t + ws, be[k], n) == 0)
            return true;
    return false;
}

/* True when "until" (or "till") comes right before the match inside its
 * sentence, and not as "up until" or "not until": a weekday there is a
 * deadline ("extended its deadline until 9 a.m. Tuesday", "postponed
 * until Tuesday"), which lies ahead. "Until Thursday, they had not..."
 * opens the sentence and looks back. (A month-day far off may be a past
 * end: "he served until March 1".) */
bool dates__deadline_until(const dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t ws, n = word_before(t, ev->start, &ws);
    if (!((n == 5 && strncasecmp(t + ws, "until", 5) == 0) ||
          (n == 4 && strncasecmp(t + ws, "till", 4) == 0)))
        return false;
    size_t ps, pn = word_before(t, ws, &ps);
    if ((pn == 2 && strncasecmp(t + ps, "up", 2) == 0) ||
        (pn == 3 && strncasecmp(t + ps, "not", 3) == 0))
        return false;
    /* Something other than the end of a sentence comes before. */
    size_t i = ws;
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '"' || t[i - 1] == '`' ||
                     t[i - 1] == '\''))
        i--;
    return i > 0 && t[i - 1] != '.' && t[i - 1] != '\n' && t[i - 1] != '!' &&
           t[i - 1] != '?' && t[i - 1] != ';';
}

/* The tense of the clause around the match: the nearest marker to its
 * left within the sentence, else the nearest to its right. */
int dates__clause_tense(dates_eval_t *ev)
{
    if (ev->tense)
        return ev->tense;
    const char *t = ev->text;
    int found = TENSE_UNKNOWN;
    /* Left, nearest first, at most 200 bytes. */
    size_t lim = ev->start > 200 ? ev->start - 200 : 0;
    size_t i = ev->start;
    while (i > lim && found == TENSE_UNKNOWN) {
        i--;
        if (sentence_end_at(t, i, ev->len))
            break;
        if (isalpha((unsigned char)t[i])) {
            size_t e = i + 1, s = i;
            while (s > lim && isalpha((unsigned char)t[s - 1]))
                s--;
            int wt = word_tense(ev, t + s, e - s);
            /* "will be named ... for a mission in December": a participle
             * after "be" is no past; the word before "be" decides. */
            if (wt == TENSE_PAST && e - s >= 5 && t[e - 2] == 'e' &&
                t[e - 1] == 'd') {
                size_t bs, bn = word_before(t, s, &bs);
                if (bn == 2 && strncasecmp(t + bs, "be", 2) == 0)
                    wt = TENSE_UNKNOWN;
            }
            if (wt == TENSE_PAST || wt == TENSE_FUTURE)
                found = wt;
            i = s;
        }
    }
    /* Right, at most 200 bytes. */
    size_t rlim = ev->end + 200 < ev->len ? ev->end + 200 : ev->len;
    for (i = ev->end; i < rlim && found == TENSE_UNKNOWN; i++) {
        if (sentence_end_at(t, i, ev->len))
            break;
        if (isalpha((unsigned char)t[i])) {
            size_t s = i;
            while (i < rlim && isalpha((unsigned char)t[i]))
                i++;
            int wt = word_tense(ev, t + s, i - s);
            /* After the date, a past form of a future marker is the verb
             * of the clause, in the past: "On Friday, the government
             * planned to pay" (but "talks Monday are expected to", and
             * "a vote Monday, expected to pass", a participle right after
             * the date). */
            if (wt == TENSE_FUTURE && i - s >= 5 && t[i - 2] == 'e' &&
                t[i - 1] == 'd' && !after_be(t, s) && s > ev->end &&
                words_between(t, ev->end, s))
                wt = TENSE_PAST;
            if (wt == TENSE_PAST || wt == TENSE_FUTURE)
                found = wt;
        }
    }
    ev->tense = found == TENSE_UNKNOWN ? TENSE_NONE : found;
    return ev->tense;
}

/* True when the match opens its sentence, after at most a preposition:
 * "In January, ...", "On Feb. 3 the ...". */
bool dates__opens_sentence(const dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t i = ev->start;
    while (i > 0 && t[i - 1] == ' ')
        i--;
    size_t e = i;
    while (i > 0 && isalpha((unsigned char)t[i - 1]))
        i--;
    if (e > i) {
        static const char *const preps[] = {
            "in", "on", "by", "during", "since", "until", "through"};
        bool prep = false;
        for (size_t k = 0; k < sizeof preps / sizeof preps[0]; k++)
            if (e - i == strlen(preps[k]) &&
                strncasecmp(t + i, preps[k], e - i) == 0)
                prep = true;
        if (!prep)
            return false;
        while (i > 0 && t[i - 1] == ' ')
            i--;
    }
    if (i == 0 || t[i - 1] == '\n')
        return true;
    while (i > 0 && (t[i - 1] == '"' || t[i - 1] == '\'' || t[i - 1] == '`'))
        i--;
    return i > 0 && (t[i - 1] == '.' || t[i - 1] == '!' || t[i - 1] == '?' ||
                     t[i - 1] == ';' || t[i - 1] == '\n');
}

/* The tense of the word right before the match, skipping "on" and "in":
 * "the year ended Jan. 31", "effective Feb. 1". A verb that governs the
 * date directly says more than the clause around it. Past forms count
 * unless a form of "be" makes them passive ("will be paid Dec. 14");
 * future markers only when the lexicon marks them "future_near". */
int dates__adjacent_tense(dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t ws, n = word_before(t, ev->start, &ws);
    if (n == 2 &&
        (strncmp(t + ws, "on", 2) == 0 || strncmp(t + ws, "in", 2) == 0))
        n = word_before(t, ws, &ws);
    if (n == 0 || n > DATES_MAX_WORD)
        return TENSE_UNKNOWN;
    char buf[DATES_MAX_WORD + 1];
    for (size_t k = 0; k < n; k++)
        buf[k] = (char)tolower((unsigned char)t[ws + k]);
    buf[n] = '\0';
    const char *v = dates__lexicon_get(ev->engine->lx_tense, buf);
    if (v && strcmp(v, "future_near") == 0)
        return TENSE_FUTURE;
    if (word_tense(ev, t + ws, n) != TENSE_PAST)
        return TENSE_UNKNOWN;
    size_t bs, bn = word_before(t, ws, &bs);
    static const char *const be[] = {"be", "been", "being", "is", "are"};
    for (size_t k = 0; k < sizeof be / sizeof be[0]; k++)
        if (bn == strlen(be[k]) && strncasecmp(t + bs, be[k], bn) == 0)
            return TENSE_UNKNOWN;
    return TENSE_PAST;
}

/* True when the word right after the match is a past form ("was soon
 * released", "soon became"; but "were soon meeting"). */
bool dates__past_next_to(dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t i = ev->end;
    while (i < ev->len && t[i] == ' ')
        i++;
    size_t s = i;
    while (i < ev->len && isalpha((unsigned char)t[i]))
        i++;
    return i > s && word_tense(ev, t + s, i - s) == TENSE_PAST;
}
