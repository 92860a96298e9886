/* Gregorian calendar arithmetic. Day counts use Howard Hinnant's
 * days_from_civil / civil_from_days algorithms, exact for every year. */
#include "calendar.h"

#include <string.h>

bool dates_cal_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int dates_cal_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && dates_cal_leap(y) ? 29 : days[m - 1];
}

bool dates_cal_valid(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= dates_cal_month_days(y, m);
}

long dates_cal_to_days(dates_ymd_t date)
{
    long y = date.y - (date.m <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (date.m + 9) % 12; /* March = 0 */
    long doy = (153 * mp + 2) / 5 + date.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

dates_ymd_t dates_cal_from_days(long days)
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    dates_ymd_t r;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

int dates_cal_weekday(dates_ymd_t date)
{
    /* 1970-01-01 was a Thursday (4). */
    long w = (dates_cal_to_days(date) + 3) % 7;
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

dates_ymd_t dates_cal_iso_week_monday(int iso_year, int week)
{
    /* Week 1 is the week with January 4th in it. */
    dates_ymd_t jan4 = {iso_year, 1, 4};
    long monday1 = dates_cal_to_days(jan4) - (dates_cal_weekday(jan4) - 1);
    return dates_cal_from_days(monday1 + 7L * (week - 1));
}

void dates_cal_iso_week(dates_ymd_t date, int *iso_year, int *week)
{
    /* The ISO year is the year of the Thursday of the date's week. */
    long days = dates_cal_to_days(date);
    long thursday = days - (dates_cal_weekday(date) - 1) + 3;
    dates_ymd_t th = dates_cal_from_days(thursday);
    dates_ymd_t jan1 = {th.y, 1, 1};
    *iso_year = th.y;
    *week = (int)((thursday - dates_cal_to_days(jan1)) / 7 + 1);
}

int dates_cal_iso_weeks_in_year(int y)
{
    dates_ymd_t dec28 = {y, 12, 28}; /* always in the last ISO week */
    int iy, w;
    dates_cal_iso_week(dec28, &iy, &w);
    return w;
}

dates_ymd_t dates_cal_add_days(dates_ymd_t date, long n)
{
    return dates_cal_from_days(dates_cal_to_days(date) + n);
}

void dates_cal_add_month_index(int *y, int *m, int n)
{
    long idx = (long)*y * 12 + (*m - 1) + n;
    long yy = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
    *y = (int)yy;
    *m = (int)(idx - yy * 12) + 1;
}

dates_ymd_t dates_cal_add_months(dates_ymd_t date, int n)
{
    dates_ymd_t r = date;
    dates_cal_add_month_index(&r.y, &r.m, n);
    int last = dates_cal_month_days(r.y, r.m);
    if (r.d > last)
        r.d = last;
    return r;
}

int dates_cal_quarter(int m)
{
    return (m - 1) / 3 + 1;
}

int dates_cal_half(int m)
{
    return m <= 6 ? 1 : 2;
}

const char *dates_cal_season(int m)
{
    if (m == 12 || m <= 2)
        return "WI";
    if (m <= 5)
        return "SP";
    if (m <= 8)
        return "SU";
    return "FA";
}

int dates_cal_season_index(const char *code)
{
    static const char *const codes[4] = {"SP", "SU", "FA", "WI"};
    for (int i = 0; i < 4; i++)
        if (strcmp(code, codes[i]) == 0)
            return i;
    return -1;
}

dates_ymd_t dates_cal_nth_weekday(int y, int m, int wd, int n)
{
    if (n > 0) {
        dates_ymd_t first = {y, m, 1};
        int delta = (wd - dates_cal_weekday(first) + 7) % 7;
        return dates_cal_add_days(first, delta + 7L * (n - 1));
    }
    dates_ymd_t last = {y, m, dates_cal_month_days(y, m)};
    int delta = (dates_cal_weekday(last) - wd + 7) % 7;
    return dates_cal_add_days(last, -(delta + 7L * (-n - 1)));
}

dates_ymd_t dates_cal_easter(int y)
{
    /* The anonymous Gregorian computus (Meeus/Jones/Butcher). */
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    dates_ymd_t r = {y, month, day};
    return r;
}
