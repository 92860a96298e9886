/* The scoring library behind `glossa eval`: load gold files, read system
 * output, compare them layer by layer and report the metrics as JSON.
 * docs/evaluation.md defines every metric and how spans are matched.
 *
 * Typical use (error handling left out):
 *
 *   glossa_eval_options_t opts = {.attrs = names, .n_attrs = 1};
 *   glossa_eval_t *ev;
 *   glossa_eval_new(&opts, &ev, &err);
 *   glossa_eval_load_gold(ev, "tests/gold", &err);
 *   glossa_eval_read_output(ev, "out.jsonl", &err);
 *   json_t *report;
 *   glossa_eval_finish(ev, &report, &err);
 *   json_t *flat = glossa_eval_flatten(report);
 *   ...
 *   json_decref(flat);
 *   json_decref(report);
 *   glossa_eval_free(ev);
 *
 * Nothing here prints; warnings the caller may want to show (missing
 * documents, layers absent from the output) are counts in the report.
 *
 * The CLI is a client of libglossa and uses only public headers, so these
 * names carry the public prefix, but they are not part of libglossa's API.
 *
 * ERRORS. Functions return 0 or a negative GLOSSA_E* code and fill the
 * optional glossa_error_t: GLOSSA_EINVAL for a bad option or an option that
 * names something the gold does not have (a usage error), GLOSSA_EPARSE for
 * malformed gold or output (with file and line), GLOSSA_EIO / GLOSSA_ENOENT
 * for files that cannot be read, GLOSSA_ENOMEM, GLOSSA_ESTATE for calls out
 * of order. After an error other than EINVAL from glossa_eval_new the
 * evaluator must only be freed.
 *
 * THREADS. An evaluator is used from one thread at a time. */
#ifndef GLOSSA_CLI_EVAL_H
#define GLOSSA_CLI_EVAL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "glossa/error.h"

typedef struct glossa_eval glossa_eval_t;

typedef struct glossa_eval_options {
    /* "OUT" or "OUT=GOLD": score output layer OUT against gold key GOLD
     * (GOLD defaults to OUT). With none, every layer present in both the
     * gold and the output is scored. */
    const char *const *layers;
    size_t n_layers;
    /* Span attributes to score (e.g. "canonical", "value", "polarity"). */
    const char *const *attrs;
    size_t n_attrs;
    /* Document attributes: output document.<OUT>.NAME against gold
     * <GOLD>_document.NAME. */
    const char *const *doc_attrs;
    size_t n_doc_attrs;
} glossa_eval_options_t;

/* Creates an evaluator. The strings in opts are copied. EINVAL for an
 * empty or duplicate layer name, or an empty attribute name. */
int glossa_eval_new(const glossa_eval_options_t *opts, glossa_eval_t **out,
                    glossa_error_t *err);

/* Frees the evaluator; NULL allowed. */
void glossa_eval_free(glossa_eval_t *ev);

/* Adds every DIR/<name>.json (hidden files skipped) as a gold document, in
 * name order. ENOENT if DIR cannot be opened or holds no .json file;
 * EPARSE (source = the file, with line and column for JSON syntax errors)
 * for a malformed file. Must be called before any output is added. */
int glossa_eval_load_gold(glossa_eval_t *ev, const char *dir,
                          glossa_error_t *err);

/* Adds one gold document. doc is borrowed (the evaluator takes its own
 * reference); source names it in error messages and may be NULL. EPARSE if
 * the id is missing or duplicate, or a layer is not a list of valid spans. */
int glossa_eval_add_gold(glossa_eval_t *ev, json_t *doc, const char *source,
                         glossa_error_t *err);

/* Reads system output JSONL from path ("-" is stdin), one record per line,
 * blank lines skipped, scoring each record as it is read: memory use does
 * not grow with the size of the output. EPARSE names the file and line. */
int glossa_eval_read_output(glossa_eval_t *ev, const char *path,
                            glossa_error_t *err);

/* Scores one output record (borrowed). source and line (1-based, 0 if
 * none) name it in error messages. EPARSE for a record that is not an
 * object, has no string or integer id, repeats an id, or holds malformed
 * spans. Records whose id has no gold document are counted and ignored. */
int glossa_eval_add_record(glossa_eval_t *ev, const json_t *record,
                           const char *source, int line, glossa_error_t *err);

/* Ends the evaluation: gold documents that no record matched count as
 * entirely missed. Sets *report to a new reference to the nested report:
 *
 *   {"documents": {"gold", "output", "scored", "missing", "without_gold",
 *                  "with_errors", "missing_ids": [...]},
 *    "layers": {"<OUT>": {"gold_layer", "documents", "output_documents",
 *                         "gold_spans", "predicted_spans",
 *                         "exact": {"micro": PRF, "per_label": {L: PRF}},
 *                         "strict": PRF, "relaxed": PRF,
 *                         "attr": {NAME: {...}}, "doc": {NAME: {...}}}}}
 *
 * where PRF is {"tp", "fp", "fn", "precision", "recall", "f1"}. Ratios
 * whose denominator is zero are JSON null. Layers, attributes and labels
 * appear only when the data has them (see docs/evaluation.md). Can be
 * called once; ESTATE afterwards. */
int glossa_eval_finish(glossa_eval_t *ev, json_t **report, glossa_error_t *err);

/* Flattens a report into one object of dotted metric names
 * ("entities.exact.micro.f1", "documents.missing"); the "layers" level is
 * dropped. Returns a new reference, NULL on allocation failure. */
json_t *glossa_eval_flatten(const json_t *report);

/* Looks up a metric in a flattened report. Returns 0 and sets *value and
 * *defined (0 when the metric is null, i.e. undefined for this data),
 * GLOSSA_ENOENT for an unknown name, GLOSSA_EINVAL for a name that is not a
 * number (such as "entities.gold_layer"). */
int glossa_eval_metric(const json_t *flat, const char *name, double *value,
                       int *defined);

/* The whole `glossa eval` command writing to the given streams; argv[0] is
 * "eval". glossa_cli_eval(argc, argv) is glossa_eval_main(argc, argv,
 * stdout, stderr). Exit codes: 0 ok, 1 I/O or parse error, 2 usage error,
 * 5 a floor not met. */
int glossa_eval_main(int argc, char **argv, FILE *out, FILE *errs);

#endif /* GLOSSA_CLI_EVAL_H */
