/* The rules on sentences of our own: negation, contrast, intensity,
 * modality, scare quotes, denials, relevance, and holder attribution. */
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

static void test_negation(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Russia is a reliable mediator between Armenia and "
                "Azerbaijan.",
                "Russia", POS, "author");
    test_expect(m,
                "Russia is not a reliable mediator between Armenia and "
                "Azerbaijan.",
                "Russia", NEG, "author");
    /* Negation reaches across a few words... */
    test_expect(m,
                "Moscow is no longer seen as a reliable broker in the "
                "conflict over Karabakh.",
                "Moscow", NEG, "author");
    /* ..."failed to" negates what follows... */
    test_expect(m,
                "Russia failed to fulfil its obligations as a guarantor of "
                "the ceasefire.",
                "Russia", NEG, "author");
    /* ...and cues may carry their own negation. */
    test_expect(m,
                "Russian peacekeepers did not intervene when Azerbaijan "
                "attacked Karabakh.",
                "Russian", NEG, "author");
    /* A clause boundary stops it. */
    test_expect(m,
                "The talks did not start on time, but Russia's mediation "
                "was welcomed by Armenia and Azerbaijan.",
                "talks", POS, NULL);
    /* A shifter under negation: doubts stay. */
    test_expect(m,
                "Putin's meeting with Pashinyan and Aliyev cannot dispel "
                "doubts about Russia's role as a mediator.",
                "meeting", NEG, "author");
}

static void test_contrast(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Russia brokered the 2020 ceasefire between Armenia and "
                "Azerbaijan, but its peacekeepers failed to stop the "
                "fighting.",
                "brokered", NEG, "author");
    test_expect(m,
                "Russia's mediation was welcomed at first by Armenia and "
                "Azerbaijan, but Moscow has since lost much of its "
                "credibility.",
                "mediation", NEG, "author");
    /* The clause "although" opens yields to the other one. */
    test_expect(m,
                "Although Moscow's influence in the South Caucasus is "
                "waning, Armenia and Azerbaijan thanked Russia for hosting "
                "the talks.",
                "Although", POS, NULL);
    test_expect(m,
                "Armenia and Azerbaijan thanked Russia for hosting the "
                "talks, although Moscow's influence in the region is "
                "waning.",
                "thanked", POS, NULL);
}

static void test_intensity_and_modality(void **state)
{
    const mediation_model_t *m = *state;
    /* An attempt is no achievement yet. */
    test_expect(m,
                "Moscow seeks to reassert its role as the main broker "
                "between Armenia and Azerbaijan.",
                "Moscow", NEU, "author");
    test_expect(m,
                "Moscow reasserted its role as the main broker between "
                "Armenia and Azerbaijan.",
                "Moscow", POS, "author");
    /* Willingness under "would" is still the speaker's positive stance. */
    test_expect(m,
                "Putin said Russia would be happy to help Armenia and "
                "Azerbaijan sign a peace treaty.",
                "Putin", POS, "Vladimir Putin");
    /* Intensifiers strengthen, they do not decide. */
    mediation_result_t res;
    const char *plain = "Russia is isolated as a mediator between Armenia and "
                        "Azerbaijan.";
    const char *boosted = "Russia is increasingly isolated as a mediator "
                          "between Armenia and Azerbaijan.";
    test_analyze(m, plain, TEST_ENTITIES, &res);
    assert_int_equal(res.n_spans, 1);
    double s1 = res.spans[0].score;
    mediation_result_free(&res);
    test_analyze(m, boosted, TEST_ENTITIES, &res);
    assert_int_equal(res.n_spans, 1);
    assert_true(res.spans[0].score <= s1 && res.spans[0].score < 0);
    mediation_result_free(&res);
    /* Topic words of war and peace carry no stance in this domain. */
    test_expect(m,
                "The 2020 war ended with a Russian-brokered ceasefire that "
                "killed no one's hopes of peace in Karabakh.",
                "war", NEU, "author");
}

static void test_scare_quotes_and_denials(void **state)
{
    const mediation_model_t *m = *state;
    /* Unattributed quotes around the role: the author's irony. */
    test_expect(m,
                "Russia's “peacekeeping” mission in Karabakh watched "
                "Azerbaijan's offensive unfold.",
                "Russia", NEG, "author");
    /* Attributed, the quoted word is the speaker's. */
    test_expect(m,
                "Macron said Moscow was “destabilising” the peace process "
                "between Armenia and Azerbaijan.",
                "Macron", NEG, "Emmanuel Macron");
    /* A denial reverses what it holds... */
    test_expect(m,
                "The Kremlin rejected accusations that its peacekeepers "
                "had abandoned Karabakh.",
                "Kremlin", POS, "Russia");
    /* ...but not what an inner speaker says. */
    test_expect(m,
                "Putin dismissed a comment by Macron who said that Moscow "
                "was destabilising a peace process between Armenia and "
                "Azerbaijan.",
                "Putin", NEG, "Emmanuel Macron");
}

static void test_holders(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Pashinyan accused Moscow of failing to protect Armenians "
                "in Karabakh as a security guarantor.",
                "Pashinyan", NEG, "Nikol Pashinyan");
    /* A capital standing for its state holds the state's stance. */
    test_expect(m, "Yerevan accused Russian peacekeepers of inaction.",
                "Yerevan", NEG, "Armenia");
    test_expect(m,
                "Russian peacekeepers did nothing to stop the offensive, "
                "according to Armenian officials.",
                "Russian", NEG, "Armenia");
    /* "“...,” X said": the quote is X's. */
    test_expect(m,
                "“Russia has always been a reliable mediator between our "
                "countries,” Aliyev told reporters in Baku.",
                "Russia", POS, "Ilham Aliyev");
    /* A parenthetical between the speaker and the verb. */
    test_expect(m,
                "Aliyev, who met Putin in Sochi, thanked Russia for its "
                "mediation.",
                "Aliyev", POS, "Ilham Aliyev");
    /* Two sides trading criticism: the stance toward the target is the
     * other side's. */
    test_expect(m,
                "Russia and EU leaders have traded criticism of their "
                "mediation efforts in Karabakh.",
                "Russia", NEG, "European Union");
    /* The author's own framing after a report ends the report. */
    test_expect(m,
                "Putin said on Monday he hoped for peace between Armenia "
                "and Azerbaijan, reaffirming Moscow's role as a broker.",
                "Putin", POS, "author");
    /* A plain report is the reporter's. */
    test_expect(m,
                "The Kremlin said the talks in Sochi would focus on the "
                "ceasefire between Armenia and Azerbaijan.",
                "Kremlin", NEU, "Russia");
    /* A title phrase with its country is one speaker. */
    test_expect(m,
                "“Russia has let us down as a guarantor,” Armenian "
                "Foreign Minister Ararat Mirzoyan told reporters.",
                "Russia", NEG, "Ararat Mirzoyan");
    /* A stance toward someone else says nothing of the target; a
     * coordinated verb shares its subject. */
    test_expect(m,
                "Lavrov said Russian peacekeepers had done everything "
                "possible, and accused the Armenian government of "
                "sabotaging the ceasefire.",
                "Lavrov", POS, "Sergei Lavrov");
    /* "arguing" goes on reporting; time words may stand before a verb. */
    test_expect(m,
                "Armenian officials blame Moscow for the fall of "
                "Karabakh, arguing that Russian peacekeepers stood by.",
                "blame", NEG, "Armenia");
    test_expect(m, "Aliyev last week thanked Putin for his mediation.",
                "Aliyev", POS, "Ilham Aliyev");
    /* A stand-in of the target speaks for it even without refers_to. */
    static const ent_spec_t bare[] = {{"Moscow", "GPE", "Moscow", NULL},
                                      {"Armenia", "GPE", "Armenia", NULL},
                                      {"Azerbaijan", "GPE", "Azerbaijan", NULL},
                                      {NULL, NULL, NULL, NULL}};
    const char *t = "Moscow said it would host talks between Armenia and "
                    "Azerbaijan.";
    mediation_result_t res;
    test_analyze(m, t, bare, &res);
    assert_int_equal(res.n_spans, 1);
    assert_string_equal(res.spans[0].holder, "Russia");
    mediation_result_free(&res);
    /* Feelings are their experiencer's. */
    test_expect(m,
                "Yerevan has grown increasingly frustrated with Moscow's "
                "mediation.",
                "Yerevan", NEG, "Armenia");
}

static void test_pronouns_titles_and_quotes(void **state)
{
    const mediation_model_t *m = *state;
    /* "he" is the previous sentence's subject, and "we" in his quote is
     * Russia. An offer to go on mediating is neutral (the gold's
     * convention: offers and readiness carry no stance); a reported
     * statement is its speaker's even when neutral. */
    const char *t1 = "Putin met Pashinyan and Aliyev in Sochi on Monday. "
                     "“We are ready to continue our mediation,” he said.";
    test_expect(m, t1, "We are", NEU, "Vladimir Putin");
    /* "he told Pashinyan" is not Pashinyan. */
    const char *t2 = "Putin met Pashinyan and Aliyev in Sochi on Monday. "
                     "“Our role is to help you find peace,” he told "
                     "Pashinyan.";
    test_expect(m, t2, "Our role", NEU, "Vladimir Putin");
    /* "the Russian president" is whoever the document introduced so. */
    const char *t3 = "Russian President Vladimir Putin hosted the talks "
                     "between Armenia and Azerbaijan. “It was a very useful "
                     "meeting,” the Russian president told reporters.";
    test_expect(m, t3, "useful", POS, "Vladimir Putin");
    /* A quotation continued in the next sentence keeps its speaker. */
    const char *t4 = "“Russia will continue its mediation between Armenia and "
                     "Azerbaijan,” Lavrov said. “We are committed to a "
                     "lasting settlement.”";
    test_expect(m, t4, "committed", POS, "Sergei Lavrov");
}

static void test_relevance(void **state)
{
    const mediation_model_t *m = *state;
    test_expect_none(m, "Russia is fighting a war in Ukraine.");
    /* A context cue needs the conflict's parties nearby. */
    test_expect_none(m, "Putin discussed gas prices with Chinese leaders.");
    test_expect(m,
                "Armenia and Azerbaijan fought a war in 2020. Putin will "
                "hold talks with both leaders.",
                "Putin", NEU, "author");
    /* No target, no span, however strong the role words. */
    test_expect_none(m, "The EU has announced a civilian mission to monitor "
                        "the ceasefire between Armenia and Azerbaijan.");
    /* "the peacekeepers" right after a relevant sentence is the target. */
    const char *t = "Russia deployed 2,000 peacekeepers to Karabakh in 2020. "
                    "Pashinyan later said the peacekeepers had failed to "
                    "protect civilians.";
    test_expect(m, t, "later", NEG, "Nikol Pashinyan");
    test_expect_none(m, "The peacekeepers had failed to protect civilians.");
}

static void test_document_summary(void **state)
{
    const mediation_model_t *m = *state;
    const char *text =
        "Russia is a reliable mediator between Armenia and Azerbaijan. "
        "Putin will host talks with Pashinyan and Aliyev in Sochi. "
        "Moscow has lost much of its influence in the South Caucasus. "
        "Yerevan accused Moscow of abandoning Karabakh.";
    mediation_result_t res;
    test_analyze(m, text, TEST_ENTITIES, &res);
    assert_int_equal(res.n_spans, 4);
    assert_int_equal(res.counts[MEDIATION_POSITIVE + 1], 1);
    assert_int_equal(res.counts[MEDIATION_NEUTRAL + 1], 1);
    assert_int_equal(res.counts[MEDIATION_NEGATIVE + 1], 2);
    double sum = 0;
    for (size_t i = 0; i < res.n_spans; i++)
        sum += res.spans[i].score;
    assert_true(res.mean_score == sum / 4);
    assert_int_equal(res.label, MEDIATION_NEGATIVE);
    mediation_result_free(&res);

    test_analyze(m, "No mediator is named here.", TEST_ENTITIES, &res);
    assert_int_equal(res.n_spans, 0);
    assert_int_equal(res.label, MEDIATION_NEUTRAL);
    assert_true(res.mean_score == 0.0);
    mediation_result_free(&res);
}

/* An inconsistent segmentation is an error, never a crash. */
static void test_bad_doc(void **state)
{
    const mediation_model_t *m = *state;
    const char *text = "Russia mediates.";
    glossa_token_t tokens[2] = {{0, 6, 0, 6, GLOSSA_TOKEN_WORD},
                                {7, 15, 7, 15, GLOSSA_TOKEN_WORD}};
    glossa_sentence_t sent = {0, 15, 0, 15, 0, 2};
    mediation_doc_t doc = {text, 16, tokens, 2, &sent, 1, NULL, 0, NULL, 0, 0};
    mediation_result_t res;
    assert_int_equal(mediation_analyze(m, &doc, &res, NULL, NULL), 0);
    mediation_result_free(&res);
    tokens[1].end = 99; /* past the text */
    assert_int_equal(mediation_analyze(m, &doc, &res, NULL, NULL),
                     GLOSSA_EINVAL);
    assert_int_equal(res.n_spans, 0);
    tokens[1].end = 15;
    tokens[0].end = 12; /* overlaps the next token */
    assert_int_equal(mediation_analyze(m, &doc, &res, NULL, NULL),
                     GLOSSA_EINVAL);
    sent.token_count = 3; /* more tokens than there are */
    assert_int_equal(mediation_analyze(m, &doc, &res, NULL, NULL),
                     GLOSSA_EINVAL);
    mediation_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negation),
        cmocka_unit_test(test_contrast),
        cmocka_unit_test(test_intensity_and_modality),
        cmocka_unit_test(test_scare_quotes_and_denials),
        cmocka_unit_test(test_holders),
        cmocka_unit_test(test_pronouns_titles_and_quotes),
        cmocka_unit_test(test_relevance),
        cmocka_unit_test(test_document_summary),
        cmocka_unit_test(test_bad_doc),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
