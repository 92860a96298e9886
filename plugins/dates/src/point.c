/* Calendar points and their TIMEX3 values: the first day of a point's
 * period, printing at a granularity, shifting by units, parsing values
 * back (see point.h). */
#include "point.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

/* Appends v in decimal, at least width digits (zero-padded), to out at
 * *k; false when it does not fit in n bytes with the terminating NUL. */
static bool put_decimal(char *out, size_t n, size_t *k, long v, int width)
{
    char digits[24];
    int nd = 0;
    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (nd < width && nd < (int)sizeof digits)
        digits[nd++] = '0';
    if (*k + (size_t)nd >= n)
        return false;
    while (nd > 0)
        out[(*k)++] = digits[--nd];
    return true;
}

/* The values are formed with a few conversions: text, "%s", and "%d" or
 * "%ld" with an optional zero-padded width ("%04d-%02d-%02d"). They are
 * written here; any other conversion, a negative number or output that
 * does not fit returns -2, and the caller asks vsnprintf, whose output
 * this is byte for byte otherwise. */
static int fmt_common(char *out, size_t n, const char *f, va_list ap)
{
    size_t k = 0;
    for (; *f; f++) {
        if (*f != '%') {
            if (k + 1 >= n)
                return -2;
            out[k++] = *f;
            continue;
        }
        f++;
        if (*f == 's') {
            const char *s = va_arg(ap, const char *);
            size_t len = strlen(s);
            if (k + len >= n)
                return -2;
            memcpy(out + k, s, len);
            k += len;
            continue;
        }
        int width = 0;
        if (*f == '0') {
            f++;
            if (*f < '1' || *f > '9')
                return -2;
            width = *f++ - '0';
        }
        long v;
        if (f[0] == 'd') {
            v = va_arg(ap, int);
        } else if (f[0] == 'l' && f[1] == 'd') {
            v = va_arg(ap, long);
            f++;
        } else {
            return -2;
        }
        if (v < 0 || !put_decimal(out, n, &k, v, width))
            return -2;
    }
    if (k >= n)
        return -2;
    out[k] = '\0';
    return 0;
}

int dates__fmt(char *out, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int rc = fmt_common(out, n, f, ap);
    va_end(ap);
    if (rc != -2)
        return rc;
    va_start(ap, f);
    int k = vsnprintf(out, n, f, ap);
    va_end(ap);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

dates_gran_t dates__unit_gran(const char *u)
{
    if (strcmp(u, "Y") == 0)
        return G_YEAR;
    if (strcmp(u, "M") == 0)
        return G_MONTH;
    if (strcmp(u, "W") == 0)
        return G_WEEK;
    if (strcmp(u, "D") == 0)
        return G_DAY;
    if (strcmp(u, "Q") == 0)
        return G_QUARTER;
    if (strcmp(u, "H") == 0)
        return G_HALF;
    if (strcmp(u, "DE") == 0)
        return G_DECADE;
    if (strcmp(u, "CE") == 0)
        return G_CENTURY;
    if (strcmp(u, "SE") == 0)
        return G_SEASON;
    if (u[0] == 'T')
        return G_DAY; /* hours ago: still today, as a day */
    return G_NONE;
}

/* The first day of a point's period, for arithmetic. */
dates_ymd_t dates__point_day(const dates_point_t *p)
{
    dates_ymd_t d = {p->y, 1, 1};
    switch (p->gran) {
    case G_DAY:
        d.m = p->m;
        d.d = p->d;
        break;
    case G_MONTH:
        d.m = p->m;
        break;
    case G_QUARTER:
        d.m = (p->q - 1) * 3 + 1;
        break;
    case G_HALF:
        d.m = (p->q - 1) * 6 + 1;
        break;
    case G_SEASON:
        d.m = p->q * 3 + 3; /* SP=0 -> March ... WI=3 -> December */
        break;
    case G_WEEK:
        return dates_cal_iso_week_monday(p->y, p->q);
    default:
        break;
    }
    return d;
}

int dates__point_print(dates_ymd_t d, dates_gran_t g, char *out, size_t n)
{
    switch (g) {
    case G_CENTURY:
        return dates__fmt(out, n, "%02d", d.y / 100);
    case G_DECADE:
        return dates__fmt(out, n, "%03d", d.y / 10);
    case G_YEAR:
        return dates__fmt(out, n, "%04d", d.y);
    case G_HALF:
        return dates__fmt(out, n, "%04d-H%d", d.y, dates_cal_half(d.m));
    case G_QUARTER:
        return dates__fmt(out, n, "%04d-Q%d", d.y, dates_cal_quarter(d.m));
    case G_SEASON: {
        /* December belongs to the winter of its year in TIMEX3 usage;
         * January and February to the winter of the year before. */
        int y = d.y;
        if (d.m <= 2)
            y--;
        return dates__fmt(out, n, "%04d-%s", y, dates_cal_season(d.m));
    }
    case G_MONTH:
        return dates__fmt(out, n, "%04d-%02d", d.y, d.m);
    case G_WEEK: {
        int iy, w;
        dates_cal_iso_week(d, &iy, &w);
        return dates__fmt(out, n, "%04d-W%02d", iy, w);
    }
    case G_DAY:
        return dates__fmt(out, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    default:
        return -1;
    }
}

const char *dates__underspecified(dates_gran_t g)
{
    switch (g) {
    case G_CENTURY:
        return "XX";
    case G_DECADE:
        return "XXX";
    case G_YEAR:
        return "XXXX";
    case G_HALF:
        return "XXXX-HX";
    case G_QUARTER:
        return "XXXX-QX";
    case G_SEASON:
        return "XXXX-XX";
    case G_MONTH:
        return "XXXX-XX";
    case G_WEEK:
        return "XXXX-WXX";
    default:
        return "XXXX-XX-XX";
    }
}

/* d shifted by n units (code as in the unit lexicon). */
dates_ymd_t dates__shift(dates_ymd_t d, const char *unit, int n)
{
    switch (dates__unit_gran(unit)) {
    case G_CENTURY:
        return dates_cal_add_months(d, 1200 * n);
    case G_DECADE:
        return dates_cal_add_months(d, 120 * n);
    case G_YEAR:
        return dates_cal_add_months(d, 12 * n);
    case G_HALF:
        return dates_cal_add_months(d, 6 * n);
    case G_QUARTER:
    case G_SEASON:
        return dates_cal_add_months(d, 3 * n);
    case G_MONTH:
        return dates_cal_add_months(d, n);
    case G_WEEK:
        return dates_cal_add_days(d, 7L * n);
    case G_DAY:
        return unit[0] == 'T' ? d : dates_cal_add_days(d, n);
    default:
        return d;
    }
}

bool dates__point_parse(const char *v, dates_point_t *p)
{
    memset(p, 0, sizeof *p);
    size_t n = strlen(v);
    if (n < 2 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]))
        return false;
    if (n == 2 && dates__all_digits(v)) {
        p->gran = G_CENTURY;
        p->y = atoi(v) * 100;
        return true;
    }
    if (n == 3 && dates__all_digits(v)) {
        p->gran = G_DECADE;
        p->y = atoi(v) * 10;
        return true;
    }
    if (n < 4 || !isdigit((unsigned char)v[2]) || !isdigit((unsigned char)v[3]))
        return false;
    char yb[5] = {v[0], v[1], v[2], v[3], 0};
    p->y = atoi(yb);
    if (n == 4) {
        p->gran = G_YEAR;
        return true;
    }
    if (v[4] != '-')
        return false;
    const char *r = v + 5;
    if (r[0] == 'Q' && r[1] >= '1' && r[1] <= '4' && r[2] == '\0') {
        p->gran = G_QUARTER;
        p->q = r[1] - '0';
        return true;
    }
    if (r[0] == 'H' && (r[1] == '1' || r[1] == '2') && r[2] == '\0') {
        p->gran = G_HALF;
        p->q = r[1] - '0';
        return true;
    }
    if (r[0] == 'W' && isdigit((unsigned char)r[1])) {
        int w = atoi(r + 1);
        if (w < 1 || w > 53)
            return false;
        p->gran = G_WEEK;
        p->q = w;
        return true;
    }
    int si = dates_cal_season_index(r);
    if (si >= 0) {
        p->gran = G_SEASON;
        p->q = si;
        return true;
    }
    if (isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1])) {
        p->m = (r[0] - '0') * 10 + (r[1] - '0');
        if (p->m < 1 || p->m > 12)
            return false;
        if (r[2] == '\0') {
            p->gran = G_MONTH;
            return true;
        }
        if (r[2] == '-' && isdigit((unsigned char)r[3]) &&
            isdigit((unsigned char)r[4])) {
            p->d = (r[3] - '0') * 10 + (r[4] - '0');
            if (!dates_cal_valid(p->y, p->m, p->d))
                return false;
            p->gran = G_DAY;
            return true;
        }
    }
    return false;
}
