/* Relevance through reference: sentences that speak of the mediator
 * without naming it, through its forces, their anaphors and pronouns, or
 * as the continuation of its own statement; and the limits the
 * guidelines set (another mediator's talks, bilateral matters). All on
 * sentences of our own. */
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

static void test_forces_and_their_anaphors(void **state)
{
    const mediation_model_t *m = *state;
    /* "the contingent" two sentences on is still the Russian force. */
    const char *t = "Russian troops took up positions along the Lachin road "
                    "in the spring. Villagers brought them bread. The "
                    "contingent is expected to stay until the autumn.";
    test_expect(m, t, "Russian troops", NEU, "author");
    test_expect(m, t, "The contingent", NEU, "author");
    /* An indefinite force right after it: the same one. */
    const char *t2 = "Russia sent peacekeepers to Karabakh after the truce. "
                     "A force of some 1,500 soldiers will patrol the line.";
    test_expect(m, t2, "A force of", NEU, "author");
    /* Another country's troops are not Russia's. */
    const char *t3 = "Russian peacekeepers patrol the Lachin road. Turkish "
                     "troops will man a monitoring centre in Azerbaijan.";
    test_expect_irrelevant(m, t3, "Turkish troops");
}

static void test_they_after_the_force(void **state)
{
    const mediation_model_t *m = *state;
    /* "they" opening the next sentence is the force, and its failure is
     * the mediator's. */
    const char *t = "Armenia asked the Russian peacekeepers to reopen the "
                    "road to Stepanakert. They did not protect the convoys "
                    "that tried to pass.";
    test_expect(m, t, "They did not protect", NEG, "author");
    /* "they" after others were named is theirs. */
    const char *t2 = "Armenia asked the Russian peacekeepers to reopen the "
                     "road. Yerevan and Baku said they would meet again.";
    test_expect_irrelevant(m, t2, "they would meet");
}

static void test_statement_runs_on(void **state)
{
    const mediation_model_t *m = *state;
    /* A quotation of the target runs on where it speaks as "we". */
    const char *t = "Lavrov said Russia would keep mediating between Armenia "
                    "and Azerbaijan.\n“We are ready to host the next round. "
                    "We have sent proposals to both capitals.”";
    test_expect(m, t, "We are ready", NEU, "Sergei Lavrov");
    test_expect(m, t, "We have sent", NEU, "Sergei Lavrov");
    /* Also where it speaks as "our" or "us", not "we". */
    const char *t2 = "Lavrov said Russia would keep mediating between "
                     "Armenia and Azerbaijan.\n“Our proposals are on the "
                     "table in both capitals.”";
    test_expect(m, t2, "Our proposals", NEU, "Sergei Lavrov");
    /* "US", the country, is no "us". */
    const char *t3 = "Lavrov said Russia would keep mediating between "
                     "Armenia and Azerbaijan.\n“The US has its own plans "
                     "for the railway.”";
    test_expect_irrelevant(m, t3, "The US has");
}

/* The target's standing gained or lost in the region is its standing in
 * the role, next to a mention of it and where the conflict is spoken of. */
static void test_standing(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "The talks between Armenia and Azerbaijan moved to "
                "Washington. Moscow has estranged Yerevan.",
                "estranged", NEU, "author");
    test_expect(m,
                "After the fighting in Karabakh, Russia emerged as the "
                "winner.",
                "winner", POS, "author");
    /* Someone else's victory, far from the target. */
    test_expect_irrelevant(m,
                           "Azerbaijan celebrated its victory in the war over "
                           "Karabakh with a parade that diplomats from "
                           "Russia attended.",
                           "victory");
}

/* The mediation format's co-chairs: a co-chair is a mediator. */
static void test_the_co_chairs(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "For years Russia, France and the United States were "
                "co-chairs of the group.",
                "co-chairs", NEU, "author");
    test_expect(m, "Moscow still sits in the Minsk Group with Paris.",
                "Minsk Group", NEU, "author");
}

static void test_a_statement_document(void **state)
{
    const mediation_model_t *m = *state;
    /* "Comment by X": the whole text is X's, its "we" the target's. */
    const char *t = "Comment by Foreign Ministry Spokeswoman Maria Zakharova "
                    "on the talks in Paris\n\nWe welcome every effort to "
                    "bring Armenia and Azerbaijan closer. Russia played a "
                    "key role in ending the fighting in Karabakh.";
    test_expect(m, t, "We welcome", POS, "Maria Zakharova");
    test_expect(m, t, "key role", POS, "Maria Zakharova");
    test_expect_irrelevant(m, t, "Comment by");
}

static void test_the_target_as_a_body(void **state)
{
    const mediation_model_t *m = *state;
    /* A ministry of the target is the target, and speaks as itself. */
    test_expect(m,
                "The Russian Foreign Ministry said the ceasefire between "
                "Armenia and Azerbaijan was holding.",
                "ceasefire", NEU, "Ministry of Foreign Affairs of Russia");
}

static void test_limits_of_relevance(void **state)
{
    const mediation_model_t *m = *state;
    /* Bilateral matters are no mediation. */
    test_expect_irrelevant(m,
                           "Armenia and Russia held bilateral talks on gas "
                           "prices in Yerevan.",
                           "bilateral");
    /* The target only reporting on another mediator's meeting. */
    test_expect_irrelevant(m,
                           "Lavrov said that the meeting of Pashinyan and "
                           "Aliyev with the EU in Brussels had changed "
                           "little.",
                           "meeting");
    /* A joint statement the target signed is its role. */
    test_expect(m,
                "Putin, Aliyev and Pashinyan signed a joint statement on "
                "the cessation of hostilities.",
                "joint statement", NEU, "author");
}

/* The target's military alliance is not the role (the annotation
 * conventions); a role cue in the sentence still makes it relevant. */
static void test_the_alliance_is_not_the_role(void **state)
{
    const mediation_model_t *m = *state;
    test_expect_irrelevant(m,
                           "Armenia asked the Russian-led Collective Security "
                           "Treaty Organization for help after the clashes "
                           "with Azerbaijan.",
                           "Collective Security");
    test_expect_irrelevant(m,
                           "After the fighting with Azerbaijan, Yerevan "
                           "invoked the mutual defense clause, but the "
                           "Russian-led CSTO took no action.",
                           "CSTO");
    test_expect(m,
                "The Russian peacekeepers will stay in Karabakh, while the "
                "CSTO has no mission there.",
                "peacekeepers", NEU, "author");
}

/* The target reacting to another mediator's initiative (its route, its
 * mission, its mediation) speaks of someone else's role, not its own; a
 * role cue of the target still makes the sentence relevant. */
static void test_another_mediators_initiative(void **state)
{
    const mediation_model_t *m = *state;
    test_expect_irrelevant(m,
                           "Moscow held talks with Baku and Yerevan on the "
                           "U.S.-backed transit link through Armenia.",
                           "talks");
    test_expect_irrelevant(m,
                           "Lavrov said the EU mission on the border between "
                           "Armenia and Azerbaijan was destabilising the "
                           "region.",
                           "EU mission");
    test_expect(m,
                "Russian peacekeepers remain in Karabakh, while the EU "
                "mission watches the border of Armenia and Azerbaijan.",
                "peacekeepers", NEU, "author");
    /* The sentence right after one that names the initiative still
     * speaks of it. */
    test_expect_irrelevant(m,
                           "Zakharova commented on the EU mission in "
                           "Armenia. The Russian ministry called the "
                           "observers a tool of propaganda against Armenia "
                           "and Azerbaijan.",
                           "propaganda");
}

/* The target's role in another conflict (a place of it named, neither
 * side nor the disputed land) is not this role, a role cue or not; with
 * a side named it still may be. */
static void test_the_target_elsewhere(void **state)
{
    const mediation_model_t *m = *state;
    test_expect_irrelevant(m,
                           "For years Russian peacekeepers in Abkhazia "
                           "stood between the villages.",
                           "peacekeepers");
    test_expect(m,
                "Russian peacekeepers in Karabakh, like those in "
                "Transnistria, stood between the villages.",
                "peacekeepers", NEU, "author");
}

/* The target's dealings with one side (a visit, a meeting, talks) are
 * bilateral unless the conflict is spoken of: a term of the conflict,
 * the disputed land, or both sides, in the sentence or the one before. */
static void test_dealings_with_one_side(void **state)
{
    const mediation_model_t *m = *state;
    test_expect_irrelevant(m,
                           "Aliyev met Putin in Sochi to sign a declaration "
                           "on trade and energy.",
                           "met Putin");
    test_expect_irrelevant(m,
                           "Lavrov will visit Baku next week for talks with "
                           "Aliyev on the gas pipeline.",
                           "talks");
    test_expect(m,
                "Aliyev met Putin in Sochi to discuss the situation in "
                "Karabakh.",
                "met Putin", NEU, "author");
    test_expect(m,
                "Aliyev met Putin in Sochi to discuss the border "
                "delimitation.",
                "met Putin", NEU, "author");
    test_expect(m, "Putin held talks with Aliyev and Pashinyan in Sochi.",
                "talks", NEU, "author");
    /* Calls and contacts are the diplomacy of the role too. */
    test_expect(m,
                "The Kremlin does not rule out contacts between Putin, "
                "Aliyev and Pashinyan.",
                "contacts", NEU, NULL);
    test_expect_irrelevant(m,
                           "Putin had a phone call with Aliyev about gas "
                           "prices.",
                           "phone call");
    /* A border as such is not the conflict's: the target guarding the
     * border of one side with a third country is bilateral. */
    test_expect_irrelevant(m,
                           "Armenia said it no longer needed the presence of "
                           "Russian border guards at Yerevan airport.",
                           "presence");
    /* The sentence before names the disputed land (a sentence without
     * the target is not looked up, so there only names count). */
    test_expect(m,
                "The fighting in Karabakh resumed in September. Aliyev met "
                "Putin in Sochi on Monday.",
                "met Putin", NEU, "author");
    test_expect_irrelevant(m,
                           "Trade grew by a fifth in September. Aliyev met "
                           "Putin in Sochi on Monday.",
                           "met Putin");
}

/* The target's relations with one side (relations, ties or cooperation
 * between the two, trade turnover, allied relations) are bilateral: not
 * the role, its meetings or a stance on them; between the two sides, or
 * with no side named, they may be the conflict's. */
static void test_relations_with_one_side(void **state)
{
    const mediation_model_t *m = *state;
    test_expect_irrelevant(m,
                           "Putin praised the successful development of "
                           "relations between Russia and Azerbaijan.",
                           "successful development");
    test_expect_irrelevant(m,
                           "Lavrov hailed the growth of trade turnover "
                           "with Armenia at a meeting in Yerevan.",
                           "trade turnover");
    test_expect(m,
                "Putin praised the normalization of relations between "
                "Armenia and Azerbaijan.",
                "normalization", POS, "Vladimir Putin");
    /* What the target says of those dealings, though "the two countries"
     * can name the conflict's sides too. */
    test_expect_irrelevant(m,
                           "Lavrov told Aliyev that relations between the "
                           "two countries were at their best.",
                           "relations between");
    /* Incidents between the target and one side (an envoy summoned, a
     * plane crash, its diaspora) are such dealings too. */
    test_expect_irrelevant(m,
                           "Baku summoned the Russian ambassador and "
                           "condemned the arrests as a provocation.",
                           "summoned");
    test_expect_irrelevant(m,
                           "Aliyev blamed Moscow for the plane crash and "
                           "called its explanations dishonest.",
                           "plane crash");
    test_expect_irrelevant(m,
                           "Aliyev blamed Moscow for the air disaster and "
                           "called its explanations dishonest.",
                           "air disaster");
}

/* The target calling on the sides to stop, to de-escalate or to show
 * restraint acts in the role; a call about something else does not. */
static void test_calls_on_the_sides(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Lavrov called for a de-escalation of the fighting between "
                "Armenia and Azerbaijan.",
                "de-escalation", NEU, "Sergei Lavrov");
    test_expect(m, "Moscow urged both sides to show restraint.", "restraint",
                NEU, "Russia");
    /* A call on one side to pull its forces back is one too. */
    test_expect(m, "Moscow urged Baku to withdraw its units from the hills.",
                "withdraw", NEU, "Russia");
    test_expect_irrelevant(m,
                           "Lavrov called for closer trade ties with "
                           "Azerbaijan.",
                           "trade ties");
}

/* The target speaking of the conflict itself is in the role; the
 * target speaking of other matters, or others speaking of the target and
 * the conflict without a cue, are not. */
static void test_target_on_the_conflict(void **state)
{
    const mediation_model_t *m = *state;
    test_expect(m,
                "Zakharova said the situation in Karabakh was an internal "
                "matter of Azerbaijan.",
                "internal matter", NEU, "Maria Zakharova");
    test_expect(m, "“We want the South Caucasus to be stable,” Lavrov said.",
                "South Caucasus", NEU, "Sergei Lavrov");
    test_expect_irrelevant(m,
                           "Zakharova said Russia's trade with Turkey had "
                           "grown.",
                           "trade");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forces_and_their_anaphors),
        cmocka_unit_test(test_they_after_the_force),
        cmocka_unit_test(test_statement_runs_on),
        cmocka_unit_test(test_the_co_chairs),
        cmocka_unit_test(test_standing),
        cmocka_unit_test(test_a_statement_document),
        cmocka_unit_test(test_the_target_as_a_body),
        cmocka_unit_test(test_limits_of_relevance),
        cmocka_unit_test(test_the_alliance_is_not_the_role),
        cmocka_unit_test(test_another_mediators_initiative),
        cmocka_unit_test(test_the_target_elsewhere),
        cmocka_unit_test(test_dealings_with_one_side),
        cmocka_unit_test(test_relations_with_one_side),
        cmocka_unit_test(test_calls_on_the_sides),
        cmocka_unit_test(test_target_on_the_conflict),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
