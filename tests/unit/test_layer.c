/* The flat span store (core/layer.c): sorting and its ties, the checks of
 * old-style spans and their warnings, the written bytes against the
 * core's JSON writer (escapes, NUL bytes, reals, nested JSON), the JSON
 * made for doc_layer(), refused fields, and allocation failure at every
 * point. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "layer.h"
#include "runtime_int.h"
#include "strbuf.h"

/* A document of `text` with its offsets, as a worker makes one. */
static glossa__doc_t *make_doc(const char *text)
{
    glossa__doc_t *doc = glossa__doc_new();
    assert_non_null(doc);
    doc->raw = glossa__strdup(text);
    doc->text = doc->raw;
    doc->len = doc->raw_len = strlen(text);
    assert_int_equal(glossa__doc_segment(doc, SIZE_MAX), 0);
    return doc;
}

static json_t *old_span(json_int_t s, json_int_t e, const char *label)
{
    json_t *o = json_pack("{s:I,s:I,s:n}", "start", s, "end", e, "text");
    if (label)
        json_object_set_new(o, "label", json_string(label));
    return o;
}

static char *written(const glossa__layer_t *l, int full_precision)
{
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__layer_write(&sb, l, full_precision);
    assert_false(sb.failed);
    return glossa__strbuf_detach(&sb, NULL);
}

static void test_sort_and_ties(void **state)
{
    (void)state;
    /* "Zürich ab": ü is two bytes, so code points and bytes differ. */
    glossa__doc_t *doc = make_doc("Z\xC3\xBCrich ab");
    glossa__layer_t *l = glossa__layer_new();
    assert_non_null(l);
    assert_int_equal(glossa__layer_put(l, 7, 9, 8, 10, "a", NULL, 0), 0);
    assert_int_equal(glossa__layer_put(l, 1, 2, 1, 3, "b", NULL, 0), 0);
    assert_non_null(glossa__layer_put_json(l, old_span(1, 2, "c")));
    assert_int_equal(glossa__layer_put(l, 1, 2, 1, 3, "d", NULL, 0), 0);
    assert_int_equal(glossa__layer_put(l, 0, 6, 0, 7, NULL, NULL, 0), 0);
    assert_non_null(glossa__layer_put_json(l, old_span(0, 9, "e")));
    json_t *warnings = NULL;
    assert_int_equal(glossa__layer_finish(l, doc, "t", &warnings, 0), 0);
    assert_null(warnings);
    size_t n;
    const glossa_span_view_t *v = glossa__layer_spans(l, &n);
    assert_int_equal(n, 6);
    const char *labels[] = {NULL, "e", "b", "c", "d", "a"};
    for (size_t i = 0; i < n; i++) {
        if (labels[i])
            assert_string_equal(v[i].label, labels[i]);
        else
            assert_null(v[i].label);
    }
    /* The converted span has its bytes and text. */
    assert_int_equal(v[3].start_byte, 1);
    assert_int_equal(v[3].end_byte, 3);
    assert_memory_equal(v[3].text, "\xC3\xBC", 2);
    char *out = written(l, 0);
    assert_string_equal(
        out, "[{\"start\":0,\"end\":6,\"text\":\"Z\xC3\xBCrich\"},"
             "{\"start\":0,\"end\":9,\"text\":\"Z\xC3\xBCrich ab\","
             "\"label\":\"e\"},"
             "{\"start\":1,\"end\":2,\"text\":\"\xC3\xBC\",\"label\":\"b\"},"
             "{\"start\":1,\"end\":2,\"text\":\"\xC3\xBC\",\"label\":\"c\"},"
             "{\"start\":1,\"end\":2,\"text\":\"\xC3\xBC\",\"label\":\"d\"},"
             "{\"start\":7,\"end\":9,\"text\":\"ab\",\"label\":\"a\"}]");
    glossa__free(out);
    glossa__layer_free(l);
    glossa__doc_free(doc);
}

/* Old-style spans are checked as the core always checked them, with the
 * same messages, at most ten and a count of the rest. */
static void test_old_spans_checked(void **state)
{
    (void)state;
    glossa__doc_t *doc = make_doc("abcdef");
    glossa__layer_t *l = glossa__layer_new();
    json_t *o = json_pack("{s:s,s:I}", "start", "x", "end", (json_int_t)1);
    assert_non_null(glossa__layer_put_json(l, o));
    assert_non_null(glossa__layer_put_json(l, old_span(2, 9, NULL)));
    o = json_pack("{s:I,s:I,s:s}", "start", (json_int_t)0, "end", (json_int_t)2,
                  "text", "xy");
    assert_non_null(glossa__layer_put_json(l, o));
    assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, "kept", NULL, 0), 0);
    for (int i = 0; i < 10; i++)
        assert_non_null(glossa__layer_put_json(l, old_span(3, 1, NULL)));
    json_t *w = NULL;
    assert_int_equal(glossa__layer_finish(l, doc, "t", &w, 0), 0);
    assert_int_equal(json_array_size(w), 11);
    const char *expect[] = {
        "span 0 dropped: \"start\" and \"end\" must be integers",
        "span 1 dropped: [2, 9) is not a range within the document's 6 "
        "code points",
        "span 2 dropped: its \"text\" differs from the document's text at "
        "[0, 2)",
        "span 4 dropped: [3, 1) is not a range within the document's 6 "
        "code points"};
    for (size_t i = 0; i < 4; i++) {
        json_t *e = json_array_get(w, i);
        assert_string_equal(json_string_value(json_object_get(e, "message")),
                            expect[i]);
        assert_string_equal(json_string_value(json_object_get(e, "code")),
                            "EINVAL");
        assert_string_equal(json_string_value(json_object_get(e, "plugin")),
                            "t");
    }
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(w, 10), "message")),
        "3 more spans dropped");
    size_t n;
    glossa__layer_spans(l, &n);
    assert_int_equal(n, 1);
    json_decref(w);
    glossa__layer_free(l);
    glossa__doc_free(doc);
}

/* Every kind of value, written by the store and by the core's JSON
 * writer from the store's JSON: the same bytes, in the output's form and
 * in full precision. */
static void test_written_as_the_json_writer_writes(void **state)
{
    (void)state;
    glossa__doc_t *doc = make_doc("\"quoted\"\n\ttab \xE2\x80\x9C\x01");
    glossa__layer_t *l = glossa__layer_new();
    json_t *nested =
        json_pack("{s:[i,f,b],s:s}", "x", 1, 0.1 + 0.2, 1, "y", "\xC3\xA9\n");
    static const char nul[] = {'a', '\0', 'b'};
    glossa_span_field_t f[] = {
        glossa_span_field_string("s", "q\"\\\n\t\x01\x1F/\xC3\xA9"),
        glossa_span_field_stringn("nul", nul, sizeof(nul)),
        glossa_span_field_integer("i", -7),
        glossa_span_field_integer("min", INT64_MIN),
        glossa_span_field_real("r", 0.1 + 0.2),
        glossa_span_field_real("whole", 2.0),
        glossa_span_field_real("big", 1e300),
        glossa_span_field_real("tiny", -1.5e-7),
        glossa_span_field_boolean("b", 7),
        glossa_span_field_null("n"),
        glossa_span_field_string("none", NULL),
        glossa_span_field_json("j", nested),
        glossa_span_field_string("k\xC3\xA9y\"", ""),
    };
    size_t nf = sizeof(f) / sizeof(f[0]);
    assert_int_equal(glossa__layer_put(l, 0, 8, 0, 8, "Q\"", f, nf), 0);
    json_decref(nested); /* the layer holds its own copy */
    json_t *o = old_span(9, 14, "OLD");
    json_object_set_new(o, "r", json_real(1.0 / 3.0));
    json_object_set_new(o, "o", json_pack("{s:f}", "deep", 2.0 / 3.0));
    json_object_set_new(o, "f", json_false());
    json_object_set_new(o, "z", json_null());
    assert_non_null(glossa__layer_put_json(l, o));
    assert_int_equal(glossa__layer_finish(l, doc, "t", NULL, 0), 0);
    assert_true(glossa__layer_has_reals(l));
    const json_t *j = glossa__layer_json(l, doc);
    assert_non_null(j);
    assert_ptr_equal(glossa__layer_json(l, doc), j); /* made once */
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__strbuf_put_json(&sb, j);
    char *out = written(l, 0);
    assert_string_equal(out, sb.data);
    glossa__free(out);
    glossa__strbuf_free(&sb);
    char *full = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    out = written(l, 1);
    assert_string_equal(out, full);
    glossa__free(out);
    free(full);
    /* The views: strings NUL-terminated after their bytes. */
    size_t n;
    const glossa_span_view_t *v = glossa__layer_spans(l, &n);
    size_t len;
    const char *s = glossa_span_string(&v[0], "nul", &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, nul, 3);
    assert_int_equal(s[3], '\0');
    assert_int_equal(glossa_span_field_get(&v[0], "b")->boolean, 1);
    assert_int_equal(glossa_span_field_get(&v[0], "none")->type,
                     GLOSSA_VALUE_NULL);
    assert_null(glossa_span_field_get(&v[0], "absent"));
    assert_int_equal(glossa_span_field_get(&v[1], "o")->type,
                     GLOSSA_VALUE_JSON);
    glossa__layer_free(l);
    glossa__doc_free(doc);
}

static void test_reals_as_jansson_writes_them(void **state)
{
    (void)state;
    double values[] = {0.0,
                       -0.0,
                       1.0,
                       0.1,
                       1.0 / 3.0,
                       1e21,
                       1e-7,
                       123456789012345678.0,
                       5e-324,
                       1.7976931348623157e308,
                       -2.5,
                       100.0,
                       0.30000000000000004};
    srand(7);
    for (size_t i = 0; i < 2000; i++) {
        double v = i < sizeof(values) / sizeof(values[0])
                       ? values[i]
                       : ((double)rand() / RAND_MAX - 0.5) *
                             ldexp(1.0, rand() % 120 - 60);
        for (int precision = 0; precision <= 17; precision += 10) {
            json_t *r = json_real(v);
            size_t flags = JSON_ENCODE_ANY |
                           (precision ? JSON_REAL_PRECISION(precision) : 0);
            char *want = json_dumps(r, flags);
            char got[64];
            int len = glossa__real_format(got, sizeof(got), v, precision);
            assert_true(len > 0);
            assert_string_equal(got, want);
            free(want);
            json_decref(r);
        }
    }
}

/* Ten significant digits are formatted without snprintf where no
 * rounding decision is close (layer.c): the same text as Jansson's for
 * random values over the range, for decimals with up to twelve digits
 * (among them the ties at the eleventh), and for the powers of ten and
 * their neighbours. */
static double ten_to(int k) /* exact for 0 <= k <= 22 */
{
    double p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

static double next_double(double v, int up) /* v > 0 */
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    bits = up ? bits + 1 : bits - 1;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

static void test_reals_with_ten_digits(void **state)
{
    (void)state;
    srand(11);
    for (size_t i = 0; i < 300000; i++) {
        double v;
        switch (i % 4) {
        case 0:
            v = ((double)rand() / RAND_MAX) * ldexp(1.0, rand() % 46 - 16);
            break;
        case 1: {
            long long digits = ((long long)rand() << 20) ^ rand();
            v = (double)(digits % 1000000000000LL) / ten_to(rand() % 16);
            break;
        }
        case 2:
            v = (double)(rand() % 100000) * 10 + 5;
            v /= ten_to(rand() % 16);
            break;
        default:
            v = ten_to(rand() % 10);
            v = rand() % 2 ? v / ten_to(rand() % 6) : v;
            v = next_double(v, rand() % 2);
            break;
        }
        if (rand() % 2)
            v = -v;
        json_t *r = json_real(v);
        char *want = json_dumps(r, JSON_ENCODE_ANY | JSON_REAL_PRECISION(10));
        char got[64];
        int len = glossa__real_format(got, sizeof(got), v, 10);
        assert_true(len > 0);
        assert_string_equal(got, want);
        assert_int_equal((size_t)len, strlen(want));
        free(want);
        json_decref(r);
    }
}

static void test_refused_fields(void **state)
{
    (void)state;
    glossa__layer_t *l = glossa__layer_new();
    glossa_span_field_t bad[] = {
        glossa_span_field_string(NULL, "x"),
        glossa_span_field_string("start", "x"),
        glossa_span_field_string("end", "x"),
        glossa_span_field_string("text", "x"),
        glossa_span_field_string("label", "x"),
        glossa_span_field_real("r", NAN),
        glossa_span_field_real("r", INFINITY),
        glossa_span_field_string("s", "\xC3"),
        glossa_span_field_json("j", NULL),
        glossa_span_field_string("\xFF", "x"),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, NULL, &bad[i], 1),
                         GLOSSA_EINVAL);
    glossa_span_field_t no_bytes = glossa_span_field_stringn("s", "ab", 2);
    no_bytes.string.ptr = NULL;
    assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, NULL, &no_bytes, 1),
                     GLOSSA_EINVAL);
    bad[0].type = (glossa_value_type_t)42;
    bad[0].key = "k";
    assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, NULL, &bad[0], 1),
                     GLOSSA_EINVAL);
    assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, "\xFF", NULL, 0),
                     GLOSSA_EINVAL);
    assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, NULL, NULL, 2),
                     GLOSSA_EINVAL);
    size_t n;
    glossa__layer_spans(l, &n);
    assert_int_equal(n, 0);
    glossa__layer_free(l);
}

/* Names are interned behind a cache of the addresses plugins pass: one
 * buffer rewritten between spans still gives each span its own name,
 * and names to escape are written escaped. */
static void test_names_from_one_buffer(void **state)
{
    (void)state;
    glossa__doc_t *doc = make_doc("abc");
    glossa__layer_t *l = glossa__layer_new();
    char label[8], key[8];
    const char *names[] = {"A", "B", "q\"", "A"};
    for (size_t i = 0; i < 4; i++) {
        strcpy(label, names[i]);
        strcpy(key, names[3 - i]);
        glossa_span_field_t f = glossa_span_field_integer(key, (int64_t)i);
        assert_int_equal(glossa__layer_put(l, i, 3, i, 3, label, &f, 1), 0);
    }
    strcpy(label, "\xFF");
    assert_int_equal(glossa__layer_put(l, 0, 1, 0, 1, label, NULL, 0),
                     GLOSSA_EINVAL);
    json_t *warnings = NULL;
    assert_int_equal(glossa__layer_finish(l, doc, "t", &warnings, 0), 0);
    char *out = written(l, 0);
    assert_string_equal(
        out,
        "[{\"start\":0,\"end\":3,\"text\":\"abc\",\"label\":\"A\",\"A\":0},"
        "{\"start\":1,\"end\":3,\"text\":\"bc\",\"label\":\"B\","
        "\"q\\\"\":1},"
        "{\"start\":2,\"end\":3,\"text\":\"c\",\"label\":\"q\\\"\","
        "\"B\":2},"
        "{\"start\":3,\"end\":3,\"text\":\"\",\"label\":\"A\",\"A\":3}]");
    glossa__free(out);
    glossa__layer_free(l);
    glossa__doc_free(doc);
}

/* A layer as an earlier output or a worker's request holds it: the same
 * bytes when written again. */
static void test_from_json(void **state)
{
    (void)state;
    glossa__doc_t *doc = make_doc("abc def");
    const char *text =
        "[{\"start\":0,\"end\":3,\"text\":\"abc\",\"label\":\"X\",\"v\":0.5,"
        "\"w\":[1,{\"a\":null}]},{\"start\":4,\"end\":7,\"text\":\"def\","
        "\"k\":\"v\",\"label\":\"late\"}]";
    json_t *spans = json_loads(text, 0, NULL);
    glossa__layer_t *l = glossa__layer_from_json(doc, spans);
    assert_non_null(l);
    assert_ptr_equal(glossa__layer_json(l, doc), spans);
    char *out = written(l, 0);
    assert_string_equal(out, text);
    glossa__free(out);
    size_t n;
    const glossa_span_view_t *v = glossa__layer_spans(l, &n);
    assert_int_equal(n, 2);
    /* A "label" after another field is still the label, written where
     * it was. */
    assert_string_equal(v[1].label, "late");
    assert_int_equal(v[1].n_fields, 1);
    assert_null(glossa_span_field_get(&v[1], "label"));
    json_decref(spans);
    glossa__layer_free(l);
    glossa__doc_free(doc);
}

/* An old-style span's keys come out in its own order, whatever a plugin
 * did to the object, and readers still get its label and text. */
static void test_old_key_order(void **state)
{
    (void)state;
    glossa__doc_t *doc = make_doc("abcdef");
    glossa__layer_t *l = glossa__layer_new();
    const char *shapes[] = {
        /* text deleted: the core added it last */
        "{\"start\":0,\"end\":1,\"label\":\"A\",\"n\":0}",
        "{\"start\":0,\"end\":2,\"n\":0,\"label\":\"B\"}",
        "{\"start\":0,\"end\":3,\"n\":0}",
        /* label before text, late label, a label that is no string */
        "{\"start\":0,\"end\":4,\"label\":\"C\",\"text\":null,\"n\":0}",
        "{\"start\":1,\"end\":2,\"text\":7,\"n\":0,\"m\":1,\"label\":\"D\"}",
        "{\"start\":1,\"end\":3,\"text\":\"bc\",\"label\":5,\"n\":0}",
        "{\"start\":1,\"end\":4,\"text\":null,\"label\":\"E\",\"n\":0}"};
    const char *want[] = {
        "{\"start\":0,\"end\":1,\"label\":\"A\",\"n\":0,\"text\":\"a\"}",
        "{\"start\":0,\"end\":2,\"n\":0,\"label\":\"B\",\"text\":\"ab\"}",
        "{\"start\":0,\"end\":3,\"n\":0,\"text\":\"abc\"}",
        "{\"start\":0,\"end\":4,\"label\":\"C\",\"text\":\"abcd\",\"n\":0}",
        "{\"start\":1,\"end\":2,\"text\":\"b\",\"n\":0,\"m\":1,\"label\":"
        "\"D\"}",
        "{\"start\":1,\"end\":3,\"text\":\"bc\",\"label\":5,\"n\":0}",
        "{\"start\":1,\"end\":4,\"text\":\"bcd\",\"label\":\"E\",\"n\":0}"};
    size_t n_shapes = sizeof(shapes) / sizeof(shapes[0]);
    /* In reverse, so that sorting moves the layouts with their spans. */
    for (size_t i = n_shapes; i-- > 0;)
        assert_non_null(
            glossa__layer_put_json(l, json_loads(shapes[i], 0, NULL)));
    assert_int_equal(glossa__layer_finish(l, doc, "t", NULL, 0), 0);
    char *out = written(l, 0);
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__strbuf_putc(&sb, '[');
    for (size_t i = 0; i < n_shapes; i++) {
        if (i)
            glossa__strbuf_putc(&sb, ',');
        glossa__strbuf_puts(&sb, want[i]);
    }
    glossa__strbuf_putc(&sb, ']');
    assert_string_equal(out, sb.data);
    glossa__free(out);
    /* The JSON for doc_layer() in the same order. */
    out = json_dumps(glossa__layer_json(l, doc), JSON_COMPACT);
    assert_string_equal(out, sb.data);
    free(out);
    glossa__strbuf_free(&sb);
    size_t n;
    const glossa_span_view_t *v = glossa__layer_spans(l, &n);
    assert_string_equal(v[0].label, "A");
    assert_null(v[2].label);
    assert_int_equal(v[5].n_fields, 2); /* "label": 5 is a field */
    assert_int_equal(glossa_span_field_get(&v[5], "label")->integer, 5);
    glossa__layer_free(l);
    glossa__doc_free(doc);
}

/* One pass over everything the store allocates for. 0 or GLOSSA_ENOMEM. */
static int store_path(glossa__doc_t *doc)
{
    glossa__layer_t *l = glossa__layer_new();
    if (!l)
        return GLOSSA_ENOMEM;
    int rc = 0;
    json_t *j = json_pack("{s:[i,f]}", "a", 1, 0.5);
    glossa_span_field_t f[] = {glossa_span_field_string("s", "value"),
                               glossa_span_field_json("j", j ? j : json_null()),
                               glossa_span_field_real("r", 0.25)};
    for (size_t i = 0; i < 40 && !rc; i++) {
        rc = glossa__layer_put(l, 40 - i, 41 - i, 40 - i, 41 - i,
                               i % 2 ? "ODD" : "EVEN", f, 3);
        if (!rc && i % 3 == 0) {
            json_t *o = old_span(1, 2, "OLD");
            if (o)
                json_object_set_new(o, "x", json_string("y"));
            if (!o || !glossa__layer_put_json(l, o))
                rc = GLOSSA_ENOMEM;
        }
    }
    json_decref(j);
    json_t *w = NULL;
    if (!rc)
        rc = glossa__layer_finish(l, doc, "t", &w, 0);
    json_decref(w);
    if (!rc) {
        glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
        glossa__layer_write(&sb, l, 0);
        rc = sb.failed ? GLOSSA_ENOMEM : 0;
        glossa__strbuf_free(&sb);
    }
    if (!rc && !glossa__layer_json(l, doc))
        rc = GLOSSA_ENOMEM;
    glossa__layer_free(l);
    if (!rc) {
        json_t *spans =
            json_loads("[{\"start\":0,\"end\":1,\"v\":[2.5]}]", 0, NULL);
        glossa__layer_t *from =
            spans ? glossa__layer_from_json(doc, spans) : NULL;
        rc = from ? 0 : GLOSSA_ENOMEM;
        glossa__layer_free(from);
        json_decref(spans);
    }
    return rc;
}

static void test_allocation_failures(void **state)
{
    (void)state;
    glossa__doc_t *doc = make_doc("0123456789012345678901234567890123456789"
                                  "0123456789");
    glossa__alloc_fail_after(-1);
    assert_int_equal(store_path(doc), 0);
    long base = glossa__alloc_live();
    int failures = 0;
    for (long n = 0;; n++) {
        glossa__alloc_fail_after(n);
        int rc = store_path(doc);
        long made = glossa__alloc_fail_after(-1);
        if (rc) {
            assert_int_equal(rc, GLOSSA_ENOMEM);
            failures++;
        }
        if (glossa__alloc_live() != base)
            fail_msg("allocation %ld: %ld leaked", n,
                     glossa__alloc_live() - base);
        if (made <= n)
            break;
    }
    assert_true(failures > 10);
    glossa__doc_free(doc);
}

int main(void)
{
    glossa__alloc_install_jansson();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_and_ties),
        cmocka_unit_test(test_old_spans_checked),
        cmocka_unit_test(test_written_as_the_json_writer_writes),
        cmocka_unit_test(test_reals_as_jansson_writes_them),
        cmocka_unit_test(test_reals_with_ten_digits),
        cmocka_unit_test(test_refused_fields),
        cmocka_unit_test(test_names_from_one_buffer),
        cmocka_unit_test(test_from_json),
        cmocka_unit_test(test_old_key_order),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
