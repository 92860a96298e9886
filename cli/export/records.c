/* One record of glossa run's output made ready for the formats: its id,
 * its text (the record's own, or the input's), the layers asked for and
 * their spans, each checked against the text. A record that fails a check
 * is reported (file, line, id, span) and left out; the others go on. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char WHO[] = "glossa export";

static int bad(const export_doc_t *doc, const char *fmt, ...)
    GLOSSA_PRINTF(2, 3);

/* Reports why the record is left out; returns EXPORT_SKIP. */
static int bad(const export_doc_t *doc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (doc->id)
        glossa_export__say(WHO, doc->origin, "record \"%s\": %s", doc->id, msg);
    else
        glossa_export__say(WHO, doc->origin, "%s", msg);
    return EXPORT_SKIP;
}

static int nomem(void)
{
    glossa_export__say(WHO, NULL, "out of memory");
    return GLOSSA_ENOMEM;
}

/* A record the run could not read (a broken input line, an empty or too
 * large document, a missing file) has an input error and nothing to
 * export. Returns the error entry, or NULL. */
static const json_t *input_failure(const json_t *record)
{
    static const char *const fatal[] = {"EPARSE", "EEMPTY", "ETOOBIG", "ENOENT",
                                        "EIO"};
    const json_t *errors = json_object_get(record, "errors");
    size_t i;
    const json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        if (!json_is_null(json_object_get(e, "plugin")) || !code)
            continue;
        for (size_t k = 0; k < sizeof(fatal) / sizeof(fatal[0]); k++)
            if (strcmp(code, fatal[k]) == 0)
                return e;
    }
    return NULL;
}

static int read_id(export_doc_t *doc)
{
    const json_t *id = json_object_get(doc->record, "id");
    if (json_is_string(id)) {
        doc->id = json_string_value(id);
        return 0;
    }
    if (json_is_integer(id)) {
        snprintf(doc->id_buf, sizeof(doc->id_buf), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(id));
        doc->id = doc->id_buf;
        return 0;
    }
    return bad(doc, "no \"id\" (a string or an integer): not a record of "
                    "glossa run's output");
}

/* The document text: the record's "text" (glossa run --with-text), else
 * the input's. Without either, doc->text stays NULL. */
static int read_text(export_doc_t *doc, export_inputs_t *inputs, int needs_text)
{
    const json_t *t = json_object_get(doc->record, "text");
    if (json_is_string(t)) {
        doc->text = json_string_value(t);
        doc->len = json_string_length(t);
    } else if (t && !json_is_null(t)) {
        return bad(doc, "\"text\" is not a string");
    } else if (inputs) {
        int rc = glossa_export__inputs_find(inputs, doc->id, &doc->text_owned,
                                            &doc->len);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return bad(doc, "no text: the record has none and no record of "
                            "--inputs has this id");
        doc->text = doc->text_owned;
    } else if (needs_text) {
        return bad(doc, "no text: run glossa run with --with-text, or give "
                        "the inputs it read with --inputs");
    } else {
        return 0;
    }
    doc->cp_byte = glossa_export__cp_index(doc->text, doc->len, &doc->n_cp);
    if (!doc->cp_byte)
        return bad(doc, "the text is not valid UTF-8 without NUL "
                        "characters (or memory ran out)");
    return 0;
}

/* Checks one span and fills *s. */
static int read_span(export_doc_t *doc, const char *layer, size_t i,
                     const json_t *o, export_span_t *s)
{
    const json_t *st = json_object_get(o, "start"),
                 *en = json_object_get(o, "end"),
                 *lb = json_object_get(o, "label"),
                 *tx = json_object_get(o, "text");
    if (!json_is_object(o))
        return bad(doc, "annotations.%s[%zu]: not an object", layer, i);
    if (!json_is_integer(st) || json_integer_value(st) < 0 ||
        !json_is_integer(en) || json_integer_value(en) < json_integer_value(st))
        return bad(doc,
                   "annotations.%s[%zu]: \"start\" and \"end\" must be "
                   "integers, 0 <= start <= end",
                   layer, i);
    if (lb && !json_is_null(lb) && !json_is_string(lb))
        return bad(doc, "annotations.%s[%zu]: \"label\" is not a string", layer,
                   i);
    if (tx && !json_is_string(tx))
        return bad(doc, "annotations.%s[%zu]: \"text\" is not a string", layer,
                   i);
    s->start = (size_t)json_integer_value(st);
    s->end = (size_t)json_integer_value(en);
    s->label = json_string_value(lb);
    s->obj = o;
    s->index = i;
    if (!doc->text) {
        if (!tx)
            return bad(doc,
                       "annotations.%s[%zu]: no \"text\", and no document "
                       "text to take it from",
                       layer, i);
        s->text = json_string_value(tx);
        s->text_len = json_string_length(tx);
        return 0;
    }
    if (s->end > doc->n_cp)
        return bad(doc,
                   "annotations.%s[%zu]: [%zu, %zu) is past the end of the "
                   "text (%zu characters)",
                   layer, i, s->start, s->end, doc->n_cp);
    s->text = glossa_export__doc_slice(doc, s->start, s->end, &s->text_len);
    if (tx && (json_string_length(tx) != s->text_len ||
               memcmp(json_string_value(tx), s->text, s->text_len) != 0))
        return bad(doc,
                   "annotations.%s[%zu]: its \"text\" is not the document's "
                   "text at [%zu, %zu): is this the text the run annotated?",
                   layer, i, s->start, s->end);
    return 0;
}

static int read_layer(export_doc_t *doc, const char *name, const json_t *arr,
                      const json_t *provenance)
{
    if (!json_is_array(arr))
        return bad(doc, "annotations.%s is not an array", name);
    export_layer_t *L = &doc->layers[doc->n_layers];
    memset(L, 0, sizeof(*L));
    L->name = name;
    L->provenance = json_string_value(json_object_get(provenance, name));
    size_t n = json_array_size(arr);
    if (n > 0 && !(L->spans = calloc(n, sizeof(*L->spans))))
        return nomem();
    doc->n_layers++;
    for (size_t i = 0; i < n; i++) {
        int rc = read_span(doc, name, i, json_array_get(arr, i), &L->spans[i]);
        if (rc != 0)
            return rc;
        L->n++;
    }
    return 0;
}

/* The layers asked for (all, without --layer), in the order asked for
 * (the record's order, without --layer). */
static int read_layers(export_doc_t *doc, const export_opts_t *o)
{
    const json_t *ann = json_object_get(doc->record, "annotations");
    const json_t *prov =
        json_object_get(json_object_get(doc->record, "provenance"), "layers");
    if (ann && !json_is_object(ann))
        return bad(doc, "\"annotations\" is not an object");
    size_t max = o->n_layers ? o->n_layers : json_object_size(ann);
    if (max == 0)
        return 0;
    if (!(doc->layers = calloc(max, sizeof(*doc->layers))))
        return nomem();
    int rc = 0;
    if (o->n_layers) {
        for (size_t i = 0; rc == 0 && i < o->n_layers; i++) {
            const char *key = o->layers[i];
            const json_t *arr = json_object_get(ann, key);
            if (arr)
                rc = read_layer(doc, key, arr, prov);
        }
        return rc;
    }
    const char *key;
    const json_t *arr;
    json_object_foreach((json_t *)ann, key, arr)
    {
        if ((rc = read_layer(doc, key, arr, prov)) != 0)
            break;
    }
    return rc;
}

int glossa_export__doc_read(export_doc_t *doc, const json_t *record,
                            const char *origin, const export_opts_t *o,
                            export_inputs_t *inputs, int needs_text)
{
    memset(doc, 0, sizeof(*doc));
    doc->record = record;
    doc->origin = origin;
    if (!json_is_object(record))
        return bad(doc, "not a JSON object");
    int rc = read_id(doc);
    if (rc != 0)
        return rc;
    const json_t *failure = input_failure(record);
    if (failure) {
        const char *msg =
            json_string_value(json_object_get(failure, "message"));
        return bad(doc, "left out: glossa run could not read it (%s: %s)",
                   json_string_value(json_object_get(failure, "code")),
                   msg ? msg : "no message");
    }
    if ((rc = read_text(doc, inputs, needs_text)) != 0)
        return rc;
    return read_layers(doc, o);
}

void glossa_export__doc_clear(export_doc_t *doc)
{
    for (size_t i = 0; i < doc->n_layers; i++)
        free(doc->layers[i].spans);
    free(doc->layers);
    free(doc->cp_byte);
    free(doc->text_owned);
    memset(doc, 0, sizeof(*doc));
}
