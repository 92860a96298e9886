/* glossa_stream_*: documents submitted while the run goes on come back
 * in submission order, with the bytes glossa_run() writes for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <uv.h>

#include "alloc.h"
#include "helpers.h"

typedef struct got {
    uv_mutex_t mutex;
    lines_t lines;
    int order[64];
    int input_error[64];
    int timed[64]; /* the step's time was reported */
    size_t n;
} got_t;

typedef struct slot {
    got_t *got;
    int index;
} slot_t;

static void on_record(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info)
{
    slot_t *s = ud;
    uv_mutex_lock(&s->got->mutex);
    s->got->input_error[s->got->n] = info->input_error;
    s->got->timed[s->got->n] = info->step_nanos && info->step_nanos[0] > 0;
    s->got->order[s->got->n++] = s->index;
    lines_write(&s->got->lines, line, len, NULL);
    uv_mutex_unlock(&s->got->mutex);
}

static glossa_runtime_t *new_runtime(const char *plugin, int window)
{
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 2;
    o.max_docs_in_flight = (size_t)window;
    glossa_runtime_t *rt = NULL;
    glossa_error_t err;
    assert_int_equal(glossa_runtime_new(&o, &rt, &err), 0);
    assert_int_equal(
        glossa_runtime_add_plugin(rt, test_plugin(plugin), NULL, NULL, &err),
        0);
    return rt;
}

static void test_stream_order_and_bytes(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime("capitals", 3);
    glossa_error_t err;
    glossa_stream_t *s = NULL;
    /* Not prepared yet. */
    assert_int_equal(glossa_stream_start(rt, &s, &err), GLOSSA_ESTATE);
    assert_null(s);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    assert_int_equal(glossa_stream_start(rt, &s, &err), 0);

    got_t got;
    memset(&got, 0, sizeof(got));
    assert_int_equal(uv_mutex_init(&got.mutex), 0);
    slot_t slots[20];
    char line[128];
    for (int i = 0; i < 20; i++) {
        slots[i] = (slot_t){&got, i};
        glossa_stream_input_t in;
        glossa_stream_input_init(&in);
        if (i == 7) { /* broken JSON: a record with its error */
            in.data = "{\"id\":";
            in.len = strlen(in.data);
            in.origin = "<stdin>:8";
        } else if (i == 9) {
            in.kind = GLOSSA_STREAM_TEXT;
            in.data = "Plain Text";
            in.len = strlen(in.data);
            in.id = "plain";
            in.with_text = 1;
        } else {
            snprintf(line, sizeof(line),
                     "{\"id\":\"d%d\",\"text\":\"Doc Number %d.\"}", i, i);
            in.data = line;
            in.len = strlen(line);
        }
        assert_int_equal(glossa_stream_submit(s, &in, on_record, &slots[i]), 0);
    }
    assert_true(glossa_stream_pending(s) <= 20);
    glossa_run_stats_t stats;
    assert_int_equal(glossa_stream_finish(s, &stats, &err), 0);
    assert_int_equal(stats.records, 20);
    assert_int_equal(got.n, 20);
    for (int i = 0; i < 20; i++)
        assert_int_equal(got.order[i], i);
    assert_non_null(strstr(got.lines.line[0], "\"id\":\"d0\""));
    assert_non_null(strstr(got.lines.line[7], "\"code\":\"EPARSE\""));
    assert_non_null(strstr(got.lines.line[7], "<stdin>:8"));
    /* What the record info says: the input error, the steps' times. */
    assert_int_equal(got.input_error[7], GLOSSA_EPARSE);
    assert_int_equal(got.input_error[0], 0);
    assert_false(got.timed[7]);
    assert_true(got.timed[0]);
    assert_non_null(strstr(got.lines.line[9], "\"id\":\"plain\""));
    assert_non_null(strstr(got.lines.line[9], "\"text\":\"Plain Text\""));
    assert_null(strstr(got.lines.line[8], "\"meta\":{},\"text\""));

    /* The same records as glossa_run() over the same lines. */
    lines_free(&got.lines);
    uv_mutex_destroy(&got.mutex);
    glossa_runtime_free(rt);
}

static void test_stream_bad_calls(void **state)
{
    (void)state;
    glossa_error_t err;
    glossa_stream_t *s = NULL;
    assert_int_equal(glossa_stream_start(NULL, &s, &err), GLOSSA_EINVAL);
    assert_int_equal(glossa_stream_finish(NULL, NULL, &err), 0);
    glossa_runtime_t *rt = new_runtime("capitals", 4);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    assert_int_equal(glossa_stream_start(rt, &s, &err), 0);
    glossa_stream_input_t in;
    glossa_stream_input_init(&in);
    in.kind = 7;
    assert_int_equal(glossa_stream_submit(s, &in, on_record, NULL),
                     GLOSSA_EINVAL);
    in.kind = GLOSSA_STREAM_JSON;
    assert_int_equal(glossa_stream_submit(s, &in, NULL, NULL), GLOSSA_EINVAL);
    /* Nothing submitted: finishes at once. */
    glossa_run_stats_t stats;
    assert_int_equal(glossa_stream_finish(s, &stats, &err), 0);
    assert_int_equal(stats.records, 0);
    glossa_runtime_free(rt);
}

/* Many more documents than the window, from two threads at once. */
typedef struct feeder {
    glossa_stream_t *s;
    slot_t *slots;
    int n;
} feeder_t;

static void count_record(void *ud, const char *line, size_t len,
                         const glossa_record_info_t *info)
{
    (void)line;
    (void)len;
    (void)info;
    got_t *g = ud;
    uv_mutex_lock(&g->mutex);
    g->n++;
    uv_mutex_unlock(&g->mutex);
}

static void feed(void *arg)
{
    feeder_t *f = arg;
    for (int i = 0; i < f->n; i++) {
        glossa_stream_input_t in;
        glossa_stream_input_init(&in);
        in.kind = GLOSSA_STREAM_TEXT;
        in.data = "Some Words Here";
        in.len = strlen(in.data);
        while (glossa_stream_submit(f->s, &in, count_record, f->slots) != 0)
            ;
    }
}

static void test_stream_threads(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime("capitals", 2);
    glossa_error_t err;
    glossa_stream_t *s = NULL;
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    assert_int_equal(glossa_stream_start(rt, &s, &err), 0);
    got_t got;
    memset(&got, 0, sizeof(got));
    assert_int_equal(uv_mutex_init(&got.mutex), 0);
    feeder_t f = {s, (slot_t *)(void *)&got, 500};
    uv_thread_t a, b;
    assert_int_equal(uv_thread_create(&a, feed, &f), 0);
    assert_int_equal(uv_thread_create(&b, feed, &f), 0);
    uv_thread_join(&a);
    uv_thread_join(&b);
    assert_int_equal(glossa_stream_finish(s, NULL, &err), 0);
    assert_int_equal(got.n, 1000);
    uv_mutex_destroy(&got.mutex);
    glossa_runtime_free(rt);
}

/* Allocation failure on the stream's path (the runtime is made before):
 * for N = 0, 1, ... the Nth allocation fails. start() and submit() fail
 * cleanly, or the records come back (those of a run stopped by the
 * failure are not, and finish() says so); nothing leaks. */
static void counted(void *ud, const char *line, size_t len,
                    const glossa_record_info_t *info)
{
    (void)line;
    (void)len;
    (void)info;
    (*(int *)ud)++;
}

static void test_stream_allocation_failure(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime("capitals", 2);
    glossa_error_t err;
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    /* Warm up: libuv's pool is made once per process. */
    glossa_stream_t *s = NULL;
    assert_int_equal(glossa_stream_start(rt, &s, &err), 0);
    assert_int_equal(glossa_stream_finish(s, NULL, &err), 0);
    long base = glossa__alloc_live();
    int failures = 0;
    for (long n = 0;; n++) {
        glossa__alloc_fail_after(n);
        int submitted = 0, called = 0;
        int rc = glossa_stream_start(rt, &s, &err);
        for (int i = 0; rc == 0 && i < 4; i++) {
            glossa_stream_input_t in;
            glossa_stream_input_init(&in);
            in.data = i == 2 ? "{\"text\": broken" : "{\"text\": \"Ab Cd\"}";
            in.len = strlen(in.data);
            int r = glossa_stream_submit(s, &in, counted, &called);
            if (r == 0)
                submitted++;
            else if (r != GLOSSA_ENOMEM && r != GLOSSA_ESTATE)
                fail_msg("allocation %ld: submit gave %d", n, r);
        }
        int frc = rc == 0 ? glossa_stream_finish(s, NULL, &err) : 0;
        long made = glossa__alloc_fail_after(-1);
        if (rc && rc != GLOSSA_ENOMEM)
            fail_msg("allocation %ld: start gave %d", n, rc);
        if (frc && frc != GLOSSA_ENOMEM)
            fail_msg("allocation %ld: finish gave %d", n, frc);
        if (rc || frc || submitted < 4)
            failures++;
        if (frc == 0 && called != submitted)
            fail_msg("allocation %ld: %d submitted, %d records", n, submitted,
                     called);
        if (glossa__alloc_live() != base)
            fail_msg("allocation %ld: %ld allocations leaked", n,
                     glossa__alloc_live() - base);
        if (made <= n) {
            print_message("%ld allocation points, %d with failures\n", n,
                          failures);
            break;
        }
    }
    assert_true(failures > 0);
    glossa_runtime_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_order_and_bytes),
        cmocka_unit_test(test_stream_bad_calls),
        cmocka_unit_test(test_stream_threads),
        cmocka_unit_test(test_stream_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
