#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "glossa/testing.h"
#include "test_util.h"

const ent_spec_t TEST_ENTITIES[] = {
    {"Russia", "GPE", "Russia", NULL},
    {"Russian", "NORP", "Russia", NULL},
    {"Russians", "NORP", "Russia", NULL},
    {"Moscow", "GPE", "Moscow", "Russia"},
    {"Kremlin", "ORG", "Kremlin", "Russia"},
    {"Vladimir Putin", "PERSON", "Vladimir Putin", NULL},
    {"Putin", "PERSON", "Vladimir Putin", NULL},
    {"Sergei Lavrov", "PERSON", "Sergei Lavrov", NULL},
    {"Lavrov", "PERSON", "Sergei Lavrov", NULL},
    {"Armenia", "GPE", "Armenia", NULL},
    {"Armenian", "NORP", "Armenia", NULL},
    {"Armenians", "NORP", "Armenia", NULL},
    {"Azerbaijan", "GPE", "Azerbaijan", NULL},
    {"Azerbaijani", "NORP", "Azerbaijan", NULL},
    {"Yerevan", "GPE", "Yerevan", "Armenia"},
    {"Baku", "GPE", "Baku", "Azerbaijan"},
    {"Karabakh", "GPE", "Nagorno-Karabakh", NULL},
    {"Nagorno-Karabakh", "GPE", "Nagorno-Karabakh", NULL},
    {"Sochi", "GPE", "Sochi", NULL},
    {"Nikol Pashinyan", "PERSON", "Nikol Pashinyan", NULL},
    {"Pashinyan", "PERSON", "Nikol Pashinyan", NULL},
    {"Ilham Aliyev", "PERSON", "Ilham Aliyev", NULL},
    {"Aliyev", "PERSON", "Ilham Aliyev", NULL},
    {"Emmanuel Macron", "PERSON", "Emmanuel Macron", NULL},
    {"Macron", "PERSON", "Emmanuel Macron", NULL},
    {"Paris", "GPE", "Paris", "France"},
    {"EU", "ORG", "European Union", NULL},
    {"European Union", "ORG", "European Union", NULL},
    {"Brussels", "GPE", "Brussels", "European Union"},
    {"Charles Michel", "PERSON", "Charles Michel", NULL},
    {"Michel", "PERSON", "Charles Michel", NULL},
    {"Toivo Klaar", "PERSON", "Toivo Klaar", NULL},
    {"Ararat Mirzoyan", "PERSON", "Ararat Mirzoyan", NULL},
    {"Ukraine", "GPE", "Ukraine", NULL},
    {"China", "GPE", "China", NULL},
    {"Chinese", "NORP", "China", NULL},
    {"US", "GPE", "United States", NULL},
    {"United States", "GPE", "United States", NULL},
    {"Washington", "GPE", "Washington", "United States"},
    {"White House", "ORG", "White House", "United States"},
    {"Antony Blinken", "PERSON", "Antony Blinken", NULL},
    {"Blinken", "PERSON", "Antony Blinken", NULL},
    {"Donald Trump", "PERSON", "Donald Trump", NULL},
    {"Trump", "PERSON", "Donald Trump", NULL},
    {"Maria Zakharova", "PERSON", "Maria Zakharova", NULL},
    {"Zakharova", "PERSON", "Maria Zakharova", NULL},
    {"Dmitry Peskov", "PERSON", "Dmitry Peskov", NULL},
    {"Peskov", "PERSON", "Dmitry Peskov", NULL},
    {"Russian Foreign Ministry", "ORG", "Ministry of Foreign Affairs of Russia",
     NULL},
    {"Turkey", "GPE", "Turkey", NULL},
    {"Turkish", "NORP", "Turkey", NULL},
    {"TASS", "ORG", "TASS", NULL},
    {"Lachin", "GPE", "Lachin", NULL},
    {"Stepanakert", "GPE", "Stepanakert", NULL},
    {NULL, NULL, NULL, NULL}};

/* Loads a profile with the bundled rules and lexicon, and the learned
 * component or not. */
static mediation_model_t *load_model(const char *profile, int learned)
{
    char path[1024], err[1024];
    snprintf(path, sizeof path, "%s/%s", MEDIATION_DATA_DIR, profile);
    mediation_model_t *m = NULL;
    mediation_settings_t settings;
    mediation_settings_init(&settings);
    if (learned) {
        settings.classifier = MEDIATION_DATA_DIR "/model/polarity.json";
        settings.embeddings =
            MEDIATION_DATA_DIR "/embeddings/glove-6b-100d-30k.bin";
    }
    int rc = mediation_model_load(path, MEDIATION_DATA_DIR "/lexicon/vader.tsv",
                                  MEDIATION_DATA_DIR "/rules/en.json",
                                  &settings, &m, err, sizeof err);
    if (rc)
        fail_msg("cannot load %s: %s", path, err);
    return m;
}

/* The rules alone: these tests pin what each rule does. The learned
 * component, a statistical layer over them, is judged in aggregate (the
 * eval floors on the seed and dev gold) and by test_learned.c. */
mediation_model_t *test_model(const char *profile)
{
    return load_model(profile, 0);
}

mediation_model_t *test_model_learned(const char *profile)
{
    return load_model(profile, 1);
}

/* Names here are ASCII; any other byte (curly quotes, dashes) is a word
 * boundary. */
static int is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static uint32_t cp_at(const char *text, size_t byte)
{
    uint32_t cp = 0;
    for (size_t i = 0; i < byte; i++)
        cp += ((unsigned char)text[i] & 0xC0) != 0x80;
    return cp;
}

typedef struct found {
    size_t a, b; /* bytes */
    const ent_spec_t *spec;
} found_t;

static int by_start_longest(const void *x, const void *y)
{
    const found_t *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return (q->b > p->b) - (q->b < p->b);
}

void test_analyze(const mediation_model_t *m, const char *text,
                  const ent_spec_t *ents, mediation_result_t *res)
{
    test_analyze_quotes(m, text, ents, NULL, res);
}

/* The quotes of specs as a quotes layer would give them: the content
 * where it occurs first, the speaker phrase where it occurs first. */
static size_t make_quotes(const char *text, const quote_spec_t *specs,
                          mediation_quote_t *out, size_t max)
{
    size_t n = 0;
    for (const quote_spec_t *q = specs; q && q->content; q++) {
        const char *c = strstr(text, q->content);
        if (!c)
            fail_msg("quote \"%s\" is not in the text", q->content);
        assert_true(n < max);
        mediation_quote_t *o = &out[n++];
        o->start = cp_at(text, (size_t)(c - text));
        o->end = cp_at(text, (size_t)(c - text) + strlen(q->content));
        o->speaker = q->speaker;
        o->speaker_start = o->speaker_end = 0;
        o->direct = q->direct;
        const char *sp = q->speaker_text ? strstr(text, q->speaker_text) : NULL;
        if (sp) {
            o->speaker_start = cp_at(text, (size_t)(sp - text));
            o->speaker_end =
                cp_at(text, (size_t)(sp - text) + strlen(q->speaker_text));
        }
    }
    return n;
}

void test_analyze_quotes(const mediation_model_t *m, const char *text,
                         const ent_spec_t *ents, const quote_spec_t *quotes,
                         mediation_result_t *res)
{
    test_analyze_probe(m, text, ents, quotes, NULL, res);
}

void test_analyze_probe(const mediation_model_t *m, const char *text,
                        const ent_spec_t *ents, const quote_spec_t *quotes,
                        const mediation_probe_t *probe, mediation_result_t *res)
{
    size_t len = strlen(text);
    found_t found[512];
    size_t n_found = 0;
    for (const ent_spec_t *e = ents; e && e->surface; e++) {
        size_t sl = strlen(e->surface);
        for (const char *p = strstr(text, e->surface); p;
             p = strstr(p + 1, e->surface)) {
            size_t a = (size_t)(p - text), b = a + sl;
            if ((a > 0 && is_alnum((unsigned char)text[a - 1])) ||
                (b < len && is_alnum((unsigned char)text[b])))
                continue;
            assert_true(n_found < 512);
            found[n_found++] = (found_t){a, b, e};
        }
    }
    qsort(found, n_found, sizeof(found_t), by_start_longest);
    mediation_entity_t ment[512];
    size_t n = 0, end = 0;
    for (size_t i = 0; i < n_found; i++) {
        if (found[i].a < end)
            continue; /* inside a longer name */
        end = found[i].b;
        ment[n].start = cp_at(text, found[i].a);
        ment[n].end = cp_at(text, found[i].b);
        ment[n].label = mediation_label_parse(found[i].spec->label);
        ment[n].canonical = found[i].spec->canonical;
        ment[n].refers_to = found[i].spec->refers_to;
        n++;
    }
    glossa_segments_t seg;
    assert_int_equal(glossa_segments_make(text, len, &seg), 0);
    mediation_quote_t mq[64];
    size_t nq = make_quotes(text, quotes, mq, 64);
    mediation_doc_t doc = {.text = text,
                           .text_len = len,
                           .tokens = seg.tokens,
                           .n_tokens = seg.n_tokens,
                           .sentences = seg.sentences,
                           .n_sentences = seg.n_sentences,
                           .entities = ment,
                           .n_entities = n,
                           .quotes = mq,
                           .n_quotes = nq,
                           .has_quotes = quotes != NULL};
    assert_int_equal(mediation_analyze_probe(m, &doc, res, NULL, NULL, probe),
                     0);
    glossa_segments_free(&seg);
}

const mediation_span_t *test_span_for(const char *text,
                                      const mediation_result_t *res,
                                      const char *needle)
{
    const char *p = strstr(text, needle);
    if (!p)
        fail_msg("\"%s\" is not in the text", needle);
    uint32_t cp = cp_at(text, (size_t)(p - text));
    for (size_t i = 0; i < res->n_spans; i++)
        if (res->spans[i].start <= cp && cp < res->spans[i].end)
            return &res->spans[i];
    return NULL;
}

void test_expect(const mediation_model_t *m, const char *text,
                 const char *needle, mediation_polarity_t polarity,
                 const char *holder)
{
    test_expect_quotes(m, text, NULL, needle, polarity, holder);
}

void test_expect_quotes(const mediation_model_t *m, const char *text,
                        const quote_spec_t *quotes, const char *needle,
                        mediation_polarity_t polarity, const char *holder)
{
    mediation_result_t res;
    test_analyze_quotes(m, text, TEST_ENTITIES, quotes, &res);
    const mediation_span_t *sp = test_span_for(text, &res, needle);
    if (!sp)
        fail_msg("not relevant: %s", text);
    if (sp->polarity != polarity)
        fail_msg("polarity %s (score %.2f), expected %s: %s",
                 mediation_polarity_name(sp->polarity), sp->score,
                 mediation_polarity_name(polarity), text);
    if ((sp->score > 0) != (polarity > 0) || (sp->score < 0) != (polarity < 0))
        fail_msg("score %.2f disagrees with the polarity: %s", sp->score, text);
    if (holder && strcmp(sp->holder, holder) != 0)
        fail_msg("holder \"%s\", expected \"%s\": %s", sp->holder, holder,
                 text);
    mediation_result_free(&res);
}

void test_expect_irrelevant(const mediation_model_t *m, const char *text,
                            const char *needle)
{
    mediation_result_t res;
    test_analyze(m, text, TEST_ENTITIES, &res);
    if (test_span_for(text, &res, needle))
        fail_msg("relevant, expected not: \"%s\" in %s", needle, text);
    mediation_result_free(&res);
}

void test_expect_none(const mediation_model_t *m, const char *text)
{
    mediation_result_t res;
    test_analyze(m, text, TEST_ENTITIES, &res);
    if (res.n_spans)
        fail_msg("%zu relevant sentence(s), expected none: %s", res.n_spans,
                 text);
    mediation_result_free(&res);
}
