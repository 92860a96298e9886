/* One test per class of error that the dates analyzer made on unseen
 * text (TempEval-3 platinum, measured independently), on sentences
 * written for these tests: page timestamps, clock times and their zones
 * and days, ranges, the reference time of a story, durations that are
 * not points, year ends and fiscal years, recurrences, "today" as
 * nowadays, and what is not a date (ages, names of time zones). */
#include "expect.h"

/* A date and a clock time printed together as a page's timestamp are one
 * TIME, with the clock time as printed (guidelines, section 4). */
static void test_page_timestamps(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect("Posted 2024-03-05 08:12:30 by the desk.", d, "2024-03-05 08:12:30",
           "TIME", "2024-03-05T08:12:30");
    expect("Updated: 2023-11-30T17:45:02Z", d, "2023-11-30T17:45:02Z", "TIME",
           "2023-11-30T17:45:02");
    expect("Mail from 2024-03-05 08:12 +0400 follows.", d,
           "2024-03-05 08:12 +0400", "TIME", "2024-03-05T08:12");
    expect("Last modified 3/5/2024 8:12:30 AM by staff", d,
           "3/5/2024 8:12:30 AM", "TIME", "2024-03-05T08:12:30");
    expect("Published 11/02/2023 9:41:15 PM", d, "11/02/2023 9:41:15 PM",
           "TIME", "2023-11-02T21:41:15");
    expect("Filed 08:12 UTC+4, 2024-03-05, from the capital.", d,
           "08:12 UTC+4, 2024-03-05", "TIME", "2024-03-05T08:12");
    expect("Ferry news\nupdated 11:05 PM EDT, Sat June 4, 2022\nThe port "
           "said.",
           d, "11:05 PM EDT, Sat June 4, 2022", "TIME", "2022-06-04T23:05");
    expect("Published 7:40 AM ET Mon, 9 May 2022", d,
           "7:40 AM ET Mon, 9 May 2022", "TIME", "2022-05-09T07:40");
    expect("Oslo harbour reopens\nJune 9, 2022 | 06:15 AM\nThe port said.", d,
           "June 9, 2022 | 06:15 AM", "TIME", "2022-06-09T06:15");
    expect("Grain exports\n14 February 2023 09:05\nShips left.", d,
           "14 February 2023 09:05", "TIME", "2023-02-14T09:05");
    expect("Tbilisi, 2 May 2022 16:40 (UTC+04:00)\nThe talks ended.", d,
           "2 May 2022 16:40 (UTC+04:00)", "TIME", "2022-05-02T16:40");
    /* A timestamp at the top of a text is its date. */
    expect("Ferry service resumes\n5 January 2021, 11:20\nIt will sail "
           "tomorrow.",
           NULL, "tomorrow", "DATE", "2021-01-06");
}

/* Clock times: the zone is inside the extent, "on <day>" outside it but
 * still the clock time's day; midnight and "12am" are the start of the
 * day named; four-digit military times; seconds. */
static void test_clock_times(void **state)
{
    (void)state;
    const char *d = "2024-03-06"; /* a Wednesday */
    expect("The polls close at 8 p.m. Tallinn time.", d, "8 p.m. Tallinn time",
           "TIME", "2024-03-06T20:00");
    expect("Trading resumed at 9:30 a.m. EDT.", d, "9:30 a.m. EDT", "TIME",
           "2024-03-06T09:30");
    expect("The ceasefire took effect at 16:00 (GMT+3).", d, "16:00 (GMT+3)",
           "TIME", "2024-03-06T16:00");
    expect("The shelling stopped at 1400 GMT.", d, "1400 GMT", "TIME",
           "2024-03-06T14:00");
    expect("The convoy left at 0530 hours.", d, "0530 hours", "TIME",
           "2024-03-06T05:30");
    expect("The patrol returned at 2215 hrs.", d, "2215 hrs", "TIME",
           "2024-03-06T22:15");
    /* The preposition splits a clock time from its day. */
    expect("The vote was held at 10 a.m. on Monday.", d, "10 a.m.", "TIME",
           "2024-03-04T10:00");
    expect("The vote was held at 10 a.m. on Monday.", d, "Monday", "DATE",
           "2024-03-04");
    expect("Fighting stopped shortly after midnight on March 2.", d, "midnight",
           "TIME", "2024-03-02T00:00");
    expect("The curfew began at 12am on Sunday.", d, "12am", "TIME",
           "2024-03-03T00:00");
    expect("The curfew began at 12 a.m. Sunday.", d, "12 a.m. Sunday", "TIME",
           "2024-03-03T00:00");
    /* Without a preposition they are one expression. */
    expect("The plant shut down at around 4:15 am GMT Tuesday.", d,
           "around 4:15 am GMT Tuesday", "TIME", "2024-03-05T04:15");
    expect("The alarm sounded at 14:32:07 and again later.", d, "14:32:07",
           "TIME", "2024-03-06T14:32:07");
    expect("The launch was at 6:05:40 p.m. local time.", d,
           "6:05:40 p.m. local time", "TIME", "2024-03-06T18:05:40");
}

/* The second part of a range of days or years is a date of its own; a
 * month and day followed (after a range or list) by a year take it. */
static void test_ranges_and_years(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect("The fair runs May 14-16 in the old town.", d, "16", "DATE",
           "2024-05-16");
    expect("The fair runs May 14-16 in the old town.", d, "May 14", "DATE",
           "2024-05-14");
    expect("The summit was held 3-5 October in Yerevan.", d, "3", "DATE",
           "2023-10-03");
    expect("The summit was held 3-5 October in Yerevan.", d, "5 October",
           "DATE", "2023-10-05");
    expect("Exports fell in the 2019-20 season.", d, "20", "DATE", "2020");
    expect("Exports fell in the 2019-20 season.", d, "2019", "DATE", "2019");
    expect("The talks took place Nov. 28 to Dec. 2, 2019, in Geneva.", d,
           "Nov. 28", "DATE", "2019-11-28");
    expect("The talks took place Nov. 28 to Dec. 2, 2019, in Geneva.", d,
           "Dec. 2, 2019", "DATE", "2019-12-02");
    expect("Voting was held on June 7 and 8, 2015, across the country.", d,
           "June 7", "DATE", "2015-06-07");
    expect("Voting was held on June 7 and 8, 2015, across the country.", d,
           "8, 2015", "DATE", "2015-06-08");
    expect("He was detained on Feb. 14 of last year.", d,
           "Feb. 14 of last year", "DATE", "2023-02-14");
    expect("The pact of March 3 of 2012 failed.", d, "March 3 of 2012", "DATE",
           "2012-03-03");
    expect("Polls set for 5 October next year were delayed.", d,
           "5 October next year", "DATE", "2025-10-05");
    expect("The treaty was signed on April 2nd, 1999, in Oslo.", d,
           "April 2nd, 1999", "DATE", "1999-04-02");
}

/* The anchor moves with the story: an e-mail's own date, and the day a
 * narrative has moved to, anchor "tomorrow" and the weekdays after it. */
static void test_story_anchor(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect("From: Jane Roe\nSent: Tuesday, October 3, 2017 9:14 AM\n"
           "Subject: schedule\n\nThe crew arrives tomorrow.",
           d, "tomorrow", "DATE", "2017-10-04");
    expect("From: Jane Roe\nSent: 12 June 2019\n\nWe met yesterday and "
           "will meet again on Friday.",
           d, "Friday", "DATE", "2019-06-14");
    expect("On August 3, 2015, the rebels took the pass. The next day they "
           "shelled the town, and on Thursday the army withdrew.",
           d, "Thursday", "DATE", "2015-08-06");
}

/* Lengths compared or spanned are durations, not points. */
static void test_durations_not_points(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect("The bridge opened three weeks sooner than planned.", d,
           "three weeks", "DURATION", "P3W");
    expect("The bridge opened two months ahead of schedule.", d, "two months",
           "DURATION", "P2M");
    expect("Demand will grow during the coming decade.", d, "the coming decade",
           "DURATION", "P1DE");
    expect("Prices doubled over the past decade.", d, "the past decade",
           "DURATION", "P1DE");
    expect("Output will rise over the next century.", d, "the next century",
           "DURATION", "P1CE");
    expect("The weeklong strike ended.", d, "weeklong", "DURATION", "P1W");
    expect("It ended a decadeslong feud.", d, "decadeslong", "DURATION",
           "PXDE");
    /* "N later": only the length (guidelines, section 4). */
    expect("The strike began on May 2. Four days later it ended.", d,
           "Four days", "DURATION", "P4D");
    expect("Sales were $2 million, up from $1 million a year earlier.", d,
           "a year", "DURATION", "P1Y");
    expect("It rained for less than 48 hours.", d, "less than 48 hours",
           "DURATION", "PT48H");
}

/* Year ends, fiscal years, recurring seasons, the day before an event,
 * ordinal days and weeks of a period. */
static void test_periods(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect("The plant will close by the end of the year.", d,
           "the end of the year", "DATE", "2024");
    expect("Stocks rallied into year-end.", d, "year-end", "DATE", "2024");
    expect("The loans mature at the end of 2026.", d, "the end of 2026", "DATE",
           "2026");
    expect("Profit rose in fiscal 2023, and the fiscal-year outlook is firm.",
           d, "fiscal 2023", "DATE", "2023");
    expect("Profit rose in fiscal year 2022.", d, "fiscal year 2022", "DATE",
           "2022");
    expect("Costs rose in the 2021 fiscal year.", d, "the 2021 fiscal year",
           "DATE", "2021");
    expect("Revenue for the current fiscal year will fall.", d,
           "the current fiscal year", "DATE", "2024");
    expect("Each spring the river floods the valley.", d, "Each spring", "SET",
           "XXXX-SP");
    expect("Every winter the pass is closed.", d, "Every winter", "SET",
           "XXXX-WI");
    expect("The day before the election he resigned.", d, "The day before",
           "DATE", "2024-03-05");
    expect("The first day of March was cold.", d, "The first day of March",
           "DATE", "2024-03-01");
    expect("Rent is due on the last day of the month.", d,
           "the last day of the month", "DATE", "2024-03-31");
    expect("The talks ended on the last day of 2023.", d,
           "the last day of 2023", "DATE", "2023-12-31");
    expect("On the third day of the strike, the talks resumed.", d,
           "the third day", "DATE", "2024-03-06");
    expect("They met on March 2 and talked again the next morning.", d,
           "the next morning", "TIME", "2024-03-03TMO");
    expect("Stocks fell on Monday. For the week, the index lost 2%.", d,
           "the week", "DATE", "2024-W10");
    expect("Talks opened Tuesday and will go on as the week goes on.", d,
           "the week", "DATE", "2024-W10");
    expect("The camp opens in the second week of July.", d,
           "the second week of July", "DATE", "2024-W28");
}

/* Recurring times of day are SETs; "today" in the sense of nowadays is
 * PRESENT_REF. */
static void test_sets_and_present(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect("He swims every morning before work.", d, "every morning", "SET",
           "XXXX-XX-XXTMO");
    expect("She rows every Sunday morning.", d, "every Sunday morning", "SET",
           "XXXX-WXX-7TMO");
    expect("The market opens each evening.", d, "each evening", "SET",
           "XXXX-XX-XXTEV");
    expect("Guards patrol nightly.", d, "nightly", "SET", "XXXX-XX-XXTNI");
    expect("The museum is closed on Sunday afternoons.", d, "Sunday afternoons",
           "SET", "XXXX-WXX-7TAF");
    expect("In today's world, borders matter less.", d, "today", "DATE",
           "PRESENT_REF");
    expect("Young people today read fewer newspapers.", d, "today", "DATE",
           "PRESENT_REF");
    expect("Even today the dispute divides families.", d, "today", "DATE",
           "PRESENT_REF");
    expect("The conflicts of today are fought online.", d, "today", "DATE",
           "PRESENT_REF");
    expect("Today, the plan leaves many questions open.", d, "Today", "DATE",
           "PRESENT_REF");
    expect("At this point, no one knows who fired first.", d, "this point",
           "DATE", "PRESENT_REF");
    /* The day itself stays a date. */
    expect("The minister resigned today.", d, "today", "DATE", "2024-03-06");
    expect("Today, the court rejected the appeal.", d, "Today", "DATE",
           "2024-03-06");
}

/* Ages and names of time zones are not dates. */
static void test_not_dates(void **state)
{
    (void)state;
    const char *d = "2024-03-06";
    expect_none("The calf is only six months old.", d);
    expect_none("A girl, 18 months old, was rescued.", d);
    expect_none("The twins, three weeks old, are healthy.", d);
    expect_none("Children under 16 years of age need a permit.", d);
    expect_none("His daughter was a year and a half old.", d);
    expect_none("The ferry timetable uses British Summer Time.", d);
    expect_none("The schedule is given in Central European Summer Time.", d);
    expect_none("Flights are listed in Eastern Standard Time.", d);
    expect_none("The switch to winter time saves energy, experts say.", d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page_timestamps),
        cmocka_unit_test(test_clock_times),
        cmocka_unit_test(test_ranges_and_years),
        cmocka_unit_test(test_story_anchor),
        cmocka_unit_test(test_durations_not_points),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_sets_and_present),
        cmocka_unit_test(test_not_dates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
