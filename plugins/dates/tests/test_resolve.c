/* Resolution of expressions against the DCT, with the bundled rules:
 * month ends, leap years, ISO weeks, weekdays either side of the DCT,
 * underspecified values without a DCT, datelines, what is not a date. */
#include "expect.h"

static void test_last_month_at_month_ends(void **state)
{
    (void)state;
    /* chrono-node gives March for these; the month before March is
     * February whatever the day. */
    expect("Prices rose last month.", "2022-03-31", "last month", "DATE",
           "2022-02");
    expect("Prices rose last month.", "2024-03-31", "last month", "DATE",
           "2024-02");
    expect("Prices rose last month.", "2022-01-31", "last month", "DATE",
           "2021-12");
    expect("It happened a month ago.", "2022-03-31", "a month ago", "DATE",
           "2022-02");
    expect("It opens next month.", "2022-12-31", "next month", "DATE",
           "2023-01");
    const got_t *g = expect("Prices rose last month.", "2022-10-31",
                            "last month", "DATE", "2022-09");
    assert_string_equal(g->anchor, "2022-10-31");
}

static void test_leap_days(void **state)
{
    (void)state;
    expect("The vote on Feb. 29, 2024 was close.", NULL, "Feb. 29, 2024",
           "DATE", "2024-02-29");
    expect("It was signed yesterday.", "2024-03-01", "yesterday", "DATE",
           "2024-02-29");
    expect("It was signed yesterday.", "2023-03-01", "yesterday", "DATE",
           "2023-02-28");
    expect("It will be signed tomorrow.", "2024-02-28", "tomorrow", "DATE",
           "2024-02-29");
    /* February 29, 2023 does not exist: no date is made of it. */
    spans_t c = run("He cited Feb. 29, 2023 in error.", NULL);
    for (int i = 0; i < c.n; i++)
        assert_string_not_equal(c.s[i].value, "2023-02-29");
    expect("A year later, on Feb. 29, the law passed.", "2024-03-10", "Feb. 29",
           "DATE", "2024-02-29");
}

static void test_iso_weeks(void **state)
{
    (void)state;
    expect("Talks began last week.", "2021-01-06", "last week", "DATE",
           "2020-W53");
    expect("Talks begin this week.", "2016-01-01", "this week", "DATE",
           "2015-W53");
    expect("Talks begin next week.", "2014-12-24", "next week", "DATE",
           "2015-W01");
    expect("Talks began two weeks ago.", "2022-10-31", "two weeks ago", "DATE",
           "2022-W42");
}

static void test_weekdays_either_side(void **state)
{
    (void)state;
    /* DCT Wednesday 2022-11-02. */
    expect("The minister said on Monday that talks failed.", "2022-11-02",
           "Monday", "DATE", "2022-10-31");
    expect("The minister will travel on Friday.", "2022-11-02", "Friday",
           "DATE", "2022-11-04");
    expect("The minister arrived Wednesday.", "2022-11-02", "Wednesday", "DATE",
           "2022-11-02");
    expect("He met Putin on Friday.", "2022-11-02", "Friday", "DATE",
           "2022-10-28");
    expect("They will meet next Monday.", "2022-11-02", "next Monday", "DATE",
           "2022-11-07");
    expect("They met last Wednesday.", "2022-11-02", "last Wednesday", "DATE",
           "2022-10-26");
    /* Across a month and a year end. */
    expect("Markets fell on Thursday.", "2023-01-02", "Thursday", "DATE",
           "2022-12-29");
    expect("Markets will open on Tuesday.", "2022-12-31", "Tuesday", "DATE",
           "2023-01-03");
    expect("Putin will host talks on Monday, Oct.31, in Sochi.", "2022-10-30",
           "Monday, Oct.31", "DATE", "2022-10-31");
}

static void test_months_without_year(void **state)
{
    (void)state;
    expect("Clashes broke out in August.", "2022-10-31", "August", "DATE",
           "2022-08");
    expect("Talks were held on October 3.", "2022-10-31", "October 3", "DATE",
           "2022-10-03");
    expect("The summit is planned for Dec. 15.", "1989-11-02", "Dec. 15",
           "DATE", "1989-12-15");
    expect("Elections will be held in January.", "1989-11-02", "January",
           "DATE", "1990-01");
    expect("They met last November.", "1999-12-03", "last November", "DATE",
           "1999-11");
    expect("They met last November.", "1999-11-03", "last November", "DATE",
           "1998-11");
    expect("The deal closes this June.", "2024-08-19", "this June", "DATE",
           "2024-06");
    /* The full stop after a month is not part of the span. */
    expect("They met on 21 October.", "2022-10-31", "21 October", "DATE",
           "2022-10-21");
    expect("They met on 21 Oct. in Paris.", "2022-10-31", "21 Oct.", "DATE",
           "2022-10-21");
    /* A day of the month in words, but not a word that counts what
     * follows it. */
    expect("Women's Day is this coming Sunday, March eighth.", "1998-03-05",
           "this coming Sunday, March eighth", "DATE", "1998-03-08");
    expect("They met on the twenty-first of October.", "2022-10-31",
           "the twenty-first of October", "DATE", "2022-10-21");
    expect("They met on October third, in Paris.", "2022-10-31",
           "October third", "DATE", "2022-10-03");
    expect("Its March first-quarter report was late.", "2022-10-31", "March",
           "DATE", "2022-03");
}

static void test_without_dct(void **state)
{
    (void)state;
    expect("Talks were held on October 31.", NULL, "October 31", "DATE",
           "XXXX-10-31");
    expect("Prices rose last month.", NULL, "last month", "DATE", "XXXX-XX");
    expect("Prices rose last year.", NULL, "last year", "DATE", "XXXX");
    expect("He met Putin on Monday.", NULL, "Monday", "DATE", "XXXX-WXX-1");
    expect("Clashes broke out in August.", NULL, "August", "DATE", "XXXX-08");
    const got_t *g = expect("Clashes broke out in August.", NULL, "August",
                            "DATE", "XXXX-08");
    assert_string_equal(g->anchor, "");
    /* Absolute values do not need one. */
    expect("The war of 2020 ended.", NULL, "2020", "DATE", "2020");
    expect("It was October 31, 2022.", NULL, "October 31, 2022", "DATE",
           "2022-10-31");
}

static void test_dateline(void **state)
{
    (void)state;
    const char *doc = "Date: 29 November 2021\n\nPutin hosted the leaders "
                      "last year, and will again soon.";
    expect(doc, NULL, "29 November 2021", "DATE", "2021-11-29");
    expect(doc, NULL, "last year", "DATE", "2020");
    const char *doc2 = "WORLD\nPutin hosts leaders\nOctober 31, 2022\n\n"
                       "Talks were held last month.";
    expect(doc2, NULL, "last month", "DATE", "2022-09");
    /* Metadata wins over the dateline. */
    expect(doc, "2022-10-31", "last year", "DATE", "2021");
    /* A date inside a sentence is not a dateline. */
    expect("The treaty of October 31, 2022 between the two countries, "
           "signed after long talks, was broken last month.",
           NULL, "last month", "DATE", "XXXX-XX");
}

static void test_relative_forms(void **state)
{
    (void)state;
    const char *d = "2022-10-31";
    expect("Talks took place earlier this month.", d, "earlier this month",
           "DATE", "2022-10");
    expect("The war ended two years ago.", d, "two years ago", "DATE", "2020");
    expect("Then, a week or so ago, he picked a date.", d, "a week or so ago",
           "DATE", "2022-W43");
    expect("Inflation is high now.", d, "now", "DATE", "PRESENT_REF");
    expect("He recently said so.", d, "recently", "DATE", "PAST_REF");
    expect("A deal may come soon.", d, "soon", "DATE", "FUTURE_REF");
    expect("The 1990s were hard.", d, "The 1990s", "DATE", "199");
    expect("It was fought in autumn 2020.", d, "autumn 2020", "DATE",
           "2020-FA");
    expect("It was fought in the fall of 2020.", d, "the fall of 2020", "DATE",
           "2020-FA");
    const got_t *g = expect("A deal by the end of the year.", "2021-11-29",
                            "the end of the year", "DATE", "2021");
    assert_string_equal(g->mod, "END");
    expect("Sales rose in the third quarter.", "1989-10-26",
           "the third quarter", "DATE", "1989-Q3");
    expect("Sales rose in the third quarter of 1990.", d,
           "the third quarter of 1990", "DATE", "1990-Q3");
    expect("It rose from 2020 to 2022.", d, "2022", "DATE", "2022");
    expect("Ruins of the 11th century stand.", d, "the 11th century", "DATE",
           "10");
    expect("The session opens at 10:35 a.m.", d, "10:35 a.m.", "TIME",
           "2022-10-31T10:35");
}

static void test_durations_and_sets(void **state)
{
    (void)state;
    const char *d = "2022-10-31";
    expect("A six-week war.", d, "six-week", "DURATION", "P6W");
    expect("It lasted two decades.", d, "two decades", "DURATION", "P2DE");
    expect("A decades-long conflict.", d, "decades-long", "DURATION", "PXDE");
    expect("It changed over the past few years.", d, "the past few years",
           "DURATION", "PXY");
    const got_t *g = expect("Troops may stay up to another two decades.", d,
                            "up to another two decades", "DURATION", "P2DE");
    assert_string_equal(g->mod, "EQUAL_OR_LESS");
    expect("The deal runs for 10, 15 or 20 years.", d, "10", "DURATION",
           "P10Y");
    expect("The deal runs for 10, 15 or 20 years.", d, "15", "DURATION",
           "P15Y");
    expect("The deal runs for 10, 15 or 20 years.", d, "20 years", "DURATION",
           "P20Y");
    expect("It took 2 1/2 years.", d, "2 1/2 years", "DURATION", "P2Y6M");
    /* Prepositions stay outside the span; "within" is still the mod. */
    g = expect("A deal may come within a week.", d, "a week", "DURATION",
               "P1W");
    assert_string_equal(g->mod, "EQUAL_OR_LESS");
    expect("It posted a third-quarter loss.", d, "third-quarter", "DATE",
           "2022-Q3");
    expect("They meet every Monday.", d, "every Monday", "SET", "XXXX-WXX-1");
    expect("They meet every other week.", d, "every other week", "SET", "P2W");
    expect("Talks resume two weeks from now.", d, "two weeks from now", "DATE",
           "2022-W46");
    expect("It ruled in 2014-2022.", d, "2022", "DATE", "2022");
    expect("A hearing is set for the week of March 6.", "2000-02-24",
           "the week of March 6", "DATE", "2000-W10");
    expect("The paper appears weekly.", d, "weekly", "SET", "P1W");
    /* An average per period is no recurrence, also with a word between. */
    expect_none("The average daily volume rose.", d);
    expect_none("The average daily share turnover rose.", d);
    /* A weekday with a plural part of the day recurs, also when the
     * part of the day is shared with the next weekday. */
    expect("Flights leave on Tuesday nights.", d, "Tuesday nights", "SET",
           "XXXX-WXX-2TNI");
    expect("Flights leave on Monday and Tuesday nights.", d, "Monday", "SET",
           "XXXX-WXX-1TNI");
    expect("Flights leave on Monday and Tuesday nights.", d, "Tuesday nights",
           "SET", "XXXX-WXX-2TNI");
    expect("They met on Monday and Tuesday night.", d, "Monday", "DATE",
           "2022-10-31");
    /* A rate in words is an amount per period, not a duration. */
    expect_none("It runs four flights a week.", d);
    expect("The talks took a week.", d, "a week", "DURATION", "P1W");
}

static void test_holidays(void **state)
{
    (void)state;
    expect("He was found on Thanksgiving Day.", "1999-12-10",
           "Thanksgiving Day", "DATE", "1999-11-25");
    expect("He arrived last Thanksgiving.", "2000-04-01", "last Thanksgiving",
           "DATE", "1999-11-25");
    expect("The campaign runs to Election Day.", "1998-10-26", "Election Day",
           "DATE", "1998-11-03");
    expect("Shops close on Christmas Eve.", "2022-12-01", "Christmas Eve",
           "DATE", "2022-12-24");
    /* Nearest occurrence across a year end. */
    expect("They met at Christmas.", "2023-01-05", "Christmas", "DATE",
           "2022-12-25");
    expect("Pilgrims gathered for Easter.", "2000-04-17", "Easter", "DATE",
           "2000-04-23");
    expect("It fell on Good Friday.", "2024-04-10", "Good Friday", "DATE",
           "2024-03-29");
    expect("He was found on Thanksgiving Day.", NULL, "Thanksgiving Day",
           "DATE", "XXXX-XX-XX");
    expect("It happened on Christmas Day.", NULL, "Christmas Day", "DATE",
           "XXXX-12-25");
    /* A holiday's week is the ISO week it falls in. */
    expect("Protesters prayed as Easter week began.", "2000-04-17",
           "Easter week", "DATE", "2000-W16");
    expect("Stores open late in Thanksgiving week.", "2022-10-31",
           "Thanksgiving week", "DATE", "2022-W47");
    expect("Crowds came for the Easter weekend.", "2000-04-17", "Easter",
           "DATE", "2000-04-23");
}

static void test_tense_markers(void **state)
{
    (void)state;
    /* DCT Friday 1989-10-27. */
    const char *d = "1989-10-27";
    /* "succeed" looks like a past form but is not one. */
    expect("He will succeed Mr. Smith Feb. 1, soon after.", "1989-10-26",
           "Feb. 1", "DATE", "1990-02-01");
    /* "set" is future only in "set to". */
    expect("Talks are set to resume Monday.", d, "Monday", "DATE",
           "1989-10-30");
    expect("The ruling set Monday as the deadline.", d, "Monday", "DATE",
           "1989-10-23");
    expect("The Dow set a record Monday.", d, "Monday", "DATE", "1989-10-23");
    /* "be to" is a future; a future seen from the past perfect is over
     * (DCT Monday 1989-10-30 below). */
    expect("The stock is to resume trading in Paris Tuesday.", d, "Tuesday",
           "DATE", "1989-10-31");
    expect("The offer had been due to expire Friday evening.", "1989-10-30",
           "Friday evening", "TIME", "1989-10-27TEV");
    expect("The offer had been scheduled to expire Friday.", "1989-10-30",
           "Friday", "DATE", "1989-10-27");
    expect("The offer was scheduled to expire Friday.", "1989-10-30", "Friday",
           "DATE", "1989-11-03");
    expect("The sale, which had been expected, is part of a plan to pay "
           "the loan by February.",
           "1989-10-30", "February", "DATE", "1990-02");
    /* A weekday that owns something is past. */
    expect("They will appeal Wednesday's ruling.", d, "Wednesday", "DATE",
           "1989-10-25");
    /* A verb right before the date decides it. */
    expect("In the fiscal year ended Jan. 31, sales rose.", "1989-10-31",
           "Jan. 31", "DATE", "1989-01-31");
    expect("The pact takes effect, effective June 1.", "1989-10-26", "June 1",
           "DATE", "1990-06-01");
    /* ... but not a passive one. */
    expect("The dividend will be paid Dec. 14.", "1989-10-26", "Dec. 14",
           "DATE", "1989-12-14");
    /* A date that opens its sentence takes the tense of the verb after. */
    expect("In January, the company brought in a new chief.", "1989-10-27",
           "January", "DATE", "1989-01");
    expect("Elections will be held in January.", "1989-10-27", "January",
           "DATE", "1990-01");
    /* A participle after "be" is no past ("will be named"); a month in a
     * future clause is not one more than two months back. */
    expect("She will be named commander for a mission in December.",
           "1998-03-04", "December", "DATE", "1998-12");
    expect("She was named commander in December.", "1998-03-04", "December",
           "DATE", "1997-12");
    /* "vs." does not end the sentence before the verb. */
    expect("In January, after Roe vs. Wade was upheld, a bomb killed a "
           "guard.",
           "1998-10-25", "January", "DATE", "1998-01");
    /* "since" points back. */
    expect("It has been on patrol since March and was scheduled to return.",
           "1990-08-13", "March", "DATE", "1990-03");
    /* The verb that follows may be far off (here 130 bytes). */
    expect("In January, a week after the 25th anniversary of the Roe v. Wade "
           "Supreme Court decision, a clinic bombing in Birmingham, Ala., "
           "killed a guard.",
           "1998-10-25", "January", "DATE", "1998-01");
    /* "plans" is future only in "plans to": "vacation plans" are not. */
    expect("On Friday, when she set aside vacation plans, they were busy.",
           "1998-08-17", "Friday", "DATE", "1998-08-14");
    expect("On Friday, the company plans to open a plant.", "1998-08-17",
           "Friday", "DATE", "1998-08-21");
    /* ... or before an article: what is planned comes after. */
    expect("Protesters planned a large demonstration on Saturday.",
           "2000-01-07", "Saturday", "DATE", "2000-01-08");
    expect("The group plans a rally Saturday.", "2000-01-07", "Saturday",
           "DATE", "2000-01-08");
    expect("A service planned at the school for Saturday was canceled.",
           "2000-01-07", "Saturday", "DATE", "2000-01-01");
    /* A deadline after "until" lies ahead; not "Until Thursday, ...",
     * "not until", "up until". */
    expect("The INS extended its deadline until 9 a.m. Tuesday.", "2000-04-03",
           "9 a.m. Tuesday", "TIME", "2000-04-04T09:00");
    expect("Officials postponed until Tuesday any action on the case.",
           "2000-03-30", "Tuesday", "DATE", "2000-04-04");
    expect("Until Thursday, they had not called him a suspect.", "1999-05-07",
           "Thursday", "DATE", "1999-05-06");
    expect("It was not until Tuesday that he spoke.", "2000-03-30", "Tuesday",
           "DATE", "2000-03-28");
    expect("They had searched for him up until Tuesday.", "2000-03-30",
           "Tuesday", "DATE", "2000-03-28");
    /* A month-day far off after "until" may be a past end. */
    expect("He served as chief until March 1.", "1989-10-27", "March 1", "DATE",
           "1989-03-01");
    /* After the date, a past form of a future marker is the clause's past
     * verb; after a form of "be" it is still a future. */
    expect("On Friday, the government planned to pay the families.",
           "1998-09-30", "Friday", "DATE", "1998-09-25");
    expect("Talks Friday are expected to focus on trade.", "1998-09-30",
           "Friday", "DATE", "1998-10-02");
    expect("A vote Friday, expected to pass, will decide it.", "1998-09-30",
           "Friday", "DATE", "1998-10-02");
}

static void test_present_and_future_refs(void **state)
{
    (void)state;
    const char *d = "2022-10-31";
    expect("Current market conditions are weak.", d, "Current", "DATE",
           "PRESENT_REF");
    expect("It hurts market makers these days.", d, "these days", "DATE",
           "PRESENT_REF");
    expect("It will cut payments in future quarters.", d, "future quarters",
           "DATE", "FUTURE_REF");
    expect("It bodes ill for coming quarters.", d, "coming quarters", "DATE",
           "FUTURE_REF");
    expect_none("The current account deficit widened.", d);
    /* Current as of a past time; the future in general; some day. */
    expect("Holders may buy shares at the then current market price.", d,
           "then current", "DATE", "PAST_REF");
    expect("I would have chosen the people of tomorrow.", d, "tomorrow", "DATE",
           "FUTURE_REF");
    expect("He will leave tomorrow morning.", d, "tomorrow morning", "TIME",
           "2022-11-01TMO");
    /* "soon" after a past event is no future of the DCT. */
    expect("Prices will soon rise.", d, "soon", "DATE", "FUTURE_REF");
    expect("The leaders were soon meeting in Moscow.", d, "soon", "DATE",
           "FUTURE_REF");
    expect_none("He was taken to a hospital and was soon released.", d);
    expect_none("A trickle of cash soon became a flood.", d);
    expect("Islam will one day be the second largest religion.", d, "one day",
           "DATE", "FUTURE_REF");
    expect("The action followed by one day an announcement.", d, "one day",
           "DURATION", "P1D");
    expect("He hopes he one day follow in her footsteps.", d, "one day", "DATE",
           "FUTURE_REF");
    expect("I give you one day to decide.", d, "one day", "DURATION", "P1D");
    expect("It will raise the money at a later date.", d, "a later date",
           "DATE", "FUTURE_REF");
}

static void test_anaphora_and_lists(void **state)
{
    (void)state;
    const char *d = "1999-03-12";
    expect("On May 22, 1995, he was promoted, and the following year he "
           "left.",
           d, "the following year", "DATE", "1996");
    expect("The summit is on April 24 and 25.", d, "25", "DATE", "1999-04-25");
    expect("The summit is on April 24 and 25.", d, "April 24", "DATE",
           "1999-04-24");
    expect("The post-1959 politics split families.", d, "post-1959", "DATE",
           "1959");
    expect("We check leads on a daily basis.", d, "daily", "SET", "P1D");
    expect("The index fell on Friday, Oct. 27, down from the previous "
           "Friday.",
           "1989-10-30", "the previous Friday", "DATE", "1989-10-20");
    expect("The day before last Tuesday's hearing, he left.", "2000-02-24",
           "The day before last Tuesday", "DATE", "2000-02-21");
    expect("He and Arafat meet separately Monday.", "1998-05-01", "Monday",
           "DATE", "1998-05-04");
    expect("Dealers sold on Friday. Buy orders came in the morning.",
           "1989-10-30", "the morning", "TIME", "1989-10-27TMO");
    expect("He will leave at 4 in the morning.", "2000-04-05",
           "4 in the morning", "TIME", "2000-04-05T04:00");
    /* A clock time belongs to the day last named. */
    expect("The blast on Aug. 7 occurred at about 10:35 a.m.", "1998-08-08",
           "about 10:35 a.m.", "TIME", "1998-08-07T10:35");
    /* "that same day", "later in the day": the day last named, else the
     * DCT. */
    expect("He was shot on Oct. 23. His name was crossed out that same day.",
           "1999-02-06", "that same day", "DATE", "1998-10-23");
    expect("The president arrived in Philadelphia later in the day.",
           "1998-02-13", "later in the day", "DATE", "1998-02-13");
    expect("Bombs hit on Aug. 7. Ten died earlier in the day.", "1998-08-08",
           "earlier in the day", "DATE", "1998-08-07");
    /* A day in apposition to the date just named. */
    expect("He was last seen Nov. 3, the day before a warrant was issued.",
           "1999-05-07", "the day", "DATE", "1998-11-03");
    /* "overnight" in a report on a day: the night before it; in a future
     * clause, the coming night. */
    expect("Shares closed lower Friday, hurt by overnight losses.",
           "1989-10-30", "overnight", "TIME", "1989-10-26TNI");
    expect("The index fell 3% overnight.", "1989-10-30", "overnight", "TIME",
           "1989-10-29TNI");
    expect("The team will stay overnight.", "1989-10-30", "overnight", "TIME",
           "1989-10-30TNI");
    /* ... and a day named after it compares with that night's day. */
    expect("London closed lower Friday after overnight losses, down 4% from "
           "the previous Friday.",
           "1989-10-30", "the previous Friday", "DATE", "1989-10-20");
}

static void test_earnings_reports(void **state)
{
    (void)state;
    const char *d = "1989-10-26";
    /* "a year ago" compares with the quarter reported on, not with a
     * forecast named after it. */
    expect("Net rose in the third quarter from a year ago, and losses "
           "will continue through the third quarter of 1990. In the "
           "year-ago period, it earned $5 million.",
           d, "the year-ago period", "DATE", "1988-Q3");
    expect("Net rose in the third quarter. In the 1988 period, it earned "
           "$5 million.",
           d, "the 1988 period", "DATE", "1988-Q3");
    expect("Net rose in the third quarter. Sales for last year's quarter "
           "were flat.",
           d, "last year's quarter", "DATE", "1988-Q3");
    expect("It earned $1 million in the year-ago third quarter.", d,
           "the year-ago third quarter", "DATE", "1988-Q3");
    expect("It takes effect in next year's first quarter.", d,
           "next year's first quarter", "DATE", "1990-Q1");
    expect("Net rose in the third quarter. For the quarter a year ago, it "
           "earned $2 million.",
           d, "the quarter a year ago", "DATE", "1988-Q3");
    /* "the quarter" is the quarter last named, whatever came since. */
    expect("Sun lost money in the fiscal first quarter. Sales in the 1988 "
           "period were higher. Sun shipped 28,000 systems in the quarter.",
           d, "the quarter", "DATE", "1989-Q1");
    /* An earlier quarter named after the one reported on is a
     * comparison: "a year ago" still means the latest. */
    expect("Net rose in the third quarter. After a flat second quarter, "
           "costs were lower than a year ago.",
           d, "a year ago", "DATE", "1988-Q3");
    expect("Net rose in the third quarter, after a charge in the 1988 "
           "second quarter. In the 1989 period, costs fell.",
           d, "the 1989 period", "DATE", "1989-Q3");
    /* "the latest quarter" is the last one over, not a forecast. */
    expect("Net fell in the third quarter. It expects a fourth-quarter "
           "charge. Earnings fell 59% in the latest quarter.",
           "1989-11-02", "the latest quarter", "DATE", "1989-Q3");
    expect("There were no one-time gains in the latest period.", "1989-11-02",
           "the latest period", "DATE", "1989-Q3");
    /* After the year-to-date figures, "a year ago" is the same months of
     * last year: the year; a quarter named again takes over. ("A year
     * earlier" is only its length, guidelines section 4.) */
    expect("Net rose in the third quarter. In the first nine months, net "
           "rose from $5 million a year ago.",
           d, "a year ago", "DATE", "1988");
    expect("Net rose in the third quarter. In the first nine months, net "
           "rose from $5 million a year earlier.",
           d, "a year", "DURATION", "P1Y");
    expect("Net rose in the third quarter. For the nine months, net rose. "
           "The 1988 period included a gain.",
           d, "The 1988 period", "DATE", "1988");
    expect("For the nine months, net rose. In the third quarter, net fell "
           "from a year ago.",
           d, "a year ago", "DATE", "1988-Q3");
    expect("Net for the year-earlier nine months included a gain.", d,
           "the year-earlier nine months", "DURATION", "P9M");
    expect("Net for the year ended March 31 rose.", d, "the year", "DURATION",
           "P1Y");
    /* The results of "this quarter" in a report are those reported on;
     * in a future clause, the current quarter's. */
    expect("Net fell in the third quarter. This quarter's loss includes "
           "charges.",
           "1989-11-01", "This quarter", "DATE", "1989-Q3");
    expect("Analysts expect this quarter's earnings to fall.", "1989-11-01",
           "this quarter", "DATE", "1989-Q4");
    /* A high for the year of an amount: "of" names no other year. */
    expect("The stock rose to a high for the year of $42.875 in June.", d,
           "the year", "DATE", "1989");
    expect_none("He was born in the year of the dragon.", d);
    expect("Revenue grew in Q3 2022.", d, "Q3 2022", "DATE", "2022-Q3");
    expect("Revenue grew in H1 2024.", d, "H1 2024", "DATE", "2024-H1");
    expect("Revenue grew in FY2023.", d, "FY2023", "DATE", "2023");
    expect("Sales fell in the first half of the year.", d,
           "the first half of the year", "DATE", "1989-H1");
    expect("Sales fell in the second half of 2023.", d,
           "the second half of 2023", "DATE", "2023-H2");
    expect("Sales in the current fiscal year will rise.", d,
           "the current fiscal year", "DATE", "1989");
}

static void test_not_dates(void **state)
{
    (void)state;
    expect_none("A 30-year-old man was hurt.", "2022-10-31");
    expect_none("The two wars and the second war.", "2022-10-31");
    expect_none("He may go, and they march on.", "2022-10-31");
    expect_none("About 2,500 people and $1,995 in cash.", "2022-10-31");
    expect_none("She is in her 40s.", "2022-10-31");
    expect_none("They joined the annual March for Life.", "2022-10-31");
    expect_none("It won more than a quarter of the market.", "2022-10-31");
    expect_none("A second group of directors, in such quarters.", "2022-10-31");
    expect_none("He spoke on ABC's \"This Week\" about High Noon.",
                "2022-10-31");
    /* A model year, a title, a name with a season in it. */
    expect_none("Kopp's 1987 Chevrolet Cavalier was found.", "1999-01-22");
    expect_none("Gonzalez said on CBS's ''60 Minutes.''", "2000-04-17");
    expect_none("He said on \"48 Hours\" that he would go.", "2000-04-17");
    expect_none("He told USA Today he would go. This is VOA Today.",
                "2000-04-17");
    expect("The UN said today that it would go.", "2000-04-17", "today", "DATE",
           "2000-04-17");
    expect("It ran \"Spring of Life\" rallies in 1992.", "1998-10-25", "1992",
           "DATE", "1992");
    expect_n("It ran \"Spring of Life\" rallies in 1992.", "1998-10-25", 1);
    expect("It was 60 minutes long.", "2000-04-17", "60 minutes", "DURATION",
           "PT60M");
    /* The early hours of a day are its time of day, not a duration. */
    expect("Police came in the early hours of Thursday morning.", "1999-10-08",
           "Thursday morning", "TIME", "1999-10-07TMO");
    expect_n("Police came in the early hours of Thursday morning.",
             "1999-10-08", 1);
    /* One span for "weeks or months"; no PAST_REF in "the past three
     * summers". */
    expect("He died within weeks or months of his capture.", "1998-02-19",
           "weeks or months", "DURATION", "PXW");
    expect_n("He died within weeks or months of his capture.", "1998-02-19", 1);
    expect_none("Violence flared for the past three summers.", "1998-03-22");
    /* But the month and the unit themselves still are. */
    expect("He resigned in March for health reasons.", "1989-10-26", "March",
           "DATE", "1989-03");
    expect("January nineteen ninety-seven. Atlanta again.", "1998-02-27",
           "January nineteen ninety-seven", "DATE", "1997-01");
    expect("Prices we saw in the winter of nineteen ninety-four.", "1998-02-23",
           "the winter of nineteen ninety-four", "DATE", "1994-WI");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_last_month_at_month_ends),
        cmocka_unit_test(test_leap_days),
        cmocka_unit_test(test_iso_weeks),
        cmocka_unit_test(test_weekdays_either_side),
        cmocka_unit_test(test_months_without_year),
        cmocka_unit_test(test_without_dct),
        cmocka_unit_test(test_dateline),
        cmocka_unit_test(test_relative_forms),
        cmocka_unit_test(test_durations_and_sets),
        cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_tense_markers),
        cmocka_unit_test(test_present_and_future_refs),
        cmocka_unit_test(test_anaphora_and_lists),
        cmocka_unit_test(test_earnings_reports),
        cmocka_unit_test(test_not_dates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
