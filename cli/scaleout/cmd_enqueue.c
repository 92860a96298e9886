/* glossa enqueue: options, inputs, reading and the summary; the entry
 * format and how records are kept from being enqueued twice are in
 * enqueue.h. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "enqueue.h"
#include "entry.h"

static void enqueue_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa enqueue [options] INPUT...\n"
            "\n"
            "Pushes every record of the inputs (as glossa run reads them) "
            "into a Redis\nstream, in input order, for glossa worker "
            "(docs/scale-out.md).\n"
            "\n"
            "options:\n"
            "  --redis URL            redis://[:PASSWORD@]HOST[:PORT][/DB], "
            "HOST:PORT or\n"
            "                         unix:PATH (default $GLOSSA_REDIS, else "
            "127.0.0.1:6379)\n"
            "  --stream NAME          the stream (default docs)\n"
            "  --max-doc-bytes SIZE   enqueue larger documents without their "
            "text, with\n"
            "                         an ETOOBIG error (default 16M)\n"
            "  --retry-for SECONDS    keep reconnecting this long after the "
            "connection\n"
            "                         breaks or the server stops answering "
            "as Redis\n"
            "                         does (default 600; 0: for ever)\n"
            "  --allow-duplicates     add every record, also those this stream "
            "holds\n"
            "                         already (by default a record of an input "
            "and\n"
            "                         position enqueued before is not added "
            "again)\n"
            "  -q, --quiet            no summary\n"
            "\n"
            "exit status: 0 every record is in the stream, 1 Redis failed (the "
            "summary\nsays how far it got), 2 usage error, 4 some records "
            "could not be read\n(enqueued with their errors, for their "
            "results) or were left out (each is\nreported with its file and "
            "line).\n");
}

/* Not an exit code: the next step may go on. */
#define GO (-1)

typedef struct enqueue_args {
    const char *url, *stream;
    unsigned long long max_doc;
    double retry_for;
    int quiet, allow_duplicates;
} enqueue_args_t;

/* Reads the options into a. Returns GO or the exit code. */
static int parse_args(int argc, char **argv, enqueue_args_t *a)
{
    static const struct option long_opts[] = {
        {"redis", required_argument, NULL, 'r'},
        {"stream", required_argument, NULL, 's'},
        {"max-doc-bytes", required_argument, NULL, 'm'},
        {"retry-for", required_argument, NULL, 'R'},
        {"allow-duplicates", no_argument, NULL, 'A'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "qh", long_opts,
                                  "glossa enqueue")) != -1) {
        switch (c) {
        case 'r':
            a->url = optarg;
            break;
        case 's':
            a->stream = optarg;
            break;
        case 'm':
            if (glossa_cli_parse_size(optarg, &a->max_doc) || a->max_doc == 0) {
                fprintf(stderr, "glossa enqueue: bad size '%s'\n", optarg);
                return GLOSSA_EXIT_USAGE;
            }
            break;
        case 'R': {
            char *end;
            a->retry_for = strtod(optarg, &end);
            if (*end || a->retry_for < 0) {
                fprintf(stderr, "glossa enqueue: bad --retry-for '%s'\n",
                        optarg);
                return GLOSSA_EXIT_USAGE;
            }
            break;
        }
        case 'A':
            a->allow_duplicates = 1;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            enqueue_usage(stdout);
            return GLOSSA_EXIT_OK;
        default:
            enqueue_usage(stderr);
            return GLOSSA_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "glossa enqueue: no input given (a directory, a "
                        "file, or - for standard input)\n");
        return GLOSSA_EXIT_USAGE;
    }
    return GO;
}

/* ---- Inputs -------------------------------------------------------------- */

/* One input, read by a source of its own, so that a record's key is its
 * position in its input. */
typedef struct input {
    const char *path; /* as given */
    glossa_source_t *src;
    char *key_prefix; /* the key of its records without the position */
    char **bad_names; /* read_failed(): its files the reader cannot name */
    size_t n_bad, n_failed;
    int scanned;
} input_t;

static void inputs_free(input_t *in, size_t n)
{
    for (size_t i = 0; in && i < n; i++) {
        glossa_source_free(in[i].src);
        free(in[i].key_prefix);
        for (size_t k = 0; k < in[i].n_bad; k++)
            free(in[i].bad_names[k]);
        free(in[i].bad_names);
    }
    free(in);
}

/* The keys of an input's records start with its real path, so that one
 * file named two ways is one input. Standard input has no name, and
 * --allow-duplicates wants none: their records are keyed by this run. */
static char *key_prefix(const char *path, size_t index, const char *token,
                        int allow_duplicates)
{
    char real[PATH_MAX], *prefix = NULL;
    if (strcmp(path, "-") == 0 || allow_duplicates) {
        if (asprintf(&prefix, "run %s input %zu#", token, index) < 0)
            prefix = NULL;
    } else if (asprintf(&prefix, "%s#", realpath(path, real) ? real : path) <
               0) {
        prefix = NULL;
    }
    return prefix;
}

/* The reader's log (manifest lines it ignores) goes to stderr under the
 * command's name. */
static void log_line(void *ud, glossa_log_level_t level, const char *line)
{
    (void)ud;
    (void)level;
    fprintf(stderr, "glossa enqueue: %s\n", line);
}

/* The inputs, each read by the library's own reader with the rules of
 * glossa run. Returns 0, or -1 after printing why. */
static int open_inputs(char **paths, size_t n, const enqueue_args_t *a,
                       const char *token, glossa_runtime_t **rt, input_t **out)
{
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.max_doc_bytes = (size_t)a->max_doc;
    o.log_cb = log_line;
    glossa_error_t err;
    input_t *in = calloc(n, sizeof(input_t));
    int rc = !in || glossa_runtime_new(&o, rt, &err) ? -1 : 0;
    if (rc && in)
        glossa_cli_print_error("glossa enqueue", NULL, &err);
    size_t stdin_seen = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        in[i].path = paths[i];
        if (strcmp(paths[i], "-") == 0 && stdin_seen++) {
            fprintf(stderr, "glossa enqueue: - (standard input) is given "
                            "twice\n");
            rc = -1;
        } else if (glossa_source_open(*rt, (const char *const *)&paths[i], 1,
                                      NULL, &in[i].src, &err)) {
            glossa_cli_print_error("glossa enqueue", NULL, &err);
            rc = -1;
        } else if (!(in[i].key_prefix =
                         key_prefix(paths[i], i, token, a->allow_duplicates))) {
            fprintf(stderr, "glossa enqueue: out of memory\n");
            rc = -1;
        }
    }
    if (!in)
        fprintf(stderr, "glossa enqueue: out of memory\n");
    *out = in;
    return rc;
}

/* ---- Reading ------------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .txt files of a directory whose names are not valid UTF-8, in the
 * reader's order (by strcmp). */
static void scan_bad_names(input_t *in)
{
    in->scanned = 1;
    DIR *d = opendir(in->path);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name), n_bad = 0;
        if (de->d_name[0] == '.' || len < 4 ||
            strcmp(de->d_name + len - 4, ".txt") != 0)
            continue;
        free(glossa_cli_utf8_repair(de->d_name, len, NULL, &n_bad));
        if (!n_bad)
            continue;
        char **grown = realloc(in->bad_names, (in->n_bad + 1) * sizeof(char *));
        if (!grown)
            break;
        in->bad_names = grown;
        if ((grown[in->n_bad] = strdup(de->d_name)))
            in->n_bad++;
    }
    if (d)
        closedir(d);
    qsort(in->bad_names, in->n_bad, sizeof(char *), compare_names);
}

/* The reader could not read a record at all (glossa_source_read failed).
 * A reader that cannot name a file whose name is not UTF-8 fails on it
 * (one that can makes a record for it): the file is named, left out, and
 * the directory's other files are read. Anything else leaves the rest of
 * the input out; the other inputs go on. Returns 1 to read on. */
static int read_failed(input_t *in, const glossa_error_t *err, tally_t *t)
{
    char msg[2048];
    glossa_error_format(err, msg, sizeof(msg));
    if (!in->scanned)
        scan_bad_names(in);
    t->left_out++;
    if (in->n_failed < in->n_bad) {
        const char *name = in->bad_names[in->n_failed++];
        char *shown = glossa_cli_bytes_escape(name, strlen(name));
        fprintf(stderr,
                "glossa enqueue: %s/%s: the file name is not valid UTF-8, "
                "and this glossa's reader cannot read such a file (%s); left "
                "out (rename it), the other files are enqueued\n",
                in->path, shown ? shown : "?", msg);
        free(shown);
        return 1;
    }
    fprintf(stderr,
            "glossa enqueue: %s: %s; the rest of this input is left out, "
            "the other inputs are enqueued\n",
            in->path, msg);
    return 0;
}

/* Reads one input and sends its records in batches. Returns 0, or -1
 * after printing why (Redis failed, or out of memory). */
static int enqueue_input(enqueue_t *q, input_t *in)
{
    for (;;) {
        const glossa_source_record_t *rec = NULL;
        glossa_error_t err;
        int rc = glossa_source_read(in->src, &rec, &err);
        if (rc < 0 && read_failed(in, &err, &q->t))
            continue;
        if (rc <= 0)
            return 0;
        char *key = NULL;
        if (asprintf(&key, "%s%llu", in->key_prefix,
                     (unsigned long long)rec->position) < 0 ||
            glossa_cli_enqueue__add(q->b, rec, key)) {
            free(key);
            fprintf(stderr, "glossa enqueue: out of memory\n");
            return -1;
        }
        free(key);
        if ((q->b->n == BATCH_RECORDS || q->b->bytes >= BATCH_BYTES) &&
            glossa_cli_enqueue__send(q))
            return -1;
    }
}

/* ---- The stream ---------------------------------------------------------- */

/* Keys of a stream that is gone (deleted, or lost by a Redis restarted
 * without persistence) would keep their records out of a new stream of
 * the same name: they are forgotten, with a message. The check and the
 * deletion are one script, so a stream created meanwhile keeps its keys.
 * Returns 0, or -1 after printing why. */
static int forget_stale_keys(enqueue_t *q)
{
    static const char script[] =
        "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end\n"
        "local n = redis.call('HLEN', KEYS[2])\n"
        "redis.call('DEL', KEYS[2])\n"
        "return n\n";
    redisReply *reply =
        glossa_cli_redis_command(&q->r, "reading the stream", "EVAL %s 2 %s %s",
                                 script, q->stream, q->keys);
    int ok = reply && reply->type == REDIS_REPLY_INTEGER;
    if (ok && reply->integer > 0)
        fprintf(stderr,
                "glossa enqueue: stream %s does not exist, but %s lists %lld "
                "records enqueued there before: the stream was deleted; "
                "forgetting them\n",
                q->stream, q->keys, reply->integer);
    else if (reply && !ok)
        fprintf(stderr, "glossa enqueue: %s: %s\n", q->keys,
                reply->type == REDIS_REPLY_ERROR ? reply->str
                                                 : "unexpected reply");
    freeReplyObject(reply);
    return ok ? 0 : -1;
}

static void make_token(char *out, size_t size)
{
    unsigned long long v = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
        v = (unsigned long long)time(NULL) ^
            ((unsigned long long)getpid() << 32);
    if (fd >= 0)
        close(fd);
    snprintf(out, size, "%016llx", v);
}

/* Prints what the run did. Returns the exit code. */
static int summary(const enqueue_t *q, const input_t *in, size_t n_inputs,
                   double seconds, int failed, int quiet)
{
    const tally_t *t = &q->t;
    if (!quiet || failed)
        fprintf(stderr,
                "glossa enqueue: %llu records %s stream %s at %s in %.2f s "
                "(entries %s to %s)%s\n",
                t->added, failed ? "were added to" : "added to", q->stream,
                q->r.display, seconds, t->added ? t->first : "-",
                t->added ? t->last : "-",
                failed ? "; stopped by the error above" : "");
    if (t->known)
        fprintf(stderr,
                "glossa enqueue: %llu records were enqueued in stream %s "
                "before (the same inputs and positions) and were not added "
                "again (--allow-duplicates adds them)\n",
                t->known, q->stream);
    if (t->refused)
        fprintf(stderr,
                "glossa enqueue: %llu records could not be read; they are "
                "enqueued without text, and their results carry the errors "
                "reported above\n",
                t->refused);
    unsigned long long left_out = t->left_out + t->changed;
    for (size_t i = 0; i < n_inputs; i++)
        left_out += glossa_source_problems(in[i].src);
    if (left_out)
        fprintf(stderr,
                "glossa enqueue: %llu records or manifest lines were left "
                "out (reported above)\n",
                left_out);
    if (failed)
        return GLOSSA_EXIT_FAILURE;
    return t->refused || left_out ? GLOSSA_EXIT_DOC_ERRORS : GLOSSA_EXIT_OK;
}

int glossa_cli_enqueue(int argc, char **argv)
{
    enqueue_args_t a = {
        .stream = "docs", .max_doc = 256ull << 20, .retry_for = 600};
    int code = parse_args(argc, argv, &a);
    if (code != GO)
        return code;
    static enqueue_t q; /* its batch is large */
    memset(&q, 0, sizeof(q));
    q.stream = a.stream;
    snprintf(q.keys, sizeof(q.keys), "%s:enqueued", a.stream);
    make_token(q.token, sizeof(q.token));
    if (glossa_cli_redis_init(&q.r, a.url, "glossa enqueue"))
        return GLOSSA_EXIT_USAGE;
    q.r.retry_for = a.retry_for;
    size_t n = (size_t)(argc - optind);
    glossa_runtime_t *rt = NULL;
    input_t *in = NULL;
    q.b = calloc(1, sizeof(batch_t));
    if (!q.b || open_inputs(argv + optind, n, &a, q.token, &rt, &in))
        code = GLOSSA_EXIT_USAGE;
    else if (glossa_cli_redis_connect(&q.r))
        code = GLOSSA_EXIT_FAILURE;
    if (code == GO) {
        double t0 = glossa_cli_now_s();
        int failed = forget_stale_keys(&q) != 0;
        for (size_t i = 0; i < n && !failed; i++)
            failed = enqueue_input(&q, &in[i]) != 0;
        if (!failed && q.b->n)
            failed = glossa_cli_enqueue__send(&q) != 0;
        code = summary(&q, in, n, glossa_cli_now_s() - t0, failed, a.quiet);
    }
    if (q.b)
        glossa_cli_enqueue__clear(q.b);
    free(q.b);
    inputs_free(in, n);
    glossa_runtime_free(rt);
    glossa_cli_redis_close(&q.r);
    return code;
}
