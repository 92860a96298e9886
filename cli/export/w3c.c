/* W3C Web Annotation (https://www.w3.org/TR/annotation-model/), JSON-LD:
 * one Annotation per span, one a line (JSON Lines), or with --collection
 * one AnnotationCollection whose first page holds them all.
 *
 *   target: {"source": ID or --source-base + ID,
 *            "selector": [TextPositionSelector {start, end} (code points),
 *                         TextQuoteSelector {exact, prefix, suffix}]}
 *   body:   TextualBody values: the tag (purpose tagging), canonical
 *           (identifying), polarity (assessing), any other field as
 *           "NAME: VALUE" (describing)
 *   generator: {"type": "Software", "name": the layer's provenance}
 *
 * Prefix and suffix are up to 32 characters (code points) of context. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h" /* glossa_cli_concat */
#include "export_internal.h"

static const char WHO[] = "glossa export";
static const char CONTEXT[] = "http://www.w3.org/ns/anno.jsonld";

/* Characters of context in a TextQuoteSelector, each side. */
#define QUOTE_CONTEXT 32

typedef struct w3c {
    const char *id_base;
    char created[32]; /* --created now, resolved once */
    json_t *items;    /* --collection: the annotations so far */
} w3c_t;

static int w3c_begin(export_out_t *out)
{
    w3c_t *w = calloc(1, sizeof(*w));
    if (!w)
        return glossa_export__nomem(WHO);
    out->state = w;
    w->id_base = out->opts->id_base ? out->opts->id_base : "urn:glossa:";
    if (out->opts->created && strcmp(out->opts->created, "now") == 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(w->created, sizeof(w->created), "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    if (out->opts->collection && !(w->items = json_array()))
        return glossa_export__nomem(WHO);
    return 0;
}

/* s with every byte but RFC 3986's unreserved ones as %XX, appended to
 * prefix. New. */
static char *iri(const char *prefix, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t np = strlen(prefix), n = strlen(s);
    char *r = malloc(np + 3 * n + 1);
    if (!r)
        return NULL;
    memcpy(r, prefix, np);
    size_t o = np;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || strchr("-._~", c)) {
            r[o++] = (char)c;
        } else {
            r[o++] = '%';
            r[o++] = hex[c >> 4];
            r[o++] = hex[c & 15];
        }
    }
    r[o] = '\0';
    return r;
}

/* The annotation's id: ID_BASE + ID/LAYER/N, each part percent-encoded. */
static json_t *annotation_id(const w3c_t *w, const export_doc_t *doc,
                             const export_layer_t *L, size_t n)
{
    char tail[32];
    snprintf(tail, sizeof(tail), "/%zu", n);
    char *a = iri(w->id_base, doc->id);
    char *b = a ? iri("/", L->name) : NULL;
    json_t *id = NULL;
    if (a && b) {
        size_t len = strlen(a) + strlen(b) + strlen(tail) + 1;
        char *all = malloc(len);
        if (all) {
            snprintf(all, len, "%s%s%s", a, b, tail);
            id = json_string(all);
            free(all);
        }
    }
    free(a);
    free(b);
    return id;
}

static json_t *textual(const char *purpose, const char *value)
{
    return json_pack("{s:s,s:s,s:s}", "type", "TextualBody", "purpose", purpose,
                     "value", value);
}

/* One body for a field: canonical identifies, polarity assesses, the
 * others describe ("NAME: VALUE"). */
static json_t *field_body(const char *name, const json_t *v)
{
    char *text = glossa_export__value_text(v);
    if (!text)
        return NULL;
    json_t *body = NULL;
    if (strcmp(name, "canonical") == 0 && json_is_string(v)) {
        body = textual("identifying", text);
    } else if (strcmp(name, "polarity") == 0 && json_is_string(v)) {
        body = textual("assessing", text);
    } else {
        size_t n = strlen(name) + strlen(text) + 3;
        char *desc = malloc(n);
        if (desc) {
            snprintf(desc, n, "%s: %s", name, text);
            body = textual("describing", desc);
            free(desc);
        }
    }
    free(text);
    return body;
}

static json_t *bodies(const export_opts_t *o, const export_layer_t *L,
                      const export_span_t *s)
{
    json_t *arr = json_array();
    if (!arr ||
        json_array_append_new(
            arr, textual("tagging", glossa_export__tag(o, L->name, s))) != 0) {
        json_decref(arr);
        return NULL;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)s->obj, key, v)
    {
        if (glossa_export__is_base_field(key) || json_is_null(v))
            continue;
        if (json_array_append_new(arr, field_body(key, v)) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* TextPositionSelector and TextQuoteSelector of one span. */
static json_t *selectors(const export_doc_t *doc, const export_span_t *s)
{
    size_t from = s->start > QUOTE_CONTEXT ? s->start - QUOTE_CONTEXT : 0;
    size_t to =
        s->end + QUOTE_CONTEXT < doc->n_cp ? s->end + QUOTE_CONTEXT : doc->n_cp;
    size_t np, ns;
    const char *prefix = glossa_export__doc_slice(doc, from, s->start, &np);
    const char *suffix = glossa_export__doc_slice(doc, s->end, to, &ns);
    json_t *quote = json_pack("{s:s,s:s#}", "type", "TextQuoteSelector",
                              "exact", s->text, (int)s->text_len);
    int ok = quote != NULL;
    if (ok && np > 0)
        ok =
            json_object_set_new(quote, "prefix", json_stringn(prefix, np)) == 0;
    if (ok && ns > 0)
        ok =
            json_object_set_new(quote, "suffix", json_stringn(suffix, ns)) == 0;
    if (!ok) {
        json_decref(quote);
        return NULL;
    }
    return json_pack("[{s:s,s:I,s:I},o]", "type", "TextPositionSelector",
                     "start", (json_int_t)s->start, "end", (json_int_t)s->end,
                     quote);
}

static json_t *target(const export_opts_t *o, const export_doc_t *doc,
                      const export_span_t *s)
{
    char *source =
        o->source_base ? iri(o->source_base, doc->id) : strdup(doc->id);
    json_t *sel = source ? selectors(doc, s) : NULL;
    json_t *t =
        sel ? json_pack("{s:s,s:o}", "source", source, "selector", sel) : NULL;
    free(source);
    return t;
}

static json_t *annotation(const export_out_t *out, const export_doc_t *doc,
                          const export_layer_t *L, const export_span_t *s)
{
    const w3c_t *w = out->state;
    const export_opts_t *o = out->opts;
    json_t *a = json_object();
    int ok = a != NULL;
    if (ok && !o->collection)
        ok = json_object_set_new(a, "@context", json_string(CONTEXT)) == 0;
    ok = ok &&
         json_object_set_new(a, "id", annotation_id(w, doc, L, s->index)) == 0;
    ok = ok && json_object_set_new(a, "type", json_string("Annotation")) == 0;
    if (ok && o->created)
        ok = json_object_set_new(
                 a, "created",
                 json_string(w->created[0] ? w->created : o->created)) == 0;
    ok = ok && json_object_set_new(
                   a, "generator",
                   json_pack("{s:s,s:s}", "type", "Software", "name",
                             L->provenance ? L->provenance : L->name)) == 0;
    ok = ok && json_object_set_new(a, "body", bodies(o, L, s)) == 0;
    ok = ok && json_object_set_new(a, "target", target(o, doc, s)) == 0;
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static int w3c_doc(export_out_t *out, const export_doc_t *doc)
{
    w3c_t *w = out->state;
    for (size_t l = 0; l < doc->n_layers; l++) {
        const export_layer_t *L = &doc->layers[l];
        for (size_t i = 0; i < L->n; i++) {
            json_t *a = annotation(out, doc, L, &L->spans[i]);
            if (!a)
                return glossa_export__nomem(WHO);
            if (w->items) {
                if (json_array_append_new(w->items, a) != 0)
                    return glossa_export__nomem(WHO);
                continue;
            }
            int rc = glossa_export__dump_line(out->f, a);
            json_decref(a);
            if (rc != 0)
                return glossa_export__nomem(WHO);
        }
    }
    return 0;
}

/* --collection: the collection with its one page, embedded. */
static int w3c_end(export_out_t *out)
{
    w3c_t *w = out->state;
    if (!w->items)
        return 0;
    char *id = iri(w->id_base, "collection");
    char *page = id ? glossa_cli_concat(id, "/page1") : NULL;
    json_t *c =
        page ? json_pack("{s:s,s:s,s:s,s:s,s:I,s:{s:s,s:s,s:I,s:O}}",
                         "@context", CONTEXT, "id", id, "type",
                         "AnnotationCollection", "label", "glossa export",
                         "total", (json_int_t)json_array_size(w->items),
                         "first", "id", page, "type", "AnnotationPage",
                         "startIndex", (json_int_t)0, "items", w->items)
             : NULL;
    free(id);
    free(page);
    int rc = c ? glossa_export__dump_line(out->f, c) : -1;
    json_decref(c);
    return rc == 0 ? 0 : glossa_export__nomem(WHO);
}

static void w3c_release(export_out_t *out)
{
    w3c_t *w = out->state;
    if (!w)
        return;
    json_decref(w->items);
    free(w);
    out->state = NULL;
}

const export_format_t glossa_export__w3c = {
    .name = "w3c",
    .flags = EXPORT_NEEDS_TEXT,
    .begin = w3c_begin,
    .doc = w3c_doc,
    .end = w3c_end,
    .release = w3c_release,
};
