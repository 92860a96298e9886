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

/* The region's names as the entities layer would tag them; ends with a
 * NULL surface. */
extern const ent_spec_t TEST_ENTITIES[];

/* Loads the bundled model with the given profile (relative to the data
 * directory), failing the test on error. */
mediation_model_t *test_model(const char *profile);

/* Segments `text` with the core's segmenter, tags every whole-word
 * occurrence of the surfaces in `ents` (longest first, no overlaps) and
 * analyses it. Fails the test on error. */
void test_analyze(const mediation_model_t *m, const char *text,
                  const ent_spec_t *ents, mediation_result_t *res);

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

/* Analyses `text` and checks that no sentence is relevant. */
void test_expect_none(const mediation_model_t *m, const char *text);

#endif
