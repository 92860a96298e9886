/* UTF-8 decoding, the invalid-input policy and offset mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "glossa/text.h"
#include "utf8.h"

static void sanitize_expect(const char *in, size_t len, const char *expected,
                            size_t n_replaced, size_t first_bad)
{
    char *out = NULL;
    size_t out_len = 0;
    glossa__utf8_report_t rep;
    assert_int_equal(glossa__utf8_sanitize(in, len, &out, &out_len, &rep), 0);
    if (n_replaced == 0) {
        assert_null(out);
    } else {
        assert_non_null(out);
        assert_int_equal(out_len, strlen(expected));
        assert_memory_equal(out, expected, out_len);
        assert_int_equal(rep.first_bad_byte, first_bad);
    }
    assert_int_equal(rep.n_replaced, n_replaced);
    glossa__free(out);
}

#define FFFD "\xEF\xBF\xBD"

static void test_valid_text_is_not_copied(void **state)
{
    (void)state;
    const char *s = "Caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80 ok";
    char *out;
    size_t out_len;
    glossa__utf8_report_t rep;
    assert_int_equal(glossa__utf8_sanitize(s, strlen(s), &out, &out_len, &rep),
                     0);
    assert_null(out);
    assert_int_equal(rep.n_codepoints, 11); /* C a f é, sp, —, sp, 😀, sp, o k */
}

static void test_maximal_subparts_are_replaced(void **state)
{
    (void)state;
    /* Unicode 15 Table 3-8 examples: each maximal subpart gives one U+FFFD. */
    sanitize_expect("a\xC0\xAF"
                    "b",
                    4, "a" FFFD FFFD "b", 2, 1);
    sanitize_expect("\xE0\x80\x80", 3, FFFD FFFD FFFD, 3, 0);
    sanitize_expect("\xED\xA0\x80", 3, FFFD FFFD FFFD, 3, 0); /* surrogate */
    sanitize_expect("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD, 4, 0);
    sanitize_expect("x\xE2\x82", 3, "x" FFFD, 1, 1); /* truncated */
    sanitize_expect("\xE2\x82"
                    "y",
                    3, FFFD "y", 1, 0);
    sanitize_expect("\xF0\x9F\x98", 3, FFFD, 1, 0);
    sanitize_expect("\xFF\xFE", 2, FFFD FFFD, 2, 0);
}

static void test_nul_is_replaced_and_keeps_offsets(void **state)
{
    (void)state;
    const char in[] = {'a', '\0', 'b'};
    char *out;
    size_t out_len;
    glossa__utf8_report_t rep;
    assert_int_equal(glossa__utf8_sanitize(in, 3, &out, &out_len, &rep), 0);
    assert_string_equal(out, "a" FFFD "b");
    assert_int_equal(rep.n_codepoints, 3); /* same as the input */
    glossa__free(out);
}

static void test_decode_rejects_overlong_and_accepts_boundaries(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(
        glossa__utf8_decode((const unsigned char *)"\xC1\xBF", 2, &cp), 0);
    assert_int_equal(
        glossa__utf8_decode((const unsigned char *)"\xC2\x80", 2, &cp), 2);
    assert_int_equal(cp, 0x80);
    assert_int_equal(
        glossa__utf8_decode((const unsigned char *)"\xF4\x8F\xBF\xBF", 4, &cp),
        4);
    assert_int_equal(cp, 0x10FFFF);
    char buf[4];
    assert_int_equal(glossa__utf8_encode(0x20AC, buf), 3);
    assert_memory_equal(buf, "\xE2\x82\xAC", 3);
}

static void test_offsets_round_trip(void **state)
{
    (void)state;
    /* Mixed widths, long enough to cross several checkpoints. */
    char text[4096];
    size_t len = 0, cps = 0;
    const char *pieces[] = {"a", "\xC3\xA9", "\xE2\x80\x9C", "\xF0\x9F\x98\x80",
                            " "};
    for (int i = 0; len + 4 < sizeof(text) - 1; i++) {
        const char *p = pieces[(i * 7) % 5];
        memcpy(text + len, p, strlen(p));
        len += strlen(p);
        cps++;
    }
    text[len] = '\0';
    glossa__offsets_t map;
    assert_int_equal(glossa__offsets_init(&map, text, len, SIZE_MAX), 0);
    assert_non_null(map.checkpoints); /* dense non-ASCII: checkpoints */
    assert_int_equal(map.n_codepoints, cps);
    size_t byte = 0;
    for (size_t cp = 0; cp <= cps; cp++) {
        assert_int_equal(glossa__offsets_cp_to_byte(&map, cp), byte);
        assert_int_equal(glossa__offsets_byte_to_cp(&map, byte), cp);
        if (cp < cps) {
            size_t clen = 1;
            unsigned char lead = (unsigned char)text[byte];
            clen = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            /* A byte inside the character maps to the character. */
            for (size_t k = 1; k < clen; k++)
                assert_int_equal(glossa__offsets_byte_to_cp(&map, byte + k),
                                 cp);
            byte += clen;
        }
    }
    /* Clamping. */
    assert_int_equal(glossa__offsets_cp_to_byte(&map, cps + 10), len);
    assert_int_equal(glossa__offsets_byte_to_cp(&map, len + 10), cps);
    glossa__offsets_free(&map);
}

/* Checks cp <-> byte both ways at every character of text. */
static void check_round_trip(const char *text)
{
    size_t len = strlen(text);
    glossa__offsets_t map;
    assert_int_equal(glossa__offsets_init(&map, text, len, SIZE_MAX), 0);
    size_t byte = 0, cp = 0;
    while (byte < len) {
        assert_int_equal(glossa__offsets_cp_to_byte(&map, cp), byte);
        assert_int_equal(glossa__offsets_byte_to_cp(&map, byte), cp);
        unsigned char lead = (unsigned char)text[byte];
        size_t clen = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        for (size_t k = 1; k < clen; k++)
            assert_int_equal(glossa__offsets_byte_to_cp(&map, byte + k), cp);
        byte += clen;
        cp++;
    }
    assert_int_equal(map.n_codepoints, cp);
    assert_int_equal(glossa__offsets_cp_to_byte(&map, cp), len);
    glossa__offsets_free(&map);
}

static void test_offsets_mostly_ascii_lists_wide_characters(void **state)
{
    (void)state;
    /* News text: a few curly quotes and dashes in much ASCII. */
    char text[2048];
    size_t n = 0;
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "The Kremlin said on Monday that talks would "
                              "go on, %d times \xE2\x80\x94 Moscow agreed. ",
                              i);
    glossa__offsets_t map;
    assert_int_equal(glossa__offsets_init(&map, text, n, SIZE_MAX), 0);
    assert_non_null(map.wide_cp);
    assert_null(map.checkpoints);
    assert_int_equal(map.n_wide, 20);
    glossa__offsets_free(&map);
    check_round_trip(text);
    check_round_trip("\xC3\xA9"
                     "abc"); /* wide first */
    check_round_trip("abc"
                     "\xF0\x9F\x98\x80"); /* wide last */
}

static void test_offsets_ascii_needs_no_table(void **state)
{
    (void)state;
    glossa__offsets_t map;
    assert_int_equal(glossa__offsets_init(&map, "hello", 5, SIZE_MAX), 0);
    assert_null(map.checkpoints);
    assert_int_equal(glossa__offsets_cp_to_byte(&map, 3), 3);
    assert_int_equal(glossa__offsets_byte_to_cp(&map, 4), 4);
    glossa__offsets_free(&map);
}

static void test_count(void **state)
{
    (void)state;
    const char *s =
        "\xE2\x80\x9CRussia\xE2\x80\x9D \xE2\x80\x94 T\xC3\xBCrkiye";
    assert_int_equal(glossa__utf8_count(s, strlen(s)), 18);
}

static void test_names_shown_and_escaped(void **state)
{
    (void)state;
    char *shown = glossa__utf8_shown("caf\xe9.txt");
    assert_string_equal(shown, "caf\xef\xbf\xbd.txt");
    glossa__free(shown);
    shown = glossa__utf8_shown("caf\xc3\xa9.txt"); /* valid: unchanged */
    assert_string_equal(shown, "caf\xc3\xa9.txt");
    glossa__free(shown);
    char *raw = glossa__bytes_escaped("a\\b\xe9\xff");
    assert_string_equal(raw, "a\\\\b\\xe9\\xff");
    glossa__free(raw);
    assert_true(glossa__utf8_is_valid("caf\xc3\xa9"));
    assert_false(glossa__utf8_is_valid("caf\xe9"));
    assert_false(glossa__utf8_is_valid("\xc0\x80")); /* overlong NUL */
    assert_true(glossa__utf8_is_valid(""));
}

/* The public repair (glossa/text.h) is what exporters and viewers use to
 * read texts as runs do: it must give the very bytes of the core's
 * sanitizer, on any input. Random byte strings biased toward UTF-8's
 * edge bytes, from a fixed seed. */
static void test_public_repair_is_the_cores(void **state)
{
    (void)state;
    static const unsigned char alphabet[] = {
        'a',  ' ',  0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xA0,
        0xED, 0x9F, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF, 0xC3, 0xA9};
    uint32_t seed = 12345;
    char in[24], out[GLOSSA_UTF8_REPAIR_MAX(24)];
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % sizeof(in);
        for (; len < n; len++) {
            seed = seed * 1103515245u + 12345u;
            in[len] = (char)alphabet[(seed >> 16) % sizeof(alphabet)];
        }
        char *core = NULL;
        size_t core_len = 0, replaced = 99;
        glossa__utf8_report_t rep;
        assert_int_equal(glossa__utf8_sanitize(in, len, &core, &core_len, &rep),
                         0);
        size_t out_len = glossa_utf8_repair(in, len, out, &replaced);
        assert_int_equal(out[out_len], '\0');
        assert_int_equal(replaced, rep.n_replaced);
        assert_int_equal(out_len, core ? core_len : len);
        assert_memory_equal(out, core ? core : in, out_len);
        glossa__free(core);
    }
}

static void test_public_decode_encode_round_trip(void **state)
{
    (void)state;
    static const uint32_t cps[] = {0,      0x41,   0x7F,    0x80,
                                   0x7FF,  0x800,  0xD7FF,  0xE000,
                                   0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        char buf[4];
        uint32_t back = 0xFFFFFFFF;
        size_t n = glossa_utf8_encode(cps[i], buf);
        assert_int_equal(glossa_utf8_decode(buf, n, &back), n);
        assert_int_equal(back, cps[i]);
    }
    uint32_t cp;
    assert_int_equal(glossa_utf8_decode("\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(glossa_utf8_decode("\xE2\x80", 2, &cp), 0);
}

/* glossa__utf8_valid_n agrees with sanitize (NUL aside, which it
 * allows) wherever the bad byte falls in the 16- and 8-byte blocks. */
static void test_valid_n_allows_nul_and_finds_bad_bytes(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xC3", "\xED\xA0\x80", "\xFF",
                                      "\xE2\x80"};
    char buf[64];
    for (size_t at = 0; at < 40; at++) {
        memset(buf, 'a', sizeof(buf));
        buf[at / 2] = '\0'; /* NUL bytes are characters here */
        assert_true(glossa__utf8_valid_n(buf, sizeof(buf)));
        memcpy(buf + at, "\xC3\xA9", 2); /* a whole character */
        assert_true(glossa__utf8_valid_n(buf, sizeof(buf)));
        for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
            memset(buf, 'a', sizeof(buf));
            memcpy(buf + at, bad[k], strlen(bad[k]));
            assert_false(glossa__utf8_valid_n(buf, sizeof(buf)));
            /* cut before the bad bytes: valid */
            assert_true(glossa__utf8_valid_n(buf, at));
        }
    }
    assert_true(glossa__utf8_valid_n("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_text_is_not_copied),
        cmocka_unit_test(test_maximal_subparts_are_replaced),
        cmocka_unit_test(test_nul_is_replaced_and_keeps_offsets),
        cmocka_unit_test(test_decode_rejects_overlong_and_accepts_boundaries),
        cmocka_unit_test(test_offsets_round_trip),
        cmocka_unit_test(test_offsets_mostly_ascii_lists_wide_characters),
        cmocka_unit_test(test_offsets_ascii_needs_no_table),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_names_shown_and_escaped),
        cmocka_unit_test(test_public_repair_is_the_cores),
        cmocka_unit_test(test_public_decode_encode_round_trip),
        cmocka_unit_test(test_valid_n_allows_nul_and_finds_bad_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
