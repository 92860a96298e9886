/* Isolation mode: the supervisor side.
 *
 * The zygote (zygote.c, reached through zygote_link.h) holds the plugin
 * instances and forks the workers on request: they share its plugins and
 * start at once. Each worker slot owns a worker process, the socket the
 * zygote passed back for it, and a timer; the zygote reports the slot's
 * process's exit and kills it on request. A unit goes to an idle, ready
 * worker; its RESULT comes back on the socket. When a worker dies (signal,
 * exit, broken pipe) or overruns --doc-timeout (then it is killed), the unit it
 * held is retried once on a fresh worker; a second failure fails the unit with
 * ECRASHED or ETIMEOUT and lists the document in the quarantine file. The
 * slot then starts a new worker. Workers are also replaced after a number
 * of units, which bounds what a leaking plugin can hold.
 *
 * Everything here runs on the run's loop thread. A slot is reused only
 * once its socket and timer are closed and its process has exited. */
#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "protocol.h"
#include "report.h"
#include "strbuf.h"
#include "zygote_link.h"

#define MAX_ATTEMPTS 2
#define DEFAULT_UNITS_PER_WORKER 10000
/* Workers that die before they are ready this many times in a row mean
 * the plugins cannot run at all here: the run stops. */
#define MAX_START_FAILURES 3

enum { SLOT_EMPTY, SLOT_STARTING, SLOT_READY, SLOT_CLOSING };

/* Units a worker holds at once: the one it runs and the next ones, already
 * in its socket, so that it never waits for the supervisor between units.
 * Results come back in order. With a progress page the worker sends the
 * results of all but the last unit it holds in one write (protocol.h),
 * so the supervisor wakes about once per PIPELINE_DEPTH - 1 units. */
#define PIPELINE_DEPTH 8
/* Text a worker may keep in its document slots, in bytes: beyond it the
 * least recently used documents are dropped first. */
#define KEEP_BYTES ((size_t)32 << 20)

/* What the supervisor knows a worker keeps in one of its document slots
 * (protocol.h): which document, and which layers the worker made on it.
 * `copy` counts the documents sent into the slot, so that a result is
 * known to belong to the copy still there. */
typedef struct held_doc {
    int used;
    uint64_t doc_seq;
    uint64_t copy;
    uint64_t last_use;
    size_t bytes;
    unsigned char *layer_here; /* rt->n_steps flags */
} held_doc_t;

typedef struct inflight {
    glossa__unit_t *unit;
    unsigned slot;
    uint64_t copy;
} inflight_t;

typedef struct worker {
    struct glossa__isolation *iso;
    unsigned index;
    int state;
    int pid;          /* the worker process, 0 until the zygote forked it */
    int fork_pending; /* FORK asked, FORKED not seen yet */
    uv_pipe_t pipe;   /* open once forked: pid > 0 */
    uv_timer_t timer;
    /* What must end before the slot is reused: the timer's and the
     * pipe's close callbacks, and the process's exit. */
    int open_handles;
    int exited; /* the process is gone */
    int64_t exit_status;
    int term_signal;
    inflight_t inflight[PIPELINE_DEPTH]; /* oldest first */
    unsigned n_inflight;
    int timed_out;
    int was_ready; /* READY seen from the current process */
    unsigned units_sent;
    int draining; /* sent its quota: retire once it is empty */
    /* The documents the worker keeps (identified by their read order):
     * their later units go to this worker, without text or tokens, and
     * without the layers it made on them. */
    held_doc_t held[GLOSSA__WORKER_DOC_SLOTS];
    uint64_t use_clock;
    /* The page where the worker counts the units it has taken (NULL when
     * it could not be made), and the results received from the current
     * process: together they tell which unit is running. */
    glossa__worker_progress_t *progress;
    uint64_t results;
    glossa__frame_buffer_t in;
} worker_t;

/* One UNIT frame of a batch: everything before the document's text,
 * which is written from the document itself. */
typedef struct unit_frame {
    char *head;
} unit_frame_t;

/* The UNIT frames one dispatch sends a worker, written together: one
 * system call and at most one wake-up of the worker, whatever the number
 * of units (system calls and wake-ups are most of what isolation costs).
 * Everything stays alive until libuv is done with the write. */
#define BUFS_PER_FRAME 2
typedef struct send_batch {
    uv_write_t req;
    worker_t *w;
    unsigned n_frames, n_bufs;
    unit_frame_t frames[PIPELINE_DEPTH];
    uv_buf_t bufs[PIPELINE_DEPTH * BUFS_PER_FRAME];
} send_batch_t;

struct glossa__isolation {
    uv_loop_t *loop;
    const glossa_runtime_t *rt;
    glossa__isolation_callbacks_t cb;
    glossa__zygote_t *zygote; /* holds the instances, forks the workers */
    worker_t *workers;
    unsigned n_workers;
    glossa__unit_t *head, *tail; /* waiting units */
    int stopping;
    int fatal;
    int dispatching, dispatch_again; /* dispatch() is under way */
    /* Dispatching waits for the check phase of the loop's turn, after its
     * events are handled, so that all the units submitted and results
     * read in one turn go out in one write per worker, not one write per
     * unit. */
    uv_check_t dispatcher;
    int dispatcher_open;
    unsigned start_failures;
    FILE *quarantine;
    unsigned units_per_worker;
};

static void spawn_worker(worker_t *w);
static void dispatch(glossa__isolation_t *iso);
static void dispatch_soon(glossa__isolation_t *iso);
static void dispatch_to(glossa__isolation_t *iso, worker_t *w);

/* ---- Units --------------------------------------------------------------
 */

static void enqueue(glossa__isolation_t *iso, glossa__unit_t *u, int front)
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

static glossa__unit_t *dequeue(glossa__isolation_t *iso)
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
static int held_slot(const worker_t *w, uint64_t doc_seq)
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
        if (o != w && takes_units(o) && held_slot(o, doc_seq) >= 0)
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
        if (held_slot(w, u->doc->seq) >= 0) {
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

static void quarantine(glossa__isolation_t *iso, const glossa__unit_t *u)
{
    if (!iso->quarantine)
        return;
    json_t *entry = json_pack(
        "{s:s,s:s,s:s,s:s,s:s}", "id", u->doc->id ? u->doc->id : "", "origin",
        u->doc->origin ? u->doc->origin : "", "plugin", u->step->layer, "code",
        glossa_err_name(u->error_code ? u->error_code : GLOSSA_ECRASHED),
        "message", u->error ? u->error : "");
    char *line = entry ? json_dumps(entry, JSON_COMPACT) : NULL;
    if (line) {
        fprintf(iso->quarantine, "%s\n", line);
        fflush(iso->quarantine);
    }
    glossa__free(line);
    json_decref(entry);
}

/* Fails a unit for good and hands it back. */
static void fail_unit(glossa__isolation_t *iso, glossa__unit_t *u, int code,
                      const char *message, int listed)
{
    json_decref(u->spans);
    json_decref(u->document);
    u->spans = u->document = NULL;
    glossa__free(u->error);
    u->error = glossa__strdup(message);
    u->error_code = code;
    u->status = GLOSSA__UNIT_FAILED;
    if (listed)
        quarantine(iso, u);
    iso->cb.done(iso->cb.ud, u);
}

/* The unit a worker held when it died or was killed: retry it once on a
 * fresh worker, then give up on it. */
static void unit_lost(worker_t *w, glossa__unit_t *u)
{
    glossa__isolation_t *iso = w->iso;
    u->attempts++;
    char why[256];
    int code = GLOSSA_ECRASHED;
    if (w->timed_out) {
        code = GLOSSA_ETIMEOUT;
        snprintf(why, sizeof(why),
                 "did not finish this document within --doc-timeout %.3g s; "
                 "its worker was killed",
                 (double)iso->rt->opts.doc_timeout_ms / 1000.0);
    } else if (w->term_signal) {
        snprintf(why, sizeof(why),
                 "its worker process died of signal %d (%s) on this document",
                 w->term_signal, glossa__signal_name(w->term_signal));
    } else {
        snprintf(why, sizeof(why),
                 "its worker process exited with status %lld on this "
                 "document",
                 (long long)w->exit_status);
    }
    if (u->attempts < MAX_ATTEMPTS && !iso->stopping && !iso->fatal) {
        glossa__log(iso->rt, GLOSSA_LOG_WARN, u->step->layer, u->doc->id,
                    "%s; retrying once", why);
        enqueue(iso, u, 1);
        return;
    }
    char message[320];
    snprintf(message, sizeof(message), "%s%s", why,
             u->attempts >= MAX_ATTEMPTS ? " (twice: retried once)" : "");
    fail_unit(iso, u, code, message, 1);
}

/* ---- Worker handles ----------------------------------------------------
 */

/* One of the slot's handles is closed, or its process has exited. */
static void slot_part_ended(worker_t *w)
{
    if (--w->open_handles > 0)
        return;
    glossa__isolation_t *iso = w->iso;
    w->state = SLOT_EMPTY;
    glossa__frame_buffer_free(&w->in);
    if (!iso->stopping && !iso->fatal)
        spawn_worker(w); /* a fresh process for this slot */
}

static void on_handle_closed(uv_handle_t *handle)
{
    slot_part_ended(handle->data);
}

/* SIGKILL to the worker's process, through the zygote, which knows
 * whether the pid is still its child's (uv_kill itself once the zygote is
 * gone: its workers are then nobody's children to reuse pids from). */
static void kill_worker(worker_t *w)
{
    glossa__isolation_t *iso = w->iso;
    if (w->pid <= 0 || w->exited)
        return;
    if (glossa__zygote_kill(iso->zygote, (uint32_t)w->pid))
        uv_kill(w->pid, SIGKILL);
}

static void close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, on_handle_closed);
}

/* The units the worker has taken and the supervisor has no result for
 * yet, by its progress page (0 without one): the last is running. */
static uint64_t taken_unanswered(const worker_t *w)
{
    if (!w->progress)
        return 0;
    uint64_t taken =
        atomic_load_explicit(&w->progress->taken, memory_order_acquire);
    return taken > w->results ? taken - w->results : 0;
}

/* The in-flight unit the worker is running, or was when it died: the
 * oldest, unless its progress page shows it has taken later ones (whose
 * results it still held). */
static unsigned running_index(const worker_t *w)
{
    uint64_t ahead = taken_unanswered(w);
    if (ahead == 0 || ahead > w->n_inflight)
        return 0; /* it has not taken the next one: the oldest waits */
    return (unsigned)(ahead - 1);
}

/* When the worker took the unit it is running (uv_hrtime's clock), if the
 * progress page tells. */
static int running_since(const worker_t *w, uint64_t *started)
{
    if (!taken_unanswered(w))
        return 0;
    *started =
        atomic_load_explicit(&w->progress->taken_ns, memory_order_relaxed);
    return 1;
}

/* The worker's process is going: the documents it kept go with it. */
static void forget_documents(worker_t *w)
{
    for (int k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
        w->held[k].used = 0;
}

/* Starts closing a worker: its pipe (the worker reads end of file and
 * exits) and its timer; the slot is free once the process has exited
 * too. */
static void retire(worker_t *w)
{
    if (w->state == SLOT_CLOSING || w->state == SLOT_EMPTY)
        return;
    w->state = SLOT_CLOSING;
    forget_documents(w);
    uv_timer_stop(&w->timer);
    if (w->pid > 0)
        close_handle((uv_handle_t *)&w->pipe);
    close_handle((uv_handle_t *)&w->timer);
}

/* The worker's process has exited (the zygote says so) or is lost. */
static void on_worker_exit(worker_t *w, int64_t status, int term_signal)
{
    glossa__isolation_t *iso = w->iso;
    if (w->exited)
        return;
    w->exited = 1;
    w->exit_status = status;
    w->term_signal = term_signal;
    int was_ready = w->was_ready;
    unsigned n = w->n_inflight;
    unsigned at = running_index(w);
    glossa__unit_t *running = n ? w->inflight[at].unit : NULL;
    /* The other units go back to the front of the queue, in order, without
     * counting a try (or fail, when the run is stopping and nothing will
     * take them): those before the running one were done but their
     * results not yet sent, those after it never started. */
    w->n_inflight = 0;
    for (unsigned j = n; j > 0; j--) {
        if (j - 1 == at)
            continue;
        if (iso->stopping || iso->fatal)
            fail_unit(iso, w->inflight[j - 1].unit, GLOSSA_EINTR,
                      "not run: the run was stopped", 0);
        else
            enqueue(iso, w->inflight[j - 1].unit, 1);
    }
    if (w->state != SLOT_CLOSING)
        retire(w);
    slot_part_ended(w);
    if (!was_ready && !running && !iso->stopping) {
        /* Died before it was ready: the plugins cannot start in a worker. */
        if (++iso->start_failures >= MAX_START_FAILURES && !iso->fatal) {
            iso->fatal = 1;
            iso->cb.fatal(iso->cb.ud, GLOSSA_ECRASHED,
                          "plugin workers die before they are ready; see the "
                          "messages above");
        }
    }
    if (running)
        unit_lost(w, running);
    dispatch_soon(iso);
}

static void on_timeout(uv_timer_t *timer)
{
    worker_t *w = timer->data;
    if (!w->n_inflight || w->exited)
        return;
    /* The timer runs from the last result; the unit running now may have
     * started later (results held back): give it its whole time. */
    uint64_t limit_ns = (uint64_t)w->iso->rt->opts.doc_timeout_ms * 1000000u;
    uint64_t started;
    if (running_since(w, &started)) {
        uint64_t now = uv_hrtime();
        if (now < started + limit_ns) {
            uv_timer_start(&w->timer, on_timeout,
                           (started + limit_ns - now + 999999) / 1000000, 0);
            return;
        }
    }
    w->timed_out = 1;
    kill_worker(w);
}

/* ---- Messages ----------------------------------------------------------
 */

static void on_ready(worker_t *w, const char *payload, uint32_t len)
{
    glossa__isolation_t *iso = w->iso;
    json_t *msg = json_loadb(payload, len, 0, NULL);
    if (json_is_true(json_object_get(msg, "ok"))) {
        w->state = SLOT_READY;
        w->was_ready = 1;
        iso->start_failures = 0;
    } else if (!iso->fatal) {
        const char *why = json_string_value(json_object_get(msg, "error"));
        char message[2048];
        snprintf(message, sizeof(message),
                 "a plugin worker could not load the pipeline: %s",
                 why ? why : "malformed answer");
        iso->fatal = 1;
        iso->cb.fatal(iso->cb.ud, GLOSSA_ELOAD, message);
        retire(w);
    }
    json_decref(msg);
}

static void start_timer(worker_t *w)
{
    unsigned ms = w->iso->rt->opts.doc_timeout_ms;
    w->timed_out = 0;
    if (ms)
        uv_timer_start(&w->timer, on_timeout, ms, 0);
}

static void on_result(worker_t *w, const char *payload, uint32_t len)
{
    glossa__isolation_t *iso = w->iso;
    uv_timer_stop(&w->timer);
    if (!w->n_inflight) { /* an answer nobody asked for: broken worker */
        kill_worker(w);
        return;
    }
    inflight_t sent = w->inflight[0];
    glossa__unit_t *u = sent.unit;
    w->results++;
    for (unsigned j = 1; j < w->n_inflight; j++)
        w->inflight[j - 1] = w->inflight[j];
    w->n_inflight--;
    if (w->n_inflight)
        start_timer(w); /* the next unit starts now */
    else if (w->draining)
        retire(w); /* recycled: a fresh worker takes the slot */
    glossa__unit_result_t r;
    if (glossa__unit_result_parse(payload, len, &r)) {
        fail_unit(iso, u, GLOSSA_EINVAL, "malformed answer from a worker", 0);
        return;
    }
    int done = (r.flags & GLOSSA__RESULT_DONE) && r.spans.len > 0;
    json_t *warnings =
        r.warnings.len ? json_loadb(r.warnings.data, r.warnings.len, 0, NULL)
                       : NULL;
    if (done) {
        /* Kept as text: spliced into dependents' requests and the output
         * without being parsed here, on the loop thread. */
        u->spans_text = glossa__strndup(r.spans.data, r.spans.len);
        u->spans_text_len = r.spans.len;
        if (r.document.len) {
            u->document_text = glossa__strndup(r.document.data, r.document.len);
            u->document_text_len = r.document.len;
        }
        u->text_has_reals = (r.flags & GLOSSA__RESULT_REALS) != 0;
        /* The worker keeps this layer with the copy of the document it
         * ran on, if that copy is still in its slot. */
        held_doc_t *h = &w->held[sent.slot];
        if (h->used && h->copy == sent.copy)
            h->layer_here[u->step->index] = 1;
    }
    if ((r.warnings.len && !warnings) ||
        (done && (!u->spans_text || (r.document.len && !u->document_text)))) {
        json_decref(warnings);
        fail_unit(iso, u, GLOSSA_ENOMEM,
                  "could not read the worker's answer (out of memory?)", 0);
        return;
    }
    u->warnings = json_is_array(warnings) ? warnings : NULL;
    if (!u->warnings)
        json_decref(warnings);
    u->nanos = r.nanos;
    u->doc->prepare_nanos += r.prepare_nanos; /* the worker segmented it */
    if (r.error.len)
        u->error = glossa__strndup(r.error.data, r.error.len);
    u->error_code = r.code ? r.code : GLOSSA_EPLUGIN;
    u->status = done ? GLOSSA__UNIT_DONE : GLOSSA__UNIT_FAILED;
    /* Last: `done` may hand this worker its next unit. */
    iso->cb.done(iso->cb.ud, u);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    worker_t *w = handle->data;
    char *room;
    size_t size;
    glossa__frame_buffer_room(&w->in, 65536, suggested, &room, &size);
    *buf = uv_buf_init(room, (unsigned)size);
}

/* One frame from a worker: READY, then RESULTs. Nonzero once the worker
 * is retired: what follows is not read. */
static int on_worker_frame(void *ud, const char *payload, uint32_t len)
{
    worker_t *w = ud;
    if (w->state == SLOT_STARTING)
        on_ready(w, payload, len);
    else if (w->state == SLOT_READY)
        on_result(w, payload, len);
    return w->state == SLOT_CLOSING || w->state == SLOT_EMPTY;
}

static void on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    worker_t *w = stream->data;
    if (n < 0) {
        /* End of file or error: the worker is gone or going; on_worker_exit
         * decides what happened to its unit. */
        uv_read_stop(stream);
        kill_worker(w);
        return;
    }
    if (glossa__frame_buffer_feed(&w->in, (size_t)n, on_worker_frame, w))
        kill_worker(w); /* a frame beyond the protocol's limit */
    dispatch_soon(w->iso);
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
        kill_worker(w); /* on_worker_exit goes on */
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
        kill_worker(w); /* on_worker_exit retries */
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
    int found = held_slot(w, u->doc->seq);
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
        fail_unit(iso, u, GLOSSA_ENOMEM, "out of memory sending to a worker",
                  0);
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
        start_timer(w);
    if (!head)
        return -1; /* too big for the protocol: see below */
    add_unit_frame(batch, u, head, head_len, found >= 0);
    return 0;
}

static void dispatch(glossa__isolation_t *iso)
{
    if (iso->fatal) {
        /* Nothing can run: hand back everything waiting, failed. */
        glossa__unit_t *u;
        while ((u = dequeue(iso)))
            fail_unit(iso, u, GLOSSA_ECRASHED,
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
    dispatch(check->data);
}

/* Asks for a dispatch at the end of this turn of the loop. Called from
 * the handling of events (reads, process exits, finished pool work),
 * which comes before the check phase of the same turn; a call from a
 * close callback, after the check phase, uses dispatch() itself. A unit
 * failed while a dispatch is under way may hand work back: that only
 * asks for another pass of the same dispatch, so that no worker gets
 * frames ahead of the batch being built for it (results are matched to
 * units in the order the frames were sent). */
static void dispatch_soon(glossa__isolation_t *iso)
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
            fail_unit(iso, u, GLOSSA_ENOMEM,
                      "out of memory sending to a worker", 0);
            continue;
        }
        failed |= start_unit(w, u, batch);
    }
    if (failed) {
        free_batch(batch);
        kill_worker(w); /* on_worker_exit retries */
    } else if (batch && batch->n_frames) {
        send_batch(w, batch);
    } else {
        glossa__free(batch);
    }
}

/* ---- Starting ----------------------------------------------------------
 */

/* A worker could not be started: the slot is retired, and after a few
 * failures in a row the run stops. */
static void start_failed(worker_t *w, const char *why)
{
    glossa__isolation_t *iso = w->iso;
    glossa__log(iso->rt, GLOSSA_LOG_ERROR, NULL, NULL,
                "cannot start a plugin worker: %s", why);
    w->fork_pending = 0;
    retire(w);
    w->exited = 1;
    slot_part_ended(w); /* no process to wait for */
    if (++iso->start_failures >= MAX_START_FAILURES && !iso->fatal) {
        iso->fatal = 1;
        iso->cb.fatal(iso->cb.ud, GLOSSA_ECRASHED,
                      "cannot start plugin workers");
        dispatch(iso); /* maybe from a close callback: not later */
    }
}

/* Asks the zygote for this slot's worker; FORKED (on_forked) gives its
 * socket and pid. */
static void spawn_worker(worker_t *w)
{
    glossa__isolation_t *iso = w->iso;
    w->pid = 0;
    w->exited = 0;
    w->term_signal = 0;
    w->exit_status = 0;
    w->units_sent = 0;
    w->draining = 0;
    w->timed_out = 0;
    w->was_ready = 0;
    w->n_inflight = 0;
    w->results = 0;
    if (w->progress) {
        atomic_store(&w->progress->taken, 0);
        atomic_store(&w->progress->taken_ns, 0);
    }
    uv_timer_init(iso->loop, &w->timer);
    w->timer.data = w;
    w->open_handles = 2; /* the timer and the process */
    w->state = SLOT_STARTING;
    w->fork_pending = 1;
    int rc = glossa__zygote_fork(iso->zygote, w->index);
    if (rc)
        start_failed(w, uv_strerror(rc));
}

/* FORKED: the zygote made slot's worker (pid 0: it could not), and sent
 * its socket along. */
static void on_forked(void *ud, uint32_t slot, uint32_t pid)
{
    glossa__isolation_t *iso = ud;
    if (slot >= iso->n_workers || !iso->workers[slot].fork_pending) {
        if (pid)
            uv_kill((int)pid, SIGKILL); /* nobody asked: a broken zygote */
        return;
    }
    worker_t *w = &iso->workers[slot];
    w->fork_pending = 0;
    if (!pid) {
        start_failed(w, "the zygote could not fork");
        return;
    }
    w->pid = (int)pid;
    uv_pipe_init(iso->loop, &w->pipe, 0);
    w->pipe.data = w;
    w->open_handles++;
    int rc = glossa__zygote_accept(iso->zygote, &w->pipe);
    /* libuv does not make a received socket non-blocking; the loop must
     * never wait on one worker's socket. */
    uv_os_fd_t fd;
    if (rc == 0)
        rc = uv_fileno((uv_handle_t *)&w->pipe, &fd);
    if (rc == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
        rc = uv_translate_sys_error(errno);
    if (rc == 0 && w->state == SLOT_STARTING)
        rc = uv_read_start((uv_stream_t *)&w->pipe, on_alloc, on_read);
    if (rc || w->state != SLOT_STARTING) {
        /* Retired meanwhile, or no socket: it goes. */
        kill_worker(w);
        if (w->state == SLOT_STARTING)
            retire(w);
        else
            close_handle((uv_handle_t *)&w->pipe);
    }
}

static void on_exited(void *ud, uint32_t pid, uint32_t status,
                      uint32_t term_signal)
{
    glossa__isolation_t *iso = ud;
    for (unsigned i = 0; i < iso->n_workers; i++) {
        worker_t *w = &iso->workers[i];
        if (w->pid == (int)pid && !w->exited && !w->fork_pending) {
            on_worker_exit(w, status, (int)term_signal);
            return;
        }
    }
}

/* Every worker still running is lost with the zygote. */
static void lose_workers(glossa__isolation_t *iso)
{
    for (unsigned i = 0; i < iso->n_workers; i++) {
        worker_t *w = &iso->workers[i];
        if (w->fork_pending) {
            w->fork_pending = 0;
            retire(w);
            w->exited = 1;
            slot_part_ended(w);
        } else if (w->pid > 0 && !w->exited) {
            uv_kill(w->pid, SIGKILL);
            on_worker_exit(w, 0, SIGKILL);
        }
    }
}

/* The zygote died during the run: no worker can be started any more. */
static void on_zygote_died(void *ud, int64_t status, int term_signal)
{
    glossa__isolation_t *iso = ud;
    if (iso->stopping)
        return;
    if (!iso->fatal) {
        char message[256];
        if (term_signal)
            snprintf(message, sizeof(message),
                     "the process that starts plugin workers died of signal "
                     "%d (%s)",
                     term_signal, glossa__signal_name(term_signal));
        else
            snprintf(message, sizeof(message),
                     "the process that starts plugin workers exited with "
                     "status %lld",
                     (long long)status);
        iso->fatal = 1;
        iso->cb.fatal(iso->cb.ud, GLOSSA_ECRASHED, message);
    }
    lose_workers(iso);
    dispatch_soon(iso);
}

/* What the slots need beyond the zygote's pages: their document flags. */
static int make_slots(glossa__isolation_t *iso)
{
    const glossa_runtime_t *rt = iso->rt;
    iso->workers = glossa__calloc(iso->n_workers, sizeof(worker_t));
    if (!iso->workers)
        return GLOSSA_ENOMEM;
    for (unsigned i = 0; i < iso->n_workers; i++) {
        worker_t *w = &iso->workers[i];
        w->iso = iso;
        w->index = i;
        w->progress = glossa__zygote_progress(iso->zygote, i);
        for (unsigned k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++) {
            w->held[k].layer_here = glossa__calloc(rt->n_steps + 1, 1);
            if (!w->held[k].layer_here)
                return GLOSSA_ENOMEM;
        }
    }
    return 0;
}

int glossa__isolation_start(glossa__isolation_t **out, uv_loop_t *loop,
                            const glossa_runtime_t *rt,
                            glossa__zygote_t *zygote,
                            const glossa__isolation_callbacks_t *cb,
                            glossa_error_t *err)
{
    *out = NULL;
    glossa__isolation_t *iso = glossa__calloc(1, sizeof(*iso));
    if (!iso) {
        glossa__zygote_free(zygote);
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    }
    iso->loop = loop;
    iso->rt = rt;
    iso->cb = *cb;
    iso->n_workers = rt->opts.threads;
    iso->units_per_worker = rt->opts.worker_max_units
                                ? rt->opts.worker_max_units
                                : DEFAULT_UNITS_PER_WORKER;
    /* The first run takes the zygote prepare() started; a later one
     * starts its own (each run ends its zygote with its workers). */
    iso->zygote = zygote;
    int rc = zygote
                 ? 0
                 : glossa__zygote_spawn(rt, iso->n_workers, &iso->zygote, err);
    if (rc) {
        glossa__free(iso);
        return rc;
    }
    if (make_slots(iso)) {
        glossa__isolation_free(iso);
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    }
    if (rt->quarantine_path) {
        iso->quarantine = fopen(rt->quarantine_path, "ae");
        if (!iso->quarantine) {
            int e = errno;
            glossa__isolation_free(iso);
            return glossa__fail(err, GLOSSA_EIO, rt->quarantine_path, 0,
                                "cannot open the quarantine file: %s",
                                strerror(e));
        }
    }
    glossa__zygote_events_t events = {iso, on_forked, on_exited,
                                      on_zygote_died};
    rc = glossa__zygote_attach(iso->zygote, loop, &events);
    uv_check_init(loop, &iso->dispatcher);
    iso->dispatcher.data = iso;
    iso->dispatcher_open = 1;
    /* From here on the loop holds handles of ours: even on failure the
     * caller stops and frees what it gets (isolate.h). */
    *out = iso;
    if (rc) {
        iso->fatal = 1;
        return glossa__fail(err, GLOSSA_ECRASHED, NULL, 0,
                            "cannot talk to the plugin process: %s",
                            uv_strerror(rc));
    }
    for (unsigned i = 0; i < iso->n_workers; i++)
        spawn_worker(&iso->workers[i]);
    return 0;
}

void glossa__isolation_submit(glossa__isolation_t *iso, glossa__unit_t *unit)
{
    unit->attempts = 0;
    /* A unit that needed another layer goes first: it finishes a document
     * already under way, and the worker that produced the layer (just
     * freed, so asked first) still holds the document and the layer. */
    enqueue(iso, unit, unit->step->n_requires > 0);
    dispatch_soon(iso);
}

void glossa__isolation_stop(glossa__isolation_t *iso)
{
    iso->stopping = 1;
    if (iso->dispatcher_open) {
        iso->dispatcher_open = 0;
        uv_close((uv_handle_t *)&iso->dispatcher, NULL);
    }
    for (unsigned i = 0; i < iso->n_workers; i++) {
        worker_t *w = &iso->workers[i];
        if (w->n_inflight)
            kill_worker(w);
        retire(w);
    }
    /* The zygote reads end of file, ends the workers left and exits;
     * glossa__isolation_free() waits for it. */
    glossa__zygote_detach(iso->zygote);
    glossa__unit_t *u;
    while ((u = dequeue(iso)))
        fail_unit(iso, u, GLOSSA_EINTR, "not run: the run was stopped", 0);
}

void glossa__isolation_free(glossa__isolation_t *iso)
{
    if (!iso)
        return;
    if (iso->quarantine)
        fclose(iso->quarantine);
    for (unsigned i = 0; iso->workers && i < iso->n_workers; i++) {
        glossa__frame_buffer_free(&iso->workers[i].in);
        for (unsigned k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
            glossa__free(iso->workers[i].held[k].layer_here);
    }
    glossa__free(iso->workers);
    glossa__zygote_free(iso->zygote);
    glossa__free(iso);
}
