/* entities-run: runs the entities analysis on text files without the
 * runtime, with the core's own segmenter, and prints one JSON line per
 * file (id = file name without .txt, "entities" as in the gold files).
 * With --bench N it instead times N passes over the files and prints the
 * analyzer's speed on one thread (segmentation excluded: the core does it
 * once for every plugin).
 *
 *   entities-run DATA_DIR FILE... | entities-run --bench 20 DATA_DIR FILE... */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "entities.h"
#include <glossa/testing.h>
#include "test_data.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void print_doc(const char *path, const char *text, size_t len,
                      const entities_result_t *r)
{
    /* code point -> byte */
    size_t *byte_of = malloc((len + 1) * sizeof(size_t));
    size_t cp = 0;
    for (size_t b = 0; b < len; b++)
        if (((unsigned char)text[b] & 0xC0) != 0x80)
            byte_of[cp++] = b;
    byte_of[cp] = len;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t blen = strlen(base);
    if (blen > 4 && strcmp(base + blen - 4, ".txt") == 0)
        blen -= 4;
    json_t *doc = json_object();
    json_object_set_new(doc, "id", json_stringn(base, blen));
    json_t *arr = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const entities_span_t *s = &r->spans[i];
        json_t *o = json_object();
        json_object_set_new(o, "start", json_integer(s->start));
        json_object_set_new(o, "end", json_integer(s->end));
        json_object_set_new(o, "text",
                            json_stringn(text + byte_of[s->start],
                                         byte_of[s->end] - byte_of[s->start]));
        json_object_set_new(o, "label",
                            json_string(entities_label_name(s->label)));
        json_object_set_new(o, "canonical",
                            json_stringn(s->canonical, s->canonical_len));
        if (s->refers_to)
            json_object_set_new(o, "refers_to",
                                json_stringn(s->refers_to, s->refers_to_len));
        json_array_append_new(arr, o);
    }
    json_object_set_new(doc, "entities", arr);
    char *out = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    puts(out);
    free(out);
    json_decref(doc);
    free(byte_of);
}

int main(int argc, char **argv)
{
    int bench = 0, a = 1;
    if (argc > 2 && strcmp(argv[1], "--bench") == 0) {
        bench = atoi(argv[2]);
        a = 3;
    }
    if (argc - a < 2) {
        fprintf(stderr, "usage: entities-run [--bench N] DATA_DIR FILE...\n");
        return 2;
    }
    const char *dir = argv[a++];
    char err[1024];
    entities_model_t *m;
    entities_gaz_t *g;
    if (entities_test_load(dir, &m, &g, err, sizeof(err))) {
        fprintf(stderr, "entities-run: %s\n", err);
        return 1;
    }
    entities_config_t cfg;
    memset(cfg.emit, 1, sizeof(cfg.emit));
    int nf = argc - a;
    char **texts = calloc((size_t)nf, sizeof(char *));
    size_t *lens = calloc((size_t)nf, sizeof(size_t));
    glossa_segments_t *segs = calloc((size_t)nf, sizeof(*segs));
    size_t total = 0;
    for (int i = 0; i < nf; i++) {
        texts[i] = entities_test_slurp(argv[a + i], &lens[i]);
        if (!texts[i] || glossa_segments_make(texts[i], lens[i], &segs[i])) {
            fprintf(stderr, "entities-run: cannot read %s\n", argv[a + i]);
            return 1;
        }
        total += lens[i];
    }
    /* One tagger for all files, as a thread of the plugin keeps one. */
    entities_tagger_t *tagger = entities_tagger_new(m, g);
    if (!tagger) {
        fprintf(stderr, "entities-run: out of memory\n");
        return 1;
    }
    double t0 = now();
    int passes = bench ? bench : 1;
    for (int p = 0; p < passes; p++) {
        for (int i = 0; i < nf; i++) {
            entities_doc_t doc = {texts[i],          lens[i],
                                  segs[i].tokens,    segs[i].n_tokens,
                                  segs[i].sentences, segs[i].n_sentences};
            entities_result_t r;
            if (entities_analyze(m, g, tagger, &cfg, &doc, &r)) {
                fprintf(stderr, "entities-run: out of memory\n");
                return 1;
            }
            if (!bench)
                print_doc(argv[a + i], texts[i], lens[i], &r);
            entities_result_free(&r);
        }
    }
    double dt = now() - t0;
    if (bench)
        printf("%d passes over %zu bytes in %.3f s: %.2f MB/s on one "
               "thread\n",
               passes, total, dt, (double)total * passes / dt / 1e6);
    entities_tagger_free(tagger);
    for (int i = 0; i < nf; i++) {
        glossa_segments_free(&segs[i]);
        free(texts[i]);
    }
    free(texts);
    free(lens);
    free(segs);
    entities_model_free(m);
    entities_gaz_free(g);
    return 0;
}
