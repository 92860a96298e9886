/* The tagger (entities_tagger_*) against the plain path it replaced:
 * entities_tokinfo_fill + entities_features + entities_model_score +
 * entities_viterbi, with the bundled model and gazetteers, over the seed
 * corpus and sentences written to reach the corners (sentence starts,
 * gazetteer names, common words, long and non-ASCII tokens). The
 * emissions must be the same floats, bit for bit. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "entities.h"
#include <glossa/testing.h>
#include "test_data.h"

enum { T = ENTITIES_N_TAGS };

static entities_model_t *model;
static entities_gaz_t *gaz;

static int setup(void **state)
{
    (void)state;
    return entities_test_load_bundled(&model, &gaz);
}

static int teardown(void **state)
{
    (void)state;
    entities_model_free(model);
    entities_gaz_free(gaz);
    return 0;
}

/* Tags every sentence of text both ways with one tagger for the whole
 * text (so that word types repeat) and compares; returns the number of
 * tokens compared. */
static size_t check_text(const entities_gaz_t *g, const char *text)
{
    glossa_segments_t seg;
    assert_int_equal(glossa_segments_make(text, strlen(text), &seg), 0);
    entities_token_t *toks = calloc(seg.n_tokens + 1, sizeof(*toks));
    assert_non_null(toks);
    for (size_t i = 0; i < seg.n_tokens; i++) {
        toks[i].s = text + seg.tokens[i].start;
        toks[i].len = seg.tokens[i].end - seg.tokens[i].start;
    }
    entities_tagger_t *tagger = entities_tagger_new(model, g);
    assert_non_null(tagger);
    size_t compared = 0;
    for (size_t s = 0; s < seg.n_sentences; s++) {
        const entities_token_t *st = toks + seg.sentences[s].token_first;
        size_t n = seg.sentences[s].token_count;
        entities_tokinfo_t *info = calloc(n + 1, sizeof(*info));
        float *want = calloc(n * T + 1, sizeof(float));
        float *got = calloc(n * T + 1, sizeof(float));
        uint8_t *tags_want = calloc(n + 1, 1), *tags_got = calloc(n + 1, 1);
        void *work = malloc(ENTITIES_VITERBI_WORK(n));
        assert_true(info && want && got && tags_want && tags_got && work);
        entities_tokinfo_fill(g, st, n, info);
        for (size_t i = 0; i < n; i++) {
            uint64_t keys[ENTITIES_MAX_FEATURES];
            size_t k = entities_features(info, n, i, keys);
            entities_model_score(model, keys, k, want + i * T);
        }
        assert_int_equal(entities_tagger_emit(tagger, st, n, got), 0);
        assert_memory_equal(want, got, n * T * sizeof(float));
        entities_viterbi(want, entities_model_transitions(model), n, tags_want,
                         work);
        assert_int_equal(entities_tagger_tag(tagger, st, n, tags_got), 0);
        assert_memory_equal(tags_want, tags_got, n);
        compared += n;
        free(info);
        free(want);
        free(got);
        free(tags_want);
        free(tags_got);
        free(work);
    }
    entities_tagger_free(tagger);
    free(toks);
    glossa_segments_free(&seg);
    return compared;
}

static const char *const TEXTS[] = {
    "Here is the Black Sea. Here the Black Sea coast of Georgia, said "
    "Putin. Putin said so.\n\nGeorgia",
    "Sneak a peek. EU and U.S. officials met in T\u00fcrkiye on 2020-05-01; "
    "the Russian-brokered deal \u2014 \u201cthe deal\u201d \u2014 held. "
    "Nagorno-Karabakh's leaders, Moscow\u2019s envoy and \u00c9MILE "
    "\u00e9mile of \u0130stanbul said \u0391\u03b8\u03ae\u03bd\u03b1 cost "
    "\u20ac5 or \u0661\u0662.",
    "Putin Receives Armenian And Azeri Leaders For Talks",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    " lives in Baku. Baku",
    "A",
    "",
};

static void test_written_sentences(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(TEXTS) / sizeof(TEXTS[0]); k++) {
        check_text(gaz, TEXTS[k]);
        check_text(NULL, TEXTS[k]);
    }
}

static void test_seed_corpus(void **state)
{
    (void)state;
    const char *dir = getenv("ENTITIES_CORPUS");
    assert_non_null(dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t files = 0, tokens = 0;
    const struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        char *text = entities_test_slurp(path, NULL);
        assert_non_null(text);
        tokens += check_text(gaz, text);
        files++;
        free(text);
    }
    closedir(d);
    assert_true(files >= 5);
    assert_true(tokens > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_sentences),
        cmocka_unit_test(test_seed_corpus),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
