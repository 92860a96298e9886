/* The fast JSONL record decoder agrees with Jansson, and hands back what
 * it does not handle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "glossa/error.h"
#include "jsonl.h"

static void decode_ok(const char *line, const char *id, const char *text,
                      size_t text_len, const char *meta_json)
{
    glossa__jsonl_record_t rec;
    assert_int_equal(glossa__jsonl_decode(line, strlen(line), &rec), 0);
    if (id)
        assert_string_equal(rec.id, id);
    else
        assert_null(rec.id);
    assert_int_equal(rec.text_len, text_len);
    assert_memory_equal(rec.text, text, text_len);
    char *meta = json_dumps(rec.meta, JSON_COMPACT);
    assert_string_equal(meta, meta_json);
    free(meta);
    glossa__jsonl_record_free(&rec);
}

static void test_plain_records(void **state)
{
    (void)state;
    decode_ok("{\"id\": \"a\", \"text\": \"Hello\"}", "a", "Hello", 5, "{}");
    decode_ok(" {\"text\":\"x\",\"id\":42,\"meta\":{\"k\":[1,{\"a\":\"}\"}]}} ",
              "42", "x", 1, "{\"k\":[1,{\"a\":\"}\"}]}");
    /* Escapes, surrogate pairs, \u0000 kept (the text policy replaces it). */
    decode_ok(
        "{\"text\":\"a\\\"b\\\\c\\/\\n\\t\\u00e9\\ud83d\\ude00\\u0000z\"}",
        NULL, "a\"b\\c/\n\t\xC3\xA9\xF0\x9F\x98\x80\0z", 16, "{}");
    /* Other fields join meta; meta wins; duplicate keys keep the last. */
    decode_ok("{\"text\":\"t\",\"source\":\"x\",\"meta\":{\"source\":\"m\"},"
              "\"published\":\"2022\",\"text\":\"u\"}",
              NULL, "u", 1, "{\"source\":\"m\",\"published\":\"2022\"}");
    decode_ok("{\"id\":-0,\"text\":\"\"}", "0", "", 0, "{}");
}

static void test_hands_back_what_jansson_must_judge(void **state)
{
    (void)state;
    const char *lines[] = {
        "{}",
        "{\"id\": \"a\"}",                 /* no text */
        "{\"text\": 3}",                   /* not a string */
        "{\"text\": \"x\", \"id\": 1.5}",  /* a real id */
        "{\"text\": \"x\", \"id\": null}", /* neither */
        "{\"text\": \"x\", \"id\": 007}",  /* invalid number */
        "{\"text\": \"x\", \"meta\": 3}",  /* meta not an object */
        "{\"text\": \"unterminated}",
        "{\"text\": \"raw\ncontrol\"}",
        "{\"text\": \"\\ud800 lone\"}",
        "{\"text\": \"\\x\"}",
        "{\"text\": \"x\"} trailing",
        "[\"text\"]",
        "{\"text\": \"x\", \"a\\u0000b\": 1}",      /* NUL in a key */
        "{\"text\": \"x\", \"id\": \"a\\u0000b\"}", /* NUL in the id */
        "{\"text\": \"x\", \"k\": [1, }",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
        glossa__jsonl_record_t rec;
        assert_int_equal(glossa__jsonl_decode(lines[i], strlen(lines[i]), &rec),
                         GLOSSA_EPARSE);
        assert_null(rec.text);
        assert_null(rec.meta);
    }
}

static void test_out_of_memory(void **state)
{
    (void)state;
    const char *line =
        "{\"id\":\"a\",\"text\":\"abc\",\"meta\":{\"x\":1},\"y\":2}";
    for (long n = 0; n < 64; n++) {
        glossa__alloc_fail_after(n);
        glossa__jsonl_record_t rec;
        int rc = glossa__jsonl_decode(line, strlen(line), &rec);
        glossa__alloc_fail_after(-1);
        assert_true(rc == 0 || rc == GLOSSA_ENOMEM || rc == GLOSSA_EPARSE);
        glossa__jsonl_record_free(&rec);
    }
}

int main(void)
{
    glossa__alloc_install_jansson();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_records),
        cmocka_unit_test(test_hands_back_what_jansson_must_judge),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
