/* Error codes and error reports.
 *
 * A Glossa function that can fail returns 0 or a negative GLOSSA_E* code.
 * Functions that parse or load also fill an optional glossa_error_t with a
 * message and the place it refers to; the first error recorded wins. */
#ifndef GLOSSA_ERROR_H
#define GLOSSA_ERROR_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(name, value, message). Codes are never renumbered; new ones go at the
 * end. */
#define GLOSSA_ERRNO_MAP(X)                                                    \
    X(ENOMEM, -1, "out of memory")                                             \
    X(EINVAL, -2, "invalid argument")                                          \
    X(EIO, -3, "input/output error")                                           \
    X(ENOENT, -4, "no such file or directory")                                 \
    X(ELOAD, -5, "cannot load shared object")                                  \
    X(ENOSYM, -6, "plugin entry symbol not found")                             \
    X(EABI, -7, "incompatible plugin ABI")                                     \
    X(EDUPLICATE, -8, "duplicate plugin name")                                 \
    X(EDEPENDENCY, -9, "required layer is not provided by any plugin")         \
    X(ECYCLE, -10, "plugin dependency cycle")                                  \
    X(ECONFIG, -11, "invalid configuration")                                   \
    X(EPLUGIN, -12, "plugin failed")                                           \
    X(EPARSE, -13, "parse error")                                              \
    X(EUTF8, -14, "invalid UTF-8")                                             \
    X(ETOOBIG, -15, "size limit exceeded")                                     \
    X(ETIMEOUT, -16, "timed out")                                              \
    X(ECRASHED, -17, "worker process died")                                    \
    X(EINTR, -18, "interrupted")                                               \
    X(ESTATE, -19, "operation not valid in this state")                        \
    X(EEMPTY, -20, "empty document")                                           \
    X(EWARNING, -21, "warning")                                                \
    X(EBUSY, -22, "too busy, try again later")

/* Positions in the table. Codes run from -1 down without gaps (error.c
 * checks it), so the table's end follows from its length. */
enum {
#define GLOSSA__ERRNO_POSITION(name, value, msg) GLOSSA__ERRNO_AT_##name,
    GLOSSA_ERRNO_MAP(GLOSSA__ERRNO_POSITION)
#undef GLOSSA__ERRNO_POSITION
        GLOSSA__ERRNO_COUNT
};

typedef enum glossa_errno {
#define GLOSSA__ERRNO_ENUM(name, value, msg) GLOSSA_##name = (value),
    GLOSSA_ERRNO_MAP(GLOSSA__ERRNO_ENUM)
#undef GLOSSA__ERRNO_ENUM
        GLOSSA__ERRNO_MIN = -GLOSSA__ERRNO_COUNT - 1 /* one past the last */
} glossa_errno_t;

/* Human-readable message for a code; never NULL ("unknown error" for codes
 * outside the table). */
GLOSSA_API const char *glossa_strerror(int code);

/* Symbolic name ("ENOMEM") for a code; never NULL. */
GLOSSA_API const char *glossa_err_name(int code);

/* A detailed report, filled by functions that take a glossa_error_t *.
 * Lives on the caller's stack; every public function that takes one
 * clears it on entry, so it needs no initialisation (as Jansson's
 * json_error_t). All strings are NUL-terminated. */
typedef struct glossa_error {
    int code;         /* GLOSSA_E*, 0 while no error is recorded */
    int line;         /* 1-based line in `source`, 0 if not applicable */
    int column;       /* 1-based column, 0 if not applicable */
    char source[512]; /* file, plugin path or plugin name it refers to */
    char text[1024];  /* the message, without `source` */
} glossa_error_t;

/* Clears *err (NULL allowed). */
GLOSSA_API void glossa_error_clear(glossa_error_t *err);

/* Formats "source:line:column: text" into buf (always NUL-terminated) and
 * returns buf. Parts that are unset are left out. */
GLOSSA_API const char *glossa_error_format(const glossa_error_t *err, char *buf,
                                           unsigned long size);

#ifdef __cplusplus
}
#endif

#endif /* GLOSSA_ERROR_H */
