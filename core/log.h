/* Run-time logging. One line per message, written whole (a mutex keeps
 * lines from different threads apart), prefixed with the plugin and the
 * document when known. */
#ifndef GLOSSA_CORE_LOG_H
#define GLOSSA_CORE_LOG_H

#include <stdarg.h>

#include "glossa/plugin.h"

struct glossa_runtime;

void glossa__log(const struct glossa_runtime *rt, glossa_log_level_t level,
                 const char *plugin, const char *doc_id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void glossa__vlog(const struct glossa_runtime *rt, glossa_log_level_t level,
                  const char *plugin, const char *doc_id, const char *fmt,
                  va_list ap) __attribute__((format(printf, 5, 0)));

#endif
