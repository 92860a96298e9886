/* The table of normalization functions that templates call by name, and
 * the functions that only choose between texts (%if, %tensed,
 * %notpast). See functions.h. */
#include "functions.h"

#include "point.h"
#include "tense.h"

/* %notpast(value): the value, or no expression at all when a past form
 * follows the match. */
static int fn_notpast(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    (void)argc;
    if (dates__past_next_to(ev))
        return -1;
    return dates__fmt(out, n, "%s", argv[0]);
}

/* %tensed(past, future): one of two texts by the clause's tense (past
 * when it has none). */
static int fn_tensed(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    (void)argc;
    return dates__fmt(out, n, "%s",
                      dates__clause_tense(ev) == TENSE_FUTURE ? argv[1]
                                                              : argv[0]);
}

static int fn_if(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    /* Evaluated lazily in dates__template_eval; never called. */
    (void)ev;
    (void)argc;
    (void)argv;
    (void)out;
    (void)n;
    return -1;
}

static const dates_fn_desc_t FUNCTIONS[] = {
    {"if", 2, 3, fn_if},
    {"year", 1, 1, dates__fn_year},
    {"month", 1, 1, dates__fn_month},
    {"day", 1, 1, dates__fn_day},
    {"ymd", 3, 3, dates__fn_ymd},
    {"ym", 2, 2, dates__fn_ym},
    {"num", 1, 1, dates__fn_num},
    {"lex", 2, 2, dates__fn_lex},
    {"unit", 1, 1, dates__fn_unit},
    {"dur", 2, 2, dates__fn_dur},
    {"rel", 3, 3, dates__fn_rel},
    {"refrel", 3, 4, dates__fn_refrel},
    {"qrefrel", 3, 3, dates__fn_qrefrel},
    {"ref", 1, 3, dates__fn_ref},
    {"ord", 1, 1, dates__fn_ord},
    {"weekday", 1, 2, dates__fn_weekday},
    {"md", 2, 3, dates__fn_md},
    {"mon", 1, 2, dates__fn_mon},
    {"season", 1, 2, dates__fn_season},
    {"qtr", 1, 2, dates__fn_qtr},
    {"decade", 1, 1, dates__fn_decade},
    {"century", 1, 1, dates__fn_century},
    {"time", 3, 3, dates__fn_time},
    {"tensed", 2, 2, fn_tensed},
    {"weekend", 0, 0, dates__fn_weekend},
    {"holiday", 1, 2, dates__fn_holiday},
    {"qyear", 1, 1, dates__fn_qyear},
    {"shift", 4, 4, dates__fn_shift},
    {"refweekday", 2, 2, dates__fn_refweekday},
    {"gran", 2, 2, dates__fn_gran},
    {"nth", 3, 3, dates__fn_nth},
    {"notpast", 1, 1, fn_notpast},
};

const dates_fn_desc_t *dates__fn_table(size_t *n)
{
    *n = sizeof FUNCTIONS / sizeof FUNCTIONS[0];
    return FUNCTIONS;
}
