/* The Glossa plugin: a thin layer that hands each document to the dates
 * engine (dates.h) and turns its spans into the `dates` layer.
 *
 * State is the compiled engine, read-only after create(): annotate() runs
 * on several pool threads at once with no locking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/plugin.h>

#include "dates.h"

typedef struct dates_state {
    const glossa_host_t *host;
    dates_engine_t *engine;
    char *dct_field;
    bool dateline;
} dates_state_t;

static const glossa_option_t dates_options[] = {
    {"rules", GLOSSA_OPTION_STRING, NULL,
     "directory of lexicon/, patterns/ and rules/ to load instead of the "
     "bundled data (relative paths resolve against the plugin's data "
     "directory)"},
    {"dct_field", GLOSSA_OPTION_STRING, "\"published\"",
     "metadata field holding the document creation time (ISO 8601 date)"},
    {"dateline", GLOSSA_OPTION_BOOLEAN, "true",
     "without a DCT in the metadata, take it from a dateline near the top "
     "of the text"},
    {NULL, 0, NULL, NULL}};

static void dates_destroy(void *p)
{
    dates_state_t *st = p;
    if (!st)
        return;
    dates_engine_free(st->engine);
    free(st->dct_field);
    free(st);
}

static void *dates_create(const glossa_create_args_t *args, char *err,
                          size_t err_size)
{
    const json_t *cfg = args->config;
    const char *rules = json_string_value(json_object_get(cfg, "rules"));
    const char *field = json_string_value(json_object_get(cfg, "dct_field"));
    const json_t *dl = json_object_get(cfg, "dateline");
    char path[4096];
    if (rules && rules[0] == '/') {
        snprintf(path, sizeof path, "%s", rules);
    } else if (!args->data_dir) {
        snprintf(err, err_size, "dates: no data directory to load rules from");
        return NULL;
    } else if (rules) {
        snprintf(path, sizeof path, "%s/%s", args->data_dir, rules);
    } else {
        snprintf(path, sizeof path, "%s", args->data_dir);
    }
    dates_state_t *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, err_size, "dates: out of memory");
        return NULL;
    }
    st->host = args->host;
    st->dateline = dl ? json_is_true(dl) : true;
    const char *f = field ? field : "published";
    st->dct_field = malloc(strlen(f) + 1);
    if (st->dct_field)
        memcpy(st->dct_field, f, strlen(f) + 1);
    if (!st->dct_field) {
        snprintf(err, err_size, "dates: out of memory");
        dates_destroy(st);
        return NULL;
    }
    char msg[1024];
    if (dates_engine_load(path, &st->engine, msg, sizeof msg) != 0) {
        snprintf(err, err_size, "dates: %s", msg);
        dates_destroy(st);
        return NULL;
    }
    return st;
}

typedef struct emit {
    const glossa_host_t *host;
    glossa_ctx_t *ctx;
} emit_t;

static int emit_span(void *arg, const dates_span_t *s)
{
    emit_t *em = arg;
    json_t *o = em->host->span_add_bytes(em->ctx, s->start, s->end, s->label);
    if (!o)
        return -1;
    if (json_object_set_new(o, "value", json_string(s->value)) != 0)
        return -1;
    if (s->anchor &&
        json_object_set_new(o, "anchor", json_string(s->anchor)) != 0)
        return -1;
    if (s->mod && json_object_set_new(o, "mod", json_string(s->mod)) != 0)
        return -1;
    return 0;
}

static int dates_annotate(void *p, glossa_ctx_t *ctx)
{
    dates_state_t *st = p;
    const glossa_host_t *h = st->host;
    size_t len = 0;
    const char *text = h->doc_text(ctx, &len);
    dates_dct_t dct = {0};
    const json_t *meta = h->doc_meta(ctx);
    const json_t *pub = json_object_get(meta, st->dct_field);
    if (json_is_string(pub) &&
        dates_dct_parse(json_string_value(pub), &dct) != 0)
        h->log(ctx, GLOSSA_LOG_WARN, "%s '%s' is not an ISO 8601 date",
               st->dct_field, json_string_value(pub));
    emit_t em = {h, ctx};
    int rc = dates_engine_annotate(st->engine, text, len, &dct,
                                   st->dateline ? DATES_DATELINE : 0, emit_span,
                                   &em, NULL);
    if (rc != 0)
        return h->fail(ctx, "dates: %s",
                       rc == -1 ? "cannot add a span" : "out of memory");
    return 0;
}

static const char *const dates_requires[] = {NULL};

static const glossa_plugin_t dates_plugin = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "dates",
    .version = "0.1.0",
    .description = "Temporal expressions normalized to TIMEX3 values "
                   "(DATE, TIME, DURATION, SET)",
    .requires = dates_requires,
    .create = dates_create,
    .annotate = dates_annotate,
    .destroy = dates_destroy,
    .options = dates_options,
};

GLOSSA_PLUGIN_DEFINE(dates_plugin)
