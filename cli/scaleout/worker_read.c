/* glossa worker, the reader thread: entries read from the stream
 * (XREADGROUP) or taken over from stopped workers (XAUTOCLAIM), and
 * handed to the runtime one by one (worker.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "worker.h"

void glossa_cli_worker__doc_free(doc_t *d)
{
    glossa_cli_entry_free(&d->e);
    d->suspect = 0;
}

void glossa_cli_worker__held_free(held_t *h)
{
    free(h->entry);
    json_decref(h->notes);
}

static int held_push(worker_t *w, const glossa_cli_entry_t *e)
{
    held_t h = {strdup(e->entry),
                json_array_size(e->notes) ? json_incref(e->notes) : NULL,
                e->refused};
    if (!h.entry) {
        glossa_cli_worker__held_free(&h);
        return -1;
    }
    pthread_mutex_lock(&w->lock);
    if (w->n_held == w->cap_held) {
        size_t cap = w->cap_held ? w->cap_held * 2 : 64;
        held_t *grown = realloc(w->held, cap * sizeof(held_t));
        if (!grown) {
            pthread_mutex_unlock(&w->lock);
            glossa_cli_worker__held_free(&h);
            return -1;
        }
        w->held = grown;
        w->cap_held = cap;
    }
    w->held[w->n_held++] = h;
    pthread_mutex_unlock(&w->lock);
    return 0;
}

static int held_contains(worker_t *w, const char *entry)
{
    int found = 0;
    pthread_mutex_lock(&w->lock);
    for (size_t i = 0; i < w->n_held && !found; i++)
        found = strcmp(w->held[i].entry, entry) == 0;
    pthread_mutex_unlock(&w->lock);
    return found;
}

/* ---- Entries from the stream -------------------------------------------- */

/* Turns a stream entry [id, [field, value, ...]] into a doc, saying what
 * is wrong with it in its notes (entry.h). Returns 0, or -1 when out of
 * memory. */
static int parse_entry(worker_t *w, const redisReply *e, doc_t *d)
{
    d->suspect = 0;
    if (glossa_cli_entry_read(&d->e, w->stream, e)) {
        fprintf(stderr, "glossa worker: out of memory reading entry %s\n",
                e->element[0]->str);
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
    if (held_push(w, &d->e)) {
        glossa_cli_worker__doc_free(d);
        return -1;
    }
    w->n_docs++;
    return 0;
}

int glossa_cli_worker__create_group(glossa_cli_redis_t *r, const worker_t *w)
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
        return glossa_cli_worker__create_group(&w->in, w);
    }
    fprintf(stderr, "glossa worker: %s: %s\n", what, reply->str);
    return -1;
}

/* The record of an entry that killed every worker that took it: no
 * annotations, its notes and an EDELIVERY error. NULL when out of
 * memory. */
static char *poisoned_record(const doc_t *d, const char *message)
{
    json_t *errors = json_copy(d->e.notes);
    json_t *meta = d->e.meta ? json_incref(d->e.meta) : json_object();
    json_t *rec = json_pack("{s:s,s:o,s:{},s:{},s:o,s:{s:s,s:{}}}", "id",
                            glossa_cli_entry_record_id(&d->e), "meta", meta,
                            "annotations", "document", "errors",
                            errors ? errors : json_array(), "provenance",
                            "input", "", "layers");
    json_t *e = json_pack("{s:n,s:s,s:s}", "plugin", "code", "EDELIVERY",
                          "message", message);
    char *line = NULL;
    if (rec && e && json_array_append(json_object_get(rec, "errors"), e) == 0)
        line = json_dumps(rec, GLOSSA_CLI_RECORD_JSON_FLAGS);
    json_decref(e);
    json_decref(rec);
    return line;
}

/* A result for an entry that killed every worker that took it. Written
 * and acknowledged from the reader thread, on its own connection. */
static int write_poisoned(worker_t *w, const doc_t *d, long long deliveries)
{
    char message[512];
    snprintf(message, sizeof(message),
             "%s: delivered %lld times; every worker that took it stopped "
             "before finishing it (--max-deliveries %d)",
             d->e.origin, deliveries, w->max_deliveries);
    char *line = poisoned_record(d, message);
    if (!line)
        return -1;
    const char *id = glossa_cli_entry_record_id(&d->e);
    const char *argv[] = {"XADD",      w->results, "*",        "id",
                          id,          "entry",    d->e.entry, "worker",
                          w->consumer, "record",   line};
    redisReply *reply =
        glossa_cli_redis_argv(&w->in, "writing a result", 11, argv, NULL);
    free(line);
    int ok = reply && reply->type == REDIS_REPLY_STRING;
    freeReplyObject(reply);
    if (!ok)
        return -1;
    reply = glossa_cli_redis_command(&w->in, "acknowledging", "XACK %s %s %s",
                                     w->stream, w->group, d->e.entry);
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
        reply->element[0]->elements >= 4 &&
        reply->element[0]->element[3]->type == REDIS_REPLY_INTEGER)
        n = reply->element[0]->element[3]->integer;
    freeReplyObject(reply);
    return n;
}

/* Entries held by a stopped worker and deleted from the stream since
 * (XDEL, XTRIM) were never annotated: Redis 7 lists them in XAUTOCLAIM's
 * third element and drops them from the group. They have no result, so
 * this is the only place to say so. */
static void report_deleted(const worker_t *w, const redisReply *reply)
{
    const redisReply *ids = reply->elements >= 3 ? reply->element[2] : NULL;
    if (!ids || ids->type != REDIS_REPLY_ARRAY || ids->elements == 0)
        return;
    fprintf(stderr,
            "glossa worker: %zu entries of stream %s were deleted (XDEL or "
            "XTRIM) before they were annotated, while a stopped worker held "
            "them; they have no result:",
            ids->elements, w->stream);
    for (size_t i = 0; i < ids->elements && i < 10; i++)
        if (ids->element[i]->type == REDIS_REPLY_STRING)
            fprintf(stderr, " %s", ids->element[i]->str);
    fprintf(stderr, "%s\n", ids->elements > 10 ? " ..." : "");
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
    /* Redis 7 adds a third element (deleted ids); 6.2 has two. */
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        reply->element[1]->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "glossa worker: XAUTOCLAIM: unexpected reply\n");
        freeReplyObject(reply);
        return -1;
    }
    snprintf(w->claim_cursor, sizeof(w->claim_cursor), "%s",
             reply->element[0]->str);
    report_deleted(w, reply);
    const redisReply *entries = reply->element[1];
    int rc = 0;
    size_t taken = 0;
    char first[64] = "", last[64] = "";
    for (size_t i = 0; i < entries->elements && rc == 0; i++) {
        const redisReply *e = entries->element[i];
        /* Redis 6.2 returns deleted entries as nil. */
        if (!glossa_cli_redis_is_entry(e))
            continue;
        if (held_contains(w, e->element[0]->str))
            continue;
        long long n =
            w->max_deliveries > 0 ? deliveries(w, e->element[0]->str) : 0;
        if (w->max_deliveries > 0 && n > w->max_deliveries) {
            doc_t d = {0};
            if (parse_entry(w, e, &d) == 0) {
                rc = write_poisoned(w, &d, n);
                glossa_cli_worker__doc_free(&d);
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
    /* Nil when BLOCK ran out; else [[stream, [entry, ...]]]. */
    const redisReply *entries = NULL;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
        reply->element[0]->type == REDIS_REPLY_ARRAY &&
        reply->element[0]->elements == 2 &&
        reply->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
        entries = reply->element[0]->element[1];
    int n = 0;
    if (!entries && reply->type != REDIS_REPLY_NIL) {
        fprintf(stderr, "glossa worker: XREADGROUP %s: unexpected reply\n",
                w->stream);
        n = -1;
    }
    for (size_t i = 0; entries && i < entries->elements && n >= 0; i++) {
        const redisReply *e = entries->element[i];
        if (!glossa_cli_redis_is_entry(e)) {
            fprintf(stderr,
                    "glossa worker: XREADGROUP %s: unexpected reply (an "
                    "entry is not [id, fields])\n",
                    w->stream);
            n = -1;
        } else {
            n = docs_add(w, e) ? -1 : n + 1;
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
int glossa_cli_worker__next_record(void *ud, glossa_record_t *rec)
{
    worker_t *w = ud;
    glossa_cli_worker__doc_free(&w->current);
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
            rec->id = w->current.e.id;
            rec->text = w->current.e.text;
            rec->text_len = w->current.e.text_len;
            rec->meta = w->current.e.meta;
            rec->origin = w->current.e.origin;
            return 1;
        }
        w->n_docs = w->doc_i = 0;
        if (atomic_load(&w->draining))
            return 0;
        if (w->claim_again ||
            glossa_cli_now_s() - w->last_claim >= claim_every) {
            w->last_claim = glossa_cli_now_s();
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
