/* glossa enqueue: pushes the records of a corpus into a Redis stream, one
 * entry per document, for `glossa worker`s to annotate.
 *
 * An entry's fields: id (the document id), text (its bytes as they are),
 * meta (a JSON object), origin (where it came from, for messages), and
 * enq ("TOKEN:N": this run and the record's number in it). Any producer
 * may add entries with just id and text (docs/scale-out.md).
 *
 * Entries are sent in pipelined batches. If the connection breaks in the
 * middle of a batch, the replies that did not arrive leave it unknown which
 * entries landed; after reconnecting, enqueue reads the stream after the
 * last entry it knows of and looks for its own token, so that every record
 * is in the stream exactly once, in input order. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "redis.h"

#define BATCH_RECORDS 512
#define BATCH_BYTES ((size_t)8 << 20)

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
            "  --max-doc-bytes SIZE   refuse larger documents (default 16M)\n"
            "  --retry-for SECONDS    keep reconnecting this long after the "
            "connection\n"
            "                         breaks (default 600; 0: for ever)\n"
            "  -q, --quiet            no summary\n"
            "\n"
            "exit status: 0 all records enqueued, 1 Redis failed (the summary "
            "says how\nfar it got), 2 usage error, 4 some records could not "
            "be read and were\nleft out (each is reported with its file and "
            "line).\n");
}

typedef struct item {
    char *id, *meta, *origin, *text, *enq;
    size_t text_len;
} item_t;

typedef struct batch {
    item_t items[BATCH_RECORDS];
    size_t n, bytes;
} batch_t;

static void batch_clear(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        item_t *it = &b->items[i];
        free(it->id);
        free(it->meta);
        free(it->origin);
        free(it->text);
        free(it->enq);
    }
    b->n = b->bytes = 0;
}

static int batch_add(batch_t *b, const glossa_source_record_t *rec,
                     const char *token, unsigned long long seq)
{
    item_t *it = &b->items[b->n];
    memset(it, 0, sizeof(*it));
    it->id = strdup(rec->id);
    it->meta = json_dumps(rec->meta, JSON_COMPACT);
    it->origin = strdup(rec->origin);
    it->text = malloc(rec->text_len ? rec->text_len : 1);
    if (it->text && rec->text_len)
        memcpy(it->text, rec->text, rec->text_len);
    it->text_len = rec->text_len;
    if (asprintf(&it->enq, "%s:%llu", token, seq) < 0)
        it->enq = NULL;
    b->n++;
    b->bytes += rec->text_len;
    return it->id && it->meta && it->origin && it->text && it->enq ? 0 : -1;
}

static void append_xadd(glossa_cli_redis_t *r, const char *stream,
                        const item_t *it)
{
    const char *argv[] = {"XADD",     stream,   "*",    "id",     it->id,
                          "text",     it->text, "meta", it->meta, "origin",
                          it->origin, "enq",    it->enq};
    size_t lens[13];
    for (size_t i = 0; i < 13; i++) /* the text is bytes, maybe with NULs */
        lens[i] = i == 6 ? it->text_len : strlen(argv[i]);
    redisAppendCommandArgv(r->c, 13, argv, lens);
}

/* After a broken connection: how many of the batch's items landed, found
 * by their enq field among the entries after `last`. Returns the count, or
 * -1 on failure. Updates `last` to the last of them. */
static long landed(glossa_cli_redis_t *r, const char *stream, const batch_t *b,
                   char *last, size_t last_size)
{
    long found = 0;
    char start[64];
    glossa_cli_redis_next_id(last, start, sizeof(start));
    for (;;) {
        redisReply *reply =
            glossa_cli_redis_command(r, "checking what was enqueued",
                                     "XRANGE %s %s + COUNT 500", stream, start);
        if (!reply || reply->type != REDIS_REPLY_ARRAY) {
            if (reply)
                fprintf(stderr, "glossa enqueue: XRANGE %s: %s\n", stream,
                        reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
            freeReplyObject(reply);
            return -1;
        }
        size_t n = reply->elements;
        for (size_t i = 0; i < n; i++) {
            const redisReply *e = reply->element[i];
            const redisReply *enq =
                glossa_cli_redis_field(e->element[1], "enq");
            if (enq && (long)found < (long)b->n &&
                enq->len == strlen(b->items[found].enq) &&
                memcmp(enq->str, b->items[found].enq, enq->len) == 0) {
                found++;
                snprintf(last, last_size, "%s", e->element[0]->str);
            }
        }
        if (n > 0)
            glossa_cli_redis_next_id(reply->element[n - 1]->str, start,
                                     sizeof(start));
        freeReplyObject(reply);
        if (n < 500)
            return found;
    }
}

/* Sends a batch; returns 0 or -1 (printed). `last` is the id of the last
 * entry this run added. */
static int send_batch(glossa_cli_redis_t *r, const char *stream,
                      const batch_t *b, char *last, size_t last_size,
                      char *first, size_t first_size, unsigned long long *added)
{
    size_t done = 0;
    while (done < b->n) {
        if (!r->c && glossa_cli_redis_reconnect(r, "enqueueing"))
            return -1;
        for (size_t i = done; i < b->n; i++)
            append_xadd(r, stream, &b->items[i]);
        size_t got = done;
        for (; got < b->n; got++) {
            void *v = NULL;
            if (redisGetReply(r->c, &v) != REDIS_OK || !v)
                break;
            redisReply *reply = v;
            if (reply->type != REDIS_REPLY_STRING) {
                fprintf(stderr, "glossa enqueue: XADD %s: %s\n", stream,
                        reply->type == REDIS_REPLY_ERROR ? reply->str
                                                         : "unexpected reply");
                freeReplyObject(reply);
                return -1;
            }
            if (!*first)
                snprintf(first, first_size, "%s", reply->str);
            snprintf(last, last_size, "%s", reply->str);
            freeReplyObject(reply);
            (*added)++;
        }
        if (got == b->n)
            return 0;
        /* The connection broke: find out which of the rest landed. */
        if (glossa_cli_redis_reconnect(r, "enqueueing"))
            return -1;
        batch_t rest = {.n = b->n - got};
        memcpy(rest.items, b->items + got, rest.n * sizeof(item_t));
        long more = landed(r, stream, &rest, last, last_size);
        if (more < 0)
            return -1;
        if (!*first && more > 0)
            snprintf(first, first_size, "(see the stream)");
        *added += (unsigned long long)more;
        done = got + (size_t)more;
    }
    return 0;
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

/* Not an exit code: the next step may go on. */
#define GO (-1)

typedef struct enqueue_args {
    const char *url, *stream;
    unsigned long long max_doc;
    double retry_for;
    int quiet;
} enqueue_args_t;

/* Reads the options into a. Returns GO or the exit code. */
static int parse_args(int argc, char **argv, enqueue_args_t *a)
{
    static const struct option long_opts[] = {
        {"redis", required_argument, NULL, 'r'},
        {"stream", required_argument, NULL, 's'},
        {"max-doc-bytes", required_argument, NULL, 'm'},
        {"retry-for", required_argument, NULL, 'R'},
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

/* The id of the stream's last entry into last (left alone when the stream
 * is empty or new): the entries of this run come after it. Returns 0, or
 * -1 after printing why. */
static int find_tail(glossa_cli_redis_t *r, const char *stream, char *last,
                     size_t size)
{
    redisReply *tail = glossa_cli_redis_command(
        r, "reading the stream", "XREVRANGE %s + - COUNT 1", stream);
    if (tail && tail->type == REDIS_REPLY_ARRAY && tail->elements == 1)
        snprintf(last, size, "%s", tail->element[0]->element[0]->str);
    int failed = !tail || tail->type == REDIS_REPLY_ERROR;
    if (tail && tail->type == REDIS_REPLY_ERROR)
        fprintf(stderr, "glossa enqueue: %s: %s\n", stream, tail->str);
    freeReplyObject(tail);
    return failed ? -1 : 0;
}

/* What enqueue_all() did: the first and last entry ids this run added,
 * and how many records were sent and left out. */
typedef struct tally {
    char first[64], last[64];
    unsigned long long sent, skipped;
} tally_t;

/* The message of the record's error entry with the given code. */
static const char *error_message(const glossa_source_record_t *rec, int code)
{
    size_t i;
    const json_t *e;
    json_array_foreach(rec->errors, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "code"));
        if (name && strcmp(name, glossa_err_name(code)) == 0)
            return json_string_value(json_object_get(e, "message"));
    }
    return glossa_strerror(code);
}

/* Says what the reader found: a record that cannot be annotated is not
 * enqueued; notes on one that can (bytes repaired by the UTF-8 policy)
 * are printed and it goes on. Returns 1 when the record is left out. */
static int report_record(const glossa_source_record_t *rec)
{
    if (rec->error) {
        fprintf(stderr, "glossa enqueue: %s; not enqueued\n",
                error_message(rec, rec->error));
        return 1;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(rec->errors, i, e)
        fprintf(stderr, "glossa enqueue: note: %s\n",
                json_string_value(json_object_get(e, "message")));
    return 0;
}

/* Reads every record and sends them in batches. Returns 0, or -1 after
 * printing why. */
static int enqueue_all(glossa_source_t *src, glossa_cli_redis_t *r,
                       const char *stream, tally_t *pr)
{
    char token[32];
    make_token(token, sizeof(token));
    batch_t *b = calloc(1, sizeof(batch_t));
    unsigned long long seq = 0;
    int rc = 0, failed = 0;
    while (b) {
        const glossa_source_record_t *rec = NULL;
        glossa_error_t err;
        rc = glossa_source_read(src, &rec, &err);
        if (rc < 0)
            glossa_cli_print_error("glossa enqueue", NULL, &err);
        if (rc == 1 && report_record(rec)) {
            pr->skipped++;
            continue;
        }
        if (rc == 1 && batch_add(b, rec, token, seq++)) {
            fprintf(stderr, "glossa enqueue: out of memory\n");
            failed = 1;
            break;
        }
        if (b->n > 0 &&
            (rc != 1 || b->n == BATCH_RECORDS || b->bytes >= BATCH_BYTES)) {
            if (send_batch(r, stream, b, pr->last, sizeof(pr->last), pr->first,
                           sizeof(pr->first), &pr->sent))
                failed = 1;
            batch_clear(b);
        }
        if (rc != 1 || failed)
            break;
    }
    if (rc < 0 || !b)
        failed = 1;
    if (b)
        batch_clear(b);
    free(b);
    return failed ? -1 : 0;
}

/* The reader's log (manifest lines it ignores) goes to stderr under the
 * command's name. */
static void log_line(void *ud, glossa_log_level_t level, const char *line)
{
    (void)ud;
    (void)level;
    fprintf(stderr, "glossa enqueue: %s\n", line);
}

/* The inputs, read by the library's own reader with the rules of glossa
 * run. Returns 0, or -1 after printing why. */
static int open_inputs(char **inputs, size_t n, size_t max_doc_bytes,
                       glossa_runtime_t **rt, glossa_source_t **src)
{
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.max_doc_bytes = max_doc_bytes;
    o.log_cb = log_line;
    glossa_error_t err;
    if (glossa_runtime_new(&o, rt, &err) ||
        glossa_source_open(*rt, (const char *const *)inputs, n, NULL, src,
                           &err)) {
        glossa_cli_print_error("glossa enqueue", NULL, &err);
        glossa_runtime_free(*rt);
        *rt = NULL;
        return -1;
    }
    return 0;
}

int glossa_cli_enqueue(int argc, char **argv)
{
    enqueue_args_t a = {
        .stream = "docs", .max_doc = 256ull << 20, .retry_for = 600};
    int code = parse_args(argc, argv, &a);
    if (code != GO)
        return code;
    glossa_cli_redis_t r;
    if (glossa_cli_redis_init(&r, a.url, "glossa enqueue"))
        return GLOSSA_EXIT_USAGE;
    r.retry_for = a.retry_for;
    glossa_runtime_t *rt = NULL;
    glossa_source_t *src = NULL;
    if (open_inputs(argv + optind, (size_t)(argc - optind), (size_t)a.max_doc,
                    &rt, &src)) {
        glossa_cli_redis_close(&r);
        return GLOSSA_EXIT_USAGE;
    }
    if (glossa_cli_redis_connect(&r)) {
        glossa_source_free(src);
        glossa_runtime_free(rt);
        glossa_cli_redis_close(&r);
        return GLOSSA_EXIT_FAILURE;
    }

    tally_t pr = {.first = "", .last = "0-0"};
    int failed = find_tail(&r, a.stream, pr.last, sizeof(pr.last)) != 0;
    double t0 = glossa_cli_now_s();
    if (!failed)
        failed = enqueue_all(src, &r, a.stream, &pr) != 0;
    if (!a.quiet || failed)
        fprintf(stderr,
                "glossa enqueue: %llu records %s stream %s at %s in %.2f s "
                "(entries %s to %s)%s\n",
                pr.sent, failed ? "were added to" : "added to", a.stream,
                r.display, glossa_cli_now_s() - t0, *pr.first ? pr.first : "-",
                pr.sent ? pr.last : "-",
                failed ? "; stopped by the error above" : "");
    pr.skipped += glossa_source_problems(src);
    if (pr.skipped)
        fprintf(stderr,
                "glossa enqueue: %llu records or manifest lines were "
                "left out (reported above)\n",
                pr.skipped);
    glossa_source_free(src);
    glossa_runtime_free(rt);
    glossa_cli_redis_close(&r);
    if (failed)
        return GLOSSA_EXIT_FAILURE;
    return pr.skipped ? GLOSSA_EXIT_DOC_ERRORS : GLOSSA_EXIT_OK;
}
