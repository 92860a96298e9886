/* glossa worker: its options, its connections and runtime, the run and
 * its summary. How a worker takes, annotates and acknowledges entries is
 * in worker.h. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "runtime_args.h"
#include "worker.h"

static void worker_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa worker [options]\n"
            "\n"
            "Annotates the documents of a Redis stream (glossa enqueue, or "
            "any producer\nadding entries with id and text) as one consumer of "
            "a consumer group, and\nadds one result per entry to the results "
            "stream. Runs until SIGTERM (or,\nwith --until-empty, until the "
            "group has nothing left), finishing the\nentries it holds before "
            "it exits (docs/scale-out.md).\n"
            "\n"
            "options:\n"
            "  --redis URL            redis://[:PASSWORD@]HOST[:PORT][/DB], "
            "HOST:PORT or\n"
            "                         unix:PATH (default $GLOSSA_REDIS, else "
            "127.0.0.1:6379)\n"
            "  --stream NAME          the input stream (default docs)\n"
            "  --group NAME           the consumer group (default glossa; "
            "created if missing)\n"
            "  --consumer NAME        this worker's name (default HOST-PID)\n"
            "  --results NAME         the results stream (default "
            "STREAM:results)\n"
            "  --claim-idle MS        take over entries of workers silent this "
            "long\n"
            "                         (default 30000)\n"
            "  --max-deliveries N     an entry delivered more than N times (it "
            "killed\n"
            "                         every worker that took it) gets an error "
            "result;\n"
            "                         entries delivered before run one at a "
            "time\n"
            "                         (default 5; 0: neither)\n"
            "  --block MS             longest wait for new entries per read "
            "(default 1000)\n"
            "  --until-empty          exit once the group has no entries left, "
            "pending\n"
            "                         or new\n"
            "  --retry-for SECONDS    keep reconnecting this long after the "
            "connection\n"
            "                         breaks or the server stops answering "
            "as Redis\n"
            "                         does (default 600; 0: for ever)\n"
            "  --pipeline FILE, --plugin NAME|PATH, --threads N, --window N,\n"
            "  --max-doc-bytes SIZE, --max-layer-bytes SIZE, --isolate,\n"
            "  --doc-timeout SECONDS, --log-level L, -q\n"
            "                         as for glossa run\n"
            "\n"
            "exit status: 0 stopped normally (SIGTERM, or --until-empty), 1 "
            "Redis failed\nfor longer than --retry-for, or the results could "
            "not be written, 2 usage\nerror, 3 the pipeline could not be "
            "loaded.\n");
}

static atomic_int *signal_flag;

static void on_signal(int sig)
{
    (void)sig;
    if (signal_flag)
        atomic_store(signal_flag, 1);
}

/* ---- Main --------------------------------------------------------------- */

enum {
    OPT_REDIS = GLOSSA_CLI_OPT_OWN,
    OPT_STREAM,
    OPT_GROUP,
    OPT_CONSUMER,
    OPT_RESULTS,
    OPT_CLAIM_IDLE,
    OPT_MAX_DELIVERIES,
    OPT_BLOCK,
    OPT_UNTIL_EMPTY,
    OPT_RETRY_FOR
};

/* Not an exit code: the next step may go on. */
#define GO (-1)

/* The options that are not settings of the worker_t. */
typedef struct worker_args {
    glossa_cli_runtime_args_t rt; /* the pipeline, the runtime's options */
    const char *url, *consumer, *results;
    double retry_for;
} worker_args_t;

/* Takes one of worker's own options. Returns 0, or -1 for a bad value. */
static int own_option(worker_t *w, worker_args_t *a, int c, const char *arg)
{
    switch (c) {
    case OPT_REDIS:
        a->url = arg;
        return 0;
    case OPT_STREAM:
        w->stream = arg;
        return 0;
    case OPT_GROUP:
        w->group = arg;
        return 0;
    case OPT_CONSUMER:
        a->consumer = arg;
        return 0;
    case OPT_RESULTS:
        a->results = arg;
        return 0;
    case OPT_CLAIM_IDLE:
        return glossa_cli_parse_int(arg, 10, 86400000, &w->claim_idle_ms);
    case OPT_MAX_DELIVERIES:
        return glossa_cli_parse_int(arg, 0, 1000000, &w->max_deliveries);
    case OPT_BLOCK:
        return glossa_cli_parse_int(arg, 1, 60000, &w->block_ms);
    case OPT_UNTIL_EMPTY:
        w->until_empty = 1;
        return 0;
    case OPT_RETRY_FOR: {
        char *end;
        a->retry_for = strtod(arg, &end);
        return *end || a->retry_for < 0 ? -1 : 0;
    }
    }
    return 0;
}

/* The long name of option c in opts. */
static const char *option_name(const struct option *opts, int c)
{
    for (; opts->name; opts++)
        if (opts->val == c)
            return opts->name;
    return "?";
}

/* Reads the options into w and a. Returns GO or the exit code. */
static int parse_args(int argc, char **argv, worker_t *w, worker_args_t *a)
{
    static const struct option long_opts[] = {
        {"redis", required_argument, NULL, OPT_REDIS},
        {"stream", required_argument, NULL, OPT_STREAM},
        {"group", required_argument, NULL, OPT_GROUP},
        {"consumer", required_argument, NULL, OPT_CONSUMER},
        {"results", required_argument, NULL, OPT_RESULTS},
        {"claim-idle", required_argument, NULL, OPT_CLAIM_IDLE},
        {"max-deliveries", required_argument, NULL, OPT_MAX_DELIVERIES},
        {"block", required_argument, NULL, OPT_BLOCK},
        {"until-empty", no_argument, NULL, OPT_UNTIL_EMPTY},
        {"retry-for", required_argument, NULL, OPT_RETRY_FOR},
        GLOSSA_CLI_RUNTIME_OPTIONS,
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "qh", long_opts,
                                  "glossa worker")) != -1) {
        if (c == 'h' || c == '?') {
            worker_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? GLOSSA_EXIT_OK : GLOSSA_EXIT_USAGE;
        }
        int shared = glossa_cli_runtime_option(&a->rt, c, optarg);
        if (shared < 0 || (!shared && own_option(w, a, c, optarg))) {
            fprintf(stderr, "glossa worker: bad value '%s' for --%s\n", optarg,
                    option_name(long_opts, c));
            return GLOSSA_EXIT_USAGE;
        }
    }
    w->quiet = a->rt.quiet;
    if (a->rt.options.doc_timeout_ms && !a->rt.options.isolate) {
        fprintf(stderr, "glossa worker: --doc-timeout needs --isolate\n");
        return GLOSSA_EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr,
                "glossa worker: unexpected argument '%s' (the "
                "documents come from the stream)\n",
                argv[optind]);
        return GLOSSA_EXIT_USAGE;
    }
    return GO;
}

/* The worker's names: --consumer or HOST-PID, --results or
 * STREAM:results. */
static void name_worker(worker_t *w, const worker_args_t *a, char *results_buf,
                        size_t size)
{
    if (a->consumer) {
        snprintf(w->consumer, sizeof(w->consumer), "%s", a->consumer);
    } else {
        char host[200] = "";
        gethostname(host, sizeof(host) - 1);
        snprintf(w->consumer, sizeof(w->consumer), "%s-%ld", host,
                 (long)getpid());
    }
    if (a->results) {
        w->results = a->results;
    } else {
        snprintf(results_buf, size, "%s:results", w->stream);
        w->results = results_buf;
    }
}

/* The three connections (reader, results, lease) and the consumer group.
 * Returns GO or the exit code. */
static int connect_all(worker_t *w, const worker_args_t *a)
{
    glossa_cli_redis_t *conns[] = {&w->in, &w->out, &w->lease};
    for (size_t i = 0; i < 3; i++) {
        if (glossa_cli_redis_init(conns[i], a->url, "glossa worker"))
            return GLOSSA_EXIT_USAGE;
        conns[i]->retry_for = a->retry_for;
    }
    /* The reader stops reconnecting once draining: what it holds is
     * finished without it. The lease renews claims until the worker
     * stops. */
    w->in.give_up = &w->draining;
    w->lease.give_up = &w->lease_quit;
    for (size_t i = 0; i < 3; i++)
        if (glossa_cli_redis_connect(conns[i]))
            return GLOSSA_EXIT_FAILURE;
    if (!w->res || glossa_cli_worker__create_group(&w->in, w))
        return GLOSSA_EXIT_FAILURE;
    return GO;
}

/* The runtime with its pipeline, and the stream as its source. Returns GO
 * or the exit code. */
static int start_runtime(worker_t *w, const worker_args_t *a,
                         glossa_runtime_t **rt, glossa_source_t **src)
{
    glossa_error_t err;
    glossa_error_clear(&err);
    if (glossa_runtime_new(&a->rt.options, rt, &err)) {
        glossa_cli_print_error("glossa worker", "cannot start", &err);
        return GLOSSA_EXIT_FAILURE;
    }
    char buf[4096];
    const char *file;
    int code = glossa_cli_runtime_load(
        *rt, &a->rt, "glossa worker", "glossa worker", buf, sizeof(buf), &file);
    if (code)
        return code;
    if (glossa_source_from_callback(*rt, glossa_cli_worker__next_record, w,
                                    src))
        return GLOSSA_EXIT_FAILURE;
    return GO;
}

/* Annotates entries until the stream is done with (--until-empty) or a
 * signal: the first SIGTERM or SIGINT drains (no new entries, the ones
 * held are finished and acknowledged), a second one kills. Returns the
 * exit code. */
static int serve(worker_t *w, glossa_runtime_t *rt, glossa_source_t *src)
{
    if (!w->quiet)
        fprintf(stderr,
                "glossa worker: %s in group %s of stream %s at %s; results "
                "to %s\n",
                w->consumer, w->group, w->stream, w->in.display, w->results);
    signal_flag = &w->draining;
    glossa_cli_install_stop_signals(on_signal);
    glossa_cli_worker__lease_start(w);
    double t0 = glossa_cli_now_s();
    glossa_sink_t sink = glossa_cli_worker__sink(w);
    glossa_run_stats_t stats;
    glossa_error_t err;
    glossa_error_clear(&err);
    int rc = glossa_run(rt, src, &sink, &stats, &err);
    if (rc == 0)
        rc = glossa_cli_worker__flush_results(w);
    /* Nothing left to renew; and the summary reads the lease thread's
     * reconnection count, which must not move under it. */
    glossa_cli_worker__lease_stop(w);
    glossa_cli_restore_stop_signals();
    if (rc) {
        if (rc != GLOSSA_EIO || err.code)
            glossa_cli_print_error("glossa worker", "stopped", &err);
        fprintf(stderr,
                "glossa worker: the entries it held stay pending; other "
                "workers take them over after --claim-idle\n");
    }
    if (!w->quiet || rc)
        fprintf(stderr,
                "glossa worker: %s: %llu documents annotated in %.2f s (%llu "
                "taken over from stopped workers, %llu given up after "
                "--max-deliveries), %lu reconnections%s\n",
                w->consumer, (unsigned long long)w->done,
                glossa_cli_now_s() - t0, (unsigned long long)w->claimed,
                (unsigned long long)w->poisoned,
                w->in.reconnects + w->out.reconnects + w->lease.reconnects,
                atomic_load(&w->draining) ? "; stopped by a signal" : "");
    return rc ? GLOSSA_EXIT_FAILURE : GLOSSA_EXIT_OK;
}

static void worker_init(worker_t *w)
{
    memset(w, 0, sizeof(*w));
    w->stream = "docs";
    w->group = "glossa";
    w->block_ms = 1000;
    w->claim_idle_ms = 30000;
    w->max_deliveries = 5;
    snprintf(w->claim_cursor, sizeof(w->claim_cursor), "0-0");
    /* Read ahead no more than the pipeline can take in. */
    w->count = 16;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->acked_cond, NULL);
    pthread_mutex_init(&w->lease_lock, NULL);
    pthread_cond_init(&w->lease_cond, NULL);
}

static void worker_free(worker_t *w)
{
    glossa_cli_worker__doc_free(&w->current);
    for (size_t i = w->doc_i; i < w->n_docs; i++)
        glossa_cli_worker__doc_free(&w->docs[i]);
    free(w->docs);
    if (w->res)
        glossa_cli_worker__results_clear(w);
    free(w->res);
    for (size_t i = 0; i < w->n_held; i++)
        glossa_cli_worker__held_free(&w->held[i]);
    free(w->held);
}

int glossa_cli_worker(int argc, char **argv)
{
    static worker_t w; /* one per process: the signal handler reaches it */
    worker_init(&w);
    worker_args_t a = {.retry_for = 600};
    glossa_cli_runtime_args_init(&a.rt, argc);
    char results_buf[512];
    glossa_runtime_t *rt = NULL;
    glossa_source_t *src = NULL;

    int code = parse_args(argc, argv, &w, &a);
    if (code == GO) {
        name_worker(&w, &a, results_buf, sizeof(results_buf));
        w.res = calloc(RESULTS_BATCH, sizeof(result_t));
        if (!w.res) {
            fprintf(stderr, "glossa worker: out of memory\n");
            code = GLOSSA_EXIT_FAILURE;
        }
    }
    if (code == GO)
        code = connect_all(&w, &a);
    if (code == GO)
        code = start_runtime(&w, &a, &rt, &src);
    if (code == GO && !a.rt.options.isolate)
        glossa_crash_report_install(); /* names the plugin that crashes */
    if (code == GO)
        code = serve(&w, rt, src);

    glossa_cli_worker__lease_stop(&w);
    signal_flag = NULL;
    /* JSON made while the runtime exists goes before it (its allocator). */
    worker_free(&w);
    glossa_source_free(src);
    glossa_runtime_free(rt);
    glossa_cli_redis_close(&w.in);
    glossa_cli_redis_close(&w.out);
    glossa_cli_redis_close(&w.lease);
    pthread_mutex_destroy(&w.lock);
    pthread_cond_destroy(&w.acked_cond);
    pthread_mutex_destroy(&w.lease_lock);
    pthread_cond_destroy(&w.lease_cond);
    glossa_cli_runtime_args_free(&a.rt);
    return code;
}
