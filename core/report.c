#include "report.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int glossa__fail(glossa_error_t *err, int code, const char *source, int line,
                 const char *fmt, ...)
{
    if (!err || err->code != 0)
        return code;
    err->code = code;
    err->line = line;
    err->column = 0;
    snprintf(err->source, sizeof(err->source), "%s", source ? source : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
    return code;
}

int glossa__json_oom(const json_error_t *jerr, unsigned long mark)
{
    return glossa__alloc_failures() != mark ||
           json_error_code(jerr) == json_error_out_of_memory;
}

const char *glossa__json_error_text(const json_error_t *jerr, char *out,
                                    size_t size)
{
    snprintf(out, size, "%s", jerr->text);
    char *near = strstr(out, " near '");
    if (near)
        *near = '\0';
    return out;
}
