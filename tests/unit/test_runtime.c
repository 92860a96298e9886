/* The public runtime API, driven directly: loading, preparing, running
 * with callback sources and memory sinks, stopping, statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"

typedef struct texts {
    const char *const *text;
    size_t n, next;
    glossa_runtime_t *stop_after_first; /* stop the run from the source */
} texts_t;

static int texts_next(void *ud, glossa_record_t *rec)
{
    texts_t *t = ud;
    if (t->next == t->n)
        return 0;
    if (t->stop_after_first && t->next == 1)
        glossa_runtime_stop(t->stop_after_first);
    static char id[32];
    snprintf(id, sizeof(id), "doc%zu", t->next);
    rec->id = id;
    rec->text = t->text[t->next];
    rec->text_len = strlen(t->text[t->next]);
    t->next++;
    return 1;
}

static glossa_runtime_t *new_runtime(unsigned threads)
{
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = threads;
    o.max_docs_in_flight = 3;
    glossa_runtime_t *rt = NULL;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(&o, &rt, &err), 0);
    return rt;
}

static void test_run_with_callback_source(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime(2);
    glossa_error_t err;
    glossa_error_clear(&err);
    json_t *config = json_pack("{s:s}", "label", "UP");
    assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                               config, NULL, &err),
                     0);
    json_decref(config);
    assert_int_equal(
        glossa_runtime_add_plugin(rt, test_plugin("counter"), NULL, NULL, &err),
        0);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    assert_int_equal(glossa_runtime_plugin_count(rt), 2);
    assert_string_equal(glossa_runtime_plugin_name(rt, 1), "counter");

    const char *docs[] = {"Alpha beta.", "", "One Two Three. Four.",
                          "lower only"};
    texts_t t = {docs, 4, 0, NULL};
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, texts_next, &t, &src), 0);
    lines_t out = {0};
    glossa_sink_t sink = {&out, lines_write, NULL};
    glossa_run_stats_t stats;
    assert_int_equal(glossa_run(rt, src, &sink, &stats, &err), 0);
    assert_int_equal(out.n, 4);
    assert_int_equal(stats.records, 4);
    assert_int_equal(stats.records_with_errors, 1); /* the empty one */
    assert_non_null(strstr(out.line[0], "\"id\":\"doc0\""));
    assert_non_null(strstr(out.line[0], "{\"start\":0,\"end\":5,\"text\":"
                                        "\"Alpha\",\"label\":\"UP\"}"));
    assert_non_null(strstr(out.line[1], "\"code\":\"EEMPTY\""));
    assert_non_null(strstr(out.line[2], "\"SENTENCE\",\"capitals\":3}"));
    assert_non_null(
        strstr(out.line[2], "\"document\":{\"capitals\":{\"count\":4}}"));
    glossa_plugin_stats_t ps;
    assert_int_equal(glossa_runtime_plugin_stats(rt, 0, &ps), 0);
    assert_string_equal(ps.name, "capitals");
    assert_int_equal(ps.documents, 3);
    assert_int_equal(ps.failures, 0);
    lines_free(&out);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

/* Prepares rt, runs it over docs into out, checks that no record has an
 * error, and frees rt. */
static void run_clean(glossa_runtime_t *rt, const char *const *docs, size_t n,
                      lines_t *out)
{
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    texts_t t = {docs, n, 0, NULL};
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, texts_next, &t, &src), 0);
    glossa_sink_t sink = {out, lines_write, NULL};
    glossa_run_stats_t stats;
    assert_int_equal(glossa_run(rt, src, &sink, &stats, &err), 0);
    assert_int_equal(stats.records_with_errors, 0);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

/* Two plugins read one layer, on two threads: each sees it whole, however
 * they finish, and the record holds it as it was (the core writes a layer
 * as text and frees its JSON once its last reader is done). */
static void run_two_readers(unsigned threads, const char *const *docs, size_t n,
                            lines_t *out)
{
    glossa_runtime_t *rt = new_runtime(threads);
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                               NULL, NULL, &err),
                     0);
    assert_int_equal(
        glossa_runtime_add_plugin(rt, test_plugin("counter"), NULL, NULL, &err),
        0);
    assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("counter"), NULL,
                                               "again", &err),
                     0);
    run_clean(rt, docs, n, out);
}

static void test_layer_read_by_two(void **state)
{
    (void)state;
    /* A large document too: its first unit runs in a job of its own. */
    size_t big_len = (size_t)3 << 20;
    char *big = malloc(big_len + 1);
    assert_non_null(big);
    for (size_t i = 0; i < big_len; i++)
        big[i] = "Alpha beta Gamma. "[i % 18];
    big[big_len] = '\0';
    const char *docs[] = {"Alpha beta.", "One Two Three. Four.", big,
                          "Xy Zz. Ab.", "lower only"};
    size_t n = sizeof(docs) / sizeof(docs[0]);
    lines_t one = {0}, two = {0};
    run_two_readers(1, docs, n, &one);
    run_two_readers(2, docs, n, &two);
    assert_int_equal(one.n, n);
    assert_int_equal(two.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(one.line[i], two.line[i]);
        json_t *rec = json_loads(two.line[i], 0, NULL);
        assert_non_null(rec);
        json_t *ann = json_object_get(rec, "annotations");
        json_t *caps = json_object_get(ann, "capitals");
        json_t *counter = json_object_get(ann, "counter");
        assert_true(json_is_array(caps));
        assert_true(json_equal(counter, json_object_get(ann, "again")));
        /* Every capital counted once, and written with its text. */
        json_int_t total = 0;
        size_t k;
        json_t *span;
        json_array_foreach(counter, k, span) total +=
            json_integer_value(json_object_get(span, "capitals"));
        assert_int_equal(total, (json_int_t)json_array_size(caps));
        json_array_foreach(caps, k, span)
        {
            json_int_t s = json_integer_value(json_object_get(span, "start"));
            json_int_t e = json_integer_value(json_object_get(span, "end"));
            const char *text = json_string_value(json_object_get(span, "text"));
            assert_non_null(text);
            assert_int_equal(strlen(text), (size_t)(e - s));
            assert_memory_equal(text, docs[i] + s, (size_t)(e - s));
        }
        json_decref(rec);
    }
    lines_free(&one);
    lines_free(&two);
    free(big);
}

/* capitals, with "odd_text", alone or read by counter. */
static void run_capitals(unsigned threads, int read, const char *const *docs,
                         size_t n, lines_t *out)
{
    glossa_runtime_t *rt = new_runtime(threads);
    glossa_error_t err;
    glossa_error_clear(&err);
    json_t *config = json_pack("{s:b}", "odd_text", 1);
    assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                               config, NULL, &err),
                     0);
    json_decref(config);
    if (read)
        assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("counter"),
                                                   NULL, NULL, &err),
                         0);
    run_clean(rt, docs, n, out);
}

/* The "text" of a layer no plugin reads is written from the document at
 * the end (no string per span before): the same bytes as a layer that is
 * read, whose spans carry it as a string, with multi-byte characters and
 * a span at the very end, wherever the plugin left the key. */
static void test_span_text_from_offsets(void **state)
{
    (void)state;
    const char *docs[] = {"\xC3\x84rger \xC3\xBC"
                          "ber \xC3\x96lpreise in Z\xC3\xBCrich. "
                          "\xC3\x89"
                          "clair \xC2\xAB\xC3\x87"
                          "a\xC2\xBB \xE6\x9D\xB1 "
                          "\xCE\xA9mega \xF0\x9F\x98\x80 Ende",
                          "Alpha Beta Gamma", "no capitals here"};
    size_t n = sizeof(docs) / sizeof(docs[0]);
    for (unsigned threads = 1; threads <= 2; threads++) {
        lines_t alone = {0}, read = {0};
        run_capitals(threads, 0, docs, n, &alone);
        run_capitals(threads, 1, docs, n, &read);
        assert_int_equal(alone.n, n);
        for (size_t i = 0; i < n; i++) {
            json_t *a = json_loads(alone.line[i], 0, NULL);
            json_t *b = json_loads(read.line[i], 0, NULL);
            json_t *caps =
                json_object_get(json_object_get(a, "annotations"), "capitals");
            assert_true(json_equal(
                caps, json_object_get(json_object_get(b, "annotations"),
                                      "capitals")));
            json_decref(a);
            json_decref(b);
        }
        /* Keys in order: "text" where it was left, else last. */
        assert_non_null(strstr(alone.line[0],
                               "{\"start\":0,\"end\":5,\"label\":\"CAP\","
                               "\"n\":0,\"text\":\"\xC3\x84rger\"}"));
        assert_non_null(strstr(
            alone.line[0], "{\"start\":11,\"end\":19,\"text\":"
                           "\"\xC3\x96lpreise\",\"label\":\"CAP\",\"n\":1}"));
        assert_non_null(strstr(alone.line[0], "\"text\":\"Ende\""));
        assert_non_null(strstr(alone.line[0], "\"text\":\"\xCE\xA9mega\""));
        assert_non_null(strstr(alone.line[0], "\"text\":\"\xC3\x87"
                                              "a\""));
        assert_null(strstr(alone.line[0], "\"text\":null"));
        assert_null(strstr(alone.line[2], "\"text\""));
        lines_free(&alone);
        lines_free(&read);
    }
}

static void test_state_errors(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime(1);
    glossa_error_t err;
    glossa_error_clear(&err);
    const char *docs[] = {"x"};
    texts_t t = {docs, 1, 0, NULL};
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, texts_next, &t, &src), 0);
    lines_t out = {0};
    glossa_sink_t sink = {&out, lines_write, NULL};
    /* Running before prepare() is refused, and nothing is written. */
    assert_int_equal(glossa_run(rt, src, &sink, NULL, &err), GLOSSA_ESTATE);
    assert_int_equal(out.n, 0);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                               NULL, NULL, &err),
                     GLOSSA_ESTATE);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

static void test_sink_failure_stops_the_run(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime(2);
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_add_plugin(rt, test_plugin("capitals"),
                                               NULL, NULL, &err),
                     0);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    const char *docs[] = {"A a", "B b", "C c", "D d", "E e", "F f", "G g"};
    texts_t t = {docs, 7, 0, NULL};
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, texts_next, &t, &src), 0);
    lines_t out = {0};
    out.fail_at = 3;
    glossa_sink_t sink = {&out, lines_write, NULL};
    assert_int_equal(glossa_run(rt, src, &sink, NULL, &err), GLOSSA_EIO);
    assert_int_equal(err.code, GLOSSA_EIO);
    assert_non_null(strstr(err.text, "writing output"));
    assert_int_equal(out.n, 2);
    lines_free(&out);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

static void test_stop_writes_what_was_read(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime(2);
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    const char *docs[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    texts_t t = {docs, 8, 0, rt};
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, texts_next, &t, &src), 0);
    lines_t out = {0};
    glossa_sink_t sink = {&out, lines_write, NULL};
    glossa_run_stats_t stats;
    assert_int_equal(glossa_run(rt, src, &sink, &stats, &err), GLOSSA_EINTR);
    /* Everything read before the stop was written, in order, whole. */
    assert_true(out.n >= 1 && out.n < 8);
    assert_int_equal(stats.records, out.n);
    for (size_t i = 0; i < out.n; i++) {
        char expect[32];
        snprintf(expect, sizeof(expect), "{\"id\":\"doc%zu\"", i);
        assert_memory_equal(out.line[i], expect, strlen(expect));
    }
    lines_free(&out);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

static void count_plugin(void *ud, const glossa_plugin_info_t *info)
{
    int *n = ud;
    if (!strcmp(info->name, "capitals") || !strcmp(info->name, "counter"))
        (*n)++;
}

static void ignore_error(void *ud, const glossa_error_t *err)
{
    (void)ud;
    (void)err;
}

static void test_discovery(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime(1);
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_add_search_dir(rt, getenv("TEST_PLUGINS")),
                     0);
    int n = 0;
    assert_int_equal(
        glossa_runtime_list_plugins(rt, count_plugin, ignore_error, &n), 0);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(
        glossa_runtime_describe_plugin(rt, "counter", count_plugin, &n, &err),
        0);
    assert_int_equal(n, 1);
    /* By name through the search path, as a pipeline step. */
    assert_int_equal(
        glossa_runtime_add_plugin(rt, "capitals", NULL, "caps", &err), 0);
    assert_string_equal(glossa_runtime_plugin_name(rt, 0), "caps");
    glossa_runtime_free(rt);
}

static void test_pipeline_json_errors(void **state)
{
    (void)state;
    glossa_runtime_t *rt = new_runtime(1);
    glossa_error_t err;
    glossa_error_clear(&err);
    json_t *p = json_pack("{s:[{s:s,s:s}]}", "plugins", "plugin",
                          test_plugin("capitals"), "as", "Not A Name");
    assert_int_equal(glossa_runtime_load_pipeline_json(rt, p, "mem", &err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "is not a layer name"));
    json_decref(p);
    glossa_error_clear(&err);
    p = json_pack("{s:i}", "plugins", 3);
    assert_int_equal(glossa_runtime_load_pipeline_json(rt, p, "mem", &err),
                     GLOSSA_ECONFIG);
    json_decref(p);
    glossa_error_clear(&err);
    assert_int_equal(
        glossa_runtime_load_pipeline(rt, "/nonexistent.json", &err),
        GLOSSA_EPARSE);
    assert_string_equal(err.source, "/nonexistent.json");
    glossa_runtime_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_with_callback_source),
        cmocka_unit_test(test_layer_read_by_two),
        cmocka_unit_test(test_span_text_from_offsets),
        cmocka_unit_test(test_state_errors),
        cmocka_unit_test(test_sink_failure_stops_the_run),
        cmocka_unit_test(test_stop_writes_what_was_read),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_pipeline_json_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
