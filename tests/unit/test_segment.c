/* Tokenization and sentence splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "segment.h"

/* Joins the tokens of text with '|' into out. */
static const char *tokens_of(const char *text, char *out, size_t size)
{
    glossa__segments_t seg;
    assert_int_equal(glossa__segment(text, strlen(text), &seg), 0);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < seg.n_tokens; i++) {
        const glossa_token_t *t = &seg.tokens[i];
        o += (size_t)snprintf(out + o, size - o, "%s%.*s", i ? "|" : "",
                              (int)(t->end - t->start), text + t->start);
    }
    glossa__segments_free(&seg);
    return out;
}

/* Joins the sentences of text with '#' into out. */
static const char *sentences_of(const char *text, char *out, size_t size)
{
    glossa__segments_t seg;
    assert_int_equal(glossa__segment(text, strlen(text), &seg), 0);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < seg.n_sentences; i++) {
        const glossa_sentence_t *s = &seg.sentences[i];
        o += (size_t)snprintf(out + o, size - o, "%s%.*s", i ? "#" : "",
                              (int)(s->end - s->start), text + s->start);
    }
    glossa__segments_free(&seg);
    return out;
}

static char buf[4096];

static void test_words_clitics_and_punctuation(void **state)
{
    (void)state;
    assert_string_equal(tokens_of("Russia's war, isn't it?", buf, sizeof buf),
                        "Russia|'s|war|,|is|n't|it|?");
    assert_string_equal(
        tokens_of("Russia\xE2\x80\x99s peacekeepers\xE2\x80\x99 mandate", buf,
                  sizeof buf),
        "Russia|\xE2\x80\x99s|peacekeepers|\xE2\x80\x99|mandate");
    assert_string_equal(tokens_of("O'Brien won't", buf, sizeof buf),
                        "O'Brien|wo|n't");
}

static void test_hyphens_numbers_abbreviations(void **state)
{
    (void)state;
    assert_string_equal(
        tokens_of("Nagorno-Karabakh's six-week war - 6,500 troops, 3.5%", buf,
                  sizeof buf),
        "Nagorno-Karabakh|'s|six-week|war|-|6,500|troops|,|3.5|%");
    assert_string_equal(
        tokens_of("the U.S. and Mr. Smith on Oct.31.", buf, sizeof buf),
        "the|U.S.|and|Mr.|Smith|on|Oct.|31|.");
    assert_string_equal(tokens_of("Wait... what?!", buf, sizeof buf),
                        "Wait|...|what|?!");
}

static void test_offsets_are_code_points(void **state)
{
    (void)state;
    const char *text = "\xE2\x80\x9CT\xC3\xBCrkiye\xE2\x80\x9D \xE2\x80\x94 ok";
    glossa__segments_t seg;
    assert_int_equal(glossa__segment(text, strlen(text), &seg), 0);
    assert_int_equal(seg.n_tokens, 5);
    /* Türkiye: code points 1..8, bytes 3..11 */
    assert_int_equal(seg.tokens[1].cp_start, 1);
    assert_int_equal(seg.tokens[1].cp_end, 8);
    assert_int_equal(seg.tokens[1].start, 3);
    assert_int_equal(seg.tokens[1].end, 11);
    assert_true(seg.tokens[1].flags & GLOSSA_TOKEN_UPPER);
    assert_false(seg.tokens[1].flags & GLOSSA_TOKEN_ASCII);
    assert_int_equal(seg.tokens[4].cp_start, 12);
    glossa__segments_free(&seg);
}

static void test_token_flags(void **state)
{
    (void)state;
    const char *text = "NATO said\n\nit 2020";
    glossa__segments_t seg;
    assert_int_equal(glossa__segment(text, strlen(text), &seg), 0);
    assert_int_equal(seg.n_tokens, 4);
    assert_true(seg.tokens[0].flags & GLOSSA_TOKEN_ALLCAPS);
    assert_true(seg.tokens[0].flags & GLOSSA_TOKEN_SENTENCE_START);
    assert_false(seg.tokens[1].flags & GLOSSA_TOKEN_UPPER);
    assert_true(seg.tokens[2].flags & GLOSSA_TOKEN_PARAGRAPH_BEFORE);
    assert_true(seg.tokens[3].flags & GLOSSA_TOKEN_NUMBER);
    glossa__segments_free(&seg);
}

static void test_sentence_boundaries(void **state)
{
    (void)state;
    assert_string_equal(sentences_of("Putin said so. Moscow agreed! Did it? "
                                     "\xE2\x80\x9CYes.\xE2\x80\x9D Then",
                                     buf, sizeof buf),
                        "Putin said so.#Moscow agreed!#Did "
                        "it?#\xE2\x80\x9CYes.\xE2\x80\x9D#Then");
    /* Titles, initials and lowercase continuations do not split. */
    assert_string_equal(
        sentences_of(
            "Dr. Smith met J. Doe. it was fine. Talks on Oct. 31 ended.", buf,
            sizeof buf),
        "Dr. Smith met J. Doe. it was fine.#Talks on Oct. 31 ended.");
    /* A photo credit after a period starts anew. */
    assert_string_equal(sentences_of("Moscow said. / Reuters", buf, sizeof buf),
                        "Moscow said.#/ Reuters");
}

static void test_lines_and_wrapping(void **state)
{
    (void)state;
    /* Headlines on their own lines are sentences. */
    assert_string_equal(
        sentences_of("WORLD\nPutin hosts leaders\nThe Kremlin said so.", buf,
                     sizeof buf),
        "WORLD#Putin hosts leaders#The Kremlin said so.");
    /* A hard-wrapped paragraph joins its lines. */
    const char *wrapped =
        "Russia would be happy to facilitate the signing of a peace treaty\n"
        "between Armenia and Azerbaijan, Putin said during talks with his\n"
        "counterpart on Monday.\n\n"
        "Putin said he also planned to meet the Armenian prime minister and\n"
        "share the outcome of his talks.\n";
    assert_string_equal(
        sentences_of(wrapped, buf, sizeof buf),
        "Russia would be happy to facilitate the signing of a peace treaty\n"
        "between Armenia and Azerbaijan, Putin said during talks with his\n"
        "counterpart on Monday.#"
        "Putin said he also planned to meet the Armenian prime minister and\n"
        "share the outcome of his talks.");
}

static void test_empty_and_blank(void **state)
{
    (void)state;
    glossa__segments_t seg;
    assert_int_equal(glossa__segment("", 0, &seg), 0);
    assert_int_equal(seg.n_tokens, 0);
    assert_int_equal(seg.n_sentences, 0);
    glossa__segments_free(&seg);
    assert_int_equal(glossa__segment(" \n\t ", 4, &seg), 0);
    assert_int_equal(seg.n_tokens, 0);
    glossa__segments_free(&seg);
}

static void test_long_run_is_capped(void **state)
{
    (void)state;
    static char text[3 * (GLOSSA__MAX_SENTENCE_TOKENS + 10)];
    size_t n = 0;
    for (int i = 0; i < GLOSSA__MAX_SENTENCE_TOKENS + 10; i++) {
        text[n++] = 'w';
        text[n++] = 'x';
        text[n++] = ' ';
    }
    glossa__segments_t seg;
    assert_int_equal(glossa__segment(text, n, &seg), 0);
    assert_int_equal(seg.n_sentences, 2);
    assert_int_equal(seg.sentences[0].token_count, GLOSSA__MAX_SENTENCE_TOKENS);
    glossa__segments_free(&seg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_clitics_and_punctuation),
        cmocka_unit_test(test_hyphens_numbers_abbreviations),
        cmocka_unit_test(test_offsets_are_code_points),
        cmocka_unit_test(test_token_flags),
        cmocka_unit_test(test_sentence_boundaries),
        cmocka_unit_test(test_lines_and_wrapping),
        cmocka_unit_test(test_empty_and_blank),
        cmocka_unit_test(test_long_run_is_capped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
