/* After a plugin (annotate.c): checking and ordering its spans. After all
 * plugins: serialising the document's output record. Both run on pool
 * threads (the record on the loop thread in isolation mode). */
#include <string.h>

#include "alloc.h"
#include "runtime_int.h"
#include "strbuf.h"

int glossa__unit_check_spans(glossa__unit_t *u)
{
    return glossa__layer_finish(u->layer, u->doc, u->step->layer, &u->warnings,
                                u->spans_dropped);
}

/* Writes u's layer as the record will hold it and frees it. */
static void layer_to_text(glossa__unit_t *u)
{
    if (u->status != GLOSSA__UNIT_DONE || !u->layer)
        return;
    if (!u->spans_text) {
        glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
        glossa__layer_write(&sb, u->layer, 0);
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
    glossa__layer_free(u->layer);
    u->layer = NULL;
}

/* Layers written at once by one release; more are written as they come. */
#define RELEASE_SORTED 8

void glossa__unit_release_layers(glossa__unit_t *u)
{
    glossa__doc_t *doc = u->doc;
    if (!doc->layers_as_text)
        return;
    /* The document's last unit: its record is written next, in this
     * job, straight from the layers' stores; text made here would be a
     * second copy of each layer for that moment (on one 50 MB document,
     * the run's peak). */
    if (atomic_load_explicit(&doc->units_left, memory_order_acquire) == 1)
        return;
    const glossa__step_t *step = u->step;
    /* Writing a layer holds its store and its growing text at once, and
     * every layer not yet written: u's own goes first, then the others
     * from the smallest. */
    if (step->n_dependents == 0)
        layer_to_text(u);
    /* u has read these (annotate() has returned): the last of a layer's
     * readers to finish releases it. A reader that never runs (its
     * document lost a layer it needs) leaves the layer in its store for
     * the record. */
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
        glossa__layer_write(sb, u->layer, 0);
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
        glossa__layer_free(u->layer);
        u->layer = NULL;
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
