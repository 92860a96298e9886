/* Helpers shared by the unit tests that drive a whole run. */
#ifndef GLOSSA_TEST_HELPERS_H
#define GLOSSA_TEST_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glossa/glossa.h>

/* Collects output lines in memory. */
typedef struct lines {
    char **line;
    size_t n;
    size_t fail_at; /* write fails on this line (1-based); 0 never */
} lines_t;

static inline int lines_write(void *ud, const char *line, size_t len,
                              const glossa_record_info_t *info)
{
    (void)info;
    lines_t *l = ud;
    if (l->fail_at && l->n + 1 == l->fail_at)
        return GLOSSA_EIO;
    char **grown = realloc(l->line, (l->n + 1) * sizeof(char *));
    if (!grown)
        return GLOSSA_ENOMEM;
    l->line = grown;
    l->line[l->n] = strndup(line, len);
    if (!l->line[l->n])
        return GLOSSA_ENOMEM;
    l->n++;
    return 0;
}

static inline void lines_free(lines_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->line[i]);
    free(l->line);
    memset(l, 0, sizeof(*l));
}

/* Path of a test plugin (build/tests/plugins/<name>.so), static storage. */
static inline const char *test_plugin(const char *name)
{
    static char path[4096];
    const char *dir = getenv("TEST_PLUGINS");
    snprintf(path, sizeof(path), "%s/%s.so", dir ? dir : ".", name);
    return path;
}

/* Writes text to a new file under dir; returns 0 or -1. */
static inline int write_file(const char *dir, const char *name,
                             const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

#endif
