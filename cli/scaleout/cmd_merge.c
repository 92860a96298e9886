/* glossa merge: joins the outputs of the shards of one job into the bytes
 * one run over the whole input gives.
 *
 * A run with --shard K/N keeps the records whose index is K mod N, so the
 * whole output is the shards' lines interleaved: record i is line i/N of
 * shard i%N. Each published shard output OUT has a job file OUT.job
 * (output.h) naming its job and shard and what it holds; merge refuses to
 * interleave anything that is not exactly the N shards of one job, whole.
 * Without job files (outputs written to standard output), the files are
 * taken as shards 0..N-1 in the order given, and only their line counts
 * can be checked. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "output.h"

/* More shards than any cluster runs: a job file that says so was edited. */
#define MAX_SHARDS (UINT64_C(1) << 24)

static void merge_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa merge [-o OUT] SHARD_OUTPUT...\n"
            "       glossa merge --redis URL [options] [-o OUT]\n"
            "\n"
            "Joins the outputs of `glossa run --shard K/N` (K = 0..N-1, in "
            "any order)\ninto the bytes one run over the whole input "
            "gives. Refuses missing or\nunfinished shards, files changed "
            "since their run, and shards of different\njobs. With "
            "--redis, collects the results of `glossa worker` instead, one "
            "per\ninput entry, in input order (docs/scale-out.md).\n"
            "\n"
            "options:\n"
            "  -o, --output FILE    write to FILE (via FILE.partial, renamed "
            "when complete)\n"
            "                       instead of standard output\n"
            "  --redis URL          redis://[:PASSWORD@]HOST[:PORT][/DB], "
            "HOST:PORT or\n"
            "                       unix:PATH (default $GLOSSA_REDIS, else "
            "127.0.0.1:6379)\n"
            "  --stream NAME        the input stream (default docs)\n"
            "  --group NAME         the workers' consumer group (default "
            "glossa)\n"
            "  --results NAME       the results stream (default "
            "STREAM:results)\n"
            "  --partial            write what there is even if entries are "
            "still pending\n"
            "\n"
            "exit status: 0 merged, 1 the inputs are missing, unfinished or "
            "inconsistent\n(the message says which) or a write failed, 2 "
            "usage error.\n");
}

typedef struct part {
    const char *path;
    json_t *job; /* PATH.job, or NULL */
    uint64_t index, count;
    uint64_t lines, bytes;
    FILE *f;
} part_t;

/* Lines and bytes of a file; the last line must end with a newline.
 * Returns 0, or -1 after printing why. */
static int count_lines(part_t *p)
{
    FILE *f = fopen(p->path, "rb");
    if (!f) {
        fprintf(stderr, "glossa merge: cannot read %s: %s\n", p->path,
                strerror(errno));
        return -1;
    }
    char buf[1 << 16];
    size_t n;
    int last = '\n';
    p->lines = p->bytes = 0;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        for (const char *q = buf; (q = memchr(q, '\n', n - (size_t)(q - buf)));
             q++)
            p->lines++;
        p->bytes += n;
        last = (unsigned char)buf[n - 1];
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "glossa merge: cannot read %s\n", p->path);
        return -1;
    }
    if (last != '\n') {
        fprintf(stderr,
                "glossa merge: %s ends in the middle of a line: it is not a "
                "whole output of glossa run\n",
                p->path);
        return -1;
    }
    return 0;
}

/* The job without what differs between shards of one job: the shard and
 * what it wrote. The merged output's job. */
static json_t *job_settings(const json_t *job)
{
    json_t *s = json_deep_copy(job);
    if (s) {
        json_object_del(s, "shard");
        json_object_del(s, "output");
    }
    return s;
}

/* What shards of one job must share: their settings, without where their
 * plugins were installed (provenance_detail: the digests in "provenance"
 * must agree) and where and when their inputs were seen (a node of a
 * cluster may read its own copy of the corpus): the inputs' sizes and
 * digests must agree. */
static json_t *job_identity(const json_t *job)
{
    json_t *s = job_settings(job);
    if (!s)
        return NULL;
    json_object_del(s, "provenance_detail");
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(s, "input_files"), i, f)
    {
        json_object_del(f, "path");
        json_object_del(f, "mtime");
    }
    if (json_object_get(s, "input_files"))
        json_object_del(s, "inputs"); /* their paths: input_files says what */
    return s;
}

static void print_difference(const json_t *a, const json_t *b)
{
    const char *key;
    json_t *value;
    json_t *keys = json_object();
    json_object_foreach((json_t *)a, key, value)
        json_object_set(keys, key, json_true());
    json_object_foreach((json_t *)b, key, value)
        json_object_set(keys, key, json_true());
    json_object_foreach(keys, key, value)
    {
        json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
        if (json_equal(x, y))
            continue;
        char *xs = x ? json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        char *ys = y ? json_dumps(y, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        fprintf(stderr, "  %s: %s vs %s\n", key, xs ? xs : "(absent)",
                ys ? ys : "(absent)");
        free(xs);
        free(ys);
    }
    json_decref(keys);
}

/* Guesses the name shard k's output would have, from a given shard's name
 * (the last occurrence of its zero-padded index in the file name). */
static char *guess_name(const part_t *p, uint64_t k)
{
    int width = snprintf(NULL, 0, "%llu", (unsigned long long)(p->count - 1));
    char from[32], to[32];
    snprintf(from, sizeof(from), "%0*llu", width, (unsigned long long)p->index);
    snprintf(to, sizeof(to), "%0*llu", width, (unsigned long long)k);
    const char *base = strrchr(p->path, '/');
    base = base ? base + 1 : p->path;
    const char *hit = NULL;
    for (const char *q = base; (q = strstr(q, from)); q++)
        hit = q;
    if (!hit)
        return NULL;
    size_t pre = (size_t)(hit - p->path),
           n = pre + strlen(to) + strlen(hit + strlen(from)) + 1;
    char *name = malloc(n);
    if (name)
        snprintf(name, n, "%.*s%s%s", (int)pre, p->path, to,
                 hit + strlen(from));
    return name;
}

static void report_missing(const part_t *given, uint64_t k, uint64_t n)
{
    char *guess = guess_name(given, k);
    char *partial = guess ? glossa_cli_concat(guess, ".partial") : NULL;
    fprintf(stderr, "glossa merge: shard %llu/%llu is missing",
            (unsigned long long)k, (unsigned long long)n);
    if (guess && glossa_cli_path_exists(guess))
        fprintf(stderr, " (%s exists: give it too)\n", guess);
    else if (partial && glossa_cli_path_exists(partial))
        fprintf(stderr,
                " (%s exists: that shard's run has not finished; glossa run "
                "--resume finishes it)\n",
                partial);
    else if (guess)
        fprintf(stderr, " (no %s: that shard has not run)\n", guess);
    else
        fprintf(stderr, "\n");
    free(guess);
    free(partial);
}

/* Checks that each part exists and is a whole output, and reads its job
 * file (PATH.job) if it has one; *with_job counts those. Returns 0 or -1
 * (printed). */
static int read_parts(part_t *parts, size_t n, size_t *with_job)
{
    int bad = 0;
    *with_job = 0;
    for (size_t i = 0; i < n; i++) {
        part_t *p = &parts[i];
        if (!glossa_cli_path_exists(p->path)) {
            char *partial = glossa_cli_concat(p->path, ".partial");
            if (partial && glossa_cli_path_exists(partial))
                fprintf(stderr,
                        "glossa merge: %s is not finished: its run was "
                        "interrupted or is still going (%s holds the records "
                        "so far; glossa run --resume finishes it)\n",
                        p->path, partial);
            else
                fprintf(stderr, "glossa merge: %s does not exist\n", p->path);
            free(partial);
            bad = 1;
            continue;
        }
        char *job_path = glossa_cli_concat(p->path, ".job");
        json_error_t jerr;
        if (job_path && glossa_cli_path_exists(job_path)) {
            p->job = json_load_file(job_path, 0, &jerr);
            if (!json_is_object(p->job)) {
                fprintf(stderr, "glossa merge: %s: %s\n", job_path,
                        p->job ? "not a job file" : jerr.text);
                bad = 1;
            }
            (*with_job)++;
        }
        free(job_path);
        if (count_lines(p))
            bad = 1;
    }
    return bad ? -1 : 0;
}

/* Which shard each part is, from its job file; that each file is what its
 * run published, and that all are shards of the job whose settings are
 * ref. Returns 0 or -1 (printed). */
static int identify_shards(part_t *parts, size_t n)
{
    int bad = 0;
    json_t *ref = job_identity(parts[0].job);
    for (size_t i = 0; i < n; i++) {
        part_t *p = &parts[i];
        json_t *shard = json_object_get(p->job, "shard");
        json_t *output = json_object_get(p->job, "output");
        uint64_t records =
            (uint64_t)json_integer_value(json_object_get(output, "records"));
        uint64_t bytes =
            (uint64_t)json_integer_value(json_object_get(output, "bytes"));
        if (json_is_null(shard) && n == 1) {
            p->index = 0;
            p->count = 1;
        } else if (!json_is_object(shard)) {
            fprintf(stderr,
                    "glossa merge: %s is the output of a whole run (no "
                    "--shard), not a shard\n",
                    p->path);
            bad = 1;
            continue;
        } else {
            p->index =
                (uint64_t)json_integer_value(json_object_get(shard, "index"));
            p->count =
                (uint64_t)json_integer_value(json_object_get(shard, "count"));
            /* A job file edited by hand must not index past the shards
             * (order_shards keeps one slot per shard). */
            if (p->count == 0 || p->index >= p->count ||
                p->count > MAX_SHARDS) {
                fprintf(stderr,
                        "glossa merge: %s.job says shard %llu/%llu, which "
                        "no run writes; the job file was edited\n",
                        p->path, (unsigned long long)p->index,
                        (unsigned long long)p->count);
                bad = 1;
                continue;
            }
        }
        if (!json_is_object(output) || records != p->lines ||
            bytes != p->bytes) {
            fprintf(stderr,
                    "glossa merge: %s holds %llu records (%llu bytes) but "
                    "%s.job says %llu (%llu bytes): the file changed after "
                    "its run published it; rerun that shard\n",
                    p->path, (unsigned long long)p->lines,
                    (unsigned long long)p->bytes, p->path,
                    (unsigned long long)records, (unsigned long long)bytes);
            bad = 1;
        }
        json_t *settings = job_identity(p->job);
        if (i > 0 && !json_equal(settings, ref)) {
            fprintf(stderr,
                    "glossa merge: %s and %s are shards of different jobs:\n",
                    parts[0].path, p->path);
            print_difference(ref, settings);
            bad = 1;
        }
        json_decref(settings);
    }
    json_decref(ref);
    return bad ? -1 : 0;
}

/* Checks that the parts are the N shards of one split, exactly one file
 * per shard, and sorts them by shard. Returns 0 or -1 (printed). */
static int order_shards(part_t *parts, size_t n)
{
    uint64_t count = parts[0].count;
    for (size_t i = 1; i < n; i++)
        if (parts[i].count != count) {
            fprintf(stderr,
                    "glossa merge: %s is shard %llu/%llu but %s is shard "
                    "%llu/%llu: splits into different numbers of shards\n",
                    parts[0].path, (unsigned long long)parts[0].index,
                    (unsigned long long)count, parts[i].path,
                    (unsigned long long)parts[i].index,
                    (unsigned long long)parts[i].count);
            return -1;
        }
    part_t **slot = calloc(count, sizeof(part_t *));
    if (!slot)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        part_t *p = &parts[i];
        if (slot[p->index]) {
            fprintf(stderr,
                    "glossa merge: %s and %s are both shard %llu/%llu\n",
                    slot[p->index]->path, p->path, (unsigned long long)p->index,
                    (unsigned long long)count);
            bad = 1;
        }
        slot[p->index] = p;
    }
    for (uint64_t k = 0; k < count && !bad; k++)
        if (!slot[k]) {
            report_missing(&parts[0], k, count);
            bad = 1;
        }
    if (!bad) {
        part_t *sorted = malloc(n * sizeof(part_t));
        if (sorted) {
            for (uint64_t k = 0; k < count; k++)
                sorted[k] = *slot[k];
            memcpy(parts, sorted, n * sizeof(part_t));
            free(sorted);
        } else {
            bad = 1;
        }
    }
    free(slot);
    return bad ? -1 : 0;
}

/* Reads the job files and checks that the parts are the N shards of one
 * job, each whole. Sorts parts by shard. *job_out receives the job of a
 * run over everything (a new reference), or NULL when the parts have no
 * job files. Returns 0 or -1 (printed). */
static int check_parts(part_t *parts, size_t n, const json_t **job_out)
{
    size_t with_job;
    if (read_parts(parts, n, &with_job))
        return -1;
    if (with_job && with_job < n) {
        for (size_t i = 0; i < n; i++)
            if (!parts[i].job)
                fprintf(stderr,
                        "glossa merge: %s has no job file (%s.job) but other "
                        "inputs do: it was not published by glossa run -o\n",
                        parts[i].path, parts[i].path);
        return -1;
    }
    if (with_job == 0) {
        /* Outputs written to standard output: the order given is the only
         * clue to which shard each file is. */
        if (n > 1)
            fprintf(stderr,
                    "glossa merge: no job files (OUT.job); taking the %zu "
                    "files as shards 0..%zu in the order given\n",
                    n, n - 1);
        for (size_t i = 0; i < n; i++) {
            parts[i].index = i;
            parts[i].count = n;
        }
        *job_out = NULL;
        return 0;
    }
    json_t *ref = job_settings(parts[0].job);
    if (identify_shards(parts, n) || order_shards(parts, n)) {
        json_decref(ref);
        return -1;
    }
    *job_out = ref; /* the job of a run over everything: no shard */
    json_object_set_new(ref, "shard", json_null());
    return 0;
}

/* Round robin over T records gives shard k ceil((T - k) / N) of them. */
static int check_counts(const part_t *parts, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += parts[i].lines;
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
        uint64_t want = total > k ? (total - k + n - 1) / n : 0;
        if (parts[k].lines != want)
            ok = 0;
    }
    if (ok)
        return 0;
    fprintf(stderr,
            "glossa merge: the shards' record counts cannot come from one "
            "round-robin split of %llu records:\n",
            (unsigned long long)total);
    for (size_t k = 0; k < n; k++)
        fprintf(stderr, "  shard %zu/%zu (%s): %llu records, expected %llu\n",
                k, n, parts[k].path, (unsigned long long)parts[k].lines,
                (unsigned long long)(total > k ? (total - k + n - 1) / n : 0));
    fprintf(stderr, "(a shard was cut short, or the input changed between "
                    "the shards' runs)\n");
    return -1;
}

static int interleave(part_t *parts, size_t n, glossa_output_t *out)
{
    glossa_sink_t sink = glossa_output_sink(out);
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += parts[i].lines;
        parts[i].f = fopen(parts[i].path, "rb");
        if (!parts[i].f) {
            fprintf(stderr, "glossa merge: cannot read %s: %s\n", parts[i].path,
                    strerror(errno));
            return -1;
        }
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    for (uint64_t i = 0; i < total && rc == 0; i++) {
        part_t *p = &parts[i % n];
        ssize_t len = getline(&line, &cap, p->f);
        if (len <= 0 || line[len - 1] != '\n') {
            fprintf(stderr, "glossa merge: %s changed while merging\n",
                    p->path);
            rc = -1;
            break;
        }
        glossa_record_info_t info = {.seq = i};
        if (sink.write(sink.ud, line, (size_t)len - 1, &info))
            rc = -1;
    }
    free(line);
    if (rc == 0 && sink.flush(sink.ud))
        rc = -1;
    return rc;
}

int glossa_cli_merge(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"redis", required_argument, NULL, 'r'},
        {"stream", required_argument, NULL, 's'},
        {"group", required_argument, NULL, 'g'},
        {"results", required_argument, NULL, 'R'},
        {"partial", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL;
    glossa_cli_redis_merge_t rm = {0};
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "o:h", long_opts,
                                  "glossa merge")) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'r':
            rm.url = optarg;
            break;
        case 's':
            rm.stream = optarg;
            break;
        case 'g':
            rm.group = optarg;
            break;
        case 'R':
            rm.results = optarg;
            break;
        case 'p':
            rm.partial = 1;
            break;
        case 'h':
            merge_usage(stdout);
            return GLOSSA_EXIT_OK;
        default:
            merge_usage(stderr);
            return GLOSSA_EXIT_USAGE;
        }
    }
    int redis = rm.url || rm.stream || rm.group || rm.results;
    if (redis || rm.partial) {
        if (optind < argc) {
            fprintf(stderr, "glossa merge: --redis takes no file arguments\n");
            return GLOSSA_EXIT_USAGE;
        }
        rm.output = output;
        return glossa_cli_merge_redis(&rm);
    }
    if (optind >= argc) {
        fprintf(stderr, "glossa merge: no shard outputs given\n");
        merge_usage(stderr);
        return GLOSSA_EXIT_USAGE;
    }
    size_t n = (size_t)(argc - optind);
    part_t *parts = calloc(n, sizeof(part_t));
    if (!parts) {
        fprintf(stderr, "glossa merge: out of memory\n");
        return GLOSSA_EXIT_FAILURE;
    }
    for (size_t i = 0; i < n; i++)
        parts[i].path = argv[optind + (int)i];
    const json_t *job = NULL;
    int exit_code = GLOSSA_EXIT_FAILURE;
    if (check_parts(parts, n, &job) == 0 && check_counts(parts, n) == 0) {
        json_t *empty = json_object();
        glossa_output_t out;
        if (glossa_output_open(&out, output, 0, job ? job : empty) ==
            GLOSSA_OUTPUT_READY) {
            if (interleave(parts, n, &out) == 0) {
                if (glossa_output_publish(&out) == 0)
                    exit_code = GLOSSA_EXIT_OK;
            } else {
                glossa_output_abandon(&out);
            }
        }
        json_decref(empty);
    }
    for (size_t i = 0; i < n; i++) {
        json_decref(parts[i].job);
        if (parts[i].f)
            fclose(parts[i].f);
    }
    json_decref((json_t *)job);
    free(parts);
    return exit_code;
}
