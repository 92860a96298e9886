/* Normalization functions for periods named without a year: weekdays,
 * months and days, holidays, seasons, quarters, weekends. Each is placed
 * relative to the DCT by a mode ("last", "next", "this") or else by the
 * clause's tense. See functions.h. */
#include "functions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "point.h"
#include "tense.h"
#include "words.h"

/* How far to move a periodic point (weekday, month, season, quarter) of
 * index `want` from the DCT's index `have` in a cycle of `len`, for a
 * mode: "last", "next", "this", or "" to follow the clause's tense. */
static int cycle_offset(dates_eval_t *ev, int want, int have, int len,
                        const char *mode)
{
    int diff = want - have; /* in (-len, len) */
    if (strcmp(mode, "this") == 0)
        return diff;
    if (strcmp(mode, "last") == 0)
        return diff < 0 ? diff : diff - len;
    if (strcmp(mode, "next") == 0)
        return diff > 0 ? diff : diff + len;
    if (diff == 0)
        return 0;
    int tense = dates__clause_tense(ev);
    if (strcmp(mode, "future") == 0)
        tense = TENSE_FUTURE;
    else if (strcmp(mode, "past") == 0 || strcmp(mode, "earlier") == 0)
        tense = TENSE_PAST;
    if (tense == TENSE_FUTURE)
        return diff > 0 ? diff : diff + len;
    if (tense == TENSE_PAST)
        return diff < 0 ? diff : diff - len;
    return -2 * len; /* no tense: the caller decides */
}

/* The optional mode argument, lowercased in place ("Last" -> "last"),
 * with inner spaces removed ("this past" -> "thispast"). */
static const char *mode_arg(int argc, char **argv, int i)
{
    if (argc <= i)
        return "";
    char *w = argv[i];
    for (char *r = argv[i]; *r; r++)
        if (!isspace((unsigned char)*r))
            *w++ = (char)tolower((unsigned char)*r);
    *w = '\0';
    if (strcmp(argv[i], "thispast") == 0 || strcmp(argv[i], "past") == 0)
        return "last";
    if (strcmp(argv[i], "thiscoming") == 0 || strcmp(argv[i], "coming") == 0)
        return "next";
    return argv[i];
}

/* %weekday(name[, mode]): the day of that name nearest the DCT in the
 * direction the mode or tense gives (past when unknown: news reports what
 * happened). Without a DCT: XXXX-WXX-<n>. */
int dates__fn_weekday(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    const char *v = dates__lexicon_get(ev->engine->lx_weekday, argv[0]);
    int wd = v ? atoi(v) : (dates__all_digits(argv[0]) ? atoi(argv[0]) : 0);
    if (wd < 1 || wd > 7)
        return -1;
    const char *mode = mode_arg(argc, argv, 1);
    if (!*mode && ev->scene.gran == G_DAY) {
        /* A narrative's weekday falls in the days around its scene. */
        dates_ymd_t day = dates__point_day(&ev->scene);
        int off = wd - dates_cal_weekday(day);
        if (off > 3)
            off -= 7;
        else if (off < -3)
            off += 7;
        ev->used_scene = true;
        return dates__point_print(dates_cal_add_days(day, off), G_DAY, out, n);
    }
    if (!ev->dct.valid)
        return dates__fmt(out, n, "XXXX-WXX-%d", wd);
    ev->used_dct = true;
    if (!*mode && dates__deadline_until(ev))
        mode = "future";
    int have = dates_cal_weekday(ev->dct.date);
    int off;
    if (strcmp(mode, "this") == 0) {
        off = wd - have; /* the same ISO week */
    } else {
        off = cycle_offset(ev, wd, have, 7, mode);
        if (off < -7)
            off = wd - have < 0 ? wd - have : wd - have - 7;
    }
    return dates__point_print(dates_cal_add_days(ev->dct.date, off), G_DAY, out,
                              n);
}

/* %refweekday(name, last|next): "the previous Friday", "the following
 * Monday": the day of that name before or after the last day named, or
 * the DCT's last/next one when no day has been named. */
int dates__fn_refweekday(dates_eval_t *ev, int argc, char **argv, char *out,
                         size_t n)
{
    if (ev->ref.gran != G_DAY)
        return dates__fn_weekday(ev, argc, argv, out, n);
    const char *v = dates__lexicon_get(ev->engine->lx_weekday, argv[0]);
    int wd = v ? atoi(v) : 0;
    if (wd < 1 || wd > 7)
        return -1;
    const char *mode = mode_arg(argc, argv, 1);
    dates_ymd_t d = dates__point_day(&ev->ref);
    int diff = wd - dates_cal_weekday(d);
    int off = strcmp(mode, "next") == 0 ? (diff > 0 ? diff : diff + 7)
                                        : (diff < 0 ? diff : diff - 7);
    ev->used_ref = true;
    return dates__point_print(dates_cal_add_days(d, off), G_DAY, out, n);
}

/* The year of a month (and day) named without one. With a mode, the
 * mode decides. Otherwise the year that puts the date nearest the DCT,
 * unless that is more than NEAR_MONTHS away: then the clause's tense picks
 * the nearest year in its direction. News mostly names dates close to
 * when it is written, in both directions ("Dec. 15" in a November story
 * is next month; "October" in a January story is last autumn). A month
 * without a day in a future clause is not one more than two months back
 * ("will be named commander for a mission in December" in March). */
#define NEAR_MONTHS (3 * 32)
static int year_for(dates_eval_t *ev, int m, int d, const char *mode)
{
    dates_ymd_t dct = ev->dct.date;
    int y = dct.y;
    /* Positions on a common scale: months * 32 + day. */
    long have = (long)dct.y * 12 * 32 + (dct.m - 1) * 32 + (d ? dct.d : 0);
    if (strcmp(mode, "this") == 0)
        return y;
    long best_dist = 0;
    int best = y, past = y, future = y;
    bool first = true, have_past = false, have_future = false;
    for (int cy = y - 1; cy <= y + 1; cy++) {
        long want = (long)cy * 12 * 32 + (m - 1) * 32 + d;
        long dist = want > have ? want - have : have - want;
        if (first || dist < best_dist) {
            best_dist = dist;
            best = cy;
            first = false;
        }
        if (want < have || (want == have && !d)) {
            past = cy; /* the latest one not after the DCT */
            have_past = true;
        }
        if (want > have && !have_future) {
            future = cy; /* the earliest one after the DCT */
            have_future = true;
        }
    }
    /* "last June" in June is a year ago; "next June" a year ahead. */
    long now = (long)dct.m * 32 + (d ? dct.d : 0), at = (long)m * 32 + d;
    if (strcmp(mode, "last") == 0)
        return at < now ? y : y - 1;
    if (strcmp(mode, "next") == 0)
        return at > now ? y : y + 1;
    if (best_dist == 0)
        return best;
    if (!*mode) {
        int adj = dates__adjacent_tense(ev);
        if (adj == TENSE_PAST && have_past)
            return past;
        if (adj == TENSE_FUTURE && have_future)
            return future;
    }
    int t = dates__clause_tense(ev);
    /* "In January, the company brought in a new chief": a date that opens
     * its sentence takes the tense of the verb that follows. */
    if (!*mode && best_dist <= NEAR_MONTHS && t == TENSE_PAST && have_past &&
        best > past && dates__opens_sentence(ev))
        return past;
    if (!*mode && !d && t == TENSE_FUTURE && have_future && best < future &&
        best_dist > 2 * 32)
        return future;
    if (best_dist <= NEAR_MONTHS && !*mode)
        return best;
    if (strcmp(mode, "future") == 0)
        t = TENSE_FUTURE;
    if (t == TENSE_FUTURE && have_future)
        return future;
    if (t == TENSE_PAST && have_past)
        return past;
    return best;
}

/* %md(month, day[, mode]) */
int dates__fn_md(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    int m = dates__month_of(ev, argv[0]);
    int d = dates__day_of(ev, argv[1]);
    if (m < 0 || d < 0 || d > dates_cal_month_days(2000, m))
        return -1;
    if (!ev->dct.valid)
        return dates__fmt(out, n, "XXXX-%02d-%02d", m, d);
    ev->used_dct = true;
    int y = year_for(ev, m, d, mode_arg(argc, argv, 2));
    if (!dates_cal_valid(y, m, d))
        return -1;
    return dates__fmt(out, n, "%04d-%02d-%02d", y, m, d);
}

/* %mon(month[, mode]) */
int dates__fn_mon(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    int m = dates__month_of(ev, argv[0]);
    if (m < 0)
        return -1;
    if (!ev->dct.valid)
        return dates__fmt(out, n, "XXXX-%02d", m);
    ev->used_dct = true;
    return dates__fmt(out, n, "%04d-%02d",
                      year_for(ev, m, 0, mode_arg(argc, argv, 1)), m);
}

/* The date of a holiday in year y from its rule in the holiday lexicon:
 * "MM-DD" a fixed day; "MM/W/N" the N-th weekday W (1 = Monday) of month
 * MM, N = -1 the last; "E" Easter Sunday; either of the last two may end
 * in "+K" or "-K" days ("11/1/1+1": the Tuesday after the first Monday of
 * November). */
static bool holiday_date(const char *spec, int y, dates_ymd_t *out)
{
    int m, d, w, k;
    char sign;
    int off = 0;
    const char *p = spec;
    if (p[0] == 'E') {
        *out = dates_cal_easter(y);
        p++;
    } else if (sscanf(p, "%d/%d/%d", &m, &w, &k) == 3) {
        if (m < 1 || m > 12 || w < 1 || w > 7 || k < -1 || k == 0 || k > 4)
            return false;
        *out = dates_cal_nth_weekday(y, m, w, k);
        p = strchr(strchr(p, '/') + 1, '/') + 1;
        if (*p == '-')
            p++;
        while (isdigit((unsigned char)*p))
            p++;
    } else if (sscanf(p, "%d-%d", &m, &d) == 2) {
        if (!dates_cal_valid(y, m, d))
            return false;
        out->y = y;
        out->m = m;
        out->d = d;
        return true;
    } else {
        return false;
    }
    if (*p) {
        if (sscanf(p, "%c%d", &sign, &off) != 2 || (sign != '+' && sign != '-'))
            return false;
        *out = dates_cal_add_days(*out, sign == '-' ? -off : off);
    }
    return true;
}

/* %holiday(rule[, mode]): the holiday's date (rule as in holiday_date)
 * in the year a mode gives ("last Thanksgiving"), else the occurrence
 * nearest the DCT, or the one the clause's tense points at when the
 * nearest is over three months away. Without a DCT: XXXX-MM-DD for a
 * fixed day, XXXX-XX-XX otherwise. */
int dates__fn_holiday(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    dates_ymd_t probe;
    if (!holiday_date(argv[0], 2000, &probe))
        return -1;
    if (!ev->dct.valid) {
        int m, d;
        if (strchr(argv[0], '/') == NULL && argv[0][0] != 'E' &&
            sscanf(argv[0], "%d-%d", &m, &d) == 2)
            return dates__fmt(out, n, "XXXX-%02d-%02d", m, d);
        return dates__fmt(out, n, "XXXX-XX-XX");
    }
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    long now = dates_cal_to_days(ev->dct.date);
    dates_ymd_t c[3];
    long dist[3];
    for (int i = 0; i < 3; i++) {
        if (!holiday_date(argv[0], ev->dct.date.y - 1 + i, &c[i]))
            return -1;
        dist[i] = dates_cal_to_days(c[i]) - now;
    }
    int pick = 1;
    if (strcmp(mode, "this") == 0) {
        pick = 1;
    } else if (strcmp(mode, "last") == 0) {
        pick = dist[1] < 0 ? 1 : 0;
    } else if (strcmp(mode, "next") == 0) {
        pick = dist[1] > 0 ? 1 : 2;
    } else {
        for (int i = 0; i < 3; i++)
            if (labs(dist[i]) < labs(dist[pick]))
                pick = i;
        if (labs(dist[pick]) > 96) {
            int t = dates__clause_tense(ev);
            if (t == TENSE_PAST)
                pick = dist[1] <= 0 ? 1 : 0;
            else if (t == TENSE_FUTURE)
                pick = dist[1] >= 0 ? 1 : 2;
        }
    }
    return dates__point_print(c[pick], G_DAY, out, n);
}

/* %season(word[, mode]): YYYY-SP/SU/FA/WI; "" mode means this year's. */
int dates__fn_season(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    const char *code = dates__lexicon_get(ev->engine->lx_season, argv[0]);
    if (!code)
        code = argv[0];
    int si = dates_cal_season_index(code);
    if (si < 0)
        return -1;
    if (!ev->dct.valid)
        return dates__fmt(out, n, "XXXX-%s", code);
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    int y = ev->dct.date.y;
    int have = dates_cal_season_index(dates_cal_season(ev->dct.date.m));
    if (ev->dct.date.m <= 2)
        have = -1; /* still the winter of last year */
    if (strcmp(mode, "last") == 0 && si >= have)
        y--;
    else if (strcmp(mode, "next") == 0 && si <= have)
        y++;
    return dates__fmt(out, n, "%04d-%s", y, code);
}

/* %qtr(quarter[, mode]): YYYY-Qn of a quarter named without a year. */
int dates__fn_qtr(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    int q;
    if (dates__all_digits(argv[0])) {
        q = atoi(argv[0]);
    } else {
        const char *v = dates__lexicon_get(ev->engine->lx_ordinal, argv[0]);
        q = v ? atoi(v) : 0;
    }
    if (q < 1 || q > 4)
        return -1;
    if (!ev->dct.valid)
        return dates__fmt(out, n, "XXXX-Q%d", q);
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    int have = dates_cal_quarter(ev->dct.date.m);
    int y = ev->dct.date.y;
    if (strcmp(mode, "last") == 0 && q >= have)
        y--;
    else if (strcmp(mode, "next") == 0 && q <= have)
        y++;
    else if (!*mode && q > have && dates__clause_tense(ev) == TENSE_PAST &&
             have == 1)
        y--; /* "the fourth quarter" reported in January */
    return dates__fmt(out, n, "%04d-Q%d", y, q);
}

/* %weekend(): the weekend nearest the DCT in the clause's direction
 * (past by default), as YYYY-Www-WE. */
int dates__fn_weekend(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    (void)argc;
    (void)argv;
    if (!ev->dct.valid)
        return dates__fmt(out, n, "XXXX-WXX-WE");
    ev->used_dct = true;
    int wd = dates_cal_weekday(ev->dct.date);
    dates_ymd_t d = ev->dct.date;
    if (wd < 6) {
        /* A weekday: last weekend's Saturday or the coming one. */
        long off = dates__clause_tense(ev) == TENSE_FUTURE ? 6 - wd : -(wd + 1);
        d = dates_cal_add_days(d, off);
    }
    int iy, w;
    dates_cal_iso_week(d, &iy, &w);
    return dates__fmt(out, n, "%04d-W%02d-WE", iy, w);
}
