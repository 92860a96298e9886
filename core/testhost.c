/* The plugin SDK's test host (glossa/testing.h): one plugin on one text at
 * a time, with the layers it reads given by the test, through the same
 * code as a run (loader, configuration checks, decoding and segmentation,
 * host table, span checks, the record), without the scheduler.
 *
 * Each declared input becomes a step of a plugin built into the core,
 * "given", whose annotate() hands over the spans the test set. */
#include <stdint.h>
#include <string.h>

#include "glossa/testing.h"

#include "alloc.h"
#include "report.h"
#include "runtime_int.h"
#include "segment.h"
#include "utf8.h"

/* What a "given" step hands over: its instance state. */
typedef struct given {
    json_t *spans;    /* array or NULL */
    json_t *document; /* object or NULL */
} given_t;

static void *given_create(const glossa_create_args_t *args, char *err,
                          size_t err_size)
{
    (void)args;
    (void)err;
    (void)err_size;
    return glossa__calloc(1, sizeof(given_t));
}

static int given_annotate(void *state, glossa_ctx_t *ctx)
{
    const given_t *g = state;
    /* Inside the core, the context is the unit: the spans are put in
     * place, then checked as any plugin's (glossa__unit_execute). */
    if (g->spans && !ctx->layer && !(ctx->layer = glossa__layer_new()))
        return GLOSSA_ENOMEM;
    size_t i;
    const json_t *span;
    json_array_foreach(g->spans, i, span)
    {
        /* put_json takes the copy, also when it fails */
        if (!glossa__layer_put_json(ctx->layer, json_deep_copy(span)))
            return GLOSSA_ENOMEM;
    }
    if (g->document && !(ctx->document = json_deep_copy(g->document)))
        return GLOSSA_ENOMEM;
    return 0;
}

static void given_destroy(void *state)
{
    given_t *g = state;
    if (!g)
        return;
    json_decref(g->spans);
    json_decref(g->document);
    glossa__free(g);
}

struct glossa_test_host {
    glossa_runtime_t *rt;
    size_t plugin; /* the tested plugin's step */
};

/* A "given" step for each input the plugin declares. */
static int add_inputs(glossa_runtime_t *rt, const glossa__step_t *plugin,
                      glossa_error_t *err)
{
    const char *const *inputs = plugin->type->desc.inputs;
    for (size_t i = 0; inputs && inputs[i]; i++) {
        glossa_plugin_t desc = {.abi_version = GLOSSA_PLUGIN_ABI_VERSION,
                                .struct_size = sizeof(glossa_plugin_t),
                                .name = inputs[i],
                                .version = "test",
                                .description = "a layer given by the test",
                                .create = given_create,
                                .annotate = given_annotate,
                                .destroy = given_destroy};
        int rc =
            glossa__runtime_add_builtin(rt, &desc, "(given by the test)", err);
        if (rc)
            return rc;
    }
    return 0;
}

int glossa_test_host_new(const char *plugin, const json_t *config,
                         glossa_test_host_t **out, glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!plugin || !out)
        return GLOSSA_EINVAL;
    *out = NULL;
    glossa_test_host_t *h = glossa__calloc(1, sizeof(*h));
    if (!h)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 1;
    int rc = glossa_runtime_new(&o, &h->rt, err);
    if (rc == 0)
        rc = glossa_runtime_add_plugin(h->rt, plugin, config, NULL, err);
    if (rc == 0)
        rc = add_inputs(h->rt, h->rt->steps[0], err);
    if (rc == 0)
        rc = glossa_runtime_prepare(h->rt, err);
    if (rc) {
        glossa_test_host_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

int glossa_test_host_set_input(glossa_test_host_t *h, const char *input,
                               const json_t *spans, const json_t *document)
{
    if (!h || !input || (spans && !json_is_array(spans)) ||
        (document && !json_is_object(document)))
        return GLOSSA_EINVAL;
    for (size_t i = 1; i < h->rt->n_steps; i++) {
        glossa__step_t *s = h->rt->steps[i];
        if (strcmp(s->layer, input) != 0)
            continue;
        given_t *g = s->state;
        json_t *sp = spans ? json_deep_copy(spans) : NULL;
        json_t *doc = document ? json_deep_copy(document) : NULL;
        if ((spans && !sp) || (document && !doc)) {
            json_decref(sp);
            json_decref(doc);
            return GLOSSA_ENOMEM;
        }
        json_decref(g->spans);
        json_decref(g->document);
        g->spans = sp;
        g->document = doc;
        return 0;
    }
    return GLOSSA_EINVAL;
}

/* The document of one text, prepared as a run prepares it. */
static glossa__doc_t *make_doc(const glossa_runtime_t *rt, const char *text,
                               size_t len, const json_t *meta)
{
    glossa__doc_t *doc = glossa__doc_new();
    if (!doc)
        return NULL;
    doc->raw_kind = GLOSSA__RAW_TEXT;
    doc->raw = glossa__malloc(len + 1);
    doc->id = glossa__strdup("test");
    doc->origin = glossa__strdup("test");
    doc->meta = meta ? json_deep_copy(meta) : json_object();
    if (!doc->raw || !doc->id || !doc->origin || !doc->meta) {
        glossa__doc_free(doc);
        return NULL;
    }
    if (len)
        memcpy(doc->raw, text, len);
    doc->raw[len] = '\0';
    doc->raw_len = doc->input_bytes = len;
    glossa__doc_prepare(rt, doc);
    if (glossa__doc_make_units(rt, doc, NULL)) {
        glossa__doc_free(doc);
        return NULL;
    }
    doc->layers_as_text = 1; /* as in a run */
    return doc;
}

/* The given layers, then the plugin, unless a given layer failed its
 * checks (then the plugin is not run, as in a run). */
static void run_units(glossa_test_host_t *h, glossa__doc_t *doc)
{
    if (doc->skip_plugins)
        return;
    int inputs_ok = 1;
    for (size_t i = 1; i < h->rt->n_steps; i++) {
        glossa__unit_t *u = &doc->units[i];
        glossa__unit_execute(u);
        inputs_ok &= u->status == GLOSSA__UNIT_DONE;
    }
    glossa__unit_t *u = &doc->units[0];
    if (inputs_ok) {
        glossa__unit_execute(u);
    } else {
        u->status = GLOSSA__UNIT_SKIPPED;
        u->error_code = GLOSSA_EDEPENDENCY;
        u->error = glossa__strdup("not run: a given input layer failed its "
                                  "checks (see the errors)");
    }
}

int glossa_test_host_annotate(glossa_test_host_t *h, const char *text,
                              size_t len, const json_t *meta, json_t **record,
                              glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!h || (!text && len) || !record)
        return GLOSSA_EINVAL;
    *record = NULL;
    glossa__doc_t *doc = make_doc(h->rt, text ? text : "", len, meta);
    if (!doc)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    run_units(h, doc);
    glossa__doc_serialize(h->rt, doc);
    *record = doc->line
                  ? json_loadb(doc->line, doc->line_len, JSON_ALLOW_NUL, NULL)
                  : NULL;
    glossa__doc_free(doc);
    return *record ? 0
                   : glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
}

void glossa_test_host_free(glossa_test_host_t *h)
{
    if (!h)
        return;
    glossa_runtime_free(h->rt);
    glossa__free(h);
}

int glossa_segment_text(const char *text, size_t len, glossa_token_t **tokens,
                        size_t *n_tokens, glossa_sentence_t **sentences,
                        size_t *n_sentences)
{
    if (!tokens || !n_tokens || !sentences || !n_sentences || (!text && len) ||
        len > UINT32_MAX)
        return GLOSSA_EINVAL;
    *tokens = NULL;
    *sentences = NULL;
    *n_tokens = *n_sentences = 0;
    char *repaired = NULL;
    size_t repaired_len;
    glossa__utf8_report_t report;
    if (len &&
        glossa__utf8_sanitize(text, len, &repaired, &repaired_len, &report))
        return GLOSSA_ENOMEM;
    if (repaired) { /* not well-formed, or a NUL */
        glossa__free(repaired);
        return GLOSSA_EINVAL;
    }
    glossa__segments_t seg;
    if (glossa__segment(text ? text : "", len, &seg))
        return GLOSSA_ENOMEM;
    *tokens = seg.tokens;
    *n_tokens = seg.n_tokens;
    *sentences = seg.sentences;
    *n_sentences = seg.n_sentences;
    return 0;
}
