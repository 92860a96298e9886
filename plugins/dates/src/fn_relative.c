/* Normalization functions relative to an anchor: the DCT moved by units
 * (%rel), the last date the text named (%refrel, %ref), the quarter an
 * earnings report is on (%qrefrel, %qyear), a value moved or coarsened
 * (%shift, %gran). See functions.h. */
#include "functions.h"

#include <string.h>

#include "point.h"
#include "words.h"

/* Signed integer n from sign and number arguments; 0 with *indef for "X". */
static int signed_count(dates_eval_t *ev, const char *sign, const char *num,
                        int *n, bool *indef)
{
    double v;
    *indef = false;
    bool flip = false;
    /* The count may carry its own sign ("-1" from a lexicon). */
    if (num[0] == '-' || num[0] == '+') {
        flip = num[0] == '-';
        num++;
    }
    int r = dates__parse_number(ev, num, &v);
    if (r < 0)
        return -1;
    if (r == 0) {
        *indef = true;
        *n = 0;
    } else {
        *n = (int)v;
    }
    if (strcmp(sign, "-") == 0)
        *n = -*n;
    else if (strcmp(sign, "+") != 0)
        return -1;
    if (flip)
        *n = -*n;
    return 0;
}

/* %rel(unit, sign, count): the DCT moved by count units, at the unit's
 * granularity ("last month": %rel(M, -, 1)). An indefinite count gives
 * PAST_REF or FUTURE_REF; no DCT gives an underspecified value. */
int dates__fn_rel(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    dates_gran_t g = dates__unit_gran(argv[0]);
    if (g == G_NONE)
        return -1;
    int k;
    bool indef;
    if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0)
        return -1;
    if (indef) {
        ev->used_dct = ev->dct.valid;
        return dates__fmt(out, n, "%s",
                          argv[1][0] == '-' ? "PAST_REF" : "FUTURE_REF");
    }
    if (!ev->dct.valid)
        return dates__fmt(out, n, "%s", dates__underspecified(g));
    ev->used_dct = true;
    return dates__point_print(dates__shift(ev->dct.date, argv[0], k), g, out,
                              n);
}

static dates_gran_t gran_order(dates_gran_t g)
{
    return g; /* the enum is declared from coarse to fine */
}

/* %refrel(unit, sign, count): like %rel but from the last date the text
 * mentioned, at that date's granularity ("a year earlier" after "the third
 * quarter" is the third quarter of the year before). Falls back to %rel
 * when there is no such date or it is coarser than the unit. */
int dates__fn_refrel(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    dates_gran_t g = dates__unit_gran(argv[0]);
    if (g == G_NONE)
        return -1;
    if (ev->ref.gran == G_NONE || gran_order(g) > gran_order(ev->ref.gran) ||
        (ev->ref.gran == G_WEEK && g != G_WEEK && g != G_DAY))
        return dates__fn_rel(ev, argc, argv, out, n);
    int k;
    bool indef;
    if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0)
        return -1;
    if (indef)
        return dates__fn_rel(ev, argc, argv, out, n);
    ev->used_ref = true;
    /* A fourth argument "unit" prints at the unit's granularity: "the
     * following year" after May 22, 1995 is 1996. */
    dates_gran_t pg =
        argc > 3 && strcmp(argv[3], "unit") == 0 ? g : ev->ref.gran;
    return dates__point_print(
        dates__shift(dates__point_day(&ev->ref), argv[0], k), pg, out, n);
}

/* When the report last named a year-to-date period ("the nine months")
 * rather than a quarter: the year of that period, from the last quarter
 * named or else the DCT; false when neither is known. */
static bool ytd_year(dates_eval_t *ev, int *y)
{
    if (!ev->qytd)
        return false;
    if (ev->qref.gran == G_QUARTER) {
        ev->used_qref = true;
        *y = ev->qref.y;
        return true;
    }
    if (!ev->dct.valid)
        return false;
    ev->used_dct = true;
    *y = ev->dct.date.y;
    return true;
}

/* %qrefrel(unit, sign, count): like %refrel, but from the last quarter the
 * text named when it named one. Earnings reports compare "a year ago" with
 * the quarter they report on, even after other dates ("said yesterday"). */
int dates__fn_qrefrel(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    dates_gran_t g = dates__unit_gran(argv[0]);
    int y;
    if (g == G_YEAR && ytd_year(ev, &y)) {
        /* After "the first nine months": the same months of the year
         * before, which TIMEX3 can only give as that year. */
        int k;
        bool indef;
        if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0)
            return -1;
        if (!indef)
            return dates__fmt(out, n, "%04d", y + k);
    }
    if (ev->qref.gran != G_QUARTER || g == G_NONE || g > G_QUARTER)
        return dates__fn_refrel(ev, argc, argv, out, n);
    int k;
    bool indef;
    if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0 || indef)
        return dates__fn_refrel(ev, argc, argv, out, n);
    ev->used_qref = true;
    return dates__point_print(
        dates__shift(dates__point_day(&ev->qref), argv[0], k), G_QUARTER, out,
        n);
}

/* %shift(value, unit, sign, count): a calendar value moved by count units
 * at its own granularity ("the day before last Tuesday"); other values
 * (underspecified, *_REF) are left as they are. */
int dates__fn_shift(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n)
{
    (void)argc;
    dates_point_t p;
    if (!dates__point_parse(argv[0], &p))
        return dates__fmt(out, n, "%s", argv[0]);
    int k;
    bool indef;
    if (dates__unit_gran(argv[1]) == G_NONE ||
        signed_count(ev, argv[2], argv[3], &k, &indef) < 0 || indef)
        return -1;
    return dates__point_print(dates__shift(dates__point_day(&p), argv[1], k),
                              p.gran, out, n);
}

/* %nth(period, ordinal, unit): the n-th day or ISO week (unit D or W) of
 * a year or month ("the first day of March", "the second week of July":
 * the week of its eighth day); "last" and "final" count from the end
 * ("the last week of 2023": the week of its fourth day from the end). An
 * ordinal past the period's end, or a period that is no year or month
 * (underspecified, a day), gives no value. */
int dates__fn_nth(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    dates_point_t p;
    dates_gran_t g = dates__unit_gran(argv[2]);
    if (!dates__point_parse(argv[0], &p) ||
        (p.gran != G_YEAR && p.gran != G_MONTH) || (g != G_DAY && g != G_WEEK))
        return -1;
    long from = dates_cal_to_days(dates__point_day(&p));
    long to = from - 1 +
              (p.gran == G_YEAR ? (dates_cal_leap(p.y) ? 366 : 365)
                                : dates_cal_month_days(p.y, p.m));
    char ord[16];
    dates__lower_copy(ord, sizeof ord, argv[1]);
    bool last = strcmp(ord, "last") == 0 || strcmp(ord, "final") == 0;
    int k = last ? 1 : dates__day_of(ev, ord);
    if (k < 1)
        return -1;
    long step = g == G_WEEK ? 7 : 1;
    long day = last ? to - (k - 1) * step : from + (k - 1) * step;
    if (g == G_WEEK)
        day += last ? -3 : 0;
    if (day < from || day > to)
        return -1;
    return dates__point_print(dates_cal_from_days(day), g, out, n);
}

/* %gran(value, unit): a calendar value at the coarser granularity of the
 * unit ("the week of March 6": the ISO week of that day). */
int dates__fn_gran(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)ev;
    (void)argc;
    dates_point_t p;
    dates_gran_t g = dates__unit_gran(argv[1]);
    if (g == G_NONE)
        return -1;
    if (!dates__point_parse(argv[0], &p) || g > p.gran)
        return dates__fmt(out, n, "%s", argv[0]);
    return dates__point_print(dates__point_day(&p), g, out, n);
}

/* %qyear(year): "the 1988 period" in a report on a quarter is that
 * quarter of 1988; the year itself when no quarter has been named. */
int dates__fn_qyear(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n)
{
    (void)argc;
    int y = dates__year_of(ev, argv[0]);
    if (y < 0)
        return -1;
    if (ev->qref.gran != G_QUARTER || ev->qytd)
        return dates__fmt(out, n, "%04d", y);
    ev->used_qref = true;
    return dates__fmt(out, n, "%04d-Q%d", y, ev->qref.q);
}

/* %ref(unit[, fallback[, over]]): the last date mentioned, at the unit's
 * granularity ("that year", "the same day"); the DCT's when there is none
 * fine enough. With a fallback, see below. */
int dates__fn_ref(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    dates_gran_t g = dates__unit_gran(argv[0]);
    if (g == G_NONE)
        return -1;
    if (argc > 1) {
        /* "over": the last quarter named that is over by the DCT comes
         * first ("the latest quarter", not a forecast named since). */
        if (argc > 2 && strcmp(argv[2], "over") == 0 && g == G_QUARTER &&
            ev->qref.gran == G_QUARTER) {
            ev->used_qref = true;
            return dates__point_print(dates__point_day(&ev->qref), g, out, n);
        }
        /* With a fallback: only a reference of exactly that granularity
         * ("the quarter" means the quarter last named, if any). */
        if (ev->ref.gran == g) {
            ev->used_ref = true;
            return dates__point_print(dates__point_day(&ev->ref), g, out, n);
        }
        /* "the quarter" after other dates: the last quarter named. */
        if (g == G_QUARTER && ev->qref.gran == G_QUARTER) {
            ev->used_qref = true;
            return dates__point_print(dates__point_day(&ev->qref), g, out, n);
        }
        return dates__fmt(out, n, "%s", argv[1]);
    }
    if (ev->ref.gran != G_NONE && gran_order(ev->ref.gran) >= gran_order(g) &&
        !(ev->ref.gran == G_WEEK && g != G_WEEK && g != G_DAY)) {
        ev->used_ref = true;
        return dates__point_print(dates__point_day(&ev->ref), g, out, n);
    }
    char *args[3] = {argv[0], (char *)"+", (char *)"0"};
    return dates__fn_rel(ev, 3, args, out, n);
}
