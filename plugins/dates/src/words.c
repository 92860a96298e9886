/* Reading the words and numbers of a match: numbers in digits or words,
 * month and day names, years (see words.h). */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "words.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dates__lower_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

bool dates__all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Parses a number written in digits ("12", "1,000", "2.5", "2 1/2") or
 * words ("twenty-four", "a couple of", "two hundred") with the number
 * lexicon. Returns 1 with *v, 0 for an indefinite amount ("several",
 * "few": TIMEX3's X), -1 when s is not a number. */
int dates__parse_number(const dates_eval_t *ev, const char *s, double *v)
{
    char buf[DATES_VAL_MAX];
    size_t k = 0;
    for (const char *p = s; *p && k + 1 < sizeof buf; p++)
        if (*p != ',')
            buf[k++] = (char)tolower((unsigned char)*p);
    buf[k] = '\0';
    char *p = buf;
    while (*p == ' ')
        p++;
    if (isdigit((unsigned char)*p)) {
        char *end;
        double x = strtod(p, &end);
        while (*end == ' ' || *end == '-')
            end++;
        if (*end == '\0') {
            *v = x;
            return 1;
        }
        /* "2 1/2", "2-1/2" */
        int a, b;
        if (sscanf(end, "%d/%d", &a, &b) == 2 && b > 0) {
            *v = x + (double)a / b;
            return 1;
        }
        if (strcmp(end, "and a half") == 0 || strcmp(end, "1/2") == 0) {
            *v = x + 0.5;
            return 1;
        }
        return -1;
    }
    /* Words: first the whole text ("a couple of", "a few"), then word by
     * word ("twenty-four", "two hundred"). */
    const char *whole = dates__lexicon_get(ev->engine->lx_number, p);
    if (whole && whole[0] != '*' && whole[0] != '+') {
        if (strcmp(whole, "X") == 0)
            return 0;
        *v = atof(whole);
        return 1;
    }
    double half = 0;
    size_t pl = strlen(p);
    if (pl > 11 && strcmp(p + pl - 11, " and a half") == 0) {
        p[pl - 11] = '\0';
        half = 0.5;
    }
    double total = half, cur = 0;
    bool any = false;
    char *save = NULL;
    for (char *w = strtok_r(p, " -", &save); w;
         w = strtok_r(NULL, " -", &save)) {
        if (strcmp(w, "and") == 0 || strcmp(w, "of") == 0)
            continue;
        const char *val = dates__lexicon_get(ev->engine->lx_number, w);
        if (!val)
            return -1;
        any = true;
        if (strcmp(val, "X") == 0)
            return 0;
        if (val[0] == '*') {
            double mul = atof(val + 1);
            cur = (cur == 0 ? 1 : cur) * mul;
            if (mul >= 1000) {
                total += cur;
                cur = 0;
            }
            continue;
        }
        if (val[0] == '+') { /* "half" in "a year and a half" */
            cur += atof(val + 1);
            continue;
        }
        cur += atof(val);
    }
    if (!any)
        return -1;
    *v = total + cur;
    return 1;
}

int dates__month_of(const dates_eval_t *ev, const char *s)
{
    if (dates__all_digits(s)) {
        int m = atoi(s);
        return m >= 1 && m <= 12 ? m : -1;
    }
    const char *v = dates__lexicon_get(ev->engine->lx_month, s);
    return v ? atoi(v) : -1;
}

int dates__day_of(const dates_eval_t *ev, const char *s)
{
    char buf[DATES_VAL_MAX];
    dates__lower_copy(buf, sizeof buf, s);
    size_t n = strlen(buf);
    if (n > 2 && isdigit((unsigned char)buf[0]) &&
        (strcmp(buf + n - 2, "st") == 0 || strcmp(buf + n - 2, "nd") == 0 ||
         strcmp(buf + n - 2, "rd") == 0 || strcmp(buf + n - 2, "th") == 0))
        buf[n - 2] = '\0';
    int d;
    if (dates__all_digits(buf)) {
        d = atoi(buf);
    } else {
        const char *v = dates__lexicon_get(ev->engine->lx_ordinal, buf);
        if (!v)
            return -1;
        d = atoi(v);
    }
    return d >= 1 && d <= 31 ? d : -1;
}

/* A spoken year: "nineteen ninety-six", "two thousand (and) one",
 * "nineteen hundred". */
static int spoken_year(const dates_eval_t *ev, const char *s)
{
    char buf[DATES_VAL_MAX];
    dates__lower_copy(buf, sizeof buf, s);
    if (strncmp(buf, "two thousand", 12) == 0) {
        double v;
        if (dates__parse_number(ev, buf, &v) == 1 && v >= 2000 && v < 2100)
            return (int)v;
        return -1;
    }
    char *sp = strchr(buf, ' ');
    if (!sp)
        return -1;
    *sp = '\0';
    double hi, lo;
    if (dates__parse_number(ev, buf, &hi) != 1 || hi < 10 || hi > 20)
        return -1;
    char *rest = sp + 1;
    if (strcmp(rest, "hundred") == 0)
        return (int)hi * 100;
    if (dates__parse_number(ev, rest, &lo) != 1 || lo < 1 || lo > 99)
        return -1;
    return (int)hi * 100 + (int)lo;
}

int dates__year_of(dates_eval_t *ev, const char *s)
{
    const char *p = s;
    if (*p == '\'' || *p == '`')
        p++;
    if (dates__all_digits(p)) {
        size_t n = strlen(p);
        int y = atoi(p);
        if (n == 4)
            return y;
        if (n == 2) {
            /* A two-digit year: the century that puts it at most ten
             * years after the DCT. */
            int base = ev->dct.valid ? ev->dct.date.y : 2000;
            int c = base / 100 * 100 + y;
            if (c > base + 10)
                c -= 100;
            return c;
        }
        if (n == 3)
            return y;
        return -1;
    }
    return spoken_year(ev, s);
}
