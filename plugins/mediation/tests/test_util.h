/* Helpers shared by the mediation unit tests: a model from the plugin's
 * data directory, and the analysis of a text whose entities are found by
 * their surface forms, as a tagger would give them. */
#ifndef MEDIATION_TEST_UTIL_H
#define MEDIATION_TEST_UTIL_H

#include "mediation.h"

typedef struct ent_spec {
    const char *surface;
    const char *label;
    const char *canonical;
    const char *refers_to; /* NULL: none */
} ent_spec_t;

/* A quotation as the quotes layer would give it: its content and its
 * speaker (canonical name or NULL), found in the text by their first
 * occurrence; speaker_text may be NULL. */
typedef struct quote_spec {
    const char *content;
    const char *speaker;
    const char *speaker_text;
    int direct;
} quote_spec_t;

/* The region's names as the entities layer would tag them; ends with a
 * NULL surface. */
extern const ent_spec_t TEST_ENTITIES[];

/* Loads the bundled rules and lexicon with the given profile (relative
 * to the data directory), without the learned component, failing the
 * test on error. */
mediation_model_t *test_model(const char *profile);
/* The same with the learned component (classifier and word vectors), as
 * the plugin loads it by default. */
mediation_model_t *test_model_learned(const char *profile);

/* Segments `text` with the core's segmenter, tags every whole-word
 * occurrence of the surfaces in `ents` (longest first, no overlaps) and
 * analyses it. Fails the test on error. */
void test_analyze(const mediation_model_t *m, const char *text,
                  const ent_spec_t *ents, mediation_result_t *res);

/* test_analyze() with a quotes layer (quotes ends with a NULL content;
 * NULL: no quotes layer at all). */
void test_analyze_quotes(const mediation_model_t *m, const char *text,
                         const ent_spec_t *ents, const quote_spec_t *quotes,
                         mediation_result_t *res);

/* test_analyze_quotes() with a probe (NULL: none). */
void test_analyze_probe(const mediation_model_t *m, const char *text,
                        const ent_spec_t *ents, const quote_spec_t *quotes,
                        const mediation_probe_t *probe,
                        mediation_result_t *res);

/* The span of the sentence of `text` that contains `needle`, or NULL when
 * that sentence is not relevant. */
const mediation_span_t *test_span_for(const char *text,
                                      const mediation_result_t *res,
                                      const char *needle);

/* Analyses `text` and checks the sentence containing `needle`: relevant
 * with this polarity and holder (holder NULL: any). */
void test_expect(const mediation_model_t *m, const char *text,
                 const char *needle, mediation_polarity_t polarity,
                 const char *holder);

/* test_expect() with a quotes layer. */
void test_expect_quotes(const mediation_model_t *m, const char *text,
                        const quote_spec_t *quotes, const char *needle,
                        mediation_polarity_t polarity, const char *holder);

/* Analyses `text` and checks that the sentence containing `needle` is not
 * relevant. */
void test_expect_irrelevant(const mediation_model_t *m, const char *text,
                            const char *needle);

/* Analyses `text` and checks that no sentence is relevant. */
void test_expect_none(const mediation_model_t *m, const char *text);

#endif
