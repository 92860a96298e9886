/* Test plugin "counter": requires the "capitals" layer and reports, per
 * sentence, how many capitals spans it contains (tests dependency order
 * and read access to another layer). Fails when the layer is missing,
 * which would mean the core ran it too early, or when a span of it has no
 * "text" (a layer a plugin reads is complete, see glossa_host_t). */
#include <glossa/plugin.h>

typedef struct state {
    const glossa_host_t *host;
} state_t;

static state_t the_state;

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    the_state.host = args->host;
    return &the_state;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    const glossa_host_t *h = ((state_t *)state)->host;
    const json_t *caps = h->doc_layer(ctx, "capitals");
    if (!json_is_array(caps))
        return h->fail(ctx, "the capitals layer is not there");
    if (h->doc_layer(ctx, "not_required"))
        return h->fail(ctx, "got a layer it did not require");
    size_t n_sent;
    const glossa_sentence_t *sents = h->doc_sentences(ctx, &n_sent);
    size_t k = 0, n_caps = json_array_size(caps);
    for (size_t i = 0; i < n_sent; i++) {
        json_int_t count = 0;
        while (k < n_caps) {
            json_t *span = json_array_get(caps, k);
            json_int_t start =
                json_integer_value(json_object_get(span, "start"));
            if (start >= sents[i].cp_end)
                break;
            if (!json_is_string(json_object_get(span, "text")))
                return h->fail(ctx, "a capitals span has no text");
            count++;
            k++;
        }
        json_t *span =
            h->span_add(ctx, sents[i].cp_start, sents[i].cp_end, "SENTENCE");
        if (!span)
            return h->fail(ctx, "out of memory");
        json_object_set_new(span, "capitals", json_integer(count));
    }
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const char *const requires[] = {"capitals", NULL};

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "counter",
    .version = "1.0",
    .description = "test plugin: counts capitals per sentence",
    .requires = requires,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
