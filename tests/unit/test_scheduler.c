/* The scheduler (core/run.c) through a whole run: a small document runs
 * all its units in its prepare job, so a run over small documents queues
 * no more pool jobs than there are documents (each one's end wakes the
 * loop thread); a larger one still runs its units as jobs of their own;
 * and a plugin failing on one small document is reported for that plugin
 * and document (record, statistics, log) while its dependents are skipped
 * there and the other documents are whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"
#include "runtime_int.h"

typedef struct docs {
    char **text;
    size_t n, next;
} docs_t;

static int docs_next(void *ud, glossa_record_t *rec)
{
    docs_t *d = ud;
    if (d->next == d->n)
        return 0;
    static char id[32];
    snprintf(id, sizeof(id), "doc%zu", d->next);
    rec->id = id;
    rec->text = d->text[d->next];
    rec->text_len = strlen(d->text[d->next]);
    d->next++;
    return 1;
}

/* n documents: "Doc K Alpha Beta." each, or `size` bytes of capitalised
 * words when size is not 0; `fail` (when below n) is marked FAIL-ME. */
static docs_t make_docs(size_t n, size_t size, size_t fail)
{
    docs_t d = {calloc(n, sizeof(char *)), n, 0};
    assert_non_null(d.text);
    for (size_t i = 0; i < n; i++) {
        size_t len = size ? size : 64;
        d.text[i] = malloc(len + 1);
        assert_non_null(d.text[i]);
        if (size) {
            for (size_t k = 0; k < len; k++)
                d.text[i][k] = "Word "[k % 5];
            d.text[i][len] = '\0';
        } else {
            snprintf(d.text[i], len + 1, "Doc %zu Alpha Beta.%s", i,
                     i == fail ? " Marked FAIL-ME." : "");
        }
    }
    return d;
}

static void docs_free(docs_t *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->text[i]);
    free(d->text);
}

typedef struct log_lines {
    char text[4096];
} log_lines_t;

static void log_line(void *ud, glossa_log_level_t level, const char *line)
{
    (void)level;
    log_lines_t *l = ud;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof(l->text) - n, "%s\n", line);
}

/* A runtime with `threads` threads and the pipeline capitals, counter
 * (which requires capitals) and faulty, or with faulty producing the
 * layer capitals when faulty_capitals is set. */
static glossa_runtime_t *new_runtime(unsigned threads, int faulty_capitals,
                                     log_lines_t *log)
{
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = threads;
    if (log) {
        o.log_cb = log_line;
        o.log_ud = log;
    }
    glossa_runtime_t *rt = NULL;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(&o, &rt, &err), 0);
    if (faulty_capitals) {
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("faulty"),
                                                   NULL, "capitals", &err),
                         0);
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("counter"),
                                                   NULL, NULL, &err),
                         0);
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                                   NULL, "upper", &err),
                         0);
    } else {
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                                   NULL, NULL, &err),
                         0);
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("counter"),
                                                   NULL, NULL, &err),
                         0);
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("faulty"),
                                                   NULL, NULL, &err),
                         0);
    }
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    return rt;
}

/* Runs rt over d into out; returns the pool jobs the run queued. */
static uint64_t run_docs(glossa_runtime_t *rt, docs_t *d, lines_t *out)
{
    glossa_error_t err;
    glossa_error_clear(&err);
    d->next = 0;
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, docs_next, d, &src), 0);
    glossa_sink_t sink = {out, lines_write, NULL};
    assert_int_equal(glossa_run(rt, src, &sink, NULL, &err), 0);
    assert_int_equal(out->n, d->n);
    glossa_source_free(src);
    return rt->last_run_pool_jobs;
}

/* Small documents: at most one job per document (the prepare batches),
 * where a job per unit would be three, on one thread and on two; the
 * same records either way. Just below the bound too. */
static void test_small_documents_in_one_job(void **state)
{
    (void)state;
    docs_t d = make_docs(40, 0, SIZE_MAX);
    lines_t out1 = {0}, out2 = {0};
    glossa_runtime_t *rt = new_runtime(1, 0, NULL);
    assert_true(run_docs(rt, &d, &out1) <= d.n);
    glossa_runtime_free(rt);
    rt = new_runtime(2, 0, NULL);
    assert_true(run_docs(rt, &d, &out2) <= d.n);
    for (size_t i = 0; i < d.n; i++) {
        assert_string_equal(out1.line[i], out2.line[i]);
        assert_non_null(strstr(out1.line[i], "\"counter\":"));
        assert_non_null(strstr(out1.line[i], "\"faulty\":[{"));
    }
    lines_free(&out1);
    lines_free(&out2);
    docs_free(&d);

    d = make_docs(1, GLOSSA__SMALL_DOC_BYTES - 1, SIZE_MAX);
    assert_int_equal(run_docs(rt, &d, &out1), 1);
    lines_free(&out1);
    docs_free(&d);
    glossa_runtime_free(rt);
}

/* A document at the bound: its units after the first are jobs of their
 * own (counter and faulty), so that independent ones can run side by
 * side; the record is the one the small path makes of the same text. */
static void test_larger_document_in_jobs(void **state)
{
    (void)state;
    docs_t d = make_docs(1, GLOSSA__SMALL_DOC_BYTES, SIZE_MAX);
    lines_t out = {0};
    glossa_runtime_t *rt = new_runtime(2, 0, NULL);
    assert_true(run_docs(rt, &d, &out) >= 3);
    assert_non_null(strstr(out.line[0], "\"counter\":"));
    lines_free(&out);
    docs_free(&d);
    glossa_runtime_free(rt);
}

/* faulty, as the layer capitals, fails on doc4: that record says so for
 * capitals and skips counter, which requires it, and keeps upper; the
 * other records are whole; the statistics count one failure of capitals
 * and nine documents of counter; the log names the plugin and document;
 * and the documents still ran in one job each at most. */
static void test_failure_on_small_document(void **state)
{
    (void)state;
    for (unsigned threads = 1; threads <= 2; threads++) {
        docs_t d = make_docs(10, 0, 4);
        lines_t out = {0};
        static log_lines_t log;
        memset(&log, 0, sizeof(log));
        glossa_runtime_t *rt = new_runtime(threads, 1, &log);
        assert_true(run_docs(rt, &d, &out) <= d.n);
        for (size_t i = 0; i < d.n; i++) {
            const char *line = out.line[i];
            assert_non_null(strstr(line, "\"upper\":[{"));
            if (i != 4) {
                assert_non_null(strstr(line, "\"errors\":[]"));
                assert_non_null(strstr(line, "\"counter\":["));
                continue;
            }
            assert_non_null(
                strstr(line, "{\"plugin\":\"capitals\",\"code\":\"EPLUGIN\","
                             "\"message\":\"marked document doc4 refused on "
                             "purpose\"}"));
            assert_non_null(strstr(
                line, "{\"plugin\":\"counter\",\"code\":\"EDEPENDENCY\","
                      "\"message\":\"not run on this document: the layer "
                      "'capitals' it requires is missing\"}"));
            assert_null(strstr(line, "\"counter\":["));
        }
        glossa_plugin_stats_t ps;
        assert_int_equal(glossa_runtime_plugin_stats(rt, 0, &ps), 0);
        assert_string_equal(ps.name, "capitals");
        assert_int_equal(ps.documents, 10);
        assert_int_equal(ps.failures, 1);
        assert_int_equal(glossa_runtime_plugin_stats(rt, 1, &ps), 0);
        assert_int_equal(ps.documents, 9);
        assert_int_equal(ps.failures, 0);
        assert_int_equal(glossa_runtime_plugin_stats(rt, 2, &ps), 0);
        assert_int_equal(ps.documents, 10);
        assert_non_null(strstr(log.text, "[capitals] document doc4: marked "
                                         "document doc4 refused on purpose"));
        lines_free(&out);
        docs_free(&d);
        glossa_runtime_free(rt);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_documents_in_one_job),
        cmocka_unit_test(test_larger_document_in_jobs),
        cmocka_unit_test(test_failure_on_small_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
