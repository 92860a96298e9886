/* One test per error class of the issue "Entities past MITIE on text
 * never seen", on sentences written for these tests (none comes from a
 * data set): the whole analysis with the bundled model and gazetteers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entities.h"
#include <glossa/testing.h>
#include "test_data.h"

static entities_model_t *model;
static entities_gaz_t *gaz;

static int setup(void **state)
{
    (void)state;
    return entities_test_load_bundled(&model, &gaz);
}

static int teardown(void **state)
{
    (void)state;
    entities_model_free(model);
    entities_gaz_free(gaz);
    return 0;
}

/* Analyzes text with the given labels emitted (NULL: all) and writes its
 * spans as "LABEL text=canonical>refers_to" joined by " | ", where text is
 * text[start:end] in code points. */
static const char *analyze(const char *text, const char *labels)
{
    static char out[8192];
    glossa_segments_t seg;
    assert_int_equal(glossa_segments_make(text, strlen(text), &seg), 0);
    entities_config_t cfg;
    memset(&cfg, 0, sizeof(cfg));
    for (int l = 0; l < ENTITIES_N_LABELS; l++)
        cfg.emit[l] = !labels || strstr(labels, entities_label_name(l));
    entities_doc_t doc = {text,         strlen(text),  seg.tokens,
                          seg.n_tokens, seg.sentences, seg.n_sentences};
    entities_result_t r;
    assert_int_equal(entities_analyze(model, gaz, NULL, &cfg, &doc, &r), 0);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < r.n; i++) {
        const entities_span_t *s = &r.spans[i];
        /* code points -> bytes */
        size_t b0 = 0, b1 = 0, cp = 0;
        for (size_t b = 0; b <= strlen(text); b++) {
            if (b == strlen(text) || ((unsigned char)text[b] & 0xC0) != 0x80) {
                if (cp == s->start)
                    b0 = b;
                if (cp == s->end)
                    b1 = b;
                cp++;
            }
        }
        o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s %.*s=%.*s",
                              i ? " | " : "", entities_label_name(s->label),
                              (int)(b1 - b0), text + b0, (int)s->canonical_len,
                              s->canonical);
        if (s->refers_to)
            o += (size_t)snprintf(out + o, sizeof(out) - o, ">%.*s",
                                  (int)s->refers_to_len, s->refers_to);
    }
    entities_result_free(&r);
    glossa_segments_free(&seg);
    return out;
}

#define EXPECT_IN(text, labels, piece)                                         \
    do {                                                                       \
        const char *got_ = analyze(text, labels);                              \
        if (!strstr(got_, piece))                                              \
            fail_msg("expected \"%s\" in \"%s\"", piece, got_);                \
    } while (0)

#define EXPECT_NOT_IN(text, labels, piece)                                     \
    do {                                                                       \
        const char *got_ = analyze(text, labels);                              \
        if (strstr(got_, piece))                                               \
            fail_msg("did not expect \"%s\" in \"%s\"", piece, got_);          \
    } while (0)

/* Clubs named after a town and a sponsor or a word the tagger knows as a
 * person's or a place's. */
static void test_sports_clubs(void **state)
{
    (void)state;
    const char *t = "Dynamo Kyiv drew 1-1 with Bayer Leverkusen in the group "
                    "stage, while Lokomotiv Plovdiv lost at home.";
    EXPECT_IN(t, NULL, "ORG Dynamo Kyiv=Dynamo Kyiv");
    EXPECT_IN(t, NULL, "ORG Bayer Leverkusen=Bayer Leverkusen");
    EXPECT_IN(t, NULL, "ORG Lokomotiv Plovdiv=Lokomotiv Plovdiv");
    EXPECT_IN("Zenit St Petersburg signed the striker from Shakhtar Donetsk "
              "on Tuesday.",
              NULL, "ORG Shakhtar Donetsk=Shakhtar Donetsk");
}

/* Names in lowercase (social posts) and in capitals (headlines). */
static void test_case(void **state)
{
    (void)state;
    const char *t = "putin and pashinyan met in moscow on friday, says a post.";
    EXPECT_IN(t, NULL, "PERSON putin=Vladimir Putin");
    EXPECT_IN(t, NULL, "PERSON pashinyan=Nikol Pashinyan");
    EXPECT_IN(t, NULL, "GPE moscow=Moscow");
    /* A lowercase common word stays a word. */
    EXPECT_NOT_IN("Abidjan eyes soft power through cinema and turkey farms.",
                  NULL, "cinema");
    EXPECT_IN("ALIYEV TELLS MACRON THAT FRANCE HAS NO ROLE IN THE TALKS", NULL,
              "PERSON ALIYEV=Ilham Aliyev");
    EXPECT_IN("ALIYEV TELLS MACRON THAT FRANCE HAS NO ROLE IN THE TALKS", NULL,
              "GPE FRANCE=France");
}

/* Long official names with "of", outlets with digits, dots or a country. */
static void test_organisation_boundaries(void **state)
{
    (void)state;
    EXPECT_IN("The Ministry of Internal Affairs of Georgia said the border "
              "was calm.",
              NULL,
              "ORG Ministry of Internal Affairs of Georgia=Georgian Internal "
              "Affairs Ministry");
    EXPECT_IN("A spokesman for the Ministry of Defence of Azerbaijan spoke.",
              NULL,
              "ORG Ministry of Defence of Azerbaijan=Azerbaijani Defense "
              "Ministry");
    const char *t = "The Georgian Ministry of Defence denied it, the Kazakh "
                    "MFA said.";
    EXPECT_IN(t, NULL,
              "ORG Georgian Ministry of Defence=Georgian Defense Ministry");
    EXPECT_IN(t, NULL, "ORG Kazakh MFA=Kazakh Foreign Ministry");
    EXPECT_IN("Georgia's Foreign Ministry replied on Monday.", NULL,
              "GPE Georgia=Georgia | ORG Foreign Ministry=Georgian Foreign "
              "Ministry");
    t = "According to Radio Azatutyun and Sputnik Armenia, the talks "
        "resumed; i24News and RFE/RL confirmed it.";
    EXPECT_IN(t, NULL, "ORG Sputnik Armenia=Sputnik Armenia");
    EXPECT_IN(t, NULL, "ORG i24News=i24News");
    EXPECT_IN(t, NULL, "ORG RFE/RL=Radio Free Europe/Radio Liberty");
    EXPECT_NOT_IN(t, NULL, "GPE Armenia");
    EXPECT_IN("She wrote for The Washington Post before.", NULL,
              "ORG The Washington Post=The Washington Post");
    /* A known name the tagger ran on into a headline's words. */
    EXPECT_IN("A statement by the EU Special Representative followed.", NULL,
              "ORG EU=European Union");
}

/* Facilities, events and page furniture carry no label. */
static void test_facilities_events_furniture(void **state)
{
    (void)state;
    const char *t = "The Rose Revolution began in Tbilisi; the Tbilisi Summit "
                    "ended at the Palace of Ceremonies near the White House.";
    EXPECT_IN(t, NULL, "GPE Tbilisi=Tbilisi");
    EXPECT_NOT_IN(t, NULL, "Summit");
    EXPECT_NOT_IN(t, NULL, "Palace");
    EXPECT_NOT_IN(t, NULL, "White House");
    EXPECT_NOT_IN(t, NULL, "Rose");
    EXPECT_NOT_IN("Leaders met at the Baku Energy Week and the Second "
                  "Karabakh war was discussed.",
                  NULL, "Baku");
    t = "All times are UTC. Press Ctrl + F to search. GPS data via USB.";
    EXPECT_NOT_IN(t, NULL, "UTC");
    EXPECT_NOT_IN(t, NULL, "Ctrl");
    EXPECT_NOT_IN(t, NULL, "GPS");
    /* Footer text in another language. */
    EXPECT_IN("Bliski Wschód | Kaukaz | Europa", NULL,
              "LOC Bliski Wschód=Middle East | LOC Kaukaz=Caucasus");
}

/* A country name followed by "is" is no nationality ("Azerbaijanis"). */
static void test_country_before_is(void **state)
{
    (void)state;
    const char *t = "Georgia is a small country, and Azerbaijan is its "
                    "neighbour; Azerbaijanis vote today.";
    EXPECT_IN(t, NULL, "GPE Azerbaijan=Azerbaijan");
    EXPECT_IN(t, NULL, "NORP Azerbaijanis=Azerbaijan");
    EXPECT_NOT_IN(t, NULL, "Azerbaijan is=");
}

/* refers_to: not for datelines, time zones, venues and buildings; yes for
 * possessive capitals and recipients. */
static void test_refers_to(void **state)
{
    (void)state;
    EXPECT_IN("TBILISI, March 3 - Officials said little.", NULL,
              "GPE TBILISI=Tbilisi");
    EXPECT_NOT_IN("TBILISI, March 3 - Officials said little.", NULL,
                  "Tbilisi>");
    EXPECT_NOT_IN("Talks open at 10:00 Moscow time.", NULL, "Moscow>");
    EXPECT_NOT_IN("Ministers gathered for the Moscow meeting.", NULL,
                  "Moscow>");
    EXPECT_NOT_IN("Flights to Yerevan resumed; Yerevan's airport reopened.",
                  NULL, "Yerevan>");
    EXPECT_IN("The town was handed to Yerevan in 1992.", NULL,
              "GPE Yerevan=Yerevan>Armenia");
    EXPECT_IN("Analysts doubt Moscow's commitment to the deal.", NULL,
              "GPE Moscow=Moscow>Russia");
    EXPECT_IN("They discussed Baku-Yerevan talks.", NULL,
              "GPE Baku=Baku>Azerbaijan | GPE Yerevan=Yerevan>Armenia");
}

/* Canonical names: transliterations, initials, other scripts. */
static void test_canonical_variants(void **state)
{
    (void)state;
    EXPECT_IN("Nikol Pashinian arrived; Pashinyan spoke later.", NULL,
              "PERSON Nikol Pashinian=Nikol Pashinyan");
    EXPECT_IN("J. Bayramov met Ararat Mirzoyan on Friday.", NULL,
              "PERSON J. Bayramov=Jeyhun Bayramov");
    EXPECT_IN("Путин встретился с Мирзоян.", NULL,
              "PERSON Путин=Vladimir Putin");
    EXPECT_IN("Путин встретился с Мирзоян.", NULL,
              "PERSON Мирзоян=Ararat Mirzoyan");
}

/* Organisations named with a place and their head word, first names
 * that are also nationalities, directions in lowercase, and one label
 * for a name through a document. */
static void test_names_and_consistency(void **state)
{
    (void)state;
    EXPECT_IN("Shares rose on the Tokyo Stock Exchange on Monday.", NULL,
              "ORG Tokyo Stock Exchange=Tokyo Stock Exchange");
    EXPECT_IN("The Scottish National Party won the seat.", NULL,
              "ORG Scottish National Party=Scottish National Party");
    EXPECT_IN("Christian Karembeu scored in the second half.", NULL,
              "PERSON Christian Karembeu=Christian Karembeu");
    EXPECT_NOT_IN("The army moved its troops in south and east.", NULL,
                  "south");
    const char *t = "MaliVai Washington beat Todd Martin on Sunday. "
                    "Washington served 17 aces. Washington now meets "
                    "Martin again.";
    EXPECT_NOT_IN(t, NULL, "GPE Washington");
    EXPECT_IN(t, NULL, "PERSON Washington=MaliVai Washington");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sports_clubs),
        cmocka_unit_test(test_case),
        cmocka_unit_test(test_organisation_boundaries),
        cmocka_unit_test(test_facilities_events_furniture),
        cmocka_unit_test(test_country_before_is),
        cmocka_unit_test(test_refers_to),
        cmocka_unit_test(test_canonical_variants),
        cmocka_unit_test(test_names_and_consistency),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
