/* Proleptic Gregorian calendar arithmetic for the dates plugin.
 *
 * Every function here is pure: no state, no allocation, safe from any
 * thread. Dates are plain (year, month, day) triples with month 1..12 and
 * day 1..31; functions that take a date expect a valid one (see
 * dates_cal_valid) and return a valid one. Years may be any int in
 * [-9999, 9999]; arithmetic outside that range is not needed for news. */
#ifndef DATES_CALENDAR_H
#define DATES_CALENDAR_H

#include <stdbool.h>

typedef struct dates_ymd {
    int y, m, d;
} dates_ymd_t;

/* True for leap years of the Gregorian calendar. */
bool dates_cal_leap(int y);
/* Days in month m (1..12) of year y. */
int dates_cal_month_days(int y, int m);
/* True when (y, m, d) is a real calendar day. */
bool dates_cal_valid(int y, int m, int d);

/* Days since 1970-01-01 (negative before), and back. */
long dates_cal_to_days(dates_ymd_t date);
dates_ymd_t dates_cal_from_days(long days);

/* ISO 8601 weekday: 1 = Monday ... 7 = Sunday. */
int dates_cal_weekday(dates_ymd_t date);

/* ISO 8601 week-numbering year and week (1..53) of a date: 2016-01-01 is
 * in 2015-W53, 2014-12-29 in 2015-W01. */
void dates_cal_iso_week(dates_ymd_t date, int *iso_year, int *week);
/* Number of ISO weeks (52 or 53) in ISO year y. */
int dates_cal_iso_weeks_in_year(int y);
/* The Monday of ISO week `week` of ISO year `iso_year`. */
dates_ymd_t dates_cal_iso_week_monday(int iso_year, int week);

/* date + n days. */
dates_ymd_t dates_cal_add_days(dates_ymd_t date, long n);
/* date + n months, the day clamped to the end of the target month:
 * 2022-03-31 - 1 month = 2022-02-28, 2024-01-31 + 1 month = 2024-02-29. */
dates_ymd_t dates_cal_add_months(dates_ymd_t date, int n);
/* (y, m) + n months, without a day: the month index arithmetic that makes
 * "last month" on March 31 February, never March. */
void dates_cal_add_month_index(int *y, int *m, int n);

/* Quarter (1..4) of month m, half (1..2), and TIMEX3 season of month m:
 * "WI" (Dec-Feb), "SP" (Mar-May), "SU" (Jun-Aug), "FA" (Sep-Nov). */
int dates_cal_quarter(int m);
int dates_cal_half(int m);
const char *dates_cal_season(int m);
/* Index 0..3 of a TIMEX3 season code (SP, SU, FA, WI in that order), or
 * -1 when the code is not one. */
int dates_cal_season_index(const char *code);

/* The n-th weekday wd (1 = Monday) of month m of year y: n = 1 the first,
 * 4 the fourth (Thanksgiving: 4th Thursday of November), -1 the last
 * (Memorial Day: last Monday of May). n must leave the date in the month:
 * 1..4 always do, 5 only sometimes. */
dates_ymd_t dates_cal_nth_weekday(int y, int m, int wd, int n);
/* Easter Sunday of year y (Gregorian computus, valid for y >= 1583). */
dates_ymd_t dates_cal_easter(int y);

#endif /* DATES_CALENDAR_H */
