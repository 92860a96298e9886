/* Test plugin "abi11": a plugin as it was built against plugin ABI 1.1,
 * which has no span_put: spans through span_add and span_add_bytes with
 * Jansson fields (reals and nested values too), a warning, and its input
 * "mixer" read through doc_layer(). The record must be what a 1.1 core
 * wrote. */
#include <glossa/plugin.h>

static const glossa_host_t *host;
static const char *const inputs[] = {"mixer", NULL};

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    host = args->host;
    return (void *)&host;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    (void)state;
    const json_t *mixer = host->doc_layer(ctx, "mixer");
    size_t len;
    host->doc_text(ctx, &len);
    json_t *a = host->span_add_bytes(ctx, 0, len, "ALL");
    json_t *b = host->span_add(ctx, 0, 1, NULL);
    if (!a || !b ||
        json_object_set_new(a, "mixer_spans",
                            json_integer((json_int_t)json_array_size(mixer))) ||
        json_object_set_new(a, "score", json_real(1.0 / 3.0)) ||
        json_object_set_new(b, "nested", json_pack("{s:[f,b,n]}", "v", 0.5, 1)))
        return host->fail(ctx, "cannot add a span");
    /* "label" set after another field stays where it was put. */
    if (json_object_set_new(b, "label", json_string("LATE")))
        return host->fail(ctx, "cannot add a span");
    if (GLOSSA_HOST_HAS(host, warn))
        host->warn(ctx, "a warning from a 1.1 plugin");
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_plugin_t descriptor = {
    .abi_version = (1u << 16) | 1u,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "abi11",
    .version = "0.1",
    .description = "test plugin: built against plugin ABI 1.1",
    .inputs = inputs,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
