/* Test plugin "abi10": a plugin as it was built against plugin ABI 1.0,
 * whose configuration entries are shorter than 1.1's (no choices, bounds
 * or required flag). The loader must read its table with the 1.0 stride:
 * it reports its configuration as one span, so a misread table shows. */
#include <stdio.h>

#include <glossa/plugin.h>

/* glossa_option_t of ABI 1.0, field for field. */
typedef struct option_1_0 {
    const char *key;
    glossa_option_type_t type;
    const char *default_json;
    const char *description;
} option_1_0_t;

static const option_1_0_t options[] = {
    {"mode", GLOSSA_OPTION_STRING, "\"first\"", "a string"},
    {"count", GLOSSA_OPTION_INTEGER, "2", "an integer"},
    {"flag", GLOSSA_OPTION_BOOLEAN, "true", "a boolean"},
    {NULL, 0, NULL, NULL}};

static const glossa_host_t *host;
static char summary[256];

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    host = args->host;
    snprintf(
        summary, sizeof(summary), "%s/%lld/%d",
        json_string_value(json_object_get(args->config, "mode")),
        (long long)json_integer_value(json_object_get(args->config, "count")),
        json_is_true(json_object_get(args->config, "flag")));
    return (void *)&host;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    (void)state;
    json_t *span = host->span_add(ctx, 0, 0, "CONFIG");
    if (!span || json_object_set_new(span, "config", json_string(summary)))
        return host->fail(ctx, "out of memory");
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_plugin_t descriptor = {
    .abi_version = (1u << 16) | 0u,
    /* A 1.0 descriptor ended with the option table. */
    .struct_size = offsetof(glossa_plugin_t, options) + sizeof(void *),
    .name = "abi10",
    .version = "0.1",
    .description = "test plugin: built against plugin ABI 1.0",
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
    .options = (const glossa_option_t *)(const void *)options,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
