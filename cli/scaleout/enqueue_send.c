/* glossa enqueue: batches of records, added to the stream by a script
 * that keeps them idempotent (enqueue.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enqueue.h"
#include "entry.h"

/* KEYS: the stream, its hash of keys. ARGV: the record's key, digest and
 * run token, then the entry's fields and values. Answers [ENTRY] when it
 * added the entry, or "ENTRY DIGEST TOKEN" when the key was there. The
 * entry and its key are written together: nothing is ever in the stream
 * without its key, or the other way round. */
static const char ADD_SCRIPT[] =
    "local known = redis.call('HGET', KEYS[2], ARGV[1])\n"
    "if known then return known end\n"
    "local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))\n"
    "redis.call('HSET', KEYS[2], ARGV[1], id .. ' ' .. ARGV[2] .. ' ' .. "
    "ARGV[3])\n"
    "return {id}\n";

static void item_free(item_t *it)
{
    free(it->key);
    free(it->id);
    free(it->meta);
    free(it->origin);
    free(it->text);
    free(it->errors);
    json_decref(it->found);
}

void glossa_cli_enqueue__clear(batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        item_free(&b->items[i]);
    b->n = b->bytes = 0;
}

/* FNV-1a, 64 bits, continued from h over s[0..n) and a separator. */
static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return (h ^ 0xff) * 0x100000001b3ull;
}

/* What tells whether a record changed: its id, text, meta and errors. */
static void digest(item_t *it)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, it->id, strlen(it->id));
    h = fnv(h, it->text ? it->text : "", it->text ? it->text_len : 0);
    h = fnv(h, it->meta, strlen(it->meta));
    h = fnv(h, it->errors ? it->errors : "",
            it->errors ? strlen(it->errors) : 0);
    snprintf(it->digest, sizeof(it->digest), "%016llx", (unsigned long long)h);
}

int glossa_cli_enqueue__add(batch_t *b, const glossa_source_record_t *rec,
                            const char *key)
{
    item_t *it = &b->items[b->n];
    memset(it, 0, sizeof(*it));
    it->key = strdup(key);
    it->id = strdup(rec->id);
    it->meta = json_dumps(rec->meta, JSON_COMPACT);
    it->origin = strdup(rec->origin);
    int ok = it->key && it->id && it->meta && it->origin;
    if (rec->text) {
        it->text = malloc(rec->text_len ? rec->text_len : 1);
        if (it->text && rec->text_len)
            memcpy(it->text, rec->text, rec->text_len);
        it->text_len = rec->text_len;
        ok = ok && it->text;
    }
    if (json_array_size(rec->errors)) {
        it->errors = json_dumps(rec->errors, JSON_COMPACT);
        it->found = json_deep_copy(rec->errors);
        ok = ok && it->errors && it->found;
    }
    it->refusal = rec->error ? glossa_err_name(rec->error) : NULL;
    if (!ok) {
        item_free(it);
        return -1;
    }
    digest(it);
    b->n++;
    b->bytes += it->text_len;
    return 0;
}

/* Appends the script call adding one item to the connection's output. */
static void append_add(enqueue_t *q, const item_t *it)
{
    const char *argv[24];
    size_t lens[24], n = 0;
#define ARG(s, len) (argv[n] = (s), lens[n++] = (len))
#define STR(s) ARG(s, strlen(s))
    STR("EVAL");
    STR(ADD_SCRIPT);
    STR("2");
    STR(q->stream);
    STR(q->keys);
    STR(it->key);
    STR(it->digest);
    STR(q->token);
    STR("id");
    STR(it->id);
    if (it->text) {
        STR("text");
        ARG(it->text, it->text_len); /* bytes, maybe with NULs */
    }
    STR("meta");
    STR(it->meta);
    STR("origin");
    STR(it->origin);
    STR("key");
    STR(it->key);
    if (it->errors) {
        STR("errors");
        STR(it->errors);
    }
#undef STR
#undef ARG
    redisAppendCommandArgv(q->r.c, (int)n, argv, lens);
}

/* Says what the reader found in a record now added. One it could not
 * take (a broken line, a document over --max-doc-bytes, a missing file)
 * is in the stream without text, with its error, so that its result says
 * why, as glossa run's record would; notes on one it took (bytes
 * repaired by the UTF-8 policy) go along. */
static void report_added(const item_t *it, tally_t *t)
{
    int said = 0;
    size_t i;
    const json_t *e;
    json_array_foreach(it->found, i, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *message = json_string_value(json_object_get(e, "message"));
        if (it->refusal && code && strcmp(code, it->refusal) == 0 && !said++)
            fprintf(stderr,
                    "glossa enqueue: %s; enqueued without text, for its "
                    "result to say so\n",
                    message);
        else
            fprintf(stderr, "glossa enqueue: note: %s\n", message);
    }
    if (it->refusal && !said)
        fprintf(stderr,
                "glossa enqueue: %s: %s; enqueued without text, for its "
                "result to say so\n",
                it->origin, it->refusal);
    t->refused += it->refusal != NULL;
}

static void added(tally_t *t, const item_t *it, const char *entry)
{
    if (!*t->first)
        snprintf(t->first, sizeof(t->first), "%s", entry);
    snprintf(t->last, sizeof(t->last), "%s", entry);
    t->added++;
    report_added(it, t);
}

/* Takes the script's answer for one item. Returns 0, or -1 after printing
 * why. */
static int take_reply(enqueue_t *q, const item_t *it, const redisReply *reply)
{
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
        reply->element[0]->type == REDIS_REPLY_STRING) {
        added(&q->t, it, reply->element[0]->str);
        return 0;
    }
    char entry[64], dig[32], token[40];
    if (reply->type != REDIS_REPLY_STRING ||
        sscanf(reply->str, "%63s %31s %39s", entry, dig, token) != 3) {
        fprintf(stderr, "glossa enqueue: adding %s to stream %s: %s\n",
                it->origin, q->stream,
                reply->type == REDIS_REPLY_ERROR ? reply->str
                                                 : "unexpected reply");
        return -1;
    }
    if (strcmp(token, q->token) == 0)
        added(&q->t, it, entry); /* sent again after a broken connection */
    else if (strcmp(dig, it->digest) == 0)
        q->t.known++;
    else {
        fprintf(stderr,
                "glossa enqueue: %s was enqueued before as entry %s of "
                "stream %s, read otherwise then (its input, or "
                "--max-doc-bytes, changed since); not enqueued again "
                "(--allow-duplicates adds it anyway)\n",
                it->origin, entry, q->stream);
        q->t.changed++;
    }
    return 0;
}

int glossa_cli_enqueue__send(enqueue_t *q)
{
    batch_t *b = q->b;
    size_t done = 0;
    int rc = 0;
    while (done < b->n && rc == 0) {
        if (!q->r.c && glossa_cli_redis_reconnect(&q->r, "enqueueing")) {
            rc = -1;
            break;
        }
        for (size_t i = done; i < b->n; i++)
            append_add(q, &b->items[i]);
        /* Each reply that arrives is taken; the rest, after a broken
         * connection, is sent again: the script makes that harmless. */
        for (; done < b->n && rc == 0; done++) {
            void *v = NULL;
            if (redisGetReply(q->r.c, &v) != REDIS_OK || !v)
                break;
            glossa_cli_redis_ok(&q->r);
            rc = take_reply(q, &b->items[done], v);
            freeReplyObject(v);
        }
        if (done < b->n && rc == 0 &&
            glossa_cli_redis_reconnect(&q->r, "enqueueing"))
            rc = -1;
    }
    glossa_cli_enqueue__clear(b);
    return rc;
}
