/* glossa worker: annotates the entries of a Redis stream as they arrive,
 * as one consumer of a consumer group, and writes one result per entry to
 * a results stream.
 *
 * Threads and connections (hiredis contexts are single-threaded, so each
 * thread has its own):
 *   - the runtime's reader thread calls next_record(): XAUTOCLAIM (entries
 *     idle too long, from dead workers) and XREADGROUP BLOCK (new ones);
 *   - the thread calling glossa_run() gets the results in input order
 *     (sink_write/sink_flush): XADD to the results stream, then XACK;
 *   - the lease thread renews, every claim_idle/3, the claim on every
 *     entry this worker holds (XCLAIM ... JUSTID, which resets the idle
 *     time without counting a delivery), so that live workers never lose
 *     entries to XAUTOCLAIM however slow a document is, and dead workers'
 *     entries are taken over claim_idle after they died.
 *
 * Delivery is at least once: an entry is acknowledged only after its
 * result is in the results stream, so a worker that dies between the two
 * leaves an entry that another worker annotates again. Each result names
 * its input entry ("entry"), and `glossa merge --redis` keeps one result
 * per input entry.
 *
 * `held` lists the entries read and not yet acknowledged, in the order
 * they were read, which is the order the runtime hands their results back
 * in; its first n_written have a result waiting in `results`. Only `held`
 * is shared between threads (under `lock`). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "redis.h"

#define RESULTS_BATCH 64
#define RESULTS_BATCH_BYTES ((size_t)4 << 20)

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
            "                         breaks (default 600; 0: for ever)\n"
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

typedef struct doc {
    char *entry; /* stream entry id */
    char *id;    /* document id, or NULL */
    char *text;
    size_t text_len;
    json_t *meta;
    char *origin;
    int suspect; /* delivered before: its last worker stopped on it */
} doc_t;

typedef struct result {
    char *entry, *id, *line;
    size_t len;
} result_t;

typedef struct worker {
    /* Settings. */
    const char *stream, *group, *results;
    char consumer[256];
    int block_ms, count, claim_idle_ms, max_deliveries, until_empty, quiet;
    atomic_int draining;

    /* Reader thread. */
    glossa_cli_redis_t in;
    doc_t *docs;
    size_t n_docs, doc_i, cap_docs;
    doc_t current; /* handed out last, kept until the next call */
    double last_claim;
    int claim_again; /* the last claim found entries: look for more now */
    char claim_cursor[64];
    uint64_t claimed, poisoned;

    /* Shared: entries read and not yet acknowledged. */
    pthread_mutex_t lock;
    pthread_cond_t acked_cond; /* signalled when entries are acknowledged */
    char **held;
    size_t n_held, cap_held, n_written;
    uint64_t n_handed, n_acked; /* handed to the runtime, acknowledged */
    int after_suspect;          /* reader thread: last handed was a suspect */

    /* The thread running glossa_run(). */
    glossa_cli_redis_t out;
    result_t *res;
    size_t n_res, res_bytes;
    uint64_t done;

    /* Lease thread. */
    glossa_cli_redis_t lease;
    pthread_t lease_thread;
    pthread_mutex_t lease_lock;
    pthread_cond_t lease_cond;
    int lease_stop;
} worker_t;

static atomic_int *signal_flag;

static void on_signal(int sig)
{
    (void)sig;
    if (signal_flag)
        atomic_store(signal_flag, 1);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void doc_free(doc_t *d)
{
    free(d->entry);
    free(d->id);
    free(d->text);
    free(d->origin);
    json_decref(d->meta);
    memset(d, 0, sizeof(*d));
}

static int held_push(worker_t *w, const char *entry)
{
    char *copy = strdup(entry);
    if (!copy)
        return -1;
    pthread_mutex_lock(&w->lock);
    if (w->n_held == w->cap_held) {
        size_t cap = w->cap_held ? w->cap_held * 2 : 64;
        char **grown = realloc(w->held, cap * sizeof(char *));
        if (!grown) {
            pthread_mutex_unlock(&w->lock);
            free(copy);
            return -1;
        }
        w->held = grown;
        w->cap_held = cap;
    }
    w->held[w->n_held++] = copy;
    pthread_mutex_unlock(&w->lock);
    return 0;
}

static int held_contains(worker_t *w, const char *entry)
{
    int found = 0;
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < w->n_held && !found; i++)
        found = strcmp(w->held[i], entry) == 0;
    pthread_mutex_unlock(&w->lock);
    return found;
}

/* ---- Reading entries (reader thread) ------------------------------------ */

static char *reply_strdup(const redisReply *r)
{
    if (!r || r->type != REDIS_REPLY_STRING)
        return NULL;
    char *s = malloc(r->len + 1);
    if (s) {
        memcpy(s, r->str, r->len);
        s[r->len] = '\0';
    }
    return s;
}

/* Turns a stream entry [id, [field, value, ...]] into a doc. */
static int parse_entry(worker_t *w, const redisReply *e, doc_t *d)
{
    memset(d, 0, sizeof(*d));
    const redisReply *fields = e->element[1];
    const redisReply *id = glossa_cli_redis_field(fields, "id");
    const redisReply *text = glossa_cli_redis_field(fields, "text");
    const redisReply *meta = glossa_cli_redis_field(fields, "meta");
    const redisReply *origin = glossa_cli_redis_field(fields, "origin");
    d->entry = reply_strdup(e->element[0]);
    d->id = reply_strdup(id);
    if (origin && origin->type == REDIS_REPLY_STRING)
        d->origin = reply_strdup(origin);
    else if (asprintf(&d->origin, "redis %s %s", w->stream,
                      e->element[0]->str) < 0)
        d->origin = NULL;
    if (text && text->type == REDIS_REPLY_STRING) {
        d->text = malloc(text->len + 1);
        if (d->text) {
            memcpy(d->text, text->str, text->len);
            d->text[text->len] = '\0';
        }
        d->text_len = text->len;
    } else {
        d->text = strdup("");
    }
    if (meta && meta->type == REDIS_REPLY_STRING) {
        d->meta = json_loadb(meta->str, meta->len, 0, NULL);
        if (!json_is_object(d->meta)) {
            fprintf(stderr,
                    "glossa worker: entry %s: \"meta\" is not a JSON "
                    "object; ignored\n",
                    d->entry ? d->entry : "?");
            json_decref(d->meta);
            d->meta = NULL;
        }
    }
    if (!d->entry || !d->text || !d->origin || (id && !d->id)) {
        doc_free(d);
        return -1;
    }
    return 0;
}

static int docs_add(worker_t *w, const redisReply *e)
{
    if (w->n_docs == w->cap_docs) {
        size_t cap = w->cap_docs ? w->cap_docs * 2 : 16;
        doc_t *grown = realloc(w->docs, cap * sizeof(doc_t));
        if (!grown)
            return -1;
        w->docs = grown;
        w->cap_docs = cap;
    }
    doc_t *d = &w->docs[w->n_docs];
    if (parse_entry(w, e, d))
        return -1;
    if (held_push(w, d->entry)) {
        doc_free(d);
        return -1;
    }
    w->n_docs++;
    return 0;
}

static int create_group(glossa_cli_redis_t *r, const worker_t *w)
{
    /* From the start of the stream: entries enqueued before the first
     * worker joined are work too. */
    redisReply *reply = glossa_cli_redis_command(
        r, "creating the consumer group", "XGROUP CREATE %s %s 0 MKSTREAM",
        w->stream, w->group);
    if (!reply)
        return -1;
    int rc = 0;
    if (reply->type == REDIS_REPLY_ERROR &&
        strncmp(reply->str, "BUSYGROUP", 9) != 0) {
        fprintf(stderr, "glossa worker: XGROUP CREATE %s %s: %s\n", w->stream,
                w->group, reply->str);
        rc = -1;
    }
    freeReplyObject(reply);
    return rc;
}

/* A stream or group that vanished (Redis restarted without persistence,
 * or someone deleted it) is created again, and said so. */
static int handle_error_reply(worker_t *w, const redisReply *reply,
                              const char *what)
{
    if (strncmp(reply->str, "NOGROUP", 7) == 0) {
        fprintf(stderr,
                "glossa worker: the group %s of stream %s is gone (%s); "
                "creating it again\n",
                w->group, w->stream, reply->str);
        return create_group(&w->in, w);
    }
    fprintf(stderr, "glossa worker: %s: %s\n", what, reply->str);
    return -1;
}

/* A result for an entry that killed every worker that took it. Written
 * and acknowledged from the reader thread, on its own connection. */
static int write_poisoned(worker_t *w, const doc_t *d, long long deliveries)
{
    char message[512];
    snprintf(message, sizeof(message),
             "%s: delivered %lld times; every worker that took it stopped "
             "before finishing it (--max-deliveries %d)",
             d->origin, deliveries, w->max_deliveries);
    json_t *meta = d->meta ? json_incref(d->meta) : json_object();
    json_t *rec = json_pack("{s:s,s:o,s:{},s:{},s:[{s:n,s:s,s:s}]}", "id",
                            d->id ? d->id : d->origin, "meta", meta,
                            "annotations", "document", "errors", "plugin",
                            "code", "EDELIVERY", "message", message);
    char *line = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
    json_decref(rec);
    if (!line)
        return -1;
    redisReply *reply = glossa_cli_redis_command(
        &w->in, "writing a result",
        "XADD %s * id %s entry %s worker %s record %s", w->results,
        d->id ? d->id : d->origin, d->entry, w->consumer, line);
    free(line);
    int ok = reply && reply->type == REDIS_REPLY_STRING;
    freeReplyObject(reply);
    if (!ok)
        return -1;
    reply = glossa_cli_redis_command(&w->in, "acknowledging", "XACK %s %s %s",
                                     w->stream, w->group, d->entry);
    freeReplyObject(reply);
    fprintf(stderr, "glossa worker: %s\n", message);
    w->poisoned++;
    return reply ? 0 : -1;
}

/* How often an entry was delivered (XPENDING for one id), or -1. */
static long long deliveries(worker_t *w, const char *entry)
{
    redisReply *reply = glossa_cli_redis_command(
        &w->in, "reading the pending entries", "XPENDING %s %s %s %s 1",
        w->stream, w->group, entry, entry);
    long long n = -1;
    if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
        reply->element[0]->type == REDIS_REPLY_ARRAY &&
        reply->element[0]->elements >= 4)
        n = reply->element[0]->element[3]->integer;
    freeReplyObject(reply);
    return n;
}

/* Takes over entries idle for longer than claim_idle: their worker died
 * (live workers renew their claims). Returns 0 or -1 (fatal). */
static int claim(worker_t *w)
{
    char idle[32], count[32];
    snprintf(idle, sizeof(idle), "%d", w->claim_idle_ms);
    /* One at a time when counting deliveries: a claim counts as a
     * delivery, and each claimed entry runs alone, so a poison entry that
     * kills this worker too costs no other entry a delivery. */
    snprintf(count, sizeof(count), "%d", w->max_deliveries > 0 ? 1 : w->count);
    const char *argv[] = {"XAUTOCLAIM", w->stream,       w->group, w->consumer,
                          idle,         w->claim_cursor, "COUNT",  count};
    redisReply *reply =
        glossa_cli_redis_argv(&w->in, "taking over entries", 8, argv, NULL);
    if (!reply)
        return -1;
    if (reply->type == REDIS_REPLY_ERROR) {
        int rc = handle_error_reply(w, reply, "XAUTOCLAIM");
        freeReplyObject(reply);
        return rc;
    }
    /* Redis 7 adds a third element (deleted ids); 6.2 has two. Read only
     * the first two. */
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        reply->element[1]->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "glossa worker: XAUTOCLAIM: unexpected reply\n");
        freeReplyObject(reply);
        return -1;
    }
    snprintf(w->claim_cursor, sizeof(w->claim_cursor), "%s",
             reply->element[0]->str);
    const redisReply *entries = reply->element[1];
    int rc = 0;
    size_t taken = 0;
    char first[64] = "", last[64] = "";
    for (size_t i = 0; i < entries->elements && rc == 0; i++) {
        const redisReply *e = entries->element[i];
        /* Redis 6.2 returns deleted entries as nil. */
        if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
            e->element[1]->type != REDIS_REPLY_ARRAY)
            continue;
        if (held_contains(w, e->element[0]->str))
            continue;
        long long n =
            w->max_deliveries > 0 ? deliveries(w, e->element[0]->str) : 0;
        if (w->max_deliveries > 0 && n > w->max_deliveries) {
            doc_t d;
            if (parse_entry(w, e, &d) == 0) {
                rc = write_poisoned(w, &d, n);
                doc_free(&d);
            } else {
                rc = -1;
            }
            continue;
        }
        if (taken++ == 0)
            snprintf(first, sizeof(first), "%s", e->element[0]->str);
        snprintf(last, sizeof(last), "%s", e->element[0]->str);
        rc = docs_add(w, e);
        if (rc == 0 && n > 1)
            w->docs[w->n_docs - 1].suspect = 1;
    }
    freeReplyObject(reply);
    if (taken)
        fprintf(stderr,
                "glossa worker: took over %zu entries (%s to %s) idle for "
                "over %d ms: the workers holding them stopped\n",
                taken, first, last, w->claim_idle_ms);
    w->claimed += taken;
    return rc;
}

/* Reads new entries, waiting up to block_ms. Returns how many, or -1. */
static int read_new(worker_t *w)
{
    char block[32], count[32];
    snprintf(block, sizeof(block), "%d", w->block_ms);
    snprintf(count, sizeof(count), "%d", w->count);
    const char *argv[] = {"XREADGROUP", "GROUP",   w->group, w->consumer,
                          "COUNT",      count,     "BLOCK",  block,
                          "STREAMS",    w->stream, ">"};
    redisReply *reply =
        glossa_cli_redis_argv(&w->in, "reading the stream", 11, argv, NULL);
    if (!reply)
        return -1;
    if (reply->type == REDIS_REPLY_ERROR) {
        int rc = handle_error_reply(w, reply, "XREADGROUP");
        freeReplyObject(reply);
        return rc;
    }
    int n = 0;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1) {
        const redisReply *entries = reply->element[0]->element[1];
        for (size_t i = 0; i < entries->elements; i++) {
            if (docs_add(w, entries->element[i])) {
                freeReplyObject(reply);
                return -1;
            }
            n++;
        }
    }
    freeReplyObject(reply);
    return n;
}

/* Whether the group has nothing left: no entry pending anywhere (the last
 * read found no new one). Returns 1, 0, or -1. */
static int group_empty(worker_t *w)
{
    redisReply *reply =
        glossa_cli_redis_command(&w->in, "reading the pending entries",
                                 "XPENDING %s %s", w->stream, w->group);
    if (!reply)
        return -1;
    int rc = -1;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 1 &&
        reply->element[0]->type == REDIS_REPLY_INTEGER)
        rc = reply->element[0]->integer == 0;
    else if (reply->type == REDIS_REPLY_ERROR)
        rc = handle_error_reply(w, reply, "XPENDING") ? -1 : 0;
    freeReplyObject(reply);
    return rc;
}

/* The source callback (reader thread). */
static int next_record(void *ud, glossa_record_t *rec)
{
    worker_t *w = ud;
    doc_free(&w->current);
    double claim_every = w->claim_idle_ms / 2000.0;
    if (claim_every > 5)
        claim_every = 5;
    for (;;) {
        /* Entries already read are always handed over, even when
         * draining: they are this worker's to finish. */
        /* A document its last worker did not survive runs alone: nothing
         * else is handed over, read or claimed until it is done, so that
         * if it is poison it costs no other entry a delivery. */
        int alone = w->after_suspect ||
                    (w->doc_i < w->n_docs && w->docs[w->doc_i].suspect);
        pthread_mutex_lock(&w->lock);
        while (alone && w->n_acked < w->n_handed)
            pthread_cond_wait(&w->acked_cond, &w->lock);
        pthread_mutex_unlock(&w->lock);
        w->after_suspect = 0;
        if (w->doc_i < w->n_docs) {
            pthread_mutex_lock(&w->lock);
            w->n_handed++;
            pthread_mutex_unlock(&w->lock);
            w->after_suspect = w->docs[w->doc_i].suspect;
            w->current = w->docs[w->doc_i++];
            rec->id = w->current.id;
            rec->text = w->current.text;
            rec->text_len = w->current.text_len;
            rec->meta = w->current.meta;
            rec->origin = w->current.origin;
            return 1;
        }
        w->n_docs = w->doc_i = 0;
        if (atomic_load(&w->draining))
            return 0;
        if (w->claim_again || now_s() - w->last_claim >= claim_every) {
            w->last_claim = now_s();
            if (claim(w))
                return atomic_load(&w->draining) ? 0 : GLOSSA_EIO;
            w->claim_again = w->n_docs > 0;
            if (w->n_docs)
                continue;
        }
        int n = read_new(w);
        if (n < 0)
            return atomic_load(&w->draining) ? 0 : GLOSSA_EIO;
        if (n > 0 || !w->until_empty)
            continue;
        int empty = group_empty(w);
        if (empty < 0)
            return atomic_load(&w->draining) ? 0 : GLOSSA_EIO;
        if (empty)
            return 0;
    }
}

/* ---- Writing results (the glossa_run() thread) -------------------------- */

static void results_clear(worker_t *w)
{
    for (size_t i = 0; i < w->n_res; i++) {
        free(w->res[i].id);
        free(w->res[i].line);
    }
    w->n_res = w->res_bytes = 0;
}

/* Adds the waiting results to the results stream, then acknowledges their
 * entries. A broken connection resends the whole batch: a result written
 * twice is harmless, one never written is not. */
static int flush_results(worker_t *w)
{
    if (w->n_res == 0)
        return 0;
    for (;;) {
        if (!w->out.c && glossa_cli_redis_reconnect(&w->out, "writing results"))
            return GLOSSA_EIO;
        for (size_t i = 0; i < w->n_res; i++) {
            const result_t *r = &w->res[i];
            const char *argv[] = {"XADD",      w->results, "*",      "id",
                                  r->id,       "entry",    r->entry, "worker",
                                  w->consumer, "record",   r->line};
            size_t lens[11];
            for (size_t k = 0; k < 11; k++)
                lens[k] = k == 10 ? r->len : strlen(argv[k]);
            redisAppendCommandArgv(w->out.c, 11, argv, lens);
        }
        size_t got = 0;
        for (; got < w->n_res; got++) {
            void *v = NULL;
            if (redisGetReply(w->out.c, &v) != REDIS_OK || !v)
                break;
            redisReply *reply = v;
            if (reply->type == REDIS_REPLY_ERROR) {
                fprintf(stderr, "glossa worker: XADD %s: %s\n", w->results,
                        reply->str);
                freeReplyObject(reply);
                return GLOSSA_EIO;
            }
            freeReplyObject(reply);
        }
        if (got == w->n_res)
            break;
        if (glossa_cli_redis_reconnect(&w->out, "writing results"))
            return GLOSSA_EIO;
    }
    /* Every result is written: acknowledge their entries. */
    const char **argv = malloc((w->n_res + 3) * sizeof(char *));
    if (!argv)
        return GLOSSA_ENOMEM;
    argv[0] = "XACK";
    argv[1] = w->stream;
    argv[2] = w->group;
    for (size_t i = 0; i < w->n_res; i++)
        argv[3 + i] = w->res[i].entry;
    redisReply *reply = glossa_cli_redis_argv(&w->out, "acknowledging",
                                              (int)(w->n_res + 3), argv, NULL);
    free(argv);
    int rc = reply && reply->type == REDIS_REPLY_INTEGER ? 0 : GLOSSA_EIO;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        fprintf(stderr, "glossa worker: XACK: %s\n", reply->str);
    freeReplyObject(reply);
    if (rc)
        return rc;
    /* The acknowledged entries leave `held` (they are its first n_res). */
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < w->n_res; i++)
        free(w->held[i]);
    memmove(w->held, w->held + w->n_res,
            (w->n_held - w->n_res) * sizeof(char *));
    w->n_held -= w->n_res;
    w->n_written -= w->n_res;
    w->n_acked += w->n_res;
    pthread_cond_broadcast(&w->acked_cond);
    pthread_mutex_unlock(&w->lock);
    w->done += w->n_res;
    results_clear(w);
    return 0;
}

static int sink_write(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info)
{
    worker_t *w = ud;
    result_t *r = &w->res[w->n_res];
    pthread_mutex_lock(&w->lock);
    r->entry = w->n_written < w->n_held ? w->held[w->n_written++] : NULL;
    pthread_mutex_unlock(&w->lock);
    if (!r->entry) {
        fprintf(stderr, "glossa worker: a result for an entry never read\n");
        return GLOSSA_EINVAL;
    }
    r->id = strdup(info->id ? info->id : "");
    r->line = malloc(len + 1);
    if (!r->id || !r->line) {
        free(r->id);
        free(r->line);
        return GLOSSA_ENOMEM;
    }
    memcpy(r->line, line, len);
    r->line[len] = '\0';
    r->len = len;
    w->n_res++;
    w->res_bytes += len;
    if (w->n_res == RESULTS_BATCH || w->res_bytes >= RESULTS_BATCH_BYTES)
        return flush_results(w);
    return 0;
}

static int sink_flush(void *ud)
{
    return flush_results(ud);
}

/* ---- Leases (lease thread) ---------------------------------------------- */

static void renew(worker_t *w)
{
    pthread_mutex_lock(&w->lock);
    size_t n = w->n_held;
    const char **argv = n ? malloc((n + 6) * sizeof(char *)) : NULL;
    char **copies = n ? calloc(n, sizeof(char *)) : NULL;
    for (size_t i = 0; argv && copies && i < n; i++)
        copies[i] = strdup(w->held[i]);
    pthread_mutex_unlock(&w->lock);
    if (argv && copies) {
        argv[0] = "XCLAIM";
        argv[1] = w->stream;
        argv[2] = w->group;
        argv[3] = w->consumer;
        argv[4] = "0";
        size_t k = 5;
        for (size_t i = 0; i < n; i++)
            if (copies[i])
                argv[k++] = copies[i];
        argv[k++] = "JUSTID";
        redisReply *reply = glossa_cli_redis_argv(&w->lease, "renewing claims",
                                                  (int)k, argv, NULL);
        freeReplyObject(reply);
    }
    for (size_t i = 0; copies && i < n; i++)
        free(copies[i]);
    free(copies);
    free(argv);
}

static void *lease_main(void *ud)
{
    worker_t *w = ud;
    long every_ms = w->claim_idle_ms / 3 > 0 ? w->claim_idle_ms / 3 : 1;
    pthread_mutex_lock(&w->lease_lock);
    while (!w->lease_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += every_ms / 1000;
        until.tv_nsec += (every_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->lease_cond, &w->lease_lock, &until);
        if (w->lease_stop)
            break;
        pthread_mutex_unlock(&w->lease_lock);
        renew(w);
        pthread_mutex_lock(&w->lease_lock);
    }
    pthread_mutex_unlock(&w->lease_lock);
    return NULL;
}

/* ---- Main --------------------------------------------------------------- */

enum {
    OPT_REDIS = 256,
    OPT_STREAM,
    OPT_GROUP,
    OPT_CONSUMER,
    OPT_RESULTS,
    OPT_CLAIM_IDLE,
    OPT_MAX_DELIVERIES,
    OPT_BLOCK,
    OPT_UNTIL_EMPTY,
    OPT_RETRY_FOR,
    OPT_PIPELINE,
    OPT_PLUGIN,
    OPT_THREADS,
    OPT_WINDOW,
    OPT_MAX_DOC,
    OPT_MAX_LAYER,
    OPT_LOG_LEVEL,
    OPT_ISOLATE,
    OPT_DOC_TIMEOUT
};

static int parse_int(const char *s, long min, long max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static void print_error(const char *what, const glossa_error_t *err)
{
    char msg[2048];
    glossa_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "glossa worker: %s: %s\n", what, msg);
}

/* Loads the pipeline; returns an exit code. */
static int load(glossa_runtime_t *rt, const char *pipeline,
                const char **plugins, size_t n_plugins)
{
    glossa_error_t err;
    glossa_error_clear(&err);
    char buf[4096];
    if (!pipeline && n_plugins == 0) {
        pipeline = glossa_cli_default_pipeline(buf, sizeof(buf));
        if (!pipeline) {
            fprintf(stderr, "glossa worker: no --pipeline or --plugin given "
                            "and no bundled default-pipeline.json found\n");
            return GLOSSA_EXIT_LOAD;
        }
    }
    if (pipeline && glossa_runtime_load_pipeline(rt, pipeline, &err)) {
        print_error("cannot load the pipeline", &err);
        return GLOSSA_EXIT_LOAD;
    }
    for (size_t i = 0; i < n_plugins; i++)
        if (glossa_runtime_add_plugin(rt, plugins[i], NULL, NULL, &err)) {
            print_error("cannot load a plugin", &err);
            return GLOSSA_EXIT_LOAD;
        }
    if (glossa_runtime_prepare(rt, &err)) {
        print_error("cannot start the pipeline", &err);
        return GLOSSA_EXIT_LOAD;
    }
    return GLOSSA_EXIT_OK;
}

int glossa_cli_worker(int argc, char **argv)
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
        {"pipeline", required_argument, NULL, OPT_PIPELINE},
        {"plugin", required_argument, NULL, OPT_PLUGIN},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"max-doc-bytes", required_argument, NULL, OPT_MAX_DOC},
        {"max-layer-bytes", required_argument, NULL, OPT_MAX_LAYER},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"isolate", no_argument, NULL, OPT_ISOLATE},
        {"doc-timeout", required_argument, NULL, OPT_DOC_TIMEOUT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static worker_t w; /* one per process: the signal handler reaches it */
    memset(&w, 0, sizeof(w));
    w.stream = "docs";
    w.group = "glossa";
    w.block_ms = 1000;
    w.claim_idle_ms = 30000;
    w.max_deliveries = 5;
    snprintf(w.claim_cursor, sizeof(w.claim_cursor), "0-0");
    const char *url = NULL, *pipeline = NULL, *consumer = NULL;
    const char *results = NULL;
    const char **plugins = calloc((size_t)argc, sizeof(char *));
    size_t n_plugins = 0;
    double retry_for = 600;
    glossa_runtime_options_t ropts;
    glossa_runtime_options_init(&ropts);
    unsigned long long size;
    int c, threads = 0, bad = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, "qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_REDIS:
            url = optarg;
            break;
        case OPT_STREAM:
            w.stream = optarg;
            break;
        case OPT_GROUP:
            w.group = optarg;
            break;
        case OPT_CONSUMER:
            consumer = optarg;
            break;
        case OPT_RESULTS:
            results = optarg;
            break;
        case OPT_CLAIM_IDLE:
            bad = parse_int(optarg, 10, 86400000, &w.claim_idle_ms);
            break;
        case OPT_MAX_DELIVERIES:
            bad = parse_int(optarg, 0, 1000000, &w.max_deliveries);
            break;
        case OPT_BLOCK:
            bad = parse_int(optarg, 1, 60000, &w.block_ms);
            break;
        case OPT_UNTIL_EMPTY:
            w.until_empty = 1;
            break;
        case OPT_RETRY_FOR: {
            char *end;
            retry_for = strtod(optarg, &end);
            bad = *end || retry_for < 0;
            break;
        }
        case OPT_PIPELINE:
            pipeline = optarg;
            break;
        case OPT_PLUGIN:
            plugins[n_plugins++] = optarg;
            break;
        case OPT_THREADS:
            bad = parse_int(optarg, 1, 1024, &threads);
            ropts.threads = (unsigned)threads;
            break;
        case OPT_WINDOW:
            bad = glossa_cli_parse_size(optarg, &size) || size == 0;
            ropts.max_docs_in_flight = (size_t)size;
            break;
        case OPT_MAX_DOC:
        case OPT_MAX_LAYER:
            bad = glossa_cli_parse_size(optarg, &size) || size == 0;
            if (c == OPT_MAX_DOC)
                ropts.max_doc_bytes = (size_t)size;
            else
                ropts.max_layer_bytes = (size_t)size;
            break;
        case OPT_LOG_LEVEL:
            bad = glossa_cli_parse_log_level(optarg, &ropts.log_level) != 0;
            break;
        case OPT_ISOLATE:
            ropts.isolate = 1;
            break;
        case OPT_DOC_TIMEOUT:
            bad = glossa_cli_parse_doc_timeout(optarg, &ropts.doc_timeout_ms) !=
                  0;
            break;
        case 'q':
            w.quiet = 1;
            ropts.log_level = GLOSSA_LOG_WARN;
            break;
        case 'h':
            worker_usage(stdout);
            free(plugins);
            return GLOSSA_EXIT_OK;
        default:
            worker_usage(stderr);
            free(plugins);
            return GLOSSA_EXIT_USAGE;
        }
        if (bad)
            fprintf(stderr, "glossa worker: bad value '%s' for --%s\n", optarg,
                    long_opts[c - OPT_REDIS].name);
    }
    if (!bad && ropts.doc_timeout_ms && !ropts.isolate) {
        fprintf(stderr, "glossa worker: --doc-timeout needs --isolate\n");
        bad = 1;
    }
    if (!bad && optind < argc) {
        fprintf(stderr,
                "glossa worker: unexpected argument '%s' (the "
                "documents come from the stream)\n",
                argv[optind]);
        bad = 1;
    }
    if (bad) {
        free(plugins);
        return GLOSSA_EXIT_USAGE;
    }
    if (consumer) {
        snprintf(w.consumer, sizeof(w.consumer), "%s", consumer);
    } else {
        char host[200] = "";
        gethostname(host, sizeof(host) - 1);
        snprintf(w.consumer, sizeof(w.consumer), "%s-%ld", host,
                 (long)getpid());
    }
    char results_buf[512];
    if (!results) {
        snprintf(results_buf, sizeof(results_buf), "%s:results", w.stream);
        results = results_buf;
    }
    w.results = results;
    /* Read ahead no more than the pipeline can take in. */
    w.count = 16;

    int exit_code = GLOSSA_EXIT_OK;
    glossa_runtime_t *rt = NULL;
    glossa_source_t *src = NULL;
    int lease_started = 0;
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.acked_cond, NULL);
    pthread_mutex_init(&w.lease_lock, NULL);
    pthread_cond_init(&w.lease_cond, NULL);
    w.res = calloc(RESULTS_BATCH, sizeof(result_t));
    glossa_cli_redis_t *conns[] = {&w.in, &w.out, &w.lease};
    for (size_t i = 0; i < 3; i++) {
        if (glossa_cli_redis_init(conns[i], url, "glossa worker")) {
            exit_code = GLOSSA_EXIT_USAGE;
            goto out;
        }
        conns[i]->retry_for = retry_for;
    }
    /* The reader stops reconnecting once draining: what it holds is
     * finished without it. */
    w.in.give_up = &w.draining;
    w.lease.give_up = &w.draining;
    for (size_t i = 0; i < 3; i++)
        if (glossa_cli_redis_connect(conns[i])) {
            exit_code = GLOSSA_EXIT_FAILURE;
            goto out;
        }
    if (!w.res || create_group(&w.in, &w)) {
        exit_code = GLOSSA_EXIT_FAILURE;
        goto out;
    }

    glossa_error_t err;
    glossa_error_clear(&err);
    if (glossa_runtime_new(&ropts, &rt, &err)) {
        print_error("cannot start", &err);
        exit_code = GLOSSA_EXIT_FAILURE;
        goto out;
    }
    exit_code = load(rt, pipeline, plugins, n_plugins);
    if (exit_code)
        goto out;
    if (glossa_source_from_callback(rt, next_record, &w, &src)) {
        exit_code = GLOSSA_EXIT_FAILURE;
        goto out;
    }
    if (!w.quiet)
        fprintf(stderr,
                "glossa worker: %s in group %s of stream %s at %s; results "
                "to %s\n",
                w.consumer, w.group, w.stream, w.in.display, w.results);

    /* The first SIGTERM or SIGINT drains: no new entries, the ones held
     * are finished and acknowledged. A second one kills. */
    signal_flag = &w.draining;
    glossa_cli_install_stop_signals(on_signal);

    lease_started = pthread_create(&w.lease_thread, NULL, lease_main, &w) == 0;
    double t0 = now_s();
    glossa_sink_t sink = {&w, sink_write, sink_flush};
    glossa_run_stats_t stats;
    int rc = glossa_run(rt, src, &sink, &stats, &err);
    if (rc == 0)
        rc = flush_results(&w);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (rc) {
        if (rc != GLOSSA_EIO || err.code)
            print_error("stopped", &err);
        fprintf(stderr,
                "glossa worker: the entries it held stay pending; other "
                "workers take them over after --claim-idle\n");
        exit_code = GLOSSA_EXIT_FAILURE;
    }
    if (!w.quiet || rc)
        fprintf(stderr,
                "glossa worker: %s: %llu documents annotated in %.2f s (%llu "
                "taken over from stopped workers, %llu given up after "
                "--max-deliveries), %lu reconnections%s\n",
                w.consumer, (unsigned long long)w.done, now_s() - t0,
                (unsigned long long)w.claimed, (unsigned long long)w.poisoned,
                w.in.reconnects + w.out.reconnects + w.lease.reconnects,
                atomic_load(&w.draining) ? "; stopped by a signal" : "");

out:
    if (lease_started) {
        pthread_mutex_lock(&w.lease_lock);
        w.lease_stop = 1;
        pthread_cond_signal(&w.lease_cond);
        pthread_mutex_unlock(&w.lease_lock);
        pthread_join(w.lease_thread, NULL);
    }
    signal_flag = NULL;
    /* JSON made while the runtime exists goes before it (its allocator). */
    doc_free(&w.current);
    for (size_t i = w.doc_i; i < w.n_docs; i++)
        doc_free(&w.docs[i]);
    free(w.docs);
    if (w.res)
        results_clear(&w);
    free(w.res);
    for (size_t i = 0; i < w.n_held; i++)
        free(w.held[i]);
    free(w.held);
    glossa_source_free(src);
    glossa_runtime_free(rt);
    for (size_t i = 0; i < 3; i++)
        glossa_cli_redis_close(conns[i]);
    pthread_mutex_destroy(&w.lock);
    pthread_cond_destroy(&w.acked_cond);
    pthread_mutex_destroy(&w.lease_lock);
    pthread_cond_destroy(&w.lease_cond);
    free(plugins);
    return exit_code;
}
