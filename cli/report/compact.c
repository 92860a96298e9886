/* One output record -> the compact document the page reads (the format is
 * described in docs/report.md, "The data"): who the document is, its
 * text, label and errors, and the strings table that documents share
 * (labels, names, speakers, outlets are interned once). Its layers are
 * spans.c's. A text from --inputs that does not fit the spans is not
 * used. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define WHO "glossa report"
#define MAX_WARNINGS 50    /* printed; the rest are counted */
#define MAX_META_KEYS 24   /* scalar metadata shown per document */
#define MAX_META_BYTES 300 /* of one metadata string */
#define MAX_MESSAGE_BYTES 1000

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

json_int_t glossa_report_intern(glossa_report_doc_t *d, const json_t *s)
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

/* The text the offsets count in: the record's ("--with-text"), else the
 * inputs' for this id, if the spans fit it. */
static void find_text(glossa_report_doc_t *d, const json_t *annotations)
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
    if (d->from_inputs && !glossa_report_text_fits(d, annotations)) {
        d->text = NULL;
        d->from_inputs = 0;
    }
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
static void add_label(glossa_report_doc_t *d, json_t *doc)
{
    const json_t *results = json_object_get(d->record, "document");
    const char *name;
    const json_t *r;
    json_object_foreach((json_t *)results, name, r)
    {
        const json_t *label = json_object_get(r, "label");
        const json_t *mean = json_object_get(r, "mean_score");
        char buf[128];
        const char *plugin =
            glossa_report_plugin_of(d->record, name, buf, sizeof(buf));
        if (!json_is_string(label) ||
            ((!plugin || strcmp(plugin, "mediation") != 0) &&
             !json_is_number(mean)))
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
static int add_identity(glossa_report_doc_t *d, json_t *doc)
{
    const json_t *meta = json_object_get(d->record, "meta");
    const json_t *published = json_object_get(meta, "published");
    const json_t *outlet = json_object_get(meta, "outlet");
    if (!json_is_string(outlet))
        outlet = json_object_get(meta, "source");
    json_int_t o = glossa_report_intern(d, outlet);
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
    glossa_report_doc_t d = {.c = c, .record = record, .where = where};
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
    rc |= glossa_report_add_layers(&d, doc, annotations);
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
