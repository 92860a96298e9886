/* Calendar arithmetic: leap years, month ends, ISO weeks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calendar.h"

static dates_ymd_t ymd(int y, int m, int d)
{
    dates_ymd_t r = {y, m, d};
    return r;
}

static void assert_ymd(dates_ymd_t got, int y, int m, int d)
{
    assert_int_equal(got.y, y);
    assert_int_equal(got.m, m);
    assert_int_equal(got.d, d);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(dates_cal_leap(2024));
    assert_true(dates_cal_leap(2000));
    assert_false(dates_cal_leap(1900));
    assert_false(dates_cal_leap(2023));
    assert_int_equal(dates_cal_month_days(2024, 2), 29);
    assert_int_equal(dates_cal_month_days(2023, 2), 28);
    assert_int_equal(dates_cal_month_days(1900, 2), 28);
    assert_int_equal(dates_cal_month_days(2022, 4), 30);
    assert_true(dates_cal_valid(2024, 2, 29));
    assert_false(dates_cal_valid(2023, 2, 29));
    assert_false(dates_cal_valid(2022, 4, 31));
    assert_false(dates_cal_valid(2022, 13, 1));
}

static void test_day_numbers_round_trip(void **state)
{
    (void)state;
    assert_int_equal(dates_cal_to_days(ymd(1970, 1, 1)), 0);
    assert_int_equal(dates_cal_to_days(ymd(2000, 3, 1)), 11017);
    assert_int_equal(dates_cal_to_days(ymd(1969, 12, 31)), -1);
    /* Every day from 1600 to 2400 maps back to itself, in order. */
    long prev = dates_cal_to_days(ymd(1599, 12, 31));
    for (int y = 1600; y <= 2400; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= dates_cal_month_days(y, m); d++) {
                long n = dates_cal_to_days(ymd(y, m, d));
                assert_int_equal(n, prev + 1);
                assert_ymd(dates_cal_from_days(n), y, m, d);
                prev = n;
            }
}

static void test_weekdays(void **state)
{
    (void)state;
    assert_int_equal(dates_cal_weekday(ymd(2022, 10, 31)), 1); /* Monday */
    assert_int_equal(dates_cal_weekday(ymd(2024, 2, 29)), 4);  /* Thursday */
    assert_int_equal(dates_cal_weekday(ymd(2000, 1, 1)), 6);   /* Saturday */
    assert_int_equal(dates_cal_weekday(ymd(1989, 10, 29)), 7); /* Sunday */
}

static void test_month_ends(void **state)
{
    (void)state;
    /* "A month before March 31" is the end of February, never March 3. */
    assert_ymd(dates_cal_add_months(ymd(2022, 3, 31), -1), 2022, 2, 28);
    assert_ymd(dates_cal_add_months(ymd(2024, 3, 31), -1), 2024, 2, 29);
    assert_ymd(dates_cal_add_months(ymd(2024, 1, 31), 1), 2024, 2, 29);
    assert_ymd(dates_cal_add_months(ymd(2022, 10, 31), -1), 2022, 9, 30);
    assert_ymd(dates_cal_add_months(ymd(2022, 1, 15), -1), 2021, 12, 15);
    assert_ymd(dates_cal_add_months(ymd(2024, 2, 29), 12), 2025, 2, 28);
    assert_ymd(dates_cal_add_months(ymd(2024, 2, 29), 48), 2028, 2, 29);
    int y = 2022, m = 1;
    dates_cal_add_month_index(&y, &m, -1);
    assert_int_equal(y, 2021);
    assert_int_equal(m, 12);
    y = 2022, m = 3;
    dates_cal_add_month_index(&y, &m, -27);
    assert_int_equal(y, 2019);
    assert_int_equal(m, 12);
    assert_ymd(dates_cal_add_days(ymd(2024, 2, 28), 1), 2024, 2, 29);
    assert_ymd(dates_cal_add_days(ymd(2023, 2, 28), 1), 2023, 3, 1);
    assert_ymd(dates_cal_add_days(ymd(2000, 1, 1), -1), 1999, 12, 31);
}

static void assert_week(dates_ymd_t d, int iy, int w)
{
    int gy, gw;
    dates_cal_iso_week(d, &gy, &gw);
    assert_int_equal(gy, iy);
    assert_int_equal(gw, w);
}

static void test_iso_weeks(void **state)
{
    (void)state;
    assert_week(ymd(2016, 1, 1), 2015, 53);
    assert_week(ymd(2014, 12, 29), 2015, 1);
    assert_week(ymd(2020, 12, 31), 2020, 53);
    assert_week(ymd(2021, 1, 3), 2020, 53);
    assert_week(ymd(2021, 1, 4), 2021, 1);
    assert_week(ymd(2022, 10, 31), 2022, 44);
    assert_week(ymd(2008, 12, 29), 2009, 1);
    assert_int_equal(dates_cal_iso_weeks_in_year(2015), 53);
    assert_int_equal(dates_cal_iso_weeks_in_year(2020), 53);
    assert_int_equal(dates_cal_iso_weeks_in_year(2022), 52);
    assert_ymd(dates_cal_iso_week_monday(2015, 53), 2015, 12, 28);
    assert_ymd(dates_cal_iso_week_monday(2021, 1), 2021, 1, 4);
    /* Every Monday's week starts on it. */
    for (long n = dates_cal_to_days(ymd(1990, 1, 1));
         n < dates_cal_to_days(ymd(2030, 1, 1)); n++) {
        dates_ymd_t d = dates_cal_from_days(n);
        if (dates_cal_weekday(d) != 1)
            continue;
        int iy, w;
        dates_cal_iso_week(d, &iy, &w);
        dates_ymd_t mon = dates_cal_iso_week_monday(iy, w);
        assert_int_equal(dates_cal_to_days(mon), n);
    }
}

static void test_quarters_and_seasons(void **state)
{
    (void)state;
    assert_int_equal(dates_cal_quarter(1), 1);
    assert_int_equal(dates_cal_quarter(12), 4);
    assert_int_equal(dates_cal_half(6), 1);
    assert_int_equal(dates_cal_half(7), 2);
    assert_string_equal(dates_cal_season(1), "WI");
    assert_string_equal(dates_cal_season(10), "FA");
    assert_int_equal(dates_cal_season_index("FA"), 2);
    assert_int_equal(dates_cal_season_index("XX"), -1);
}

static void test_holiday_rules(void **state)
{
    (void)state;
    /* Thanksgiving: fourth Thursday of November. */
    dates_ymd_t t = dates_cal_nth_weekday(1999, 11, 4, 4);
    assert_int_equal(t.m, 11);
    assert_int_equal(t.d, 25);
    t = dates_cal_nth_weekday(2022, 11, 4, 4);
    assert_int_equal(t.d, 24);
    /* A month that starts on the weekday asked for. */
    t = dates_cal_nth_weekday(2022, 8, 1, 1); /* 2022-08-01 was a Monday */
    assert_int_equal(t.d, 1);
    /* Memorial Day: last Monday of May; May 2021 ends on a Monday. */
    t = dates_cal_nth_weekday(2021, 5, 1, -1);
    assert_int_equal(t.d, 31);
    t = dates_cal_nth_weekday(2022, 5, 1, -1);
    assert_int_equal(t.d, 30);
    /* Last Friday of February in a leap year. */
    t = dates_cal_nth_weekday(2024, 2, 5, -1);
    assert_int_equal(t.m, 2);
    assert_int_equal(t.d, 23);
    /* Easter: early and late extremes, and ordinary years. */
    static const int easter[][3] = {{2000, 4, 23}, {2008, 3, 23}, {2011, 4, 24},
                                    {2019, 4, 21}, {2024, 3, 31}, {2038, 4, 25},
                                    {1818, 3, 22}, {1998, 4, 12}};
    for (size_t i = 0; i < sizeof easter / sizeof easter[0]; i++) {
        dates_ymd_t e = dates_cal_easter(easter[i][0]);
        assert_int_equal(e.y, easter[i][0]);
        assert_int_equal(e.m, easter[i][1]);
        assert_int_equal(e.d, easter[i][2]);
        assert_int_equal(dates_cal_weekday(e), 7);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_day_numbers_round_trip),
        cmocka_unit_test(test_weekdays),
        cmocka_unit_test(test_month_ends),
        cmocka_unit_test(test_iso_weeks),
        cmocka_unit_test(test_quarters_and_seasons),
        cmocka_unit_test(test_holiday_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
