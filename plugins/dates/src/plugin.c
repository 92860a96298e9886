/* The Glossa plugin: a thin layer that hands each document to the dates
 * engine (dates.h) and turns its spans into the `dates` layer.
 *
 * State is the compiled engine, read-only after create(), and the idle
 * scratches: annotate() runs on several pool threads at once, locking only
 * to take a scratch and give it back. */
#include <pthread.h>
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
    /* Scratches between documents (dates.h): annotate() takes one (or
     * makes one) and gives it back, so there are never more than the
     * calls that ran at once. Not thread-local storage: its destructors
     * would outlive the module once the host unloads it while the pool's
     * threads live on, and each instance needs scratches for its own
     * engine. lock guards idle and n_idle only. */
    pthread_mutex_t lock;
    bool has_lock;
    dates_scratch_t **idle;
    size_t n_idle, cap_idle;
} dates_state_t;

static const glossa_option_t dates_options[] = {
    {.key = "rules",
     .type = GLOSSA_OPTION_STRING,
     .description =
         "directory of lexicon/, patterns/ and rules/ to load instead of the "
         "bundled data (relative paths resolve against the plugin's data "
         "directory)"},
    {.key = "dct_field",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"published\"",
     .description =
         "metadata field holding the document creation time (ISO 8601 date)"},
    {.key = "dateline",
     .type = GLOSSA_OPTION_BOOLEAN,
     .default_json = "true",
     .description =
         "without a DCT in the metadata, take it from a dateline near the top "
         "of the text"},
    {.key = NULL},
};

static void dates_destroy(void *p)
{
    dates_state_t *st = p;
    if (!st)
        return;
    for (size_t i = 0; i < st->n_idle; i++)
        dates_scratch_free(st->idle[i]);
    free(st->idle);
    if (st->has_lock)
        pthread_mutex_destroy(&st->lock);
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
    if (pthread_mutex_init(&st->lock, NULL) != 0) {
        snprintf(err, err_size, "dates: cannot create a mutex");
        dates_destroy(st);
        return NULL;
    }
    st->has_lock = true;
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

/* An idle scratch, or a new one; NULL when out of memory. */
static dates_scratch_t *scratch_take(dates_state_t *st)
{
    dates_scratch_t *s = NULL;
    pthread_mutex_lock(&st->lock);
    if (st->n_idle)
        s = st->idle[--st->n_idle];
    pthread_mutex_unlock(&st->lock);
    return s ? s : dates_scratch_new(st->engine);
}

/* Gives s back for the next document (frees it when out of memory). */
static void scratch_give(dates_state_t *st, dates_scratch_t *s)
{
    pthread_mutex_lock(&st->lock);
    if (st->n_idle == st->cap_idle) {
        size_t cap = st->cap_idle ? st->cap_idle * 2 : 4;
        dates_scratch_t **idle = realloc(st->idle, cap * sizeof *idle);
        if (idle) {
            st->idle = idle;
            st->cap_idle = cap;
        }
    }
    if (st->n_idle < st->cap_idle) {
        st->idle[st->n_idle++] = s;
        s = NULL;
    }
    pthread_mutex_unlock(&st->lock);
    dates_scratch_free(s);
}

typedef struct emit {
    const glossa_host_t *host;
    glossa_ctx_t *ctx;
    /* Relative expressions left underspecified (no anchor, an XXXX
     * year), and the first of them, for the warning. */
    size_t unresolved;
    char example_text[64], example_value[32];
} emit_t;

/* A point or time whose year the document date would have given. */
static int is_unresolved(const dates_span_t *s)
{
    return !s->anchor && strncmp(s->value, "XXXX", 4) == 0 &&
           strcmp(s->label, "SET") != 0;
}

static int emit_span(void *arg, const dates_span_t *s)
{
    emit_t *em = arg;
    glossa_span_field_t fields[3];
    size_t n_fields = 0;
    fields[n_fields++] = glossa_span_field_string("value", s->value);
    if (s->anchor)
        fields[n_fields++] = glossa_span_field_string("anchor", s->anchor);
    if (s->mod)
        fields[n_fields++] = glossa_span_field_string("mod", s->mod);
    int rc = em->host->span_put_bytes(em->ctx, s->start, s->end, s->label,
                                      fields, n_fields);
    if (rc)
        return -1;
    if (is_unresolved(s) && em->unresolved++ == 0) {
        size_t n = s->end - s->start;
        size_t len = 0;
        const char *text = em->host->doc_text(em->ctx, &len);
        snprintf(em->example_text, sizeof em->example_text, "%.*s",
                 (int)(n < 60 ? n : 60), text + s->start);
        snprintf(em->example_value, sizeof em->example_value, "%s", s->value);
    }
    return 0;
}

/* Relative dates without a document date keep underspecified values, as
 * the guidelines say; the record says why, once. */
static void warn_unresolved(const dates_state_t *st, const emit_t *em)
{
    const glossa_host_t *h = st->host;
    if (!em->unresolved || !GLOSSA_HOST_HAS(h, warn))
        return;
    h->warn(em->ctx,
            "no document date (metadata \"%s\" or a dateline near the top): "
            "%zu relative expression%s kept underspecified values, such as "
            "\"%s\" -> %s",
            st->dct_field, em->unresolved, em->unresolved == 1 ? "" : "s",
            em->example_text, em->example_value);
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
    emit_t em = {.host = h, .ctx = ctx};
    dates_scratch_t *s = scratch_take(st);
    if (!s)
        return h->fail(ctx, "dates: out of memory");
    int rc = dates_scratch_annotate(s, text, len, &dct,
                                    st->dateline ? DATES_DATELINE : 0,
                                    emit_span, &em, NULL);
    scratch_give(st, s);
    if (rc != 0)
        return h->fail(ctx, "dates: %s",
                       rc == -1 ? "cannot add a span" : "out of memory");
    warn_unresolved(st, &em);
    return 0;
}

static const char *const dates_requires[] = {NULL};

static const char *const TIMEX_TYPES[] = {"DATE", "TIME", "DURATION", "SET",
                                          NULL};

/* The fields of a temporal expression, for the output schema. */
static const glossa_field_t SPAN_FIELDS[] = {
    {.name = "label",
     .type = "string",
     .description = "the TIMEX3 type",
     .required = 1,
     .choices = TIMEX_TYPES},
    {.name = "value",
     .type = "string",
     .description = "the TIMEX3 value, resolved against the document date "
                    "(2022-10-31, 2022-W44, P6W, XXXX-WXX-1, PRESENT_REF)",
     .required = 1},
    {.name = "anchor",
     .type = "string",
     .description = "the value the expression was resolved against (the "
                    "document date, or a date in the text)"},
    {.name = "mod",
     .type = "string",
     .description = "a TIMEX3 modifier: LESS_THAN, MORE_THAN, START, END..."},
    {.name = NULL},
};

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
    .span_fields = SPAN_FIELDS,
};

GLOSSA_PLUGIN_DEFINE(dates_plugin)
