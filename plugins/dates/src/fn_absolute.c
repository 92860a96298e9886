/* Normalization functions for values the text spells out: years, months,
 * days, numbers, lexicon lookups, durations, decades, centuries, clock
 * times. See functions.h. */
#include "functions.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "point.h"
#include "words.h"

int dates__fn_year(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int y = dates__year_of(ev, argv[0]);
    if (y < 0)
        return -1;
    return dates__fmt(out, n, "%04d", y);
}

int dates__fn_month(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n)
{
    (void)argc;
    int m = dates__month_of(ev, argv[0]);
    return m < 0 ? -1 : dates__fmt(out, n, "%02d", m);
}

int dates__fn_day(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int d = dates__day_of(ev, argv[0]);
    return d < 0 ? -1 : dates__fmt(out, n, "%02d", d);
}

/* %ymd(year, month, day): a full date, checked against the calendar. */
int dates__fn_ymd(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int y = dates__year_of(ev, argv[0]);
    int m = dates__month_of(ev, argv[1]);
    int d = dates__day_of(ev, argv[2]);
    if (y < 0 || m < 0 || d < 0 || !dates_cal_valid(y, m, d))
        return -1;
    return dates__fmt(out, n, "%04d-%02d-%02d", y, m, d);
}

int dates__fn_ym(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int y = dates__year_of(ev, argv[0]);
    int m = dates__month_of(ev, argv[1]);
    if (y < 0 || m < 0)
        return -1;
    return dates__fmt(out, n, "%04d-%02d", y, m);
}

int dates__fn_num(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    double v;
    int r = dates__parse_number(ev, argv[0], &v);
    if (r < 0)
        return -1;
    if (r == 0)
        return dates__fmt(out, n, "X");
    if (v == (double)(long)v)
        return dates__fmt(out, n, "%ld", (long)v);
    return dates__fmt(out, n, "%g", v);
}

int dates__fn_lex(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    const dates_lexicon_t *lex = dates__lexicon_find(ev->engine, argv[0]);
    const char *v = dates__lexicon_get(lex, argv[1]);
    if (!v || !*v)
        return -1;
    return dates__fmt(out, n, "%s", v);
}

int dates__fn_unit(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    const char *v = dates__lexicon_get(ev->engine->lx_unit, argv[0]);
    if (!v) {
        /* Plural forms: "years" -> "year". */
        char buf[DATES_VAL_MAX];
        dates__lower_copy(buf, sizeof buf, argv[0]);
        size_t k = strlen(buf);
        if (k > 1 && buf[k - 1] == 's') {
            buf[k - 1] = '\0';
            v = dates__lexicon_get(ev->engine->lx_unit, buf);
        }
    }
    if (!v || !*v)
        return -1;
    return dates__fmt(out, n, "%s", v);
}

/* %dur(count, unit): P<count><unit>, with T before time units, X for an
 * indefinite count, and halves spelled in the next smaller unit. */
int dates__fn_dur(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    const char *u = argv[1];
    bool t = u[0] == 'T';
    const char *code = t ? u + 1 : u;
    if (!*code)
        return -1;
    double v;
    int r =
        strcmp(argv[0], "X") == 0 ? 0 : dates__parse_number(ev, argv[0], &v);
    if (r < 0)
        return -1;
    if (r == 0)
        return dates__fmt(out, n, "P%sX%s", t ? "T" : "", code);
    if (v <= 0 || v > 100000)
        return -1;
    long whole = (long)v;
    double frac = v - (double)whole;
    if (frac == 0)
        return dates__fmt(out, n, "P%s%ld%s", t ? "T" : "", whole, code);
    if (frac == 0.5) {
        const char *sub = NULL;
        int subn = 0;
        bool subt = t;
        if (strcmp(code, "Y") == 0)
            sub = "M", subn = 6;
        else if (strcmp(code, "D") == 0)
            sub = "H", subn = 12, subt = true;
        else if (strcmp(code, "H") == 0)
            sub = "M", subn = 30;
        else if (strcmp(code, "M") == 0 && t)
            sub = "S", subn = 30;
        else if (strcmp(code, "DE") == 0)
            sub = "Y", subn = 5;
        if (sub) {
            char head[32] = "";
            if (whole > 0)
                dates__fmt(head, sizeof head, "%ld%s", whole, code);
            return dates__fmt(out, n, "P%s%s%s%d%s", t ? "T" : "", head,
                              subt && !t ? "T" : "", subn, sub);
        }
    }
    return dates__fmt(out, n, "P%s%g%s", t ? "T" : "", v, code);
}

/* %decade(text): "1990s" -> 199, "'80s"/"eighties" -> the decade of that
 * name nearest before the DCT. */
int dates__fn_decade(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    (void)argc;
    char buf[DATES_VAL_MAX];
    const char *s = argv[0];
    if (*s == '\'' || *s == '`')
        s++;
    dates__lower_copy(buf, sizeof buf, s);
    size_t k = strlen(buf);
    if (k > 0 && buf[k - 1] == 's')
        buf[--k] = '\0';
    if (k > 0 && buf[k - 1] == '\'')
        buf[--k] = '\0';
    if (dates__all_digits(buf) && k == 4)
        return dates__fmt(out, n, "%.3s", buf);
    int d = -1;
    if (dates__all_digits(buf) && k == 2 && buf[1] == '0') {
        d = buf[0] - '0';
    } else {
        const char *v = dates__lexicon_get(ev->engine->lx_decade, argv[0]);
        if (v)
            d = atoi(v);
    }
    if (d < 0 || d > 9)
        return -1;
    int base = ev->dct.valid ? ev->dct.date.y : 1999;
    int dec = base / 100 * 10 + d;
    if (dec > base / 10)
        dec -= 10;
    return dates__fmt(out, n, "%03d", dec);
}

/* %century(ordinal): "20th" -> 19. */
int dates__fn_century(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    (void)argc;
    int c = dates__day_of(ev, argv[0]);
    if (c < 1 || c > 30)
        return -1;
    return dates__fmt(out, n, "%02d", c - 1);
}

/* %ord(ordinal): "third", "3rd", "3" -> 3. */
int dates__fn_ord(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int k = dates__day_of(ev, argv[0]);
    return k < 0 ? -1 : dates__fmt(out, n, "%d", k);
}

/* %time(hour, minutes, am/pm): HH:MM. */
int dates__fn_time(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    double hv;
    if (dates__parse_number(ev, argv[0], &hv) != 1)
        return -1;
    int h = (int)hv;
    int m = argv[1][0] ? atoi(argv[1]) : 0;
    char ap[8];
    dates__lower_copy(ap, sizeof ap, argv[2]);
    if (h < 0 || h > 24 || m < 0 || m > 59)
        return -1;
    if (ap[0] == 'a' && h == 12)
        h = 0;
    else if (ap[0] == 'p' && h < 12)
        h += 12;
    else if (ap[0] && h > 12)
        return -1;
    return dates__fmt(out, n, "%02d:%02d", h, m);
}
