/* Test plugin: serves the `entities` spans of gold files as a layer, so
 * that the mediation plugin can be run and scored in the real runtime on
 * hand-checked entities, apart from the entities plugin's own errors.
 * Config: {"dir": "<directory of <doc-id>.json gold files>"}; use it in a
 * pipeline with "as": "entities". A document without a gold file gets no
 * spans. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/plugin.h>

typedef struct state {
    const glossa_host_t *host;
    char dir[4096];
} state_t;

static const glossa_option_t OPTIONS[] = {
    {.key = "dir",
     .type = GLOSSA_OPTION_STRING,
     .description = "directory of <doc-id>.json files",
     .required = 1},
    {.key = NULL},
};

static void *ge_create(const glossa_create_args_t *args, char *err,
                       size_t err_size)
{
    const json_t *dir = json_object_get(args->config, "dir");
    if (!json_is_string(dir)) {
        snprintf(err, err_size, "config \"dir\" is required");
        return NULL;
    }
    state_t *st = calloc(1, sizeof(*st));
    if (!st) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    st->host = args->host;
    snprintf(st->dir, sizeof st->dir, "%s", json_string_value(dir));
    return st;
}

static int ge_annotate(void *state, glossa_ctx_t *ctx)
{
    const state_t *st = state;
    char path[8192];
    snprintf(path, sizeof path, "%s/%s.json", st->dir, st->host->doc_id(ctx));
    json_error_t jerr;
    json_t *gold = json_load_file(path, 0, &jerr);
    if (!gold)
        return 0;
    size_t i;
    json_t *e;
    int rc = 0;
    json_array_foreach(json_object_get(gold, "entities"), i, e)
    {
        json_t *span = st->host->span_add(
            ctx, (size_t)json_integer_value(json_object_get(e, "start")),
            (size_t)json_integer_value(json_object_get(e, "end")),
            json_string_value(json_object_get(e, "label")));
        if (!span) {
            rc = st->host->fail(ctx, "out of memory");
            break;
        }
        json_object_set(span, "canonical", json_object_get(e, "canonical"));
        if (json_object_get(e, "refers_to"))
            json_object_set(span, "refers_to", json_object_get(e, "refers_to"));
    }
    json_decref(gold);
    return rc;
}

static void ge_destroy(void *state)
{
    free(state);
}

static const glossa_plugin_t DESCRIPTOR = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "gold_entities",
    .version = "test",
    .description = "test only: the entities of gold files as a layer",
    .requires = NULL,
    .create = ge_create,
    .annotate = ge_annotate,
    .destroy = ge_destroy,
    .options = OPTIONS,
};

GLOSSA_PLUGIN_DEFINE(DESCRIPTOR)
