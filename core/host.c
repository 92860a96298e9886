/* The host function table: what plugins can ask of the core. Every function
 * gets the unit (glossa_ctx_t) it runs for; none of them blocks. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "log.h"
#include "runtime_int.h"

static _Thread_local const glossa__step_t *current_step;

void glossa__set_current_step(const glossa__step_t *step)
{
    current_step = step;
}

const glossa__step_t *glossa__current_step(void)
{
    return current_step;
}

static const char *host_doc_id(const glossa_ctx_t *ctx)
{
    return ctx->doc->id;
}

static const char *host_doc_text(const glossa_ctx_t *ctx, size_t *len)
{
    if (len)
        *len = ctx->doc->len;
    return ctx->doc->text;
}

static size_t host_doc_length(const glossa_ctx_t *ctx)
{
    return ctx->doc->offsets.n_codepoints;
}

static const json_t *host_doc_meta(const glossa_ctx_t *ctx)
{
    return ctx->doc->meta;
}

static size_t host_cp_to_byte(const glossa_ctx_t *ctx, size_t cp)
{
    return glossa__offsets_cp_to_byte(&ctx->doc->offsets, cp);
}

static size_t host_byte_to_cp(const glossa_ctx_t *ctx, size_t byte)
{
    return glossa__offsets_byte_to_cp(&ctx->doc->offsets, byte);
}

static const glossa_token_t *host_doc_tokens(const glossa_ctx_t *ctx,
                                             size_t *count)
{
    if (count)
        *count = ctx->doc->seg.n_tokens;
    return ctx->doc->seg.tokens;
}

static const glossa_sentence_t *host_doc_sentences(const glossa_ctx_t *ctx,
                                                   size_t *count)
{
    if (count)
        *count = ctx->doc->seg.n_sentences;
    return ctx->doc->seg.sentences;
}

/* The unit of a layer the plugin declared it requires, or NULL. Only such
 * layers are guaranteed finished when the plugin runs. */
static const glossa__unit_t *required_unit(const glossa_ctx_t *ctx,
                                           const char *name)
{
    if (!name)
        return NULL;
    /* By the name the plugin declared (the pipeline may feed the input
     * from a layer of another name): requires[r] is inputs[r]'s step. */
    const glossa__step_t *step = ctx->step;
    const char *const *declared = step->type->desc.inputs;
    for (size_t r = 0; r < step->n_requires; r++)
        if (strcmp(declared[r], name) == 0)
            return &ctx->doc->units[step->requires[r]];
    return NULL;
}

/* The JSON is made from the flat layer the first time a reader asks
 * (layer.c); a layer's readers may run at once, and take the same array. */
static const json_t *host_doc_layer(const glossa_ctx_t *ctx, const char *name)
{
    const glossa__unit_t *u = required_unit(ctx, name);
    return u ? glossa__layer_json(u->layer, u->doc) : NULL;
}

static const glossa_span_view_t *
host_layer_spans(const glossa_ctx_t *ctx, const char *name, size_t *count)
{
    const glossa__unit_t *u = required_unit(ctx, name);
    if (!u) {
        if (count)
            *count = 0;
        return NULL;
    }
    return glossa__layer_spans(u->layer, count);
}

static const json_t *host_doc_layer_document(const glossa_ctx_t *ctx,
                                             const char *name)
{
    const glossa__unit_t *u = required_unit(ctx, name);
    return u ? u->document : NULL;
}

/* Rough output size of a span before its fields: keys, offsets, text.
 * Fields are not counted (they never were: the record's writer checks the
 * layer's real size against the limit too); span_put counts alike, so that
 * a plugin's layer passes or fails the same whichever call it uses. */
#define SPAN_OVERHEAD 48

/* Counts a span against --max-layer-bytes; nonzero once over. */
static int over_cap(glossa_ctx_t *ctx, size_t text_bytes, const char *label)
{
    ctx->approx_bytes +=
        SPAN_OVERHEAD + text_bytes + (label ? strlen(label) : 0);
    return ctx->approx_bytes > ctx->rt->opts.max_layer_bytes;
}

static json_t *add_span(glossa_ctx_t *ctx, size_t start, size_t end,
                        size_t text_bytes, const char *label)
{
    if (over_cap(ctx, text_bytes, label))
        return NULL; /* unit_execute reports the overflow */
    if (!ctx->layer && !(ctx->layer = glossa__layer_new()))
        return NULL;
    json_t *span = json_object();
    if (!span)
        return NULL;
    /* "text" is a placeholder here so that the keys come out in the
     * documented order; the core fills it after annotate(). */
    if (json_object_set_new_nocheck(span, "start",
                                    json_integer((json_int_t)start)) ||
        json_object_set_new_nocheck(span, "end",
                                    json_integer((json_int_t)end)) ||
        json_object_set_new_nocheck(span, "text", json_null()) ||
        (label &&
         json_object_set_new_nocheck(span, "label", json_string(label)))) {
        json_decref(span);
        return NULL;
    }
    /* The layer holds it as it is until annotate() returns, then
     * converts it (glossa__layer_finish). */
    return glossa__layer_put_json(ctx->layer, span);
}

static json_t *host_span_add(glossa_ctx_t *ctx, size_t start, size_t end,
                             const char *label)
{
    size_t est = end > start ? end - start : 0;
    return add_span(ctx, start, end, est, label);
}

static int is_char_start(const glossa__doc_t *doc, size_t byte)
{
    return byte >= doc->len || ((unsigned char)doc->text[byte] & 0xC0) != 0x80;
}

static json_t *host_span_add_bytes(glossa_ctx_t *ctx, size_t start_byte,
                                   size_t end_byte, const char *label)
{
    const glossa__doc_t *doc = ctx->doc;
    if (start_byte > doc->len || end_byte > doc->len ||
        !is_char_start(doc, start_byte) || !is_char_start(doc, end_byte)) {
        glossa__span_dropped(&ctx->warnings, ctx->step->layer,
                             &ctx->spans_dropped,
                             "span_add_bytes(%zu, %zu): offsets are not "
                             "character boundaries within the %zu-byte "
                             "text; span dropped",
                             start_byte, end_byte, doc->len);
        return NULL;
    }
    size_t start = glossa__offsets_byte_to_cp(&doc->offsets, start_byte);
    size_t end = glossa__offsets_byte_to_cp(&doc->offsets, end_byte);
    return add_span(ctx, start, end,
                    end_byte > start_byte ? end_byte - start_byte : 0, label);
}

/* span_put with checked offsets, in both units. The size is estimated
 * from the offsets the plugin gave, as span_add and span_add_bytes do. */
static int put_span(glossa_ctx_t *ctx, size_t start, size_t end,
                    size_t start_byte, size_t end_byte, size_t est,
                    const char *label, const glossa_span_field_t *fields,
                    size_t n_fields)
{
    if (over_cap(ctx, est, label))
        return GLOSSA_ETOOBIG; /* unit_execute reports the overflow */
    if (!ctx->layer && !(ctx->layer = glossa__layer_new()))
        return GLOSSA_ENOMEM;
    return glossa__layer_put(ctx->layer, start, end, start_byte, end_byte,
                             label, fields, n_fields);
}

static int host_span_put(glossa_ctx_t *ctx, size_t start, size_t end,
                         const char *label, const glossa_span_field_t *fields,
                         size_t n_fields)
{
    if (!ctx)
        return GLOSSA_EINVAL;
    const glossa__doc_t *doc = ctx->doc;
    size_t length = doc->offsets.n_codepoints;
    if (start > end || end > length) {
        glossa__span_dropped(&ctx->warnings, ctx->step->layer,
                             &ctx->spans_dropped,
                             "span_put(%zu, %zu): not a range within the "
                             "document's %zu code points; span dropped",
                             start, end, length);
        return GLOSSA_EINVAL;
    }
    return put_span(ctx, start, end,
                    glossa__offsets_cp_to_byte(&doc->offsets, start),
                    glossa__offsets_cp_to_byte(&doc->offsets, end), end - start,
                    label, fields, n_fields);
}

static int host_span_put_bytes(glossa_ctx_t *ctx, size_t start_byte,
                               size_t end_byte, const char *label,
                               const glossa_span_field_t *fields,
                               size_t n_fields)
{
    if (!ctx)
        return GLOSSA_EINVAL;
    const glossa__doc_t *doc = ctx->doc;
    if (start_byte > end_byte || end_byte > doc->len ||
        !is_char_start(doc, start_byte) || !is_char_start(doc, end_byte)) {
        glossa__span_dropped(&ctx->warnings, ctx->step->layer,
                             &ctx->spans_dropped,
                             "span_put_bytes(%zu, %zu): offsets are not a "
                             "range of character boundaries within the "
                             "%zu-byte text; span dropped",
                             start_byte, end_byte, doc->len);
        return GLOSSA_EINVAL;
    }
    return put_span(ctx, glossa__offsets_byte_to_cp(&doc->offsets, start_byte),
                    glossa__offsets_byte_to_cp(&doc->offsets, end_byte),
                    start_byte, end_byte, end_byte - start_byte, label, fields,
                    n_fields);
}

static int host_document_set(glossa_ctx_t *ctx, json_t *result)
{
    if (!json_is_object(result)) {
        json_decref(result);
        return GLOSSA_EINVAL;
    }
    json_decref(ctx->document);
    ctx->document = result;
    return 0;
}

static int host_fail(glossa_ctx_t *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int host_fail(glossa_ctx_t *ctx, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (!ctx->error) /* the first reason wins */
        ctx->error = glossa__strdup(message);
    ctx->error_code = GLOSSA_EPLUGIN;
    return GLOSSA_EPLUGIN;
}

static void host_log(const glossa_ctx_t *ctx, glossa_log_level_t level,
                     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void host_log(const glossa_ctx_t *ctx, glossa_log_level_t level,
                     const char *fmt, ...)
{
    const glossa__step_t *step = ctx ? ctx->step : current_step;
    va_list ap;
    va_start(ap, fmt);
    glossa__vlog(step ? step->rt : NULL, level, step ? step->layer : NULL,
                 ctx ? ctx->doc->id : NULL, fmt, ap);
    va_end(ap);
}

static int host_warn(glossa_ctx_t *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning is an entry of the record's errors that keeps the layer. At
 * most MAX_WARNINGS a plugin and document, so that a plugin cannot flood
 * the output. */
#define MAX_WARNINGS 10

static int host_warn(glossa_ctx_t *ctx, const char *fmt, ...)
{
    if (!ctx)
        return GLOSSA_EINVAL;
    if (json_array_size(ctx->warnings) >= MAX_WARNINGS)
        return 0;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    return glossa__error_entry_add(&ctx->warnings, ctx->step->layer,
                                   GLOSSA_EWARNING, "%s", message);
}

const glossa_host_t glossa__host = {
    .size = sizeof(glossa_host_t),
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .doc_id = host_doc_id,
    .doc_text = host_doc_text,
    .doc_length = host_doc_length,
    .doc_meta = host_doc_meta,
    .doc_cp_to_byte = host_cp_to_byte,
    .doc_byte_to_cp = host_byte_to_cp,
    .doc_tokens = host_doc_tokens,
    .doc_sentences = host_doc_sentences,
    .doc_layer = host_doc_layer,
    .doc_layer_document = host_doc_layer_document,
    .span_add = host_span_add,
    .span_add_bytes = host_span_add_bytes,
    .document_set = host_document_set,
    .fail = host_fail,
    .log = host_log,
    .warn = host_warn,
    .span_put = host_span_put,
    .span_put_bytes = host_span_put_bytes,
    .layer_spans = host_layer_spans,
};
