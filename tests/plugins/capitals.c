/* Test plugin "capitals": tags every token starting with an uppercase
 * letter as CAP, and counts them in its document result. Config:
 * "label" (string) replaces CAP; "odd_text" (boolean) leaves the core
 * spans whose "text" is missing (even ones) or not a string (odd ones),
 * with a field "n" after it, for the checks of "text". */
#include <stdlib.h>
#include <string.h>

#include <glossa/plugin.h>

typedef struct state {
    const glossa_host_t *host;
    char label[32];
    int odd_text;
} state_t;

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    state_t *s = calloc(1, sizeof(*s));
    if (!s) {
        strncpy(err, "out of memory", err_size);
        return NULL;
    }
    s->host = args->host;
    const char *label =
        json_string_value(json_object_get(args->config, "label"));
    strncpy(s->label, label ? label : "CAP", sizeof(s->label) - 1);
    s->odd_text = json_is_true(json_object_get(args->config, "odd_text"));
    return s;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    state_t *s = state;
    size_t n;
    const glossa_token_t *tokens = s->host->doc_tokens(ctx, &n);
    json_int_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(tokens[i].flags & GLOSSA_TOKEN_UPPER))
            continue;
        json_t *span = s->host->span_add(ctx, tokens[i].cp_start,
                                         tokens[i].cp_end, s->label);
        if (!span)
            return s->host->fail(ctx, "out of memory");
        if (s->odd_text) {
            if (count % 2)
                json_object_set_new(span, "text", json_integer(count));
            else
                json_object_del(span, "text");
            json_object_set_new(span, "n", json_integer(count));
        }
        count++;
    }
    s->host->document_set(ctx, json_pack("{s:I}", "count", count));
    return 0;
}

static void destroy(void *state)
{
    free(state);
}

static const glossa_option_t options[] = {
    {.key = "label",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"CAP\"",
     .description = "label of the spans"},
    {.key = "odd_text",
     .type = GLOSSA_OPTION_BOOLEAN,
     .default_json = "false",
     .description = "drop or replace the spans' \"text\" (tests)"},
    {.key = NULL},
};

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "capitals",
    .version = "1.0",
    .description = "test plugin: tags capitalised tokens",
    .requires = NULL,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
    .options = options,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
