/* The glossa command-line tool: one function per subcommand. Each takes
 * the subcommand's own argv (argv[0] is the subcommand name) and returns
 * the process exit code. */
#ifndef GLOSSA_CLI_COMMANDS_H
#define GLOSSA_CLI_COMMANDS_H

#include <stddef.h>

#include <glossa/plugin.h> /* glossa_log_level_t */

/* Exit codes, documented in docs/cli.md. */
enum {
    GLOSSA_EXIT_OK = 0,            /* every record processed without errors */
    GLOSSA_EXIT_FAILURE = 1,       /* fatal: I/O error, out of memory, ... */
    GLOSSA_EXIT_USAGE = 2,         /* bad command line */
    GLOSSA_EXIT_LOAD = 3,          /* a plugin or pipeline failed to load */
    GLOSSA_EXIT_DOC_ERRORS = 4,    /* run finished; some records carry errors */
    GLOSSA_EXIT_FLOOR = 5,         /* eval: a --floor was not met */
    GLOSSA_EXIT_INTERRUPTED = 130, /* stopped by SIGINT/SIGTERM */
    /* The reader of standard output left (`glossa run ... | head`): the
     * status of a filter that SIGPIPE ended, without a message. */
    GLOSSA_EXIT_BROKEN_PIPE = 141
};

int glossa_cli_run(int argc, char **argv);
int glossa_cli_plugins(int argc, char **argv);
int glossa_cli_eval(int argc, char **argv);
int glossa_cli_schema(int argc, char **argv);
int glossa_cli_merge(int argc, char **argv);
int glossa_cli_export(int argc, char **argv);  /* export/cmd_export.c */
int glossa_cli_import(int argc, char **argv);  /* export/cmd_import.c */
int glossa_cli_report(int argc, char **argv);  /* report/cmd_report.c */
int glossa_cli_enqueue(int argc, char **argv); /* Redis: cmd_enqueue.c */
int glossa_cli_worker(int argc, char **argv);  /* Redis: cmd_worker.c */
int glossa_cli_serve(int argc, char **argv);   /* serve/cmd_serve.c */

/* glossa merge --redis: settings parsed by cmd_merge.c (NULL: default). */
typedef struct glossa_cli_redis_merge {
    const char *url, *stream, *group, *results, *output;
    int partial;
} glossa_cli_redis_merge_t;
int glossa_cli_merge_redis(const glossa_cli_redis_merge_t *m);

/* Whether this glossa has the Redis commands, and the hiredis version. */
const char *glossa_cli_redis_support(void);

/* Parses a whole decimal number from min to max, the whole string. Returns
 * 0, or -1 leaving *out as it was. */
int glossa_cli_parse_int(const char *s, long min, long max, int *out);

/* Parses a size such as 1048576, 64K, 256M or 2G. Returns 0 or -1. */
int glossa_cli_parse_size(const char *s, unsigned long long *out);

/* Parses --log-level: error, warn, info or debug into a GLOSSA_LOG_*
 * level. Returns 0 or -1. */
int glossa_cli_parse_log_level(const char *s, glossa_log_level_t *level);

/* Parses --doc-timeout: seconds, more than 0 and at most a day, into
 * milliseconds (rounded), or "none" (GLOSSA_DOC_TIMEOUT_NONE). Returns 0,
 * or -1 leaving *ms as it was. */
int glossa_cli_parse_doc_timeout(const char *s, unsigned *ms);

/* The first SIGINT or SIGTERM calls `handler`; a second takes the default
 * action (the handler resets itself). SIGPIPE is ignored, so that a closed
 * output pipe becomes a write error to report, not a silent death halfway
 * through a line. */
void glossa_cli_install_stop_signals(void (*handler)(int));

/* Puts back the default action of SIGINT and SIGTERM. */
void glossa_cli_restore_stop_signals(void);

/* Prints "PREFIX: WHAT: message" (or "PREFIX: message" when what is NULL)
 * on stderr, the message being the library's error as
 * glossa_error_format() writes it. */
void glossa_cli_print_error(const char *prefix, const char *what,
                            const glossa_error_t *err);

/* "s" unless n is 1: "%llu document%s" in messages people read. */
static inline const char *glossa_cli_plural(unsigned long long n)
{
    return n == 1 ? "" : "s";
}

/* "WHO: <message>" and "Try 'WHO --help'." on stderr, for a command's
 * wrong usage. Returns GLOSSA_EXIT_USAGE. */
int glossa_cli_usage_error(const char *who, const char *fmt, ...)
    GLOSSA_PRINTF(2, 3);

/* Seconds on the monotonic clock, for durations. */
double glossa_cli_now_s(void);

/* Whether something (a file, a directory, a FIFO...) is at path. */
int glossa_cli_path_exists(const char *path);

/* a followed by b, allocated (free() it), or NULL when out of memory. */
char *glossa_cli_concat(const char *a, const char *b);

struct option;

/* getopt_long() with the tool's own messages for a refused option: an
 * unknown one with "did you mean" (the closest long option), a missing
 * or unexpected value, an ambiguous abbreviation with its candidates;
 * each prefixed with `who`. Returns what getopt_long() returns. */
int glossa_cli_getopt(int argc, char **argv, const char *shortopts,
                      const struct option *longopts, const char *who);

/* The name among names[0..n) that `word` is most likely a typo of (an
 * edit or two away), or NULL. */
const char *glossa_cli_closest(const char *word, const char *const *names,
                               size_t n);

/* The directory of the running executable (static storage), or NULL. */
const char *glossa_cli_exe_dir(void);

/* The bundled default pipeline file: GLOSSA_DEFAULT_PIPELINE, beside the
 * executable (build tree), in the install tree relative to it, or in the
 * configured install prefix. Returns buf, or NULL when there is none. */
const char *glossa_cli_default_pipeline(char *buf, size_t size);

#endif
