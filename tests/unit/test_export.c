/* The text helpers of glossa export and import (cli/export/text.c): the
 * UTF-8 policy's repair, code point and UTF-16 offsets, line breaks, and
 * the file names of document ids. The formats themselves are tested
 * end to end (tests/e2e/export_*.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export_internal.h"

static void expect_repair(const char *in, size_t n, const char *want,
                          size_t want_bad)
{
    char *out;
    size_t len, bad;
    assert_int_equal(glossa_export__utf8_repair(in, n, &out, &len, &bad), 0);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
    assert_int_equal(out[len], '\0');
    assert_int_equal(bad, want_bad);
    free(out);
}

#define FFFD "\xEF\xBF\xBD"

/* Unicode 15, section 3.9, table 3-8 and its neighbours: each maximal
 * subpart is one U+FFFD, as the core does (docs/output-format.md). */
static void test_repair(void **state)
{
    (void)state;
    expect_repair("plain", 5, "plain", 0);
    expect_repair("caf\xC3\xA9", 5, "caf\xC3\xA9", 0);
    expect_repair("a\0b", 3, "a" FFFD "b", 1);
    /* A lead byte cut short by the end: one replacement. */
    expect_repair("x\xE2\x82", 3, "x" FFFD, 1);
    /* F0 80: 80 is no second byte for F0, so F0 alone is a subpart. */
    expect_repair("\xF0\x80\x80", 3, FFFD FFFD FFFD, 3);
    /* E1 80 41: the valid prefix E1 80 is one subpart. */
    expect_repair("\xE1\x80"
                  "A",
                  3, FFFD "A", 1);
    /* Surrogates (ED A0..BF) and bytes that never lead. */
    expect_repair("\xED\xA0\x80", 3, FFFD FFFD FFFD, 3);
    expect_repair("\xC0\xAF\xFF", 3, FFFD FFFD FFFD, 3);
    /* Beyond the BMP: kept. */
    expect_repair("\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80", 0);
}

static void test_offsets(void **state)
{
    (void)state;
    /* "é😀\nz": 4 code points; the emoji is 4 bytes and 2 UTF-16 units. */
    const char *text = "\xC3\xA9\xF0\x9F\x98\x80\nz";
    size_t n_cp;
    size_t *idx = glossa_export__cp_index(text, strlen(text), &n_cp);
    assert_non_null(idx);
    assert_int_equal(n_cp, 4);
    const size_t bytes[] = {0, 2, 6, 7, 8};
    for (size_t i = 0; i <= n_cp; i++)
        assert_int_equal(idx[i], bytes[i]);
    export_doc_t doc = {
        .text = text, .len = strlen(text), .n_cp = n_cp, .cp_byte = idx};
    size_t *u16 = glossa_export__utf16_index(&doc);
    const size_t units[] = {0, 1, 3, 4, 5};
    for (size_t i = 0; i <= n_cp; i++)
        assert_int_equal(u16[i], units[i]);
    assert_int_equal(glossa_export__doc_cp(&doc, 1), 0x1F600);
    size_t len;
    const char *s = glossa_export__doc_slice(&doc, 1, 3, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(s, "\xF0\x9F\x98\x80\n", 5);
    free(u16);
    free(idx);
    /* Not valid UTF-8, or a NUL: no index. */
    assert_null(glossa_export__cp_index("a\xC3", 2, &n_cp));
    assert_null(glossa_export__cp_index("a\0b", 3, &n_cp));
}

static void test_line_breaks(void **state)
{
    (void)state;
    const uint32_t breaks[] = {'\n', '\r', 0x0B, 0x0C,   0x1C,
                               0x1D, 0x1E, 0x85, 0x2028, 0x2029};
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++)
        assert_true(glossa_export__is_line_break(breaks[i]));
    const uint32_t others[] = {' ', '\t', 'a', 0xA0, 0x1F600, 0x2027};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        assert_false(glossa_export__is_line_break(others[i]));
}

static void expect_name(const char *id, const char *want)
{
    char *name = glossa_export__file_name(id);
    assert_string_equal(name, want);
    char *back = glossa_export__id_of_file(name, strlen(name));
    assert_string_equal(back, id);
    free(back);
    free(name);
}

/* Every id gets a name of its own that stays in its directory, and
 * import reads the id back. */
static void test_file_names(void **state)
{
    (void)state;
    expect_name("000", "000");
    expect_name("docs.jsonl:17", "docs.jsonl%3A17");
    expect_name("../etc/passwd", "%2E.%2Fetc%2Fpasswd");
    expect_name(".hidden", "%2Ehidden");
    expect_name("a b%c", "a%20b%25c");
    expect_name("\xC3\xA9t\xC3\xA9", "\xC3\xA9t\xC3\xA9");
    /* A stray '%' not followed by two hex digits is kept as it is. */
    char *id = glossa_export__id_of_file("50%-off%4", 9);
    assert_string_equal(id, "50%-off%4");
    free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repair),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_line_breaks),
        cmocka_unit_test(test_file_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
