/* Loading rule data: every mistake in a data file is reported with its
 * file and line, and no engine is returned. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <glossa/error.h>

#include "dates.h"

static char root[256];

static void put(const char *rel, const char *content)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static void rm(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    unlink(path);
}

static const char *LEX = "!trigger\njanuary = 1\nfebruary = 2\n";
static const char *PAT = "day = \\d{1,2}\n";
static const char *GOOD = "[month_day]\n"
                          "trigger = month\n"
                          "pattern = (?<m>%month)\\s+(?<d>%day)\n"
                          "value = %md($m, $d)\n";

/* A fresh data directory with one lexicon, one pattern file and rules. */
static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/dates-rules-test-%ld", (long)getpid());
    char path[512];
    mkdir(root, 0700);
    snprintf(path, sizeof path, "%s/lexicon", root);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/patterns", root);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/rules", root);
    mkdir(path, 0700);
    put("lexicon/month.txt", LEX);
    put("patterns/base.txt", PAT);
    put("rules/a.txt", GOOD);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm("lexicon/month.txt");
    rm("lexicon/extra.txt");
    rm("patterns/base.txt");
    rm("rules/a.txt");
    char path[512];
    const char *dirs[] = {"lexicon", "patterns", "rules"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
        rmdir(path);
    }
    rmdir(root);
    return 0;
}

/* Loading must fail with rc, naming `where` and saying `what`. */
static void expect_error(int rc, const char *where, const char *what)
{
    dates_engine_t *e = (dates_engine_t *)1;
    char err[1024];
    int got = dates_engine_load(root, &e, err, sizeof err);
    if (got == 0)
        fail_msg("loaded, expected an error about %s", what);
    assert_int_equal(got, rc);
    assert_null(e);
    if (!strstr(err, where) || !strstr(err, what))
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err, where, what);
    put("lexicon/month.txt", LEX);
    put("patterns/base.txt", PAT);
    put("rules/a.txt", GOOD);
}

static void test_good_data_loads(void **state)
{
    (void)state;
    dates_engine_t *e;
    char err[256];
    assert_int_equal(dates_engine_load(root, &e, err, sizeof err), 0);
    assert_int_equal(dates_engine_rule_count(e), 1);
    dates_engine_free(e);
    dates_engine_free(NULL);
}

static void test_bundled_data_loads(void **state)
{
    (void)state;
    dates_engine_t *e;
    char err[1024];
    int rc = dates_engine_load(DATES_DATA_DIR, &e, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_true(dates_engine_rule_count(e) > 50);
    dates_engine_free(e);
}

static void test_rule_errors(void **state)
{
    (void)state;
    put("rules/a.txt", "[r]\ntrigger = month\npattern = %month(\n"
                       "value = x\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:3:", "bad pattern");

    put("rules/a.txt", "[r]\ntrigger = month\n\npattern = %nosuch\n"
                       "value = x\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:4:", "unknown sub-pattern");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = %month\n"
                       "value = %frobnicate($0)\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:4:", "unknown function");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = (?<m>%month)\n"
                       "value = %mon($x)\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:4:", "no capture group named x");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = (?<m>%month)\n"
                       "value = %mon($m, a, b)\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:4:", "wrong number of arguments");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = (?<m>%month)\n"
                       "value = %mon($m\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:4:", "unterminated");

    put("rules/a.txt", "[r]\ntrigger = month\nvalue = x\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:1:", "has no 'pattern'");

    put("rules/a.txt", "[r]\ntrigger = weather\npattern = x\nvalue = x\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:2:", "trigger 'weather'");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = x\nvalue = x\n"
                       "colour = blue\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:5:", "unknown key 'colour'");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = x\nvalue = x\n"
                       "type = WHEN\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:5:", "type must be");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = x\nvalue = x\n"
                       "anchor = story\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:5:", "anchor must be");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = x\nvalue = x\n\n"
                       "[r]\ntrigger = month\npattern = y\nvalue = y\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:6:", "already defined");

    put("rules/a.txt", "trigger = month\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:1:", "outside a [rule] block");

    put("rules/a.txt", "[r]\ntrigger month\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:2:", "expected 'name = value'");

    put("rules/a.txt", "[r]\ntrigger = month\npattern = x\nvalue = x\n"
                       "extent = nope\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:5:", "no group named 'nope'");

    put("rules/a.txt", "# nothing\n");
    expect_error(GLOSSA_EPARSE, root, "no rules");
}

static void test_pattern_and_lexicon_errors(void **state)
{
    (void)state;
    put("patterns/base.txt", "day = \\d+\nday = \\d\n");
    expect_error(GLOSSA_EPARSE, "patterns/base.txt:2:", "already defined");

    put("patterns/base.txt", "day = %loop\nloop = %day\n");
    put("rules/a.txt", "[r]\ntrigger = month\npattern = %day\nvalue = x\n");
    expect_error(GLOSSA_EPARSE, "patterns/base.txt:", "refers to itself");

    put("patterns/base.txt", "day = 50%\n");
    put("rules/a.txt", "[r]\ntrigger = month\npattern = %day\nvalue = x\n");
    expect_error(GLOSSA_EPARSE, "patterns/base.txt:1:", "literal percent");

    put("lexicon/month.txt", "!trigger\njanuary = 1\njanuary = 2\n");
    expect_error(GLOSSA_EPARSE, "lexicon/month.txt", "duplicate key");

    put("lexicon/month.txt", "!trigger\n!sometimes\njanuary = 1\n");
    expect_error(GLOSSA_EPARSE, "lexicon/month.txt:2:", "unknown directive");

    put("lexicon/extra.txt", "# only a comment\n");
    expect_error(GLOSSA_EPARSE, "lexicon/extra.txt", "is empty");
    rm("lexicon/extra.txt");

    put("lexicon/extra.txt", "alpha = 1\n");
    put("rules/a.txt", "[r]\ntrigger = extra\npattern = x\nvalue = x\n");
    expect_error(GLOSSA_EPARSE, "rules/a.txt:2:", "not marked !trigger");
    rm("lexicon/extra.txt");
}

static void test_missing_directory(void **state)
{
    (void)state;
    dates_engine_t *e = (dates_engine_t *)1;
    char err[512];
    assert_int_equal(
        dates_engine_load("/nonexistent/dates", &e, err, sizeof err),
        GLOSSA_EIO);
    assert_null(e);
    assert_non_null(strstr(err, "/nonexistent/dates/lexicon"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_data_loads),
        cmocka_unit_test(test_bundled_data_loads),
        cmocka_unit_test(test_rule_errors),
        cmocka_unit_test(test_pattern_and_lexicon_errors),
        cmocka_unit_test(test_missing_directory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
