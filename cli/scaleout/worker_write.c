/* glossa worker, the thread running glossa_run(): results added to the
 * results stream in batches, then their entries acknowledged
 * (worker.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker.h"

void glossa_cli_worker__results_clear(worker_t *w)
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
int glossa_cli_worker__flush_results(worker_t *w)
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
            glossa_cli_redis_ok(&w->out);
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
        glossa_cli_worker__held_free(&w->held[i]);
    memmove(w->held, w->held + w->n_res,
            (w->n_held - w->n_res) * sizeof(held_t));
    w->n_held -= w->n_res;
    w->n_written -= w->n_res;
    w->n_acked += w->n_res;
    pthread_cond_broadcast(&w->acked_cond);
    pthread_mutex_unlock(&w->lock);
    w->done += w->n_res;
    glossa_cli_worker__results_clear(w);
    return 0;
}

/* The runtime's record `line` with the entry's notes first in its
 * errors; for a refused entry (no text: the runtime saw an empty
 * document) the notes are its only errors, and it has no text, as the
 * record of a JSONL line without text. Returns a new string (free()), or
 * NULL when out of memory. */
static char *with_notes(const char *line, size_t len, const held_t *h)
{
    json_t *rec = json_loadb(line, len, 0, NULL);
    json_t *errors = json_copy(h->notes);
    char *out = NULL;
    if (rec && errors &&
        (h->refused ||
         json_array_extend(errors, json_object_get(rec, "errors")) == 0)) {
        if (h->refused)
            json_object_del(rec, "text");
        /* A key set again keeps its place in the object. */
        if (json_object_set(rec, "errors", errors) == 0)
            out = json_dumps(rec, GLOSSA_CLI_RECORD_JSON_FLAGS);
    }
    json_decref(errors);
    json_decref(rec);
    return out;
}

static char *copy_line(const char *line, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, line, len);
        copy[len] = '\0';
    }
    return copy;
}

static int sink_write(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info)
{
    worker_t *w = ud;
    result_t *r = &w->res[w->n_res];
    held_t h = {NULL, NULL, 0};
    pthread_mutex_lock(&w->lock);
    if (w->n_written < w->n_held)
        h = w->held[w->n_written++];
    pthread_mutex_unlock(&w->lock);
    if (!h.entry) {
        fprintf(stderr, "glossa worker: a result for an entry never read\n");
        return GLOSSA_EINVAL;
    }
    r->entry = h.entry;
    r->id = strdup(info->id ? info->id : "");
    r->line = h.notes ? with_notes(line, len, &h) : copy_line(line, len);
    if (!r->id || !r->line) {
        free(r->id);
        free(r->line);
        return GLOSSA_ENOMEM;
    }
    r->len = strlen(r->line);
    w->n_res++;
    w->res_bytes += r->len;
    if (w->n_res == RESULTS_BATCH || w->res_bytes >= RESULTS_BATCH_BYTES)
        return glossa_cli_worker__flush_results(w);
    return 0;
}

static int sink_flush(void *ud)
{
    return glossa_cli_worker__flush_results(ud);
}

glossa_sink_t glossa_cli_worker__sink(worker_t *w)
{
    glossa_sink_t sink = {w, sink_write, sink_flush};
    return sink;
}
