/* glossa eval: argument parsing, warnings, the report (a table or JSON) and
 * floors. The scoring itself is in eval.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "eval_internal.h" /* glossa_eval__sorted_keys */

static const char usage_text[] =
    "usage: glossa eval --gold DIR [options] OUTPUT.jsonl\n"
    "\n"
    "Scores system output (the JSONL of glossa run; \"-\" reads stdin)\n"
    "against the gold files DIR/*.json, layer by layer.\n"
    "\n"
    "options:\n"
    "  --gold DIR            directory of gold files (required)\n"
    "  --layer OUT[=GOLD]    score output layer OUT against gold key GOLD\n"
    "                        (repeatable; default: every layer present in\n"
    "                        both the gold and the output)\n"
    "  --attr NAME           score the span attribute NAME (repeatable)\n"
    "  --doc-attr NAME       score the document attribute NAME: output\n"
    "                        document.OUT.NAME against gold\n"
    "                        GOLD_document.NAME (repeatable)\n"
    "  --json                print one JSON object of dotted metric names\n"
    "                        instead of a table\n"
    "  --floor METRIC=VALUE  fail (exit 5) if METRIC is below VALUE, e.g.\n"
    "                        --floor entities.exact.micro.f1=0.9 "
    "(repeatable)\n"
    "  -h, --help            print this help\n"
    "\n"
    "exit status: 0 ok, 1 I/O or parse error, 2 usage error, 5 floor not "
    "met.\n"
    "Metric names and matching rules: docs/evaluation.md.\n";

typedef struct floor_spec {
    char *metric;
    double value;
} floor_spec_t;

typedef struct args {
    const char *gold;
    const char *output;
    const char **layers;
    size_t n_layers;
    const char **attrs;
    size_t n_attrs;
    const char **doc_attrs;
    size_t n_doc_attrs;
    floor_spec_t *floors;
    size_t n_floors;
    int json;
    int help;
} args_t;

static void args_free(args_t *a)
{
    free(a->layers);
    free(a->attrs);
    free(a->doc_attrs);
    for (size_t i = 0; i < a->n_floors; i++)
        free(a->floors[i].metric);
    free(a->floors);
}

/* Matches argv[*i] against option `name`, as "--name VALUE" or
 * "--name=VALUE". Returns 1 and sets *value, 0 if it is another option, -1
 * if the value is missing. */
static int opt_value(int argc, char **argv, int *i, const char *name,
                     const char **value)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

/* METRIC=VALUE, split at the last '=' (VALUE is a number, so a metric name
 * may contain '='). */
static int parse_floor(const char *spec, floor_spec_t *f)
{
    const char *eq = strrchr(spec, '=');
    if (!eq || eq == spec || !eq[1])
        return -1;
    char *end;
    double v = strtod(eq + 1, &end);
    if (*end != '\0' || !isfinite(v))
        return -1;
    size_t n = (size_t)(eq - spec);
    if (!(f->metric = malloc(n + 1)))
        return -2;
    memcpy(f->metric, spec, n);
    f->metric[n] = '\0';
    f->value = v;
    return 0;
}

static int usage_error(FILE *errs, const char *fmt, ...) GLOSSA_PRINTF(2, 3);

static int usage_error(FILE *errs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("glossa eval: ", errs);
    vfprintf(errs, fmt, ap);
    fputs("\nTry 'glossa eval --help'.\n", errs);
    va_end(ap);
    return GLOSSA_EXIT_USAGE;
}

/* An option eval does not know, with the closest one it does. */
static int unknown_option(FILE *errs, const char *arg)
{
    static const char *const names[] = {"--gold",     "--layer", "--attr",
                                        "--doc-attr", "--json",  "--floor",
                                        "--help"};
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
    const char *close =
        glossa_cli_closest(name, names, sizeof(names) / sizeof(names[0]));
    if (close)
        return usage_error(errs, "unknown option \"%s\"; did you mean %s?", arg,
                           close);
    return usage_error(errs, "unknown option \"%s\"", arg);
}

static int parse_args(int argc, char **argv, args_t *a, FILE *errs)
{
    size_t max = argc > 0 ? (size_t)argc : 1;
    a->layers = calloc(max, sizeof(*a->layers));
    a->attrs = calloc(max, sizeof(*a->attrs));
    a->doc_attrs = calloc(max, sizeof(*a->doc_attrs));
    a->floors = calloc(max, sizeof(*a->floors));
    if (!a->layers || !a->attrs || !a->doc_attrs || !a->floors) {
        fputs("glossa eval: out of memory\n", errs);
        return GLOSSA_EXIT_FAILURE;
    }
    int only_operands = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        int m;
        if (only_operands || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (a->output)
                return usage_error(errs,
                                   "unexpected argument \"%s\" "
                                   "(only one OUTPUT.jsonl)",
                                   arg);
            a->output = arg;
        } else if (strcmp(arg, "--") == 0) {
            only_operands = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            a->help = 1;
        } else if (strcmp(arg, "--json") == 0) {
            a->json = 1;
        } else if ((m = opt_value(argc, argv, &i, "--gold", &v)) != 0) {
            if (m < 0)
                return usage_error(errs, "%s needs a directory", arg);
            a->gold = v;
        } else if ((m = opt_value(argc, argv, &i, "--layer", &v)) != 0) {
            if (m < 0)
                return usage_error(errs, "%s needs OUT or OUT=GOLD", arg);
            a->layers[a->n_layers++] = v;
        } else if ((m = opt_value(argc, argv, &i, "--attr", &v)) != 0) {
            if (m < 0)
                return usage_error(errs, "%s needs a name", arg);
            a->attrs[a->n_attrs++] = v;
        } else if ((m = opt_value(argc, argv, &i, "--doc-attr", &v)) != 0) {
            if (m < 0)
                return usage_error(errs, "%s needs a name", arg);
            a->doc_attrs[a->n_doc_attrs++] = v;
        } else if ((m = opt_value(argc, argv, &i, "--floor", &v)) != 0) {
            if (m < 0)
                return usage_error(errs, "%s needs METRIC=VALUE", arg);
            int rc = parse_floor(v, &a->floors[a->n_floors]);
            if (rc == -2) {
                fputs("glossa eval: out of memory\n", errs);
                return GLOSSA_EXIT_FAILURE;
            }
            if (rc != 0)
                return usage_error(errs,
                                   "bad --floor \"%s\": expected METRIC=VALUE "
                                   "with a number as VALUE",
                                   v);
            a->n_floors++;
        } else {
            return unknown_option(errs, arg);
        }
    }
    if (a->help)
        return GLOSSA_EXIT_OK;
    if (!a->gold)
        return usage_error(errs, "%s", "--gold DIR is required");
    if (!a->output)
        return usage_error(errs, "%s", "no OUTPUT.jsonl given");
    return GLOSSA_EXIT_OK;
}

static void print_error(FILE *errs, const glossa_error_t *e)
{
    fputs("glossa eval: ", errs);
    if (e->source[0]) {
        fputs(e->source, errs);
        if (e->line > 0)
            fprintf(errs, ":%d", e->line);
        if (e->line > 0 && e->column > 0)
            fprintf(errs, ":%d", e->column);
        fputs(": ", errs);
    }
    fprintf(errs, "%s\n", e->text[0] ? e->text : "error");
}

static long long count_of(const json_t *obj, const char *key)
{
    return (long long)json_integer_value(json_object_get(obj, key));
}

static void warn_unused(FILE *errs, const json_t *layers, const char *what,
                        const char *section, const char *name)
{
    const char *layer;
    json_t *L;
    json_object_foreach((json_t *)layers, layer, L)
    {
        (void)layer;
        if (json_object_get(json_object_get(L, section), name))
            return;
    }
    fprintf(errs, "glossa eval: warning: %s \"%s\" is in no scored layer\n",
            what, name);
}

static void print_warnings(FILE *errs, const json_t *report, const args_t *a)
{
    const json_t *docs = json_object_get(report, "documents");
    const json_t *ids = json_object_get(docs, "missing_ids");
    size_t n = json_array_size(ids);
    if (n > 0) {
        fprintf(errs,
                "glossa eval: warning: %zu gold document%s missing from the "
                "output, counted as missed:",
                n, n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++)
            fprintf(errs, "%s %s", i ? "," : "",
                    json_string_value(json_array_get(ids, i)));
        fputc('\n', errs);
    }
    const json_t *layers = json_object_get(report, "layers");
    if (json_object_size(layers) == 0)
        fputs("glossa eval: warning: no layer is present in both the gold "
              "and the output\n",
              errs);
    for (size_t i = 0; i < a->n_layers; i++) {
        char name[256];
        const char *eq = strchr(a->layers[i], '=');
        int len = eq ? (int)(eq - a->layers[i]) : (int)strlen(a->layers[i]);
        snprintf(name, sizeof(name), "%.*s", len, a->layers[i]);
        const json_t *L = json_object_get(layers, name);
        if (L && count_of(L, "output_documents") == 0)
            fprintf(errs,
                    "glossa eval: warning: no scored output record has "
                    "layer \"%s\"\n",
                    name);
    }
    for (size_t i = 0; i < a->n_attrs; i++)
        warn_unused(errs, layers, "attribute", "attr", a->attrs[i]);
    for (size_t i = 0; i < a->n_doc_attrs; i++)
        warn_unused(errs, layers, "document attribute", "doc", a->doc_attrs[i]);
}

/* ---- The table ---- */

#define CELL 10

static void cell_ratio(FILE *out, const json_t *v)
{
    if (json_is_number(v))
        fprintf(out, "%*.4f", CELL, json_number_value(v));
    else
        fprintf(out, "%*s", CELL, "-");
}

static void cell_count(FILE *out, const json_t *obj, const char *key)
{
    fprintf(out, "%*lld", CELL, count_of(obj, key));
}

static void header(FILE *out, int width, const char *title,
                   const char *const *cols, size_t n)
{
    fprintf(out, "  %-*s", width, title);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%*s", CELL, cols[i]);
    fputc('\n', out);
}

static void prf_row(FILE *out, int width, const char *indent, const char *name,
                    const json_t *prf)
{
    fprintf(out, "  %s%-*s", indent, width - (int)strlen(indent), name);
    cell_ratio(out, json_object_get(prf, "precision"));
    cell_ratio(out, json_object_get(prf, "recall"));
    cell_ratio(out, json_object_get(prf, "f1"));
    cell_count(out, prf, "tp");
    cell_count(out, prf, "fp");
    cell_count(out, prf, "fn");
    fputc('\n', out);
}

static int name_width(const json_t *obj, int indent, int width)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        (void)v;
        int w = (int)strlen(key) + indent + 2;
        if (w > width)
            width = w;
    }
    return width;
}

static int print_layer(FILE *out, const char *name, const json_t *L)
{
    static const char *const span_cols[] = {"P", "R", "F1", "TP", "FP", "FN"};
    static const char *const attr_cols[] = {"acc-exact", "acc-relax", "P", "R",
                                            "F1",        "macro-F1"};
    static const char *const doc_cols[] = {"accuracy", "correct", "total"};
    const json_t *exact = json_object_get(L, "exact");
    const json_t *per_label = json_object_get(exact, "per_label");
    const json_t *attrs = json_object_get(L, "attr");
    const json_t *docs = json_object_get(L, "doc");
    int width = 16;
    width = name_width(per_label, 2, width);
    width = name_width(attrs, 0, width);
    width = name_width(docs, 0, width);

    fprintf(out, "\n%s (gold layer %s): %lld documents", name,
            json_string_value(json_object_get(L, "gold_layer")),
            count_of(L, "documents"));
    if (exact)
        fprintf(out, ", %lld gold spans, %lld predicted",
                count_of(L, "gold_spans"), count_of(L, "predicted_spans"));
    fputc('\n', out);

    if (exact) {
        header(out, width, "spans", span_cols, 6);
        prf_row(out, width, "", "exact (micro)",
                json_object_get(exact, "micro"));
        size_t n;
        const char **labels = glossa_eval__sorted_keys(per_label, &n);
        if (!labels)
            return -1;
        for (size_t i = 0; i < n; i++)
            prf_row(out, width, "  ", labels[i],
                    json_object_get(per_label, labels[i]));
        free(labels);
        prf_row(out, width, "", "strict", json_object_get(L, "strict"));
        prf_row(out, width, "", "relaxed", json_object_get(L, "relaxed"));
    }
    if (attrs) {
        size_t n;
        const char **names = glossa_eval__sorted_keys(attrs, &n);
        if (!names)
            return -1;
        header(out, width, "attributes", attr_cols, 6);
        for (size_t i = 0; i < n; i++) {
            const json_t *A = json_object_get(attrs, names[i]);
            fprintf(out, "  %-*s", width, names[i]);
            cell_ratio(out, json_object_get(A, "accuracy_exact"));
            cell_ratio(out, json_object_get(A, "accuracy_relaxed"));
            cell_ratio(out, json_object_get(A, "precision"));
            cell_ratio(out, json_object_get(A, "recall"));
            cell_ratio(out, json_object_get(A, "f1"));
            cell_ratio(out, json_object_get(A, "macro_f1"));
            fputc('\n', out);
        }
        free(names);
    }
    if (docs) {
        size_t n;
        const char **names = glossa_eval__sorted_keys(docs, &n);
        if (!names)
            return -1;
        header(out, width, "document", doc_cols, 3);
        for (size_t i = 0; i < n; i++) {
            const json_t *D = json_object_get(docs, names[i]);
            fprintf(out, "  %-*s", width, names[i]);
            cell_ratio(out, json_object_get(D, "accuracy"));
            cell_count(out, D, "correct");
            cell_count(out, D, "total");
            fputc('\n', out);
        }
        free(names);
    }
    return 0;
}

static int print_table(FILE *out, const json_t *report)
{
    const json_t *d = json_object_get(report, "documents");
    fprintf(out,
            "documents: %lld gold, %lld in output, %lld scored, %lld "
            "missing, %lld without gold, %lld with errors\n",
            count_of(d, "gold"), count_of(d, "output"), count_of(d, "scored"),
            count_of(d, "missing"), count_of(d, "without_gold"),
            count_of(d, "with_errors"));
    const json_t *layers = json_object_get(report, "layers");
    size_t n;
    const char **names = glossa_eval__sorted_keys(layers, &n);
    if (!names)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = print_layer(out, names[i], json_object_get(layers, names[i]));
    free(names);
    return rc;
}

/* ---- Floors ---- */

/* "0.8712 < 0.9000"; more digits when four would print the two the same. */
static void print_floor_failure(FILE *errs, const char *metric, double value,
                                int defined, double floor_value)
{
    char v[64], f[64];
    snprintf(f, sizeof(f), "%.4f", floor_value);
    if (!defined) {
        fprintf(errs, "floor not met: %s = undefined < %s\n", metric, f);
        return;
    }
    snprintf(v, sizeof(v), "%.4f", value);
    if (strcmp(v, f) == 0) {
        snprintf(v, sizeof(v), "%.10g", value);
        snprintf(f, sizeof(f), "%.10g", floor_value);
    }
    fprintf(errs, "floor not met: %s = %s < %s\n", metric, v, f);
}

static int check_floor_names(FILE *errs, const json_t *flat, const args_t *a)
{
    for (size_t i = 0; i < a->n_floors; i++) {
        double v;
        int defined;
        int rc = glossa_eval_metric(flat, a->floors[i].metric, &v, &defined);
        if (rc == GLOSSA_ENOENT)
            return usage_error(errs, "unknown metric \"%s\" in --floor",
                               a->floors[i].metric);
        if (rc != 0)
            return usage_error(errs, "\"%s\" in --floor is not a number",
                               a->floors[i].metric);
    }
    return GLOSSA_EXIT_OK;
}

static int check_floors(FILE *errs, const json_t *flat, const args_t *a)
{
    int code = GLOSSA_EXIT_OK;
    for (size_t i = 0; i < a->n_floors; i++) {
        double v;
        int defined;
        glossa_eval_metric(flat, a->floors[i].metric, &v, &defined);
        if (!defined || v < a->floors[i].value) {
            print_floor_failure(errs, a->floors[i].metric, v, defined,
                                a->floors[i].value);
            code = GLOSSA_EXIT_FLOOR;
        }
    }
    return code;
}

/* ---- The command ---- */

static int run(const args_t *a, FILE *out, FILE *errs)
{
    glossa_error_t e;
    memset(&e, 0, sizeof(e));
    glossa_eval_options_t opts = {
        .layers = a->layers,
        .n_layers = a->n_layers,
        .attrs = a->attrs,
        .n_attrs = a->n_attrs,
        .doc_attrs = a->doc_attrs,
        .n_doc_attrs = a->n_doc_attrs,
    };
    glossa_eval_t *ev = NULL;
    json_t *report = NULL, *flat = NULL;
    int rc = glossa_eval_new(&opts, &ev, &e);
    if (rc == 0)
        rc = glossa_eval_load_gold(ev, a->gold, &e);
    if (rc == 0)
        rc = glossa_eval_read_output(ev, a->output, &e);
    if (rc == 0)
        rc = glossa_eval_finish(ev, &report, &e);
    if (rc == 0 && !(flat = glossa_eval_flatten(report)))
        rc = GLOSSA_ENOMEM;
    glossa_eval_free(ev);

    int code;
    if (rc == GLOSSA_EINVAL) {
        code = usage_error(errs, "%s", e.text);
    } else if (rc != 0) {
        if (rc == GLOSSA_ENOMEM && !e.text[0])
            snprintf(e.text, sizeof(e.text), "out of memory");
        print_error(errs, &e);
        code = GLOSSA_EXIT_FAILURE;
    } else if ((code = check_floor_names(errs, flat, a)) == GLOSSA_EXIT_OK) {
        print_warnings(errs, report, a);
        int prc;
        if (a->json) {
            prc = json_dumpf(flat, out,
                             JSON_INDENT(2) | JSON_SORT_KEYS |
                                 JSON_REAL_PRECISION(15));
            if (prc == 0)
                fputc('\n', out);
        } else {
            prc = print_table(out, report);
        }
        if (prc != 0 || fflush(out) != 0 || ferror(out)) {
            fputs("glossa eval: cannot write the report\n", errs);
            code = GLOSSA_EXIT_FAILURE;
        } else {
            code = check_floors(errs, flat, a);
        }
    }
    json_decref(flat);
    json_decref(report);
    return code;
}

int glossa_eval_main(int argc, char **argv, FILE *out, FILE *errs)
{
    args_t a;
    memset(&a, 0, sizeof(a));
    int code = parse_args(argc, argv, &a, errs);
    if (code == GLOSSA_EXIT_OK && a.help)
        fputs(usage_text, out);
    else if (code == GLOSSA_EXIT_OK)
        code = run(&a, out, errs);
    args_free(&a);
    return code;
}

int glossa_cli_eval(int argc, char **argv)
{
    return glossa_eval_main(argc, argv, stdout, stderr);
}
