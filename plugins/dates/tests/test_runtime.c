/* The real dates.so loaded through the public runtime API, run on several
 * pool threads over documents with and without a DCT, and with a
 * configuration the plugin rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include <glossa/glossa.h>

typedef struct doc {
    const char *id;
    const char *text;
    const char *published; /* NULL: no metadata */
} doc_t;

static const doc_t DOCS[] = {
    {"meta",
     "Putin will host talks on Monday, Oct.31, a month after "
     "clashes. Last month was calm; the war of 2020 lasted six "
     "weeks.",
     "2022-10-31"},
    {"dateline", "Date: 29 November 2021\n\nTalks were held last year.", NULL},
    {"unicode",
     "Russia\xE2\x80\x99s war \xE2\x80\x94 since February 24, "
     "2022 \xE2\x80\x94 goes on; \xE2\x80\x9C"
     "last month\xE2\x80\x9D was worse.",
     "2022-10-31"},
    {"nodct", "They met on Monday and again in August.", NULL},
};
#define NDOCS (sizeof DOCS / sizeof DOCS[0])
#define COPIES 50 /* enough records for both threads to annotate at once */

typedef struct feed {
    size_t next;
    json_t *meta;
} feed_t;

static int next_record(void *ud, glossa_record_t *rec)
{
    feed_t *f = ud;
    if (f->next == NDOCS * COPIES)
        return 0;
    const doc_t *d = &DOCS[f->next % NDOCS];
    f->next++;
    json_decref(f->meta);
    f->meta =
        d->published ? json_pack("{s:s}", "published", d->published) : NULL;
    rec->id = d->id;
    rec->text = d->text;
    rec->text_len = strlen(d->text);
    rec->meta = f->meta;
    rec->origin = "test";
    return 1;
}

typedef struct out {
    json_t *lines[NDOCS * COPIES];
    size_t n;
} out_t;

static int write_line(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info)
{
    (void)info;
    out_t *o = ud;
    json_error_t e;
    json_t *j = json_loadb(line, len, 0, &e);
    if (!j || o->n == NDOCS * COPIES)
        return GLOSSA_EINVAL;
    o->lines[o->n++] = j;
    return 0;
}

static json_t *span_with_text(json_t *rec, const char *text)
{
    json_t *spans =
        json_object_get(json_object_get(rec, "annotations"), "dates");
    size_t i;
    json_t *s;
    json_array_foreach(spans, i, s)
    {
        if (strcmp(json_string_value(json_object_get(s, "text")), text) == 0)
            return s;
    }
    fail_msg("no span '%s' in %s", text,
             json_string_value(json_object_get(rec, "id")));
    return NULL;
}

static void expect_span(json_t *rec, const char *text, const char *label,
                        const char *value, const char *anchor)
{
    json_t *s = span_with_text(rec, text);
    assert_string_equal(json_string_value(json_object_get(s, "label")), label);
    assert_string_equal(json_string_value(json_object_get(s, "value")), value);
    const char *a = json_string_value(json_object_get(s, "anchor"));
    if (anchor)
        assert_string_equal(a, anchor);
    else
        assert_null(a);
}

static void test_runs_on_two_threads(void **state)
{
    (void)state;
    glossa_runtime_options_t opts;
    glossa_runtime_options_init(&opts);
    opts.threads = 2;
    glossa_runtime_t *rt;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(&opts, &rt, &err), 0);
    if (glossa_runtime_add_plugin(rt, DATES_PLUGIN, NULL, NULL, &err) != 0 ||
        glossa_runtime_prepare(rt, &err) != 0)
        fail_msg("%s: %s", err.source, err.text);
    feed_t feed = {0, NULL};
    glossa_source_t *src;
    assert_int_equal(glossa_source_from_callback(rt, next_record, &feed, &src),
                     0);
    static out_t out;
    memset(&out, 0, sizeof out);
    glossa_sink_t sink = {&out, write_line, NULL};
    glossa_run_stats_t stats;
    if (glossa_run(rt, src, &sink, &stats, &err) != 0)
        fail_msg("%s", err.text);
    assert_int_equal(out.n, NDOCS * COPIES);
    /* The "nodct" documents each carry one warning: their relative dates
     * had no document date to resolve against. */
    assert_int_equal(stats.errors, COPIES);
    json_t *unanchored = out.lines[NDOCS - 1];
    json_t *warning = json_array_get(json_object_get(unanchored, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(warning, "code")),
                        "EWARNING");
    assert_non_null(
        strstr(json_string_value(json_object_get(warning, "message")),
               "no document date"));

    json_t *meta = out.lines[0];
    expect_span(meta, "Monday, Oct.31", "DATE", "2022-10-31", "2022-10-31");
    expect_span(meta, "a month", "DURATION", "P1M", NULL);
    expect_span(meta, "Last month", "DATE", "2022-09", "2022-10-31");
    expect_span(meta, "2020", "DATE", "2020", NULL);
    expect_span(meta, "six weeks", "DURATION", "P6W", NULL);

    json_t *dl = out.lines[1];
    expect_span(dl, "29 November 2021", "DATE", "2021-11-29", NULL);
    expect_span(dl, "last year", "DATE", "2020", "2021-11-29");

    /* Offsets are code points: the core fills "text" from them, so the
     * text coming out right after curly quotes and dashes proves them. */
    json_t *uni = out.lines[2];
    json_t *s = span_with_text(uni, "February 24, 2022");
    assert_int_equal(json_integer_value(json_object_get(s, "start")), 21);
    expect_span(uni, "last month", "DATE", "2022-09", "2022-10-31");

    json_t *nodct = out.lines[3];
    expect_span(nodct, "Monday", "DATE", "XXXX-WXX-1", NULL);
    expect_span(nodct, "August", "DATE", "XXXX-08", NULL);

    /* Every copy of a document came out the same, whichever thread ran
     * it. */
    for (size_t i = NDOCS; i < out.n; i++) {
        json_t *a = json_object_get(out.lines[i % NDOCS], "annotations");
        json_t *b = json_object_get(out.lines[i], "annotations");
        assert_true(json_equal(a, b));
    }
    for (size_t i = 0; i < out.n; i++)
        json_decref(out.lines[i]);
    json_decref(feed.meta);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

static void test_bad_rules_directory_is_refused(void **state)
{
    (void)state;
    glossa_runtime_t *rt;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(NULL, &rt, &err), 0);
    json_t *cfg = json_pack("{s:s}", "rules", "/nonexistent/rules");
    int rc = glossa_runtime_add_plugin(rt, DATES_PLUGIN, cfg, NULL, &err);
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, &err);
    assert_int_not_equal(rc, 0);
    if (!strstr(err.text, "/nonexistent/rules"))
        fail_msg("message does not name the directory: %s", err.text);
    json_decref(cfg);
    glossa_runtime_free(rt);
}

static void test_unknown_option_is_refused(void **state)
{
    (void)state;
    glossa_runtime_t *rt;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(NULL, &rt, &err), 0);
    json_t *cfg = json_pack("{s:b}", "datelines", 1);
    int rc = glossa_runtime_add_plugin(rt, DATES_PLUGIN, cfg, NULL, &err);
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, &err);
    assert_int_not_equal(rc, 0);
    json_decref(cfg);
    glossa_runtime_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_on_two_threads),
        cmocka_unit_test(test_bad_rules_directory_is_refused),
        cmocka_unit_test(test_unknown_option_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
