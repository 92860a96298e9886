/* A scratch kept across documents (dates_scratch_t): a document annotated
 * in a scratch that other documents went through before gives what it
 * gives in a new one, spans and rule runs alike (the runs count what the
 * prefilters let through, so marks left by an earlier document would show
 * there even where the spans stay the same); after enough documents that
 * the marks' stamp wraps; and on several threads at once, each with its
 * own scratch. The documents are the seed corpus's and some of the news
 * set's, with and without a DCT. */
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

#include "dates.h"
#include "read_file.h"

enum { MAX_DOCS = 32, NEWS_DOCS = 16, THREADS = 4 };

static dates_engine_t *engine;
static char *texts[MAX_DOCS];
static size_t lens[MAX_DOCS];
static size_t n_docs;

/* What one annotation gave: its spans, one line each, and its rule runs. */
typedef struct result {
    char *spans;
    size_t len, cap;
    size_t runs;
} result_t;

static result_t reference[MAX_DOCS];

/* A document dense in dates, and one whose windows (around its numbers)
 * hold none of the strings their rules need, so that no rule runs on it:
 * marks the first left behind would let some run. */
static const char *const CRAFTED[] = {
    "On Tuesday, December 12, 1995 at 10:30 p.m., a week after the third "
    "quarter ended, talks resumed; by mid-January 1996 and every Monday "
    "morning since, the last two years, this spring and next autumn.",
    "Shares rose 12 percent to 45 dollars in 3 markets, and 7 of 9 analysts "
    "kept their 2 ratings.",
};

static int add_file(const char *path)
{
    if (n_docs == MAX_DOCS)
        return 0;
    texts[n_docs] = dates_read_file(path, &lens[n_docs]);
    if (!texts[n_docs])
        return -1;
    n_docs++;
    return 0;
}

static int txt_only(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0;
}

/* The first `max` .txt files of dir, in name order. */
static int add_dir(const char *dir, size_t max)
{
    struct dirent **names;
    int n = scandir(dir, &names, txt_only, alphasort);
    if (n < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (rc == 0 && (size_t)i < max)
            rc = add_file(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    char err[1024];
    if (dates_engine_load(DATES_DATA_DIR, &engine, err, sizeof err) != 0) {
        fprintf(stderr, "cannot load rules: %s\n", err);
        return -1;
    }
    for (size_t i = 0; i < sizeof CRAFTED / sizeof *CRAFTED; i++) {
        size_t len = strlen(CRAFTED[i]);
        texts[n_docs] = malloc(len + 1);
        if (!texts[n_docs])
            return -1;
        memcpy(texts[n_docs], CRAFTED[i], len + 1);
        lens[n_docs++] = len;
    }
    if (add_dir(DATES_SOURCE_DIR "/corpus", MAX_DOCS) ||
        add_dir(DATES_SOURCE_DIR "/tests/news/dev", NEWS_DOCS))
        return -1;
    return n_docs >= 10 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_docs; i++) {
        free(texts[i]);
        free(reference[i].spans);
    }
    dates_engine_free(engine);
    return 0;
}

static int collect(void *arg, const dates_span_t *s)
{
    result_t *r = arg;
    char line[256];
    int n = snprintf(line, sizeof line, "%zu %zu %s %s %s %s %s\n", s->start,
                     s->end, s->label, s->value, s->anchor ? s->anchor : "-",
                     s->mod ? s->mod : "-", s->rule);
    if (n < 0)
        return -1;
    size_t k = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (r->len + k + 1 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        while (cap < r->len + k + 1)
            cap *= 2;
        char *p = realloc(r->spans, cap);
        if (!p)
            return -1;
        r->spans = p;
        r->cap = cap;
    }
    memcpy(r->spans + r->len, line, k + 1);
    r->len += k;
    return 0;
}

/* Annotates document k in s (every other document has a DCT; the others
 * may find a dateline). 0, or the engine's error. */
static int annotate(dates_scratch_t *s, size_t k, result_t *r)
{
    memset(r, 0, sizeof *r);
    dates_dct_t dct = {0};
    if (k % 2 == 0)
        dates_dct_parse("2015-03-02", &dct);
    int rc = dates_scratch_annotate(s, texts[k], lens[k], &dct, DATES_DATELINE,
                                    collect, r, NULL);
    r->runs = dates_scratch_rule_runs(s);
    return rc;
}

static int same(const result_t *a, const result_t *b)
{
    return a->runs == b->runs && a->len == b->len &&
           (a->len == 0 || memcmp(a->spans, b->spans, a->len) == 0);
}

/* The references: each document in a new scratch. */
static void make_references(void)
{
    for (size_t k = 0; k < n_docs; k++) {
        if (reference[k].spans || reference[k].runs)
            continue;
        dates_scratch_t *s = dates_scratch_new(engine);
        assert_non_null(s);
        assert_int_equal(annotate(s, k, &reference[k]), 0);
        dates_scratch_free(s);
    }
}

static void expect_reference(dates_scratch_t *s, size_t k, size_t after)
{
    result_t r;
    assert_int_equal(annotate(s, k, &r), 0);
    if (!same(&r, &reference[k]))
        fail_msg("document %zu after %zu: %zu rule runs, %zu bytes of spans; "
                 "alone %zu, %zu",
                 k, after, r.runs, r.len, reference[k].runs, reference[k].len);
    free(r.spans);
}

/* Every document after every other one, in one scratch: as alone. */
static void test_after_another(void **state)
{
    (void)state;
    make_references();
    /* The dense document leaves marks; some later one must have rule
     * runs to keep apart from them. */
    assert_true(reference[0].runs > 0 && reference[1].runs == 0);
    for (size_t a = 0; a < n_docs; a++) {
        for (size_t b = 0; b < n_docs; b++) {
            dates_scratch_t *s = dates_scratch_new(engine);
            assert_non_null(s);
            result_t r;
            assert_int_equal(annotate(s, a, &r), 0);
            free(r.spans);
            expect_reference(s, b, a);
            dates_scratch_free(s);
        }
    }
}

/* One scratch through all documents, round after round, each document
 * as alone every time. Each but the second runs rules, so opens a window
 * or more: more than 255 of them take the marks' stamp round, and the
 * table is cleared on the way. */
static void test_many_documents(void **state)
{
    (void)state;
    make_references();
    for (size_t k = 2; k < n_docs; k++)
        assert_true(reference[k].runs > 0);
    size_t rounds = 16;
    assert_true(rounds * (n_docs - 2) > 255);
    dates_scratch_t *s = dates_scratch_new(engine);
    assert_non_null(s);
    for (size_t i = 0; i < rounds * n_docs; i++)
        expect_reference(s, (i * 7) % n_docs, ((i + n_docs - 1) * 7) % n_docs);
    dates_scratch_free(s);
}

typedef struct worker {
    size_t first;    /* the document it starts with */
    size_t mismatch; /* results unlike the reference */
} worker_t;

/* A thread with a scratch of its own over every document, twice, from its
 * own first one on. cmocka's asserts are for the main thread: mismatches
 * are counted. */
static void *work(void *p)
{
    worker_t *w = p;
    dates_scratch_t *s = dates_scratch_new(engine);
    if (!s) {
        w->mismatch = SIZE_MAX;
        return NULL;
    }
    for (size_t i = 0; i < 2 * n_docs; i++) {
        size_t k = (w->first + i) % n_docs;
        result_t r;
        if (annotate(s, k, &r) != 0 || !same(&r, &reference[k]))
            w->mismatch++;
        free(r.spans);
    }
    dates_scratch_free(s);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    make_references();
    pthread_t th[THREADS];
    worker_t w[THREADS];
    for (size_t i = 0; i < THREADS; i++) {
        w[i] = (worker_t){.first = i * 5, .mismatch = 0};
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (size_t i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].mismatch, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_after_another),
        cmocka_unit_test(test_many_documents),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
