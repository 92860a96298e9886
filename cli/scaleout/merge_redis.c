/* glossa merge --redis: the results of `glossa worker`, one per input
 * entry, in input order.
 *
 * Workers deliver at least once, so an input entry may have several
 * results (a worker died after writing one and before acknowledging its
 * entry; the entry was annotated again). They are the same bytes, since
 * a run's output does not depend on timing; the first is kept. The
 * results are ordered by their input entry's id, which is the order
 * glossa enqueue added the documents in: the output is what glossa run
 * over the same inputs gives.
 *
 * The records are spooled to an unlinked temporary file while the results
 * stream is read, and only their positions are sorted, so memory stays at
 * a few dozen bytes per document. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "output.h"
#include "redis.h"

typedef struct pos {
    unsigned long long ms, seq; /* the input entry id */
    long offset;
    size_t len;
} pos_t;

static int compare_pos(const void *a, const void *b)
{
    const pos_t *x = a, *y = b;
    if (x->ms != y->ms)
        return x->ms < y->ms ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* A value of a flat [key, value, ...] reply (XINFO). */
static const redisReply *info_get(const redisReply *r, const char *key)
{
    return glossa_cli_redis_field(r, key);
}

/* Checks that the workers are done: nothing pending, nothing undelivered.
 * Returns 0 (done), 1 (not done; printed), -1 (error; printed). */
static int check_done(glossa_cli_redis_t *r, const glossa_cli_redis_merge_t *m,
                      long long *length)
{
    redisReply *s = glossa_cli_redis_command(r, "reading the stream",
                                             "XINFO STREAM %s", m->stream);
    if (!s)
        return -1;
    if (s->type == REDIS_REPLY_ERROR) {
        if (strstr(s->str, "no such key"))
            fprintf(stderr,
                    "glossa merge: no stream %s at %s (nothing was "
                    "enqueued there)\n",
                    m->stream, r->display);
        else
            fprintf(stderr, "glossa merge: stream %s at %s: %s\n", m->stream,
                    r->display, s->str);
        freeReplyObject(s);
        return -1;
    }
    const redisReply *len = info_get(s, "length");
    const redisReply *last = info_get(s, "last-generated-id");
    *length = len && len->type == REDIS_REPLY_INTEGER ? len->integer : -1;
    char last_id[64] = "0-0";
    if (last && last->type == REDIS_REPLY_STRING)
        snprintf(last_id, sizeof(last_id), "%s", last->str);
    freeReplyObject(s);

    redisReply *g = glossa_cli_redis_command(r, "reading the groups",
                                             "XINFO GROUPS %s", m->stream);
    if (!g || g->type != REDIS_REPLY_ARRAY) {
        if (g)
            fprintf(stderr, "glossa merge: XINFO GROUPS %s: %s\n", m->stream,
                    g->type == REDIS_REPLY_ERROR ? g->str : "?");
        freeReplyObject(g);
        return -1;
    }
    const redisReply *group = NULL;
    for (size_t i = 0; i < g->elements && !group; i++) {
        const redisReply *name = info_get(g->element[i], "name");
        if (name && name->type == REDIS_REPLY_STRING &&
            strcmp(name->str, m->group) == 0)
            group = g->element[i];
    }
    int rc = 0;
    if (!group) {
        fprintf(stderr,
                "glossa merge: no worker has joined group %s of stream %s "
                "yet: nothing is annotated\n",
                m->group, m->stream);
        rc = 1;
    } else {
        const redisReply *pending = info_get(group, "pending");
        const redisReply *delivered = info_get(group, "last-delivered-id");
        long long n_pending = pending && pending->type == REDIS_REPLY_INTEGER
                                  ? pending->integer
                                  : 0;
        int undelivered = delivered && delivered->type == REDIS_REPLY_STRING &&
                          glossa_cli_redis_id_cmp(delivered->str, last_id) < 0;
        if (n_pending || undelivered) {
            fprintf(stderr,
                    "glossa merge: the workers of group %s are not done: %lld "
                    "entries being annotated (or held by stopped workers, "
                    "until others take them over)%s%s\n",
                    m->group, n_pending,
                    undelivered ? "; entries not yet read after " : "",
                    undelivered ? delivered->str : "");
            rc = 1;
        }
    }
    freeReplyObject(g);
    return rc;
}

/* The records read from the results stream: their bytes in a temporary
 * file, their input entries and places in pos. */
typedef struct spool {
    FILE *f;
    pos_t *pos;
    size_t n, cap;
} spool_t;

/* Spools the record of one entry of the results stream. Returns 0, 1 for
 * an entry that is not a worker's result (skipped, printed), or -1 after
 * printing why. */
static int spool_entry(spool_t *sp, const redisReply *e, const char *results)
{
    const redisReply *entry = glossa_cli_redis_field(e->element[1], "entry");
    const redisReply *record = glossa_cli_redis_field(e->element[1], "record");
    if (!entry || !record || entry->type != REDIS_REPLY_STRING ||
        record->type != REDIS_REPLY_STRING) {
        fprintf(stderr,
                "glossa merge: %s entry %s is not a glossa worker "
                "result (no entry or record field); skipped\n",
                results, e->element[0]->str);
        return 1;
    }
    if (sp->n == sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 1024;
        pos_t *grown = realloc(sp->pos, cap * sizeof(pos_t));
        if (!grown) {
            fprintf(stderr, "glossa merge: out of memory\n");
            return -1;
        }
        sp->pos = grown;
        sp->cap = cap;
    }
    pos_t *p = &sp->pos[sp->n++];
    p->ms = p->seq = 0;
    sscanf(entry->str, "%llu-%llu", &p->ms, &p->seq);
    p->offset = ftell(sp->f);
    p->len = record->len;
    if (fwrite(record->str, 1, record->len, sp->f) != record->len) {
        fprintf(stderr,
                "glossa merge: cannot write a temporary "
                "file: %s\n",
                strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads the whole results stream into the spool, 1000 entries at a time.
 * Returns 0, or -1 after printing why. */
static int spool_results(glossa_cli_redis_t *r, const char *results,
                         spool_t *sp)
{
    char start[64] = "-";
    for (;;) {
        redisReply *reply = glossa_cli_redis_command(
            r, "reading the results", "XRANGE %s %s + COUNT 1000", results,
            start);
        if (!reply || reply->type != REDIS_REPLY_ARRAY) {
            if (reply)
                fprintf(stderr, "glossa merge: XRANGE %s: %s\n", results,
                        reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
            freeReplyObject(reply);
            return -1;
        }
        size_t got = reply->elements;
        for (size_t i = 0; i < got; i++) {
            if (spool_entry(sp, reply->element[i], results) < 0) {
                freeReplyObject(reply);
                return -1;
            }
        }
        if (got > 0)
            glossa_cli_redis_next_id(reply->element[got - 1]->element[0]->str,
                                     start, sizeof(start));
        freeReplyObject(reply);
        if (got < 1000)
            break;
    }
    if (fflush(sp->f) != 0) {
        fprintf(stderr, "glossa merge: cannot write a temporary file\n");
        return -1;
    }
    return 0;
}

static int same_entry(const pos_t *a, const pos_t *b)
{
    return a->ms == b->ms && a->seq == b->seq;
}

/* The number of input entries with a result (pos sorted). */
static size_t count_distinct(const spool_t *sp)
{
    size_t distinct = 0;
    for (size_t i = 0; i < sp->n; i++)
        if (i == 0 || !same_entry(&sp->pos[i], &sp->pos[i - 1]))
            distinct++;
    return distinct;
}

/* Writes the first result of each input entry, in input order (pos
 * sorted), and publishes the output. Returns 0, or -1 after printing
 * why. */
static int write_merged(const spool_t *sp, const glossa_cli_redis_merge_t *m,
                        size_t distinct)
{
    json_t *job = json_pack("{s:s,s:s}", "redis_stream", m->stream,
                            "redis_results", m->results);
    glossa_output_t out;
    int opened = glossa_output_open(&out, m->output, 0, job);
    json_decref(job);
    if (opened != GLOSSA_OUTPUT_READY)
        return -1;
    glossa_sink_t sink = glossa_output_sink(&out);
    char *line = NULL;
    size_t line_cap = 0;
    int rc = 0;
    uint64_t written = 0;
    for (size_t i = 0; i < sp->n && rc == 0; i++) {
        const pos_t *p = &sp->pos[i];
        if (i > 0 && same_entry(p, p - 1))
            continue; /* a duplicate: the same entry annotated again */
        if (p->len + 1 > line_cap) {
            line_cap = p->len + 1;
            char *grown = realloc(line, line_cap);
            if (!grown) {
                rc = -1;
                break;
            }
            line = grown;
        }
        if (fseek(sp->f, p->offset, SEEK_SET) != 0 ||
            fread(line, 1, p->len, sp->f) != p->len) {
            fprintf(stderr, "glossa merge: cannot read a temporary file\n");
            rc = -1;
            break;
        }
        glossa_record_info_t info = {.seq = written++};
        if (sink.write(sink.ud, line, p->len, &info))
            rc = -1;
    }
    free(line);
    if (rc == 0 && sink.flush(sink.ud))
        rc = -1;
    if (rc == 0 && glossa_output_publish(&out) == 0) {
        fprintf(stderr,
                "glossa merge: %zu records from %s (%zu duplicates "
                "dropped)\n",
                distinct, m->results, sp->n - distinct);
        return 0;
    }
    if (rc)
        glossa_output_abandon(&out);
    return -1;
}

int glossa_cli_merge_redis(const glossa_cli_redis_merge_t *opts)
{
    glossa_cli_redis_merge_t m = *opts;
    if (!m.stream)
        m.stream = "docs";
    if (!m.group)
        m.group = "glossa";
    char results_buf[512];
    if (!m.results) {
        snprintf(results_buf, sizeof(results_buf), "%s:results", m.stream);
        m.results = results_buf;
    }
    glossa_cli_redis_t r;
    if (glossa_cli_redis_init(&r, m.url, "glossa merge"))
        return GLOSSA_EXIT_USAGE;
    if (glossa_cli_redis_connect(&r)) {
        glossa_cli_redis_close(&r);
        return GLOSSA_EXIT_FAILURE;
    }
    long long length = -1;
    int done = check_done(&r, &m, &length);
    if (done < 0 || (done > 0 && !m.partial)) {
        if (done > 0)
            fprintf(stderr, "(wait for them, or use --partial to merge what "
                            "there is)\n");
        glossa_cli_redis_close(&r);
        return GLOSSA_EXIT_FAILURE;
    }

    int exit_code = GLOSSA_EXIT_FAILURE;
    spool_t sp = {.f = tmpfile()};
    if (!sp.f) {
        fprintf(stderr, "glossa merge: cannot make a temporary file: %s\n",
                strerror(errno));
    } else if (spool_results(&r, m.results, &sp) == 0) {
        qsort(sp.pos, sp.n, sizeof(pos_t), compare_pos);
        size_t distinct = count_distinct(&sp);
        int short_of = length >= 0 && (long long)distinct < length;
        if (short_of)
            fprintf(stderr,
                    "glossa merge: %s has %lld entries but %s has results for "
                    "only %zu of them%s\n",
                    m.stream, length, m.results, distinct,
                    m.partial ? "" : " (--partial merges them anyway)");
        if ((!short_of || m.partial) && write_merged(&sp, &m, distinct) == 0)
            exit_code = GLOSSA_EXIT_OK;
    }
    if (sp.f)
        fclose(sp.f);
    free(sp.pos);
    glossa_cli_redis_close(&r);
    return exit_code;
}
