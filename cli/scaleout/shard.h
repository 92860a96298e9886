/* Which shard of the input a run processes, and per-shard output names.
 *
 * A shard is K/N: the records whose 0-based index over all inputs is K mod
 * N (round robin). It comes from --shard K/N, or, when --shard is not
 * given and the process runs inside a Slurm array job, from the task's
 * position in the array (SLURM_ARRAY_TASK_ID, _MIN, _MAX, _STEP, _COUNT).
 * --shard all processes every record, even inside an array job.
 *
 * Output names may hold placeholders: {shard} becomes K, zero-padded to the
 * width of N-1 so that names sort in shard order, and {shards} becomes N. */
#ifndef GLOSSA_CLI_SHARD_H
#define GLOSSA_CLI_SHARD_H

#include <stddef.h>
#include <stdint.h>

typedef struct glossa_cli_shard {
    uint64_t index, count; /* count 0: no sharding */
    int from_slurm;        /* taken from the Slurm array environment */
    char origin[160];      /* for messages: where the shard came from */
} glossa_cli_shard_t;

/* Parses "K/N" (0 <= K < N) or "all". Returns 0 or -1. */
int glossa_cli_shard_parse(const char *s, glossa_cli_shard_t *out);

/* Resolves the shard of a run: `arg` is the --shard value or NULL. Returns
 * 0, or -1 after printing why, prefixed with `cmd` (a usage error). */
int glossa_cli_shard_resolve(const char *arg, const char *cmd,
                             glossa_cli_shard_t *out);

/* Expands {shard} and {shards} in an output name; other braces are left
 * alone. Returns a new string (free() it), or NULL after printing why: a
 * placeholder without a shard, or no memory. */
char *glossa_cli_shard_name(const char *pattern, const glossa_cli_shard_t *s,
                            const char *cmd);

/* Whether a name holds a placeholder. */
int glossa_cli_shard_name_has_placeholder(const char *pattern);

/* What `glossa run` does with the two: resolves the shard (`arg` is the
 * --shard value or NULL), says on stderr where it came from when that is
 * the Slurm environment (unless quiet), and expands the output name
 * (`output` NULL: *name stays NULL). Returns 0, or -1 after printing why
 * (a usage error). */
int glossa_cli_shard_setup(const char *arg, const char *output, int quiet,
                           glossa_cli_shard_t *shard, char **name);

#endif
