/* The third bundled profile: the United States as mediator, by data
 * alone. Sentences of our own. */
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
    mediation_model_t *us, *russia;
} models_t;

static int setup(void **state)
{
    static models_t ms;
    ms.us = test_model("profiles/us.json");
    ms.russia = test_model("profiles/russia.json");
    *state = &ms;
    return 0;
}

static int teardown(void **state)
{
    models_t *ms = *state;
    mediation_model_free(ms->us);
    mediation_model_free(ms->russia);
    return 0;
}

static const char *const US_TEXT =
    "Blinken will host the foreign ministers of Armenia and Azerbaijan in "
    "Washington next week. "
    "The US-brokered talks are a major success for American diplomacy, "
    "the White House said. "
    "Baku accused Washington of bias in the negotiations. "
    "Moscow has long been the main mediator in Karabakh.";

static void test_us_profile(void **state)
{
    const models_t *ms = *state;
    const mediation_model_t *m = ms->us;
    test_expect(m, US_TEXT, "Blinken will host", NEU, "author");
    test_expect(m, US_TEXT, "US-brokered", POS, "United States");
    test_expect(m, US_TEXT, "Baku accused", NEG, "Azerbaijan");
    /* Russia's role is no concern of this profile... */
    test_expect_irrelevant(m, US_TEXT, "Moscow has long");
    /* ...and the Russia profile sees it, not the American talks. */
    test_expect(ms->russia, US_TEXT, "Moscow has long", NEU, "author");
    test_expect_irrelevant(ms->russia, US_TEXT, "Baku accused");
}

/* The US-run transit route through Armenia is its role; a mediator
 * bringing the sides' ministers together is the role in any profile. */
static void test_route_and_hosting(void **state)
{
    const models_t *ms = *state;
    const mediation_model_t *m = ms->us;
    test_expect(m,
                "Trump said the TRIPP would connect Azerbaijan with "
                "Nakhchivan.",
                "TRIPP", NEU, "Donald Trump");
    test_expect(m,
                "Blinken brought together the foreign ministers of Armenia "
                "and Azerbaijan in Washington.",
                "brought together", NEU, "author");
    test_expect(ms->russia,
                "Lavrov brought together the foreign ministers of Armenia "
                "and Azerbaijan in Moscow.",
                "brought together", NEU, "author");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_us_profile),
        cmocka_unit_test(test_route_and_hosting),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
