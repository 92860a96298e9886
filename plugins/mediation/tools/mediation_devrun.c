/* Development harness for mediation_core: runs the analysis over a corpus
 * directory (<id>.txt) with the `entities` spans of gold files
 * (<id>.json, the guidelines' format), segmented as the core segments
 * (the SDK's glossa/testing.h), and writes one JSON line per document in
 * the shape of `glossa run` (without meta and errors).
 * It lets the analysis be developed and measured without the runtime or
 * the entities plugin, and times the library alone (--repeat).
 *
 *   mediation_devrun [--profile P] [--lexicon L] [--rules R] [--trace]
 *                    [--repeat N] [--layers RUN.jsonl] [--quotes gold|layers]
 *                    [--classifier FILE|none] [--embeddings FILE|none]
 *                    [--features OUT.jsonl] [--layer NAME] CORPUS_DIR GOLD_DIR
 *
 * --layers takes the entities from the annotations of a `glossa run`
 * output instead of the gold files, so that the analysis sees what the
 * real pipeline gives it; --quotes passes a `quotes` layer too, the
 * gold's or the run's (else the analysis runs without one, as in a
 * pipeline without the quotes plugin).
 *
 * --classifier swaps the learned component's model file (default the
 * bundled one, as the plugin loads it; "none": the rules alone), and
 * --embeddings the word vectors its features read (default the bundled
 * ones; "none": no word-vector features).
 * --features writes, for every sentence that overlaps a relevant span of
 * the gold layer NAME (default "mediation"), the features the classifier
 * reads and the gold polarity, one JSON line each: the training data of
 * tools/train_polarity.py.
 *
 * Paths of the model default to the plugin's data directory in the source
 * tree (MEDIATION_DATA_DIR). Trace lines go to stderr. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "glossa/testing.h"
#include "mediation.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n - 1 == 0) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void trace_line(void *ud, const char *line)
{
    (void)ud;
    fprintf(stderr, "%s\n", line);
}

typedef struct doc {
    char *id;
    char *text;
    size_t len;
    glossa_segments_t seg;
    json_t *gold;
    mediation_entity_t *ents;
    size_t n_ents;
    mediation_quote_t *quotes;
    size_t n_quotes;
    int has_quotes;
} doc_t;

/* The document as mediation_core reads it. */
static mediation_doc_t doc_view(const doc_t *doc)
{
    mediation_doc_t md = {
        doc->text,         doc->len,           doc->seg.tokens,
        doc->seg.n_tokens, doc->seg.sentences, doc->seg.n_sentences,
        doc->ents,         doc->n_ents,        doc->quotes,
        doc->n_quotes,     doc->has_quotes};
    return md;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct options {
    const char *profile, *lexicon, *rules;
    const char *layers;     /* a glossa run output, or NULL: the gold */
    int quotes;             /* 0 none, 1 the gold's, 2 the run's */
    const char *classifier; /* NULL: none */
    const char *embeddings; /* NULL: none */
    const char *features;   /* output file, or NULL */
    const char *layer;      /* the gold layer features are labelled from */
    int trace;
    long repeat;
    const char *corpus, *golddir;
} options_t;

/* Reads the command line into o. Returns 0, or 2 after a usage message. */
static int parse_options(int argc, char **argv, options_t *o)
{
    o->profile = MEDIATION_DATA_DIR "/profiles/russia.json";
    o->lexicon = MEDIATION_DATA_DIR "/lexicon/vader.tsv";
    o->rules = MEDIATION_DATA_DIR "/rules/en.json";
    o->layers = NULL;
    o->quotes = 0;
    o->classifier = MEDIATION_DATA_DIR "/model/polarity.json";
    o->embeddings = MEDIATION_DATA_DIR "/embeddings/glove-6b-100d-30k.bin";
    o->features = NULL;
    o->layer = "mediation";
    o->trace = 0;
    o->repeat = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--profile") && i + 1 < argc)
            o->profile = argv[++i];
        else if (!strcmp(argv[i], "--lexicon") && i + 1 < argc)
            o->lexicon = argv[++i];
        else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            o->rules = argv[++i];
        else if (!strcmp(argv[i], "--layers") && i + 1 < argc)
            o->layers = argv[++i];
        else if (!strcmp(argv[i], "--quotes") && i + 1 < argc &&
                 (!strcmp(argv[i + 1], "gold") ||
                  !strcmp(argv[i + 1], "layers")))
            o->quotes = !strcmp(argv[++i], "gold") ? 1 : 2;
        else if (!strcmp(argv[i], "--classifier") && i + 1 < argc) {
            o->classifier = argv[++i];
            if (!strcmp(o->classifier, "none"))
                o->classifier = NULL;
        } else if (!strcmp(argv[i], "--embeddings") && i + 1 < argc) {
            o->embeddings = argv[++i];
            if (!strcmp(o->embeddings, "none"))
                o->embeddings = NULL;
        } else if (!strcmp(argv[i], "--features") && i + 1 < argc)
            o->features = argv[++i];
        else if (!strcmp(argv[i], "--layer") && i + 1 < argc)
            o->layer = argv[++i];
        else if (!strcmp(argv[i], "--trace"))
            o->trace = 1;
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
            o->repeat = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (argc - i != 2) {
        fprintf(stderr,
                "usage: %s [--profile P] [--lexicon L] [--rules R] "
                "[--trace] [--repeat N] [--layers RUN.jsonl] "
                "[--quotes gold|layers] [--classifier FILE|none] "
                "[--embeddings FILE|none] [--features OUT.jsonl] "
                "[--layer NAME] "
                "CORPUS_DIR GOLD_DIR\n",
                argv[0]);
        return 2;
    }
    o->corpus = argv[i];
    o->golddir = argv[i + 1];
    return 0;
}

/* The annotations of each document of a `glossa run` output, as an
 * object keyed by id (a new reference), or NULL after a message. */
static json_t *read_layers(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return NULL;
    }
    json_t *by_id = json_object();
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *rec = json_loads(line, 0, NULL);
        const char *id = json_string_value(json_object_get(rec, "id"));
        if (id)
            json_object_set(by_id, id, json_object_get(rec, "annotations"));
        json_decref(rec);
    }
    free(line);
    fclose(f);
    return by_id;
}

/* Reads the entities of doc from src and, when qsrc is not NULL, its
 * quotes from qsrc (objects with "entities" and "quotes" arrays). Returns
 * 0 or 1. */
static int read_spans(doc_t *doc, const json_t *src, const json_t *qsrc)
{
    if (!src || mediation_entities_from_json(json_object_get(src, "entities"),
                                             &doc->ents, &doc->n_ents))
        return 1;
    const json_t *q = qsrc ? json_object_get(qsrc, "quotes") : NULL;
    doc->has_quotes = q != NULL;
    return doc->has_quotes &&
           mediation_quotes_from_json(q, &doc->quotes, &doc->n_quotes);
}

/* The documents of the gold directory (<id>.json, in name order) with
 * their text (corpus/<id>.txt), segmentation, entities and quotes (from
 * the gold, or from `layers` when given). Returns 0, or 1 after a
 * message. */
static int read_docs(const char *corpus, const char *golddir,
                     const json_t *layers, int quotes, doc_t **out,
                     size_t *n_out, size_t *total_bytes)
{
    DIR *dir = opendir(golddir);
    if (!dir) {
        perror(golddir);
        return 1;
    }
    char *names[4096];
    size_t n_names = 0;
    struct dirent *de;
    while ((de = readdir(dir)) && n_names < 4096) {
        size_t l = strlen(de->d_name);
        if (l > 5 && !strcmp(de->d_name + l - 5, ".json"))
            names[n_names++] = strndup(de->d_name, l - 5);
    }
    closedir(dir);
    qsort(names, n_names, sizeof(char *), by_name);

    doc_t *docs = calloc(n_names, sizeof(*docs));
    *out = docs;
    *n_out = n_names;
    *total_bytes = 0;
    for (size_t d = 0; d < n_names; d++) {
        char path[4096];
        doc_t *doc = &docs[d];
        doc->id = names[d];
        snprintf(path, sizeof path, "%s/%s.txt", corpus, names[d]);
        doc->text = read_file(path, &doc->len);
        if (!doc->text) {
            perror(path);
            return 1;
        }
        *total_bytes += doc->len;
        snprintf(path, sizeof path, "%s/%s.json", golddir, names[d]);
        json_error_t jerr;
        doc->gold = json_load_file(path, 0, &jerr);
        if (!doc->gold) {
            fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
            return 1;
        }
        const json_t *src =
            layers ? json_object_get(layers, names[d]) : doc->gold;
        const json_t *qsrc = quotes == 1 ? doc->gold : quotes == 2 ? src : NULL;
        if (glossa_segments_make(doc->text, doc->len, &doc->seg) ||
            read_spans(doc, src, qsrc)) {
            fprintf(stderr, "%s: cannot prepare\n", path);
            return 1;
        }
    }
    return 0;
}

/* What the features callback needs: where to write, which document, and
 * the gold label of each forced sentence. */
typedef struct feature_out {
    FILE *f;
    const char *corpus, *id;
    const char **label;           /* per sentence, NULL when not forced */
    const glossa_segments_t *seg; /* for the sentences' offsets */
} feature_out_t;

static void write_features(void *ud, size_t sentence, const char *const *names,
                           const double *values, size_t n)
{
    const feature_out_t *fo = ud;
    if (!fo->label[sentence])
        return;
    json_t *x = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(x, names[i], json_real(values[i]));
    const glossa_sentence_t *st = &fo->seg->sentences[sentence];
    json_t *rec =
        json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:o}", "corpus", fo->corpus,
                  "doc", fo->id, "sentence", (json_int_t)sentence, "start",
                  (json_int_t)st->cp_start, "end", (json_int_t)st->cp_end,
                  "label", fo->label[sentence], "x", x);
    char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(6));
    fprintf(fo->f, "%s\n", line);
    free(line);
    json_decref(rec);
}

/* The gold polarity of each sentence that overlaps a span of the gold
 * layer (NULL for the others), into label (n_sentences). */
static void gold_labels(const doc_t *doc, const char *layer, const char **label)
{
    const json_t *spans = json_object_get(doc->gold, layer);
    for (size_t s = 0; s < doc->seg.n_sentences; s++) {
        const glossa_sentence_t *st = &doc->seg.sentences[s];
        label[s] = NULL;
        for (size_t k = 0; k < json_array_size(spans) && !label[s]; k++) {
            const json_t *g = json_array_get(spans, k);
            json_int_t a = json_integer_value(json_object_get(g, "start"));
            json_int_t b = json_integer_value(json_object_get(g, "end"));
            if (a < (json_int_t)st->cp_end && (json_int_t)st->cp_start < b)
                label[s] = json_string_value(json_object_get(g, "polarity"));
        }
    }
}

/* Analyses one document and prints its line; with features, judges the
 * gold's relevant sentences and writes their features. Returns 0, or 1
 * after a message. */
static int print_doc(const mediation_model_t *model, const doc_t *doc,
                     const options_t *o, FILE *features)
{
    mediation_doc_t md = doc_view(doc);
    mediation_result_t res;
    if (o->trace)
        fprintf(stderr, "=== %s\n", doc->id);
    size_t ns = doc->seg.n_sentences;
    const char **label = calloc(ns + 1, sizeof(*label));
    uint8_t *force = calloc(ns + 1, 1);
    feature_out_t fo = {features, o->corpus, doc->id, label, &doc->seg};
    mediation_probe_t probe = {force, write_features, &fo};
    if (features) {
        gold_labels(doc, o->layer, label);
        for (size_t s = 0; s < ns; s++)
            force[s] = label[s] != NULL;
    }
    int rc =
        mediation_analyze_probe(model, &md, &res, o->trace ? trace_line : NULL,
                                NULL, features ? &probe : NULL);
    free(label);
    free(force);
    if (rc) {
        fprintf(stderr, "%s: analysis failed\n", doc->id);
        return 1;
    }
    json_t *spans = json_array();
    for (size_t k = 0; k < res.n_spans; k++) {
        const mediation_span_t *sp = &res.spans[k];
        json_t *sj = json_pack("{s:I, s:I}", "start", (json_int_t)sp->start,
                               "end", (json_int_t)sp->end);
        mediation_span_to_json(sp, sj);
        json_array_append_new(spans, sj);
    }
    json_t *rec = json_pack("{s:s, s:{s:o}, s:{s:o}}", "id", doc->id,
                            "annotations", o->layer, spans, "document",
                            o->layer, mediation_document_to_json(&res));
    char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(6));
    printf("%s\n", line);
    free(line);
    json_decref(rec);
    mediation_result_free(&res);
    return 0;
}

/* Analyses the documents repeat times and prints the speed. Returns 0 or
 * 1. */
static int time_repeat(const mediation_model_t *model, const doc_t *docs,
                       size_t n_docs, long repeat, size_t total_bytes,
                       double t_load)
{
    double t1 = now();
    size_t spans = 0;
    for (long r = 0; r < repeat; r++)
        for (size_t d = 0; d < n_docs; d++) {
            mediation_doc_t md = doc_view(&docs[d]);
            mediation_result_t res;
            if (mediation_analyze(model, &md, &res, NULL, NULL))
                return 1;
            spans += res.n_spans;
            mediation_result_free(&res);
        }
    double dt = now() - t1;
    double mb = (double)total_bytes * (double)repeat / 1e6;
    fprintf(stderr,
            "model load %.1f ms; analysed %.1f MB in %.3f s: %.1f MB/s "
            "on one thread (%zu spans)\n",
            t_load * 1e3, mb, dt, mb / dt, spans);
    return 0;
}

int main(int argc, char **argv)
{
    options_t o;
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
    char err[1024];
    mediation_model_t *model;
    double t0 = now();
    mediation_settings_t settings;
    mediation_settings_init(&settings);
    settings.classifier = o.classifier;
    settings.embeddings = o.embeddings;
    if (mediation_model_load(o.profile, o.lexicon, o.rules, &settings, &model,
                             err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    double t_load = now() - t0;
    json_t *layers = NULL;
    if (o.layers && !(layers = read_layers(o.layers)))
        return 1;
    doc_t *docs;
    size_t n_docs, total_bytes;
    if (read_docs(o.corpus, o.golddir, layers, o.quotes, &docs, &n_docs,
                  &total_bytes))
        return 1;
    FILE *features = NULL;
    if (o.features && !(features = fopen(o.features, "w"))) {
        perror(o.features);
        return 1;
    }
    for (size_t d = 0; d < n_docs; d++)
        if (print_doc(model, &docs[d], &o, features))
            return 1;
    if (features)
        fclose(features);
    if (o.repeat > 0 &&
        time_repeat(model, docs, n_docs, o.repeat, total_bytes, t_load))
        return 1;
    for (size_t d = 0; d < n_docs; d++) {
        free(docs[d].id);
        free(docs[d].text);
        free(docs[d].ents);
        free(docs[d].quotes);
        glossa_segments_free(&docs[d].seg);
        json_decref(docs[d].gold);
    }
    free(docs);
    json_decref(layers);
    mediation_model_free(model);
    return 0;
}
