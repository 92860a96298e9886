/* Inputs: directory order and manifests, JSONL lines, several inputs,
 * sharding and skipping. Driven through a run without plugins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "helpers.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/glossa-source-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    char sub[300];
    snprintf(sub, sizeof(sub), "%s/docs", dir);
    mkdir(sub, 0755);
    write_file(sub, "b.txt", "Bee");
    write_file(sub, "a.txt", "Ay");
    write_file(sub, "c.md", "not a document of the directory");
    write_file(sub, ".hidden.txt", "hidden");
    write_file(sub, "manifest.jsonl",
               "{\"id\": \"B\", \"file\": \"b.txt\", \"published\": "
               "\"2022-10-31\"}\n\n");
    write_file(dir, "recs.jsonl",
               "{\"id\": \"j1\", \"text\": \"one\"}\n\n  \n"
               "{\"id\": \"j2\", \"text\": \"two\"}\r\n"
               "{\"id\": \"j3\", \"text\": \"three\"}");
    write_file(dir, "single.txt", "Single file.");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

/* Runs the inputs and returns the ids, joined with ',', in buf. */
static void ids_of(const glossa_source_options_t *opts, char *buf, size_t size)
{
    glossa_runtime_t *rt;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(NULL, &rt, &err), 0);
    assert_int_equal(glossa_runtime_prepare(rt, &err), 0);
    char docs[300], recs[300], single[300];
    snprintf(docs, sizeof(docs), "%s/docs", dir);
    snprintf(recs, sizeof(recs), "%s/recs.jsonl", dir);
    snprintf(single, sizeof(single), "%s/single.txt", dir);
    const char *inputs[] = {docs, recs, single};
    glossa_source_t *src;
    assert_int_equal(glossa_source_open(rt, inputs, 3, opts, &src, &err), 0);
    lines_t out = {0};
    glossa_sink_t sink = {&out, lines_write, NULL};
    assert_int_equal(glossa_run(rt, src, &sink, NULL, &err), 0);
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < out.n; i++) {
        json_t *rec = json_loads(out.line[i], 0, NULL);
        assert_non_null(rec);
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "," : "",
                              json_string_value(json_object_get(rec, "id")));
        json_decref(rec);
    }
    lines_free(&out);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

static void test_order_and_ids(void **state)
{
    (void)state;
    char ids[512];
    ids_of(NULL, ids, sizeof(ids));
    /* Sorted .txt files (ids from the manifest where given), then the
     * JSONL records (blank lines are not records), then the file. */
    assert_string_equal(ids, "a,B,j1,j2,j3,single");
}

static void test_shards_partition_round_robin(void **state)
{
    (void)state;
    glossa_source_options_t o;
    glossa_source_options_init(&o);
    o.shard_count = 3;
    char ids[512];
    o.shard_index = 0;
    ids_of(&o, ids, sizeof(ids));
    assert_string_equal(ids, "a,j2");
    o.shard_index = 1;
    ids_of(&o, ids, sizeof(ids));
    assert_string_equal(ids, "B,j3");
    o.shard_index = 2;
    ids_of(&o, ids, sizeof(ids));
    assert_string_equal(ids, "j1,single");
}

static void test_skip_counts_within_the_shard(void **state)
{
    (void)state;
    glossa_source_options_t o;
    glossa_source_options_init(&o);
    char ids[512];
    o.skip_records = 4;
    ids_of(&o, ids, sizeof(ids));
    assert_string_equal(ids, "j3,single");
    o.shard_count = 2;
    o.shard_index = 1;
    o.skip_records = 1;
    ids_of(&o, ids, sizeof(ids));
    assert_string_equal(ids, "j2,single");
}

static void test_open_errors(void **state)
{
    (void)state;
    glossa_runtime_t *rt;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa_runtime_new(NULL, &rt, &err), 0);
    glossa_source_t *src = NULL;
    const char *missing[] = {"/nonexistent/input"};
    assert_int_equal(glossa_source_open(rt, missing, 1, NULL, &src, &err),
                     GLOSSA_ENOENT);
    assert_null(src);
    assert_string_equal(err.source, "/nonexistent/input");
    glossa_error_clear(&err);
    const char *twice[] = {"-", "-"};
    assert_int_equal(glossa_source_open(rt, twice, 2, NULL, &src, &err),
                     GLOSSA_EINVAL);
    glossa_source_options_t o;
    glossa_source_options_init(&o);
    o.shard_count = 2;
    o.shard_index = 2;
    glossa_error_clear(&err);
    assert_int_equal(glossa_source_open(rt, NULL, 0, &o, &src, &err),
                     GLOSSA_EINVAL);
    glossa_runtime_free(rt);
}

/* The record reader gives what a run would take, record by record: ids,
 * decoded text, metadata, origins and positions, and problems as errors
 * of their record, not of the source. */
static void test_read_records(void **state)
{
    (void)state;
    char sub[300];
    snprintf(sub, sizeof(sub), "%s/read", dir);
    mkdir(sub, 0755);
    write_file(sub, "lines.jsonl",
               "{\"id\": 7, \"text\": \"caf\\u00e9\", \"published\": "
               "\"2024\"}\n"
               "{\"id\": \"broken\", \"text\": \n"
               "{\"id\": \"bad\xff\", \"text\": \"x\xfey\"}\n"
               "{\"id\": \"big\", \"text\": \"0123456789abcdef\"}\n");
    char lines[400];
    snprintf(lines, sizeof(lines), "%s/lines.jsonl", sub);
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.max_doc_bytes = 10;
    glossa_runtime_t *rt;
    glossa_error_t err;
    assert_int_equal(glossa_runtime_new(&o, &rt, &err), 0);
    const char *inputs[] = {lines};
    glossa_source_t *src;
    assert_int_equal(glossa_source_open(rt, inputs, 1, NULL, &src, &err), 0);
    const glossa_source_record_t *r;

    assert_int_equal(glossa_source_read(src, &r, &err), 1);
    assert_string_equal(r->id, "7");
    assert_int_equal(r->text_len, 5);
    assert_memory_equal(r->text, "caf\xc3\xa9", 5);
    assert_string_equal(
        json_string_value(json_object_get(r->meta, "published")), "2024");
    assert_true(strstr(r->origin, "lines.jsonl:1") != NULL);
    assert_int_equal(r->position, 0);
    assert_int_equal(r->error, 0);
    assert_null(r->errors);

    assert_int_equal(glossa_source_read(src, &r, &err), 1);
    assert_int_equal(r->error, GLOSSA_EPARSE);
    assert_null(r->text);
    assert_true(strstr(r->id, "lines.jsonl:2") != NULL);
    assert_int_equal(json_array_size(r->errors), 1);
    assert_int_equal(r->position, 1);

    /* Bad bytes cost their character (the UTF-8 policy), with a note. */
    assert_int_equal(glossa_source_read(src, &r, &err), 1);
    assert_int_equal(r->error, 0);
    assert_int_equal(r->text_len, 5);
    assert_memory_equal(r->text, "x\xef\xbf\xbdy", 5);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(r->errors, 0), "code")),
                        "EUTF8");

    assert_int_equal(glossa_source_read(src, &r, &err), 1);
    assert_int_equal(r->error, GLOSSA_ETOOBIG);
    assert_string_equal(r->id, "big");

    assert_int_equal(glossa_source_read(src, &r, &err), 0);
    assert_int_equal(glossa_source_problems(src), 0);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

/* Positions count every record of the inputs, so that a shard's records
 * keep their place in the whole. */
static void test_read_positions_across_shards(void **state)
{
    (void)state;
    glossa_runtime_t *rt;
    glossa_error_t err;
    assert_int_equal(glossa_runtime_new(NULL, &rt, &err), 0);
    char docs[300], recs[300];
    snprintf(docs, sizeof(docs), "%s/docs", dir);
    snprintf(recs, sizeof(recs), "%s/recs.jsonl", dir);
    const char *inputs[] = {docs, recs};
    glossa_source_options_t so;
    glossa_source_options_init(&so);
    so.shard_index = 1;
    so.shard_count = 2;
    glossa_source_t *src;
    assert_int_equal(glossa_source_open(rt, inputs, 2, &so, &src, &err), 0);
    const glossa_source_record_t *r;
    const char *want_id[] = {"B", "j2"};
    const uint64_t want_position[] = {1, 3};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(glossa_source_read(src, &r, &err), 1);
        assert_string_equal(r->id, want_id[i]);
        assert_int_equal(r->position, want_position[i]);
    }
    assert_int_equal(glossa_source_read(src, &r, &err), 0);
    glossa_source_free(src);
    glossa_runtime_free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_ids),
        cmocka_unit_test(test_shards_partition_round_robin),
        cmocka_unit_test(test_skip_counts_within_the_shard),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_read_records),
        cmocka_unit_test(test_read_positions_across_shards),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
