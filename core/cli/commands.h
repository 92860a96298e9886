/* The glossa command-line tool: one function per subcommand. Each takes
 * the subcommand's own argv (argv[0] is the subcommand name) and returns
 * the process exit code. */
#ifndef GLOSSA_CLI_COMMANDS_H
#define GLOSSA_CLI_COMMANDS_H

/* Exit codes, documented in docs/cli.md. */
enum {
    GLOSSA_EXIT_OK = 0,           /* every record processed without errors */
    GLOSSA_EXIT_FAILURE = 1,      /* fatal: I/O error, out of memory, ... */
    GLOSSA_EXIT_USAGE = 2,        /* bad command line */
    GLOSSA_EXIT_LOAD = 3,         /* a plugin or pipeline failed to load */
    GLOSSA_EXIT_DOC_ERRORS = 4,   /* run finished; some records carry errors */
    GLOSSA_EXIT_FLOOR = 5,        /* eval: a --floor was not met */
    GLOSSA_EXIT_INTERRUPTED = 130 /* stopped by SIGINT/SIGTERM */
};

int glossa_cli_run(int argc, char **argv);
int glossa_cli_plugins(int argc, char **argv);
int glossa_cli_eval(int argc, char **argv);

/* Parses a size such as 1048576, 64K, 256M or 2G. Returns 0 or -1. */
int glossa_cli_parse_size(const char *s, unsigned long long *out);

/* The directory of the running executable (static storage), or NULL. */
const char *glossa_cli_exe_dir(void);

#endif
