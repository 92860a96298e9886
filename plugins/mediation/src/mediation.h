/* mediation_core: targeted, holder-aware sentiment toward a mediator's role.
 *
 * The analysis of the `mediation` plugin as a library that needs no host:
 * it takes a document's text, the core's tokens and sentences, and the
 * document's entity spans, and returns one result per relevant sentence
 * plus a document summary. The plugin (mediation_plugin.c) is a thin layer
 * that feeds it from the host table; tests and the development harness
 * feed it directly.
 *
 * What is analysed comes from data files, never from code:
 *   - a profile (JSON): the target and its stand-ins, the role and context
 *     cues, the domain polarity cues with their weights, the terms whose
 *     general sentiment means nothing in the domain; a profile may
 *     "include" other profile files (merged, paths relative to it);
 *   - a general sentiment lexicon (TSV: word, valence on VADER's -4..4);
 *   - English rules (JSON): negators, intensifiers, hedges, modality,
 *     contrast, shifters, reporting and stance verbs, subject grammar.
 *
 * THREADS. A model is immutable once mediation_model_load() returns: any
 * number of threads may call mediation_analyze() on it at once. Each call
 * allocates its own working memory (a few arrays per document, none per
 * token). Nothing here has global state.
 *
 * OFFSETS. Entities and results use code points, like the plugin API. */
#ifndef MEDIATION_H
#define MEDIATION_H

#include <stddef.h>
#include <stdint.h>

#include <glossa/error.h>
#include <glossa/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mediation_model mediation_model_t;

/* Analysis settings that a pipeline may change (plugin config keys of the
 * same names). */
typedef struct mediation_settings {
    double threshold;     /* |score| below it is neutral; default 0.2 */
    double document_band; /* |mean| below it labels a document neutral;
                             default 0.05 (the annotation guidelines) */
    /* The learned component's model file (read at load only), or NULL or
     * "" for the rules alone; default NULL. */
    const char *classifier;
    /* The word vectors the learned component's features read (read at
     * load only), or NULL or "" for none; default NULL. A classifier
     * whose features name them needs them. */
    const char *embeddings;
} mediation_settings_t;

/* Fills the defaults. */
void mediation_settings_init(mediation_settings_t *s);

/* Loads a model from its three files. Returns 0, or a negative GLOSSA_E*
 * code after writing a message naming the file (and, for JSON, line and
 * column) into err (NUL-terminated, at most err_size bytes; err may be
 * NULL). settings may be NULL for defaults. On success *out is a new model
 * that the caller releases with mediation_model_free(). */
int mediation_model_load(const char *profile_path, const char *lexicon_path,
                         const char *rules_path,
                         const mediation_settings_t *settings,
                         mediation_model_t **out, char *err, size_t err_size);

/* NULL allowed. */
void mediation_model_free(mediation_model_t *model);

/* The profile's target name ("Russia"); borrowed from the model. */
const char *mediation_model_target(const mediation_model_t *model);

typedef enum mediation_label {
    MEDIATION_OTHER = 0,
    MEDIATION_PERSON,
    MEDIATION_ORG,
    MEDIATION_GPE,
    MEDIATION_LOC,
    MEDIATION_NORP
} mediation_label_t;

/* "PERSON" -> MEDIATION_PERSON, ...; anything else MEDIATION_OTHER. */
mediation_label_t mediation_label_parse(const char *label);

/* One entity span of the `entities` layer. Strings are borrowed and must
 * outlive the mediation_analyze() call (and the results, whose holders may
 * point into them). */
typedef struct mediation_entity {
    uint32_t start, end; /* code points, end exclusive */
    mediation_label_t label;
    const char *canonical; /* never NULL */
    const char *refers_to; /* NULL when absent */
} mediation_entity_t;

/* One span of the `quotes` layer: a direct quotation or reported
 * content, and who said it. Strings are borrowed like the entities'. */
typedef struct mediation_quote {
    uint32_t start, end; /* code points: the content, end exclusive */
    /* The phrase that names the speaker ("the Kremlin press service");
     * speaker_start == speaker_end when the layer gives none. */
    uint32_t speaker_start, speaker_end;
    const char *speaker; /* canonical name, or NULL for nobody named */
    int direct;          /* a quotation in marks, else reported speech */
} mediation_quote_t;

/* One document as the core segmented it. Borrowed for the call. */
typedef struct mediation_doc {
    const char *text; /* UTF-8 */
    size_t text_len;  /* bytes */
    const glossa_token_t *tokens;
    size_t n_tokens;
    const glossa_sentence_t *sentences;
    size_t n_sentences;
    const mediation_entity_t *entities; /* sorted by start */
    size_t n_entities;
    /* The `quotes` layer, sorted by start, when has_quotes: holders of
     * what it covers come from it. Without it (a pipeline without the
     * quotes plugin) they come from the analysis's own reporting frames
     * and its guess of whose quotation runs on. */
    const mediation_quote_t *quotes;
    size_t n_quotes;
    int has_quotes;
} mediation_doc_t;

typedef enum mediation_polarity {
    MEDIATION_NEGATIVE = -1,
    MEDIATION_NEUTRAL = 0,
    MEDIATION_POSITIVE = 1
} mediation_polarity_t;

/* "negative", "neutral", "positive". */
const char *mediation_polarity_name(mediation_polarity_t p);

/* One relevant sentence. */
typedef struct mediation_span {
    uint32_t sentence;   /* index into doc->sentences */
    uint32_t start, end; /* code points: the sentence */
    mediation_polarity_t polarity;
    double score; /* in [-1, 1], 0 when neutral */
    /* "author", or the holder's canonical name. Borrowed: from the model
     * or from the doc's entity strings. */
    const char *holder;
} mediation_span_t;

typedef struct mediation_result {
    mediation_span_t *spans; /* owned; n_spans of them, in text order */
    size_t n_spans;
    double mean_score; /* 0 when nothing is relevant */
    size_t counts[3];  /* by polarity + 1: negative, neutral, positive */
    mediation_polarity_t label;
} mediation_result_t;

/* Optional explanation of the decisions, one line per call (for the
 * development harness and for debugging rules; NULL in production). */
typedef void (*mediation_trace_cb)(void *ud, const char *line);

/* Analyses one document. Returns 0, GLOSSA_EINVAL for an inconsistent doc
 * (a token or sentence out of the text), or GLOSSA_ENOMEM; on error res
 * holds nothing. Release res with mediation_result_free(). */
int mediation_analyze(const mediation_model_t *model,
                      const mediation_doc_t *doc, mediation_result_t *res,
                      mediation_trace_cb trace, void *trace_ud);

/* NULL allowed; leaves res empty. */
void mediation_result_free(mediation_result_t *res);

/* ---- Development: the learned component's features --------------------- */

/* Called for each sentence judged, after the rules, with the features
 * the classifier reads (names and values borrowed for the call). */
typedef void (*mediation_features_cb)(void *ud, size_t sentence,
                                      const char *const *names,
                                      const double *values, size_t n);

/* What a training tool asks of an analysis. */
typedef struct mediation_probe {
    /* Per sentence (doc->n_sentences of them), or NULL: nonzero judges
     * the sentence as relevant whatever the relevance step says (the
     * gold's relevant sentences, to learn polarity from all of them). */
    const uint8_t *force;
    mediation_features_cb features; /* or NULL */
    void *ud;
} mediation_probe_t;

/* mediation_analyze() with a probe (NULL: the same as it). */
int mediation_analyze_probe(const mediation_model_t *model,
                            const mediation_doc_t *doc, mediation_result_t *res,
                            mediation_trace_cb trace, void *trace_ud,
                            const mediation_probe_t *probe);

/* ---- JSON, in the shapes of the annotation guidelines ------------------ */

/* Reads an `entities` layer (an array of spans with "start", "end",
 * "label", "canonical" and optional "refers_to"; sorted by start, as the
 * host hands layers over) into a new array (*out, free() it; NULL when
 * empty). Strings are borrowed from `layer`. Spans without integer
 * offsets or a canonical string are skipped. Returns 0, GLOSSA_EINVAL
 * when `layer` is not an array, or GLOSSA_ENOMEM. */
int mediation_entities_from_json(const json_t *layer, mediation_entity_t **out,
                                 size_t *n);

/* Reads a `quotes` layer (spans with "start", "end", "kind", "speaker"
 * (a string or null), optional "speaker_start" and "speaker_end") into a
 * new array (*out, free() it; NULL when empty), sorted by start. Strings
 * are borrowed from `layer`. Spans without integer offsets are skipped.
 * Returns 0, GLOSSA_EINVAL when `layer` is not an array, or
 * GLOSSA_ENOMEM. */
int mediation_quotes_from_json(const json_t *layer, mediation_quote_t **out,
                               size_t *n);

/* Sorts quotes as the analysis reads them: by start, then end. Any reader
 * of a `quotes` layer (the JSON one above, the plugin's flat one) uses it,
 * so that both give the analysis the same order. */
void mediation_quotes_sort(mediation_quote_t *quotes, size_t n);

/* Sets "polarity", "score" (rounded to 3 decimals) and "holder" on a span
 * object. Returns 0 or GLOSSA_ENOMEM. */
int mediation_span_to_json(const mediation_span_t *span, json_t *obj);

/* The document summary {"label", "mean_score", "n_relevant", "counts":
 * {"positive", "negative", "neutral"}} as a new reference, or NULL when
 * out of memory. */
json_t *mediation_document_to_json(const mediation_result_t *res);

#ifdef __cplusplus
}
#endif

#endif
