/* The glossa subcommands. Each takes the arguments after "glossa" (argv[0]
 * is the subcommand's name) and returns the process exit code. */
#ifndef GLOSSA_CLI_COMMANDS_H
#define GLOSSA_CLI_COMMANDS_H

/* glossa eval: score system output against gold files (core/cli/eval.h,
 * docs/evaluation.md). */
int glossa_cli_eval(int argc, char **argv);

#endif /* GLOSSA_CLI_COMMANDS_H */
