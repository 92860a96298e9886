/* Private structures of the dates engine, shared by its .c files. */
#ifndef DATES_INTERNAL_H
#define DATES_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdint.h>

#include "dates.h"
#include "lexicon.h"

/* Trigger classes: one bit per trigger lexicon, and four built-in classes
 * of digit tokens that the scanner recognizes by their shape, so that
 * amounts ("$4.5 million") wake only the rules that need them:
 *   digits  any digit token;
 *   year    4 digits from 1000 to 2099, or 2 digits after an apostrophe
 *           or before an "s" ('89, 80s);
 *   clock   1-2 digits before ":dd" or before am/pm;
 *   numdate 1-4 digits before [/.-] and a digit.
 * 64 classes is far more than the data needs; the loader reports
 * overflow. */
#define DATES_MAX_CLASSES 64
#define DATES_CLASS_DIGITS 0
#define DATES_CLASS_YEAR 1
#define DATES_CLASS_CLOCK 2
#define DATES_CLASS_NUMDATE 3
#define DATES_BUILTIN_CLASSES 4

/* The longest word the trigger table holds; longer words never trigger. */
#define DATES_MAX_WORD 24

/* ---- Value templates ---------------------------------------------------
 * A template is a list of nodes whose texts are concatenated: literal
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

typedef enum {
    DATES_T_DATE,
    DATES_T_TIME,
    DATES_T_DURATION,
    DATES_T_SET,
    DATES_T_NONE /* a negative rule: its match hides shorter ones */
} dates_type_t;

typedef struct dates_rule {
    char *name;
    char *file;
    int line;
    dates_type_t type;
    pcre2_code *re;
    uint32_t pairs; /* ovector pairs the rule needs */
    uint64_t triggers;
    dates_template_t *value;
    dates_template_t *mod; /* NULL: none; evaluates to "" for none */
    int priority;
    bool dateline;
    bool keep_ref;    /* false: its value never becomes the reference date */
    bool ytd;         /* names a report's year-to-date period ("the first
                       * nine months"): comparisons after it take the year */
    int extent_group; /* -1: the whole match */
} dates_rule_t;

struct dates_engine {
    dates_lexicon_t *lex;
    size_t nlex;
    dates_rule_t *rules;
    size_t nrules;
    uint32_t max_pairs;
    char *class_names[DATES_MAX_CLASSES];
    int nclasses;
    /* Trigger words: open addressing, power-of-two size. */
    char (*tw_keys)[DATES_MAX_WORD + 1];
    uint64_t *tw_masks;
    size_t tw_size;
    /* Lexicons the C functions consult, found once at load. */
    const dates_lexicon_t *lx_month, *lx_weekday, *lx_number, *lx_ordinal,
        *lx_unit, *lx_season, *lx_daypart, *lx_tense, *lx_decade;
};

/* ---- Templates (template.c) -------------------------------------------- */

/* Parses template text. Returns NULL and writes a message to err on a
 * syntax error, an unknown function or group name, or a wrong number of
 * arguments. */
dates_template_t *dates__template_parse(const char *src, const pcre2_code *re,
                                        char *err, size_t err_size);
void dates__template_free(dates_template_t *t);

/* A point of reference for anaphoric expressions ("a year earlier", "that
 * day"): the last date the document mentioned. */
typedef enum {
    G_NONE,
    G_CENTURY,
    G_DECADE,
    G_YEAR,
    G_HALF,
    G_QUARTER,
    G_SEASON,
    G_MONTH,
    G_WEEK,
    G_DAY
} dates_gran_t;

typedef struct dates_point {
    dates_gran_t gran;
    int y, m, d; /* m, d meaningful down to the granularity */
    int q;       /* quarter, half, season index or ISO week as granular */
} dates_point_t;

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
    /* Outputs: which anchor the value used. */
    bool used_dct;
    bool used_ref;
    bool used_qref;
    int tense; /* cached: 0 unknown yet, 1 past, 2 future, 3 none */
} dates_eval_t;

/* Evaluates t into out. Returns 0, or -1 when a function rejects its
 * input (the match is then dropped). */
int dates__template_eval(const dates_template_t *t, dates_eval_t *ev, char *out,
                         size_t out_size);

/* Parses a TIMEX3 value into a point; false when it is not a calendar
 * point (durations, *_REF, underspecified values). */
bool dates__point_parse(const char *value, dates_point_t *p);

#endif /* DATES_INTERNAL_H */
