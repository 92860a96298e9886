/* Calendar points and their TIMEX3 values (point.c): what a value such as
 * "2022-Q3" or "1989-W07" names, printing a day at a granularity,
 * shifting by the units of the unit lexicon (Y, M, W, D, Q, H, DE, CE,
 * SE, T...). Pure functions, safe from any thread. */
#ifndef DATES_POINT_H
#define DATES_POINT_H

#include <stdbool.h>
#include <stddef.h>

#include <glossa/export.h>

#include "calendar.h"

/* A point of reference for anaphoric expressions ("a year earlier", "that
 * day"): the last date the document mentioned. */
typedef enum {
    G_NONE,
    G_CENTURY,
    G_DECADE,
    G_YEAR,
    G_HALF,
    G_QUARTER,
    G_SEASON,
    G_MONTH,
    G_WEEK,
    G_DAY
} dates_gran_t;

typedef struct dates_point {
    dates_gran_t gran;
    int y, m, d; /* m, d meaningful down to the granularity */
    int q;       /* quarter, half, season index or ISO week as granular */
} dates_point_t;

/* snprintf into out that fails (-1) rather than cuts: a value that does
 * not fit is no value. Returns 0 on success. */
int dates__fmt(char *out, size_t n, const char *f, ...) GLOSSA_PRINTF(3, 4);

/* The granularity of a unit code, G_NONE for an unknown one; clock units
 * (T...) count as days. */
dates_gran_t dates__unit_gran(const char *u);

/* The first day of a point's period, for arithmetic. */
dates_ymd_t dates__point_day(const dates_point_t *p);

/* Prints the period of granularity g that holds day d ("2022", "2022-Q3",
 * "2022-W44", "2022-10-31", ...). Returns 0, or -1 for G_NONE or a value
 * that does not fit. */
int dates__point_print(dates_ymd_t d, dates_gran_t g, char *out, size_t n);

/* The underspecified value of a granularity ("XXXX-XX" for a month). */
const char *dates__underspecified(dates_gran_t g);

/* d shifted by n units (a unit code); unknown units and clock units leave
 * it as it is. */
dates_ymd_t dates__shift(dates_ymd_t d, const char *unit, int n);

/* Parses a TIMEX3 value into a point; false when it is not a calendar
 * point (durations, *_REF, underspecified values). */
bool dates__point_parse(const char *value, dates_point_t *p);

#endif /* DATES_POINT_H */
