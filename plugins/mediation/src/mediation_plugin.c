/* The `mediation` plugin: the host's document, sentences, tokens and its
 * `entities` and `quotes` layers in, mediation_core's results out. All the
 * analysis lives in mediation_core (mediation.h); this file only adapts. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/plugin.h>

#include "mediation.h"

typedef struct state {
    const glossa_host_t *host;
    mediation_model_t *model;
} state_t;

static const glossa_option_t OPTIONS[] = {
    {.key = "profile",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"profiles/russia.json\"",
     .description =
         "the target profile (JSON), relative to the plugin's data directory "
         "unless absolute; profiles/us.json and profiles/eu.json are the "
         "US's and the EU's mediation roles"},
    {.key = "lexicon",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"lexicon/vader.tsv\"",
     .description =
         "the general sentiment lexicon (word<TAB>valence on -4..4)"},
    {.key = "rules",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"rules/en.json\"",
     .description =
         "the English rules: negation, intensity, contrast, reporting verbs"},
    {.key = "classifier",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"model/polarity.json\"",
     .description = "the learned component's model file "
                    "(tools/train_polarity.py), or \"\" for the rules alone"},
    {.key = "embeddings",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"embeddings/glove-6b-100d-30k.bin\"",
     .description = "the word vectors the learned component's features read "
                    "(tools/convert_glove.py), or \"\" for none (then the "
                    "classifier must not name them)"},
    {.key = "threshold",
     .type = GLOSSA_OPTION_REAL,
     .default_json = "0.2",
     .description =
         "a sentence whose net sentiment is below this (absolute) is neutral",
     .minimum = "0",
     .maximum = "1"},
    {.key = "document_band",
     .type = GLOSSA_OPTION_REAL,
     .default_json = "0.05",
     .description =
         "a document whose mean score is below this (absolute) is neutral",
     .minimum = "0",
     .maximum = "1"},
    {.key = NULL},
};

/* Resolves a configured path against the data directory. */
static int data_path(const glossa_create_args_t *args, const char *key,
                     char *out, size_t size, char *err, size_t err_size)
{
    const json_t *v = json_object_get(args->config, key);
    const char *rel = json_is_string(v) ? json_string_value(v) : NULL;
    if (!rel || !*rel) {
        snprintf(err, err_size, "config \"%s\" must be a non-empty string",
                 key);
        return -1;
    }
    int n = (rel[0] == '/' || !args->data_dir)
                ? snprintf(out, size, "%s", rel)
                : snprintf(out, size, "%s/%s", args->data_dir, rel);
    if (n < 0 || (size_t)n >= size) {
        snprintf(err, err_size, "config \"%s\": path too long", key);
        return -1;
    }
    return 0;
}

static double config_real(const json_t *config, const char *key, double dflt)
{
    const json_t *v = json_object_get(config, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static void *mediation_create(const glossa_create_args_t *args, char *err,
                              size_t err_size)
{
    char profile[4096], lexicon[4096], rules[4096], classifier[4096],
        embeddings[4096];
    const json_t *cj = json_object_get(args->config, "classifier");
    int learned = !json_is_string(cj) || json_string_length(cj) > 0;
    const json_t *ej = json_object_get(args->config, "embeddings");
    int vectors = !json_is_string(ej) || json_string_length(ej) > 0;
    if (data_path(args, "profile", profile, sizeof profile, err, err_size) ||
        data_path(args, "lexicon", lexicon, sizeof lexicon, err, err_size) ||
        data_path(args, "rules", rules, sizeof rules, err, err_size) ||
        (learned && data_path(args, "classifier", classifier, sizeof classifier,
                              err, err_size)) ||
        (vectors && data_path(args, "embeddings", embeddings, sizeof embeddings,
                              err, err_size)))
        return NULL;
    mediation_settings_t settings;
    mediation_settings_init(&settings);
    settings.threshold =
        config_real(args->config, "threshold", settings.threshold);
    settings.document_band =
        config_real(args->config, "document_band", settings.document_band);
    settings.classifier = learned ? classifier : NULL;
    settings.embeddings = vectors ? embeddings : NULL;
    state_t *st = calloc(1, sizeof(*st));
    if (!st) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    st->host = args->host;
    if (mediation_model_load(profile, lexicon, rules, &settings, &st->model,
                             err, err_size)) {
        free(st);
        return NULL;
    }
    return st;
}

/* The layers as mediation_core reads them, from the host's flat spans
 * (mediation_json.c reads the same shapes from JSON, for the harness).
 * Strings are borrowed: the core's are NUL-terminated (plugin.h). The
 * layers come sorted by (start, end). */
static int entities_from_spans(const glossa_span_view_t *spans, size_t count,
                               mediation_entity_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (count == 0)
        return 0;
    mediation_entity_t *ents = malloc(count * sizeof(*ents));
    if (!ents)
        return GLOSSA_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const glossa_span_view_t *s = &spans[i];
        const char *canonical = glossa_span_string(s, "canonical", NULL);
        if (!canonical || s->end > UINT32_MAX)
            continue;
        mediation_entity_t *e = &ents[k++];
        e->start = (uint32_t)s->start;
        e->end = (uint32_t)s->end;
        e->label = mediation_label_parse(s->label);
        e->canonical = canonical;
        e->refers_to = glossa_span_string(s, "refers_to", NULL);
    }
    *out = ents;
    *n = k;
    return 0;
}

/* An integer field within [0, UINT32_MAX], or -1. */
static long long offset_of(const glossa_span_view_t *s, const char *key)
{
    const glossa_span_field_t *f = glossa_span_field_get(s, key);
    if (!f || f->type != GLOSSA_VALUE_INTEGER || f->integer < 0 ||
        f->integer > (int64_t)UINT32_MAX)
        return -1;
    return (long long)f->integer;
}

static int quotes_from_spans(const glossa_span_view_t *spans, size_t count,
                             mediation_quote_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (count == 0)
        return 0;
    mediation_quote_t *qs = malloc(count * sizeof(*qs));
    if (!qs)
        return GLOSSA_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const glossa_span_view_t *s = &spans[i];
        if (s->end > UINT32_MAX)
            continue;
        long long ss = offset_of(s, "speaker_start");
        long long se = offset_of(s, "speaker_end");
        const char *kind = glossa_span_string(s, "kind", NULL);
        mediation_quote_t *q = &qs[k++];
        q->start = (uint32_t)s->start;
        q->end = (uint32_t)s->end;
        q->speaker_start = q->speaker_end = 0;
        if (ss >= 0 && se > ss) {
            q->speaker_start = (uint32_t)ss;
            q->speaker_end = (uint32_t)se;
        }
        q->speaker = glossa_span_string(s, "speaker", NULL);
        q->direct = kind && strcmp(kind, "direct") == 0;
    }
    /* As mediation_quotes_from_json orders them (the layer's ties may
     * come in another order than by start alone). */
    mediation_quotes_sort(qs, k);
    *out = qs;
    *n = k;
    return 0;
}

static int mediation_annotate(void *state, glossa_ctx_t *ctx)
{
    const state_t *st = state;
    const glossa_host_t *h = st->host;
    mediation_doc_t doc;
    memset(&doc, 0, sizeof doc);
    doc.text = h->doc_text(ctx, &doc.text_len);
    doc.tokens = h->doc_tokens(ctx, &doc.n_tokens);
    doc.sentences = h->doc_sentences(ctx, &doc.n_sentences);
    /* A host without the 1.2 calls (tests/test_so.c's) gets the JSON
     * readers the development harness uses. */
    int flat = GLOSSA_HOST_HAS(h, layer_spans) && GLOSSA_HOST_HAS(h, span_put);
    size_t n_spans;
    const glossa_span_view_t *spans =
        flat ? h->layer_spans(ctx, "entities", &n_spans) : NULL;
    const json_t *layer = flat ? NULL : h->doc_layer(ctx, "entities");
    if (!spans && !layer)
        return h->fail(ctx, "the entities layer is missing");
    mediation_entity_t *ents = NULL;
    int rc = flat ? entities_from_spans(spans, n_spans, &ents, &doc.n_entities)
                  : mediation_entities_from_json(layer, &ents, &doc.n_entities);
    if (rc)
        return h->fail(ctx, "cannot read the entities layer: %s",
                       rc == GLOSSA_ENOMEM ? "out of memory" : "not an array");
    doc.entities = ents;
    /* Without its quotes (the quotes plugin failed on this document) the
     * analysis still runs, on its own frames. */
    mediation_quote_t *quotes = NULL;
    const glossa_span_view_t *qspans =
        flat ? h->layer_spans(ctx, "quotes", &n_spans) : NULL;
    const json_t *qlayer = flat ? NULL : h->doc_layer(ctx, "quotes");
    if (qspans || qlayer) {
        rc = flat ? quotes_from_spans(qspans, n_spans, &quotes, &doc.n_quotes)
                  : mediation_quotes_from_json(qlayer, &quotes, &doc.n_quotes);
        if (rc) {
            free(ents);
            return h->fail(ctx, "cannot read the quotes layer: %s",
                           rc == GLOSSA_ENOMEM ? "out of memory"
                                               : "not an array");
        }
        doc.quotes = quotes;
        doc.has_quotes = 1;
    }

    mediation_result_t res;
    rc = mediation_analyze(st->model, &doc, &res, NULL, NULL);
    if (rc) {
        free(ents);
        free(quotes);
        return h->fail(ctx, "analysis failed: %s",
                       rc == GLOSSA_ENOMEM ? "out of memory"
                                           : "inconsistent segmentation");
    }
    for (size_t i = 0; i < res.n_spans && !rc; i++) {
        const mediation_span_t *sp = &res.spans[i];
        /* As mediation_span_to_json writes it (a holder is never NULL
         * there: json_string(NULL) would fail the span). */
        glossa_span_field_t f[3] = {
            glossa_span_field_string("polarity",
                                     mediation_polarity_name(sp->polarity)),
            glossa_span_field_real("score", round(sp->score * 1000.0) / 1000.0),
            glossa_span_field_string("holder", sp->holder)};
        if (flat) {
            rc = sp->holder && !h->span_put(ctx, sp->start, sp->end, NULL, f, 3)
                     ? 0
                     : GLOSSA_ENOMEM;
            continue;
        }
        json_t *obj = h->span_add(ctx, sp->start, sp->end, NULL);
        rc = obj ? mediation_span_to_json(sp, obj) : GLOSSA_ENOMEM;
    }
    if (!rc) {
        json_t *summary = mediation_document_to_json(&res);
        rc = summary ? h->document_set(ctx, summary) : GLOSSA_ENOMEM;
    }
    /* Holders point into the entity layer's strings: span_put copied
     * them, so both can go now. */
    mediation_result_free(&res);
    free(ents);
    free(quotes);
    if (rc)
        return h->fail(ctx, "out of memory");
    return 0;
}

static void mediation_destroy(void *state)
{
    state_t *st = state;
    if (!st)
        return;
    mediation_model_free(st->model);
    free(st);
}

/* The quotes layer gives the holders of what it covers; the analysis
 * finds the rest with its own reporting frames. */
static const char *const INPUTS[] = {"entities", "quotes", NULL};

static const char *const POLARITIES[] = {"positive", "negative", "neutral",
                                         NULL};

/* The fields of a relevant sentence and of the document summary, for the
 * output schema (glossa schema). */
static const glossa_field_t SPAN_FIELDS[] = {
    {.name = "polarity",
     .type = "string",
     .description = "the stance toward the mediator's role",
     .required = 1,
     .choices = POLARITIES},
    {.name = "score",
     .type = "number",
     .description = "the stance's strength, its sign the polarity's (0 when "
                    "neutral): 0.3 weak, 0.5 moderate, 0.8 strong",
     .required = 1,
     .minimum = "-1",
     .maximum = "1"},
    {.name = "holder",
     .type = "string",
     .description = "whose stance: \"author\", or the canonical name of the "
                    "person or body quoted or reported",
     .required = 1},
    {.name = NULL},
};

static const glossa_field_t DOCUMENT_FIELDS[] = {
    {.name = "label",
     .type = "string",
     .description = "the sign of the mean score (neutral when |mean| < "
                    "document_band)",
     .required = 1,
     .choices = POLARITIES},
    {.name = "mean_score",
     .type = "number",
     .description = "the mean score of the relevant sentences (0 when none)",
     .required = 1,
     .minimum = "-1",
     .maximum = "1"},
    {.name = "n_relevant",
     .type = "integer",
     .description = "the number of relevant sentences",
     .required = 1,
     .minimum = "0"},
    {.name = "counts",
     .type = "object",
     .description = "relevant sentences per polarity: {positive, negative, "
                    "neutral}",
     .required = 1},
    {.name = NULL},
};

static const glossa_plugin_t DESCRIPTOR = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "mediation",
    .version = "0.2.0",
    .description = "holder-aware sentiment toward a mediator's role "
                   "(default: Russia between Armenia and Azerbaijan)",
    .inputs = INPUTS,
    .create = mediation_create,
    .annotate = mediation_annotate,
    .destroy = mediation_destroy,
    .options = OPTIONS,
    .span_fields = SPAN_FIELDS,
    .document_fields = DOCUMENT_FIELDS,
};

GLOSSA_PLUGIN_DEFINE(DESCRIPTOR)
