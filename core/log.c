#include "log.h"

#include <stdio.h>
#include <string.h>

#include "runtime_int.h"

static const char *level_name(glossa_log_level_t level)
{
    switch (level) {
    case GLOSSA_LOG_ERROR:
        return "error";
    case GLOSSA_LOG_WARN:
        return "warning";
    case GLOSSA_LOG_INFO:
        return "info";
    default:
        return "debug";
    }
}

void glossa__vlog(const struct glossa_runtime *rt, glossa_log_level_t level,
                  const char *plugin, const char *doc_id, const char *fmt,
                  va_list ap)
{
    if (rt && level > rt->opts.log_level)
        return;
    char line[2048];
    int n = snprintf(line, sizeof(line), "glossa: %s: ", level_name(level));
    if (plugin && n >= 0 && (size_t)n < sizeof(line))
        n += snprintf(line + n, sizeof(line) - (size_t)n, "[%s] ", plugin);
    if (doc_id && n >= 0 && (size_t)n < sizeof(line))
        n += snprintf(line + n, sizeof(line) - (size_t)n,
                      "document %s: ", doc_id);
    if (n >= 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    /* One message is one line. */
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    if (rt)
        uv_mutex_lock((uv_mutex_t *)&rt->log_mutex);
    if (rt && rt->opts.log_cb) {
        rt->opts.log_cb(rt->opts.log_ud, level, line);
    } else {
        size_t len = strlen(line);
        line[len < sizeof(line) - 1 ? len : sizeof(line) - 2] = '\n';
        fwrite(line, 1, len < sizeof(line) - 1 ? len + 1 : sizeof(line) - 1,
               stderr);
    }
    if (rt)
        uv_mutex_unlock((uv_mutex_t *)&rt->log_mutex);
}

void glossa__log(const struct glossa_runtime *rt, glossa_log_level_t level,
                 const char *plugin, const char *doc_id, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    glossa__vlog(rt, level, plugin, doc_id, fmt, ap);
    va_end(ap);
}
