/* Loading the data directory (load.c, load_lexicon.c, load_rules.c): the
 * loader's state, its error reporting and the text helpers its parts
 * share. Private to the loader; the engine it builds is in internal.h.
 *
 * Errors: the first one wins. A function that fails records its code and
 * a "file:line: message" in the loader (dates__fail) and returns the
 * code; later failures keep the first message. */
#ifndef DATES_LOADER_H
#define DATES_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include <glossa/export.h>

#include "internal.h"

/* A growing string; on allocation failure it stops growing and sets
 * oom. */
typedef struct dates_sb {
    char *s;
    size_t n, cap;
    bool oom;
} dates_sb_t;

void dates__sb_add(dates_sb_t *b, const char *s, size_t n);
void dates__sb_str(dates_sb_t *b, const char *s);

/* A named sub-pattern of patterns/<name>.txt, alive during loading only. */
typedef struct dates_subpattern {
    char *name, *raw, *file;
    int line;
    char *expanded; /* cache */
    bool busy;      /* cycle detection */
} dates_subpattern_t;

typedef struct dates_loader {
    dates_engine_t *e;
    char *err;
    size_t err_size;
    int rc;
    dates_subpattern_t *pats;
    size_t npats;
    dates_need_memo_t *memo; /* the prefilters' analysis (prefilter.h) */
} dates_loader_t;

/* Records the first error: rc and "file:line: message" (file and line
 * may be NULL and 0). Returns the first error's code. */
int dates__fail(dates_loader_t *L, int rc, const char *file, int line,
                const char *fmt, ...) GLOSSA_PRINTF(5, 6);
/* dates__fail with GLOSSA_ENOMEM, "out of memory". */
int dates__oom(dates_loader_t *L);

/* strdup and strndup that may return NULL (the caller reports it). */
char *dates__strdup(const char *s);
char *dates__strndup(const char *s, size_t n);

/* A whole file, NUL-terminated; NULL after dates__fail. */
char *dates__read_file(dates_loader_t *L, const char *path);

/* s without leading blanks, trailing ones cut in place. */
char *dates__trim(char *s);

/* True for [A-Za-z_][A-Za-z0-9_]*. */
bool dates__is_ident(const char *s);

/* ---- Lexicons (load_lexicon.c) ----------------------------------------- */

/* Loads lexicon/<name>.txt (path; shortp names it in messages) into a
 * new lexicon of the engine, adding its words to the trigger table when
 * it is marked !trigger. Returns 0 or the error code. */
int dates__load_lexicon(dates_loader_t *L, const char *path,
                        const char *shortp);

/* The lexicon as a regex alternation (a new string, or NULL after
 * dates__fail). */
char *dates__lexicon_regex(dates_loader_t *L, const dates_lexicon_t *lex);

/* ---- Patterns and rules (load_rules.c) --------------------------------- */

/* Reads the sub-patterns of one patterns/<name>.txt file (buf, its text, is
 * changed). Returns 0 or the error code. */
int dates__load_patterns(dates_loader_t *L, const char *shortp, char *buf);

/* Reads and compiles the rules of one rules/<name>.txt file (buf, its text, is
 * changed) into the engine. Returns 0 or the error code. */
int dates__load_rules(dates_loader_t *L, const char *shortp, char *buf);

/* Frees the sub-patterns once everything is loaded. */
void dates__subpatterns_free(dates_loader_t *L);

#endif /* DATES_LOADER_H */
