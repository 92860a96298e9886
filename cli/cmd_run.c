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
#include "scaleout/shard.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa run [options] INPUT...\n"
            "\n"
            "Annotates every document of the inputs and writes one JSON line "
            "per input\nrecord, in input order (docs/output-format.md).\n"
            "\n"
            "INPUT is a directory of .txt files (with an optional "
            "manifest.jsonl),\na .jsonl file of {\"id\", \"text\", \"meta\"} "
            "records, any other file (one\ndocument), or - for JSONL on "
            "standard input.\n"
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
            "completes)\n"
            "  --resume               finish an interrupted run of the same "
            "job (needs -o)\n"
            "  --shard K/N            process only records with index %% N "
            "== K\n"
            "                         (default: the Slurm array task's; all: "
            "every record)\n"
            "  --max-doc-bytes SIZE   refuse larger documents (default 256M)\n"
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
            "recorded)\n"
            "  --quarantine FILE      with --isolate: list documents that "
            "crashed or timed\n"
            "                         out (default with -o: "
            "OUT.quarantine.jsonl)\n"
            "  --worker-memory SIZE   with --isolate: address-space limit "
            "per worker\n"
            "  --worker-max-docs N    with --isolate: replace a worker after "
            "N units\n"
            "  --progress / --no-progress   force the progress bar on or off\n"
            "  -q, --quiet            no summary, warnings only\n"
            "  --stats FILE           write the run's figures as JSON "
            "(docs/cli.md)\n"
            "  --log-level LEVEL      error, warn, info or debug\n"
            "\n"
            "exit status: 0 all records processed, 1 fatal error, 2 usage "
            "error,\n3 plugin or pipeline load error, 4 some records carry "
            "errors, 130 interrupted.\n");
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

/* ---- Pipeline ---------------------------------------------------------- */

static void print_error(const char *what, const glossa_error_t *err)
{
    char msg[2048];
    glossa_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "glossa: %s%s%s\n", what ? what : "", what ? ": " : "",
            msg);
}

/* ---- Summary ----------------------------------------------------------- */

static void print_summary(glossa_runtime_t *rt, const glossa_run_stats_t *st)
{
    double secs = st->wall_seconds > 0 ? st->wall_seconds : 1e-9;
    fprintf(stderr,
            "glossa: %llu documents, %.2f MB in %.2f s (%.1f documents/s, "
            "%.2f MB/s); %llu errors in %llu documents\n",
            (unsigned long long)st->records, (double)st->bytes / 1e6,
            st->wall_seconds, (double)st->records / secs,
            (double)st->bytes / 1e6 / secs, (unsigned long long)st->errors,
            (unsigned long long)st->records_with_errors);
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
        fprintf(stderr,
                "glossa:   %-18s %9.3f s  %5.1f%%  %llu documents, %llu "
                "failed\n",
                ps.name, ps.seconds, 100.0 * ps.seconds / total,
                (unsigned long long)ps.documents,
                (unsigned long long)ps.failures);
    }
    fprintf(stderr, "glossa:   %-18s %9.3f s  %5.1f%%\n", "(merge, output)",
            st->merge_seconds, 100.0 * st->merge_seconds / total);
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
                json_pack("{s:s,s:f,s:I,s:I}", "name", ps.name, "seconds",
                          ps.seconds, "documents", (json_int_t)ps.documents,
                          "failures", (json_int_t)ps.failures));
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
static json_t *describe_job(char **inputs, size_t n_inputs,
                            const char *pipeline, const char **plugins,
                            size_t n_plugins, const glossa_source_options_t *so,
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
    return job;
}

/* ---- Main -------------------------------------------------------------- */

enum {
    OPT_PIPELINE = 256,
    OPT_PLUGIN,
    OPT_THREADS,
    OPT_SHARD,
    OPT_MAX_DOC,
    OPT_MAX_LAYER,
    OPT_WINDOW,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_LOG_LEVEL,
    OPT_RESUME,
    OPT_ISOLATE,
    OPT_DOC_TIMEOUT,
    OPT_QUARANTINE,
    OPT_WORKER_MEMORY,
    OPT_WORKER_MAX_DOCS,
    OPT_STATS
};

int glossa_cli_run(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"pipeline", required_argument, NULL, OPT_PIPELINE},
        {"plugin", required_argument, NULL, OPT_PLUGIN},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"output", required_argument, NULL, 'o'},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"max-doc-bytes", required_argument, NULL, OPT_MAX_DOC},
        {"max-layer-bytes", required_argument, NULL, OPT_MAX_LAYER},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"quiet", no_argument, NULL, 'q'},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"resume", no_argument, NULL, OPT_RESUME},
        {"isolate", no_argument, NULL, OPT_ISOLATE},
        {"doc-timeout", required_argument, NULL, OPT_DOC_TIMEOUT},
        {"quarantine", required_argument, NULL, OPT_QUARANTINE},
        {"worker-memory", required_argument, NULL, OPT_WORKER_MEMORY},
        {"worker-max-docs", required_argument, NULL, OPT_WORKER_MAX_DOCS},
        {"stats", required_argument, NULL, OPT_STATS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    glossa_runtime_options_t ropts;
    glossa_runtime_options_init(&ropts);
    glossa_source_options_t sopts;
    glossa_source_options_init(&sopts);
    const char *pipeline = NULL, *output = NULL, *quarantine = NULL;
    const char *shard_arg = NULL;
    const char *stats_path = NULL;
    char *quarantine_default = NULL;
    const char **plugins = calloc((size_t)argc, sizeof(char *));
    size_t n_plugins = 0;
    int quiet = 0, resume = 0, progress = isatty(STDERR_FILENO);
    unsigned long long size;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_PIPELINE:
            pipeline = optarg;
            break;
        case OPT_PLUGIN:
            plugins[n_plugins++] = optarg;
            break;
        case OPT_THREADS: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1 || t > 1024) {
                fprintf(stderr, "glossa run: --threads takes 1 to 1024\n");
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
            ropts.threads = (unsigned)t;
            break;
        }
        case 'o':
            output = optarg;
            break;
        case OPT_SHARD:
            shard_arg = optarg;
            break;
        case OPT_MAX_DOC:
        case OPT_MAX_LAYER:
            if (glossa_cli_parse_size(optarg, &size) || size == 0) {
                fprintf(stderr, "glossa run: bad size '%s' (e.g. 64M)\n",
                        optarg);
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
            if (c == OPT_MAX_DOC)
                ropts.max_doc_bytes = (size_t)size;
            else
                ropts.max_layer_bytes = (size_t)size;
            break;
        case OPT_WINDOW:
            if (glossa_cli_parse_size(optarg, &size) || size == 0) {
                fprintf(stderr, "glossa run: bad --window '%s'\n", optarg);
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
            ropts.max_docs_in_flight = (size_t)size;
            break;
        case OPT_PROGRESS:
            progress = 1;
            break;
        case OPT_RESUME:
            resume = 1;
            break;
        case OPT_ISOLATE:
            ropts.isolate = 1;
            break;
        case OPT_DOC_TIMEOUT:
            if (glossa_cli_parse_doc_timeout(optarg, &ropts.doc_timeout_ms)) {
                fprintf(stderr, "glossa run: --doc-timeout takes seconds "
                                "(e.g. 2.5), up to a day\n");
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
            break;
        case OPT_QUARANTINE:
            quarantine = optarg;
            break;
        case OPT_STATS:
            stats_path = optarg;
            break;
        case OPT_WORKER_MEMORY:
        case OPT_WORKER_MAX_DOCS:
            if (glossa_cli_parse_size(optarg, &size) || size == 0) {
                fprintf(stderr, "glossa run: bad value '%s'\n", optarg);
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
            if (c == OPT_WORKER_MEMORY)
                ropts.worker_memory_limit = (size_t)size;
            else
                ropts.worker_max_units =
                    size > UINT32_MAX ? UINT32_MAX : (unsigned)size;
            break;
        case OPT_NO_PROGRESS:
            progress = 0;
            break;
        case 'q':
            quiet = 1;
            ropts.log_level = GLOSSA_LOG_WARN;
            break;
        case OPT_LOG_LEVEL:
            if (glossa_cli_parse_log_level(optarg, &ropts.log_level)) {
                fprintf(stderr, "glossa run: --log-level takes error, warn, "
                                "info or debug\n");
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
            break;
        case 'h':
            run_usage(stdout);
            free(plugins);
            return GLOSSA_EXIT_OK;
        default:
            run_usage(stderr);
            free(plugins);
            return GLOSSA_EXIT_USAGE;
        }
    }
    /* The shard (--shard, or the Slurm array task) and the output name,
     * whose {shard} placeholders it fills in (shard.h). */
    glossa_cli_shard_t shard;
    char *output_name = NULL;
    if (glossa_cli_shard_setup(shard_arg, output, quiet, &shard,
                               &output_name)) {
        free(plugins);
        return GLOSSA_EXIT_USAGE;
    }
    sopts.shard_index = shard.index;
    sopts.shard_count = shard.count;
    output = output_name;
    if (!ropts.isolate &&
        (ropts.doc_timeout_ms || quarantine || ropts.worker_memory_limit ||
         ropts.worker_max_units)) {
        fprintf(stderr, "glossa run: --doc-timeout, --quarantine and "
                        "--worker-* need --isolate\n");
        free(plugins);
        free(output_name);
        return GLOSSA_EXIT_USAGE;
    }
    if (resume && !output) {
        fprintf(stderr, "glossa run: --resume needs -o FILE\n");
        free(plugins);
        free(output_name);
        return GLOSSA_EXIT_USAGE;
    }
    if (optind >= argc) {
        fprintf(stderr, "glossa run: no input given (a directory, a file, "
                        "or - for standard input)\n");
        run_usage(stderr);
        free(plugins);
        free(output_name);
        return GLOSSA_EXIT_USAGE;
    }

    if (ropts.isolate && !quarantine && output) {
        size_t n = strlen(output) + sizeof(".quarantine.jsonl");
        quarantine_default = malloc(n);
        if (quarantine_default)
            snprintf(quarantine_default, n, "%s.quarantine.jsonl", output);
        quarantine = quarantine_default;
    }
    /* The quarantine list belongs to the job: a fresh run starts it over,
     * a resumed one appends to it. */
    if (quarantine && !resume)
        unlink(quarantine);
    ropts.quarantine_path = quarantine;

    glossa_error_t err;
    glossa_error_clear(&err);
    glossa_runtime_t *rt = NULL;
    int exit_code = GLOSSA_EXIT_OK;
    glossa_source_t *src = NULL;
    glossa_output_t out;
    int out_open = 0;

    if (glossa_runtime_new(&ropts, &rt, &err)) {
        print_error(NULL, &err);
        free(plugins);
        free(output_name);
        return GLOSSA_EXIT_FAILURE;
    }
    char default_buf[4096];
    if (!pipeline && n_plugins == 0) {
        pipeline =
            glossa_cli_default_pipeline(default_buf, sizeof(default_buf));
        if (!pipeline) {
            fprintf(stderr, "glossa run: no --pipeline or --plugin given and "
                            "no bundled default-pipeline.json found\n");
            exit_code = GLOSSA_EXIT_LOAD;
            goto out;
        }
    }
    if (pipeline && glossa_runtime_load_pipeline(rt, pipeline, &err)) {
        print_error("cannot load the pipeline", &err);
        exit_code = GLOSSA_EXIT_LOAD;
        goto out;
    }
    for (size_t i = 0; i < n_plugins; i++) {
        if (glossa_runtime_add_plugin(rt, plugins[i], NULL, NULL, &err)) {
            print_error("cannot load a plugin", &err);
            exit_code = GLOSSA_EXIT_LOAD;
            goto out;
        }
    }
    if (glossa_runtime_prepare(rt, &err)) {
        print_error("cannot start the pipeline", &err);
        exit_code = GLOSSA_EXIT_LOAD;
        goto out;
    }
    json_t *job = describe_job(argv + optind, (size_t)(argc - optind), pipeline,
                               plugins, n_plugins, &sopts, &ropts);
    int opened = glossa_output_open(&out, output, resume, job);
    json_decref(job);
    if (opened == GLOSSA_OUTPUT_DONE)
        goto out;
    if (opened != GLOSSA_OUTPUT_READY) {
        exit_code = GLOSSA_EXIT_FAILURE;
        goto out;
    }
    out_open = 1;
    if (out.resumed) {
        sopts.skip_records += out.resumed;
        fprintf(stderr, "glossa: resuming after %llu records\n",
                (unsigned long long)out.resumed);
    }
    if (glossa_source_open(rt, (const char *const *)argv + optind,
                           (size_t)(argc - optind), &sopts, &src, &err)) {
        print_error(NULL, &err);
        glossa_output_abandon(&out);
        out_open = 0;
        exit_code = GLOSSA_EXIT_USAGE;
        goto out;
    }
    glossa_sink_t sink = glossa_output_sink(&out);
    glossa_progress_t bar;
    glossa_progress_init(&bar, progress);
    glossa_runtime_set_progress(rt, glossa_progress_update, &bar);
    install_signals(rt);

    glossa_run_stats_t stats;
    int rc = glossa_run(rt, src, &sink, &stats, &err);
    glossa_progress_finish(&bar);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (!quiet || rc)
        print_summary(rt, &stats);
    glossa_runtime_options_t in_force;
    glossa_runtime_get_options(rt, &in_force);
    if (stats_path &&
        write_stats(stats_path, rt, &stats, in_force.threads,
                    in_force.isolate) &&
        rc == 0)
        rc = GLOSSA_EIO;
    if (rc == GLOSSA_EINTR) {
        fprintf(stderr,
                "glossa: interrupted; %llu records were written completely\n",
                (unsigned long long)(stats.records + out.resumed));
        exit_code = GLOSSA_EXIT_INTERRUPTED;
    } else if (rc) {
        if (!out.error)
            print_error(NULL, &err);
        exit_code = GLOSSA_EXIT_FAILURE;
    } else if (stats.errors > 0) {
        exit_code = GLOSSA_EXIT_DOC_ERRORS;
    }
    /* A complete run is published; an interrupted or failed one stays in
     * OUT.partial for --resume. */
    if (exit_code == GLOSSA_EXIT_OK || exit_code == GLOSSA_EXIT_DOC_ERRORS) {
        if (glossa_output_publish(&out))
            exit_code = GLOSSA_EXIT_FAILURE;
    } else {
        int resumable = out.path != NULL; /* not stdout, a FIFO, a device */
        if (glossa_output_close(&out) == 0 && resumable)
            fprintf(stderr,
                    "glossa: the records so far are in %s.partial; "
                    "rerun with --resume to finish\n",
                    output);
    }
    out_open = 0;
out:
    if (out_open)
        glossa_output_close(&out);
    glossa_source_free(src);
    glossa_runtime_free(rt);
    free(plugins);
    free(output_name);
    free(quarantine_default);
    return exit_code;
}
