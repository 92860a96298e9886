/* Polarity that generalizes: evaluative statements of the role, credit in
 * diplomatic register, implicit failure, negation and denial, and what
 * others say of the mediator or of others. All on sentences of our own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_util.h"

#define NEG MEDIATION_NEGATIVE
#define NEU MEDIATION_NEUTRAL
#define POS MEDIATION_POSITIVE

static int setup(void **state)
{
    *state = test_model("profiles/russia.json");
    return 0;
}

static int teardown(void **state)
{
    mediation_model_free(*state);
    return 0;
}

static void test_the_role_judged(void **state)
{
    const mediation_model_t *m = *state;
    /* Importance without a lexicon word of sentiment. */
    test_expect(m,
                "Analysts agree that Russia played a central role in "
                "stopping the fighting between Armenia and Azerbaijan.",
                "central role", POS, "author");
    test_expect(m,
                "Aliyev stressed the role of Russia in keeping the truce "
                "in Karabakh.",
                "role of Russia", POS, "Ilham Aliyev");
    /* Credit in the diplomatic register. */
    test_expect(m,
                "Pashinyan expressed gratitude to the Russian side for its "
                "mediation.",
                "gratitude", POS, "Nikol Pashinyan");
    /* Optimism about the talks it hosts is mild credit. */
    test_expect(m,
                "Lavrov said Moscow was encouraged by the progress of the "
                "talks between Baku and Yerevan.",
                "encouraged", POS, "Sergei Lavrov");
}

/* Positive stance in the register of statements: emphatic commitment,
 * stated hope, the target as a factor or a priority, an outcome it
 * brought about; and the loss of standing in other words. */
static void test_register_of_statements(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Lavrov said Russia would make every effort to bring Baku "
                "and Yerevan to a settlement.",
                "every effort", POS, "Sergei Lavrov");
    test_expect(m,
                "Peskov said he hoped that Russia's contacts with "
                "Pashinyan and Aliyev would bring results.",
                "hoped", POS, "Dmitry Peskov");
    test_expect(m,
                "Zakharova called the agreements signed with Russia's "
                "participation a key factor of stability between Armenia "
                "and Azerbaijan.",
                "key factor", POS, "Maria Zakharova");
    test_expect(m,
                "Within days the Russian peacekeepers halted the fighting "
                "in Karabakh.",
                "halted", POS, "author");
    test_expect(m,
                "Pashinyan called for the prolongation of the Russian "
                "peacekeepers' mandate in Karabakh.",
                "prolongation", POS, "Nikol Pashinyan");
    test_expect(m,
                "Moscow's influence has dwindled in Armenia and "
                "Azerbaijan since 2022.",
                "dwindled", NEG, "author");
    test_expect(m,
                "Lavrov said the settlement of the Karabakh conflict was "
                "among Russia's foreign policy priorities.",
                "priorities", POS, "Sergei Lavrov");
    /* A party's own priorities say nothing of the mediator. */
    test_expect(m,
                "Pashinyan said Yerevan's priorities included the "
                "withdrawal of Azerbaijani troops from areas controlled by "
                "Russian peacekeepers.",
                "priorities", NEU, "Nikol Pashinyan");
    /* A call to halt the fighting is no outcome, and readiness stays
     * neutral. */
    test_expect(m,
                "Russia called on Armenia and Azerbaijan to observe the "
                "ceasefire and halt the fighting in Karabakh.",
                "called on", NEU, "Russia");
}

/* "So-called" is irony toward the mediator only on its role, its force
 * or its efforts, not on someone else's word in the same sentence. */
static void test_so_called(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "The so-called Russian peacekeepers in Karabakh watched the "
                "road being blocked.",
                "so-called", NEG, "author");
    test_expect(m,
                "So-called environmentalists from Azerbaijan blocked the "
                "road, and the Russian peacekeepers in Karabakh asked them to "
                "open it.",
                "environmentalists", NEU, "author");
}

/* The target's own concern is about the situation, not its role; a
 * party's concern about the target is a stance on it. */
static void test_whose_concern(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "“We are deeply concerned about the escalation in "
                "Karabakh,” Zakharova said.",
                "concerned", NEU, "Maria Zakharova");
    test_expect(m,
                "Pashinyan voiced concern over the conduct of the Russian "
                "peacekeepers in Karabakh.",
                "concern", NEG, "Nikol Pashinyan");
}

static void test_implicit_failure(void **state)
{
    const mediation_model_t *m = *state;
    /* A duty of the role, negated. */
    test_expect(m,
                "Russian peacekeepers did not stop the shelling of "
                "villages in Karabakh.",
                "did not stop", NEG, "author");
    /* Something went on despite the mediator. */
    test_expect(m,
                "Attacks on the Lachin road went on despite the presence "
                "of Russian peacekeepers.",
                "despite", NEG, "author");
    /* Acting under a pretext, kept at a distance. */
    test_expect(m,
                "Moscow used the so-called peacekeeping mission in "
                "Karabakh as a pretext to keep troops in the region.",
                "pretext", NEG, "author");
    /* A duty that is done is a plain report, not praise. */
    test_expect(m,
                "Russian peacekeepers escorted a convoy to Stepanakert on "
                "Monday.",
                "escorted", NEU, "author");
}

static void test_negation_and_denial(void **state)
{
    const mediation_model_t *m = *state;
    /* Not disputing the role's value affirms it. */
    test_expect(m,
                "The EU envoy said Brussels was not seeking to dispute the "
                "significance of Russia's peacekeeping mission in Karabakh.",
                "significance", POS, NULL);
    /* Readiness and offers are neutral, unwillingness is not. */
    test_expect(m,
                "Putin said Russia was ready to host new talks between "
                "Armenia and Azerbaijan.",
                "ready to host", NEU, "Vladimir Putin");
    test_expect(m,
                "Critics say Russia is not willing to guarantee a lasting "
                "peace between Armenia and Azerbaijan.",
                "not willing", NEG, NULL);
    /* "without delay" is no delay. */
    test_expect(m,
                "Lavrov urged Armenia and Azerbaijan to resume the talks in "
                "Moscow without delay.",
                "without delay", NEU, "Sergei Lavrov");
}

static void test_others_negativity(void **state)
{
    const mediation_model_t *m = *state;
    /* An accusation aimed at the mediator by people nobody names: the
     * stance is reported as the author's. */
    test_expect(m,
                "Angry Armenians accused Russia of abandoning Karabakh "
                "after the offensive.",
                "accused", NEG, "author");
    /* Outrage with its source named is that source's. */
    test_expect(m,
                "Russia's account of the clashes near Lachin sparked "
                "outrage from Azerbaijani officials.",
                "outrage", NEG, "Azerbaijan");
    /* The mediator blaming someone else is no stance against it. */
    test_expect_irrelevant(m,
                           "The EU mission drew criticism from Russia and "
                           "Azerbaijan.",
                           "criticism");
    /* Its own words of blame for its critics defend its role. */
    test_expect(m,
                "“These claims about our peacekeepers are destructive and "
                "false,” Zakharova said.",
                "destructive", POS, "Maria Zakharova");
}

/* Round 4's classes: a rejected criticism defends the role; "no one but
 * the target" credits it; "thanks to" someone else credits nobody here;
 * asking the mediator for more is an implied failure. */
static void test_sign_constructions(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m, "Russia rejects criticism of Karabakh peacekeepers",
                "rejects", POS, "Russia");
    test_expect(m,
                "Armenia dismissed accusations against the Russian "
                "peacekeepers in Karabakh.",
                "dismissed", POS, "Armenia");
    /* Rejecting the peacekeepers themselves stays negative. */
    test_expect(m, "Baku rejects the Russian peacekeepers in Karabakh.",
                "rejects", NEG, "Azerbaijan");
    test_expect(m,
                "No one is capable of guaranteeing peace in Karabakh except "
                "Russia.",
                "capable", POS, "author");
    test_expect(m,
                "Russia, like no one else, is interested in peace between "
                "Armenia and Azerbaijan.",
                "like no one", POS, "author");
    /* A plain "no one" still negates, also with the target named after
     * another word than an exception. */
    test_expect(m,
                "No one is capable of guaranteeing peace in Karabakh, and "
                "Russia least of all.",
                "capable", NEG, "author");
    test_expect(m, "Nobody credits Russia with the ceasefire in Karabakh.",
                "credits", NEG, "author");
    test_expect(m,
                "Thanks to the resurgence of Turkey, the South Caucasus could "
                "be torn from Moscow's sphere of influence.",
                "Thanks", NEG, "author");
    test_expect(m,
                "Armenia said it expects a more active participation from "
                "Russia in the Karabakh talks.",
                "expects", NEG, "Armenia");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_role_judged),
        cmocka_unit_test(test_register_of_statements),
        cmocka_unit_test(test_so_called),
        cmocka_unit_test(test_whose_concern),
        cmocka_unit_test(test_implicit_failure),
        cmocka_unit_test(test_negation_and_denial),
        cmocka_unit_test(test_others_negativity),
        cmocka_unit_test(test_sign_constructions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
