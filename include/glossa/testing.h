/* Testing a plugin without the whole runtime: the plugin SDK's test host
 * and the core's segmentation, for plugin authors' tests and tools.
 *
 *   glossa_test_host_t *h;
 *   glossa_test_host_new("./build/keywords.so", config, &h, &err);
 *   glossa_test_host_set_input(h, "entities", gold_spans, NULL);  // if read
 *   json_t *record;
 *   glossa_test_host_annotate(h, "Text...", 7, NULL, &record, &err);
 *   // record: {"id", "meta", "annotations": {"keywords": [...]},
 *   //          "document": {...}, "errors": [...]}, as glossa run writes it
 *   json_decref(record);
 *   glossa_test_host_free(h);
 *
 * The test host loads the plugin with the real loader (descriptor and
 * configuration checks), creates one instance, and annotates one text at
 * a time with the core's own code: the UTF-8 policy, segmentation, the
 * host table, the span checks and the record. The layers the plugin reads
 * (its declared inputs) are not computed: the test gives them, so that a
 * test can feed gold entities, say, and not depend on another plugin.
 *
 * THREADS. A test host is used from one thread at a time. */
#ifndef GLOSSA_TESTING_H
#define GLOSSA_TESTING_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"
#include "export.h"
#include "plugin.h"
#include "runtime.h" /* glossa_free() */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct glossa_test_host glossa_test_host_t;

/* Loads the plugin (a path, or a name looked up as glossa run does) and
 * creates an instance with `config` (borrowed; NULL for {}). Returns 0, or
 * the error glossa run would report (ELOAD, EABI, ECONFIG...). */
GLOSSA_API int glossa_test_host_new(const char *plugin, const json_t *config,
                                    glossa_test_host_t **out,
                                    glossa_error_t *err);

/* Gives the layer of one of the plugin's declared inputs, for the texts
 * annotated from now on: spans (an array, borrowed; NULL for none) and a
 * document result (an object, borrowed, or NULL). An input never given is
 * an empty layer. The spans are checked as a plugin's would be (offsets,
 * "text" filled in) against each text. Returns 0, GLOSSA_EINVAL (not a
 * declared input, or not an array) or GLOSSA_ENOMEM. */
GLOSSA_API int glossa_test_host_set_input(glossa_test_host_t *host,
                                          const char *input,
                                          const json_t *spans,
                                          const json_t *document);

/* Annotates one text (raw bytes: invalid UTF-8 is repaired as in a run)
 * with metadata `meta` (borrowed; NULL for {}). *record gets a new
 * reference to the record a run would write for it, id "test". Returns 0
 * (the plugin's own failure is in the record's errors), or GLOSSA_ENOMEM
 * or GLOSSA_EINVAL. */
GLOSSA_API int glossa_test_host_annotate(glossa_test_host_t *host,
                                         const char *text, size_t len,
                                         const json_t *meta, json_t **record,
                                         glossa_error_t *err);

/* NULL allowed. Destroys the instance and unloads the plugin. */
GLOSSA_API void glossa_test_host_free(glossa_test_host_t *host);

/* Segments text as the core does for every plugin (tokens and sentences,
 * plugin.h), for tools that work on text outside a run. The text must be
 * valid UTF-8 without NUL bytes. *tokens and *sentences are allocated;
 * release them with glossa_free(). Returns 0, GLOSSA_EINVAL (invalid
 * UTF-8, NUL, too long) or GLOSSA_ENOMEM. */
GLOSSA_API int glossa_segment_text(const char *text, size_t len,
                                   glossa_token_t **tokens, size_t *n_tokens,
                                   glossa_sentence_t **sentences,
                                   size_t *n_sentences);

/* The tokens and sentences of one text, as glossa_segment_text() makes
 * them, in one place. */
typedef struct glossa_segments {
    glossa_token_t *tokens;
    size_t n_tokens;
    glossa_sentence_t *sentences;
    size_t n_sentences;
} glossa_segments_t;

static inline int glossa_segments_make(const char *text, size_t len,
                                       glossa_segments_t *s)
{
    return glossa_segment_text(text, len, &s->tokens, &s->n_tokens,
                               &s->sentences, &s->n_sentences);
}

static inline void glossa_segments_free(glossa_segments_t *s)
{
    glossa_free(s->tokens);
    glossa_free(s->sentences);
    s->tokens = NULL;
    s->sentences = NULL;
    s->n_tokens = s->n_sentences = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* GLOSSA_TESTING_H */
