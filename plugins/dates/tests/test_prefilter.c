/* Rule prefilters (src/prefilter.c): what the analysis of a pattern finds,
 * and that it never skips a range where the rule matches; the same for
 * the count-before-unit check (src/countunit.c). The engine's
 * output is the same with and without them (bench/same-output.sh compares
 * builds); this test checks the filters themselves, rule by rule, on the
 * seed corpus and the development half of the news set. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "read_file.h"

/* Marks text[s, e) in a fresh window and asks need. */
static bool met(const dates_need_t *need, const char *text, size_t s, size_t e)
{
    static uint8_t grams[DATES_GRAMS];
    static uint8_t stamp;
    if (++stamp == 0) {
        memset(grams, 0, sizeof grams);
        stamp = 1;
    }
    dates__grams_mark(grams, stamp, text, s, e);
    return dates__need_met(need, grams, stamp);
}

static dates_need_t *build(const char *pattern)
{
    dates_need_t *need = NULL;
    assert_int_equal(
        dates__need_build(pattern, strlen(pattern), NULL, 0, NULL, &need), 0);
    return need;
}

/* True when the prefilter of pattern lets text through. */
static bool passes(const char *pattern, const char *text)
{
    dates_need_t *need = build(pattern);
    assert_non_null(need);
    bool ok = met(need, text, 0, strlen(text));
    dates__need_free(need);
    return ok;
}

static void test_strings(void **state)
{
    (void)state;
    const char *ago = "(?<n>\\d+)\\s+(?<u>years?|months?)\\s+ago\\b";
    assert_true(passes(ago, "5 years ago"));
    /* Case and white space fold. */
    assert_true(passes(ago, "FIVE Months\n\t ago"));
    assert_false(passes(ago, "5 years later"));
    assert_false(passes(ago, "ago, 5 days"));
    /* Optional parts and alternatives. */
    const char *per = "\\d+\\s+times\\s+(?:a|per)\\s+(?:year|month)";
    assert_true(passes(per, "3 times per month"));
    assert_false(passes(per, "3 times a day"));
    assert_false(passes(per, "a year, 3 times"));
    /* A lookbehind and a lookahead see text too; a negative one does not
     * need anything. */
    assert_false(passes("(?<=\\bfor\\s)the\\s+week", "the week"));
    assert_true(passes("(?<=\\bfor\\s)the\\s+week", "for the week"));
    assert_false(passes("the\\s+week(?='s\\s)", "the week began"));
    assert_true(passes("the\\s+week(?!'s\\s)", "the week began"));
    /* A back-reference is any text, the rest is still needed. */
    assert_true(passes("(\\d)/\\1\\s+days", "4/4 days"));
    assert_false(passes("(\\d)/\\1\\s+days", "4/4 weeks"));
    /* Bytes beyond ASCII are themselves. */
    assert_true(passes("2019\\xe2\\x80\\x9320", "2019\xe2\x80\x93"
                                                "20"));
    assert_false(passes("2019\\xe2\\x80\\x9320", "2019-20"));
}

/* What the analysis does not know, or finds too weak, gives no
 * prefilter. */
static void test_no_filter(void **state)
{
    (void)state;
    const char *none[] = {
        "(?x) a b c d",     /* extended syntax */
        "(?(1)abc|def)",    /* conditional */
        "years|.+",         /* an alternative that needs nothing */
        "(?:years)?",       /* optional */
        "\\d",              /* one byte */
        "[a-z]+\\s+[a-z]+", /* classes too large */
        "\\Qabc\\E",        /* quoting */
        "(?:x+|abc)",       /* one alternative needs only "x" */
    };
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        dates_need_t *need = NULL;
        assert_int_equal(
            dates__need_build(none[i], strlen(none[i]), NULL, 0, NULL, &need),
            0);
        if (need)
            fail_msg("a prefilter for %s", none[i]);
    }
}

/* For every match of every rule in text, ranges around it that PCRE2 finds
 * a match in (as the engine runs a rule: the subject ends at the range's
 * end) must pass the rule's prefilter, marked as the engine marks a
 * window: from the longest lookbehind before the range to its end.
 * Returns the number of ranges checked. */
static size_t check_text(const dates_engine_t *e, pcre2_match_data *md,
                         const char *text, size_t len, const char *name)
{
    static const size_t before[] = {0, 1, 30};
    static const size_t after[] = {0, 1, 12, 60};
    size_t checked = 0;
    for (size_t ri = 0; ri < e->nrules; ri++) {
        const dates_rule_t *r = &e->rules[ri];
        if (!r->need && !r->count_unit)
            continue;
        size_t off = 0;
        while (off < len && pcre2_match(r->re, (PCRE2_SPTR)text, len, off, 0,
                                        md, NULL) > 0) {
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t s = ov[0], end = ov[1];
            off = end > s ? end : s + 1;
            for (size_t i = 0; i < 3; i++)
                for (size_t j = 0; j < 4; j++) {
                    size_t rs = s > before[i] ? s - before[i] : 0;
                    size_t re = end + after[j] < len ? end + after[j] : len;
                    if (pcre2_match(r->re, (PCRE2_SPTR)text, re, rs, 0, md,
                                    NULL) <= 0)
                        continue;
                    size_t ws =
                        rs > e->max_lookbehind ? rs - e->max_lookbehind : 0;
                    checked++;
                    if (r->need && !met(r->need, text, ws, re))
                        fail_msg("rule %s matches in %s at %zu..%zu but its "
                                 "prefilter fails",
                                 r->name, name, rs, re);
                    if (r->count_unit &&
                        !dates__count_unit_met(r->count_unit, text, rs, re))
                        fail_msg("rule %s matches in %s at %zu..%zu but its "
                                 "count-before-unit check fails",
                                 r->name, name, rs, re);
                }
        }
    }
    return checked;
}

static size_t check_dir(const dates_engine_t *e, pcre2_match_data *md,
                        const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t checked = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".txt") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len = 0;
        char *text = dates_read_file(path, &len);
        assert_non_null(text);
        checked += check_text(e, md, text, len, path);
        free(text);
    }
    closedir(d);
    return checked;
}

static void test_sound_on_corpora(void **state)
{
    (void)state;
    dates_engine_t *e = NULL;
    char err[512];
    assert_int_equal(dates_engine_load(DATES_DATA_DIR, &e, err, sizeof err), 0);
    pcre2_match_data *md = pcre2_match_data_create(e->max_pairs, NULL);
    assert_non_null(md);
    size_t checked = check_dir(e, md, DATES_SOURCE_DIR "/corpus");
    checked += check_dir(e, md, DATES_SOURCE_DIR "/tests/news/dev");
    /* The corpora hold thousands of expressions. */
    print_message("%zu ranges checked\n", checked);
    assert_true(checked > 1000);
    pcre2_match_data_free(md);
    dates_engine_free(e);
}

/* The bundled `duration` and `duration_list` rules get the
 * count-before-unit check, which
 * lets a unit word with a count or a modifier before it through, and
 * nothing else; patterns not of its shape get none. */
static void test_count_unit(void **state)
{
    (void)state;
    dates_engine_t *e = NULL;
    char err[512];
    assert_int_equal(dates_engine_load(DATES_DATA_DIR, &e, err, sizeof err), 0);
    const dates_count_unit_t *cu = NULL, *list = NULL;
    size_t with = 0;
    for (size_t ri = 0; ri < e->nrules; ri++) {
        if (strcmp(e->rules[ri].name, "duration") == 0)
            cu = e->rules[ri].count_unit;
        if (strcmp(e->rules[ri].name, "duration_list") == 0)
            list = e->rules[ri].count_unit;
        with += e->rules[ri].count_unit != NULL;
    }
    assert_non_null(cu);
    assert_non_null(list);
    print_message("%zu rule(s) with the check\n", with);
    const char *pass[] = {
        "for 30 days",       "a YEAR",
        "two more\tyears",   "twenty-one years",
        "a couple of weeks", "one and a half hours",
        "3 1/2 months",      "several consecutive trading days",
        "half a decade",     "some Fortnight",
    };
    for (size_t i = 0; i < sizeof pass / sizeof *pass; i++)
        if (!dates__count_unit_met(cu, pass[i], 0, strlen(pass[i])))
            fail_msg("the check fails \"%s\"", pass[i]);
    const char *fail[] = {
        "the year",
        "last week",
        "the second quarter",
        "days",
        "30days",
        "2 yearly",
        "the years 2 ago" /* the count after the unit */,
    };
    for (size_t i = 0; i < sizeof fail / sizeof *fail; i++)
        if (dates__count_unit_met(cu, fail[i], 0, strlen(fail[i])))
            fail_msg("the check lets \"%s\" through", fail[i]);
    /* duration_list: the unit in a lookahead, where a longer word may
     * hold it ("two or three yearslong" matches). */
    assert_true(dates__count_unit_met(list, "two or three years", 0, 18));
    assert_true(dates__count_unit_met(list, "2 or 3 yearslong", 0, 16));
    assert_false(dates__count_unit_met(list, "two or the years", 0, 16));
    assert_false(dates__count_unit_met(list, "in three, the ideas", 0, 19));
    /* The count must lie in the range the rule runs on (a match starts
     * at the run's offset or later). */
    assert_false(dates__count_unit_met(cu, "30 days", 2, 7));
    assert_true(dates__count_unit_met(cu, "30 days", 1, 7));
    dates_engine_free(e);
}

/* Patterns where a match need not hold a count, white space and a unit
 * in that order, or whose count is not the one the check knows, get no
 * check. */
static void test_count_unit_shapes(void **state)
{
    (void)state;
    dates_engine_t *e = NULL;
    char err[512];
    assert_int_equal(dates_engine_load(DATES_DATA_DIR, &e, err, sizeof err), 0);
    /* The sub-patterns as patterns/base.txt writes them. */
    const char *count =
        "(?:%digits_frac|%digits_num|%number_words)(?:\\s+and\\s+a\\s+half)?";
    const char *num = "\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?";
    const char *frac = "\\d+(?:\\s+|-)1/2";
    const char *words =
        "(?:a\\s+few|a\\s+couple(?:\\s+of)?|a\\s+dozen|a\\s+number\\s+of|"
        "half\\s+a|(?:a|an)(?![\\s-]+(?!hundred\\b|thousand\\b)%number\\b)|"
        "(?!(?:a|an)\\b)%number)(?:[\\s-]+(?:and\\s+)?(?!(?:a|an)\\b)%number)*";
    const char *small = "\\d{1,3}|%number";
    const char *yes[] = {
        "(?<n>%count)\\s+(?<u>%unit)",
        "(?:the\\s+)?(?<x>(?<n>%count)\\s+(?:(?:more|full)\\s+)*(?<u>%unit)"
        "(?!\\s+ago))",
        "(?<n>%small_count)(?=\\s+or\\s+%small_count\\s+(?<u>%unit))",
    };
    const char *no[] = {
        "(?:(?<n>%count)\\s+(?<u>%unit)|now)",     /* an alternative */
        "(?:(?<n>%count)\\s+(?<u>%unit))?",        /* optional */
        "(?<n>%count)\\s+(?<u>%unit)s",            /* more after the unit */
        "(?<n>%count)\\s+(?<u>%unit)(?:\\s+ago)?", /* the same */
        "(?<=(?<n>%count)\\s+(?<u>%unit))x",       /* in a lookbehind */
        "(?!(?<n>%count)\\s+(?<u>%unit))x",        /* in a negative one */
        "(?<n>%count)\\s+(?:(?:mo+re)\\s+)*(?<u>%unit)", /* not words */
        "(?x)(?<n>%count)\\s+(?<u>%unit)",               /* extended syntax */
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        dates_count_unit_t *cu = NULL;
        assert_int_equal(dates__count_unit_build(yes[i], true, count, num, frac,
                                                 words, small, e->lx_number,
                                                 e->lx_unit, &cu),
                         0);
        if (!cu)
            fail_msg("no check for %s", yes[i]);
        dates__count_unit_free(cu);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        dates_count_unit_t *cu = NULL;
        assert_int_equal(dates__count_unit_build(no[i], true, count, num, frac,
                                                 words, small, e->lx_number,
                                                 e->lx_unit, &cu),
                         0);
        if (cu)
            fail_msg("a check for %s", no[i]);
    }
    /* Without word bounds, or with another count, none either. */
    dates_count_unit_t *cu = NULL;
    assert_int_equal(dates__count_unit_build(yes[0], false, count, num, frac,
                                             words, small, e->lx_number,
                                             e->lx_unit, &cu),
                     0);
    assert_null(cu);
    assert_int_equal(dates__count_unit_build(yes[0], true, "\\d+|%number", num,
                                             frac, words, small, e->lx_number,
                                             e->lx_unit, &cu),
                     0);
    assert_null(cu);
    dates_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_no_filter),
        cmocka_unit_test(test_sound_on_corpora),
        cmocka_unit_test(test_count_unit),
        cmocka_unit_test(test_count_unit_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
