/* The Redis commands of a glossa built without hiredis: they say so. */
#include <stdio.h>

#include "commands.h"

static int unavailable(const char *cmd)
{
    fprintf(stderr,
            "glossa %s: this glossa was built without Redis support "
            "(hiredis was not found, or GLOSSA_REDIS=OFF); install "
            "libhiredis-dev and rebuild (docs/scale-out.md)\n",
            cmd);
    return GLOSSA_EXIT_FAILURE;
}

int glossa_cli_enqueue(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return unavailable("enqueue");
}

int glossa_cli_worker(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return unavailable("worker");
}

int glossa_cli_merge_redis(const glossa_cli_redis_merge_t *m)
{
    (void)m;
    return unavailable("merge --redis");
}

const char *glossa_cli_redis_support(void)
{
    return "no (built without hiredis)";
}
