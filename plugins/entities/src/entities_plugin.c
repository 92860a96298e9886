/* The entities plugin: the glue between the Glossa host and entities_core
 * (see entities.h and README.md). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities.h"
#include "glossa/plugin.h"

typedef struct state {
    const glossa_host_t *host;
    entities_model_t *model;
    entities_gaz_t *gaz;
    entities_config_t cfg;
    /* Taggers between documents. annotate() takes one (or makes one) and
     * gives it back, so a tagger keeps the word types of the documents it
     * has tagged (entities.h) and there are never more than the calls
     * that ran at once: one per pool thread. Not thread-local storage:
     * its destructors would outlive the module once the host unloads it
     * while the pool's threads live on, and two instances (other models or
     * gazetteers) need taggers of their own. lock guards idle and n_idle
     * only; the tagging runs outside it. */
    pthread_mutex_t lock;
    int has_lock;
    entities_tagger_t **idle;
    size_t n_idle, cap_idle;
} state_t;

static const char *const ENTITY_LABELS[] = {"PERSON", "ORG",  "GPE",
                                            "LOC",    "NORP", NULL};

static const glossa_option_t OPTIONS[] = {
    {.key = "model",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"entities.model\"",
     .description =
         "model file written by entities-train; a relative path resolves "
         "against the plugin's data directory"},
    {.key = "gazetteers",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"gazetteers.txt\"",
     .description =
         "list of the gazetteer files to load, in priority order (file names "
         "relative to the list's folder); a relative path resolves against the "
         "plugin's data directory"},
    {.key = "extra_gazetteers",
     .type = GLOSSA_OPTION_STRING_LIST,
     .default_json = "[]",
     .description =
         "more gazetteer files (TSV: name, LABEL[/class], canonical, "
         "refers_to), loaded before the bundled ones so that they win; "
         "relative paths resolve against the plugin's data directory"},
    {.key = "labels",
     .type = GLOSSA_OPTION_STRING_LIST,
     .default_json = "[\"PERSON\", \"ORG\", \"GPE\", \"LOC\", \"NORP\"]",
     .description = "the labels to emit",
     .choices = ENTITY_LABELS},
    {.key = NULL},
};

/* path resolved against dir unless absolute (or dir is NULL). */
static int resolve(const char *dir, const char *path, char *out, size_t size)
{
    int n;
    if (path[0] == '/' || !dir || !*dir)
        n = snprintf(out, size, "%s", path);
    else
        n = snprintf(out, size, "%s/%s", dir, path);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

static const char *config_string(const json_t *config, const char *key,
                                 const char *def)
{
    const json_t *v = json_object_get(config, key);
    return json_is_string(v) ? json_string_value(v) : def;
}

static void destroy(void *p)
{
    state_t *st = p;
    if (!st)
        return;
    for (size_t i = 0; i < st->n_idle; i++)
        entities_tagger_free(st->idle[i]);
    free(st->idle);
    if (st->has_lock)
        pthread_mutex_destroy(&st->lock);
    entities_model_free(st->model);
    entities_gaz_free(st->gaz);
    free(st);
}

static int load_gazetteers(state_t *st, const glossa_create_args_t *args,
                           char *err, size_t err_size)
{
    char path[4096];
    const json_t *extra = json_object_get(args->config, "extra_gazetteers");
    size_t i;
    const json_t *v;
    json_array_foreach(extra, i, v)
    {
        if (!json_is_string(v) ||
            resolve(args->data_dir, json_string_value(v), path, sizeof(path))) {
            snprintf(err, err_size, "extra_gazetteers[%zu]: not a usable path",
                     i);
            return -1;
        }
        if (entities_gaz_load_file(st->gaz, path, 1, err, err_size))
            return -1;
    }
    const char *list =
        config_string(args->config, "gazetteers", "gazetteers.txt");
    if (resolve(args->data_dir, list, path, sizeof(path))) {
        snprintf(err, err_size, "gazetteers: path too long");
        return -1;
    }
    char *slash = strrchr(path, '/');
    const char *dir = ".", *name = path;
    if (slash) {
        *slash = '\0';
        dir = path[0] ? path : "/";
        name = slash + 1;
    }
    return entities_gaz_load_list(st->gaz, dir, name, err, err_size);
}

static int parse_labels(state_t *st, const json_t *config, char *err,
                        size_t err_size)
{
    const json_t *labels = json_object_get(config, "labels");
    if (!labels) {
        memset(st->cfg.emit, 1, sizeof(st->cfg.emit));
        return 0;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(labels, i, v)
    {
        const char *s = json_string_value(v);
        int l = s ? entities_label_parse(s, strlen(s)) : ENTITIES_NO_LABEL;
        if (l == ENTITIES_NO_LABEL) {
            snprintf(err, err_size,
                     "labels[%zu]: unknown label \"%s\" (expected PERSON, "
                     "ORG, GPE, LOC or NORP)",
                     i, s ? s : "?");
            return -1;
        }
        st->cfg.emit[l] = 1;
    }
    return 0;
}

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    state_t *st = calloc(1, sizeof(*st));
    if (!st) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    st->host = args->host;
    if (pthread_mutex_init(&st->lock, NULL)) {
        snprintf(err, err_size, "cannot create a mutex");
        goto fail;
    }
    st->has_lock = 1;
    char path[4096];
    const char *model = config_string(args->config, "model", "entities.model");
    if (parse_labels(st, args->config, err, err_size))
        goto fail;
    if (resolve(args->data_dir, model, path, sizeof(path))) {
        snprintf(err, err_size, "model: path too long");
        goto fail;
    }
    st->model = entities_model_load(path, err, err_size);
    if (!st->model)
        goto fail;
    st->gaz = entities_gaz_new();
    if (!st->gaz) {
        snprintf(err, err_size, "out of memory");
        goto fail;
    }
    if (load_gazetteers(st, args, err, err_size))
        goto fail;
    return st;
fail:
    destroy(st);
    return NULL;
}

/* An idle tagger, or a new one; NULL when out of memory. */
static entities_tagger_t *tagger_take(state_t *st)
{
    entities_tagger_t *t = NULL;
    pthread_mutex_lock(&st->lock);
    if (st->n_idle)
        t = st->idle[--st->n_idle];
    pthread_mutex_unlock(&st->lock);
    return t ? t : entities_tagger_new(st->model, st->gaz);
}

/* Gives t back for the next document (frees it when out of memory). */
static void tagger_give(state_t *st, entities_tagger_t *t)
{
    pthread_mutex_lock(&st->lock);
    if (st->n_idle == st->cap_idle) {
        size_t cap = st->cap_idle ? st->cap_idle * 2 : 4;
        entities_tagger_t **idle = realloc(st->idle, cap * sizeof(*idle));
        if (idle) {
            st->idle = idle;
            st->cap_idle = cap;
        }
    }
    if (st->n_idle < st->cap_idle) {
        st->idle[st->n_idle++] = t;
        t = NULL;
    }
    pthread_mutex_unlock(&st->lock);
    entities_tagger_free(t);
}

static int annotate(void *p, glossa_ctx_t *ctx)
{
    state_t *st = p;
    const glossa_host_t *h = st->host;
    entities_doc_t doc;
    doc.text = h->doc_text(ctx, &doc.len);
    doc.tokens = h->doc_tokens(ctx, &doc.n_tokens);
    doc.sentences = h->doc_sentences(ctx, &doc.n_sentences);
    entities_result_t r;
    entities_tagger_t *tagger = tagger_take(st);
    int failed = !tagger || entities_analyze(st->model, st->gaz, tagger,
                                             &st->cfg, &doc, &r);
    if (tagger)
        tagger_give(st, tagger);
    if (failed)
        return h->fail(ctx, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < r.n && rc == 0; i++) {
        const entities_span_t *s = &r.spans[i];
        glossa_span_field_t fields[2] = {
            glossa_span_field_stringn("canonical", s->canonical,
                                      s->canonical_len),
            glossa_span_field_stringn("refers_to", s->refers_to,
                                      s->refers_to_len)};
        int put =
            h->span_put(ctx, s->start, s->end, entities_label_name(s->label),
                        fields, s->refers_to ? 2 : 1);
        if (put)
            rc = h->fail(ctx, "cannot add a span: %s",
                         put == GLOSSA_ETOOBIG ? "over the layer's limit"
                                               : "out of memory");
    }
    entities_result_free(&r);
    return rc;
}

/* The fields of an entity span, for the output schema (glossa schema). */
static const glossa_field_t SPAN_FIELDS[] = {
    {.name = "label",
     .type = "string",
     .description = "the entity type (annotation guidelines, section 1)",
     .required = 1,
     .choices = ENTITY_LABELS},
    {.name = "canonical",
     .type = "string",
     .description = "one fixed name per real-world entity, shared by every "
                    "mention of it",
     .required = 1},
    {.name = "refers_to",
     .type = "string",
     .description = "for metonymy: the canonical name of the state a capital "
                    "or institution stands for"},
    {.name = NULL},
};

static const glossa_plugin_t DESCRIPTOR = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "entities",
    .version = "1.0.0",
    .description = "named entities (PERSON, ORG, GPE, LOC, NORP) with "
                   "canonical names and refers_to",
    .requires = NULL,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
    .options = OPTIONS,
    .span_fields = SPAN_FIELDS,
};

GLOSSA_PLUGIN_DEFINE(DESCRIPTOR)
