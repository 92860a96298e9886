/* Holders: from the quotes layer where it has a speaker, and from the
 * analysis's own sources elsewhere (headlines, prepositional phrases,
 * offices, outlets relaying a report). All on sentences of our own. */
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

static void test_from_the_quotes_layer(void **state)
{
    const mediation_model_t *m = *state;
    /* A quotation over three sentences whose speaker is named only at
     * its end: every sentence inside it is the speaker's (those where the
     * target is present, "our" and "we", are relevant). */
    const char *t =
        "“Our peacekeepers have done their job in Karabakh. The mandate "
        "runs until next year. We will discuss its future with Baku,” the "
        "Russian president said.";
    static const quote_spec_t q[] = {
        {"Our peacekeepers have done their job in Karabakh. The mandate "
         "runs until next year. We will discuss its future with Baku",
         "Vladimir Putin", "the Russian president", 1},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t, q, "Our peacekeepers", NEU, "Vladimir Putin");
    test_expect_quotes(m, t, q, "We will discuss", NEU, "Vladimir Putin");
    /* The Kremlin as speaker is Russia. */
    const char *t2 = "Russian peacekeepers will leave Karabakh by June, the "
                     "Kremlin said.";
    static const quote_spec_t q2[] = {
        {"Russian peacekeepers will leave Karabakh by June", "Kremlin",
         "Kremlin", 0},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t2, q2, "leave", NEU, "Russia");
    /* A named stance inside another's report is the inner speaker's. */
    const char *t3 = "Pashinyan thanked the Russian side for its mediation "
                     "in the talks, the press service of the Kremlin said.";
    static const quote_spec_t q3[] = {
        {"Pashinyan thanked the Russian side for its mediation in the "
         "talks",
         "Russia", "the press service of the Kremlin", 0},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t3, q3, "thanked", POS, "Nikol Pashinyan");
}

static void test_headlines(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Russian peacekeepers begin to leave Karabakh: Kremlin\n\n"
                "The withdrawal will take weeks.",
                "begin to leave", NEU, "Russia");
    test_expect(m,
                "Putin on the mandate of the peacekeepers in Karabakh\n\n"
                "The mandate ends next year.",
                "Putin on", NEU, "Vladimir Putin");
}

static void test_subjects(void **state)
{
    const mediation_model_t *m = *state;
    /* A name inside a prepositional phrase is not the subject. */
    test_expect(m,
                "Pashinyan at a meeting with Russian President Vladimir "
                "Putin complained about the failure of the peacekeepers to "
                "keep the Lachin road open.",
                "complained", NEG, "Nikol Pashinyan");
    /* Media of a nation are nobody named. */
    test_expect(m,
                "Azerbaijani state media reported that Russian troops had "
                "left two posts in Karabakh.",
                "reported", NEU, "author");
    /* "X said, TASS reports" is X's. */
    test_expect(m,
                "The peacekeepers will stay in Karabakh, said Peskov, TASS "
                "reports.",
                "will stay", NEU, "Dmitry Peskov");
    /* An office the document gave nobody: the target's last person. */
    test_expect(m,
                "Putin met Aliyev in Sochi.\n\nThe Russian leader said the "
                "ceasefire in Karabakh had to hold.",
                "Russian leader", NEU, "Vladimir Putin");
}

static void test_events_report_nothing(void **state)
{
    const mediation_model_t *m = *state;
    /* "announced signing", "pledged troops": acts, not speech. */
    test_expect(m,
                "Putin announced signing a ceasefire declaration with "
                "Armenia and Azerbaijan.",
                "announced", NEU, "author");
    test_expect(m,
                "Under the deal, Russia pledged 2,000 peacekeepers to "
                "Karabakh.",
                "pledged", NEU, "author");
}

/* Speakers of constructions around the verb: a catenative verb before
 * the infinitive, the one quoted "as saying", and a report on both sides
 * of ", X said:". */
static void test_verb_constructions(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Aliyev spoke in Baku on Monday. He went on to thank Russia "
                "for its mediation in Karabakh.",
                "thank", POS, "Ilham Aliyev");
    test_expect(m,
                "Pashinyan decided to criticise the Russian peacekeepers for "
                "their failure in Karabakh.",
                "criticise", NEG, "Nikol Pashinyan");
    /* Without the catenative verb, "to" opens no subject. */
    test_expect(m, "It is time to thank Russia for its mediation in Karabakh.",
                "thank", POS, "author");
    test_expect(m,
                "\"Russian peacekeepers will stay in Karabakh until 2025,\" "
                "the press service quoted Aliyev as saying.",
                "stay", NEU, "Ilham Aliyev");
    test_expect(m,
                "Russia sees an opportunity for a peace agreement in "
                "Karabakh through the trilateral statements, Peskov said: "
                "\"There is this opportunity.\"",
                "sees", POS, "Dmitry Peskov");
    /* A passive report whose source is a statement's author. */
    test_expect(m,
                "This is stated in the bulletin of the Kremlin on the "
                "Russian peacekeepers in Karabakh.",
                "bulletin", NEU, "Russia");
    /* An agent body with a person in apposition: the person. */
    test_expect(m,
                "This was announced by the spokesperson of the Kremlin, "
                "Dmitry Peskov, who said the peacekeepers would stay in "
                "Karabakh.",
                "announced", NEU, "Dmitry Peskov");
    /* The target's own statement over a small part of the sentence is
     * still the target's report. */
    const char *t = "The Kremlin does not rule out a meeting of the "
                    "leaders after the new flare-up of tension on the border "
                    "of Armenia and Azerbaijan over Karabakh.";
    static const quote_spec_t q[] = {
        {"a meeting of the leaders", "Russia", "The Kremlin", 0},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t, q, "rule out", NEU, "Russia");
}

/* Reporting verbs of the briefing register ("specified", "clarified",
 * "mentioned") give their subject as the holder of a neutral report. */
static void test_briefing_verbs(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Lavrov specified that the treaty was a matter for Armenia "
                "and Azerbaijan, so Russia could not mediate it directly.",
                "specified", NEU, "Sergei Lavrov");
    test_expect(m,
                "Zakharova clarified that Russian peacekeepers would stay "
                "in Karabakh until the end of their mandate.",
                "clarified", NEU, "Maria Zakharova");
    test_expect(m,
                "Zakharova referred to the trilateral statement on the "
                "ceasefire in Karabakh.",
                "referred", NEU, "Maria Zakharova");
    /* An offer to act reports the offer; an offer of things is an
     * event of the author's report. */
    test_expect(m,
                "Putin offered to host talks between Armenia and Azerbaijan.",
                "offered", NEU, "Vladimir Putin");
    test_expect(m,
                "Putin offered Armenia and Azerbaijan a package of deals to "
                "settle the conflict.",
                "offered", NEU, "author");
}

/* A prepositional phrase that names nobody ("on Sunday", "at a news
 * conference") between a subject and its stance verb: the subject holds
 * the stance. */
static void test_short_phrase_before_the_verb(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Lavrov at a news conference on Friday praised the work of "
                "the Russian peacekeepers in Karabakh.",
                "praised", POS, "Sergei Lavrov");
    test_expect(m,
                "Moscow on Sunday accused Baku of breaking the ceasefire in "
                "the zone of the Russian peacekeepers in Karabakh.",
                "accused", NEU, "Russia");
    /* A long phrase is a clause of its own: the author's report. */
    test_expect(m,
                "Russian peacekeepers were sent to Karabakh at the end of the "
                "war that saw Azerbaijan retake land, the disputed region.",
                "were sent", NEU, "author");
}

/* "“...,” the ministry said. “...,” he added.": a pronoun with no person
 * to stand for is the previous sentence's speaker's spokesperson. */
static void test_pronoun_after_a_body(void **state)
{
    const mediation_model_t *m = *state;
    const char *t = "“The situation on the line of contact is tense,” the "
                    "Russian Foreign Ministry said. “The Russian peacekeepers "
                    "are working to calm it,” he added.";
    static const quote_spec_t q[] = {
        {"The situation on the line of contact is tense",
         "Ministry of Foreign Affairs of Russia", "Russian Foreign Ministry",
         1},
        {"The Russian peacekeepers are working to calm it", NULL, NULL, 1},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t, q, "working to calm", NEU,
                       "Ministry of Foreign Affairs of Russia");
}

/* A participle that opens the sentence has the main clause's subject;
 * a person named as a verb's subject stays the speaker when the quotes
 * layer gives the quotation to the person's state. */
static void test_opening_participle_and_person(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Praising the role of the Russian peacekeepers in Karabakh, "
                "Prime Minister Nikol Pashinyan said Armenia would ask for "
                "a longer mandate.",
                "Praising", POS, "Nikol Pashinyan");
    const char *t = "Armenian Prime Minister Nikol Pashinyan said the Russian "
                    "peacekeepers would stay in Karabakh until next year.";
    static const quote_spec_t q[] = {
        {"the Russian peacekeepers would stay in Karabakh until next year",
         "Armenia", "Armenian", 0},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t, q, "would stay", NEU, "Nikol Pashinyan");
}

/* A person's name in apposition to the subject phrase is the speaker. */
static void test_person_in_apposition(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "The top diplomat of Russia, Sergei Lavrov, praised the work "
                "of the peacekeepers in Karabakh.",
                "praised", POS, "Sergei Lavrov");
}

/* A prepositional verb in the passive: its agent after the particle. */
static void test_passive_with_a_particle(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "A new round of talks in Moscow between Armenia and "
                "Azerbaijan was called for by Putin on Monday.",
                "called for", NEU, "Vladimir Putin");
}

/* A document whose title line is a name's statement ("X's remarks at
 * ...") is that speaker's; in a statement document, what nobody named
 * holds is the speaker's too. */
static void test_statement_documents(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Foreign Minister Lavrov's remarks at a meeting on Karabakh\n"
                "We have worked with Armenia and Azerbaijan all week. The "
                "Russian peacekeepers in Karabakh keep the ceasefire.",
                "keep the ceasefire", NEU, "Sergei Lavrov");
    const char *t = "Comment by Maria Zakharova on Karabakh\n\nWe informed "
                    "the partners that the Russian peacekeepers keep the "
                    "ceasefire in Karabakh.";
    static const quote_spec_t q[] = {
        {"the Russian peacekeepers keep the ceasefire in Karabakh", NULL,
         "the partners", 0},
        {NULL, NULL, NULL, 0}};
    test_expect_quotes(m, t, q, "keep the ceasefire", NEU, "Maria Zakharova");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_briefing_verbs),
        cmocka_unit_test(test_from_the_quotes_layer),
        cmocka_unit_test(test_headlines),
        cmocka_unit_test(test_subjects),
        cmocka_unit_test(test_events_report_nothing),
        cmocka_unit_test(test_verb_constructions),
        cmocka_unit_test(test_short_phrase_before_the_verb),
        cmocka_unit_test(test_pronoun_after_a_body),
        cmocka_unit_test(test_opening_participle_and_person),
        cmocka_unit_test(test_person_in_apposition),
        cmocka_unit_test(test_passive_with_a_particle),
        cmocka_unit_test(test_statement_documents),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
