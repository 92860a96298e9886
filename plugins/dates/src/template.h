/* Value templates: a rule's value as text with capture groups and calls
 * of normalization functions ("%ymd($y, $m, $d)", "%rel(M, -, 1)"),
 * parsed once when the rules load (template.c) and evaluated for each
 * match, against what the document named before (dates_eval_t).
 *
 * Parsed templates are read-only: any number of threads may evaluate the
 * same template at once, each with its own dates_eval_t. */
#ifndef DATES_TEMPLATE_H
#define DATES_TEMPLATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dates.h"
#include "point.h"

/* The size of one evaluated value or argument, NUL included. */
#define DATES_VAL_MAX 64

/* A template is a list of nodes whose texts are concatenated: literal
 * text, a capture group, or a call of a normalization function whose
 * arguments are templates themselves. */
typedef enum { TN_TEXT, TN_GROUP, TN_CALL } dates_tnode_kind_t;

typedef struct dates_template dates_template_t;

typedef struct dates_tnode {
    dates_tnode_kind_t kind;
    char *text;  /* TN_TEXT */
    int *groups; /* TN_GROUP: numbers bearing the name, first set wins */
    int ngroups;
    int fn; /* TN_CALL: index into the function table */
    dates_template_t **args;
    int nargs;
} dates_tnode_t;

struct dates_template {
    dates_tnode_t *nodes;
    int n;
};

/* Parses template text. Returns NULL and writes a message to err on a
 * syntax error, an unknown function or group name, or a wrong number of
 * arguments. */
dates_template_t *dates__template_parse(const char *src, const pcre2_code *re,
                                        char *err, size_t err_size);
void dates__template_free(dates_template_t *t);

/* Everything a template evaluation sees. */
typedef struct dates_eval {
    const dates_engine_t *engine;
    const char *text;
    size_t len;
    size_t start, end; /* the match */
    const PCRE2_SIZE *ov;
    uint32_t pairs;
    dates_dct_t dct;
    dates_point_t ref; /* G_NONE when no earlier date */
    char ref_value[64];
    dates_point_t qref; /* the last quarter named that is over by the DCT;
                         * G_NONE when none */
    char qref_value[64];
    bool qytd; /* a year-to-date period was named after the last quarter */
    dates_point_t scene; /* the day a narrative is on (an `anchor = scene`
                          * span earlier in the paragraph); G_NONE when none */
    /* Outputs: which anchor the value used. */
    bool used_scene;
    bool used_dct;
    bool used_ref;
    bool used_qref;
    int tense; /* cached: 0 unknown yet, 1 past, 2 future, 3 none */
} dates_eval_t;

/* Evaluates t into out. Returns 0, or -1 when a function rejects its
 * input (the match is then dropped). */
int dates__template_eval(const dates_template_t *t, dates_eval_t *ev, char *out,
                         size_t out_size);

#endif /* DATES_TEMPLATE_H */
