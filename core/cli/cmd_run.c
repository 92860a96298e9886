/* glossa run: annotate inputs with a pipeline and write JSONL. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "progress.h"

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
            "output\n"
            "  --shard K/N            process only records with index %% N "
            "== K\n"
            "  --max-doc-bytes SIZE   refuse larger documents (default 256M)\n"
            "  --max-layer-bytes SIZE cap one plugin's output per document "
            "(default 256M)\n"
            "  --window N             documents in flight (default 4 per "
            "thread + 4)\n"
            "  --progress / --no-progress   force the progress bar on or off\n"
            "  -q, --quiet            no summary, warnings only\n"
            "  --log-level LEVEL      error, warn, info or debug\n"
            "\n"
            "exit status: 0 all records processed, 1 fatal error, 2 usage "
            "error,\n3 plugin or pipeline load error, 4 some records carry "
            "errors, 130 interrupted.\n");
}

/* ---- Output ------------------------------------------------------------ */

#define OUT_BUFFER ((size_t)1 << 20)

typedef struct writer {
    int fd;
    const char *name;
    char *buf;
    size_t len;
    int error; /* errno of the first failed write */
} writer_t;

static int writer_flush(void *ud)
{
    writer_t *w = ud;
    size_t off = 0;
    while (off < w->len) {
        ssize_t n = write(w->fd, w->buf + off, w->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            w->error = errno ? errno : EIO;
            return GLOSSA_EIO;
        }
        off += (size_t)n;
    }
    w->len = 0;
    return 0;
}

static int writer_write(void *ud, const char *line, size_t len,
                        const glossa_record_info_t *info)
{
    (void)info;
    writer_t *w = ud;
    if (w->len + len + 1 > OUT_BUFFER && writer_flush(w))
        return GLOSSA_EIO;
    if (len + 1 > OUT_BUFFER) { /* a huge line goes out directly */
        w->len = 0;
        const char *parts[2] = {line, "\n"};
        size_t sizes[2] = {len, 1};
        for (int p = 0; p < 2; p++) {
            size_t off = 0;
            while (off < sizes[p]) {
                ssize_t n = write(w->fd, parts[p] + off, sizes[p] - off);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    w->error = errno ? errno : EIO;
                    return GLOSSA_EIO;
                }
                off += (size_t)n;
            }
        }
        return 0;
    }
    memcpy(w->buf + w->len, line, len);
    w->buf[w->len + len] = '\n';
    w->len += len + 1;
    return 0;
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
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    /* A second signal takes the default action: stop waiting. */
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A closed output pipe becomes a write error we report, not a silent
     * death halfway through a line. */
    signal(SIGPIPE, SIG_IGN);
}

/* ---- Pipeline ---------------------------------------------------------- */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The bundled default pipeline: GLOSSA_DEFAULT_PIPELINE, beside the
 * executable (build tree), in the install tree relative to it, or in the
 * configured install prefix. */
static const char *default_pipeline(char *buf, size_t size)
{
    const char *env = getenv("GLOSSA_DEFAULT_PIPELINE");
    if (env)
        return env;
    const char *dir = glossa_cli_exe_dir();
    if (dir) {
        snprintf(buf, size, "%s/default-pipeline.json", dir);
        if (file_exists(buf))
            return buf;
        snprintf(buf, size, "%s/../share/glossa/default-pipeline.json", dir);
        if (file_exists(buf))
            return buf;
    }
    snprintf(buf, size, "%s/default-pipeline.json", GLOSSA_INSTALL_DATA_DIR);
    return file_exists(buf) ? buf : NULL;
}

static void print_error(const char *what, const glossa_error_t *err)
{
    char msg[2048];
    glossa_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "glossa: %s%s%s\n", what ? what : "", what ? ": " : "",
            msg);
}

static int parse_shard(const char *s, uint64_t *k, uint64_t *n)
{
    char *end;
    unsigned long long a = strtoull(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    const char *rest = end + 1;
    unsigned long long b = strtoull(rest, &end, 10);
    if (end == rest || *end || b == 0 || a >= b)
        return -1;
    *k = a;
    *n = b;
    return 0;
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
    OPT_LOG_LEVEL
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
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    glossa_runtime_options_t ropts;
    glossa_runtime_options_init(&ropts);
    glossa_source_options_t sopts;
    glossa_source_options_init(&sopts);
    const char *pipeline = NULL, *output = NULL;
    const char **plugins = calloc((size_t)argc, sizeof(char *));
    size_t n_plugins = 0;
    int quiet = 0, progress = isatty(STDERR_FILENO);
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
            if (parse_shard(optarg, &sopts.shard_index, &sopts.shard_count)) {
                fprintf(stderr,
                        "glossa run: --shard takes K/N with 0 <= K < N\n");
                free(plugins);
                return GLOSSA_EXIT_USAGE;
            }
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
        case OPT_NO_PROGRESS:
            progress = 0;
            break;
        case 'q':
            quiet = 1;
            ropts.log_level = GLOSSA_LOG_WARN;
            break;
        case OPT_LOG_LEVEL:
            if (!strcmp(optarg, "error"))
                ropts.log_level = GLOSSA_LOG_ERROR;
            else if (!strcmp(optarg, "warn"))
                ropts.log_level = GLOSSA_LOG_WARN;
            else if (!strcmp(optarg, "info"))
                ropts.log_level = GLOSSA_LOG_INFO;
            else if (!strcmp(optarg, "debug"))
                ropts.log_level = GLOSSA_LOG_DEBUG;
            else {
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
    if (optind >= argc) {
        fprintf(stderr, "glossa run: no input given (a directory, a file, "
                        "or - for standard input)\n");
        run_usage(stderr);
        free(plugins);
        return GLOSSA_EXIT_USAGE;
    }

    glossa_error_t err;
    glossa_error_clear(&err);
    glossa_runtime_t *rt = NULL;
    int exit_code = GLOSSA_EXIT_OK;
    glossa_source_t *src = NULL;
    writer_t w = {-1, NULL, NULL, 0, 0};

    if (glossa_runtime_new(&ropts, &rt, &err)) {
        print_error(NULL, &err);
        free(plugins);
        return GLOSSA_EXIT_FAILURE;
    }
    char default_buf[4096];
    if (!pipeline && n_plugins == 0) {
        pipeline = default_pipeline(default_buf, sizeof(default_buf));
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
    if (glossa_source_open(rt, (const char *const *)argv + optind,
                           (size_t)(argc - optind), &sopts, &src, &err)) {
        print_error(NULL, &err);
        exit_code = GLOSSA_EXIT_USAGE;
        goto out;
    }

    /* Output. When it is standard output, plugins must not be able to
     * write into it: fd 1 is pointed at stderr and the output goes to a
     * private duplicate of the original fd 1. */
    if (output) {
        w.fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        w.name = output;
        if (w.fd < 0) {
            fprintf(stderr, "glossa run: cannot write %s: %s\n", output,
                    strerror(errno));
            exit_code = GLOSSA_EXIT_FAILURE;
            goto out;
        }
    } else {
        fflush(stdout);
        w.fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        w.name = "standard output";
        if (w.fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            fprintf(stderr, "glossa run: cannot set up standard output: %s\n",
                    strerror(errno));
            exit_code = GLOSSA_EXIT_FAILURE;
            goto out;
        }
    }
    w.buf = malloc(OUT_BUFFER);
    if (!w.buf) {
        fprintf(stderr, "glossa run: out of memory\n");
        exit_code = GLOSSA_EXIT_FAILURE;
        goto out;
    }
    glossa_sink_t sink = {&w, writer_write, writer_flush};
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
    if (rc == GLOSSA_EINTR) {
        fprintf(stderr,
                "glossa: interrupted; %llu records were written completely\n",
                (unsigned long long)stats.records);
        exit_code = GLOSSA_EXIT_INTERRUPTED;
    } else if (rc) {
        if (w.error)
            fprintf(stderr, "glossa: writing %s failed: %s\n", w.name,
                    strerror(w.error));
        else
            print_error(NULL, &err);
        exit_code = GLOSSA_EXIT_FAILURE;
    } else if (stats.errors > 0) {
        exit_code = GLOSSA_EXIT_DOC_ERRORS;
    }
out:
    if (w.fd >= 0 && close(w.fd) != 0 && exit_code == GLOSSA_EXIT_OK) {
        fprintf(stderr, "glossa run: closing %s failed: %s\n",
                w.name ? w.name : "output", strerror(errno));
        exit_code = GLOSSA_EXIT_FAILURE;
    }
    free(w.buf);
    glossa_source_free(src);
    glossa_runtime_free(rt);
    free(plugins);
    return exit_code;
}
