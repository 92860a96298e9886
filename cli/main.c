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
            "  export    output for other tools: brat, CoNLL, W3C, Label "
            "Studio, CSV\n"
            "  import    bring gold from brat or CoNLL files for eval\n"
            "  schema    the JSON Schema of a pipeline's output\n"
            "  report    one HTML page to look at a run's documents and "
            "corpus\n"
            "  merge     join shard outputs (or Redis worker results) into "
            "one output\n"
            "  enqueue   push documents into a Redis stream\n"
            "  worker    annotate documents from a Redis stream\n"
            "  serve     annotation as an HTTP service\n"
            "  version   print the version (also -V, --version)\n"
            "  help      describe a command: glossa help COMMAND\n"
            "\n"
            "`glossa help <command>` (or `glossa <command> --help`) describes "
            "a command;\n"
            "man glossa and docs/cli.md have the details.\n");
}

#ifdef GLOSSA_WITH_JEMALLOC
/* jemalloc reads this at start-up (MALLOC_CONF in the environment still
 * overrides it). Freed pages go back to the system within about a second
 * instead of ten: a long run's peak memory then stays that of its steady
 * state rather than of its largest burst of frees. */
__attribute__((visibility("default"))) const char *malloc_conf =
    "dirty_decay_ms:1000,muzzy_decay_ms:0";
#endif

typedef int (*command_fn)(int argc, char **argv);

static const struct command {
    const char *name;
    command_fn run;
} COMMANDS[] = {
    {"run", glossa_cli_run},         {"plugins", glossa_cli_plugins},
    {"eval", glossa_cli_eval},       {"merge", glossa_cli_merge},
    {"enqueue", glossa_cli_enqueue}, {"worker", glossa_cli_worker},
    {"schema", glossa_cli_schema},   {"export", glossa_cli_export},
    {"import", glossa_cli_import},   {"report", glossa_cli_report},
    {"serve", glossa_cli_serve},
};
#define N_COMMANDS (sizeof(COMMANDS) / sizeof(COMMANDS[0]))

static command_fn find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return COMMANDS[i].run;
    return NULL;
}

static int print_version(void)
{
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

/* `glossa help [COMMAND]`: the command's own --help. */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return GLOSSA_EXIT_OK;
    }
    command_fn run = find_command(argv[2]);
    if (!run) {
        fprintf(stderr, "glossa help: no command '%s'\n", argv[2]);
        usage(stderr);
        return GLOSSA_EXIT_USAGE;
    }
    char *args[] = {argv[2], (char *)"--help", NULL};
    return run(2, args);
}

static int unknown_command(const char *cmd)
{
    const char *names[N_COMMANDS + 2];
    for (size_t i = 0; i < N_COMMANDS; i++)
        names[i] = COMMANDS[i].name;
    names[N_COMMANDS] = "version";
    names[N_COMMANDS + 1] = "help";
    const char *close = glossa_cli_closest(cmd, names, N_COMMANDS + 2);
    if (close)
        fprintf(stderr, "glossa: unknown command '%s'; did you mean '%s'?\n",
                cmd, close);
    else
        fprintf(stderr, "glossa: unknown command '%s'\n", cmd);
    usage(stderr);
    return GLOSSA_EXIT_USAGE;
}

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
    command_fn run = find_command(cmd);
    if (run)
        return run(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0 ||
        strcmp(cmd, "-V") == 0)
        return print_version();
    if (strcmp(cmd, "help") == 0)
        return help(argc, argv);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return GLOSSA_EXIT_OK;
    }
    return unknown_command(cmd);
}
