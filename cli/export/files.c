/* Where export and import write: files published whole (PATH.partial,
 * then renamed, so that a failed command leaves no half file under the
 * real name), directories, and messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h" /* glossa_cli_concat */
#include "export_internal.h"

void glossa_export__say(const char *who, const char *where, const char *fmt,
                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", who);
    if (where)
        fprintf(stderr, "%s: ", where);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int glossa_export__nomem(const char *who)
{
    glossa_export__say(who, NULL, "out of memory");
    return GLOSSA_ENOMEM;
}

int glossa_export__dump_line(FILE *f, const json_t *json)
{
    char *text = json_dumps(json, EXPORT_JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return 0;
}

static int io_code(int e)
{
    return e == ENOENT   ? GLOSSA_ENOENT
           : e == ENOMEM ? GLOSSA_ENOMEM
                         : GLOSSA_EIO;
}

int glossa_export__mkdirs(const char *who, const char *dir)
{
    char *p = strdup(dir);
    if (!p) {
        glossa_export__say(who, NULL, "out of memory");
        return GLOSSA_ENOMEM;
    }
    int rc = 0;
    /* Each parent in turn, then the directory itself. */
    for (char *s = p + 1;; s++) {
        int last = *s == '\0';
        if (!last && *s != '/')
            continue;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            glossa_export__say(who, p, "cannot create the directory: %s",
                               strerror(errno));
            rc = io_code(errno);
            break;
        }
        if (last && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
            glossa_export__say(who, p, "not a directory");
            rc = GLOSSA_EIO;
        }
        if (last)
            break;
        *s = '/';
    }
    free(p);
    return rc;
}

char *glossa_export__path(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + (ext ? strlen(ext) : 0) + 3;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s%s%s", dir, name, ext ? "." : "",
                 ext ? ext : "");
    return path;
}

int glossa_export__output_open(const char *who, const char *path,
                               export_output_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!path || strcmp(path, "-") == 0) {
        out->f = stdout;
        return 0;
    }
    out->path = path;
    out->partial = glossa_cli_concat(path, ".partial");
    if (!out->partial) {
        glossa_export__say(who, NULL, "out of memory");
        return GLOSSA_ENOMEM;
    }
    out->f = fopen(out->partial, "wb");
    if (!out->f) {
        int e = errno;
        glossa_export__say(who, out->partial, "cannot write: %s", strerror(e));
        free(out->partial);
        out->partial = NULL;
        return io_code(e);
    }
    return 0;
}

int glossa_export__output_close(const char *who, export_output_t *out, int ok)
{
    if (!out->f)
        return 0;
    int failed = fflush(out->f) != 0 || ferror(out->f);
    int e = errno;
    if (out->f != stdout && fclose(out->f) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    out->f = NULL;
    const char *name = out->partial ? out->partial : "<stdout>";
    if (failed && ok)
        glossa_export__say(who, name, "write error: %s", strerror(e));
    int rc = failed && ok ? GLOSSA_EIO : 0;
    if (out->partial) {
        if (ok && !failed && rename(out->partial, out->path) != 0) {
            glossa_export__say(who, out->path, "cannot rename %s to it: %s",
                               out->partial, strerror(errno));
            rc = GLOSSA_EIO;
        }
        if (!ok || rc != 0)
            unlink(out->partial);
        free(out->partial);
        out->partial = NULL;
    }
    return rc;
}

int glossa_export__write_file(const char *who, const char *path,
                              const char *data, size_t len)
{
    export_output_t out;
    int rc = glossa_export__output_open(who, path, &out);
    if (rc != 0)
        return rc;
    int ok = fwrite(data, 1, len, out.f) == len;
    if (!ok)
        glossa_export__say(who, out.partial, "write error: %s",
                           strerror(errno));
    rc = glossa_export__output_close(who, &out, ok);
    return ok ? rc : GLOSSA_EIO;
}
