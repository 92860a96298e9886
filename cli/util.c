#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "glossa/runtime.h"

void glossa_cli_install_stop_signals(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void glossa_cli_restore_stop_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

void glossa_cli_print_error(const char *prefix, const char *what,
                            const glossa_error_t *err)
{
    char msg[2048];
    glossa_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "%s: %s%s%s\n", prefix, what ? what : "", what ? ": " : "",
            msg);
}

int glossa_cli_parse_log_level(const char *s, glossa_log_level_t *level)
{
    static const struct {
        const char *name;
        glossa_log_level_t level;
    } levels[] = {{"error", GLOSSA_LOG_ERROR},
                  {"warn", GLOSSA_LOG_WARN},
                  {"info", GLOSSA_LOG_INFO},
                  {"debug", GLOSSA_LOG_DEBUG}};
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (strcmp(s, levels[i].name) == 0) {
            *level = levels[i].level;
            return 0;
        }
    }
    return -1;
}

int glossa_cli_parse_doc_timeout(const char *s, unsigned *ms)
{
    if (strcmp(s, "none") == 0) {
        *ms = GLOSSA_DOC_TIMEOUT_NONE;
        return 0;
    }
    char *end;
    double secs = strtod(s, &end);
    if (end == s || *end || !(secs > 0) || secs > 86400)
        return -1;
    *ms = (unsigned)(secs * 1000 + 0.5);
    return 0;
}

int glossa_cli_parse_int(const char *s, long min, long max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

int glossa_cli_parse_size(const char *s, unsigned long long *out)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'K':
            shift = 10;
            break;
        case 'M':
            shift = 20;
            break;
        case 'G':
            shift = 30;
            break;
        default:
            return -1;
        }
        end++;
        if (*end == 'i' || *end == 'I')
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
        if (*end)
            return -1;
    }
    if (shift && v > (ULLONG_MAX >> shift))
        return -1;
    *out = v << shift;
    return 0;
}

const char *glossa_cli_exe_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
    if (n <= 0)
        return NULL;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return dir;
}

int glossa_cli_usage_error(const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", who);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help'.\n", who);
    va_end(ap);
    return GLOSSA_EXIT_USAGE;
}

double glossa_cli_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int glossa_cli_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *glossa_cli_concat(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s", a, b);
    return s;
}

/* A regular file is at path (not a directory of that name). */
static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The bundled default pipeline: GLOSSA_DEFAULT_PIPELINE, beside the
 * executable (build tree), in the install tree relative to it, or in the
 * configured install prefix. */
const char *glossa_cli_default_pipeline(char *buf, size_t size)
{
    const char *env = getenv("GLOSSA_DEFAULT_PIPELINE");
    if (env)
        return env;
    const char *dir = glossa_cli_exe_dir();
    if (dir) {
        snprintf(buf, size, "%s/default-pipeline.json", dir);
        if (file_exists(buf))
            return buf;
        snprintf(buf, size, "%s/../share/glossa/default-pipeline.json", dir);
        if (file_exists(buf))
            return buf;
    }
    snprintf(buf, size, "%s/default-pipeline.json", GLOSSA_INSTALL_DATA_DIR);
    return file_exists(buf) ? buf : NULL;
}
