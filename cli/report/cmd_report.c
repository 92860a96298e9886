/* glossa report: one static HTML page for a corpus run, to look at each
 * document with its layers marked in the text and at the corpus as a
 * whole (docs/report.md). The records stream through: each is turned into
 * its compact form and written into the page at once, so memory holds one
 * record, the interned strings and, with --inputs, the input texts. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "report.h"

#define WHO "glossa report"
#define MAX_SKIPPED_SHOWN 100 /* broken lines listed in the page */

static void report_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa report [options] OUTPUT.jsonl... -o REPORT.html\n"
            "\n"
            "Writes one HTML page for the records of a `glossa run`: each "
            "document with its\nentities, dates, quotes and mediation "
            "sentences marked in its text, and the\ncorpus (stance over "
            "time and per outlet, frequent entities, counts, errors),\n"
            "with filters by label and outlet. The page needs no network "
            "and no other\nfile. The text comes from the records (`glossa "
            "run --with-text`) or from the\nrun's inputs (--inputs).\n"
            "\n"
            "options:\n"
            "  -o, --output FILE   the page to write (via FILE.partial; - "
            "for standard output)\n"
            "  --inputs PATH       the run's inputs, for the texts "
            "(repeatable; directories,\n"
            "                      JSONL files or files as `glossa run` "
            "reads them)\n"
            "  --title TEXT        the page's title (default: the first "
            "OUTPUT's name)\n"
            "  -q, --quiet         no summary on standard error\n"
            "\n"
            "exit status: 0 written, 1 an input or the page could not be "
            "read or written,\n2 usage error, 4 written, but some lines "
            "were not records (each named on\nstandard error and in the "
            "page).\n");
}

typedef struct options {
    const char *output, *title;
    const char **inputs;
    size_t n_inputs;
    int quiet;
} options_t;

typedef struct pass {
    glossa_report_corpus_t corpus;
    glossa_report_page_t *page;
    json_t *skipped; /* [{"where", "message"}], the first ones */
    size_t n_skipped;
} pass_t;

/* Notes a line that is not a record: on stderr and in the page. */
static void skip_line(pass_t *ps, const char *where, const char *msg)
{
    fprintf(stderr, WHO ": %s: %s; skipped\n", where, msg);
    if (ps->n_skipped++ < MAX_SKIPPED_SHOWN)
        json_array_append_new(ps->skipped, json_pack("{s:s,s:s}", "where",
                                                     where, "message", msg));
}

/* One line of an output file. Returns 0, or -1 for a fatal error. */
static int take_line(pass_t *ps, const char *line, size_t len,
                     const char *where)
{
    json_error_t jerr;
    json_t *record = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!record) {
        char msg[300];
        snprintf(msg, sizeof(msg), "column %d: invalid JSON: %s", jerr.column,
                 jerr.text);
        skip_line(ps, where, msg);
        return 0;
    }
    int rc = 0;
    if (!json_is_object(record)) {
        skip_line(ps, where, "not a record (a JSON object)");
    } else {
        json_t *doc = glossa_report_compact(&ps->corpus, record, where);
        rc = doc ? glossa_report_page_add_doc(ps->page, doc) : -1;
        if (!doc)
            fprintf(stderr, WHO ": %s: out of memory\n", where);
        json_decref(doc);
    }
    json_decref(record);
    return rc;
}

/* Every line of one output file ("-": standard input). */
static int take_file(pass_t *ps, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, WHO ": cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    const char *name = is_stdin ? "<stdin>" : path;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (strspn(line, " \t\r\n") >= len)
            continue; /* blank lines are not records (output-format.md) */
        char where[4200];
        snprintf(where, sizeof(where), "%s:%zu", name, lineno);
        rc = take_line(ps, line, len, where);
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, WHO ": cannot read %s: %s\n", name, strerror(errno));
        rc = -1;
    }
    free(line);
    if (!is_stdin)
        fclose(f);
    return rc;
}

/* What follows "docs" in the page's data. A new reference. */
static json_t *tail_of(const pass_t *ps, const options_t *o, char **paths,
                       size_t n_paths)
{
    json_t *sources = json_array();
    for (size_t i = 0; i < n_paths; i++)
        json_array_append_new(sources, json_string(paths[i]));
    json_t *layers = glossa_report_layers(&ps->corpus);
    return json_pack("{s:s,s:s,s:o,s:o,s:O,s:{s:I,s:O}}", "title", o->title,
                     "glossa", glossa_version(), "sources", sources, "layers",
                     layers, "strings", ps->corpus.strings, "skipped", "count",
                     (json_int_t)ps->n_skipped, "lines", ps->skipped);
}

/* The name of a path without its directory and extension. */
static const char *title_from(const char *path, char *buf, size_t size)
{
    if (strcmp(path, "-") == 0)
        return "standard input";
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(buf, size, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

/* Parses the command line; returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, options_t *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"inputs", required_argument, NULL, 'I'},
        {"title", required_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "o:qh", longopts, WHO)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'I':
            o->inputs[o->n_inputs++] = optarg;
            break;
        case 'T':
            o->title = optarg;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            report_usage(stdout);
            return GLOSSA_EXIT_OK;
        default:
            report_usage(stderr);
            return GLOSSA_EXIT_USAGE;
        }
    }
    if (optind >= argc || !o->output) {
        fprintf(stderr, WHO ": %s\n",
                optind >= argc ? "no OUTPUT.jsonl given"
                               : "no page to write: give -o REPORT.html");
        report_usage(stderr);
        return GLOSSA_EXIT_USAGE;
    }
    return -1;
}

static void summary(const pass_t *ps, const options_t *o)
{
    const glossa_report_corpus_t *c = &ps->corpus;
    fprintf(stderr, WHO ": %zu document%s (%zu with their text", c->n_docs,
            glossa_cli_plural(c->n_docs), c->n_docs - c->n_without_text);
    if (c->n_texts_from_inputs)
        fprintf(stderr, ", %zu of them from --inputs", c->n_texts_from_inputs);
    fprintf(stderr, "), %zu layers, %zu skipped lines -> %s\n",
            json_array_size(c->layers), ps->n_skipped,
            strcmp(o->output, "-") ? o->output : "standard output");
}

/* The pass over the records into the page. Returns the exit status. */
static int make_report(const options_t *o, char **paths, size_t n_paths,
                       json_t *texts)
{
    char buf[4096];
    const char *dir = glossa_report_data_dir(buf, sizeof(buf));
    if (!dir) {
        fprintf(stderr,
                WHO ": the page's template is missing (report/ beside "
                    "the glossa binary, %s/report, or $GLOSSA_REPORT_DIR)\n",
                GLOSSA_INSTALL_DATA_DIR);
        return GLOSSA_EXIT_FAILURE;
    }
    pass_t ps = {.skipped = json_array()};
    if (!ps.skipped || glossa_report_corpus_init(&ps.corpus, texts)) {
        fprintf(stderr, WHO ": out of memory\n");
        json_decref(ps.skipped);
        return GLOSSA_EXIT_FAILURE;
    }
    ps.page = glossa_report_page_begin(dir, o->output, o->title);
    int rc = ps.page ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n_paths; i++)
        rc = take_file(&ps, paths[i]);
    json_t *tail = rc == 0 ? tail_of(&ps, o, paths, n_paths) : NULL;
    if (tail) {
        rc = glossa_report_page_end(ps.page, tail);
        json_decref(tail);
    } else {
        if (rc == 0)
            fprintf(stderr, WHO ": cannot make the page's data (out of "
                                "memory, or a title or file name that is not "
                                "UTF-8)\n");
        glossa_report_page_abort(ps.page);
        rc = -1;
    }
    if (rc == 0 && !o->quiet)
        summary(&ps, o);
    json_decref(ps.skipped);
    glossa_report_corpus_free(&ps.corpus);
    if (rc)
        return GLOSSA_EXIT_FAILURE;
    return ps.n_skipped ? GLOSSA_EXIT_DOC_ERRORS : GLOSSA_EXIT_OK;
}

int glossa_cli_report(int argc, char **argv)
{
    options_t o = {0};
    o.inputs = calloc((size_t)argc, sizeof(*o.inputs));
    if (!o.inputs) {
        fprintf(stderr, WHO ": out of memory\n");
        return GLOSSA_EXIT_FAILURE;
    }
    int status = parse(argc, argv, &o);
    if (status >= 0) {
        free(o.inputs);
        return status;
    }
    char title[256];
    if (!o.title)
        o.title = title_from(argv[optind], title, sizeof(title));
    json_t *texts = NULL;
    if (o.n_inputs) {
        texts = glossa_report_inputs_load(o.inputs, o.n_inputs);
        if (!texts) {
            free(o.inputs);
            return GLOSSA_EXIT_FAILURE;
        }
    }
    status = make_report(&o, argv + optind, (size_t)(argc - optind), texts);
    json_decref(texts);
    free(o.inputs);
    return status;
}
