/* What the files of the eval library share: the evaluator's state and the
 * helpers one file defines for the others. Not for the library's users,
 * who have eval.h.
 *
 *   eval.c         the life cycle: options, layers; shared helpers
 *   gold.c         gold documents and the layers found in them
 *   read_output.c  system output, record by record
 *   spans.c        spans, ids and attributes read from JSON
 *   match.c        span matching: exact, strict and relaxed pairs
 *   score.c        one document's layer counted into the layer's totals
 *   report.c       the counts turned into the report
 *
 * Names shared between these files carry the glossa_eval__ prefix. */
#ifndef GLOSSA_CLI_EVAL_INTERNAL_H
#define GLOSSA_CLI_EVAL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "eval.h"

/* No partner: a span that is not paired. */
#define NONE SIZE_MAX

typedef long long count_t;

typedef struct prf {
    count_t tp, fp, fn;
} prf_t;

typedef struct attr_stats {
    int present; /* some gold or predicted span carries the attribute */
    count_t exact_pairs, exact_correct;
    count_t relaxed_pairs, relaxed_correct;
    count_t tp, predicted, gold;
    json_t *classes; /* class key (compact JSON) -> [tp, predicted, gold] */
} attr_stats_t;

typedef struct doc_stats {
    count_t total, correct;
} doc_stats_t;

typedef struct layer {
    char *out;
    char *gold;
    char *gold_doc; /* "<gold>_document" */
    int automatic;  /* found in the gold, kept only if the output has it */
    count_t documents, output_documents;
    count_t gold_spans, predicted_spans;
    prf_t exact, strict, relaxed;
    json_t *per_label; /* label -> [tp, fp, fn] */
    attr_stats_t *attrs;
    doc_stats_t *docs;
} layer_t;

enum { STATE_GOLD, STATE_OUTPUT, STATE_DONE };

struct glossa_eval {
    char **attrs;
    size_t n_attrs;
    char **doc_attrs;
    size_t n_doc_attrs;
    layer_t *layers;
    size_t n_layers;
    int explicit_layers;
    int state;
    json_t *gold; /* id -> gold document */
    json_t *seen; /* id -> line of the output record */
    count_t n_output, n_scored, n_without_gold, n_with_errors;
};

typedef struct span {
    count_t start, end;
    const char *label; /* NULL: no label */
    const json_t *obj;
    size_t idx; /* position in the layer's array */
} span_t;

/* The counter arrays: an attribute class's [tp, predicted, gold] and a
 * label's [tp, fp, fn]. */
enum { C_TP, C_PRED, C_GOLD };
enum { L_TP, L_FP, L_FN };

/* ---- eval.c ---- */

/* Fills err (unless NULL or already filled: the first error wins) and
 * returns code. */
int glossa_eval__fail(glossa_error_t *err, int code, const char *source,
                      int line, int column, const char *fmt, ...)
    GLOSSA_PRINTF(6, 7);
/* glossa_eval__fail with GLOSSA_ENOMEM, "out of memory". */
int glossa_eval__nomem(glossa_error_t *err);

/* Allocated copies (free() them), or NULL when out of memory: s; the n
 * bytes at s, NUL-terminated; a followed by b. */
char *glossa_eval__dup_str(const char *s);
char *glossa_eval__dup_len(const char *s, size_t n);
char *glossa_eval__concat(const char *a, const char *b);
/* Frees the n strings of v, then v; NULL allowed when n is 0. */
void glossa_eval__free_strv(char **v, size_t n);

/* A qsort comparison of two char * elements. */
int glossa_eval__cmp_str(const void *a, const void *b);
/* The keys of obj, sorted; *n receives the count. Free the array only
 * (the keys are obj's). NULL on allocation failure. */
const char **glossa_eval__sorted_keys(const json_t *obj, size_t *n);

/* The layer scored under output name out, or NULL. */
layer_t *glossa_eval__find_layer(glossa_eval_t *ev, const char *out);
/* Adds a layer: the out_len bytes at out scored against gold key gold.
 * automatic: found in the gold, reported only if the output has it.
 * Returns 0 or GLOSSA_ENOMEM (nothing added). */
int glossa_eval__add_layer(glossa_eval_t *ev, const char *out, size_t out_len,
                           const char *gold, int automatic);

/* ---- spans.c ---- */

/* The document id as a string: a JSON string, or an integer in decimal
 * written into buf. Returns 0 and sets *id, or -1 if there is none. */
int glossa_eval__doc_id(const json_t *doc, char *buf, size_t size,
                        const char **id);
/* A member of obj; a JSON null counts as absent, for labels and
 * attributes alike. */
const json_t *glossa_eval__get_attr(const json_t *obj, const char *name);
/* Checks a JSON array of spans and fills *out (NULL when empty; free it).
 * where ("entities", "annotations.entities") prefixes error messages;
 * source and line name the input. Returns 0, GLOSSA_EPARSE or
 * GLOSSA_ENOMEM. */
int glossa_eval__parse_spans(const json_t *arr, const char *where, span_t **out,
                             size_t *n, const char *source, int line,
                             glossa_error_t *err);

/* ---- match.c ---- */

/* Pairs spans with equal extent (and equal label if with_label), one to
 * one, in (start, end, label, position) order. pairs[i] receives the
 * predicted span paired with gold span i, or NONE. gs and ps are scratch
 * arrays of ng and np spans. Returns the number of pairs. */
size_t glossa_eval__match_equal(const span_t *g, size_t ng, const span_t *p,
                                size_t np, int with_label, span_t *gs,
                                span_t *ps, size_t *pairs);
/* One-to-one relaxed matching of overlapping spans, with as many pairs as
 * possible. gmatch[i] / pmatch[j] receive the partner or NONE, *n_pairs
 * the number of pairs. Returns 0 or GLOSSA_ENOMEM. */
int glossa_eval__match_relaxed(const span_t *g, size_t ng, const span_t *p,
                               size_t np, size_t *gmatch, size_t *pmatch,
                               size_t *n_pairs);

/* ---- score.c ---- */

/* Counts one document's gold spans g and predicted spans p of layer L.
 * Returns 0 or GLOSSA_ENOMEM. */
int glossa_eval__score_spans(glossa_eval_t *ev, layer_t *L, const span_t *g,
                             size_t ng, const span_t *p, size_t np);
/* Counts the gold spans of a document no record scored: all of them are
 * misses. Returns 0 or GLOSSA_ENOMEM. */
int glossa_eval__count_misses(glossa_eval_t *ev, layer_t *L, const span_t *g,
                              size_t ng);

/* ---- read_output.c ---- */

/* Before the first record (or at the end, if there was none): checks the
 * explicit layers against the gold, and moves to STATE_OUTPUT. Returns 0
 * or GLOSSA_EINVAL. */
int glossa_eval__begin_output(glossa_eval_t *ev, glossa_error_t *err);

#endif /* GLOSSA_CLI_EVAL_INTERNAL_H */
