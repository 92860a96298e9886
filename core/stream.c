/* glossa_stream_*(): documents submitted while a run goes on.
 *
 * A stream is one glossa_run() on a thread of its own, over a source
 * (glossa__source_from_docs) that takes documents from a queue filled by
 * submit(); its sink hands each record to the callback its document was
 * submitted with. glossa_run() writes records in the order its source
 * gave the documents, so the callbacks wait in a second queue, in the
 * same order, and the sink takes the first one each time.
 *
 * Locking: s->mutex guards both queues, the counters and the flags; the
 * record callback is called without it. */
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "alloc.h"
#include "report.h"
#include "runtime_int.h"
#include <glossa/stream.h>

typedef struct entry {
    struct entry *next;
    glossa__doc_t *doc; /* NULL once the run took it */
    glossa_stream_record_cb cb;
    void *ud;
} entry_t;

struct glossa_stream {
    glossa_runtime_t *rt;
    glossa_source_t *src;
    uv_thread_t thread;

    uv_mutex_t mutex;
    uv_cond_t more;                 /* a document was queued, or finishing */
    entry_t *todo_head, *todo_tail; /* submitted, not yet read by the run */
    entry_t *out_head, *out_tail;   /* read by the run, record not yet out */
    size_t pending;
    uint64_t submitted;
    int finishing; /* finish() called: the source ends once todo is empty */
    int ended;     /* the run returned */

    int rc;
    glossa_error_t err;
    glossa_run_stats_t stats;
};

void glossa_stream_input_init(glossa_stream_input_t *in)
{
    memset(in, 0, sizeof(*in));
    in->size = sizeof(*in);
    in->kind = GLOSSA_STREAM_JSON;
}

/* The source, on the run's reader thread: blocks until a document is
 * queued or the stream finishes. */
static int next_doc(void *ud, glossa__doc_t **out)
{
    glossa_stream_t *s = ud;
    uv_mutex_lock(&s->mutex);
    while (!s->todo_head && !s->finishing)
        uv_cond_wait(&s->more, &s->mutex);
    entry_t *e = s->todo_head;
    if (!e) {
        uv_mutex_unlock(&s->mutex);
        return 0;
    }
    s->todo_head = e->next;
    if (!s->todo_head)
        s->todo_tail = NULL;
    e->next = NULL;
    if (s->out_tail)
        s->out_tail->next = e;
    else
        s->out_head = e;
    s->out_tail = e;
    *out = e->doc;
    e->doc = NULL;
    uv_mutex_unlock(&s->mutex);
    return 1;
}

static int sink_write(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info)
{
    glossa_stream_t *s = ud;
    uv_mutex_lock(&s->mutex);
    entry_t *e = s->out_head;
    if (e) {
        s->out_head = e->next;
        if (!s->out_head)
            s->out_tail = NULL;
    }
    uv_mutex_unlock(&s->mutex);
    if (!e) /* cannot be: one record per document read */
        return GLOSSA_ESTATE;
    e->cb(e->ud, line, len, info);
    glossa__free(e);
    uv_mutex_lock(&s->mutex);
    s->pending--;
    uv_mutex_unlock(&s->mutex);
    return 0;
}

static void stream_main(void *arg)
{
    glossa_stream_t *s = arg;
    glossa_sink_t sink = {s, sink_write, NULL};
    glossa_error_t err;
    glossa_run_stats_t stats;
    int rc = glossa_run(s->rt, s->src, &sink, &stats, &err);
    uv_mutex_lock(&s->mutex);
    s->rc = rc;
    s->err = err;
    s->stats = stats;
    s->ended = 1;
    uv_mutex_unlock(&s->mutex);
}

int glossa_stream_start(glossa_runtime_t *rt, glossa_stream_t **out,
                        glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!out)
        return glossa__fail(err, GLOSSA_EINVAL, NULL, 0,
                            "glossa_stream_start needs somewhere to put it");
    *out = NULL;
    if (!rt)
        return glossa__fail(err, GLOSSA_EINVAL, NULL, 0,
                            "glossa_stream_start needs a runtime");
    if (!rt->prepared)
        return glossa__fail(err, GLOSSA_ESTATE, NULL, 0,
                            "glossa_runtime_prepare() must succeed before "
                            "glossa_stream_start()");
    glossa_stream_t *s = glossa__calloc(1, sizeof(*s));
    if (!s)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    s->rt = rt;
    int rc = glossa__source_from_docs(rt, next_doc, s, &s->src);
    int mutex_ok = 0, cond_ok = 0;
    if (rc == 0)
        rc = uv_mutex_init(&s->mutex) ? GLOSSA_ENOMEM : 0;
    mutex_ok = rc == 0;
    if (rc == 0)
        rc = uv_cond_init(&s->more) ? GLOSSA_ENOMEM : 0;
    cond_ok = mutex_ok && rc == 0;
    if (rc == 0)
        rc = uv_thread_create(&s->thread, stream_main, s) ? GLOSSA_ENOMEM : 0;
    if (rc) {
        if (cond_ok)
            uv_cond_destroy(&s->more);
        if (mutex_ok)
            uv_mutex_destroy(&s->mutex);
        glossa_source_free(s->src);
        glossa__free(s);
        return glossa__fail(err, rc, NULL, 0, "cannot start the stream: %s",
                            glossa_strerror(rc));
    }
    *out = s;
    return 0;
}

static glossa__doc_t *make_doc(const glossa_stream_input_t *in, uint64_t n)
{
    glossa__doc_t *doc = glossa__doc_new();
    if (!doc)
        return NULL;
    doc->raw = glossa__malloc(in->len + 1);
    doc->origin = in->origin
                      ? glossa__strdup(in->origin)
                      : glossa__asprintf("record %llu", (unsigned long long)n);
    int ok = doc->raw && doc->origin;
    if (ok && in->kind == GLOSSA_STREAM_TEXT) {
        doc->raw_kind = GLOSSA__RAW_TEXT;
        doc->meta = json_object();
        if (in->id)
            doc->id = glossa__strdup(in->id);
        ok = doc->meta && (!in->id || doc->id);
    } else {
        doc->raw_kind = GLOSSA__RAW_JSON;
    }
    if (!ok) {
        glossa__doc_free(doc);
        return NULL;
    }
    if (in->len)
        memcpy(doc->raw, in->data, in->len);
    doc->raw[in->len] = '\0';
    doc->raw_len = doc->input_bytes = in->len;
    doc->with_text = in->with_text != 0;
    return doc;
}

int glossa_stream_submit(glossa_stream_t *s, const glossa_stream_input_t *in,
                         glossa_stream_record_cb cb, void *ud)
{
    if (!s || !in || !cb || in->size < sizeof(*in) ||
        (in->kind != GLOSSA_STREAM_JSON && in->kind != GLOSSA_STREAM_TEXT) ||
        (!in->data && in->len))
        return GLOSSA_EINVAL;
    entry_t *e = glossa__calloc(1, sizeof(*e));
    uv_mutex_lock(&s->mutex);
    uint64_t n = ++s->submitted;
    int state_ok = !s->finishing && !s->ended;
    uv_mutex_unlock(&s->mutex);
    if (!state_ok) {
        glossa__free(e);
        return GLOSSA_ESTATE;
    }
    if (!e || !(e->doc = make_doc(in, n))) {
        glossa__free(e);
        return GLOSSA_ENOMEM;
    }
    e->cb = cb;
    e->ud = ud;
    uv_mutex_lock(&s->mutex);
    if (s->finishing || s->ended) {
        uv_mutex_unlock(&s->mutex);
        glossa__doc_free(e->doc);
        glossa__free(e);
        return GLOSSA_ESTATE;
    }
    if (s->todo_tail)
        s->todo_tail->next = e;
    else
        s->todo_head = e;
    s->todo_tail = e;
    s->pending++;
    uv_cond_signal(&s->more);
    uv_mutex_unlock(&s->mutex);
    return 0;
}

size_t glossa_stream_pending(glossa_stream_t *s)
{
    if (!s)
        return 0;
    uv_mutex_lock(&s->mutex);
    size_t n = s->pending;
    uv_mutex_unlock(&s->mutex);
    return n;
}

/* Documents the run never read or wrote (it stopped on a fatal error):
 * their callbacks are never called; they are dropped. */
static void drop_entries(entry_t *e)
{
    while (e) {
        entry_t *next = e->next;
        glossa__doc_free(e->doc);
        glossa__free(e);
        e = next;
    }
}

int glossa_stream_finish(glossa_stream_t *s, glossa_run_stats_t *stats,
                         glossa_error_t *err)
{
    glossa_error_clear(err);
    if (stats)
        memset(stats, 0, sizeof(*stats));
    if (!s)
        return 0;
    uv_mutex_lock(&s->mutex);
    s->finishing = 1;
    uv_cond_broadcast(&s->more);
    uv_mutex_unlock(&s->mutex);
    uv_thread_join(&s->thread);
    drop_entries(s->todo_head);
    drop_entries(s->out_head);
    int rc = s->rc;
    if (stats)
        *stats = s->stats;
    if (err && rc)
        *err = s->err;
    uv_cond_destroy(&s->more);
    uv_mutex_destroy(&s->mutex);
    glossa_source_free(s->src);
    glossa__free(s);
    return rc;
}
