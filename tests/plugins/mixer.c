/* Test plugin "mixer" (ABI 1.2): spans added with span_put,
 * span_put_bytes and the older span_add in one layer, with every kind of
 * field value, ties in (start, end), spans the core must refuse, and a
 * last span at [0, 0) that reports what the refused calls returned. */
#include <math.h>
#include <string.h>

#include <glossa/plugin.h>

static const glossa_host_t *host;

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    host = args->host;
    return (void *)&host;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    (void)state;
    size_t len;
    host->doc_text(ctx, &len);
    size_t n_cp = host->doc_length(ctx);
    if (n_cp < 2)
        return 0;
    json_t *nested = json_pack("{s:[i,f],s:s}", "x", 1, 2.5, "y", "z");
    if (!nested)
        return host->fail(ctx, "out of memory");
    static const char nul[] = {'a', '\0', 'b'};
    glossa_span_field_t f[] = {
        glossa_span_field_string("s", "q\"\\\n\t\x01/\xC3\xA9"),
        glossa_span_field_stringn("nul", nul, sizeof(nul)),
        glossa_span_field_integer("i", -7),
        glossa_span_field_integer("big", INT64_MAX),
        glossa_span_field_real("r", 0.1 + 0.2),
        glossa_span_field_real("whole", 2.0),
        glossa_span_field_real("tiny", 1e-300),
        glossa_span_field_boolean("b", 7),
        glossa_span_field_null("n"),
        glossa_span_field_string("none", NULL),
        glossa_span_field_json("j", nested),
    };
    /* Ties at [1, 2): put, add, put, in that order. */
    int rc = host->span_put(ctx, 1, 2, "FIRST", f, sizeof(f) / sizeof(f[0]));
    json_decref(nested); /* the core made its own copy */
    json_t *old = host->span_add(ctx, 1, 2, "SECOND");
    if (rc || !old || json_object_set_new(old, "k", json_string("old")) ||
        json_object_set_new(old, "r", json_real(0.1 + 0.2)))
        return host->fail(ctx, "cannot add a span");
    glossa_span_field_t third = glossa_span_field_string("k", "new");
    if (host->span_put(ctx, 1, 2, "THIRD", &third, 1))
        return host->fail(ctx, "cannot add a span");
    /* Out of order: the whole text in bytes, then [0, 1) in code points. */
    if (host->span_put_bytes(ctx, 0, len, NULL, NULL, 0) ||
        host->span_put(ctx, 0, 1, "", NULL, 0))
        return host->fail(ctx, "cannot add a span");
    /* Refused. */
    glossa_span_field_t bad[4] = {
        glossa_span_field_string("text", "x"),
        glossa_span_field_real("nan", NAN),
        glossa_span_field_string("utf8", "\xFF"),
        glossa_span_field_json("nothing", NULL),
    };
    int r_range = host->span_put(ctx, 2, 1, NULL, NULL, 0);
    int r_past = host->span_put(ctx, 0, n_cp + 1, NULL, NULL, 0);
    int r_bytes = host->span_put_bytes(ctx, 0, len + 1, NULL, NULL, 0);
    int r_key = host->span_put(ctx, 0, 1, NULL, &bad[0], 1);
    int r_nan = host->span_put(ctx, 0, 1, NULL, &bad[1], 1);
    int r_utf8 = host->span_put(ctx, 0, 1, NULL, &bad[2], 1);
    int r_json = host->span_put(ctx, 0, 1, NULL, &bad[3], 1);
    int r_label = host->span_put(ctx, 0, 1, "\xFF", NULL, 0);
    /* An old-style span the core drops when it checks the layer. */
    json_t *gone = host->span_add(ctx, 2, 1, "GONE");
    if (!gone)
        return host->fail(ctx, "cannot add a span");
    glossa_span_field_t report[] = {
        glossa_span_field_integer("range", r_range),
        glossa_span_field_integer("past", r_past),
        glossa_span_field_integer("bytes", r_bytes),
        glossa_span_field_integer("key", r_key),
        glossa_span_field_integer("nan", r_nan),
        glossa_span_field_integer("utf8", r_utf8),
        glossa_span_field_integer("json", r_json),
        glossa_span_field_integer("bad_label", r_label),
    };
    if (host->span_put(ctx, 0, 0, "REPORT", report,
                       sizeof(report) / sizeof(report[0])))
        return host->fail(ctx, "cannot add a span");
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "mixer",
    .version = "0.1",
    .description = "test plugin: span_put and span_add in one layer",
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
