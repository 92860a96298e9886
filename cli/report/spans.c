/* The layers of one record, as the page reads them (docs/report.md, "The
 * data"): each layer's kind, told by the plugin that made it (the record's
 * provenance) or else by its fields; its spans checked against the text
 * (a span that does not fit the record's own text is left out, and said)
 * and written as a string of numbers whose shape depends on the kind; the
 * entity mentions counted by label and name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum kind { K_PENDING, K_ENTITY, K_DATE, K_QUOTE, K_MEDIATION, K_OTHER };
/* The names the page knows the kinds by; a layer that never had a span
 * is "other". */
static const char *const KIND_NAMES[] = {"other", "entity",    "date",
                                         "quote", "mediation", "other"};
/* Numbers per span in a layer's string, by kind (encode_span()). */
static const int STRIDES[] = {3, 5, 4, 6, 5, 3};

static enum kind kind_of_plugin(const char *plugin)
{
    static const struct {
        const char *plugin;
        enum kind kind;
    } known[] = {{"entities", K_ENTITY},
                 {"dates", K_DATE},
                 {"quotes", K_QUOTE},
                 {"mediation", K_MEDIATION}};
    for (size_t i = 0; plugin && i < sizeof(known) / sizeof(*known); i++)
        if (strcmp(plugin, known[i].plugin) == 0)
            return known[i].kind;
    return K_PENDING;
}

/* A layer's kind from a span's fields, for plugins the report does not
 * know by name. */
static enum kind kind_of_span(const json_t *span)
{
    if (json_object_get(span, "polarity"))
        return K_MEDIATION;
    if (json_object_get(span, "speaker") ||
        json_object_get(span, "speaker_text"))
        return K_QUOTE;
    if (json_object_get(span, "value"))
        return K_DATE;
    if (json_object_get(span, "canonical"))
        return K_ENTITY;
    return K_OTHER;
}

/* The plugin that made a layer, from "provenance": {"layers": {name:
 * "plugin/version/digest"}}; copied into buf, or NULL. */
const char *glossa_report_plugin_of(const json_t *record, const char *layer,
                                    char *buf, size_t size)
{
    const json_t *p =
        json_object_get(json_object_get(record, "provenance"), "layers");
    const char *s = json_string_value(json_object_get(p, layer));
    if (!s)
        return NULL;
    size_t n = strcspn(s, "/");
    if (n >= size)
        n = size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* The layer's entry in c->layers (registered at first sight), its kind
 * settled by the plugin's name or else by its first span. */
static json_t *layer_entry(glossa_report_doc_t *d, const char *name,
                           const json_t *spans, size_t *index)
{
    glossa_report_corpus_t *c = d->c;
    json_t *known = json_object_get(c->layer_ids, name);
    json_t *entry;
    if (known) {
        *index = (size_t)json_integer_value(known);
        entry = json_array_get(c->layers, *index);
    } else {
        char buf[128];
        const char *plugin =
            glossa_report_plugin_of(d->record, name, buf, sizeof(buf));
        *index = json_array_size(c->layers);
        entry = json_pack("{s:s,s:s?,s:i}", "name", name, "plugin", plugin,
                          "kind", (int)kind_of_plugin(plugin));
        if (!entry || json_array_append_new(c->layers, entry) ||
            json_object_set_new(c->layer_ids, name,
                                json_integer((json_int_t)*index))) {
            d->oom = 1;
            return NULL;
        }
    }
    json_t *kind = json_object_get(entry, "kind");
    if (json_integer_value(kind) == K_PENDING && json_array_size(spans))
        json_integer_set(kind, kind_of_span(json_array_get(spans, 0)));
    return entry;
}

/* Whether span [s, e) of the text reads `expect`. */
static int span_fits(const glossa_report_doc_t *d, json_int_t s, json_int_t e,
                     const json_t *expect)
{
    if ((size_t)e > d->off.n_cp)
        return 0;
    if (!json_is_string(expect))
        return 1;
    size_t b0 = glossa_report_offsets_byte(&d->off, (size_t)s);
    size_t b1 = glossa_report_offsets_byte(&d->off, (size_t)e);
    return json_string_length(expect) == b1 - b0 &&
           memcmp(json_string_value(expect), d->text + b0, b1 - b0) == 0;
}

/* The offsets of a span, or -1 when they are not 0 <= start <= end. */
static int offsets_of(const json_t *span, json_int_t *s, json_int_t *e)
{
    const json_t *js = json_object_get(span, "start");
    const json_t *je = json_object_get(span, "end");
    if (!json_is_integer(js) || !json_is_integer(je))
        return -1;
    *s = json_integer_value(js);
    *e = json_integer_value(je);
    return *s >= 0 && *s <= *e ? 0 : -1;
}

#define FIELD(span, name) json_object_get(span, name)

/* A growing text of comma-separated numbers: a layer's spans. */
typedef struct numbers {
    char *s;
    size_t len, cap;
    int failed;
} numbers_t;

static void put_text(numbers_t *b, const char *text, int n)
{
    if (n < 0 || b->failed)
        return;
    if (b->len + (size_t)n + 2 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        while (cap < b->len + (size_t)n + 2)
            cap *= 2;
        char *grown = realloc(b->s, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->s = grown;
        b->cap = cap;
    }
    if (b->len)
        b->s[b->len++] = ',';
    memcpy(b->s + b->len, text, (size_t)n);
    b->len += (size_t)n;
}

static void put_int(numbers_t *b, json_int_t v)
{
    char text[32];
    put_text(b, text, snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, v));
}

/* A score with the output's 10 significant digits; NaN for none. */
static void put_real(numbers_t *b, const json_t *v)
{
    char text[32];
    if (!json_is_number(v))
        put_text(b, "NaN", 3);
    else
        put_text(b, text,
                 snprintf(text, sizeof(text), "%.10g", json_number_value(v)));
}

/* Counts an entity under its label and name in d->entity_counts. */
static void count_entity(glossa_report_doc_t *d, json_int_t label,
                         json_int_t name)
{
    char key[64];
    snprintf(key, sizeof(key), "%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT,
             label, name);
    json_t *n = json_object_get(d->entity_counts, key);
    if (n)
        json_integer_set(n, json_integer_value(n) + 1);
    else if (json_object_set_new(d->entity_counts, key, json_integer(1)))
        d->oom = 1;
}

/* Appends one span to its layer's numbers, as the page reads them
 * (report.md, "The data"): the distance from the previous span's start,
 * the length, then the kind's fields (string indices, -1 for none; the
 * mediation score as a number). */
static void encode_span(glossa_report_doc_t *d, numbers_t *out, enum kind kind,
                        const json_t *span, json_int_t delta, json_int_t len)
{
    json_int_t v[6] = {delta, len, -1, -1, -1, -1};
    size_t n = 3;
    switch (kind) {
    case K_ENTITY:
        v[2] = glossa_report_intern(d, FIELD(span, "label"));
        /* The name it is counted under: its canonical name, else its
         * text. */
        v[3] = glossa_report_intern(d, json_is_string(FIELD(span, "canonical"))
                                           ? FIELD(span, "canonical")
                                           : FIELD(span, "text"));
        v[4] = glossa_report_intern(d, FIELD(span, "refers_to"));
        n = 5;
        count_entity(d, v[2], v[3]);
        break;
    case K_DATE:
        v[2] = glossa_report_intern(d, FIELD(span, "label"));
        v[3] = glossa_report_intern(d, FIELD(span, "value"));
        n = 4;
        break;
    case K_QUOTE:
        v[2] = glossa_report_intern(d, FIELD(span, "kind"));
        v[3] = glossa_report_intern(d, FIELD(span, "speaker"));
        v[4] = glossa_report_intern(d, FIELD(span, "speaker_text"));
        v[5] = glossa_report_intern(d, FIELD(span, "cue"));
        n = 6;
        break;
    case K_MEDIATION:
        v[2] = glossa_report_intern(d, FIELD(span, "polarity"));
        v[3] = glossa_report_intern(d, FIELD(span, "holder"));
        n = 4;
        break;
    default:
        v[2] = glossa_report_intern(d, FIELD(span, "label"));
        break;
    }
    for (size_t i = 0; i < n; i++)
        put_int(out, v[i]);
    if (kind == K_MEDIATION)
        put_real(out, FIELD(span, "score"));
}

/* The spans of one layer, checked, as a string of numbers; *count of
 * them. With `texts`, each span's text is appended there too (documents
 * without a text). */
static json_t *encode_layer(glossa_report_doc_t *d, const char *name,
                            const json_t *spans, enum kind kind, json_t *texts,
                            size_t *count)
{
    numbers_t out = {0};
    json_int_t prev = 0;
    size_t i;
    const json_t *span;
    *count = 0;
    json_array_foreach(spans, i, span)
    {
        json_int_t s, e;
        if (offsets_of(span, &s, &e) ||
            (d->text && !span_fits(d, s, e, FIELD(span, "text")))) {
            glossa_report_warn(d->c,
                               "%s: record '%s': layer '%s': span %zu does "
                               "not fit the text (offsets or text); left out",
                               d->where, d->id, name, i);
            continue;
        }
        encode_span(d, &out, kind, span, s - prev, e - s);
        prev = s;
        (*count)++;
        const json_t *t = FIELD(span, "text");
        if (texts && json_array_append_new(texts, json_is_string(t)
                                                      ? json_copy((json_t *)t)
                                                      : json_string("")))
            d->oom = 1;
    }
    json_t *str =
        out.failed ? NULL : json_stringn_nocheck(out.s ? out.s : "", out.len);
    free(out.s);
    if (!str)
        d->oom = 1;
    return str;
}

/* Whether every span of every layer fits the text (for texts read from
 * the inputs); names the first that does not. */
int glossa_report_text_fits(glossa_report_doc_t *d, const json_t *annotations)
{
    const char *name;
    const json_t *spans;
    json_object_foreach((json_t *)annotations, name, spans)
    {
        size_t i;
        const json_t *span;
        json_array_foreach(spans, i, span)
        {
            json_int_t s, e;
            if (offsets_of(span, &s, &e) == 0 &&
                !span_fits(d, s, e, FIELD(span, "text"))) {
                glossa_report_warn(d->c,
                                   "%s: record '%s': the text in --inputs "
                                   "differs from the annotated one (layer "
                                   "'%s', span %zu); the report shows the "
                                   "spans without it",
                                   d->where, d->id, name, i);
                return 0;
            }
        }
    }
    return 1;
}

/* "ec": the entities counted by label and name, [label, name, count]
 * flat, so that the corpus view needs no span to count them. */
static json_t *entity_counts(glossa_report_doc_t *d)
{
    json_t *out = json_array();
    const char *key;
    json_t *n;
    json_object_foreach(d->entity_counts, key, n)
    {
        long long label, name;
        if (sscanf(key, "%lld,%lld", &label, &name) != 2)
            continue;
        json_array_append_new(out, json_integer((json_int_t)label));
        json_array_append_new(out, json_integer((json_int_t)name));
        json_array_append_new(out, json_integer(json_integer_value(n)));
    }
    return out;
}

/* Grows the arrays of a document's layers to hold index. */
static void reach(json_t *const *arrays, size_t n, size_t index)
{
    for (size_t i = 0; i < n; i++)
        while (arrays[i] && json_array_size(arrays[i]) <= index)
            if (json_array_append_new(arrays[i], json_null()))
                return;
}

/* "a", "c" (and "x" without a text), by layer index, null where absent;
 * "ec". */
int glossa_report_add_layers(glossa_report_doc_t *d, json_t *doc,
                             const json_t *annotations)
{
    json_t *by[3] = {json_array(), json_array(), d->text ? NULL : json_array()};
    d->entity_counts = json_object();
    const char *name;
    const json_t *spans;
    json_object_foreach((json_t *)annotations, name, spans)
    {
        size_t index, count;
        json_t *entry =
            json_is_array(spans) ? layer_entry(d, name, spans, &index) : NULL;
        if (!entry)
            continue;
        reach(by, 3, index);
        json_t *layer_texts = by[2] ? json_array() : NULL;
        enum kind kind =
            (enum kind)json_integer_value(json_object_get(entry, "kind"));
        json_array_set_new(
            by[0], index,
            encode_layer(d, name, spans, kind, layer_texts, &count));
        json_array_set_new(by[1], index, json_integer((json_int_t)count));
        if (by[2])
            json_array_set_new(by[2], index, layer_texts);
    }
    int rc = !by[0] || !by[1] || !d->entity_counts;
    rc |= json_object_set_new(doc, "a", by[0]);
    rc |= json_object_set_new(doc, "c", by[1]);
    if (by[2])
        rc |= json_object_set_new(doc, "x", by[2]);
    if (json_object_size(d->entity_counts))
        rc |= json_object_set_new(doc, "ec", entity_counts(d));
    json_decref(d->entity_counts);
    d->entity_counts = NULL;
    return rc ? -1 : 0;
}

json_t *glossa_report_layers(const glossa_report_corpus_t *c)
{
    json_t *layers = json_deep_copy(c->layers);
    size_t i;
    json_t *layer;
    json_array_foreach(layers, i, layer)
    {
        json_int_t k = json_integer_value(json_object_get(layer, "kind"));
        if (k < 0 || k > K_OTHER)
            k = K_OTHER;
        json_object_set_new(layer, "kind", json_string(KIND_NAMES[k]));
        json_object_set_new(layer, "stride", json_integer(STRIDES[k]));
    }
    return layers;
}
