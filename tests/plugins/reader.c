/* Test plugin "reader" (ABI 1.2): reads its input "mixer" both flat
 * (layer_spans) and as JSON (doc_layer), in the order its "json_first"
 * option says, and reports one span at [0, 0): whether the two agree, the
 * number of spans, the JSON it rebuilt from the flat views, and the
 * document's metadata as it got it. */
#include <string.h>

#include <glossa/plugin.h>

static const glossa_host_t *host;

static const glossa_option_t options[] = {
    {.key = "json_first",
     .type = GLOSSA_OPTION_BOOLEAN,
     .default_json = "false",
     .description = "ask doc_layer() before layer_spans()"},
    {.key = NULL},
};

static const char *const inputs[] = {"mixer", NULL};

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    host = args->host;
    return json_is_true(json_object_get(args->config, "json_first"))
               ? (void *)&host
               : (void *)&options;
}

static json_t *value_json(const glossa_span_field_t *f)
{
    switch (f->type) {
    case GLOSSA_VALUE_STRING:
        /* NUL-terminated after its bytes, as plugin.h says */
        if (f->string.ptr[f->string.len] != '\0')
            return json_string("not terminated");
        return json_stringn(f->string.ptr, f->string.len);
    case GLOSSA_VALUE_INTEGER:
        return json_integer((json_int_t)f->integer);
    case GLOSSA_VALUE_REAL:
        return json_real(f->real);
    case GLOSSA_VALUE_BOOLEAN:
        return json_boolean(f->boolean);
    case GLOSSA_VALUE_JSON:
        return json_deep_copy(f->json);
    default:
        return json_null();
    }
}

/* The flat spans as the JSON doc_layer() documents. */
static json_t *rebuild(const glossa_span_view_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        json_t *o = json_pack("{s:I,s:I,s:s%}", "start", (json_int_t)v[i].start,
                              "end", (json_int_t)v[i].end, "text", v[i].text,
                              v[i].end_byte - v[i].start_byte);
        if (o && v[i].label)
            json_object_set_new(o, "label", json_string(v[i].label));
        for (size_t k = 0; o && k < v[i].n_fields; k++)
            json_object_set_new(o, v[i].fields[k].key,
                                value_json(&v[i].fields[k]));
        json_array_append_new(a, o);
    }
    return a;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    int json_first = state == (void *)&host;
    const json_t *layer = json_first ? host->doc_layer(ctx, "mixer") : NULL;
    size_t n = 99;
    const glossa_span_view_t *v = host->layer_spans(ctx, "mixer", &n);
    if (!json_first)
        layer = host->doc_layer(ctx, "mixer");
    size_t none = 99;
    int unknown_null =
        host->layer_spans(ctx, "nope", &none) == NULL && none == 0;
    json_t *flat = v ? rebuild(v, n) : NULL;
    int same = flat && layer && json_equal(flat, layer);
    /* The text is the document's, at the span's bytes. */
    const char *text = host->doc_text(ctx, NULL);
    for (size_t i = 0; v && i < n; i++)
        same &= v[i].text == text + v[i].start_byte &&
                host->doc_byte_to_cp(ctx, v[i].start_byte) == v[i].start;
    const glossa_span_field_t *r = n ? glossa_span_field_get(&v[0], "r") : NULL;
    glossa_span_field_t out[] = {
        glossa_span_field_boolean("same", same),
        glossa_span_field_integer("n", (int64_t)n),
        glossa_span_field_boolean("unknown_null", unknown_null),
        glossa_span_field_boolean("has_r", r != NULL),
        glossa_span_field_json("flat", flat ? flat : json_null()),
        glossa_span_field_json("meta", host->doc_meta(ctx)),
    };
    int rc =
        host->span_put(ctx, 0, 0, "READ", out, sizeof(out) / sizeof(out[0]));
    json_decref(flat);
    return rc ? host->fail(ctx, "cannot add a span") : 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "reader",
    .version = "0.1",
    .description = "test plugin: one layer read flat and as JSON",
    .inputs = inputs,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
    .options = options,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
