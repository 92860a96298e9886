/* glossa run: annotate inputs with a pipeline and write JSONL. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "output.h"
#include "progress.h"
#include "runtime_args.h"
#include "scaleout/shard.h"

static void run_usage(FILE *out)
{
    fprintf(
        out,
        "usage: glossa run [options] INPUT...\n"
        "\n"
        "Annotates every document of the inputs and writes one JSON line "
        "per input\nrecord, in input order (docs/output-format.md).\n"
        "\n"
        "INPUT is a directory of .txt files (with an optional "
        "manifest.jsonl),\na .jsonl file of {\"id\", \"text\", \"meta\"} "
        "records, any other file (one\ndocument, whatever its type: a "
        "FIFO, <(command), /dev/stdin), or - for\nstandard input "
        "(JSONL, or see --format).\n"
        "\n"
        "options:\n"
        "  --pipeline FILE        the pipeline to run (default: the "
        "bundled one)\n"
        "  --plugin NAME|PATH     add a plugin (repeatable; after the "
        "pipeline's)\n"
        "  --threads N            pool threads (default: one per CPU)\n"
        "  -o, --output FILE      write to FILE instead of standard "
        "output (via\n"
        "                         FILE.partial, renamed when the run "
        "completes; - is\n"
        "                         standard output)\n"
        "  --format FORMAT        how - (standard input) is read: jsonl "
        "(default),\n"
        "                         text (one document) or lines (one "
        "document a line)\n"
        "  --follow-symlinks      read what symbolic links inside input "
        "folders point to\n"
        "                         (skipped by default, as by find)\n"
        "  --resume               finish an interrupted run of the same "
        "job (needs -o)\n"
        "  --shard K/N            process only records with index %% N "
        "== K\n"
        "                         (default: the Slurm array task's; all: "
        "every record)\n"
        "  --max-doc-bytes SIZE   refuse larger documents (default 16M: one "
        "document\n"
        "                         is annotated whole, in about 40 times "
        "its size)\n"
        "  --max-layer-bytes SIZE cap one plugin's output per document "
        "(default 256M)\n"
        "  --window N             documents in flight (default 16 per "
        "thread + 16)\n"
        "  --isolate              run plugins in worker processes: a "
        "crash or hang\n"
        "                         costs one document, not the run "
        "(docs/reliability.md)\n"
        "  --doc-timeout SECONDS  with --isolate: kill a plugin that "
        "takes longer on\n"
        "                         one document (retried once, then "
        "recorded); default\n"
        "                         60 s + 30 s per MiB of the document; "
        "'none': no limit\n"
        "  --quarantine FILE      with --isolate: list documents that "
        "crashed or timed\n"
        "                         out (default with -o: "
        "OUT.quarantine.jsonl)\n"
        "  --worker-memory SIZE   with --isolate: address-space limit "
        "per worker; one\n"
        "                         near it is replaced before its next "
        "document\n"
        "  --worker-max-docs N    with --isolate: replace a worker after "
        "N units\n"
        "  --progress / --no-progress   force the progress bar on or off\n"
        "  -q, --quiet            no summary, warnings only\n"
        "  --stats FILE           write the run's figures as JSON "
        "(docs/cli.md)\n"
        "  --with-text            put each document's text in its record\n"
        "  --describe             print what produces each layer "
        "(plugins, builds, data,\n"
        "                         configuration: the provenance) and "
        "exit\n"
        "  --reuse OLD.jsonl      take each layer from an earlier output "
        "where its\n"
        "                         input and provenance are unchanged; run "
        "the rest\n"
        "  --log-level LEVEL      error, warn, info or debug\n"
        "\n"
        "exit status: 0 all records processed, 1 fatal error, 2 usage "
        "error,\n3 plugin or pipeline load error, 4 some records carry "
        "errors, 130 interrupted,\n141 the reader of standard output "
        "left (as a filter ended by SIGPIPE).\n");
}

/* ---- Signals ----------------------------------------------------------- */

static glossa_runtime_t *signal_runtime;

static void on_signal(int sig)
{
    (void)sig;
    glossa_runtime_stop(signal_runtime);
}

static void install_signals(glossa_runtime_t *rt)
{
    signal_runtime = rt;
    glossa_cli_install_stop_signals(on_signal);
}

/* ---- Summary ----------------------------------------------------------- */

/* The first records' errors, so that a run with errors says which record
 * and why without opening the output: where from, code, message. */
static void print_noted_errors(const json_t *noted, uint64_t errors)
{
    size_t i;
    const json_t *e;
    json_array_foreach(noted, i, e)
    {
        const char *plugin = json_string_value(json_object_get(e, "plugin"));
        fprintf(stderr, "glossa:   record %s: %s (%s%s): %s\n",
                json_string_value(json_object_get(e, "id")),
                json_string_value(json_object_get(e, "code")),
                plugin ? "plugin " : "input", plugin ? plugin : "",
                json_string_value(json_object_get(e, "message")));
    }
    if (errors > json_array_size(noted))
        fprintf(stderr,
                "glossa:   ... and %llu more errors (see the records' "
                "\"errors\")\n",
                (unsigned long long)(errors - json_array_size(noted)));
}

static void print_summary(glossa_runtime_t *rt, const glossa_run_stats_t *st,
                          const json_t *noted_errors)
{
    double secs = st->wall_seconds > 0 ? st->wall_seconds : 1e-9;
    fprintf(stderr,
            "glossa: %llu document%s, %.2f MB in %.2f s (%.1f documents/s, "
            "%.2f MB/s); %llu error%s in %llu document%s\n",
            (unsigned long long)st->records, glossa_cli_plural(st->records),
            (double)st->bytes / 1e6, st->wall_seconds,
            (double)st->records / secs, (double)st->bytes / 1e6 / secs,
            (unsigned long long)st->errors, glossa_cli_plural(st->errors),
            (unsigned long long)st->records_with_errors,
            glossa_cli_plural(st->records_with_errors));
    double total = st->prepare_seconds + st->merge_seconds;
    size_t n = glossa_runtime_plugin_count(rt);
    for (size_t i = 0; i < n; i++) {
        glossa_plugin_stats_t ps;
        if (glossa_runtime_plugin_stats(rt, i, &ps) == 0)
            total += ps.seconds;
    }
    if (total <= 0)
        total = 1e-9;
    fprintf(stderr, "glossa:   %-18s %9.3f s  %5.1f%%\n", "(segmentation)",
            st->prepare_seconds, 100.0 * st->prepare_seconds / total);
    for (size_t i = 0; i < n; i++) {
        glossa_plugin_stats_t ps;
        if (glossa_runtime_plugin_stats(rt, i, &ps))
            continue;
        uint64_t reused = glossa_runtime_plugin_reused(rt, i);
        char taken[64] = "";
        if (reused)
            snprintf(taken, sizeof(taken), ", %llu reused",
                     (unsigned long long)reused);
        fprintf(stderr,
                "glossa:   %-18s %9.3f s  %5.1f%%  %llu document%s, %llu "
                "failed%s\n",
                ps.name, ps.seconds, 100.0 * ps.seconds / total,
                (unsigned long long)ps.documents,
                glossa_cli_plural(ps.documents),
                (unsigned long long)ps.failures, taken);
    }
    fprintf(stderr, "glossa:   %-18s %9.3f s  %5.1f%%\n", "(merge, output)",
            st->merge_seconds, 100.0 * st->merge_seconds / total);
    if (json_array_size(noted_errors))
        print_noted_errors(noted_errors, st->errors);
}

/* The summary as JSON, for scripts and the benchmark. */
static int write_stats(const char *path, glossa_runtime_t *rt,
                       const glossa_run_stats_t *st, unsigned threads,
                       int isolate)
{
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    double secs = st->wall_seconds > 0 ? st->wall_seconds : 1e-9;
    /* User and system time of this process and its finished workers,
     * startup included: the cost of a run where the wall time also
     * shows what else the machine was doing. */
    double cpu = 0;
    const struct rusage *both[2] = {&self, &children};
    for (int i = 0; i < 2; i++)
        cpu += (double)both[i]->ru_utime.tv_sec +
               (double)both[i]->ru_utime.tv_usec / 1e6 +
               (double)both[i]->ru_stime.tv_sec +
               (double)both[i]->ru_stime.tv_usec / 1e6;
    json_t *plugins = json_array();
    size_t n = glossa_runtime_plugin_count(rt);
    for (size_t i = 0; i < n; i++) {
        glossa_plugin_stats_t ps;
        if (glossa_runtime_plugin_stats(rt, i, &ps) == 0)
            json_array_append_new(
                plugins,
                json_pack("{s:s,s:f,s:I,s:I,s:I}", "name", ps.name, "seconds",
                          ps.seconds, "documents", (json_int_t)ps.documents,
                          "failures", (json_int_t)ps.failures, "reused",
                          (json_int_t)glossa_runtime_plugin_reused(rt, i)));
    }
    json_t *doc = json_pack(
        "{s:s,s:I,s:b,s:I,s:I,s:f,s:f,s:f,s:f,s:I,s:I,s:f,s:f,s:I,s:I,s:o}",
        "glossa", glossa_version(), "threads", (json_int_t)threads, "isolate",
        isolate, "documents", (json_int_t)st->records, "bytes",
        (json_int_t)st->bytes, "wall_seconds", st->wall_seconds, "cpu_seconds",
        cpu, "documents_per_second", (double)st->records / secs,
        "megabytes_per_second", (double)st->bytes / 1e6 / secs, "errors",
        (json_int_t)st->errors, "records_with_errors",
        (json_int_t)st->records_with_errors, "prepare_seconds",
        st->prepare_seconds, "merge_seconds", st->merge_seconds, "peak_rss_kb",
        (json_int_t)self.ru_maxrss, "peak_rss_worker_kb",
        (json_int_t)children.ru_maxrss, "plugins", plugins);
    if (doc)
        json_object_set_new(doc, "provenance", glossa_runtime_describe(rt));
    int rc = doc ? json_dump_file(doc, path, JSON_INDENT(2)) : -1;
    json_decref(doc);
    if (rc)
        fprintf(stderr, "glossa run: cannot write %s\n", path);
    return rc;
}

/* ---- The job, for --resume -------------------------------------------- */

/* FNV-1a of a file's bytes, as 16 hex digits; "" if it cannot be read. */
static void file_digest(const char *path, char hex[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    FILE *f = fopen(path, "rb");
    hex[0] = '\0';
    if (!f)
        return;
    int c;
    while ((c = getc(f)) != EOF) {
        h ^= (uint64_t)(unsigned char)c;
        h *= 0x100000001b3ull;
    }
    fclose(f);
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}

static json_t *absolute(const char *path)
{
    char *real = realpath(path, NULL);
    json_t *s = json_string(real ? real : path);
    free(real);
    return s;
}

/* The settings that shape the output: a run may only be resumed with the
 * same ones. Threads and window size are left out: they do not change a
 * byte of it. */
/* Each layer's compact provenance, {"layer": "plugin/version/digest"}. */
static json_t *layer_provenance(glossa_runtime_t *rt)
{
    json_t *p = json_object();
    size_t n = glossa_runtime_plugin_count(rt);
    for (size_t i = 0; p && i < n; i++) {
        const char *prov = glossa_runtime_plugin_provenance(rt, i);
        json_object_set_new(p, glossa_runtime_plugin_name(rt, i),
                            prov ? json_string(prov) : json_null());
    }
    return p;
}

/* The job: what a --resume or a merge must find unchanged. Besides the
 * settings, the provenance of every layer (plugin, build, data,
 * configuration) and, for a job written to a file, the inputs as they
 * are (size, modification time, digest). */
static json_t *describe_job(glossa_runtime_t *rt, int to_file, char **inputs,
                            size_t n_inputs, const char *pipeline,
                            const char **plugins, size_t n_plugins,
                            const glossa_source_options_t *so,
                            const glossa_runtime_options_t *ro)
{
    json_t *job = json_object(), *in = json_array(), *pl = json_array();
    for (size_t i = 0; i < n_inputs; i++)
        json_array_append_new(in, strcmp(inputs[i], "-") ? absolute(inputs[i])
                                                         : json_string("-"));
    for (size_t i = 0; i < n_plugins; i++)
        json_array_append_new(pl, strchr(plugins[i], '/')
                                      ? absolute(plugins[i])
                                      : json_string(plugins[i]));
    json_object_set_new(job, "glossa", json_string(glossa_version()));
    json_object_set_new(job, "inputs", in);
    json_object_set_new(job, "plugins", pl);
    if (pipeline) {
        char digest[17];
        file_digest(pipeline, digest);
        json_object_set_new(job, "pipeline",
                            json_pack("{s:o,s:s}", "file", absolute(pipeline),
                                      "fnv1a", digest));
    } else {
        json_object_set_new(job, "pipeline", json_null());
    }
    json_object_set_new(job, "shard",
                        so->shard_count > 1
                            ? json_pack("{s:I,s:I}", "index",
                                        (json_int_t)so->shard_index, "count",
                                        (json_int_t)so->shard_count)
                            : json_null());
    json_object_set_new(job, "max_doc_bytes",
                        json_integer((json_int_t)ro->max_doc_bytes));
    json_object_set_new(job, "max_layer_bytes",
                        json_integer((json_int_t)ro->max_layer_bytes));
    json_object_set_new(job, "with_text", json_boolean(ro->with_text));
    json_object_set_new(job, "provenance", layer_provenance(rt));
    /* For people: paths, file digests, configurations (not compared). */
    json_object_set_new(job, "provenance_detail", glossa_runtime_describe(rt));
    if (to_file)
        json_object_set_new(
            job, "input_files",
            glossa_inputs_fingerprint((const char *const *)inputs, n_inputs));
    return job;
}

/* ---- Options ----------------------------------------------------------- */

enum {
    OPT_SHARD = GLOSSA_CLI_OPT_OWN,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_RESUME,
    OPT_QUARANTINE,
    OPT_WORKER_MEMORY,
    OPT_WORKER_MAX_DOCS,
    OPT_STATS,
    OPT_FORMAT,
    OPT_WITH_TEXT,
    OPT_DESCRIBE,
    OPT_REUSE,
    OPT_FOLLOW_SYMLINKS
};

/* Not an exit code: the next step may go on. */
#define GO (-1)

/* What the command line asks for. */
typedef struct run_args {
    glossa_cli_runtime_args_t rt; /* the pipeline, the runtime's options */
    glossa_source_options_t source;
    const char *output;     /* -o, then with {shard} filled in */
    const char *shard;      /* --shard, or NULL */
    const char *quarantine; /* --quarantine, or the default with -o */
    const char *stats;      /* --stats FILE, or NULL */
    int resume, progress;
    int describe;      /* --describe: print the provenance, run nothing */
    const char *reuse; /* --reuse OLD.jsonl, or NULL */
    char **inputs;
    size_t n_inputs;
    char *output_name;        /* owned: the output with {shard} filled in */
    char *quarantine_default; /* owned: OUT.quarantine.jsonl */
} run_args_t;

static void run_args_init(run_args_t *a, int argc)
{
    memset(a, 0, sizeof(*a));
    glossa_cli_runtime_args_init(&a->rt, argc);
    glossa_source_options_init(&a->source);
    a->progress = isatty(STDERR_FILENO);
}

static void run_args_free(run_args_t *a)
{
    glossa_cli_runtime_args_free(&a->rt);
    free(a->output_name);
    free(a->quarantine_default);
}

/* Says what is wrong with the value of an option run shares with
 * worker. */
static void bad_runtime_value(int c, const char *arg)
{
    switch (c) {
    case GLOSSA_CLI_OPT_THREADS:
        fprintf(stderr, "glossa run: --threads takes 1 to 1024\n");
        break;
    case GLOSSA_CLI_OPT_MAX_DOC:
    case GLOSSA_CLI_OPT_MAX_LAYER:
        fprintf(stderr, "glossa run: bad size '%s' (e.g. 64M)\n", arg);
        break;
    case GLOSSA_CLI_OPT_WINDOW:
        fprintf(stderr, "glossa run: bad --window '%s'\n", arg);
        break;
    case GLOSSA_CLI_OPT_DOC_TIMEOUT:
        fprintf(stderr, "glossa run: --doc-timeout takes seconds "
                        "(e.g. 2.5), up to a day, or 'none'\n");
        break;
    case GLOSSA_CLI_OPT_LOG_LEVEL:
        fprintf(stderr, "glossa run: --log-level takes error, warn, "
                        "info or debug\n");
        break;
    }
}

/* --worker-memory SIZE, --worker-max-docs N. Returns 0 or -1 (printed). */
static int worker_limit(run_args_t *a, int c, const char *arg)
{
    unsigned long long size;
    if (glossa_cli_parse_size(arg, &size) || size == 0) {
        fprintf(stderr, "glossa run: bad value '%s'\n", arg);
        return -1;
    }
    if (c == OPT_WORKER_MEMORY)
        a->rt.options.worker_memory_limit = (size_t)size;
    else
        a->rt.options.worker_max_units =
            size > UINT32_MAX ? UINT32_MAX : (unsigned)size;
    return 0;
}

/* Takes one of run's own options. Returns GO or the exit code. */
static int own_option(run_args_t *a, int c, const char *arg)
{
    switch (c) {
    case 'o':
        a->output = arg;
        break;
    case OPT_SHARD:
        a->shard = arg;
        break;
    case OPT_PROGRESS:
        a->progress = 1;
        break;
    case OPT_NO_PROGRESS:
        a->progress = 0;
        break;
    case OPT_RESUME:
        a->resume = 1;
        break;
    case OPT_QUARANTINE:
        a->quarantine = arg;
        break;
    case OPT_STATS:
        a->stats = arg;
        break;
    case OPT_WITH_TEXT:
        a->rt.options.with_text = 1;
        break;
    case OPT_DESCRIBE:
        a->describe = 1;
        break;
    case OPT_REUSE:
        a->reuse = arg;
        break;
    case OPT_FOLLOW_SYMLINKS:
        a->source.follow_symlinks = 1;
        break;
    case OPT_FORMAT:
        if (strcmp(arg, "jsonl") == 0)
            a->source.stdin_format = GLOSSA_INPUT_JSONL;
        else if (strcmp(arg, "text") == 0)
            a->source.stdin_format = GLOSSA_INPUT_TEXT;
        else if (strcmp(arg, "lines") == 0)
            a->source.stdin_format = GLOSSA_INPUT_LINES;
        else {
            fprintf(stderr,
                    "glossa run: --format takes jsonl, text or lines, not "
                    "'%s'\n",
                    arg);
            return GLOSSA_EXIT_USAGE;
        }
        break;
    case OPT_WORKER_MEMORY:
    case OPT_WORKER_MAX_DOCS:
        if (worker_limit(a, c, arg))
            return GLOSSA_EXIT_USAGE;
        break;
    case 'h':
        run_usage(stdout);
        return GLOSSA_EXIT_OK;
    default:
        run_usage(stderr);
        return GLOSSA_EXIT_USAGE;
    }
    return GO;
}

/* Reads the options and the inputs. Returns GO or the exit code. */
static int parse_args(int argc, char **argv, run_args_t *a)
{
    /* The shared options first: getopt_long lists the candidates of an
     * ambiguous abbreviation in this order (runtime_args.h). */
    static const struct option long_opts[] = {
        GLOSSA_CLI_RUNTIME_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"quiet", no_argument, NULL, 'q'},
        {"resume", no_argument, NULL, OPT_RESUME},
        {"quarantine", required_argument, NULL, OPT_QUARANTINE},
        {"worker-memory", required_argument, NULL, OPT_WORKER_MEMORY},
        {"worker-max-docs", required_argument, NULL, OPT_WORKER_MAX_DOCS},
        {"stats", required_argument, NULL, OPT_STATS},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"with-text", no_argument, NULL, OPT_WITH_TEXT},
        {"describe", no_argument, NULL, OPT_DESCRIBE},
        {"reuse", required_argument, NULL, OPT_REUSE},
        {"follow-symlinks", no_argument, NULL, OPT_FOLLOW_SYMLINKS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "o:qh", long_opts,
                                  "glossa run")) != -1) {
        int shared = glossa_cli_runtime_option(&a->rt, c, optarg);
        if (shared < 0) {
            bad_runtime_value(c, optarg);
            return GLOSSA_EXIT_USAGE;
        }
        int code = shared ? GO : own_option(a, c, optarg);
        if (code != GO)
            return code;
    }
    a->inputs = argv + optind;
    a->n_inputs = (size_t)(argc - optind);
    return GO;
}

/* The checks that need every option; the shard (--shard, or the Slurm
 * array task) and the output name, whose {shard} placeholders it fills
 * in (shard.h). Returns GO or the exit code. */
static int check_args(run_args_t *a)
{
    const glossa_runtime_options_t *o = &a->rt.options;
    if (a->output && strcmp(a->output, "-") == 0)
        a->output = NULL; /* -o -: standard output, as without -o */
    glossa_cli_shard_t shard;
    if (glossa_cli_shard_setup(a->shard, a->output, a->rt.quiet, &shard,
                               &a->output_name))
        return GLOSSA_EXIT_USAGE;
    a->source.shard_index = shard.index;
    a->source.shard_count = shard.count;
    a->output = a->output_name;
    if (!o->isolate && (o->doc_timeout_ms || a->quarantine ||
                        o->worker_memory_limit || o->worker_max_units)) {
        fprintf(stderr, "glossa run: --doc-timeout, --quarantine and "
                        "--worker-* need --isolate\n");
        return GLOSSA_EXIT_USAGE;
    }
    if (a->resume && !a->output) {
        fprintf(stderr, "glossa run: --resume needs -o FILE\n");
        return GLOSSA_EXIT_USAGE;
    }
    if (a->n_inputs == 0 && !a->describe) {
        fprintf(stderr, "glossa run: no input given (a directory, a file, "
                        "or - for standard input)\n");
        run_usage(stderr);
        return GLOSSA_EXIT_USAGE;
    }
    return GO;
}

/* The quarantine list: --quarantine, or with --isolate and -o,
 * OUT.quarantine.jsonl. It belongs to the job: a fresh run starts it
 * over, a resumed one appends to it. */
static void set_quarantine(run_args_t *a)
{
    if (a->rt.options.isolate && !a->quarantine && a->output) {
        a->quarantine_default =
            glossa_cli_concat(a->output, ".quarantine.jsonl");
        a->quarantine = a->quarantine_default;
    }
    if (a->quarantine && !a->resume)
        unlink(a->quarantine);
    a->rt.options.quarantine_path = a->quarantine;
}

/* ---- The run ----------------------------------------------------------- */

/* What a run opens, step by step; glossa_cli_run() closes it. */
typedef struct run {
    glossa_runtime_t *rt;
    glossa_source_t *src;
    glossa_output_t out;
    int out_open;
    glossa_progress_t bar;
    glossa_error_t err;
    const char *pipeline; /* the file loaded (maybe pipeline_buf), or NULL */
    char pipeline_buf[4096];
} run_t;

/* Creates the runtime and loads the pipeline. Returns GO or the exit
 * code. */
static int start_runtime(run_t *r, const run_args_t *a)
{
    if (glossa_runtime_new(&a->rt.options, &r->rt, &r->err)) {
        glossa_cli_print_error("glossa", NULL, &r->err);
        return GLOSSA_EXIT_FAILURE;
    }
    int code = glossa_cli_runtime_load(r->rt, &a->rt, "glossa run", "glossa",
                                       r->pipeline_buf, sizeof(r->pipeline_buf),
                                       &r->pipeline);
    if (code == 0 && a->reuse &&
        glossa_runtime_set_reuse(r->rt, a->reuse, &r->err)) {
        glossa_cli_print_error("glossa run", "--reuse", &r->err);
        return GLOSSA_EXIT_USAGE;
    }
    return code ? code : GO;
}

/* --describe: the pipeline's full provenance on standard output, and the
 * run ends there. Returns the exit code. */
static int print_description(glossa_runtime_t *rt)
{
    json_t *d = glossa_runtime_describe(rt);
    int rc = !d || json_dumpf(d, stdout, JSON_INDENT(2)) ||
             fputc('\n', stdout) == EOF || fflush(stdout);
    json_decref(d);
    if (rc)
        fprintf(stderr, "glossa run: cannot write the description\n");
    return rc ? GLOSSA_EXIT_FAILURE : GLOSSA_EXIT_OK;
}

/* Opens the output (with --resume, where it was left) and the inputs.
 * Returns GO or the exit code. */
static int open_io(run_t *r, run_args_t *a)
{
    /* The limits in force, defaults resolved: an explicit default is the
     * same job as none. */
    glossa_runtime_options_t in_force;
    glossa_runtime_get_options(r->rt, &in_force);
    json_t *job = describe_job(r->rt, a->output != NULL, a->inputs, a->n_inputs,
                               r->pipeline, a->rt.plugins, a->rt.n_plugins,
                               &a->source, &in_force);
    int opened = glossa_output_open(&r->out, a->output, a->resume, job);
    json_decref(job);
    if (opened == GLOSSA_OUTPUT_DONE)
        return GLOSSA_EXIT_OK;
    if (opened != GLOSSA_OUTPUT_READY)
        return GLOSSA_EXIT_FAILURE;
    r->out_open = 1;
    if (r->out.resumed) {
        a->source.skip_records += r->out.resumed;
        fprintf(stderr, "glossa: resuming after %llu records\n",
                (unsigned long long)r->out.resumed);
    }
    if (glossa_source_open(r->rt, (const char *const *)a->inputs, a->n_inputs,
                           &a->source, &r->src, &r->err)) {
        glossa_cli_print_error("glossa", NULL, &r->err);
        glossa_output_abandon(&r->out);
        r->out_open = 0;
        return GLOSSA_EXIT_USAGE;
    }
    return GO;
}

/* Runs the pipeline over the inputs into the output, drawing the
 * progress line; the first SIGINT or SIGTERM stops it. Returns
 * glossa_run()'s code. */
static int run_pipeline(run_t *r, const run_args_t *a,
                        glossa_run_stats_t *stats)
{
    glossa_sink_t sink = glossa_output_sink(&r->out);
    glossa_progress_init(&r->bar, a->progress);
    glossa_runtime_set_progress(r->rt, glossa_progress_update, &r->bar);
    install_signals(r->rt);
    if (!a->rt.options.isolate)
        glossa_crash_report_install(); /* names the plugin that crashes */
    int rc = glossa_run(r->rt, r->src, &sink, stats, &r->err);
    glossa_progress_finish(&r->bar);
    glossa_cli_restore_stop_signals();
    return rc;
}

/* The summary and --stats of a finished run (rc from glossa_run()).
 * Returns the exit code. */
static int report_run(run_t *r, const run_args_t *a, int rc,
                      const glossa_run_stats_t *stats)
{
    if (rc && glossa_output_reader_left(&r->out))
        return GLOSSA_EXIT_BROKEN_PIPE; /* quietly, as a filter does */
    if (!a->rt.quiet || rc)
        print_summary(r->rt, stats, r->out.noted_errors);
    glossa_runtime_options_t in_force;
    glossa_runtime_get_options(r->rt, &in_force);
    if (a->stats &&
        write_stats(a->stats, r->rt, stats, in_force.threads,
                    in_force.isolate) &&
        rc == 0)
        rc = GLOSSA_EIO;
    if (rc == GLOSSA_EINTR) {
        fprintf(stderr,
                "glossa: interrupted; %llu records were written completely\n",
                (unsigned long long)(stats->records + r->out.resumed));
        return GLOSSA_EXIT_INTERRUPTED;
    }
    if (rc) {
        if (!r->out.error)
            glossa_cli_print_error("glossa", NULL, &r->err);
        return GLOSSA_EXIT_FAILURE;
    }
    return stats->errors > 0 ? GLOSSA_EXIT_DOC_ERRORS : GLOSSA_EXIT_OK;
}

/* A complete run is published; an interrupted or failed one stays in
 * OUT.partial for --resume. Returns the exit code. */
static int finish_output(run_t *r, const run_args_t *a, int exit_code)
{
    r->out_open = 0;
    if (exit_code == GLOSSA_EXIT_OK || exit_code == GLOSSA_EXIT_DOC_ERRORS)
        return glossa_output_publish(&r->out) ? GLOSSA_EXIT_FAILURE : exit_code;
    int resumable = r->out.path != NULL; /* not stdout, a FIFO, a device */
    if (glossa_output_close(&r->out) == 0 && resumable)
        fprintf(stderr,
                "glossa: the records so far are in %s.partial; "
                "rerun with --resume to finish\n",
                a->output);
    return exit_code;
}

int glossa_cli_run(int argc, char **argv)
{
    run_args_t a;
    run_args_init(&a, argc);
    run_t r;
    memset(&r, 0, sizeof(r));
    glossa_error_clear(&r.err);

    int code = parse_args(argc, argv, &a);
    if (code == GO)
        code = check_args(&a);
    if (code == GO) {
        set_quarantine(&a);
        code = start_runtime(&r, &a);
    }
    if (code == GO && a.describe)
        code = print_description(r.rt);
    if (code == GO)
        code = open_io(&r, &a);
    if (code == GO) {
        glossa_run_stats_t stats;
        int rc = run_pipeline(&r, &a, &stats);
        code = finish_output(&r, &a, report_run(&r, &a, rc, &stats));
    }

    if (r.out_open)
        glossa_output_close(&r.out);
    glossa_source_free(r.src);
    glossa_runtime_free(r.rt);
    run_args_free(&a);
    return code;
}
