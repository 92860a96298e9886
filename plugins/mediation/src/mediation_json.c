/* JSON in and out of mediation_core, shared by the plugin and the
 * development harness so that both read and write the same shapes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mediation.h"

static int by_start(const void *a, const void *b)
{
    const mediation_entity_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

int mediation_entities_from_json(const json_t *layer, mediation_entity_t **out,
                                 size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(layer))
        return GLOSSA_EINVAL;
    size_t count = json_array_size(layer);
    if (count == 0)
        return 0;
    mediation_entity_t *ents = malloc(count * sizeof(*ents));
    if (!ents)
        return GLOSSA_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const json_t *span = json_array_get(layer, i);
        const json_t *start = json_object_get(span, "start");
        const json_t *end = json_object_get(span, "end");
        const json_t *canonical = json_object_get(span, "canonical");
        const json_t *refers = json_object_get(span, "refers_to");
        if (!json_is_integer(start) || !json_is_integer(end) ||
            !json_is_string(canonical) || json_integer_value(start) < 0 ||
            json_integer_value(end) < json_integer_value(start) ||
            json_integer_value(end) > (json_int_t)UINT32_MAX)
            continue;
        mediation_entity_t *e = &ents[k++];
        e->start = (uint32_t)json_integer_value(start);
        e->end = (uint32_t)json_integer_value(end);
        e->label = mediation_label_parse(
            json_string_value(json_object_get(span, "label")));
        e->canonical = json_string_value(canonical);
        e->refers_to =
            json_is_string(refers) ? json_string_value(refers) : NULL;
    }
    /* The host hands layers over sorted; other sources (gold files) may
     * not be, and the analysis walks entities and tokens in step. */
    for (size_t i = 1; i < k; i++)
        if (ents[i].start < ents[i - 1].start) {
            qsort(ents, k, sizeof(*ents), by_start);
            break;
        }
    *out = ents;
    *n = k;
    return 0;
}

static int quote_by_start(const void *a, const void *b)
{
    const mediation_quote_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

void mediation_quotes_sort(mediation_quote_t *quotes, size_t n)
{
    qsort(quotes, n, sizeof(*quotes), quote_by_start);
}

/* A span's integer offset at key, or -1 when absent or out of range. */
static long long offset_of(const json_t *span, const char *key)
{
    const json_t *v = json_object_get(span, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > (json_int_t)UINT32_MAX)
        return -1;
    return (long long)json_integer_value(v);
}

int mediation_quotes_from_json(const json_t *layer, mediation_quote_t **out,
                               size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(layer))
        return GLOSSA_EINVAL;
    size_t count = json_array_size(layer);
    if (count == 0)
        return 0;
    mediation_quote_t *qs = malloc(count * sizeof(*qs));
    if (!qs)
        return GLOSSA_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        const json_t *span = json_array_get(layer, i);
        long long start = offset_of(span, "start"),
                  end = offset_of(span, "end");
        if (start < 0 || end < start)
            continue;
        long long ss = offset_of(span, "speaker_start");
        long long se = offset_of(span, "speaker_end");
        const json_t *speaker = json_object_get(span, "speaker");
        const char *kind = json_string_value(json_object_get(span, "kind"));
        mediation_quote_t *q = &qs[k++];
        q->start = (uint32_t)start;
        q->end = (uint32_t)end;
        q->speaker_start = q->speaker_end = 0;
        if (ss >= 0 && se > ss) {
            q->speaker_start = (uint32_t)ss;
            q->speaker_end = (uint32_t)se;
        }
        q->speaker =
            json_is_string(speaker) ? json_string_value(speaker) : NULL;
        q->direct = kind && strcmp(kind, "direct") == 0;
    }
    mediation_quotes_sort(qs, k);
    *out = qs;
    *n = k;
    return 0;
}

static json_t *rounded(double x)
{
    return json_real(round(x * 1000.0) / 1000.0);
}

int mediation_span_to_json(const mediation_span_t *span, json_t *obj)
{
    if (json_object_set_new(
            obj, "polarity",
            json_string(mediation_polarity_name(span->polarity))) ||
        json_object_set_new(obj, "score", rounded(span->score)) ||
        json_object_set_new(obj, "holder", json_string(span->holder)))
        return GLOSSA_ENOMEM;
    return 0;
}

json_t *mediation_document_to_json(const mediation_result_t *res)
{
    return json_pack(
        "{s:s, s:o, s:I, s:{s:I, s:I, s:I}}", "label",
        mediation_polarity_name(res->label), "mean_score",
        rounded(res->mean_score), "n_relevant", (json_int_t)res->n_spans,
        "counts", "positive", (json_int_t)res->counts[2], "negative",
        (json_int_t)res->counts[0], "neutral", (json_int_t)res->counts[1]);
}
