/* Loading a model: the bundled files load, and each way a profile,
 * lexicon or rules file can be wrong is a clear error naming the file. */
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

#include "test_util.h"

#define LEXICON MEDIATION_DATA_DIR "/lexicon/vader.tsv"
#define RULES MEDIATION_DATA_DIR "/rules/en.json"
#define PROFILE MEDIATION_DATA_DIR "/profiles/russia.json"

typedef struct fixture {
    char dir[256];
} fixture_t;

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    snprintf(fx->dir, sizeof fx->dir, "/tmp/mediation-test-XXXXXX");
    if (!fx || !mkdtemp(fx->dir))
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0)
        return -1;
    free(fx);
    return 0;
}

/* Writes `content` to dir/name and returns the path (static buffer per
 * slot so that a test can hold a few). */
static const char *put(const fixture_t *fx, int slot, const char *name,
                       const char *content)
{
    static char paths[4][512];
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", fx->dir, name);
    FILE *f = fopen(paths[slot], "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return paths[slot];
}

/* Loads and expects failure with `code` and a message containing each
 * of the NULL-terminated fragments. */
static void expect_error(const char *profile, const char *lexicon,
                         const char *rules, int code, ...)
{
    char err[1024];
    mediation_model_t *m = (mediation_model_t *)1;
    int rc = mediation_model_load(profile, lexicon, rules, NULL, &m, err,
                                  sizeof err);
    assert_null(m);
    if (rc != code)
        fail_msg("code %d (%s), expected %d: %s", rc, glossa_strerror(rc), code,
                 err);
    va_list ap;
    va_start(ap, code);
    for (const char *frag; (frag = va_arg(ap, const char *));)
        if (!strstr(err, frag))
            fail_msg("\"%s\" is not in the message: %s", frag, err);
    va_end(ap);
}

static void test_bundled_load(void **state)
{
    (void)state;
    mediation_model_t *m = test_model("profiles/russia.json");
    assert_string_equal(mediation_model_target(m), "Russia");
    mediation_model_free(m);
    m = test_model("profiles/eu.json");
    assert_string_equal(mediation_model_target(m), "European Union");
    mediation_model_free(m);
    mediation_model_free(NULL);
}

static void test_missing_files(void **state)
{
    const fixture_t *fx = *state;
    char missing[512];
    snprintf(missing, sizeof missing, "%s/nope.json", fx->dir);
    expect_error(missing, LEXICON, RULES, GLOSSA_ENOENT, "nope.json", NULL);
    expect_error(PROFILE, missing, RULES, GLOSSA_ENOENT, "nope.json", NULL);
    expect_error(PROFILE, LEXICON, missing, GLOSSA_ENOENT, "nope.json", NULL);
}

static void test_malformed_json(void **state)
{
    const fixture_t *fx = *state;
    const char *p = put(fx, 0, "bad.json", "{\n  \"target\": {\"name\": \n}");
    expect_error(p, LEXICON, RULES, GLOSSA_EPARSE, "bad.json:3:", NULL);
    p = put(fx, 0, "array.json", "[1, 2]");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "array.json",
                 "top level must be an object", NULL);
}

static void test_profile_content_errors(void **state)
{
    const fixture_t *fx = *state;
    const char *p;
    p = put(fx, 0, "p.json", "{\"target\": {\"name\": \"X\"}, \"colour\": 1}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "p.json",
                 "unknown key \"colour\"", NULL);
    p = put(fx, 0, "p.json", "{\"role_cues\": [\"mediat*\"]}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "no \"target\"", NULL);
    p = put(fx, 0, "p.json", "{\"target\": {\"name\": \"\"}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "\"name\"", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\", \"aliases\": []}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG,
                 "unknown key \"target\".\"aliases\"", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"polarity_cues\": "
            "[{\"pattern\": \"good\", \"weight\": 1.5}]}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "\"polarity_cues\"[0]",
                 "\"weight\"", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"polarity_cues\": "
            "[{\"pattern\": \"good\", \"weight\": 0.5, \"gap\": -1}]}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "\"gap\"", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"role_cues\": [\"ab*\"]}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "\"ab*\"",
                 "3 to 31 letters", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"role_cues\": [\"a*b\"]}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "bad word", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"context\": {\"window\": "
            "\"five\"}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "\"window\"", NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"context\": {\"sides\": "
            "[[\"A\"]]}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "\"sides\"", "two arrays",
                 NULL);
    p = put(fx, 0, "p.json",
            "{\"target\": {\"name\": \"X\"}, \"classes_of_others\": [1]}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "classes_of_others", NULL);
}

static void test_includes(void **state)
{
    const fixture_t *fx = *state;
    /* Two targets between a profile and its include. */
    put(fx, 1, "base.json", "{\"target\": {\"name\": \"Y\"}}");
    const char *p = put(fx, 0, "p.json",
                        "{\"include\": [\"base.json\"], "
                        "\"target\": {\"name\": \"X\"}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "a second \"target\"",
                 NULL);
    /* A cycle. */
    p = put(fx, 0, "loop.json",
            "{\"include\": [\"loop.json\"], \"target\": {\"name\": \"X\"}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ECONFIG, "loop.json",
                 "nested deeper", NULL);
    /* A missing include names the include. */
    p = put(fx, 0, "p.json",
            "{\"include\": [\"gone.json\"], \"target\": {\"name\": \"X\"}}");
    expect_error(p, LEXICON, RULES, GLOSSA_ENOENT, "gone.json", NULL);
    /* An include relative to the including file works. */
    put(fx, 1, "base.json", "{\"role_cues\": [\"mediat*\"]}");
    p = put(fx, 0, "p.json",
            "{\"include\": [\"base.json\"], \"target\": {\"name\": \"X\"}}");
    char err[256];
    mediation_model_t *m = NULL;
    assert_int_equal(
        mediation_model_load(p, LEXICON, RULES, NULL, &m, err, sizeof err), 0);
    assert_string_equal(mediation_model_target(m), "X");
    mediation_model_free(m);
}

static void test_lexicon_and_rules_errors(void **state)
{
    const fixture_t *fx = *state;
    const char *lex = put(fx, 0, "lex.tsv", "# fine\ngood\t1.5\nbad\tx\n");
    expect_error(PROFILE, lex, RULES, GLOSSA_EPARSE, "lex.tsv:3:", NULL);
    lex = put(fx, 0, "lex.tsv", "good 1.5\n");
    expect_error(PROFILE, lex, RULES, GLOSSA_EPARSE,
                 "lex.tsv:1:", "word<TAB>valence", NULL);
    lex = put(fx, 0, "lex.tsv", "good\t9\n");
    expect_error(PROFILE, lex, RULES, GLOSSA_EPARSE, "[-4, 4]", NULL);
    const char *rules = put(fx, 0, "r.json", "{\"negators\": \"not\"}");
    expect_error(PROFILE, LEXICON, rules, GLOSSA_ECONFIG, "r.json",
                 "\"negators\" must be an array", NULL);
    rules = put(fx, 0, "r.json", "{\"weights\": {\"gravity\": 1}}");
    expect_error(PROFILE, LEXICON, rules, GLOSSA_ECONFIG,
                 "unknown weight \"gravity\"", NULL);
    rules = put(fx, 0, "r.json", "{\"weights\": {\"negation_window\": 2.5}}");
    expect_error(PROFILE, LEXICON, rules, GLOSSA_ECONFIG, "an integer", NULL);
    rules = put(fx, 0, "r.json", "{\"intensifiers\": {\"very\": 7}}");
    expect_error(PROFILE, LEXICON, rules, GLOSSA_ECONFIG, "\"very\"", NULL);
    rules = put(fx, 0, "r.json", "{\"verbs\": []}");
    expect_error(PROFILE, LEXICON, rules, GLOSSA_ECONFIG,
                 "unknown key \"verbs\"", NULL);
}

static void test_settings(void **state)
{
    (void)state;
    mediation_settings_t s;
    mediation_settings_init(&s);
    s.threshold = 2.0;
    char err[256];
    mediation_model_t *m = NULL;
    assert_int_equal(
        mediation_model_load(PROFILE, LEXICON, RULES, &s, &m, err, sizeof err),
        GLOSSA_ECONFIG);
    assert_null(m);
    assert_non_null(strstr(err, "threshold"));
    /* err may be NULL. */
    assert_int_equal(
        mediation_model_load("/nonexistent", LEXICON, RULES, NULL, &m, NULL, 0),
        GLOSSA_ENOENT);
}

/* A model file whose classifier always says positive, deciding where
 * `override` says ("" for the key left out). */
static mediation_model_t *always_positive(const fixture_t *fx,
                                          const char *override, int *rc,
                                          char *err, size_t errsz)
{
    char text[512];
    snprintf(text, sizeof text,
             "{%s%s%s\"features\": [\"net\"], \"mean\": [0], "
             "\"scale\": [1], \"weights\": {\"negative\": [0], "
             "\"neutral\": [0], \"positive\": [0]}, \"bias\": "
             "{\"negative\": 0, \"neutral\": 0, \"positive\": 10}}",
             *override ? "\"override\": " : "", override,
             *override ? ", " : "");
    mediation_settings_t s;
    mediation_settings_init(&s);
    s.classifier = put(fx, 0, "model.json", text);
    mediation_model_t *m = NULL;
    *rc = mediation_model_load(PROFILE, LEXICON, RULES, &s, &m, err, errsz);
    return m;
}

/* "override": "neutral" keeps the rules' polar verdicts and lets the
 * classifier decide their neutral ones; "all" (the default) lets it
 * decide every sentence. */
static void test_classifier_override(void **state)
{
    const fixture_t *fx = *state;
    const char *neg = "Russia is not a reliable mediator between Armenia "
                      "and Azerbaijan.";
    const char *neu = "Russia hosted talks between Armenia and Azerbaijan "
                      "in Moscow.";
    char err[1024];
    int rc;
    mediation_model_t *m = always_positive(fx, "", &rc, err, sizeof err);
    assert_int_equal(rc, 0);
    test_expect(m, neg, "Russia", MEDIATION_POSITIVE, NULL);
    test_expect(m, neu, "Russia", MEDIATION_POSITIVE, NULL);
    mediation_model_free(m);
    m = always_positive(fx, "\"all\"", &rc, err, sizeof err);
    assert_int_equal(rc, 0);
    test_expect(m, neg, "Russia", MEDIATION_POSITIVE, NULL);
    mediation_model_free(m);
    m = always_positive(fx, "\"neutral\"", &rc, err, sizeof err);
    assert_int_equal(rc, 0);
    test_expect(m, neg, "Russia", MEDIATION_NEGATIVE, "author");
    test_expect(m, neu, "Russia", MEDIATION_POSITIVE, NULL);
    mediation_model_free(m);
    m = always_positive(fx, "\"some\"", &rc, err, sizeof err);
    assert_int_equal(rc, GLOSSA_ECONFIG);
    assert_null(m);
    assert_non_null(strstr(err, "\"override\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_load),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_profile_content_errors),
        cmocka_unit_test(test_includes),
        cmocka_unit_test(test_lexicon_and_rules_errors),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_classifier_override),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
