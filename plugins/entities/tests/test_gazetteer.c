/* Gazetteer files: loading, errors, matching, priorities. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "entities.h"
#include "split.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/entities-gaz.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_load_and_lookup(void **state)
{
    (void)state;
    const char *p = write_tmp("a.tsv", "# comment\n"
                                       "Türkiye\tGPE/country\tTurkey\n"
                                       "Moscow\tGPE/capital\tMoscow\tRussia\n"
                                       "\n"
                                       "Vladimir Putin\tPERSON\n"
                                       "US\tGPE/country\tUnited States\n");
    entities_gaz_t *g = entities_gaz_new();
    char err[512] = "";
    assert_int_equal(entities_gaz_load_file(g, p, 1, err, sizeof(err)), 0);
    const entities_gaz_entry_t *e = entities_gaz_lookup_str(g, "TURKIYE", 7);
    assert_non_null(e);
    assert_string_equal(e->canonical, "Turkey");
    assert_int_equal(e->cls, ENTITIES_GZ_COUNTRY);
    e = entities_gaz_lookup_str(g, "Moscow", 6);
    assert_string_equal(e->refers_to, "Russia");
    assert_int_equal(e->cls, ENTITIES_GZ_CITY);
    /* A person's surname alone is a weak entry with the full name. */
    e = entities_gaz_lookup_str(g, "Putin", 5);
    assert_non_null(e);
    assert_string_equal(e->canonical, "Vladimir Putin");
    assert_int_equal(e->label, ENTITIES_PERSON);
    assert_false(e->strong);
    /* Acronyms match capitals only. */
    assert_non_null(entities_gaz_lookup_str(g, "US", 2));
    assert_null(entities_gaz_lookup_str(g, "Us", 2));
    assert_null(entities_gaz_lookup_str(g, "us", 2));
    entities_gaz_free(g);
}

static void test_multi_token_match(void **state)
{
    (void)state;
    entities_gaz_t *g = entities_gaz_new();
    assert_int_equal(entities_gaz_add(g, "South Caucasus", ENTITIES_LOC,
                                      ENTITIES_GZ_LOC, NULL, NULL, 1),
                     0);
    assert_int_equal(entities_gaz_add(g, "Côte d'Ivoire", ENTITIES_GPE,
                                      ENTITIES_GZ_COUNTRY, NULL, NULL, 1),
                     0);
    assert_int_equal(entities_gaz_add(g, "South", ENTITIES_LOC, ENTITIES_GZ_LOC,
                                      NULL, NULL, 1),
                     0);
    entities_token_t t[8];
    size_t n = split("the South Caucasus and Côte d\u2019 Ivoire", t, 8);
    const entities_gaz_entry_t *e;
    assert_int_equal(entities_gaz_match(g, t, n, 0, &e), 0); /* "the" */
    assert_int_equal(entities_gaz_match(g, t, n, 1, &e), 2); /* longest */
    assert_string_equal(e->name, "South Caucasus");
    /* Token boundaries do not matter: "d’" + "Ivoire" is "d'Ivoire". */
    assert_int_equal(entities_gaz_match(g, t, n, 4, &e), 3);
    assert_string_equal(e->canonical, "Côte d'Ivoire");
    /* Lowercase text starts no match. */
    n = split("south caucasus", t, 8);
    assert_int_equal(entities_gaz_match(g, t, n, 0, &e), 0);
    entities_gaz_free(g);
}

static void test_earlier_entries_win(void **state)
{
    (void)state;
    char a[512], b[512]; /* write_tmp returns one static buffer */
    snprintf(a, sizeof(a), "%s",
             write_tmp("first.tsv", "Brussels\tGPE/capital\tBrussels"
                                    "\tEuropean Union\n"));
    snprintf(b, sizeof(b), "%s",
             write_tmp("second.tsv", "Brussels\tGPE/capital\tBrussels\t"
                                     "Belgium\nBrussels\tGPE/subdivision\t"
                                     "Brussels-Capital\nGhent\tGPE/city\n"));
    entities_gaz_t *g = entities_gaz_new();
    char err[512];
    assert_int_equal(entities_gaz_load_file(g, a, 1, err, sizeof(err)), 0);
    assert_int_equal(entities_gaz_load_file(g, b, 0, err, sizeof(err)), 0);
    const entities_gaz_entry_t *e = entities_gaz_lookup_str(g, "Brussels", 8);
    assert_string_equal(e->refers_to, "European Union");
    assert_true(e->strong);
    /* The same name, label, class and canonical again adds nothing; a
     * different reading comes after. */
    e = entities_gaz_next(g, e);
    assert_non_null(e);
    assert_string_equal(e->canonical, "Brussels-Capital");
    assert_int_equal(e->cls, ENTITIES_GZ_SUBDIV);
    assert_null(entities_gaz_next(g, e));
    assert_false(entities_gaz_lookup_str(g, "Ghent", 5)->strong);
    entities_gaz_free(g);
}

static void test_list_file(void **state)
{
    (void)state;
    write_tmp("x.tsv", "Sochi\tGPE\n");
    write_tmp("y.tsv", "Gyumri\tGPE\n");
    write_tmp("list.txt", "# files\nx.tsv\nweak y.tsv\n");
    entities_gaz_t *g = entities_gaz_new();
    char err[512];
    assert_int_equal(
        entities_gaz_load_list(g, dir, "list.txt", err, sizeof(err)), 0);
    assert_true(entities_gaz_lookup_str(g, "Sochi", 5)->strong);
    assert_false(entities_gaz_lookup_str(g, "Gyumri", 6)->strong);
    entities_gaz_free(g);
}

static void expect_error(const char *content, const char *message)
{
    const char *p = write_tmp("bad.tsv", content);
    entities_gaz_t *g = entities_gaz_new();
    char err[512] = "";
    assert_int_equal(entities_gaz_load_file(g, p, 1, err, sizeof(err)), -1);
    if (!strstr(err, message))
        fail_msg("expected \"%s\" in \"%s\"", message, err);
    assert_non_null(strstr(err, "bad.tsv"));
    entities_gaz_free(g);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("Sochi\tCITY\n", ":1: unknown label \"CITY\"");
    expect_error("# ok\nSochi\n", ":2: expected name<TAB>LABEL");
    expect_error("Sochi\tGPE/planet\n", "unknown label \"GPE/planet\"");
    expect_error("\tGPE\n", ":1: expected name");
    entities_gaz_t *g = entities_gaz_new();
    char err[512] = "";
    assert_int_equal(
        entities_gaz_load_file(g, "/nonexistent/x.tsv", 1, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "cannot open gazetteer /nonexistent/x.tsv"));
    assert_int_equal(
        entities_gaz_load_list(g, "/nonexistent", "l.txt", err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "cannot open gazetteer list"));
    entities_gaz_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_lookup),
        cmocka_unit_test(test_multi_token_match),
        cmocka_unit_test(test_earlier_entries_win),
        cmocka_unit_test(test_list_file),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
