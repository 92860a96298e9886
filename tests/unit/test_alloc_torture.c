/* Allocation failure along the main path: for N = 0, 1, 2, ... the Nth
 * allocation of the core (and of Jansson, which allocates through the same
 * hook) fails. Every step must then fail cleanly with GLOSSA_ENOMEM, or
 * succeed and report the failure inside the affected records; and nothing
 * may leak: the live allocation count returns to where it started. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc.h"
#include "helpers.h"

/* The documents a pass reads: the first n_docs of texts_next's. */
static size_t n_docs = 4;

static int texts_next(void *ud, glossa_record_t *rec)
{
    static const char *docs[] = {"Alpha Beta. Gamma delta.",
                                 "Caf\xC3\xA9 \xE2\x80\x9CQuoted\xE2\x80\x9D",
                                 "", "Bad \xFF byte"};
    size_t *next = ud;
    if (*next == n_docs)
        return 0;
    rec->text = docs[*next];
    rec->text_len = strlen(docs[*next]);
    rec->id = *next % 2 ? "odd" : NULL;
    (*next)++;
    return 1;
}

/* One pass over the main path. Returns the first error code (0 if none). */
static int main_path_with(lines_t *out, const char *a, const char *b)
{
    glossa_runtime_t *rt = NULL;
    glossa_source_t *src = NULL;
    glossa_error_t err;
    glossa_error_clear(&err);
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 2;
    int rc = glossa_runtime_new(&o, &rt, &err);
    if (rc == 0) {
        json_t *p = json_pack("{s:[s,s]}", "plugins", a, b);
        rc = p ? glossa_runtime_add_search_dir(rt, getenv("TEST_PLUGINS"))
               : GLOSSA_ENOMEM;
        if (rc == 0)
            rc = glossa_runtime_load_pipeline_json(rt, p, "torture", &err);
        json_decref(p);
    }
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, &err);
    size_t next = 0;
    if (rc == 0)
        rc = glossa_source_from_callback(rt, texts_next, &next, &src);
    if (rc == 0) {
        glossa_sink_t sink = {out, lines_write, NULL};
        rc = glossa_run(rt, src, &sink, NULL, &err);
    }
    /* Functions that take a report fill it; add_search_dir and
     * source_from_callback have none. */
    if (rc && err.code && err.code != rc) {
        char msg[2048];
        fail_msg("rc %d but the report says %d: %s", rc, err.code,
                 glossa_error_format(&err, msg, sizeof(msg)));
    }
    if (rc && rc != GLOSSA_ENOMEM) {
        char msg[2048];
        fail_msg("not a clean out-of-memory error: %s",
                 glossa_error_format(&err, msg, sizeof(msg)));
    }
    glossa_source_free(src);
    glossa_runtime_free(rt);
    return rc;
}

/* Old-style spans (capitals, and counter reading them as JSON), or spans
 * put flat and read both ways (mixer, reader). */
static const char *plugin_a = "capitals", *plugin_b = "counter";

static int main_path(lines_t *out)
{
    return main_path_with(out, plugin_a, plugin_b);
}

static void test_every_allocation_failure(void **state)
{
    (void)state;
    /* Warm up once without failures: libuv's pool and Jansson's seed are
     * process-wide and made once. */
    lines_t out = {0};
    glossa__alloc_fail_after(-1);
    assert_int_equal(main_path(&out), 0);
    assert_int_equal(out.n, n_docs);
    lines_free(&out);
    long base = glossa__alloc_live();
    glossa__alloc_fail_after(-1);
    int failures_seen = 0;
    for (long n = 0;; n++) {
        glossa__alloc_fail_after(n);
        int rc = main_path(&out);
        long made = glossa__alloc_fail_after(-1);
        if (rc != 0) {
            /* Out of memory is the only acceptable failure. */
            if (rc != GLOSSA_ENOMEM)
                fail_msg("allocation %ld: rc %d (%s)", n, rc,
                         glossa_err_name(rc));
            failures_seen++;
        } else {
            /* The run went through: every record still has its line. */
            assert_int_equal(out.n, n_docs);
        }
        lines_free(&out);
        if (glossa__alloc_live() != base)
            fail_msg("allocation %ld: %ld allocations leaked", n,
                     glossa__alloc_live() - base);
        if (made <= n) {
            /* The whole path ran without reaching allocation n. */
            print_message("%ld allocation points, %d clean failures\n", n,
                          failures_seen);
            break;
        }
    }
    assert_true(failures_seen > 0);
}

static void test_flat_spans(void **state)
{
    /* One document: the plugins, not the documents, are new here. */
    plugin_a = "mixer";
    plugin_b = "reader";
    n_docs = 1;
    test_every_allocation_failure(state);
    plugin_a = "capitals";
    plugin_b = "counter";
    n_docs = 4;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_failure),
        cmocka_unit_test(test_flat_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
