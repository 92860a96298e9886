/* One output record -> the compact document the page reads (the format is
 * described in docs/report.md, "The data"). Strings that repeat across
 * documents (labels, canonical names, speakers, outlets) are interned into
 * one table; spans become arrays of numbers whose shape depends on the
 * layer's kind, told by the plugin that made it (the record's provenance)
 * or else by its fields. Spans are checked against the text: a span that
 * does not fit the record's own text is dropped, a text from --inputs that
 * does not fit the spans is not used. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define WHO "glossa report"
#define MAX_WARNINGS 50    /* printed; the rest are counted */
#define MAX_META_KEYS 24   /* scalar metadata shown per document */
#define MAX_META_BYTES 300 /* of one metadata string */
#define MAX_MESSAGE_BYTES 1000

enum kind { K_PENDING, K_ENTITY, K_DATE, K_QUOTE, K_MEDIATION, K_OTHER };
/* The names the page knows the kinds by; a layer that never had a span
 * is "other". */
static const char *const KIND_NAMES[] = {"other", "entity",    "date",
                                         "quote", "mediation", "other"};
/* Numbers per span in a layer's string, by kind (encode_span()). */
static const int STRIDES[] = {3, 5, 4, 6, 5, 3};

typedef struct doc_ctx {
    glossa_report_corpus_t *c;
    const json_t *record;
    const char *where, *id;
    const char *text; /* NULL: none */
    size_t text_len;
    int from_inputs;
    glossa_report_offsets_t off;
    json_t *entity_counts; /* "label,name" -> count, while encoding */
    int oom;
} doc_ctx_t;

void glossa_report_warn(glossa_report_corpus_t *c, const char *fmt, ...)
{
    if (c->n_warnings++ >= MAX_WARNINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs(WHO ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int glossa_report_corpus_init(glossa_report_corpus_t *c, json_t *texts)
{
    memset(c, 0, sizeof(*c));
    c->strings = json_array();
    c->string_ids = json_object();
    c->layers = json_array();
    c->layer_ids = json_object();
    c->texts = texts;
    if (c->strings && c->string_ids && c->layers && c->layer_ids)
        return 0;
    glossa_report_corpus_free(c);
    return -1;
}

void glossa_report_corpus_free(glossa_report_corpus_t *c)
{
    if (c->n_warnings > MAX_WARNINGS)
        fprintf(stderr, WHO ": ... %zu problems within records in all\n",
                c->n_warnings);
    json_decref(c->strings);
    json_decref(c->string_ids);
    json_decref(c->layers);
    json_decref(c->layer_ids);
    memset(c, 0, sizeof(*c));
}

/* The index of string s in the table (added if new); -1 for no string. */
static json_int_t intern(doc_ctx_t *d, const json_t *s)
{
    if (!json_is_string(s))
        return -1;
    glossa_report_corpus_t *c = d->c;
    const char *v = json_string_value(s);
    json_t *known = json_object_get(c->string_ids, v);
    if (known)
        return json_integer_value(known);
    json_int_t i = (json_int_t)json_array_size(c->strings);
    if (json_array_append(c->strings, (json_t *)s) ||
        json_object_set_new(c->string_ids, v, json_integer(i))) {
        d->oom = 1;
        return -1;
    }
    return i;
}

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
static const char *plugin_of(const json_t *record, const char *layer, char *buf,
                             size_t size)
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
static json_t *layer_entry(doc_ctx_t *d, const char *name, const json_t *spans,
                           size_t *index)
{
    glossa_report_corpus_t *c = d->c;
    json_t *known = json_object_get(c->layer_ids, name);
    json_t *entry;
    if (known) {
        *index = (size_t)json_integer_value(known);
        entry = json_array_get(c->layers, *index);
    } else {
        char buf[128];
        const char *plugin = plugin_of(d->record, name, buf, sizeof(buf));
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
static int span_fits(const doc_ctx_t *d, json_int_t s, json_int_t e,
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
static void count_entity(doc_ctx_t *d, json_int_t label, json_int_t name)
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
static void encode_span(doc_ctx_t *d, numbers_t *out, enum kind kind,
                        const json_t *span, json_int_t delta, json_int_t len)
{
    json_int_t v[6] = {delta, len, -1, -1, -1, -1};
    size_t n = 3;
    switch (kind) {
    case K_ENTITY:
        v[2] = intern(d, FIELD(span, "label"));
        /* The name it is counted under: its canonical name, else its
         * text. */
        v[3] = intern(d, json_is_string(FIELD(span, "canonical"))
                             ? FIELD(span, "canonical")
                             : FIELD(span, "text"));
        v[4] = intern(d, FIELD(span, "refers_to"));
        n = 5;
        count_entity(d, v[2], v[3]);
        break;
    case K_DATE:
        v[2] = intern(d, FIELD(span, "label"));
        v[3] = intern(d, FIELD(span, "value"));
        n = 4;
        break;
    case K_QUOTE:
        v[2] = intern(d, FIELD(span, "kind"));
        v[3] = intern(d, FIELD(span, "speaker"));
        v[4] = intern(d, FIELD(span, "speaker_text"));
        v[5] = intern(d, FIELD(span, "cue"));
        n = 6;
        break;
    case K_MEDIATION:
        v[2] = intern(d, FIELD(span, "polarity"));
        v[3] = intern(d, FIELD(span, "holder"));
        n = 4;
        break;
    default:
        v[2] = intern(d, FIELD(span, "label"));
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
static json_t *encode_layer(doc_ctx_t *d, const char *name, const json_t *spans,
                            enum kind kind, json_t *texts, size_t *count)
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
static int text_fits(doc_ctx_t *d, const json_t *annotations)
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

/* The text the offsets count in: the record's ("--with-text"), else the
 * inputs' for this id, if the spans fit it. */
static void find_text(doc_ctx_t *d, const json_t *annotations)
{
    const json_t *t = json_object_get(d->record, "text");
    if (!json_is_string(t) && d->c->texts) {
        t = json_object_get(d->c->texts, d->id);
        d->from_inputs = t != NULL;
    }
    if (!json_is_string(t))
        return;
    d->text = json_string_value(t);
    d->text_len = json_string_length(t);
    if (glossa_report_offsets_init(&d->off, d->text, d->text_len)) {
        d->oom = 1;
        d->text = NULL;
        return;
    }
    if (d->from_inputs && !text_fits(d, annotations)) {
        d->text = NULL;
        d->from_inputs = 0;
    }
}

/* "ec": the entities counted by label and name, [label, name, count]
 * flat, so that the corpus view needs no span to count them. */
static json_t *entity_counts(doc_ctx_t *d)
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
static int add_layers(doc_ctx_t *d, json_t *doc, const json_t *annotations)
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

/* A copy of at most max bytes of UTF-8 s, cut at a character boundary. */
static json_t *capped(const char *s, size_t len, size_t max)
{
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    return json_stringn(s, len);
}

/* "m": the scalar metadata, for the document's header. */
static json_t *meta_of(const json_t *meta)
{
    json_t *m = json_object();
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)meta, key, v)
    {
        if (json_object_size(m) >= MAX_META_KEYS)
            break;
        if (json_is_string(v))
            json_object_set_new(m, key,
                                capped(json_string_value(v),
                                       json_string_length(v), MAX_META_BYTES));
        else if (json_is_number(v) || json_is_boolean(v))
            json_object_set(m, key, (json_t *)v);
    }
    return m;
}

/* "l", "s", "n": the document's label, mean score and relevant sentences,
 * from the result of a mediation layer (or any result with a label and a
 * mean score). */
static void add_label(doc_ctx_t *d, json_t *doc)
{
    const json_t *results = json_object_get(d->record, "document");
    const char *name;
    const json_t *r;
    json_object_foreach((json_t *)results, name, r)
    {
        const json_t *label = json_object_get(r, "label");
        const json_t *mean = json_object_get(r, "mean_score");
        char buf[128];
        const char *plugin = plugin_of(d->record, name, buf, sizeof(buf));
        if (!json_is_string(label) ||
            (kind_of_plugin(plugin) != K_MEDIATION && !json_is_number(mean)))
            continue;
        json_object_set(doc, "l", (json_t *)label);
        if (json_is_number(mean))
            json_object_set_new(doc, "s", json_real(json_number_value(mean)));
        const json_t *n = json_object_get(r, "n_relevant");
        if (json_is_integer(n))
            json_object_set(doc, "n", (json_t *)n);
        return;
    }
}

/* "e": the record's errors as [layer or null, code, message]. */
static json_t *errors_of(const json_t *errors)
{
    json_t *out = json_array();
    size_t i;
    const json_t *e;
    json_array_foreach(errors, i, e)
    {
        const json_t *msg = json_object_get(e, "message");
        const char *m = json_is_string(msg) ? json_string_value(msg) : "";
        json_t *plugin = json_object_get(e, "plugin");
        json_t *code = json_object_get(e, "code");
        json_array_append_new(
            out,
            json_pack(
                "[o,o,o]",
                json_is_string(plugin) ? json_incref(plugin) : json_null(),
                json_is_string(code) ? json_incref(code) : json_string("E?"),
                capped(m, strlen(m), MAX_MESSAGE_BYTES)));
    }
    return out;
}

/* "id", "p", "o", "m": who the document is. */
static int add_identity(doc_ctx_t *d, json_t *doc)
{
    const json_t *meta = json_object_get(d->record, "meta");
    const json_t *published = json_object_get(meta, "published");
    const json_t *outlet = json_object_get(meta, "outlet");
    if (!json_is_string(outlet))
        outlet = json_object_get(meta, "source");
    json_int_t o = intern(d, outlet);
    int rc = json_object_set_new(doc, "id", json_string(d->id));
    if (json_is_string(published))
        rc |= json_object_set(doc, "p", (json_t *)published);
    if (o >= 0)
        rc |= json_object_set_new(doc, "o", json_integer(o));
    if (json_is_object(meta) && json_object_size(meta))
        rc |= json_object_set_new(doc, "m", meta_of(meta));
    return rc;
}

json_t *glossa_report_compact(glossa_report_corpus_t *c, const json_t *record,
                              const char *where)
{
    doc_ctx_t d = {.c = c, .record = record, .where = where};
    const json_t *id = json_object_get(record, "id");
    d.id = json_is_string(id) ? json_string_value(id) : where;
    const json_t *annotations = json_object_get(record, "annotations");
    json_t *doc = json_object();
    if (!doc)
        return NULL;
    find_text(&d, annotations);
    int rc = add_identity(&d, doc);
    if (d.text) {
        rc |= json_object_set_new(doc, "t",
                                  json_stringn_nocheck(d.text, d.text_len));
        if (d.from_inputs) {
            rc |= json_object_set_new(doc, "ti", json_true());
            c->n_texts_from_inputs++;
        }
    } else {
        c->n_without_text++;
    }
    rc |= add_layers(&d, doc, annotations);
    add_label(&d, doc);
    const json_t *errors = json_object_get(record, "errors");
    if (json_array_size(errors))
        rc |= json_object_set_new(doc, "e", errors_of(errors));
    glossa_report_offsets_free(&d.off);
    if (rc || d.oom) {
        json_decref(doc);
        return NULL;
    }
    c->n_docs++;
    return doc;
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
