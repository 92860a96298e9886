/* The output buffer and its JSON string escaping, which must produce the
 * same bytes as Jansson so that every string in a record looks alike. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "alloc.h"
#include "glossa/error.h"
#include "strbuf.h"

static void expect_same_as_jansson(const char *s, size_t n)
{
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__strbuf_put_json_string(&sb, s, n), 0);
    json_t *js = json_stringn(s, n);
    assert_non_null(js);
    char *ref = json_dumps(js, JSON_ENCODE_ANY | JSON_COMPACT);
    assert_string_equal(sb.data, ref);
    free(ref);
    json_decref(js);
    glossa__strbuf_free(&sb);
}

static void test_escaping_matches_jansson(void **state)
{
    (void)state;
    const char *cases[] = {"plain",
                           "quote \" and \\ backslash",
                           "tab\tnew\nline\rcr",
                           "\x01\x1f ctrl",
                           "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D",
                           "slash / stays",
                           "\xE2\x80\xA8 line separator",
                           ""};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_same_as_jansson(cases[i], strlen(cases[i]));
}

/* The escaper goes sixteen (SSE2) or eight bytes at a time and writes a
 * string's last bytes as the 8 that end it: every length up to five
 * words, with one or two bytes to escape at every place, after text
 * already written. */
static void test_escaping_every_length_and_place(void **state)
{
    (void)state;
    const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', 0x7f};
    char s[41];
    for (size_t n = 0; n <= 40; n++)
        for (size_t a = 0; a <= n; a++)
            for (size_t b = a; b <= n; b++)
                for (size_t k = 0; k < sizeof(specials); k++) {
                    for (size_t i = 0; i < n; i++)
                        s[i] = (char)('a' + i % 26);
                    if (a < n)
                        s[a] = specials[k];
                    if (b < n)
                        s[b] = specials[(k + 1) % sizeof(specials)];
                    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
                    assert_int_equal(glossa__strbuf_puts(&sb, "x\\\""), 0);
                    assert_int_equal(glossa__strbuf_put_json_string(&sb, s, n),
                                     0);
                    json_t *js = json_stringn(s, n);
                    assert_non_null(js);
                    char *ref = json_dumps(js, JSON_ENCODE_ANY | JSON_COMPACT);
                    assert_int_equal(sb.len, 3 + strlen(ref));
                    assert_memory_equal(sb.data, "x\\\"", 3);
                    assert_string_equal(sb.data + 3, ref);
                    free(ref);
                    json_decref(js);
                    glossa__strbuf_free(&sb);
                }
}

static void test_appenders(void **state)
{
    (void)state;
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__strbuf_puts(&sb, "n=");
    glossa__strbuf_put_uint(&sb, 0);
    glossa__strbuf_putc(&sb, ',');
    glossa__strbuf_put_uint(&sb, 18446744073709551615ull);
    glossa__strbuf_printf(&sb, " %s-%d", "x", 42);
    /* Nothing to append, from nowhere: an empty part of a message. */
    assert_int_equal(glossa__strbuf_append(&sb, NULL, 0), 0);
    assert_string_equal(sb.data, "n=0,18446744073709551615 x-42");
    size_t len;
    char *data = glossa__strbuf_detach(&sb, &len);
    assert_int_equal(len, strlen("n=0,18446744073709551615 x-42"));
    assert_null(sb.data);
    glossa__free(data);
}

static void test_json_values_use_output_flags(void **state)
{
    (void)state;
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    json_t *v = json_pack("{s:f,s:[i,s]}", "score", 0.1 + 0.2, "a", 1, "b");
    glossa__strbuf_put_json(&sb, v);
    assert_string_equal(sb.data, "{\"score\":0.3,\"a\":[1,\"b\"]}");
    json_decref(v);
    glossa__strbuf_free(&sb);
}

static void test_json_writer_matches_jansson(void **state)
{
    (void)state;
    const char *samples[] = {
        "{\"start\":0,\"end\":7,\"text\":\"Russian\",\"label\":\"NORP\"}",
        "[1,-2,9223372036854775807,-9223372036854775807,0,true,false,null]",
        "{\"k\\u00e9y \\\"q\\\"\":{\"nested\":[{},[],\"\\u0001\\n\"]}}",
        "{\"score\":-0.0941,\"pi\":3.141592653589793,\"tiny\":1e-300,"
        "\"big\":1.5e300,\"one\":1.0}",
        "[\"\\ud83d\\ude00 \\u2028 / \\\\\"]",
        "\"a string at the top\"",
        "-0",
        "{}",
        "[]"};
    for (size_t i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
        json_t *v = json_loads(samples[i], JSON_DECODE_ANY, NULL);
        assert_non_null(v);
        char *ref = json_dumps(v, GLOSSA__JSON_FLAGS);
        glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
        assert_int_equal(glossa__strbuf_put_json(&sb, v), 0);
        assert_string_equal(sb.data, ref);
        free(ref);
        glossa__strbuf_free(&sb);
        json_decref(v);
    }
}

static void test_out_of_memory_is_sticky(void **state)
{
    (void)state;
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__alloc_fail_after(0);
    assert_int_equal(glossa__strbuf_puts(&sb, "x"), GLOSSA_ENOMEM);
    glossa__alloc_fail_after(-1);
    assert_true(sb.failed);
    assert_int_equal(glossa__strbuf_puts(&sb, "y"), GLOSSA_ENOMEM);
    glossa__strbuf_free(&sb);
    assert_int_equal(glossa__strbuf_puts(&sb, "z"), 0);
    assert_string_equal(sb.data, "z");
    glossa__strbuf_free(&sb);
}

/* A first reservation is taken as it is (a large document's record is
 * sized once, not rounded up to the next power of two); then doubling. */
static void test_first_reserve_is_exact(void **state)
{
    (void)state;
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    assert_int_equal(glossa__strbuf_reserve(&sb, 1000000), 0);
    assert_int_equal(sb.cap, 1000001);
    char chunk[1000];
    memset(chunk, 'a', sizeof(chunk));
    for (int i = 0; i < 1000; i++)
        assert_int_equal(glossa__strbuf_append(&sb, chunk, sizeof(chunk)), 0);
    assert_int_equal(sb.cap, 1000001); /* filled, not grown */
    assert_int_equal(glossa__strbuf_putc(&sb, 'b'), 0);
    assert_int_equal(sb.cap, 2000002);
    assert_int_equal(sb.len, 1000001);
    glossa__strbuf_free(&sb);
    assert_int_equal(glossa__strbuf_reserve(&sb, 10), 0);
    assert_int_equal(sb.cap, 256);
    glossa__strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping_matches_jansson),
        cmocka_unit_test(test_escaping_every_length_and_place),
        cmocka_unit_test(test_appenders),
        cmocka_unit_test(test_json_values_use_output_flags),
        cmocka_unit_test(test_json_writer_matches_jansson),
        cmocka_unit_test(test_out_of_memory_is_sticky),
        cmocka_unit_test(test_first_reserve_is_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
