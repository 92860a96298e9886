/* The tagger's cache of word types across documents (entities_tagger_t):
 * a word scores the same in every document, when the cache has it and
 * when it was emptied and the word scored again; the cache keeps no
 * pointer into a document's text; it stays within its bound; and taggers
 * on several threads at once, each with its own cache, give the results
 * of a tagger per document. The documents are the seed corpus's files,
 * with the bundled model and gazetteers. */
#include <dirent.h>
#include <pthread.h>
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

enum { T = ENTITIES_N_TAGS, MAX_DOCS = 64, THREADS = 4 };

static entities_model_t *model;
static entities_gaz_t *gaz;

/* The seed corpus's documents and their segmentation. */
static char *texts[MAX_DOCS];
static size_t lens[MAX_DOCS];
static glossa_segments_t segs[MAX_DOCS];
static size_t n_docs;

static int setup(void **state)
{
    (void)state;
    if (entities_test_load_bundled(&model, &gaz))
        return -1;
    const char *dir = getenv("ENTITIES_CORPUS");
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return -1;
    const struct dirent *e;
    while ((e = readdir(d)) && n_docs < MAX_DOCS) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        texts[n_docs] = entities_test_slurp(path, &lens[n_docs]);
        if (!texts[n_docs] ||
            glossa_segments_make(texts[n_docs], lens[n_docs], &segs[n_docs]))
            return -1;
        n_docs++;
    }
    closedir(d);
    return n_docs >= 5 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_docs; i++) {
        glossa_segments_free(&segs[i]);
        free(texts[i]);
    }
    entities_model_free(model);
    entities_gaz_free(gaz);
    return 0;
}

/* The tokens of document k over text (its bytes, or a copy of them). */
static entities_token_t *tokens_of(size_t k, const char *text)
{
    entities_token_t *toks = calloc(segs[k].n_tokens + 1, sizeof(*toks));
    assert_non_null(toks);
    for (size_t i = 0; i < segs[k].n_tokens; i++) {
        toks[i].s = text + segs[k].tokens[i].start;
        toks[i].len = segs[k].tokens[i].end - segs[k].tokens[i].start;
    }
    return toks;
}

/* Tags document k with t from a copy of its text that is overwritten
 * and freed afterwards (the cache must not point into it), and compares
 * every sentence's emissions with the plain path (entities_features +
 * entities_model_score), bit for bit, and its tags with a new tagger's. */
static void check_doc(entities_tagger_t *t, size_t k)
{
    char *copy = malloc(lens[k] + 1);
    assert_non_null(copy);
    memcpy(copy, texts[k], lens[k] + 1);
    entities_token_t *toks = tokens_of(k, copy);
    for (size_t s = 0; s < segs[k].n_sentences; s++) {
        const entities_token_t *st = toks + segs[k].sentences[s].token_first;
        size_t n = segs[k].sentences[s].token_count;
        entities_tokinfo_t *info = calloc(n + 1, sizeof(*info));
        float *want = calloc(n * T + 1, sizeof(float));
        float *got = calloc(n * T + 1, sizeof(float));
        uint8_t *tags_want = calloc(n + 1, 1), *tags_got = calloc(n + 1, 1);
        assert_true(info && want && got && tags_want && tags_got);
        assert_int_equal(entities_tokinfo_fill(gaz, st, n, info), 0);
        for (size_t i = 0; i < n; i++) {
            uint64_t keys[ENTITIES_MAX_FEATURES];
            size_t nk = entities_features(info, n, i, keys);
            entities_model_score(model, keys, nk, want + i * T);
        }
        assert_int_equal(entities_tagger_emit(t, st, n, got), 0);
        assert_memory_equal(want, got, n * T * sizeof(float));
        assert_int_equal(entities_tag_sentence(model, gaz, st, n, tags_want),
                         0);
        assert_int_equal(entities_tagger_tag(t, st, n, tags_got), 0);
        assert_memory_equal(tags_want, tags_got, n);
        free(info);
        free(want);
        free(got);
        free(tags_want);
        free(tags_got);
    }
    memset(copy, 'x', lens[k]);
    free(copy);
    free(toks);
}

/* One tagger over every document, twice: the second pass finds every word
 * in the cache and scores none, and all scores are the plain path's. */
static void test_across_documents(void **state)
{
    (void)state;
    entities_tagger_t *t = entities_tagger_new(model, gaz);
    assert_non_null(t);
    for (size_t k = 0; k < n_docs; k++)
        check_doc(t, k);
    entities_tagger_stats_t first, second;
    entities_tagger_stats(t, &first);
    /* 879 types in 3,059 tokens, each tagged twice by check_doc. */
    assert_true(first.types > 500);
    assert_int_equal(first.scored, first.types);
    assert_true(first.tokens > 2 * 3 * first.types);
    assert_int_equal(first.clears, 0);
    for (size_t k = n_docs; k-- > 0;)
        check_doc(t, k);
    entities_tagger_stats(t, &second);
    assert_int_equal(second.scored, first.scored);
    assert_int_equal(second.types, first.types);
    assert_int_equal(second.tokens, 2 * first.tokens);
    entities_tagger_free(t);
}

/* Small bounds: the cache is emptied again and again, words are scored
 * again after each time, to the same sums, and the cache stays within
 * its bound (or one sentence's types, when a sentence has more). */
static void test_eviction(void **state)
{
    (void)state;
    size_t longest = 0;
    for (size_t k = 0; k < n_docs; k++)
        for (size_t s = 0; s < segs[k].n_sentences; s++)
            if (segs[k].sentences[s].token_count > longest)
                longest = segs[k].sentences[s].token_count;
    static const size_t BOUNDS[] = {1, 7, 64, 500};
    assert_true(longest < 500);
    for (size_t b = 0; b < sizeof(BOUNDS) / sizeof(BOUNDS[0]); b++) {
        size_t bound = BOUNDS[b];
        entities_tagger_t *t = entities_tagger_new(model, gaz);
        assert_non_null(t);
        entities_tagger_set_max_types(t, bound);
        for (int pass = 0; pass < 2; pass++)
            for (size_t k = 0; k < n_docs; k++) {
                check_doc(t, k);
                entities_tagger_stats_t st;
                entities_tagger_stats(t, &st);
                assert_true(st.types <= (bound > longest ? bound : longest));
                /* Where no sentence is longer than the bound, the arrays
                 * are too: the types (280 bytes each), their bytes (16 a
                 * type) and the table (up to four slots of four bytes a
                 * type, 256 at least). */
                if (bound >= longest)
                    assert_true(st.bytes <=
                                bound * (280 + 16) + (4 * bound + 256) * 4);
            }
        entities_tagger_stats_t st;
        entities_tagger_stats(t, &st);
        assert_true(st.clears > 0);
        assert_true(st.scored > st.types);
        /* Bounded to one type, the cache is emptied before the next
         * sentence, and what long sentences grew goes back to the
         * bound: one type, its bytes and the smallest table. */
        entities_tagger_set_max_types(t, 1);
        const entities_token_t word = {"Baku", 4};
        float emit[T];
        assert_int_equal(entities_tagger_emit(t, &word, 1, emit), 0);
        entities_tagger_stats(t, &st);
        assert_int_equal(st.types, 1);
        assert_true(st.bytes <= 280 + 16 + 256 * 4);
        entities_tagger_free(t);
    }
}

/* Two results are the same spans with the same names. */
static int same_span(const entities_span_t *x, const entities_span_t *y)
{
    if (x->start != y->start || x->end != y->end || x->label != y->label ||
        x->canonical_len != y->canonical_len ||
        memcmp(x->canonical, y->canonical, x->canonical_len) != 0 ||
        (x->refers_to != NULL) != (y->refers_to != NULL))
        return 0;
    return !x->refers_to ||
           (x->refers_to_len == y->refers_to_len &&
            memcmp(x->refers_to, y->refers_to, x->refers_to_len) == 0);
}

static int same_result(const entities_result_t *a, const entities_result_t *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (!same_span(&a->spans[i], &b->spans[i]))
            return 0;
    return 1;
}

static entities_result_t reference[MAX_DOCS];

static void analyze(entities_tagger_t *t, size_t k, entities_result_t *r)
{
    entities_config_t cfg;
    memset(cfg.emit, 1, sizeof(cfg.emit));
    entities_doc_t doc = {texts[k],          lens[k],
                          segs[k].tokens,    segs[k].n_tokens,
                          segs[k].sentences, segs[k].n_sentences};
    assert_int_equal(entities_analyze(model, gaz, t, &cfg, &doc, r), 0);
}

typedef struct worker {
    size_t first;    /* the document it starts with */
    size_t bound;    /* its cache's bound */
    size_t rounds;   /* times over all documents */
    size_t mismatch; /* results unlike the reference */
} worker_t;

/* A thread with a tagger of its own over every document, from its own
 * first one on. cmocka's asserts are for the main thread: mismatches are
 * counted. */
static void *work(void *p)
{
    worker_t *w = p;
    entities_tagger_t *t = entities_tagger_new(model, gaz);
    if (!t) {
        w->mismatch = SIZE_MAX;
        return NULL;
    }
    entities_tagger_set_max_types(t, w->bound);
    entities_config_t cfg;
    memset(cfg.emit, 1, sizeof(cfg.emit));
    for (size_t i = 0; i < w->rounds * n_docs; i++) {
        size_t k = (w->first + i) % n_docs;
        entities_doc_t doc = {texts[k],          lens[k],
                              segs[k].tokens,    segs[k].n_tokens,
                              segs[k].sentences, segs[k].n_sentences};
        entities_result_t r;
        if (entities_analyze(model, gaz, t, &cfg, &doc, &r)) {
            w->mismatch++;
            continue;
        }
        w->mismatch += !same_result(&r, &reference[k]);
        entities_result_free(&r);
    }
    entities_tagger_free(t);
    return NULL;
}

/* The analysis with a kept tagger is that with a tagger per document, in
 * any order of documents, on one thread and on several at once. */
static void test_analyze_threads(void **state)
{
    (void)state;
    for (size_t k = 0; k < n_docs; k++)
        analyze(NULL, k, &reference[k]);
    entities_tagger_t *t = entities_tagger_new(model, gaz);
    assert_non_null(t);
    for (size_t i = 0; i < 2 * n_docs; i++) {
        entities_result_t r;
        analyze(t, (i * 3) % n_docs, &r);
        assert_true(same_result(&r, &reference[(i * 3) % n_docs]));
        entities_result_free(&r);
    }
    entities_tagger_free(t);
    pthread_t th[THREADS];
    worker_t w[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        w[i] =
            (worker_t){.first = i, .bound = i % 2 ? 300 : 100000, .rounds = 2};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].mismatch, 0);
    }
    for (size_t k = 0; k < n_docs; k++)
        entities_result_free(&reference[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_across_documents),
        cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_analyze_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
