/* The real entities.so, loaded and run through the public runtime API
 * (ENTITIES_PLUGIN is its path): output, configuration, threads, create
 * errors. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <glossa/glossa.h>

typedef struct texts {
    const char *const *text;
    size_t n, next;
} texts_t;

/* The output lines of a run, collected in memory. */
typedef struct lines {
    char **line;
    size_t n;
} lines_t;

static int lines_write(void *ud, const char *line, size_t len,
                       const glossa_record_info_t *info)
{
    (void)info;
    lines_t *l = ud;
    char **grown = realloc(l->line, (l->n + 1) * sizeof(char *));
    if (!grown)
        return GLOSSA_ENOMEM;
    l->line = grown;
    l->line[l->n] = strndup(line, len);
    if (!l->line[l->n])
        return GLOSSA_ENOMEM;
    l->n++;
    return 0;
}

static void lines_free(lines_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    memset(l, 0, sizeof(*l));
}

static int texts_next(void *ud, glossa_record_t *rec)
{
    texts_t *t = ud;
    if (t->next == t->n)
        return 0;
    static char id[32];
    snprintf(id, sizeof(id), "doc%zu", t->next);
    rec->id = id;
    rec->text = t->text[t->next];
    rec->text_len = strlen(t->text[t->next]);
    t->next++;
    return 1;
}

static const char *plugin_path(void)
{
    const char *p = getenv("ENTITIES_PLUGIN");
    return p ? p : "entities.so";
}

/* Runs the plugin with config (a JSON text, NULL for none) over docs into
 * out on threads threads; returns the result of prepare (0, or an error
 * code with err). */
static int run_threads(const char *config, const char *const *docs, size_t n,
                       unsigned threads, lines_t *out, glossa_error_t *err)
{
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = threads;
    glossa_runtime_t *rt = NULL;
    glossa_error_clear(err);
    assert_int_equal(glossa_runtime_new(&o, &rt, err), 0);
    json_t *cfg = config ? json_loads(config, 0, NULL) : NULL;
    assert_true(!config || cfg);
    int rc = glossa_runtime_add_plugin(rt, plugin_path(), cfg, NULL, err);
    json_decref(cfg);
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, err);
    if (rc == 0) {
        texts_t t = {docs, n, 0};
        glossa_source_t *src;
        assert_int_equal(glossa_source_from_callback(rt, texts_next, &t, &src),
                         0);
        glossa_sink_t sink = {out, lines_write, NULL};
        assert_int_equal(glossa_run(rt, src, &sink, NULL, err), 0);
        glossa_source_free(src);
    }
    glossa_runtime_free(rt);
    return rc;
}

/* run_threads on two threads. */
static int run(const char *config, const char *const *docs, size_t n,
               lines_t *out, glossa_error_t *err)
{
    return run_threads(config, docs, n, 2, out, err);
}

#define EXPECT_IN(hay, needle)                                                 \
    do {                                                                       \
        if (!strstr(hay, needle))                                              \
            fail_msg("expected %s in %s", needle, hay);                        \
    } while (0)

static const char *const DOCS[] = {
    "Russian President Vladimir Putin hosted talks in Sochi. Moscow said "
    "Putin would meet the leaders alone.",
    "The Kremlin said a Russian-brokered deal still holds.",
    "Azerbaijan\u2019s President Ilham Aliyev spoke in Baku.",
};

static void test_default_config(void **state)
{
    (void)state;
    lines_t out = {0};
    glossa_error_t err;
    assert_int_equal(run(NULL, DOCS, 3, &out, &err), 0);
    assert_int_equal(out.n, 3);
    EXPECT_IN(out.line[0], "{\"start\":0,\"end\":7,\"text\":\"Russian\","
                           "\"label\":\"NORP\",\"canonical\":\"Russia\"}");
    EXPECT_IN(out.line[0], "\"text\":\"Vladimir Putin\",\"label\":\"PERSON\"");
    EXPECT_IN(out.line[0], "\"text\":\"Moscow\",\"label\":\"GPE\","
                           "\"canonical\":\"Moscow\",\"refers_to\":"
                           "\"Russia\"}");
    EXPECT_IN(out.line[0], "\"text\":\"Putin\",\"label\":\"PERSON\","
                           "\"canonical\":\"Vladimir Putin\"}");
    EXPECT_IN(out.line[1], "\"text\":\"Kremlin\",\"label\":\"ORG\","
                           "\"canonical\":\"Kremlin\",\"refers_to\":"
                           "\"Russia\"}");
    EXPECT_IN(out.line[1], "{\"start\":19,\"end\":26,\"text\":\"Russian\"");
    /* "Azerbaijan’s": code points, the possessive outside */
    EXPECT_IN(out.line[2], "{\"start\":0,\"end\":10,\"text\":\"Azerbaijan\"");
    EXPECT_IN(out.line[2], "\"text\":\"Baku\",\"label\":\"GPE\","
                           "\"canonical\":\"Baku\"}");
    for (size_t i = 0; i < out.n; i++)
        assert_null(strstr(out.line[i], "\"errors\":[{"));
    lines_free(&out);
}

static void test_labels_and_extra_gazetteers(void **state)
{
    (void)state;
    char path[] = "/tmp/entities-extra.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *tsv = "Vladimir Putin\tPERSON\tPutin V.V.\n";
    assert_int_equal(write(fd, tsv, strlen(tsv)), (ssize_t)strlen(tsv));
    close(fd);
    char config[512];
    snprintf(config, sizeof(config),
             "{\"labels\": [\"PERSON\"], \"extra_gazetteers\": [\"%s\"]}",
             path);
    lines_t out = {0};
    glossa_error_t err;
    assert_int_equal(run(config, DOCS, 1, &out, &err), 0);
    unlink(path);
    EXPECT_IN(out.line[0], "\"canonical\":\"Putin V.V.\"");
    assert_null(strstr(out.line[0], "NORP"));
    assert_null(strstr(out.line[0], "GPE"));
    lines_free(&out);
}

/* The instance's taggers, kept from one document to the next and shared
 * by the pool's threads (entities_plugin.c), give every document the
 * output of a run on one thread, where one tagger sees all. */
static void test_threads_share_taggers(void **state)
{
    (void)state;
    enum { N = 300 };
    const char *docs[N];
    for (size_t i = 0; i < N; i++)
        docs[i] = DOCS[(i * 7 + i / 3) % 3];
    lines_t one = {0}, four = {0};
    glossa_error_t err;
    assert_int_equal(run_threads(NULL, docs, N, 1, &one, &err), 0);
    assert_int_equal(run_threads(NULL, docs, N, 4, &four, &err), 0);
    assert_int_equal(one.n, N);
    assert_int_equal(four.n, N);
    for (size_t i = 0; i < N; i++)
        assert_string_equal(one.line[i], four.line[i]);
    lines_free(&one);
    lines_free(&four);
}

static void expect_create_error(const char *config, const char *message)
{
    lines_t out = {0};
    glossa_error_t err;
    assert_int_not_equal(run(config, DOCS, 1, &out, &err), 0);
    if (!strstr(err.text, message))
        fail_msg("expected \"%s\" in \"%s\"", message, err.text);
    assert_int_equal(out.n, 0);
}

static void test_create_errors(void **state)
{
    (void)state;
    expect_create_error("{\"model\": \"/nonexistent/entities.model\"}",
                        "cannot open model /nonexistent/entities.model");
    expect_create_error("{\"model\": \"gazetteers.txt\"}",
                        "not an entities model file");
    /* Checked by the core against the declared choices (ABI 1.1). */
    expect_create_error("{\"labels\": [\"PERSON\", \"CITY\"]}",
                        "holds \"CITY\", not one of \"PERSON\"");
    expect_create_error("{\"extra_gazetteers\": [\"/nonexistent.tsv\"]}",
                        "cannot open gazetteer /nonexistent.tsv");
    /* A file that is not a list: its line, never its text. */
    expect_create_error("{\"gazetteers\": \"countries.tsv\"}",
                        "countries.tsv:4: the gazetteer named on this line "
                        "cannot be read");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_config),
        cmocka_unit_test(test_labels_and_extra_gazetteers),
        cmocka_unit_test(test_threads_share_taggers),
        cmocka_unit_test(test_create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
