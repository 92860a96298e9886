/* After a plugin (annotate.c): checking and ordering its spans. After all
 * plugins: serialising the document's output record. Both run on pool
 * threads (the record on the loop thread in isolation mode). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "runtime_int.h"
#include "strbuf.h"

/* At most this many dropped-span entries per plugin and document; a plugin
 * that emits garbage should not flood the output. */
#define MAX_SPAN_WARNINGS 10

typedef struct span_ref {
    json_int_t start, end;
    size_t index;
    json_t *span;
} span_ref_t;

static int compare_spans(const void *a, const void *b)
{
    const span_ref_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

static void warn_span(glossa__unit_t *u, size_t *n_warnings, size_t index,
                      const char *why)
{
    if (++*n_warnings > MAX_SPAN_WARNINGS)
        return;
    glossa__error_entry_add(&u->warnings, u->step->layer, GLOSSA_EINVAL,
                            "span %zu dropped: %s", index, why);
}

/* The "text" strings of a layer another plugin reads, one json_t per
 * distinct text: that layer stays in memory as Jansson objects until its
 * last reader is done, and its texts repeat (names: a string is about 60
 * bytes). The core makes these strings after annotate(), readers get the
 * layer const, and Jansson's reference counts are atomic, so the spans can
 * share them. Only short texts: long ones rarely repeat. (Sharing the
 * plugins' own string values too, labels and canonical names, cost more
 * instructions than it saved memory: replacing a value frees one.) */
#define INTERN_MAX_BYTES 64

typedef struct intern {
    json_t **slot; /* borrowed: the spans hold the references */
    size_t mask;   /* slots - 1, a power of two less one; 0: off */
    size_t n;
} intern_t;

static void intern_init(intern_t *t)
{
    t->n = 0;
    t->mask = 1023;
    t->slot = glossa__calloc(t->mask + 1, sizeof(json_t *));
    if (!t->slot)
        t->mask = 0; /* out of memory: no sharing, the same output */
}

static uint64_t intern_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a: the strings are short */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static json_t **intern_probe(const intern_t *t, const char *s, size_t n,
                             uint64_t h)
{
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        json_t *v = t->slot[i];
        if (!v || (json_string_length(v) == n &&
                   memcmp(json_string_value(v), s, n) == 0))
            return &t->slot[i];
    }
}

static void intern_grow(intern_t *t)
{
    intern_t bigger = {glossa__calloc(2 * (t->mask + 1), sizeof(json_t *)),
                       2 * (t->mask + 1) - 1, t->n};
    if (!bigger.slot)
        return; /* stays full: no more insertions */
    for (size_t i = 0; i <= t->mask; i++) {
        json_t *v = t->slot[i];
        if (v)
            *intern_probe(
                &bigger, json_string_value(v), json_string_length(v),
                intern_hash(json_string_value(v), json_string_length(v))) = v;
    }
    glossa__free(t->slot);
    *t = bigger;
}

/* The shared string equal to s[0, n), or NULL; with add (equal to it),
 * records add as the shared one when there is none yet. */
static json_t *intern_get(intern_t *t, const char *s, size_t n, json_t *add)
{
    if (!t->mask || n > INTERN_MAX_BYTES)
        return NULL;
    uint64_t h = intern_hash(s, n);
    json_t **at = intern_probe(t, s, n, h);
    if (*at || !add)
        return *at;
    if (2 * (t->n + 1) > t->mask + 1) {
        intern_grow(t);
        if (2 * (t->n + 1) > t->mask + 1)
            return NULL;
        at = intern_probe(t, s, n, h);
    }
    *at = add;
    t->n++;
    return add;
}

static int set_text(json_t *span, const glossa__doc_t *doc, json_int_t s,
                    json_int_t e, intern_t *t)
{
    size_t b0 = glossa__offsets_cp_to_byte(&doc->offsets, (size_t)s);
    size_t b1 = glossa__offsets_cp_to_byte(&doc->offsets, (size_t)e);
    json_t *text = intern_get(t, doc->text + b0, b1 - b0, NULL);
    if (text)
        return json_object_set_nocheck(span, "text", text);
    text = json_stringn_nocheck(doc->text + b0, b1 - b0);
    if (!text)
        return -1;
    intern_get(t, doc->text + b0, b1 - b0, text);
    return json_object_set_new_nocheck(span, "text", text);
}

int glossa__unit_check_spans(glossa__unit_t *u)
{
    const glossa__doc_t *doc = u->doc;
    /* A layer no plugin reads goes straight to output text, which takes
     * its "text" from the document (put_spans): no string per span. The
     * key keeps its place, a null until then. */
    int lazy_text = doc->layers_as_text && u->step->n_dependents == 0;
    size_t n = json_array_size(u->spans);
    json_t *sorted = json_array();
    span_ref_t *refs = glossa__malloc((n ? n : 1) * sizeof(span_ref_t));
    if (!sorted || !refs) {
        json_decref(sorted);
        glossa__free(refs);
        return GLOSSA_ENOMEM;
    }
    intern_t strings = {NULL, 0, 0};
    if (u->step->n_dependents > 0 && n > 0)
        intern_init(&strings);
    json_int_t length = (json_int_t)doc->offsets.n_codepoints;
    size_t kept = 0, n_warnings = 0;
    char detail[256];
    for (size_t i = 0; i < n; i++) {
        json_t *span = json_array_get(u->spans, i);
        json_t *js = json_object_get(span, "start");
        json_t *je = json_object_get(span, "end");
        if (!json_is_integer(js) || !json_is_integer(je)) {
            warn_span(u, &n_warnings, i,
                      "\"start\" and \"end\" must be integers");
            continue;
        }
        json_int_t s = json_integer_value(js), e = json_integer_value(je);
        if (s < 0 || e < s || e > length) {
            snprintf(detail, sizeof(detail),
                     "[%lld, %lld) is not a range within the document's "
                     "%lld code points",
                     (long long)s, (long long)e, (long long)length);
            warn_span(u, &n_warnings, i, detail);
            continue;
        }
        json_t *given = json_object_get(span, "text");
        if (json_is_string(given)) {
            size_t b0 = glossa__offsets_cp_to_byte(&doc->offsets, (size_t)s);
            size_t b1 = glossa__offsets_cp_to_byte(&doc->offsets, (size_t)e);
            if (json_string_length(given) != b1 - b0 ||
                memcmp(json_string_value(given), doc->text + b0, b1 - b0)) {
                snprintf(detail, sizeof(detail),
                         "its \"text\" differs from the document's text at "
                         "[%lld, %lld)",
                         (long long)s, (long long)e);
                warn_span(u, &n_warnings, i, detail);
                continue;
            }
        }
        if (!json_is_string(given) &&
            (lazy_text ? !given && json_object_set_new_nocheck(span, "text",
                                                               json_null())
                       : set_text(span, doc, s, e, &strings))) {
            json_decref(sorted);
            glossa__free(refs);
            glossa__free(strings.slot);
            return GLOSSA_ENOMEM;
        }
        refs[kept].start = s;
        refs[kept].end = e;
        refs[kept].index = i;
        refs[kept].span = span;
        kept++;
    }
    if (n_warnings > MAX_SPAN_WARNINGS)
        glossa__error_entry_add(&u->warnings, u->step->layer, GLOSSA_EINVAL,
                                "%zu more spans dropped",
                                n_warnings - MAX_SPAN_WARNINGS);
    glossa__free(strings.slot);
    qsort(refs, kept, sizeof(span_ref_t), compare_spans);
    int rc = 0;
    for (size_t k = 0; k < kept && rc == 0; k++)
        rc = json_array_append(sorted, refs[k].span) ? GLOSSA_ENOMEM : 0;
    glossa__free(refs);
    if (rc) {
        json_decref(sorted);
        return rc;
    }
    json_decref(u->spans);
    u->spans = sorted;
    return 0;
}

/* Writes a layer's spans as the output holds them. A "text" that is not a
 * string, as check_spans leaves it in a layer no plugin reads, is the
 * document's text over the span. */
static void put_spans(glossa__strbuf_t *sb, const glossa__doc_t *doc,
                      const json_t *spans)
{
    glossa__strbuf_putc(sb, '[');
    size_t i;
    const json_t *span;
    json_array_foreach(spans, i, span)
    {
        if (i)
            glossa__strbuf_putc(sb, ',');
        glossa__strbuf_putc(sb, '{');
        int first = 1;
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)span, key, v)
        {
            if (!first)
                glossa__strbuf_putc(sb, ',');
            first = 0;
            size_t key_len = strlen(key);
            glossa__strbuf_put_json_string(sb, key, key_len);
            glossa__strbuf_putc(sb, ':');
            if (json_is_string(v) || key_len != 4 || memcmp(key, "text", 4)) {
                glossa__strbuf_put_json(sb, v);
                continue;
            }
            /* Checked by check_spans: integers within the text. */
            size_t s =
                (size_t)json_integer_value(json_object_get(span, "start"));
            size_t e = (size_t)json_integer_value(json_object_get(span, "end"));
            size_t b0 = glossa__offsets_cp_to_byte(&doc->offsets, s);
            size_t b1 = glossa__offsets_cp_to_byte(&doc->offsets, e);
            glossa__strbuf_put_json_string(sb, doc->text + b0, b1 - b0);
        }
        glossa__strbuf_putc(sb, '}');
    }
    glossa__strbuf_putc(sb, ']');
}

/* Writes u's layer as the record will hold it and frees its JSON. */
static void layer_to_text(glossa__unit_t *u)
{
    if (u->status != GLOSSA__UNIT_DONE || !u->spans)
        return;
    if (!u->spans_text) {
        glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
        put_spans(&sb, u->doc, u->spans);
        if (sb.failed) {
            glossa__strbuf_free(&sb);
            return;
        }
        /* The buffer doubled as it grew: give back what the text does
         * not use, up to half of it, while the layer waits for the
         * record. */
        char *shrunk = glossa__realloc(sb.data, sb.len + 1);
        if (shrunk)
            sb.data = shrunk;
        u->spans_text = glossa__strbuf_detach(&sb, &u->spans_text_len);
        u->text_has_reals = 0; /* written as the output writes them */
    }
    json_decref(u->spans);
    u->spans = NULL;
}

/* Layers written at once by one release; more are written as they come. */
#define RELEASE_SORTED 8

void glossa__unit_release_layers(glossa__unit_t *u)
{
    glossa__doc_t *doc = u->doc;
    if (!doc->layers_as_text)
        return;
    const glossa__step_t *step = u->step;
    /* Writing a layer holds its JSON and its growing text at once, and
     * every layer not yet written: u's own goes first, then the others
     * from the smallest. */
    if (step->n_dependents == 0)
        layer_to_text(u);
    /* u has read these (annotate() has returned): the last of a layer's
     * readers to finish releases it. A reader that never runs (its
     * document lost a layer it needs) leaves the layer as JSON for the
     * record. */
    glossa__unit_t *ready[RELEASE_SORTED];
    size_t n_ready = 0;
    for (size_t r = 0; r < step->n_requires; r++) {
        glossa__unit_t *req = &doc->units[step->requires[r]];
        if (atomic_fetch_sub_explicit(&req->readers_left, 1,
                                      memory_order_acq_rel) != 1)
            continue;
        if (n_ready == RELEASE_SORTED) {
            layer_to_text(req);
            continue;
        }
        size_t k = n_ready++;
        for (; k > 0 && ready[k - 1]->approx_bytes > req->approx_bytes; k--)
            ready[k] = ready[k - 1];
        ready[k] = req;
    }
    for (size_t k = 0; k < n_ready; k++)
        layer_to_text(ready[k]);
}

/* A unit's layer or document result: the JSON value, or the text a
 * worker sent, spliced as it is unless it holds reals (the worker writes
 * them in full precision; the output has 10 digits). */
static void put_layer_value(glossa__strbuf_t *sb, const json_t *value,
                            const char *text, size_t len, int has_reals)
{
    if (!text) {
        glossa__strbuf_put_json(sb, value);
        return;
    }
    if (!has_reals) {
        glossa__strbuf_append(sb, text, len);
        return;
    }
    json_t *parsed =
        json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (parsed)
        glossa__strbuf_put_json(sb, parsed);
    else
        sb->failed = 1; /* out of memory: the record says so */
    json_decref(parsed);
}

/* Appends "name":<array of spans> and returns 0, or rolls back and returns
 * GLOSSA_ETOOBIG when it exceeds the per-layer limit. */
static int put_layer(glossa__strbuf_t *sb, const glossa__unit_t *u, size_t cap,
                     int first)
{
    size_t mark = sb->len;
    if (!first)
        glossa__strbuf_putc(sb, ',');
    size_t start = sb->len;
    glossa__strbuf_put_json_string(sb, u->step->layer, strlen(u->step->layer));
    glossa__strbuf_putc(sb, ':');
    if (u->spans_text)
        put_layer_value(sb, NULL, u->spans_text, u->spans_text_len,
                        u->text_has_reals);
    else
        put_spans(sb, u->doc, u->spans);
    if (sb->len - start > cap && !sb->failed) {
        sb->len = mark;
        sb->data[mark] = '\0';
        return GLOSSA_ETOOBIG;
    }
    return 0;
}

static void put_errors(glossa__strbuf_t *sb, const json_t *errors,
                       size_t *count, int *first)
{
    size_t i;
    const json_t *e;
    json_array_foreach(errors, i, e)
    {
        if (!*first)
            glossa__strbuf_putc(sb, ',');
        *first = 0;
        glossa__strbuf_put_json(sb, e);
        (*count)++;
    }
}

/* "provenance": the input's digest and, for each layer in the record,
 * what produced it (docs/output-format.md). */
static void put_provenance(glossa__strbuf_t *sb, const glossa_runtime_t *rt,
                           const glossa__doc_t *doc)
{
    glossa__strbuf_puts(sb, ",\"provenance\":{\"input\":");
    glossa__strbuf_put_json_string(sb, doc->input_digest,
                                   strlen(doc->input_digest));
    glossa__strbuf_puts(sb, ",\"layers\":{");
    int first = 1;
    for (size_t i = 0; doc->units && i < rt->n_steps; i++) {
        const glossa__unit_t *u = &doc->units[i];
        if (u->status != GLOSSA__UNIT_DONE)
            continue;
        if (!first)
            glossa__strbuf_putc(sb, ',');
        first = 0;
        glossa__strbuf_put_json_string(sb, u->step->layer,
                                       strlen(u->step->layer));
        glossa__strbuf_putc(sb, ':');
        glossa__strbuf_put_json_string(sb, u->step->provenance,
                                       strlen(u->step->provenance));
    }
    glossa__strbuf_puts(sb, "}}");
}

/* Bytes the record will take, or a little more, so that its buffer is
 * allocated once: the layers are most of a large document's record. */
static size_t record_estimate(const glossa_runtime_t *rt,
                              const glossa__doc_t *doc)
{
    size_t n = 4096 + (doc->id ? strlen(doc->id) : 0);
    if ((rt->opts.with_text || doc->with_text) && doc->text)
        n += doc->len + doc->len / 8;
    for (size_t i = 0; doc->units && i < rt->n_steps; i++) {
        const glossa__unit_t *u = &doc->units[i];
        if (u->status != GLOSSA__UNIT_DONE)
            continue;
        n += u->spans_text ? u->spans_text_len : u->approx_bytes;
        n += u->document_text_len;
    }
    return n;
}

void glossa__doc_serialize(const glossa_runtime_t *rt, glossa__doc_t *doc)
{
    uint64_t t0 = uv_hrtime();
    /* Every unit is over: nothing reads the tokens any more. */
    glossa__segments_free(&doc->seg);
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__strbuf_reserve(&sb, record_estimate(rt, doc));
    json_t *late_errors = NULL; /* layers dropped here for their size */
    glossa__strbuf_puts(&sb, "{\"id\":");
    const char *id = doc->id ? doc->id : "";
    glossa__strbuf_put_json_string(&sb, id, strlen(id));
    glossa__strbuf_puts(&sb, ",\"meta\":");
    if (doc->meta)
        glossa__strbuf_put_json(&sb, doc->meta);
    else
        glossa__strbuf_puts(&sb, "{}");
    if ((rt->opts.with_text || doc->with_text) && doc->text) {
        glossa__strbuf_puts(&sb, ",\"text\":");
        glossa__strbuf_put_json_string(&sb, doc->text, doc->len);
    }
    glossa__strbuf_puts(&sb, ",\"annotations\":{");
    int first = 1;
    for (size_t i = 0; doc->units && i < rt->n_steps; i++) {
        glossa__unit_t *u = &doc->units[i];
        if (u->status != GLOSSA__UNIT_DONE)
            continue;
        int rc = put_layer(&sb, u, rt->opts.max_layer_bytes, first);
        /* In the record now: the layer's own copy goes, so that a large
         * document's layers are not in memory twice. */
        glossa__free(u->spans_text);
        u->spans_text = NULL;
        u->spans_text_len = 0;
        json_decref(u->spans);
        u->spans = NULL;
        if (rc == GLOSSA_ETOOBIG) {
            glossa__error_entry_add(&late_errors, u->step->layer,
                                    GLOSSA_ETOOBIG,
                                    "output on this document exceeds the "
                                    "limit of %zu bytes (--max-layer-bytes); "
                                    "layer dropped",
                                    rt->opts.max_layer_bytes);
            continue;
        }
        first = 0;
    }
    glossa__strbuf_puts(&sb, "},\"document\":{");
    first = 1;
    for (size_t i = 0; doc->units && i < rt->n_steps; i++) {
        const glossa__unit_t *u = &doc->units[i];
        if (u->status != GLOSSA__UNIT_DONE ||
            (!u->document && !u->document_text))
            continue;
        if (!first)
            glossa__strbuf_putc(&sb, ',');
        first = 0;
        glossa__strbuf_put_json_string(&sb, u->step->layer,
                                       strlen(u->step->layer));
        glossa__strbuf_putc(&sb, ':');
        put_layer_value(&sb, u->document, u->document_text,
                        u->document_text_len, u->text_has_reals);
    }
    glossa__strbuf_puts(&sb, "},\"errors\":[");
    /* Input errors first, then each plugin's in pipeline order: the same
     * order whatever order the plugins finished in. */
    size_t n_errors = 0;
    first = 1;
    put_errors(&sb, doc->errors, &n_errors, &first);
    json_t *entry_list = NULL;
    for (size_t i = 0; doc->units && i < rt->n_steps; i++) {
        const glossa__unit_t *u = &doc->units[i];
        if (u->status == GLOSSA__UNIT_FAILED ||
            u->status == GLOSSA__UNIT_SKIPPED) {
            glossa__error_entry_add(&entry_list, u->step->layer,
                                    u->error_code ? u->error_code
                                                  : GLOSSA_EPLUGIN,
                                    "%s", u->error ? u->error : "failed");
            put_errors(&sb, entry_list, &n_errors, &first);
            json_decref(entry_list);
            entry_list = NULL;
        }
        put_errors(&sb, u->warnings, &n_errors, &first);
    }
    put_errors(&sb, late_errors, &n_errors, &first);
    json_decref(late_errors);
    glossa__strbuf_puts(&sb, "]");
    put_provenance(&sb, rt, doc);
    glossa__strbuf_putc(&sb, '}');
    if (sb.failed) {
        /* Out of memory: still one line for the record, so nothing is lost
         * silently and the output stays aligned with the input. */
        glossa__strbuf_free(&sb);
        doc->line = glossa__strdup(
            "{\"id\":null,\"meta\":{},\"annotations\":{},\"document\":{},"
            "\"errors\":[{\"plugin\":null,\"code\":\"ENOMEM\",\"message\":"
            "\"out of memory while writing this record\"}]}");
        doc->line_len = doc->line ? strlen(doc->line) : 0;
        doc->n_errors = 1;
    } else {
        doc->line = glossa__strbuf_detach(&sb, &doc->line_len);
        doc->n_errors = n_errors;
    }
    doc->merge_nanos = uv_hrtime() - t0;
}
