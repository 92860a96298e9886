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
#include "report.h"
#include "strbuf.h"
#include "supervisor_int.h"

static void spawn_worker(worker_t *w);

/* ---- Failed and lost units ---------------------------------------------
 */

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
void glossa__iso_fail_unit(glossa__isolation_t *iso, glossa__unit_t *u,
                           int code, const char *message, int listed)
{
    glossa__layer_free(u->layer);
    json_decref(u->document);
    u->layer = NULL;
    u->document = NULL;
    glossa__free(u->error);
    u->error = glossa__strdup(message);
    u->error_code = code;
    u->status = GLOSSA__UNIT_FAILED;
    if (listed)
        quarantine(iso, u);
    iso->cb.done(iso->cb.ud, u);
}

uint64_t glossa__doc_time_limit_ms(unsigned doc_timeout_ms, size_t text_len)
{
    if (doc_timeout_ms == GLOSSA_DOC_TIMEOUT_NONE)
        return 0;
    if (doc_timeout_ms)
        return doc_timeout_ms;
    return GLOSSA_DOC_TIMEOUT_BASE_MS +
           (uint64_t)text_len * GLOSSA_DOC_TIMEOUT_MS_PER_MIB / (1u << 20);
}

static uint64_t unit_time_limit_ms(const glossa_runtime_t *rt,
                                   const glossa__unit_t *u)
{
    return glossa__doc_time_limit_ms(rt->opts.doc_timeout_ms, u->doc->len);
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
                 "did not finish this document within %.3g s (%s); its "
                 "worker was killed",
                 (double)unit_time_limit_ms(iso->rt, u) / 1000.0,
                 iso->rt->opts.doc_timeout_ms
                     ? "--doc-timeout"
                     : "the default time limit for its size, see "
                       "--doc-timeout");
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
        glossa__iso_enqueue(iso, u, 1);
        return;
    }
    char message[320];
    snprintf(message, sizeof(message), "%s%s", why,
             u->attempts >= MAX_ATTEMPTS ? " (twice: retried once)" : "");
    glossa__iso_fail_unit(iso, u, code, message, 1);
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
void glossa__iso_kill_worker(worker_t *w)
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
            glossa__iso_fail_unit(iso, w->inflight[j - 1].unit, GLOSSA_EINTR,
                                  "not run: the run was stopped", 0);
        else
            glossa__iso_enqueue(iso, w->inflight[j - 1].unit, 1);
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
    glossa__iso_dispatch_soon(iso);
}

static void on_timeout(uv_timer_t *timer)
{
    worker_t *w = timer->data;
    if (!w->n_inflight || w->exited)
        return;
    /* The timer runs from the last result; the unit running now may have
     * started later (results held back): give it its whole time. */
    const glossa__unit_t *u = w->inflight[running_index(w)].unit;
    uint64_t limit_ns = unit_time_limit_ms(w->iso->rt, u) * 1000000u;
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
    glossa__iso_kill_worker(w);
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

void glossa__iso_start_timer(worker_t *w)
{
    uint64_t ms = unit_time_limit_ms(w->iso->rt, w->inflight[0].unit);
    w->timed_out = 0;
    if (ms)
        uv_timer_start(&w->timer, on_timeout, ms, 0);
}

static void on_result(worker_t *w, const char *payload, uint32_t len)
{
    glossa__isolation_t *iso = w->iso;
    uv_timer_stop(&w->timer);
    if (!w->n_inflight) { /* an answer nobody asked for: broken worker */
        glossa__iso_kill_worker(w);
        return;
    }
    inflight_t sent = w->inflight[0];
    glossa__unit_t *u = sent.unit;
    w->results++;
    for (unsigned j = 1; j < w->n_inflight; j++)
        w->inflight[j - 1] = w->inflight[j];
    w->n_inflight--;
    if (w->n_inflight)
        glossa__iso_start_timer(w); /* the next unit starts now */
    else if (w->draining)
        retire(w); /* recycled: a fresh worker takes the slot */
    glossa__unit_result_t r;
    if (glossa__unit_result_parse(payload, len, &r)) {
        glossa__iso_fail_unit(iso, u, GLOSSA_EINVAL,
                              "malformed answer from a worker", 0);
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
        glossa__iso_fail_unit(
            iso, u, GLOSSA_ENOMEM,
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

/* RETIRE: the worker is near its memory limit (--worker-memory) and took
 * none of the units it holds after the results it sent: they go to the
 * front of the queue, in order, without counting a try, and the worker
 * is let go (it exits when its socket closes). */
static void on_retire(worker_t *w)
{
    glossa__isolation_t *iso = w->iso;
    glossa__log(iso->rt, GLOSSA_LOG_INFO, NULL, NULL,
                "plugin worker %u is near its memory limit: replaced",
                w->index);
    unsigned n = w->n_inflight;
    w->n_inflight = 0;
    for (unsigned j = n; j > 0; j--) {
        if (iso->stopping || iso->fatal)
            glossa__iso_fail_unit(iso, w->inflight[j - 1].unit, GLOSSA_EINTR,
                                  "not run: the run was stopped", 0);
        else
            glossa__iso_enqueue(iso, w->inflight[j - 1].unit, 1);
    }
    retire(w);
    glossa__iso_dispatch_soon(iso);
}

/* One frame from a worker: READY, then RESULTs, maybe RETIRE (empty).
 * Nonzero once the worker is retired: what follows is not read. */
static int on_worker_frame(void *ud, const char *payload, uint32_t len)
{
    worker_t *w = ud;
    if (w->state == SLOT_STARTING)
        on_ready(w, payload, len);
    else if (w->state == SLOT_READY && len == 0)
        on_retire(w);
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
        glossa__iso_kill_worker(w);
        return;
    }
    if (glossa__frame_buffer_feed(&w->in, (size_t)n, on_worker_frame, w))
        glossa__iso_kill_worker(w); /* a frame beyond the protocol's limit */
    glossa__iso_dispatch_soon(w->iso);
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
        glossa__iso_dispatch(iso); /* maybe from a close callback: not later */
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
        glossa__iso_kill_worker(w);
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
    glossa__iso_dispatch_soon(iso);
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
        /* Not through a symbolic link: one planted beside the output
         * would make the run append to its target. */
        int fd =
            open(rt->quarantine_path,
                 O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        iso->quarantine = fd >= 0 ? fdopen(fd, "a") : NULL;
        if (!iso->quarantine) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            glossa__isolation_free(iso);
            return glossa__fail(err, GLOSSA_EIO, rt->quarantine_path, 0,
                                "cannot open the quarantine file: %s",
                                e == ELOOP ? "it is a symbolic link; "
                                             "refusing to write through it"
                                           : strerror(e));
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
    glossa__iso_enqueue(iso, unit, unit->step->n_requires > 0);
    glossa__iso_dispatch_soon(iso);
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
            glossa__iso_kill_worker(w);
        retire(w);
    }
    /* The zygote reads end of file, ends the workers left and exits;
     * glossa__isolation_free() waits for it. */
    glossa__zygote_detach(iso->zygote);
    glossa__unit_t *u;
    while ((u = glossa__iso_dequeue(iso)))
        glossa__iso_fail_unit(iso, u, GLOSSA_EINTR,
                              "not run: the run was stopped", 0);
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
