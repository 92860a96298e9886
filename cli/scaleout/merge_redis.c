/* glossa merge --redis, the flow (merge_redis.h).
 *
 * Workers deliver at least once, so an input entry may have several
 * results (a worker died after writing one and before acknowledging its
 * entry; the entry was annotated again). They are the same bytes, since
 * a run's output does not depend on timing; the first is kept, and
 * results of one entry that differ are reported. The results are ordered
 * by their input entry's id, which is the order glossa enqueue added the
 * documents in: the output is what glossa run over the same inputs gives.
 *
 * The records are spooled to an unlinked temporary file while the results
 * stream is read, and only their positions are sorted, so memory stays at
 * about 80 bytes per document (its place here and in the index). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "merge_redis.h"
#include "output.h"

/* A result taken: its input entry, and its record in the spool. */
typedef struct pos {
    size_t input; /* the place of its input entry in the index */
    long offset;
    size_t len;
    unsigned long long ms, seq; /* its id in the results stream */
} pos_t;

static int compare_pos(const void *a, const void *b)
{
    const pos_t *x = a, *y = b;
    if (x->input != y->input)
        return x->input < y->input ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Problems are reported one line each, up to this many; then counted. */
#define SHOWN_AT_MOST 20

/* A value of a flat [key, value, ...] reply (XINFO). */
static const redisReply *info_get(const redisReply *r, const char *key)
{
    return glossa_cli_redis_field(r, key);
}

/* Checks that the workers are done: nothing pending, nothing undelivered.
 * Returns 0 (done), 1 (not done; printed), -1 (error; printed). */
static int check_done(glossa_cli_redis_t *r, const glossa_cli_redis_merge_t *m,
                      char *last_id, size_t last_size)
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
    const redisReply *last = info_get(s, "last-generated-id");
    snprintf(last_id, last_size, "%s",
             last && last->type == REDIS_REPLY_STRING ? last->str : "0-0");
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
    unsigned long long bad, later; /* left out; for a later merge */
} spool_t;

/* Checks one entry of the results stream and spools its record, or
 * reports why it is left out. Returns 0, or -1 after printing why. */
static int spool_entry(spool_t *sp, input_index_t *idx, const redisReply *e,
                       const glossa_cli_redis_merge_t *m)
{
    char why[512];
    long at = glossa_cli_merge__check(idx, m->stream, e, why, sizeof(why));
    if (at == MERGE_LATER && sp->bad + sp->later++ < SHOWN_AT_MOST)
        fprintf(stderr,
                "glossa merge: %s entry %s: for an entry added to %s after "
                "the workers were found done (or not in it); left for the "
                "next merge\n",
                m->results, e->element[0]->str, m->stream);
    if (at == MERGE_BAD && sp->bad++ + sp->later < SHOWN_AT_MOST)
        fprintf(stderr, "glossa merge: %s entry %s: %s; left out\n", m->results,
                e->element[0]->str, why);
    if (at < 0)
        return 0;
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
    const redisReply *record = glossa_cli_redis_field(e->element[1], "record");
    pos_t *p = &sp->pos[sp->n++];
    p->input = (size_t)at;
    p->offset = ftell(sp->f);
    p->len = record->len;
    if (glossa_cli_redis_parse_id(e->element[0]->str, &p->ms, &p->seq))
        p->ms = p->seq = 0;
    idx->e[at].has_result = 1;
    if (fwrite(record->str, 1, record->len, sp->f) != record->len) {
        fprintf(stderr, "glossa merge: cannot write a temporary file: %s\n",
                strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads the whole results stream into the spool, 1000 entries at a time.
 * Returns 0, or -1 after printing why. */
static int spool_results(glossa_cli_redis_t *r, input_index_t *idx,
                         const glossa_cli_redis_merge_t *m, spool_t *sp)
{
    char start[64] = "-";
    for (;;) {
        redisReply *reply = glossa_cli_redis_command(
            r, "reading the results", "XRANGE %s %s + COUNT 1000", m->results,
            start);
        if (!reply || reply->type != REDIS_REPLY_ARRAY) {
            if (reply)
                fprintf(stderr, "glossa merge: XRANGE %s: %s\n", m->results,
                        reply->type == REDIS_REPLY_ERROR ? reply->str : "?");
            freeReplyObject(reply);
            return -1;
        }
        size_t got = reply->elements;
        int rc = 0;
        for (size_t i = 0; i < got && rc == 0; i++) {
            const redisReply *e = reply->element[i];
            if (glossa_cli_redis_is_entry(e)) {
                rc = spool_entry(sp, idx, e, m);
            } else {
                fprintf(stderr, "glossa merge: XRANGE %s: unexpected reply\n",
                        m->results);
                rc = -1;
            }
        }
        if (rc == 0 && got > 0)
            glossa_cli_redis_next_id(reply->element[got - 1]->element[0]->str,
                                     start, sizeof(start));
        freeReplyObject(reply);
        if (rc)
            return -1;
        if (got < 1000)
            break;
    }
    if (fflush(sp->f) != 0) {
        fprintf(stderr, "glossa merge: cannot write a temporary file\n");
        return -1;
    }
    return 0;
}

/* The input entries without a result. Returns how many, naming the
 * first of them. */
static size_t report_missing(const input_index_t *idx,
                             const glossa_cli_redis_merge_t *m)
{
    size_t missing = 0;
    for (size_t i = 0; i < idx->n; i++) {
        const input_entry_t *x = &idx->e[i];
        if (!x->has_result && missing++ < SHOWN_AT_MOST)
            fprintf(stderr,
                    "glossa merge: entry %llu-%llu of %s has no result in "
                    "%s\n",
                    x->ms, x->seq, m->stream, m->results);
    }
    if (missing > SHOWN_AT_MOST)
        fprintf(stderr, "glossa merge: ... and %zu more\n",
                missing - SHOWN_AT_MOST);
    if (missing)
        fprintf(stderr,
                "glossa merge: %s has %zu entries but %s has results for "
                "only %zu of them%s\n",
                m->stream, idx->n, m->results, idx->n - missing,
                m->partial ? "" : " (--partial merges them anyway)");
    return missing;
}

/* Reads the record at p from the spool into *buf (grown as needed).
 * Returns 0, or -1 after printing why. */
static int read_record(const spool_t *sp, const pos_t *p, char **buf,
                       size_t *cap)
{
    if (p->len + 1 > *cap) {
        char *grown = realloc(*buf, p->len + 1);
        if (!grown) {
            fprintf(stderr, "glossa merge: out of memory\n");
            return -1;
        }
        *buf = grown;
        *cap = p->len + 1;
    }
    if (fseek(sp->f, p->offset, SEEK_SET) != 0 ||
        fread(*buf, 1, p->len, sp->f) != p->len) {
        fprintf(stderr, "glossa merge: cannot read a temporary file\n");
        return -1;
    }
    return 0;
}

/* A duplicate (pos sorted: the same input entry as the one before it)
 * whose bytes differ from the kept result's is reported: the workers
 * that made them did not run the same pipeline. Returns 0, or -1. */
static int check_duplicate(const spool_t *sp, const pos_t *p, const pos_t *kept,
                           const char *line, const glossa_cli_redis_merge_t *m,
                           const input_index_t *idx, char **buf, size_t *cap,
                           unsigned long long *differ)
{
    if (p->len == kept->len) {
        if (read_record(sp, p, buf, cap))
            return -1;
        if (memcmp(*buf, line, p->len) == 0)
            return 0;
    }
    if ((*differ)++ < SHOWN_AT_MOST)
        fprintf(stderr,
                "glossa merge: entry %llu-%llu of %s has results that "
                "differ: %s entry %llu-%llu (kept) and %llu-%llu; were the "
                "workers' "
                "pipelines the same?\n",
                idx->e[p->input].ms, idx->e[p->input].seq, m->stream,
                m->results, kept->ms, kept->seq, p->ms, p->seq);
    return 0;
}

/* Writes the first result of each input entry, in input order (pos
 * sorted), and publishes the output. Returns 0, or -1 after printing
 * why. */
static int write_merged(const spool_t *sp, const input_index_t *idx,
                        const glossa_cli_redis_merge_t *m)
{
    json_t *job = json_pack("{s:s,s:s}", "redis_stream", m->stream,
                            "redis_results", m->results);
    glossa_output_t out;
    int opened = glossa_output_open(&out, m->output, 0, job);
    json_decref(job);
    if (opened != GLOSSA_OUTPUT_READY)
        return -1;
    glossa_sink_t sink = glossa_output_sink(&out);
    char *line = NULL, *dup = NULL;
    size_t line_cap = 0, dup_cap = 0;
    int rc = 0;
    uint64_t written = 0;
    unsigned long long differ = 0;
    const pos_t *kept = NULL;
    for (size_t i = 0; i < sp->n && rc == 0; i++) {
        const pos_t *p = &sp->pos[i];
        if (kept && kept->input == p->input) {
            rc = check_duplicate(sp, p, kept, line, m, idx, &dup, &dup_cap,
                                 &differ);
            continue;
        }
        kept = p;
        rc = read_record(sp, p, &line, &line_cap);
        glossa_record_info_t info = {.seq = written++};
        if (rc == 0 && sink.write(sink.ud, line, p->len, &info))
            rc = -1;
    }
    free(line);
    free(dup);
    if (rc == 0 && sink.flush(sink.ud))
        rc = -1;
    if (rc == 0 && glossa_output_publish(&out) == 0) {
        fprintf(stderr,
                "glossa merge: %llu records from %s (%zu duplicates "
                "dropped%s",
                (unsigned long long)written, m->results,
                sp->n - (size_t)written, differ ? ", some differing" : "");
        if (sp->bad)
            fprintf(stderr, "; %llu results left out, reported above", sp->bad);
        fprintf(stderr, ")\n");
        return 0;
    }
    if (rc)
        glossa_output_abandon(&out);
    return -1;
}

/* Reads the index and the results, and writes the merge. Returns the
 * exit code. */
static int merge(glossa_cli_redis_t *r, const glossa_cli_redis_merge_t *m,
                 const char *last)
{
    input_index_t idx = {0};
    spool_t sp = {.f = tmpfile()};
    int code = GLOSSA_EXIT_FAILURE;
    if (!sp.f)
        fprintf(stderr, "glossa merge: cannot make a temporary file: %s\n",
                strerror(errno));
    else if (glossa_cli_merge__read_index(r, m->stream, last, &idx) == 0 &&
             spool_results(r, &idx, m, &sp) == 0) {
        if (sp.bad + sp.later > SHOWN_AT_MOST)
            fprintf(stderr,
                    "glossa merge: ... and %llu more results of %s left "
                    "out\n",
                    sp.bad + sp.later - SHOWN_AT_MOST, m->results);
        if (sp.later)
            fprintf(stderr,
                    "glossa merge: %llu results are for entries after %s, "
                    "the last of %s when the workers were found done: left "
                    "for the next merge\n",
                    sp.later, last, m->stream);
        qsort(sp.pos, sp.n, sizeof(pos_t), compare_pos);
        size_t missing = report_missing(&idx, m);
        if ((!missing || m->partial) && write_merged(&sp, &idx, m) == 0)
            code = GLOSSA_EXIT_OK;
    }
    if (sp.f)
        fclose(sp.f);
    free(sp.pos);
    free(idx.e);
    return code;
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
    char last[64];
    int done = check_done(&r, &m, last, sizeof(last));
    int code = GLOSSA_EXIT_FAILURE;
    if (done > 0 && !m.partial)
        fprintf(stderr, "(wait for them, or use --partial to merge what "
                        "there is)\n");
    else if (done >= 0)
        code = merge(&r, &m, last);
    glossa_cli_redis_close(&r);
    return code;
}
