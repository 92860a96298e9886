/* The options `glossa run` and `glossa worker` share: the pipeline, its
 * plugins and the runtime's settings (--pipeline, --plugin, --threads,
 * --window, --max-doc-bytes, --max-layer-bytes, --log-level, --isolate,
 * --doc-timeout, -q), and loading that pipeline into a runtime.
 *
 * A command puts GLOSSA_CLI_RUNTIME_OPTIONS into its getopt_long table
 * and hands every option to glossa_cli_runtime_option() before its own;
 * its own option codes start at GLOSSA_CLI_OPT_OWN. Each command says in
 * its own words what is wrong with a bad value. */
#ifndef GLOSSA_CLI_RUNTIME_ARGS_H
#define GLOSSA_CLI_RUNTIME_ARGS_H

#include <stddef.h>

#include <glossa/runtime.h>

enum {
    GLOSSA_CLI_OPT_PIPELINE = 256,
    GLOSSA_CLI_OPT_PLUGIN,
    GLOSSA_CLI_OPT_THREADS,
    GLOSSA_CLI_OPT_WINDOW,
    GLOSSA_CLI_OPT_MAX_DOC,
    GLOSSA_CLI_OPT_MAX_LAYER,
    GLOSSA_CLI_OPT_LOG_LEVEL,
    GLOSSA_CLI_OPT_ISOLATE,
    GLOSSA_CLI_OPT_DOC_TIMEOUT,
    GLOSSA_CLI_OPT_OWN /* the first code of a command's own options */
};

/* Their entries of a struct option table. getopt_long lists the
 * candidates of an ambiguous abbreviation in table order, so a command
 * that moves these moves its messages. -q, --quiet ('q'), which
 * glossa_cli_runtime_option() takes too, is in each command's own part
 * of the table. */
/* clang-format off */
#define GLOSSA_CLI_RUNTIME_OPTIONS                                            \
    {"pipeline", required_argument, NULL, GLOSSA_CLI_OPT_PIPELINE},           \
    {"plugin", required_argument, NULL, GLOSSA_CLI_OPT_PLUGIN},               \
    {"threads", required_argument, NULL, GLOSSA_CLI_OPT_THREADS},             \
    {"window", required_argument, NULL, GLOSSA_CLI_OPT_WINDOW},               \
    {"max-doc-bytes", required_argument, NULL, GLOSSA_CLI_OPT_MAX_DOC},       \
    {"max-layer-bytes", required_argument, NULL, GLOSSA_CLI_OPT_MAX_LAYER},   \
    {"log-level", required_argument, NULL, GLOSSA_CLI_OPT_LOG_LEVEL},         \
    {"isolate", no_argument, NULL, GLOSSA_CLI_OPT_ISOLATE},                   \
    {"doc-timeout", required_argument, NULL, GLOSSA_CLI_OPT_DOC_TIMEOUT}
/* clang-format on */

typedef struct glossa_cli_runtime_args {
    const char *pipeline; /* --pipeline FILE, or NULL */
    const char **plugins; /* --plugin NAME|PATH, in the order given */
    size_t n_plugins;
    glossa_runtime_options_t options;
    int quiet; /* -q: no summary; the log level is warn */
} glossa_cli_runtime_args_t;

/* The defaults, with room for the --plugin options among argc arguments.
 * Free with glossa_cli_runtime_args_free(). */
void glossa_cli_runtime_args_init(glossa_cli_runtime_args_t *a, int argc);
void glossa_cli_runtime_args_free(glossa_cli_runtime_args_t *a);

/* Takes getopt_long's option c with its argument arg. Returns 1 if it was
 * one of the shared options, 0 if it is not, -1 if arg is not a valid
 * value for it (nothing is printed). */
int glossa_cli_runtime_option(glossa_cli_runtime_args_t *a, int c,
                              const char *arg);

/* Loads the pipeline into rt and prepares it: the --pipeline file, or the
 * bundled one when neither --pipeline nor --plugin was given, then each
 * --plugin. *file receives the pipeline file loaded (NULL: none), which
 * may be in buf. Returns 0, or GLOSSA_EXIT_LOAD after printing why:
 * "CMD: no --pipeline or --plugin given ..." when there is no bundled
 * pipeline, "PREFIX: cannot load the pipeline: ..." and the like for the
 * library's errors. */
int glossa_cli_runtime_load(glossa_runtime_t *rt,
                            const glossa_cli_runtime_args_t *a, const char *cmd,
                            const char *prefix, char *buf, size_t size,
                            const char **file);

#endif
