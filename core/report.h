/* Filling a caller's glossa_error_t: the first error recorded wins. */
#ifndef GLOSSA_CORE_REPORT_H
#define GLOSSA_CORE_REPORT_H

#include <jansson.h>

#include "glossa/error.h"

/* Records code, source, line and message in err (NULL allowed) unless an
 * error is already recorded there. Returns code, so callers can write
 * `return glossa__fail(err, GLOSSA_EIO, path, 0, "...")`. */
int glossa__fail(glossa_error_t *err, int code, const char *source, int line,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* True when a failed Jansson parse failed for lack of memory. `mark` is
 * glossa__alloc_failures() taken before the parse: Jansson may report an
 * allocation failure as a syntax error ("invalid token"), so the hook's
 * own count decides. */
int glossa__json_oom(const json_error_t *jerr, unsigned long mark);

/* Jansson's message for a failed parse without the bytes it quotes
 * ("... near 'root:x:0'"): a pipeline or configuration path may name any
 * file, and an error must not show what is in it. Returns out. */
const char *glossa__json_error_text(const json_error_t *jerr, char *out,
                                    size_t size);

#endif
