/* Test plugin "slow": takes `ms` milliseconds (config, default 20) on
 * every document and marks its first character. Lets tests catch a
 * process in the middle of a run: the scale-out tests kill a worker while
 * it holds documents. */
#include <errno.h>
#include <time.h>

#include <glossa/plugin.h>

typedef struct state {
    const glossa_host_t *host;
    long ms;
} state_t;

static state_t the_state;

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    the_state.host = args->host;
    the_state.ms =
        (long)json_integer_value(json_object_get(args->config, "ms"));
    return &the_state;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    const state_t *s = state;
    struct timespec ts = {s->ms / 1000, (s->ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    if (s->host->doc_length(ctx) > 0)
        s->host->span_add(ctx, 0, 1, "SLOW");
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_option_t options[] = {
    {.key = "ms",
     .type = GLOSSA_OPTION_INTEGER,
     .default_json = "20",
     .description = "milliseconds spent per document",
     .minimum = "0"},
    {.key = NULL},
};

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "slow",
    .version = "1.0",
    .description = "test plugin: sleeps on every document",
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
    .options = options,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
