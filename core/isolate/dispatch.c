/* Isolation mode: the queue of units and what goes to which worker
 * (supervisor_int.h). A document's later units go to the worker that
 * keeps it; units go out in one write per worker per turn of the loop. */
#include <string.h>

#include "alloc.h"
#include "strbuf.h"
#include "supervisor_int.h"

static void dispatch_to(glossa__isolation_t *iso, worker_t *w);

void glossa__iso_enqueue(glossa__isolation_t *iso, glossa__unit_t *u, int front)
{
    u->next_queued = NULL;
    if (front) {
        u->next_queued = iso->head;
        iso->head = u;
        if (!iso->tail)
            iso->tail = u;
    } else if (iso->tail) {
        iso->tail->next_queued = u;
        iso->tail = u;
    } else {
        iso->head = iso->tail = u;
    }
}

glossa__unit_t *glossa__iso_dequeue(glossa__isolation_t *iso)
{
    glossa__unit_t *u = iso->head;
    if (u) {
        iso->head = u->next_queued;
        if (!iso->head)
            iso->tail = NULL;
        u->next_queued = NULL;
    }
    return u;
}

/* The slot in which w keeps doc, or -1. */
int glossa__iso_held_slot(const worker_t *w, uint64_t doc_seq)
{
    for (int k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
        if (w->held[k].used && w->held[k].doc_seq == doc_seq)
            return k;
    return -1;
}

static int takes_units(const worker_t *w)
{
    return w->state == SLOT_READY && !w->exited && !w->draining;
}

/* Whether a worker other than w that still takes units keeps doc. */
static int held_elsewhere(const glossa__isolation_t *iso, const worker_t *w,
                          uint64_t doc_seq)
{
    for (unsigned i = 0; i < iso->n_workers; i++) {
        const worker_t *o = &iso->workers[i];
        if (o != w && takes_units(o) && glossa__iso_held_slot(o, doc_seq) >= 0)
            return 1;
    }
    return 0;
}

static void unlink_unit(glossa__isolation_t *iso, glossa__unit_t *prev,
                        glossa__unit_t *u)
{
    if (prev)
        prev->next_queued = u->next_queued;
    else
        iso->head = u->next_queued;
    if (iso->tail == u)
        iso->tail = prev;
    u->next_queued = NULL;
}

/* The next unit for w: the first of a document w keeps (it then needs no
 * text, tokens or layers w made), else the first of a document no other
 * worker keeps; NULL when every waiting unit belongs to another worker,
 * which takes it next. A document thus stays on the worker that got its
 * first unit (as long as that worker takes units), and its text and
 * layers cross the socket once. The order units run in does not change
 * the output. */
static glossa__unit_t *pick_unit(glossa__isolation_t *iso, const worker_t *w)
{
    glossa__unit_t *prev = NULL, *first_free = NULL, *first_free_prev = NULL;
    for (glossa__unit_t *u = iso->head; u; prev = u, u = u->next_queued) {
        if (glossa__iso_held_slot(w, u->doc->seq) >= 0) {
            unlink_unit(iso, prev, u);
            return u;
        }
        if (!first_free && !held_elsewhere(iso, w, u->doc->seq)) {
            first_free = u;
            first_free_prev = prev;
        }
    }
    if (first_free)
        unlink_unit(iso, first_free_prev, first_free);
    return first_free;
}

static void free_batch(send_batch_t *b)
{
    for (unsigned i = 0; i < b->n_frames; i++)
        glossa__free(b->frames[i].head);
    glossa__free(b);
}

static void on_batch_written(uv_write_t *req, int status)
{
    send_batch_t *b = req->data;
    worker_t *w = b->w;
    free_batch(b);
    if (status < 0)
        glossa__iso_kill_worker(w); /* on_worker_exit goes on */
}

/* Adds u's UNIT frame to the batch: the head (which the batch takes),
 * then the document's text unless the worker keeps the document. */
static void add_unit_frame(send_batch_t *b, const glossa__unit_t *u, char *head,
                           size_t head_len, int same_doc)
{
    b->frames[b->n_frames++].head = head;
    b->bufs[b->n_bufs++] = uv_buf_init(head, (unsigned)head_len);
    /* No empty buffer: libuv would end with a write of 0 bytes. */
    if (!same_doc && u->doc->len)
        b->bufs[b->n_bufs++] = uv_buf_init(u->doc->text, (unsigned)u->doc->len);
}

/* Writes the batch (and frees it once written); a batch that cannot be
 * written kills the worker, whose units are then retried. What the
 * socket takes at once is written here, without a write request: libuv
 * would spend a turn of the loop and an epoll_ctl on each request. */
static void send_batch(worker_t *w, send_batch_t *b)
{
    uv_stream_t *stream = (uv_stream_t *)&w->pipe;
    int rc = uv_try_write(stream, b->bufs, b->n_bufs);
    if (rc == UV_EAGAIN) /* nothing written, or earlier writes queued */
        rc = 0;
    if (rc >= 0) {
        /* Skip what was written; queue the rest. */
        size_t written = (size_t)rc;
        unsigned first = 0;
        while (first < b->n_bufs && written >= b->bufs[first].len)
            written -= b->bufs[first++].len;
        if (first == b->n_bufs) {
            free_batch(b);
            return;
        }
        b->bufs[first].base += written;
        b->bufs[first].len -= written;
        b->w = w;
        b->req.data = b;
        rc = uv_write(&b->req, stream, b->bufs + first, b->n_bufs - first,
                      on_batch_written);
    }
    if (rc) {
        free_batch(b);
        glossa__iso_kill_worker(w); /* on_worker_exit retries */
    }
}

/* Where a worker is to keep a document it does not have: a free slot,
 * else the least recently used one; and, in drop[], the other slots it
 * must empty first to stay within KEEP_BYTES. Returns the slot. */
static unsigned choose_slot(const worker_t *w, size_t bytes, unsigned *drop,
                            unsigned *n_drop)
{
    unsigned slot = 0;
    for (unsigned k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++) {
        if (!w->held[k].used) {
            slot = k;
            break;
        }
        if (w->held[k].last_use < w->held[slot].last_use)
            slot = k;
    }
    size_t kept = bytes;
    for (unsigned k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
        if (k != slot && w->held[k].used)
            kept += w->held[k].bytes;
    *n_drop = 0;
    unsigned char dropped[GLOSSA__WORKER_DOC_SLOTS] = {0};
    while (kept > KEEP_BYTES) {
        int oldest = -1;
        for (unsigned k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
            if (k != slot && w->held[k].used && !dropped[k] &&
                (oldest < 0 || w->held[k].last_use < w->held[oldest].last_use))
                oldest = (int)k;
        if (oldest < 0)
            break; /* the document alone is larger: it is kept alone */
        dropped[oldest] = 1;
        drop[(*n_drop)++] = (unsigned)oldest;
        kept -= w->held[oldest].bytes;
    }
    return slot;
}

/* The required layers the worker does not have, as the JSON object of a
 * UNIT (protocol.h), spliced from the text their workers sent; empty when
 * there are none. Returns 0, or -1 when out of memory. */
static int required_layers(glossa__strbuf_t *sb, const glossa__unit_t *u,
                           const held_doc_t *kept)
{
    const glossa__step_t *step = u->step;
    int first = 1;
    for (size_t r = 0; r < step->n_requires; r++) {
        const glossa__unit_t *req = &u->doc->units[step->requires[r]];
        if (kept && kept->layer_here[step->requires[r]])
            continue; /* the worker has it */
        glossa__strbuf_putc(sb, first ? '{' : ',');
        first = 0;
        glossa__strbuf_put_json_string(sb, req->step->layer,
                                       strlen(req->step->layer));
        glossa__strbuf_puts(sb, ":{\"spans\":");
        glossa__strbuf_append(sb, req->spans_text, req->spans_text_len);
        glossa__strbuf_puts(sb, ",\"document\":");
        if (req->document_text)
            glossa__strbuf_append(sb, req->document_text,
                                  req->document_text_len);
        else
            glossa__strbuf_puts(sb, "null");
        glossa__strbuf_putc(sb, '}');
    }
    if (!first)
        glossa__strbuf_putc(sb, '}');
    return sb->failed ? -1 : 0;
}

/* The head of u's UNIT frame (protocol.h): the step, the slot, the slots
 * to empty, the document's id and metadata unless the worker keeps it,
 * and the layers the step requires that the worker does not have.
 * Returns a new buffer, or NULL when out of memory or when the frame is
 * beyond the protocol's limit (*too_big set). */
static char *unit_head(const glossa__unit_t *u, unsigned slot,
                       const held_doc_t *kept, unsigned drop, size_t *len,
                       int *too_big)
{
    const glossa__doc_t *doc = u->doc;
    glossa__strbuf_t meta = GLOSSA__STRBUF_INIT, layers = GLOSSA__STRBUF_INIT;
    glossa__strbuf_t head = GLOSSA__STRBUF_INIT;
    if (!kept)
        glossa__strbuf_put_json(&meta, doc->meta);
    int ok = !meta.failed && required_layers(&layers, u, kept) == 0;
    const char *id = !kept && doc->id ? doc->id : "";
    glossa__unit_request_t r = {.step = (uint32_t)u->step->index,
                                .slot = slot,
                                .flags = kept ? GLOSSA__UNIT_SAME : 0,
                                .drop = drop,
                                .id = {id, (uint32_t)strlen(id)},
                                .meta = {meta.data, (uint32_t)meta.len},
                                .layers = {layers.data, (uint32_t)layers.len}};
    if (!kept)
        r.text = (glossa__bytes_t){doc->text, (uint32_t)doc->len};
    /* Lengths are 32 bits on the wire: anything larger is refused. */
    *too_big = meta.len > GLOSSA__MAX_FRAME || layers.len > GLOSSA__MAX_FRAME ||
               doc->len > GLOSSA__MAX_FRAME;
    if (ok && !*too_big && glossa__unit_request_head(&head, &r))
        *too_big = !head.failed;
    glossa__strbuf_free(&meta);
    glossa__strbuf_free(&layers);
    if (!ok || *too_big || head.failed) {
        glossa__strbuf_free(&head);
        return NULL;
    }
    return glossa__strbuf_detach(&head, len);
}

/* Sends u to w, in the batch. Returns -1 when u's frame cannot be made,
 * which leaves u on w to be retried once w is killed. */
static int start_unit(worker_t *w, glossa__unit_t *u, send_batch_t *batch)
{
    glossa__isolation_t *iso = w->iso;
    int found = glossa__iso_held_slot(w, u->doc->seq);
    unsigned drop[GLOSSA__WORKER_DOC_SLOTS], n_drop = 0;
    unsigned slot = found >= 0 ? (unsigned)found
                               : choose_slot(w, u->doc->len, drop, &n_drop);
    held_doc_t *h = &w->held[slot];
    unsigned drop_mask = 0;
    for (unsigned i = 0; i < n_drop; i++)
        drop_mask |= 1u << drop[i];
    size_t head_len = 0;
    int too_big = 0;
    char *head = unit_head(u, slot, found >= 0 ? h : NULL, drop_mask, &head_len,
                           &too_big);
    if (!head && !too_big) {
        glossa__iso_fail_unit(iso, u, GLOSSA_ENOMEM,
                              "out of memory sending to a worker", 0);
        return 0;
    }
    /* What the worker will keep once it has read this request. */
    for (unsigned i = 0; i < n_drop; i++)
        w->held[drop[i]].used = 0;
    if (found < 0) {
        h->used = 1;
        h->doc_seq = u->doc->seq;
        h->copy++;
        h->bytes = u->doc->len;
        memset(h->layer_here, 0, iso->rt->n_steps);
    }
    h->last_use = ++w->use_clock;
    w->inflight[w->n_inflight++] = (inflight_t){u, slot, h->copy};
    if (++w->units_sent >= iso->units_per_worker)
        w->draining = 1;
    if (w->n_inflight == 1)
        glossa__iso_start_timer(w);
    if (!head)
        return -1; /* too big for the protocol: see below */
    add_unit_frame(batch, u, head, head_len, found >= 0);
    return 0;
}

void glossa__iso_dispatch(glossa__isolation_t *iso)
{
    if (iso->fatal) {
        /* Nothing can run: hand back everything waiting, failed. */
        glossa__unit_t *u;
        while ((u = glossa__iso_dequeue(iso)))
            glossa__iso_fail_unit(iso, u, GLOSSA_ECRASHED,
                                  "not run: plugin workers cannot start", 0);
        return;
    }
    iso->dispatching = 1;
    do {
        iso->dispatch_again = 0;
        for (unsigned i = 0; i < iso->n_workers && iso->head; i++)
            dispatch_to(iso, &iso->workers[i]);
    } while (iso->dispatch_again);
    iso->dispatching = 0;
}

static void on_dispatch_check(uv_check_t *check)
{
    uv_check_stop(check);
    glossa__iso_dispatch(check->data);
}

/* Asks for a dispatch at the end of this turn of the loop. Called from
 * the handling of events (reads, process exits, finished pool work),
 * which comes before the check phase of the same turn; a call from a
 * close callback, after the check phase, uses glossa__iso_dispatch() itself. A
 * unit failed while a dispatch is under way may hand work back: that only asks
 * for another pass of the same dispatch, so that no worker gets frames ahead of
 * the batch being built for it (results are matched to units in the order the
 * frames were sent). */
void glossa__iso_dispatch_soon(glossa__isolation_t *iso)
{
    if (iso->dispatching)
        iso->dispatch_again = 1;
    else if (iso->dispatcher_open)
        uv_check_start(&iso->dispatcher, on_dispatch_check);
}

/* Fills w's pipeline from the waiting units, in one write. */
static void dispatch_to(glossa__isolation_t *iso, worker_t *w)
{
    send_batch_t *batch = NULL;
    int failed = 0;
    while (iso->head && takes_units(w) && w->n_inflight < PIPELINE_DEPTH) {
        glossa__unit_t *u = pick_unit(iso, w);
        if (!u)
            break;
        if (!batch && !(batch = glossa__calloc(1, sizeof(*batch)))) {
            glossa__iso_fail_unit(iso, u, GLOSSA_ENOMEM,
                                  "out of memory sending to a worker", 0);
            continue;
        }
        failed |= start_unit(w, u, batch);
    }
    if (failed) {
        free_batch(batch);
        glossa__iso_kill_worker(w); /* on_worker_exit retries */
    } else if (batch && batch->n_frames) {
        send_batch(w, batch);
    } else {
        glossa__free(batch);
    }
}
