/* The real mediation.so through its public descriptor, driven by a small
 * host of our own (the table of glossa/plugin.h over the SDK's
 * segmenter), so that the module is tested as a module: its one exported
 * entry, its options, create errors, annotate output, and annotate from
 * several threads at once on one state. */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "glossa/error.h"
#include "glossa/plugin.h"
#include "glossa/testing.h"

struct glossa_ctx {
    const char *text;
    size_t len;
    glossa_segments_t seg;
    const json_t *entities; /* NULL: the layer is missing */
    json_t *spans;
    json_t *document;
    char failure[512];
};

static const char *h_doc_id(const glossa_ctx_t *ctx)
{
    (void)ctx;
    return "test";
}

static const char *h_doc_text(const glossa_ctx_t *ctx, size_t *len)
{
    if (len)
        *len = ctx->len;
    return ctx->text;
}

static size_t h_byte_to_cp(const glossa_ctx_t *ctx, size_t byte)
{
    size_t cp = 0;
    for (size_t i = 0; i < byte && i < ctx->len; i++)
        cp += ((unsigned char)ctx->text[i] & 0xC0) != 0x80;
    return cp;
}

static size_t h_cp_to_byte(const glossa_ctx_t *ctx, size_t cp)
{
    size_t i = 0;
    for (size_t n = 0; i < ctx->len; i++) {
        if (((unsigned char)ctx->text[i] & 0xC0) != 0x80 && n++ == cp)
            return i;
    }
    return ctx->len;
}

static size_t h_doc_length(const glossa_ctx_t *ctx)
{
    return h_byte_to_cp(ctx, ctx->len);
}

static const json_t *h_doc_meta(const glossa_ctx_t *ctx)
{
    (void)ctx;
    static json_t *empty;
    if (!empty)
        empty = json_object();
    return empty;
}

static const glossa_token_t *h_doc_tokens(const glossa_ctx_t *ctx,
                                          size_t *count)
{
    *count = ctx->seg.n_tokens;
    return ctx->seg.tokens;
}

static const glossa_sentence_t *h_doc_sentences(const glossa_ctx_t *ctx,
                                                size_t *count)
{
    *count = ctx->seg.n_sentences;
    return ctx->seg.sentences;
}

static const json_t *h_doc_layer(const glossa_ctx_t *ctx, const char *name)
{
    return strcmp(name, "entities") == 0 ? ctx->entities : NULL;
}

static const json_t *h_doc_layer_document(const glossa_ctx_t *ctx,
                                          const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

static json_t *h_span_add(glossa_ctx_t *ctx, size_t start, size_t end,
                          const char *label)
{
    json_t *o = json_pack("{s:I, s:I}", "start", (json_int_t)start, "end",
                          (json_int_t)end);
    if (label)
        json_object_set_new(o, "label", json_string(label));
    json_array_append_new(ctx->spans, o);
    return o;
}

static json_t *h_span_add_bytes(glossa_ctx_t *ctx, size_t a, size_t b,
                                const char *label)
{
    return h_span_add(ctx, h_byte_to_cp(ctx, a), h_byte_to_cp(ctx, b), label);
}

static int h_document_set(glossa_ctx_t *ctx, json_t *result)
{
    json_decref(ctx->document);
    ctx->document = result;
    return 0;
}

static int h_fail(glossa_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->failure, sizeof ctx->failure, fmt, ap);
    va_end(ap);
    return GLOSSA_EPLUGIN;
}

static void h_log(const glossa_ctx_t *ctx, glossa_log_level_t level,
                  const char *fmt, ...)
{
    (void)ctx;
    (void)level;
    (void)fmt;
}

static const glossa_host_t HOST = {
    .size = sizeof(glossa_host_t),
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .doc_id = h_doc_id,
    .doc_text = h_doc_text,
    .doc_length = h_doc_length,
    .doc_meta = h_doc_meta,
    .doc_cp_to_byte = h_cp_to_byte,
    .doc_byte_to_cp = h_byte_to_cp,
    .doc_tokens = h_doc_tokens,
    .doc_sentences = h_doc_sentences,
    .doc_layer = h_doc_layer,
    .doc_layer_document = h_doc_layer_document,
    .span_add = h_span_add,
    .span_add_bytes = h_span_add_bytes,
    .document_set = h_document_set,
    .fail = h_fail,
    .log = h_log,
};

typedef struct fixture {
    void *dl;
    const glossa_plugin_t *plugin;
    char *text;
    size_t len;
    json_t *gold;
} fixture_t;

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static int setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof(*fx));
    fx->dl = dlopen(MEDIATION_SO, RTLD_NOW | RTLD_LOCAL);
    if (!fx->dl) {
        fprintf(stderr, "%s\n", dlerror());
        return -1;
    }
    const glossa_plugin_t *(*entry)(void) = NULL;
    *(void **)&entry = dlsym(fx->dl, GLOSSA_PLUGIN_ENTRY_SYMBOL);
    if (!entry)
        return -1;
    fx->plugin = entry();
    fx->text = slurp(CORPUS_DIR "/000.txt", &fx->len);
    json_error_t jerr;
    fx->gold = json_load_file(GOLD_DIR "/000.json", 0, &jerr);
    if (!fx->text || !fx->gold)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fx = *state;
    json_decref(fx->gold);
    free(fx->text);
    dlclose(fx->dl);
    free(fx);
    return 0;
}

/* The configuration the core would pass: every declared default, then
 * the overrides. */
static json_t *config_with(const glossa_plugin_t *p, const char *key,
                           json_t *value)
{
    json_t *cfg = json_object();
    for (const glossa_option_t *o = p->options; o && o->key; o++) {
        if (!o->default_json)
            continue;
        json_error_t jerr;
        json_t *v = json_loads(o->default_json, JSON_DECODE_ANY, &jerr);
        assert_non_null(v);
        json_object_set_new(cfg, o->key, v);
    }
    if (key)
        json_object_set_new(cfg, key, value);
    return cfg;
}

static void *create(const glossa_plugin_t *p, const json_t *cfg, char *err,
                    size_t err_size)
{
    glossa_create_args_t args = {sizeof args, &HOST, cfg, MEDIATION_SO,
                                 MEDIATION_DATA};
    return p->create(&args, err, err_size);
}

static void ctx_init(glossa_ctx_t *ctx, const fixture_t *fx,
                     const json_t *entities)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->text = fx->text;
    ctx->len = fx->len;
    assert_int_equal(glossa_segments_make(fx->text, fx->len, &ctx->seg), 0);
    ctx->entities = entities;
    ctx->spans = json_array();
}

static void ctx_free(glossa_ctx_t *ctx)
{
    glossa_segments_free(&ctx->seg);
    json_decref(ctx->spans);
    json_decref(ctx->document);
}

static void test_descriptor(void **state)
{
    const fixture_t *fx = *state;
    const glossa_plugin_t *p = fx->plugin;
    /* Exactly one exported function: the entry. */
    assert_null(dlsym(fx->dl, "mediation_analyze"));
    assert_null(dlsym(fx->dl, "mediation_model_load"));
    assert_int_equal(p->abi_version, GLOSSA_PLUGIN_ABI_VERSION);
    assert_true(p->struct_size >= GLOSSA_PLUGIN_MIN_STRUCT_SIZE);
    assert_string_equal(p->name, "mediation");
    assert_non_null(p->inputs);
    assert_string_equal(p->inputs[0], "entities");
    assert_string_equal(p->inputs[1], "quotes");
    assert_null(p->inputs[2]);
    static const char *const keys[] = {"profile",   "lexicon",       "rules",
                                       "threshold", "document_band", NULL};
    for (size_t k = 0; keys[k]; k++) {
        const glossa_option_t *o = p->options;
        while (o->key && strcmp(o->key, keys[k]) != 0)
            o++;
        assert_non_null(o->key);
        assert_non_null(o->description);
    }
}

static void test_create_errors(void **state)
{
    const fixture_t *fx = *state;
    char err[512];
    json_t *cfg =
        config_with(fx->plugin, "profile", json_string("profiles/nope.json"));
    assert_null(create(fx->plugin, cfg, err, sizeof err));
    assert_non_null(strstr(err, "profiles/nope.json"));
    json_decref(cfg);
    cfg = config_with(fx->plugin, "threshold", json_real(3.0));
    assert_null(create(fx->plugin, cfg, err, sizeof err));
    assert_non_null(strstr(err, "threshold"));
    json_decref(cfg);
}

static void test_annotate(void **state)
{
    const fixture_t *fx = *state;
    char err[512];
    json_t *cfg = config_with(fx->plugin, NULL, NULL);
    void *st = create(fx->plugin, cfg, err, sizeof err);
    if (!st)
        fail_msg("create: %s", err);

    glossa_ctx_t ctx;
    ctx_init(&ctx, fx, json_object_get(fx->gold, "entities"));
    assert_int_equal(fx->plugin->annotate(st, &ctx), 0);
    assert_true(json_array_size(ctx.spans) >= 10);
    size_t i;
    json_t *sp;
    json_array_foreach(ctx.spans, i, sp)
    {
        const char *pol = json_string_value(json_object_get(sp, "polarity"));
        double score = json_number_value(json_object_get(sp, "score"));
        assert_non_null(pol);
        assert_true(json_is_string(json_object_get(sp, "holder")));
        assert_true(score >= -1 && score <= 1);
        if (!strcmp(pol, "neutral"))
            assert_true(score == 0);
        else
            assert_true(!strcmp(pol, "positive") ? score > 0 : score < 0);
    }
    json_t *doc = ctx.document;
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "label")),
                        "negative");
    assert_int_equal(json_integer_value(json_object_get(doc, "n_relevant")),
                     (json_int_t)json_array_size(ctx.spans));
    assert_true(json_is_object(json_object_get(doc, "counts")));
    assert_true(json_is_number(json_object_get(doc, "mean_score")));
    ctx_free(&ctx);

    /* Without the layer it requires, a document fails cleanly. */
    ctx_init(&ctx, fx, NULL);
    assert_int_equal(fx->plugin->annotate(st, &ctx), GLOSSA_EPLUGIN);
    assert_non_null(strstr(ctx.failure, "entities"));
    ctx_free(&ctx);

    fx->plugin->destroy(st);
    fx->plugin->destroy(NULL);
    json_decref(cfg);
}

static void test_second_profile(void **state)
{
    const fixture_t *fx = *state;
    char err[512];
    json_t *cfg =
        config_with(fx->plugin, "profile", json_string("profiles/eu.json"));
    void *st = create(fx->plugin, cfg, err, sizeof err);
    if (!st)
        fail_msg("create: %s", err);
    glossa_ctx_t ctx;
    ctx_init(&ctx, fx, json_object_get(fx->gold, "entities"));
    assert_int_equal(fx->plugin->annotate(st, &ctx), 0);
    /* The AFP report speaks of the EU's mediation too. */
    assert_true(json_array_size(ctx.spans) >= 3);
    ctx_free(&ctx);
    fx->plugin->destroy(st);
    json_decref(cfg);
}

typedef struct job {
    const fixture_t *fx;
    void *state;
    char *out; /* the spans of the last round, serialised */
    int rc;
} job_t;

static void *worker(void *arg)
{
    job_t *job = arg;
    for (int round = 0; round < 25 && job->rc == 0; round++) {
        glossa_ctx_t ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.text = job->fx->text;
        ctx.len = job->fx->len;
        if (glossa_segments_make(ctx.text, ctx.len, &ctx.seg))
            return NULL;
        ctx.entities = json_object_get(job->fx->gold, "entities");
        ctx.spans = json_array();
        job->rc = job->fx->plugin->annotate(job->state, &ctx);
        free(job->out);
        job->out = json_dumps(ctx.spans, JSON_COMPACT);
        glossa_segments_free(&ctx.seg);
        json_decref(ctx.spans);
        json_decref(ctx.document);
    }
    return NULL;
}

/* annotate() on one state from several threads gives the same results as
 * on one (run it under -DGLOSSA_TSAN=ON to check for races). */
static void test_threads(void **state)
{
    const fixture_t *fx = *state;
    char err[512];
    json_t *cfg = config_with(fx->plugin, NULL, NULL);
    void *st = create(fx->plugin, cfg, err, sizeof err);
    assert_non_null(st);
    enum { N = 4 };
    pthread_t th[N];
    job_t jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (job_t){fx, st, NULL, 0};
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].rc, 0);
        assert_non_null(jobs[i].out);
        assert_string_equal(jobs[i].out, jobs[0].out);
    }
    for (int i = 0; i < N; i++)
        free(jobs[i].out);
    fx->plugin->destroy(st);
    json_decref(cfg);
}

int main(void)
{
    /* Jansson's hash seed is fixed before threads start (Jansson's
     * thread-safety notes). */
    json_object_seed(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_annotate),
        cmocka_unit_test(test_second_profile),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
