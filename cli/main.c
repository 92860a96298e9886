/* glossa: command-line front end of the Glossa runtime. */
#include <stdio.h>
#include <string.h>

#include <glossa/glossa.h>

#include "commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: glossa <command> [options]\n"
            "\n"
            "commands:\n"
            "  run       annotate documents with a pipeline of plugins\n"
            "  plugins   list the plugins glossa can find, or describe one\n"
            "  eval      score annotations against gold files\n"
            "  merge     join shard outputs (or Redis worker results) into "
            "one output\n"
            "  enqueue   push documents into a Redis stream\n"
            "  worker    annotate documents from a Redis stream\n"
            "  version   print the version\n"
            "\n"
            "`glossa <command> --help` describes a command; docs/cli.md has "
            "the details.\n");
}

#ifdef GLOSSA_WITH_JEMALLOC
/* jemalloc reads this at start-up (MALLOC_CONF in the environment still
 * overrides it). Freed pages go back to the system within about a second
 * instead of ten: a long run's peak memory then stays that of its steady
 * state rather than of its largest burst of frees. */
__attribute__((visibility("default"))) const char *malloc_conf =
    "dirty_decay_ms:1000,muzzy_decay_ms:0";
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GLOSSA_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    /* glossa run --isolate starts this same program as its workers. */
    if (strcmp(cmd, GLOSSA_WORKER_ARGUMENT) == 0)
        return glossa_worker_main(argc, argv);
    if (strcmp(cmd, "run") == 0)
        return glossa_cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "plugins") == 0)
        return glossa_cli_plugins(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return glossa_cli_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return glossa_cli_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "enqueue") == 0)
        return glossa_cli_enqueue(argc - 1, argv + 1);
    if (strcmp(cmd, "worker") == 0)
        return glossa_cli_worker(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("glossa %s (plugin ABI %d.%d)\n", glossa_version(),
               GLOSSA_PLUGIN_ABI_MAJOR, GLOSSA_PLUGIN_ABI_MINOR);
        printf("redis streams: %s\n", glossa_cli_redis_support());
#ifdef GLOSSA_WITH_JEMALLOC
        printf("allocator: jemalloc\n");
#else
        printf("allocator: the C library's\n");
#endif
        return GLOSSA_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return GLOSSA_EXIT_OK;
    }
    fprintf(stderr, "glossa: unknown command '%s'\n", cmd);
    usage(stderr);
    return GLOSSA_EXIT_USAGE;
}
