/* glossa export: glossa run's output (JSONL) in the formats other tools
 * read: brat, CoNLL-2003, W3C Web Annotation, Label Studio, CSV. The
 * options and the loop over records; the formats are in their own files.
 * docs/exports.md describes every mapping. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "commands.h"
#include "export_internal.h"

static const char WHO[] = "glossa export";

static const export_format_t *const FORMATS[] = {
    &glossa_export__brat, &glossa_export__conll, &glossa_export__w3c,
    &glossa_export__labelstudio, &glossa_export__csv};
#define N_FORMATS (sizeof(FORMATS) / sizeof(FORMATS[0]))

static void export_usage(FILE *out)
{
    fprintf(
        out,
        "usage: glossa export --format FORMAT [options] OUTPUT.jsonl...\n"
        "\n"
        "Converts the output of glossa run (JSONL; \"-\" reads standard "
        "input) into the\nformat of another tool. Offsets stay code points "
        "except where the format\nsays otherwise (Label Studio: UTF-16 "
        "units). docs/exports.md has the mappings.\n"
        "\n"
        "formats:\n"
        "  brat         a directory: DOC.txt, DOC.ann and annotation.conf "
        "(brat standoff)\n"
        "  conll        CoNLL-2003 IOB2 tags of one layer (entities), "
        "\"TOKEN TAG\" lines\n"
        "  w3c          W3C Web Annotations (JSON-LD), one a line, or "
        "--collection\n"
        "  labelstudio  Label Studio tasks with the spans as predictions "
        "(a JSON array)\n"
        "  csv          one row per span (RFC 4180), with a header row\n"
        "\n"
        "options:\n"
        "  -f, --format FORMAT     the format (required)\n"
        "  -o, --output PATH       the file (default: standard output); "
        "brat: the\n"
        "                          directory (required)\n"
        "  --layer NAME            export this layer (repeatable; default: "
        "every layer;\n"
        "                          conll: entities)\n"
        "  --inputs PATH           an input glossa run read (repeatable): "
        "the texts of\n"
        "                          records written without --with-text\n"
        "  --tag LAYER=NAME        the name of LAYER's unlabelled spans "
        "(default: Stance\n"
        "                          for mediation, Quote for quotes, else "
        "the layer's name)\n"
        "  --labels conll|glossa   conll: PER, ORG, LOC, MISC (default) or "
        "Glossa's labels\n"
        "  --source-base URL       w3c: targets are URL + the document id "
        "(percent-encoded)\n"
        "  --id-base IRI           w3c: annotation ids are IRI + "
        "ID/LAYER/N\n"
        "                          (default urn:glossa:)\n"
        "  --created TIME          w3c: the \"created\" of every annotation "
        "(xsd:dateTime,\n"
        "                          or \"now\")\n"
        "  --collection            w3c: one AnnotationCollection instead of "
        "JSON Lines\n"
        "  --labeling-config FILE  labelstudio: also write the labeling "
        "config\n"
        "  --columns LIST          csv: the field columns after \"label\", "
        "comma-separated\n"
        "  -h, --help              print this help\n"
        "\n"
        "Records that cannot be exported (a broken line, no text, a bad "
        "span) are reported\nwith file, line and id, and left out: exit "
        "status 4. 0 ok, 1 failure, 2 usage.\n");
}

enum {
    OPT_LAYER = 256,
    OPT_INPUTS,
    OPT_TAG,
    OPT_LABELS,
    OPT_SOURCE_BASE,
    OPT_ID_BASE,
    OPT_CREATED,
    OPT_COLLECTION,
    OPT_LABELING_CONFIG,
    OPT_COLUMNS
};

/* Not an exit code: go on. */
#define GO (-1)

typedef struct args {
    export_opts_t o;
    const export_format_t *format;
    char **files; /* the JSONL to read (borrowed from argv) */
    size_t n_files;
} args_t;

static void args_free(args_t *a)
{
    free(a->o.layers);
    for (size_t i = 0; i < a->o.n_tags; i++)
        free((char *)a->o.tags[i].name);
    free(a->o.tags);
    free(a->o.inputs);
    for (size_t i = 0; i < a->o.n_columns; i++)
        free((char *)a->o.columns[i]);
    free(a->o.columns);
}

static int pick_format(args_t *a, const char *name)
{
    const char *names[N_FORMATS];
    for (size_t i = 0; i < N_FORMATS; i++) {
        names[i] = FORMATS[i]->name;
        if (strcmp(name, names[i]) == 0) {
            a->format = FORMATS[i];
            return GO;
        }
    }
    const char *close = glossa_cli_closest(name, names, N_FORMATS);
    fprintf(stderr, "%s: unknown format '%s'", WHO, name);
    if (close)
        fprintf(stderr, "; did you mean '%s'?", close);
    fprintf(stderr, "\n(brat, conll, w3c, labelstudio or csv)\n");
    return GLOSSA_EXIT_USAGE;
}

/* LAYER=NAME into a pair whose name is a copy. */
static int parse_pair(const char *arg, export_pair_t *p)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return -1;
    p->name = strndup(arg, (size_t)(eq - arg));
    p->value = eq + 1;
    return p->name ? 0 : -2;
}

/* A comma-separated list of column names, each copied; none may be one
 * of the fixed columns. Returns 0, -1 (bad list) or -2 (memory). */
static int parse_columns(export_opts_t *o, const char *list)
{
    for (size_t i = 0; i < o->n_columns; i++)
        free((char *)o->columns[i]);
    o->n_columns = 0;
    size_t max = 1;
    for (const char *p = list; *p; p++)
        max += *p == ',';
    free(o->columns);
    if (!(o->columns = calloc(max, sizeof(*o->columns))))
        return -2;
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return -1;
        if (!(o->columns[o->n_columns] = strndup(p, n)))
            return -2;
        const char *c = o->columns[o->n_columns++];
        if (glossa_export__is_base_field(c) || strcmp(c, "id") == 0 ||
            strcmp(c, "layer") == 0 || strcmp(c, "extra") == 0)
            return -1;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static int take_option(args_t *a, int c, const char *arg)
{
    export_opts_t *o = &a->o;
    int rc;
    switch (c) {
    case 'f':
        return pick_format(a, arg);
    case 'o':
        o->output = arg;
        return GO;
    case OPT_LAYER:
        for (size_t i = 0; i < o->n_layers; i++)
            if (strcmp(o->layers[i], arg) == 0)
                return GO; /* once is enough */
        o->layers[o->n_layers++] = arg;
        return GO;
    case OPT_INPUTS:
        o->inputs[o->n_inputs++] = arg;
        return GO;
    case OPT_TAG:
        if ((rc = parse_pair(arg, &o->tags[o->n_tags])) == -1)
            return glossa_cli_usage_error(
                WHO, "--tag takes LAYER=NAME, not '%s'", arg);
        o->n_tags += rc == 0;
        return rc == 0 ? GO : GLOSSA_EXIT_FAILURE;
    case OPT_LABELS:
        if (strcmp(arg, "conll") != 0 && strcmp(arg, "glossa") != 0)
            return glossa_cli_usage_error(
                WHO, "--labels takes conll or glossa, not '%s'", arg);
        o->glossa_labels = strcmp(arg, "glossa") == 0;
        return GO;
    case OPT_SOURCE_BASE:
        o->source_base = arg;
        return GO;
    case OPT_ID_BASE:
        o->id_base = arg;
        return GO;
    case OPT_CREATED:
        o->created = arg;
        return GO;
    case OPT_COLLECTION:
        o->collection = 1;
        return GO;
    case OPT_LABELING_CONFIG:
        o->labeling_config = arg;
        return GO;
    case OPT_COLUMNS:
        if ((rc = parse_columns(o, arg)) == -1)
            return glossa_cli_usage_error(
                WHO,
                "--columns takes field names separated by "
                "commas, other than the fixed columns (id, "
                "layer, start, end, text, label, extra), not "
                "'%s'",
                arg);
        return rc == 0 ? GO : GLOSSA_EXIT_FAILURE;
    case 'h':
        export_usage(stdout);
        return GLOSSA_EXIT_OK;
    default:
        fprintf(stderr, "Try 'glossa export --help'.\n");
        return GLOSSA_EXIT_USAGE;
    }
}

/* The checks that need every option. */
static int check_args(args_t *a)
{
    if (!a->format)
        return glossa_cli_usage_error(WHO, "%s",
                                      "--format is required (brat, conll, w3c, "
                                      "labelstudio or csv)");
    if (a->n_files == 0)
        return glossa_cli_usage_error(WHO, "%s",
                                      "no OUTPUT.jsonl given (the output of "
                                      "glossa run; - for standard input)");
    if ((a->format->flags & EXPORT_TO_DIR) &&
        (!a->o.output || strcmp(a->o.output, "-") == 0))
        return glossa_cli_usage_error(
            WHO, "%s: -o DIR is required (the directory to write)",
            a->format->name);
    if (a->format == &glossa_export__conll && a->o.n_layers > 1)
        return glossa_cli_usage_error(WHO, "%s",
                                      "conll exports one layer (--layer)");
    if (a->format == &glossa_export__conll && a->o.n_layers == 0)
        a->o.layers[a->o.n_layers++] = "entities";
    return GO;
}

static int parse_args(int argc, char **argv, args_t *a)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"layer", required_argument, NULL, OPT_LAYER},
        {"inputs", required_argument, NULL, OPT_INPUTS},
        {"tag", required_argument, NULL, OPT_TAG},
        {"labels", required_argument, NULL, OPT_LABELS},
        {"source-base", required_argument, NULL, OPT_SOURCE_BASE},
        {"id-base", required_argument, NULL, OPT_ID_BASE},
        {"created", required_argument, NULL, OPT_CREATED},
        {"collection", no_argument, NULL, OPT_COLLECTION},
        {"labeling-config", required_argument, NULL, OPT_LABELING_CONFIG},
        {"columns", required_argument, NULL, OPT_COLUMNS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    size_t max = argc > 0 ? (size_t)argc : 1;
    a->o.layers = calloc(max, sizeof(*a->o.layers));
    a->o.inputs = calloc(max, sizeof(*a->o.inputs));
    a->o.tags = calloc(max, sizeof(*a->o.tags));
    if (!a->o.layers || !a->o.inputs || !a->o.tags) {
        fprintf(stderr, "%s: out of memory\n", WHO);
        return GLOSSA_EXIT_FAILURE;
    }
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "f:o:h", long_opts, WHO)) != -1) {
        int code = take_option(a, c, optarg);
        if (code != GO)
            return code;
    }
    a->files = argv + optind;
    a->n_files = (size_t)(argc - optind);
    return check_args(a);
}

/* ---- The loop over records --------------------------------------------- */

typedef struct loop {
    const args_t *a;
    export_out_t *out;
    export_inputs_t *inputs;
    json_t *ids;    /* id -> "file:line" of the record that had it */
    json_t *layers; /* the layers the records have */
    unsigned long records, exported, skipped;
} loop_t;

/* Notes the record's layers, so that a --layer no record has gets a
 * warning. */
static void note_layers(loop_t *L, const json_t *record)
{
    const char *key;
    const json_t *v;
    json_object_foreach(json_object_get(record, "annotations"), key, v)
    {
        (void)v;
        json_object_set_new(L->layers, key, json_true());
    }
}

/* A record whose id came before is left out: the formats name files and
 * annotations after ids. */
static int check_unique(loop_t *L, const export_doc_t *doc)
{
    const json_t *first = json_object_get(L->ids, doc->id);
    if (first) {
        glossa_export__say(WHO, doc->origin,
                           "record \"%s\": left out: %s had the same id",
                           doc->id, json_string_value(first));
        return EXPORT_SKIP;
    }
    if (json_object_set_new(L->ids, doc->id, json_string(doc->origin)) != 0) {
        glossa_export__say(WHO, NULL, "out of memory");
        return GLOSSA_ENOMEM;
    }
    return 0;
}

static int one_record(loop_t *L, const char *line, size_t len,
                      const char *origin)
{
    L->records++;
    json_error_t jerr;
    json_t *record =
        json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!record) {
        glossa_export__say(WHO, origin, "column %d: invalid JSON: %s",
                           jerr.column, jerr.text);
        return EXPORT_SKIP;
    }
    note_layers(L, record);
    export_doc_t doc;
    int rc =
        glossa_export__doc_read(&doc, record, origin, &L->a->o, L->inputs,
                                (L->a->format->flags & EXPORT_NEEDS_TEXT) != 0);
    if (rc == 0)
        rc = check_unique(L, &doc);
    if (rc == 0)
        rc = L->a->format->doc(L->out, &doc);
    glossa_export__doc_clear(&doc);
    json_decref(record);
    return rc;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Every record of one JSONL file. Returns 0 or a negative code. */
static int one_file(loop_t *L, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        glossa_export__say(WHO, path, "cannot open: %s", strerror(errno));
        return GLOSSA_EIO;
    }
    char *buf = NULL, origin[600];
    size_t cap = 0;
    ssize_t len;
    unsigned long line = 0;
    int rc = 0;
    while (rc >= 0 && (len = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (is_blank(buf, (size_t)len))
            continue;
        snprintf(origin, sizeof(origin), "%s:%lu", name, line);
        rc = one_record(L, buf, (size_t)len, origin);
        if (rc == EXPORT_SKIP)
            L->skipped++;
        else if (rc == 0)
            L->exported++;
    }
    if (rc >= 0 && ferror(f)) {
        glossa_export__say(WHO, name, "read error: %s", strerror(errno));
        rc = GLOSSA_EIO;
    }
    free(buf);
    if (!is_stdin)
        fclose(f);
    return rc < 0 ? rc : 0;
}

/* --layer names no record has: likely a typo. */
static void warn_layers(const loop_t *L)
{
    for (size_t i = 0; i < L->a->o.n_layers; i++) {
        const char *name = L->a->o.layers[i];
        if (json_object_get(L->layers, name) || L->records == 0)
            continue;
        const char *names[64], *key;
        size_t n = 0;
        const json_t *v;
        json_object_foreach(L->layers, key, v)
        {
            (void)v;
            if (n < 64)
                names[n++] = key;
        }
        const char *close = glossa_cli_closest(name, names, n);
        glossa_export__say(WHO, NULL,
                           "warning: no record has the layer \"%s\"%s%s%s",
                           name, close ? "; did you mean \"" : "",
                           close ? close : "", close ? "\"?" : "");
    }
}

static int run_loop(loop_t *L)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < L->a->n_files; i++)
        rc = one_file(L, L->a->files[i]);
    if (rc == 0)
        rc = L->a->format->end(L->out);
    if (rc == 0)
        warn_layers(L);
    return rc;
}

/* Opens the output, runs the loop, publishes the output. */
static int run_export(const args_t *a)
{
    export_out_t out = {.opts = &a->o};
    export_output_t file = {0};
    loop_t L = {.a = a, .out = &out};
    int rc = 0;
    if (a->format->flags & EXPORT_TO_DIR) {
        out.dir = a->o.output;
        rc = glossa_export__mkdirs(WHO, out.dir);
    } else if ((rc = glossa_export__output_open(WHO, a->o.output, &file)) ==
               0) {
        out.f = file.f;
    }
    if (rc == 0 && a->o.n_inputs)
        rc = glossa_export__inputs_open(a->o.inputs, a->o.n_inputs, &L.inputs);
    if (rc == 0 && (!(L.ids = json_object()) || !(L.layers = json_object()))) {
        glossa_export__say(WHO, NULL, "out of memory");
        rc = GLOSSA_ENOMEM;
    }
    if (rc == 0 && (rc = a->format->begin(&out)) == 0)
        rc = run_loop(&L);
    if (a->format->release)
        a->format->release(&out);
    int closed = glossa_export__output_close(WHO, &file, rc == 0);
    glossa_export__inputs_free(L.inputs);
    json_decref(L.ids);
    json_decref(L.layers);
    if (rc == 0 && closed != 0)
        rc = closed;
    if (rc != 0)
        return GLOSSA_EXIT_FAILURE;
    if (L.skipped) {
        glossa_export__say(WHO, NULL,
                           "%lu of %lu records left out (see above); %lu "
                           "exported",
                           L.skipped, L.records, L.exported);
        return GLOSSA_EXIT_DOC_ERRORS;
    }
    return GLOSSA_EXIT_OK;
}

int glossa_cli_export(int argc, char **argv)
{
    args_t a;
    memset(&a, 0, sizeof(a));
    int code = parse_args(argc, argv, &a);
    if (code == GO)
        code = run_export(&a);
    args_free(&a);
    return code;
}
