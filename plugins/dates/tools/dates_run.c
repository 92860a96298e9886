/* dates_run: runs the dates engine alone (no Glossa host) over a corpus
 * directory, for development and speed measurements.
 *
 *   dates_run [--repeat N] [--no-output] DATA_DIR CORPUS_DIR
 *
 * CORPUS_DIR holds .txt files and a manifest.jsonl ({"id", "file",
 * "published"}), as corpus/ does. Writes one JSON line per document in the
 * shape of glossa run's output ({"id", "meta", "annotations": {"dates":
 * [...]}}, code-point offsets) to stdout, and the engine's throughput
 * (annotation time only, file reading excluded) to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "../tests/read_file.h"
#include "dates.h"

typedef struct doc {
    char *id;
    char *text;
    size_t len;
    json_t *meta;
} doc_t;

typedef struct collect {
    json_t *spans;
    const char *text;
    size_t byte_at, cp_at; /* incremental byte -> code point mapping */
} collect_t;

static size_t to_cp(collect_t *c, size_t byte)
{
    if (byte < c->byte_at) {
        c->byte_at = 0;
        c->cp_at = 0;
    }
    for (; c->byte_at < byte; c->byte_at++)
        if (((unsigned char)c->text[c->byte_at] & 0xC0) != 0x80)
            c->cp_at++;
    return c->cp_at;
}

static int on_span(void *arg, const dates_span_t *s)
{
    collect_t *c = arg;
    if (!c->spans)
        return 0;
    size_t a = to_cp(c, s->start), b = to_cp(c, s->end);
    json_t *o =
        json_pack("{s:I,s:I,s:s%,s:s,s:s}", "start", (json_int_t)a, "end",
                  (json_int_t)b, "text", c->text + s->start, s->end - s->start,
                  "label", s->label, "value", s->value);
    if (!o)
        return -1;
    if (s->anchor)
        json_object_set_new(o, "anchor", json_string(s->anchor));
    if (s->mod)
        json_object_set_new(o, "mod", json_string(s->mod));
    json_object_set_new(o, "rule", json_string(s->rule));
    json_array_append_new(c->spans, o);
    return 0;
}

/* Reads the documents that CORPUS_DIR/manifest.jsonl lists (the whole
 * manifest record becomes the document's meta). Returns 0, or -1 when
 * there is no manifest; unreadable entries are skipped with a message. */
static int read_corpus(const char *corpus, doc_t **docs_out, size_t *n_out,
                       size_t *total_out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.jsonl", corpus);
    FILE *mf = fopen(path, "r");
    if (!mf) {
        fprintf(stderr, "dates_run: cannot open %s\n", path);
        return -1;
    }
    doc_t *docs = NULL;
    size_t ndocs = 0, total = 0;
    char line[8192];
    while (fgets(line, sizeof line, mf)) {
        json_t *m = json_loads(line, 0, NULL);
        if (!m)
            continue;
        const char *file = json_string_value(json_object_get(m, "file"));
        const char *id = json_string_value(json_object_get(m, "id"));
        if (!file || !id) {
            json_decref(m);
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", corpus, file);
        doc_t d = {0};
        d.text = dates_read_file(path, &d.len);
        if (!d.text) {
            fprintf(stderr, "dates_run: cannot read %s\n", path);
            json_decref(m);
            continue;
        }
        d.id = strdup(id);
        d.meta = m;
        docs = realloc(docs, (ndocs + 1) * sizeof *docs);
        docs[ndocs++] = d;
        total += d.len;
    }
    fclose(mf);
    *docs_out = docs;
    *n_out = ndocs;
    *total_out = total;
    return 0;
}

/* Annotates one document against its "published" DCT, in the scratch the
 * documents share as the plugin's do; with output, prints its record. */
static void run_doc(dates_scratch_t *scratch, const doc_t *d, bool output)
{
    dates_dct_t dct = {0};
    dates_dct_parse(json_string_value(json_object_get(d->meta, "published")),
                    &dct);
    collect_t c = {output ? json_array() : NULL, d->text, 0, 0};
    dates_scratch_annotate(scratch, d->text, d->len, &dct, DATES_DATELINE,
                           on_span, &c, NULL);
    if (c.spans) {
        json_t *rec = json_pack("{s:s,s:O,s:{s:o}}", "id", d->id, "meta",
                                d->meta, "annotations", "dates", c.spans);
        char *s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
        puts(s);
        free(s);
        json_decref(rec);
    }
}

int main(int argc, char **argv)
{
    int repeat = 1;
    bool output = true;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--no-output") == 0)
            output = false;
        else
            break;
    }
    if (argc - i != 2 || repeat < 1) {
        fprintf(stderr, "usage: dates_run [--repeat N] [--no-output] "
                        "DATA_DIR CORPUS_DIR\n");
        return 2;
    }
    const char *data = argv[i], *corpus = argv[i + 1];
    char err[1024];
    dates_engine_t *e;
    if (dates_engine_load(data, &e, err, sizeof err) != 0) {
        fprintf(stderr, "dates_run: %s\n", err);
        return 1;
    }
    doc_t *docs;
    size_t ndocs, total;
    if (read_corpus(corpus, &docs, &ndocs, &total)) {
        dates_engine_free(e);
        return 1;
    }
    dates_scratch_t *s = dates_scratch_new(e);
    if (!s) {
        fprintf(stderr, "dates_run: out of memory\n");
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int r = 0; r < repeat; r++)
        for (size_t k = 0; k < ndocs; k++)
            run_doc(s, &docs[k], output && r == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    dates_scratch_free(s);
    double sec = (double)(t1.tv_sec - t0.tv_sec) +
                 (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    double mb = (double)total * repeat / 1e6;
    fprintf(stderr,
            "dates_run: %zu documents, %.2f MB x %d in %.3f s: %.1f MB/s "
            "(one thread, %zu rules)\n",
            ndocs, (double)total / 1e6, repeat, sec, mb / sec,
            dates_engine_rule_count(e));
    for (size_t k = 0; k < ndocs; k++) {
        free(docs[k].id);
        free(docs[k].text);
        json_decref(docs[k].meta);
    }
    free(docs);
    dates_engine_free(e);
    return 0;
}
