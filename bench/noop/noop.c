/* noop: a plugin that does nothing and returns an empty layer. With it the
 * benchmark measures the framework alone: input, decoding, segmentation,
 * scheduling, merging and output. */
#include <glossa/plugin.h>

static const glossa_host_t *host;

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
    (void)ctx;
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "noop",
    .version = "1.0",
    .description = "benchmark plugin: an empty layer for every document",
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
