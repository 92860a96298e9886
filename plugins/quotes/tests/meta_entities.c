/* A test plugin: the `entities` layer a test case writes in its own
 * metadata, so that the quotes tests do not depend on what the
 * statistical entities plugin finds in them.
 *
 * A record's meta has "entities": [[TEXT, LABEL, CANONICAL (,
 * REFERS_TO)], ...]; each TEXT is found in the document after the
 * previous one (the annotators' resolve.py convention) and becomes a span
 * with that label, "canonical" and "refers_to". Run it with "as":
 * "entities". A TEXT that is not found fails the document. */
#include <stdlib.h>
#include <string.h>

#include <glossa/plugin.h>

typedef struct state {
    const glossa_host_t *host;
} state_t;

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    state_t *st = calloc(1, sizeof *st);
    if (st)
        st->host = args->host;
    return st;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    const state_t *st = state;
    const glossa_host_t *h = st->host;
    size_t len;
    const char *text = h->doc_text(ctx, &len);
    const json_t *list = json_object_get(h->doc_meta(ctx), "entities");
    size_t from = 0, i;
    const json_t *e;
    json_array_foreach(list, i, e)
    {
        const char *t = json_string_value(json_array_get(e, 0));
        const char *label = json_string_value(json_array_get(e, 1));
        const char *canonical = json_string_value(json_array_get(e, 2));
        const char *refers = json_string_value(json_array_get(e, 3));
        if (!t || !*t || !label || !canonical)
            return h->fail(ctx,
                           "entities[%zu]: expected [text, label, "
                           "canonical (, refers_to)]",
                           i);
        const char *at = strstr(text + from, t);
        if (!at)
            return h->fail(ctx, "entities[%zu]: \"%s\" not found", i, t);
        size_t b = (size_t)(at - text), n = strlen(t);
        json_t *span = h->span_add(ctx, h->doc_byte_to_cp(ctx, b),
                                   h->doc_byte_to_cp(ctx, b + n), label);
        if (!span)
            return h->fail(ctx, "out of memory");
        json_object_set_new(span, "canonical", json_string(canonical));
        if (refers)
            json_object_set_new(span, "refers_to", json_string(refers));
        from = b + n;
    }
    return 0;
}

static void destroy(void *state)
{
    free(state);
}

static const glossa_plugin_t DESCRIPTOR = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "meta_entities",
    .version = "1",
    .description = "entity spans from each record's meta (tests)",
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

GLOSSA_PLUGIN_DEFINE(DESCRIPTOR)
