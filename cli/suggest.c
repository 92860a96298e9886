/* Typos on the command line: "did you mean" for commands and long
 * options, and option errors in the tool's own words (getopt's are turned
 * off: opterr = 0). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* Edit distance (insertions, deletions, substitutions, and swaps of two
 * neighbours), capped: anything past `cap` is cap + 1. */
static size_t distance(const char *a, const char *b, size_t cap)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return cap + 1;
    size_t d[64][64];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[n][m] > cap ? cap + 1 : d[n][m];
}

const char *glossa_cli_closest(const char *word, const char *const *names,
                               size_t n)
{
    /* Close enough to be a typo: one edit in a short word, two in a long
     * one; the first of equally close names wins. */
    size_t cap = strlen(word) <= 4 ? 1 : 2;
    const char *best = NULL;
    size_t best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, names[i], cap);
        if (d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

/* The long option named by arg ("--name" or "--name=value"), in buf. */
static const char *long_name(const char *arg, char *buf, size_t size)
{
    arg += 2;
    size_t len = strcspn(arg, "=");
    if (len >= size)
        len = size - 1;
    memcpy(buf, arg, len);
    buf[len] = '\0';
    return buf;
}

/* The long options whose name starts with `typed`, joined in out. */
static size_t candidates(const char *typed, const struct option *longopts,
                         char *out, size_t size)
{
    size_t count = 0, used = 0, len = strlen(typed);
    out[0] = '\0';
    for (const struct option *o = longopts; o->name; o++) {
        if (strncmp(o->name, typed, len) != 0)
            continue;
        int w = snprintf(out + used, size - used, "%s--%s", count ? ", " : "",
                         o->name);
        if (w > 0 && (size_t)w < size - used)
            used += (size_t)w;
        count++;
    }
    return count;
}

/* Says what is wrong with the option getopt_long() just refused. */
static void report(char **argv, const char *shortopts,
                   const struct option *longopts, const char *who)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    int is_long = arg[0] == '-' && arg[1] == '-';
    if (optopt > 0 && optopt < 256 && strchr(shortopts, optopt) && !is_long) {
        fprintf(stderr, "%s: option '-%c' needs a value\n", who, optopt);
        return;
    }
    if (optopt && !is_long) {
        fprintf(stderr, "%s: unknown option '-%c'\n", who, optopt);
        return;
    }
    char name[128], list[1024];
    long_name(arg, name, sizeof(name));
    for (const struct option *o = longopts; o->name; o++) {
        if (strcmp(o->name, name) == 0) {
            fprintf(stderr, "%s: option '--%s' %s\n", who, name,
                    o->has_arg == no_argument ? "takes no value"
                                              : "needs a value");
            return;
        }
    }
    if (candidates(name, longopts, list, sizeof(list)) > 1) {
        fprintf(stderr, "%s: option '--%s' is ambiguous: %s\n", who, name,
                list);
        return;
    }
    const char *names[128];
    size_t n = 0;
    for (const struct option *o = longopts; o->name && n < 128; o++)
        names[n++] = o->name;
    const char *close = glossa_cli_closest(name, names, n);
    if (close)
        fprintf(stderr, "%s: unknown option '--%s'; did you mean '--%s'?\n",
                who, name, close);
    else
        fprintf(stderr, "%s: unknown option '--%s'\n", who, name);
}

int glossa_cli_getopt(int argc, char **argv, const char *shortopts,
                      const struct option *longopts, const char *who)
{
    opterr = 0;
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == '?')
        report(argv, shortopts, longopts, who);
    return c;
}
