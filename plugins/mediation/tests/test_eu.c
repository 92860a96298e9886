/* The second bundled profile: the same code, pointed at the EU's
 * mediation role by data alone. Sentences of our own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_util.h"

#define NEG MEDIATION_NEGATIVE
#define NEU MEDIATION_NEUTRAL
#define POS MEDIATION_POSITIVE

typedef struct models {
    mediation_model_t *eu, *russia;
} models_t;

static int setup(void **state)
{
    static models_t ms;
    ms.eu = test_model("profiles/eu.json");
    ms.russia = test_model("profiles/russia.json");
    *state = &ms;
    return 0;
}

static int teardown(void **state)
{
    models_t *ms = *state;
    mediation_model_free(ms->eu);
    mediation_model_free(ms->russia);
    return 0;
}

static const char *const EU_TEXT =
    "Charles Michel will host Pashinyan and Aliyev in Brussels on Sunday. "
    "The EU-mediated talks ended without a breakthrough, diplomats said. "
    "Aliyev accused the EU of bias in its mediation. "
    "Pashinyan thanked the European Union for its efforts to bring peace "
    "to the region. "
    "Moscow has criticised the EU monitoring mission in Armenia as a "
    "Western attempt to push Russia out of the South Caucasus. "
    "Putin will also meet Aliyev next month.";

static void test_eu_profile(void **state)
{
    const models_t *ms = *state;
    const mediation_model_t *m = ms->eu;
    test_expect(m, EU_TEXT, "Charles Michel will host", NEU, "author");
    test_expect(m, EU_TEXT, "EU-mediated", NEG, "author");
    test_expect(m, EU_TEXT, "Aliyev accused", NEG, "Ilham Aliyev");
    test_expect(m, EU_TEXT, "Pashinyan thanked", POS, "Nikol Pashinyan");
    /* Russia speaks here, and its stance toward the EU's role counts. */
    test_expect(m, EU_TEXT, "Moscow has criticised", NEG, "Russia");
    /* Russia's own role is no concern of this profile. */
    mediation_result_t res;
    test_analyze(m, EU_TEXT, TEST_ENTITIES, &res);
    assert_null(test_span_for(EU_TEXT, &res, "Putin will also"));
    assert_int_equal(res.n_spans, 5);
    assert_int_equal(res.label, MEDIATION_NEGATIVE);
    mediation_result_free(&res);
}

static void test_profiles_see_different_targets(void **state)
{
    const models_t *ms = *state;
    /* The Russia profile finds only the sentences about Russia. */
    mediation_result_t res;
    test_analyze(ms->russia, EU_TEXT, TEST_ENTITIES, &res);
    /* Russia reacting to the EU's mission speaks of the EU's role, not its
     * own (the profile's others_initiatives; the annotators' convention). */
    assert_null(test_span_for(EU_TEXT, &res, "Moscow has criticised"));
    assert_non_null(test_span_for(EU_TEXT, &res, "Putin will also"));
    assert_null(test_span_for(EU_TEXT, &res, "EU-mediated"));
    assert_null(test_span_for(EU_TEXT, &res, "Aliyev accused"));
    mediation_result_free(&res);

    /* And the EU profile ignores a text that is only about Russia. */
    const char *ru = "Putin will host talks between Armenia and Azerbaijan "
                     "in Sochi. Russia is a reliable mediator between them.";
    test_expect_none(ms->eu, ru);
    test_expect(ms->russia, ru, "reliable", POS, "author");
}

/* Distrust in the register of a rival's ministry ("provocative
 * activity", "propaganda", "hybrid war") is a stance on the mediator it
 * is aimed at; the rival's own role is untouched by it. */
static void test_a_rivals_distrust(void **state)
{
    const models_t *ms = *state;
    const char *t = "Zakharova said the EU monitoring mission in Armenia "
                    "conducted provocative activity and propaganda near the "
                    "border with Azerbaijan.";
    test_expect(ms->eu, t, "provocative", NEG, "Maria Zakharova");
    const mediation_span_t *sp;
    mediation_result_t res;
    test_analyze(ms->russia, t, TEST_ENTITIES, &res);
    sp = test_span_for(t, &res, "provocative");
    assert_true(sp == NULL || sp->polarity != MEDIATION_NEGATIVE);
    mediation_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eu_profile),
        cmocka_unit_test(test_profiles_see_different_targets),
        cmocka_unit_test(test_a_rivals_distrust),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
