#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int glossa_cli_shard_parse(const char *s, glossa_cli_shard_t *out)
{
    memset(out, 0, sizeof(*out));
    if (strcmp(s, "all") == 0) {
        snprintf(out->origin, sizeof(out->origin), "--shard all");
        return 0;
    }
    const char *slash = strchr(s, '/');
    if (!slash || slash == s)
        return -1;
    char k[32];
    size_t n = (size_t)(slash - s);
    if (n >= sizeof(k))
        return -1;
    memcpy(k, s, n);
    k[n] = '\0';
    if (parse_u64(k, &out->index) || parse_u64(slash + 1, &out->count) ||
        out->count == 0 || out->index >= out->count)
        return -1;
    snprintf(out->origin, sizeof(out->origin), "--shard %s", s);
    return 0;
}

/* The shard of a Slurm array task. Slurm numbers tasks with any ids
 * (--array=1-4, 0-15:5, 1,3,7); shards need 0..N-1, so the ids must form
 * an evenly spaced range: MIN, MIN+STEP, ..., MAX, with COUNT of them. */
static int from_slurm(const char *cmd, glossa_cli_shard_t *out)
{
    const char *id_s = getenv("SLURM_ARRAY_TASK_ID");
    const char *min_s = getenv("SLURM_ARRAY_TASK_MIN");
    const char *max_s = getenv("SLURM_ARRAY_TASK_MAX");
    const char *step_s = getenv("SLURM_ARRAY_TASK_STEP");
    const char *count_s = getenv("SLURM_ARRAY_TASK_COUNT");
    uint64_t id, min, max, step = 1, count;
    if (parse_u64(id_s, &id) || parse_u64(min_s, &min) ||
        parse_u64(max_s, &max) || (step_s && parse_u64(step_s, &step)) ||
        step == 0 || min > max || id < min || id > max) {
        fprintf(stderr,
                "%s: cannot tell this task's shard from the Slurm "
                "environment (SLURM_ARRAY_TASK_ID=%s, _MIN=%s, _MAX=%s, "
                "_STEP=%s); give --shard K/N, or --shard all\n",
                cmd, id_s, min_s ? min_s : "(unset)", max_s ? max_s : "(unset)",
                step_s ? step_s : "(unset)");
        return -1;
    }
    uint64_t span = (max - min) / step + 1;
    if (count_s && parse_u64(count_s, &count))
        count = 0;
    if (!count_s)
        count = span;
    if ((max - min) % step || count != span || (id - min) % step) {
        fprintf(stderr,
                "%s: the tasks of this Slurm array are not an evenly spaced "
                "range (SLURM_ARRAY_TASK_MIN=%s, _MAX=%s, _STEP=%s, "
                "_COUNT=%s, this task %s), so they cannot be numbered as "
                "shards; submit with --array=0-%llu (or any A-B[:S]), or give "
                "--shard K/N yourself\n",
                cmd, min_s, max_s, step_s ? step_s : "(unset)",
                count_s ? count_s : "(unset)", id_s,
                (unsigned long long)(count ? count - 1 : 0));
        return -1;
    }
    out->index = (id - min) / step;
    out->count = span;
    out->from_slurm = 1;
    snprintf(out->origin, sizeof(out->origin),
             "the Slurm array (task %s of %s-%s%s%s)", id_s, min_s, max_s,
             step > 1 ? ":" : "", step > 1 ? step_s : "");
    return 0;
}

int glossa_cli_shard_resolve(const char *arg, const char *cmd,
                             glossa_cli_shard_t *out)
{
    memset(out, 0, sizeof(*out));
    if (arg) {
        if (glossa_cli_shard_parse(arg, out) == 0)
            return 0;
        fprintf(stderr, "%s: --shard takes K/N with 0 <= K < N, or all\n", cmd);
        return -1;
    }
    if (!getenv("SLURM_ARRAY_TASK_ID"))
        return 0;
    return from_slurm(cmd, out);
}

int glossa_cli_shard_name_has_placeholder(const char *pattern)
{
    return strstr(pattern, "{shard}") || strstr(pattern, "{shards}");
}

char *glossa_cli_shard_name(const char *pattern, const glossa_cli_shard_t *s,
                            const char *cmd)
{
    if (!glossa_cli_shard_name_has_placeholder(pattern))
        return strdup(pattern);
    if (s->count == 0) {
        fprintf(stderr,
                "%s: the output name %s has a {shard} placeholder, but no "
                "shard is set (give --shard K/N, or run in a Slurm array "
                "job)\n",
                cmd, pattern);
        return NULL;
    }
    char index[32], count[32];
    int width = snprintf(NULL, 0, "%llu", (unsigned long long)(s->count - 1));
    snprintf(index, sizeof(index), "%0*llu", width,
             (unsigned long long)s->index);
    snprintf(count, sizeof(count), "%llu", (unsigned long long)s->count);
    /* Each placeholder grows the name by at most the longer number. */
    size_t cap = strlen(pattern) * (strlen(index) + strlen(count) + 1) + 1;
    char *name = malloc(cap), *w = name;
    if (!name) {
        fprintf(stderr, "%s: out of memory\n", cmd);
        return NULL;
    }
    for (const char *p = pattern; *p;) {
        if (strncmp(p, "{shard}", 7) == 0) {
            w += sprintf(w, "%s", index);
            p += 7;
        } else if (strncmp(p, "{shards}", 8) == 0) {
            w += sprintf(w, "%s", count);
            p += 8;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return name;
}

int glossa_cli_shard_setup(const char *arg, const char *output, int quiet,
                           glossa_cli_shard_t *shard, char **name)
{
    *name = NULL;
    if (glossa_cli_shard_resolve(arg, "glossa run", shard))
        return -1;
    if (shard->from_slurm && !quiet)
        fprintf(stderr,
                "glossa run: shard %llu/%llu, from %s (--shard all turns "
                "this off)\n",
                (unsigned long long)shard->index,
                (unsigned long long)shard->count, shard->origin);
    if (!output)
        return 0;
    if (shard->from_slurm && shard->count > 1 &&
        !glossa_cli_shard_name_has_placeholder(output))
        fprintf(stderr,
                "glossa run: warning: every task of the array writes %s "
                "unless its name differs per task; -o part-{shard}.jsonl "
                "gives each shard its own file\n",
                output);
    *name = glossa_cli_shard_name(output, shard, "glossa run");
    return *name ? 0 : -1;
}
