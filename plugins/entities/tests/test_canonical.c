/* The whole analysis on sentences of our own, with the bundled model and
 * gazetteers and the core's segmenter: spans, labels, canonical names and
 * refers_to as the annotation guidelines define them. */
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

static void test_titles_outside_and_nationality(void **state)
{
    (void)state;
    const char *t = "Georgian President Salome Zourabichvili met Turkish "
                    "Foreign Minister Hakan Fidan in Ankara on Friday.";
    EXPECT_IN(t, NULL,
              "NORP Georgian=Georgia | PERSON Salome "
              "Zourabichvili=Salome Zourabichvili | NORP "
              "Turkish=Turkey | PERSON Hakan Fidan=Hakan Fidan");
    EXPECT_NOT_IN(t, NULL, "President");
}

static void test_short_names_take_the_full_name(void **state)
{
    (void)state;
    /* The later "Vardanyan" is the Ruben Vardanyan named first; an
     * unknown person too ("Hovhannisyan"). */
    const char *t = "Former state minister Ruben Vardanyan was detained at a "
                    "checkpoint. Local resident Gayane Hovhannisyan saw it.\n\n"
                    "Vardanyan denied the charges, Hovhannisyan said.";
    EXPECT_IN(t, "PERSON", "PERSON Vardanyan=Ruben Vardanyan");
    EXPECT_IN(t, "PERSON", "PERSON Hovhannisyan=Gayane Hovhannisyan");
    /* A short mention before the full one gets it as well. */
    EXPECT_IN("Lavrov speaks.\n\nRussian Foreign Minister Sergei Lavrov "
              "said on Monday that talks would resume.",
              "PERSON", "PERSON Lavrov=Sergei Lavrov");
}

static void test_aliases_and_nationalities(void **state)
{
    (void)state;
    const char *t = "The EU and Türkiye discussed the situation in Karabakh "
                    "with Azerbaijani and Armenian diplomats, U.S. officials "
                    "said.";
    EXPECT_IN(t, NULL, "ORG EU=European Union");
    EXPECT_IN(t, NULL, "GPE Türkiye=Turkey");
    EXPECT_IN(t, NULL, "GPE Karabakh=Nagorno-Karabakh");
    EXPECT_IN(t, NULL, "NORP Azerbaijani=Azerbaijan");
    EXPECT_IN(t, NULL, "NORP Armenian=Armenia");
    EXPECT_IN(t, NULL, "GPE U.S.=United States");
    /* An acronym needs capitals: "Support Us" names no country. */
    EXPECT_NOT_IN("Support Us\n\nDonate today.", NULL, "United States");
}

static void test_annotators_forms(void **state)
{
    (void)state;
    /* Middle initials go, a typographic apostrophe is "'", and a name
     * in capitals (a byline) is capitalised word by word. */
    const char *t = "By TZVI JOFFRE\n\nUS Secretary of State Antony J. "
                    "Blinken met Robert O’Brien in Washington. Blinken said "
                    "the talks went well.";
    EXPECT_IN(t, "PERSON", "PERSON TZVI JOFFRE=Tzvi Joffre");
    EXPECT_IN(t, "PERSON", "PERSON Antony J. Blinken=Antony Blinken");
    EXPECT_IN(t, "PERSON", "PERSON Blinken=Antony Blinken");
    EXPECT_IN(t, "PERSON", "PERSON Robert O’Brien=Robert O'Brien");
    /* Initials that are the first name stay; so do abbreviations in
     * capitals. */
    EXPECT_IN("Opposition leader A. B. Petrosyan said the talks would "
              "resume.",
              "PERSON", "PERSON A. B. Petrosyan=A. B. Petrosyan");
    EXPECT_NOT_IN("NK leaders met in Moscow.", NULL, "=Nk");
    /* Bodies as the annotators name them. */
    EXPECT_IN("The State Department and the OSCE welcomed it.", "ORG",
              "ORG State Department=US State Department");
    EXPECT_IN("The State Department and the OSCE welcomed it.", "ORG",
              "ORG OSCE=OSCE");
}

static void test_refers_to_for_capitals_acting_as_states(void **state)
{
    (void)state;
    const char *t = "Moscow said it would send more peacekeepers. Officials "
                    "met in Moscow on Tuesday.";
    EXPECT_IN(t, "GPE", "GPE Moscow=Moscow>Russia | GPE Moscow=Moscow");
    EXPECT_IN("The Kremlin said the talks went well.", NULL,
              "ORG Kremlin=Kremlin>Russia");
    EXPECT_IN("Pashinyan later flew to Baku and Tbilisi for talks.", "GPE",
              "GPE Baku=Baku | GPE Tbilisi=Tbilisi");
    EXPECT_IN("Yerevan and Baku accused each other of shelling.", "GPE",
              "GPE Yerevan=Yerevan>Armenia | GPE Baku=Baku>Azerbaijan");
}

static void test_hyphenated_parts(void **state)
{
    (void)state;
    /* Offsets are code points: the curly quotes before count one each. */
    const char *t = "\u201cPeace\u201d came with a Russian-brokered "
                    "ceasefire and a Moscow-led bloc.";
    EXPECT_IN(t, NULL, "NORP Russian=Russia | GPE Moscow=Moscow>Russia");
    EXPECT_NOT_IN(t, NULL, "brokered");
    EXPECT_IN("Nagorno-Karabakh talks resumed.", NULL,
              "GPE Nagorno-Karabakh=Nagorno-Karabakh");
    EXPECT_IN("The Armenia-Azerbaijan border was quiet.", NULL,
              "GPE Armenia=Armenia | GPE Azerbaijan=Azerbaijan");
}

static void test_possessives_and_regions(void **state)
{
    (void)state;
    EXPECT_IN("Russia\u2019s role in the South Caucasus is shrinking, "
              "analysts say.",
              NULL, "GPE Russia=Russia | LOC South Caucasus=South Caucasus");
    EXPECT_NOT_IN("Russia\u2019s role in the South Caucasus is shrinking.",
                  NULL, "\u2019s");
    EXPECT_IN("Ships crossed the Black Sea toward Georgia.", NULL,
              "LOC Black Sea=Black Sea | GPE Georgia=Georgia");
}

static void test_furniture_and_name_edges(void **state)
{
    (void)state;
    /* Capitalized common words opening web-page lines are no names. */
    const char *t = "Israel warns Iran.\nHere's a timeline\nSneak a peek at "
                    "our newsletter\nPress Ctrl + Enter to report an error";
    EXPECT_NOT_IN(t, NULL, "Here");
    EXPECT_NOT_IN(t, NULL, "Sneak");
    EXPECT_NOT_IN(t, NULL, "Enter");
    EXPECT_IN(t, NULL, "GPE Israel=Israel | GPE Iran=Iran");
    /* Names neither start nor end with a lowercase word. */
    EXPECT_IN("Talks between the Caucasus arch-foes resumed.", NULL,
              "LOC Caucasus=Caucasus");
    /* Titles are cut before people only; a known name is one span even
     * when the tagger reads it as two. */
    EXPECT_IN("The Russian Foreign Ministry said the talks would resume.", NULL,
              "ORG Russian Foreign Ministry=Russian Foreign Ministry");
}

static void test_label_filter_and_empty_input(void **state)
{
    (void)state;
    const char *t = "Armenian Prime Minister Nikol Pashinyan visited Paris.";
    EXPECT_IN(t, "PERSON", "PERSON Nikol Pashinyan=Nikol Pashinyan");
    EXPECT_NOT_IN(t, "PERSON", "NORP");
    EXPECT_NOT_IN(t, "PERSON", "GPE");
    assert_string_equal(analyze("", NULL), "");
    assert_string_equal(analyze("   \n\n ", NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_titles_outside_and_nationality),
        cmocka_unit_test(test_short_names_take_the_full_name),
        cmocka_unit_test(test_aliases_and_nationalities),
        cmocka_unit_test(test_annotators_forms),
        cmocka_unit_test(test_refers_to_for_capitals_acting_as_states),
        cmocka_unit_test(test_hyphenated_parts),
        cmocka_unit_test(test_possessives_and_regions),
        cmocka_unit_test(test_furniture_and_name_edges),
        cmocka_unit_test(test_label_filter_and_empty_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
