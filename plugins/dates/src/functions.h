/* The normalization functions that value templates call by name
 * (%ymd, %rel, %weekday, ...): one table (functions.c) of names, numbers
 * of arguments and C functions.
 *
 * A function reads its arguments (evaluated templates, at most
 * DATES_VAL_MAX bytes each; it may change them in place), writes one
 * value into out (out_size bytes) and returns 0, or returns -1 to reject
 * the match (an impossible date, an unknown word). It may record in ev
 * which anchor it used (used_dct, used_ref, used_qref). data/README.md
 * describes what each function computes. */
#ifndef DATES_FUNCTIONS_H
#define DATES_FUNCTIONS_H

#include <stddef.h>

#include "template.h"

/* One normalization function. */
typedef int (*dates_fn_t)(dates_eval_t *ev, int argc, char **argv, char *out,
                          size_t out_size);

typedef struct dates_fn_desc {
    const char *name;
    int min_args, max_args;
    dates_fn_t fn;
} dates_fn_desc_t;

/* The table, and its length in *n. Indices into it are stable for the
 * life of the process (templates store them). */
const dates_fn_desc_t *dates__fn_table(size_t *n);

/* ---- Values the text spells out (fn_absolute.c) */

int dates__fn_year(dates_eval_t *ev, int argc, char **argv, char *out,
                   size_t n);
int dates__fn_month(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n);
int dates__fn_day(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_ymd(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_ym(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_num(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_lex(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_unit(dates_eval_t *ev, int argc, char **argv, char *out,
                   size_t n);
int dates__fn_dur(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_decade(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n);
int dates__fn_century(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n);
int dates__fn_ord(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_time(dates_eval_t *ev, int argc, char **argv, char *out,
                   size_t n);

/* ---- Relative to an anchor (fn_relative.c) */

int dates__fn_rel(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_refrel(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n);
int dates__fn_qrefrel(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n);
int dates__fn_shift(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n);
int dates__fn_gran(dates_eval_t *ev, int argc, char **argv, char *out,
                   size_t n);
int dates__fn_nth(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_qyear(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n);
int dates__fn_ref(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);

/* ---- Periods named without a year (fn_named.c) */

int dates__fn_weekday(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n);
int dates__fn_refweekday(dates_eval_t *ev, int argc, char **argv, char *out,
                         size_t n);
int dates__fn_md(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_mon(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_holiday(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n);
int dates__fn_season(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n);
int dates__fn_qtr(dates_eval_t *ev, int argc, char **argv, char *out, size_t n);
int dates__fn_weekend(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n);

#endif /* DATES_FUNCTIONS_H */
