/* The dates engine: TIMEX3 recognition and normalization, usable without
 * the Glossa host (the plugin in plugin.c is a thin layer over it, and the
 * unit tests and tools call it directly).
 *
 * An engine is compiled once from a data directory of lexicons, named
 * sub-patterns and rules (see data/README.md for the formats). After
 * dates_engine_load() returns, the engine is immutable: any number of
 * threads may call dates_engine_annotate() on it at once. Each call works
 * in a scratch (dates_scratch_t) of its own, or in one the caller keeps
 * across documents; nothing global is written.
 *
 * Errors are negative GLOSSA_E* codes (include/glossa/error.h) with a
 * message in a caller-supplied buffer that names file:line for data
 * errors. */
#ifndef DATES_DATES_H
#define DATES_DATES_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"

typedef struct dates_engine dates_engine_t;

/* Loads and compiles every lexicon, pattern and rule file under data_dir
 * (lexicon/, patterns/, rules/, each *.txt, in name order). On success
 * stores a new engine in *out (free with dates_engine_free) and returns 0.
 * On failure returns GLOSSA_EIO, GLOSSA_EPARSE or GLOSSA_ENOMEM, writes
 * "file:line: message" to err (NUL-terminated, at most err_size bytes)
 * and leaves *out NULL. */
int dates_engine_load(const char *data_dir, dates_engine_t **out, char *err,
                      size_t err_size);

/* Releases an engine; NULL is accepted. */
void dates_engine_free(dates_engine_t *engine);

/* Number of rules (for tests and logs). */
size_t dates_engine_rule_count(const dates_engine_t *engine);

/* A document creation time: a calendar day. */
typedef struct dates_dct {
    bool valid;
    dates_ymd_t date;
} dates_dct_t;

/* Parses an ISO 8601 date or date-time ("2022-10-31", "2022-10-31T12:00Z",
 * "20221031") into *dct. Returns 0, or -1 when s is not one (dct is then
 * invalid). */
int dates_dct_parse(const char *s, dates_dct_t *dct);

/* One temporal expression found by dates_engine_annotate(). Strings are
 * borrowed and valid only during the callback. */
typedef struct dates_span {
    size_t start, end;  /* byte offsets into the text, end exclusive */
    const char *label;  /* "DATE", "TIME", "DURATION" or "SET" */
    const char *value;  /* TIMEX3 value */
    const char *anchor; /* the anchor's value when the value was resolved
                           against the DCT or an earlier date, else NULL */
    const char *mod;    /* TIMEX3 mod ("END", "EQUAL_OR_LESS"...) or NULL */
    const char *rule;   /* name of the rule that matched */
} dates_span_t;

/* Receives each span in text order. A non-zero return stops the
 * annotation, and dates_engine_annotate() returns that value. */
typedef int (*dates_span_cb)(void *arg, const dates_span_t *span);

/* Flags for dates_engine_annotate(). */
enum {
    /* With no valid DCT, look for a dateline near the top of the text
     * ("Date: 29 November 2021", a line holding "October 31, 2022"). */
    DATES_DATELINE = 1u << 0
};

/* Finds and normalizes the temporal expressions of `text` (UTF-8, len
 * bytes, need not be NUL-terminated) against `dct` (NULL or invalid: none;
 * with DATES_DATELINE a dateline may supply one). Calls cb for each span
 * in order. If used_dct is not NULL it receives the DCT the values were
 * resolved against (invalid when there was none).
 *
 * Returns 0, GLOSSA_ENOMEM, or the callback's non-zero return. Thread
 * safe: see the file comment. Makes and frees a scratch for the call;
 * dates_scratch_annotate() does the same in a kept one. */
int dates_engine_annotate(const dates_engine_t *engine, const char *text,
                          size_t len, const dates_dct_t *dct, unsigned flags,
                          dates_span_cb cb, void *arg, dates_dct_t *used_dct);

/* The memory an annotation works in (match data, candidates, the 64 KB
 * table of the prefilters' marks), for one engine. Kept across documents,
 * it saves allocating and faulting it in for each; what a document finds
 * never depends on the documents annotated in it before. One thread at a
 * time: a caller on several threads keeps one per thread at work. */
typedef struct dates_scratch dates_scratch_t;

/* A new scratch for engine (which must outlive it), or NULL when out of
 * memory. */
dates_scratch_t *dates_scratch_new(const dates_engine_t *engine);

/* Releases a scratch; NULL is accepted. */
void dates_scratch_free(dates_scratch_t *scratch);

/* dates_engine_annotate() with scratch's engine, in scratch. */
int dates_scratch_annotate(dates_scratch_t *scratch, const char *text,
                           size_t len, const dates_dct_t *dct, unsigned flags,
                           dates_span_cb cb, void *arg, dates_dct_t *used_dct);

/* How many times the last annotation in scratch ran a rule over a range
 * (rules its prefilter let through), for tests and measurements. */
size_t dates_scratch_rule_runs(const dates_scratch_t *scratch);

#endif /* DATES_DATES_H */
