#include <stdio.h>
#include <string.h>

#include "glossa/error.h"

/* The table's end (GLOSSA__ERRNO_MIN) is derived from its length, which
 * holds only while the codes run from -1 down without gaps. */
#define GLOSSA__ERRNO_CHECK(name, value, msg)                                  \
    _Static_assert((value) == -GLOSSA__ERRNO_AT_##name - 1,                    \
                   "error codes run from -1 down without gaps: " #name);
GLOSSA_ERRNO_MAP(GLOSSA__ERRNO_CHECK)
#undef GLOSSA__ERRNO_CHECK

const char *glossa_strerror(int code)
{
    switch (code) {
#define GLOSSA__ERRNO_MSG(name, value, msg)                                    \
    case value:                                                                \
        return msg;
        GLOSSA_ERRNO_MAP(GLOSSA__ERRNO_MSG)
#undef GLOSSA__ERRNO_MSG
    case 0:
        return "success";
    default:
        return "unknown error";
    }
}

const char *glossa_err_name(int code)
{
    switch (code) {
#define GLOSSA__ERRNO_NAME(name, value, msg)                                   \
    case value:                                                                \
        return #name;
        GLOSSA_ERRNO_MAP(GLOSSA__ERRNO_NAME)
#undef GLOSSA__ERRNO_NAME
    case 0:
        return "OK";
    default:
        return "EUNKNOWN";
    }
}

void glossa_error_clear(glossa_error_t *err)
{
    if (err)
        memset(err, 0, sizeof(*err));
}

const char *glossa_error_format(const glossa_error_t *err, char *buf,
                                unsigned long size)
{
    if (!buf || size == 0)
        return buf;
    buf[0] = '\0';
    if (!err)
        return buf;
    const char *text = err->text[0] ? err->text : glossa_strerror(err->code);
    if (err->source[0] && err->line > 0 && err->column > 0)
        snprintf(buf, size, "%s:%d:%d: %s", err->source, err->line, err->column,
                 text);
    else if (err->source[0] && err->line > 0)
        snprintf(buf, size, "%s:%d: %s", err->source, err->line, text);
    else if (err->source[0])
        snprintf(buf, size, "%s: %s", err->source, text);
    else
        snprintf(buf, size, "%s", text);
    return buf;
}
