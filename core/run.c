/* glossa_run(): the scheduler.
 *
 *   reader thread          loop thread (caller)            pool threads
 *   -------------          --------------------            ------------
 *   source -> doc  --queue-> on_wake: prepare work ------> decode, segment
 *                             after_prepare: ready units -> annotate+check
 *                             after_unit: dependents ----> ...
 *                             all units done ------------> serialize
 *                             after_serialize: reorder,
 *                               write in input order,
 *                               free, signal the reader
 *
 * Every (document, plugin) pair is one unit on the libuv pool, submitted as
 * soon as the layers it requires are done for that document, so
 * independent plugins run at the same time. A small document instead runs
 * all its units in its prepare job, one after another
 * (GLOSSA__SMALL_DOC_BYTES): the documents of a batch keep the threads
 * busy, and the loop is woken once per batch rather than once per unit.
 * Memory stays flat because the reader waits while max_docs_in_flight
 * documents or max_bytes_in_flight bytes are read but not yet written (a
 * single larger document still goes through alone). Output order is input
 * order, whatever the thread count: finished documents wait in a ring
 * indexed by sequence number until all earlier ones are written.
 *
 * Locking: run->mutex guards the reader queue and the in-flight counters,
 * and nothing else; the loop thread owns everything else in the run. Pool
 * threads touch only the document or unit handed to them. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "isolate/isolate.h"
#include "log.h"
#include "report.h"
#include "runtime_int.h"

#define container_of(ptr, type, member)                                        \
    ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define TICK_MS 100 /* stop checks */
#define PROGRESS_EVERY_TICKS 2

typedef struct glossa__run {
    glossa_runtime_t *rt;
    glossa_source_t *src;
    const glossa_sink_t *sink;
    uv_loop_t loop;
    uv_async_t wake;
    uv_check_t flush;
    uv_timer_t tick;
    uv_thread_t reader;
    int reader_started;
    unsigned ticks;
    glossa__isolation_t *iso; /* isolation mode: the worker processes */

    /* Guarded by mutex. */
    uv_mutex_t mutex;
    uv_cond_t room;
    glossa__doc_t *queue_head, *queue_tail;
    size_t docs_in_flight, bytes_in_flight;
    int reader_done, stopping;
    int reader_waiting; /* the reader sleeps until the window half empties */
    int reader_rc;
    glossa_error_t reader_err;
    uint64_t next_seq;

    /* Loop thread only. */
    glossa__doc_t **ring;
    size_t ring_cap;
    uint64_t *step_nanos; /* the record being written: its steps' times */
    uint64_t next_write;
    int unflushed;
    int drain_pending; /* records finished on the loop, written at check */
    int fatal_rc;
    glossa_error_t fatal_err;
    int closing;
    glossa_run_stats_t stats;
    uint64_t t_start, prepare_nanos, merge_nanos;
    uint64_t pool_jobs; /* queued on the pool, each a wake-up of the loop */
} glossa__run_t;

/* ---- Reader thread ----------------------------------------------------- */

static void reader_main(void *arg)
{
    glossa__run_t *run = arg;
    const glossa_runtime_options_t *o = &run->rt->opts;
    int rc = 0;
    glossa_error_t err;
    glossa_error_clear(&err);
    for (;;) {
        uv_mutex_lock(&run->mutex);
        /* When the window is full, wait until it is half empty, then read
         * a burst: one wake-up per burst, not one per document. */
        if (run->docs_in_flight >= o->max_docs_in_flight ||
            (run->bytes_in_flight >= o->max_bytes_in_flight &&
             run->docs_in_flight > 0)) {
            run->reader_waiting = 1;
            while (!run->stopping && run->reader_waiting)
                uv_cond_wait(&run->room, &run->mutex);
            run->reader_waiting = 0;
        }
        int stop = run->stopping;
        uv_mutex_unlock(&run->mutex);
        if (stop || atomic_load(&run->rt->stop_requested))
            break;
        glossa__doc_t *doc = NULL;
        rc = glossa__source_next(run->src, &doc, &err);
        if (rc <= 0) {
            glossa__doc_free(doc);
            if (rc < 0 && !err.code)
                glossa__fail(&err, rc, NULL, 0, "reading input: %s",
                             glossa_strerror(rc));
            break;
        }
        uv_mutex_lock(&run->mutex);
        doc->seq = run->next_seq++;
        doc->next = NULL;
        if (run->queue_tail)
            run->queue_tail->next = doc;
        else
            run->queue_head = doc;
        run->queue_tail = doc;
        run->docs_in_flight++;
        run->bytes_in_flight += doc->input_bytes;
        uv_mutex_unlock(&run->mutex);
        uv_async_send(&run->wake);
    }
    uv_mutex_lock(&run->mutex);
    run->reader_done = 1;
    run->reader_rc = rc < 0 ? rc : 0;
    run->reader_err = err;
    uv_mutex_unlock(&run->mutex);
    uv_async_send(&run->wake);
}

/* ---- Loop thread ------------------------------------------------------- */

static void on_closed(uv_handle_t *handle)
{
    (void)handle;
}

static void report_progress(glossa__run_t *run)
{
    if (!run->rt->progress_cb)
        return;
    run->stats.wall_seconds = (double)(uv_hrtime() - run->t_start) / 1e9;
    run->rt->progress_cb(run->rt->progress_ud, &run->stats,
                         glossa_source_size_hint(run->src));
}

static void set_stopping(glossa__run_t *run)
{
    uv_mutex_lock(&run->mutex);
    run->stopping = 1;
    run->reader_waiting = 0;
    uv_cond_broadcast(&run->room);
    uv_mutex_unlock(&run->mutex);
}

static void fatal_message(glossa__run_t *run, int rc, const char *message)
{
    if (run->fatal_rc == 0) {
        run->fatal_rc = rc;
        glossa__fail(&run->fatal_err, rc, NULL, 0, "%s", message);
    }
    set_stopping(run);
}

static void fatal(glossa__run_t *run, int rc, const char *what)
{
    char message[512];
    snprintf(message, sizeof(message), "%s: %s", what, glossa_strerror(rc));
    fatal_message(run, rc, message);
}

static void maybe_finish(glossa__run_t *run)
{
    if (run->closing)
        return;
    uv_mutex_lock(&run->mutex);
    int done =
        run->reader_done && run->docs_in_flight == 0 && run->queue_head == NULL;
    uv_mutex_unlock(&run->mutex);
    if (!done)
        return;
    run->closing = 1;
    if (run->unflushed && run->sink->flush && run->fatal_rc == 0) {
        int rc = run->sink->flush(run->sink->ud);
        if (rc)
            fatal(run, rc, "flushing output");
    }
    report_progress(run);
    if (run->iso)
        glossa__isolation_stop(run->iso);
    uv_close((uv_handle_t *)&run->wake, on_closed);
    uv_close((uv_handle_t *)&run->flush, on_closed);
    uv_close((uv_handle_t *)&run->tick, on_closed);
}

/* Writes every finished document that is next in input order. */
static void drain(glossa__run_t *run)
{
    for (;;) {
        size_t slot = (size_t)(run->next_write % run->ring_cap);
        glossa__doc_t *doc = run->ring[slot];
        if (!doc || doc->seq != run->next_write || !doc->finished ||
            doc->jobs > 0)
            break;
        run->ring[slot] = NULL;
        run->next_write++;
        glossa__source_check_id(run->src, doc);
        if (run->fatal_rc == 0 && doc->line) {
            for (size_t i = 0; doc->units && i < run->rt->n_steps; i++)
                run->step_nanos[i] = doc->units[i].nanos;
            if (!doc->units && run->step_nanos)
                memset(run->step_nanos, 0, run->rt->n_steps * sizeof(uint64_t));
            glossa_record_info_t info = {doc->seq,
                                         doc->id,
                                         doc->len,
                                         doc->n_errors,
                                         doc->skip_plugins ? doc->skip_code : 0,
                                         run->step_nanos};
            int rc = run->sink->write(run->sink->ud, doc->line, doc->line_len,
                                      &info);
            if (rc) {
                fatal(run, rc, "writing output");
            } else {
                run->unflushed = 1;
                run->stats.records++;
                run->stats.bytes += doc->input_bytes;
                run->stats.errors += doc->n_errors;
                run->stats.records_with_errors += doc->n_errors > 0;
            }
        }
        run->prepare_nanos += doc->prepare_nanos;
        run->merge_nanos += doc->merge_nanos;
        size_t bytes = doc->input_bytes;
        glossa__doc_free(doc);
        uv_mutex_lock(&run->mutex);
        run->docs_in_flight--;
        run->bytes_in_flight -= bytes;
        if (run->reader_waiting &&
            run->docs_in_flight <= run->rt->opts.max_docs_in_flight / 2 &&
            run->bytes_in_flight <= run->rt->opts.max_bytes_in_flight / 2) {
            run->reader_waiting = 0;
            uv_cond_signal(&run->room);
        }
        uv_mutex_unlock(&run->mutex);
    }
    maybe_finish(run);
}

/* Every pool job holds its document until the loop has seen it finish:
 * completions can reach the loop in another order than the jobs ended. */
static void job_done(glossa__run_t *run, glossa__doc_t *doc)
{
    doc->jobs--;
    if (doc->finished && doc->jobs == 0)
        drain(run);
}

static void serialize_work(uv_work_t *req)
{
    glossa__doc_t *doc = container_of(req, glossa__doc_t, work);
    glossa__doc_serialize(((glossa__run_t *)req->loop->data)->rt, doc);
}

static void record_ready(glossa__run_t *run, glossa__doc_t *doc)
{
    if (!doc->line) /* out of memory even for the fallback line */
        fatal(run, GLOSSA_ENOMEM, "writing a record");
    doc->finished = 1;
}

static void after_serialize(uv_work_t *req, int status)
{
    (void)status;
    glossa__run_t *run = req->loop->data;
    glossa__doc_t *doc = container_of(req, glossa__doc_t, work);
    record_ready(run, doc);
    job_done(run, doc);
}

static void submit_serialize(glossa__run_t *run, glossa__doc_t *doc)
{
    doc->jobs++;
    run->pool_jobs++;
    uv_queue_work(&run->loop, &doc->work, serialize_work, after_serialize);
}

/* Takes one unit off the document's count; true when it was the last. */
static int unit_leaves(glossa__doc_t *doc)
{
    return atomic_fetch_sub_explicit(&doc->units_left, 1,
                                     memory_order_acq_rel) == 1;
}

static void unit_work(uv_work_t *req)
{
    glossa__unit_t *u = (glossa__unit_t *)req;
    glossa__unit_execute(u);
    /* The last unit of a document serialises it right here, saving a
     * round trip through the loop. */
    if (unit_leaves(u->doc)) {
        glossa__doc_serialize(u->rt, u->doc);
        u->serialized_doc = 1;
    }
}

static void after_unit(uv_work_t *req, int status);

static void submit_unit(glossa__run_t *run, glossa__unit_t *u)
{
    u->status = GLOSSA__UNIT_RUNNING;
    if (run->iso) {
        glossa__isolation_submit(run->iso, u);
    } else {
        u->doc->jobs++;
        run->pool_jobs++;
        uv_queue_work(&run->loop, &u->work, unit_work, after_unit);
    }
}

/* Marks a waiting unit (and, transitively, its dependents) as not run
 * because the layer `because` is missing on this document. Returns true
 * when that leaves the document with no unit to wait for. */
static int skip_unit(glossa__doc_t *doc, size_t index, const char *because)
{
    glossa__unit_t *u = &doc->units[index];
    if (u->status != GLOSSA__UNIT_WAITING)
        return 0;
    u->status = GLOSSA__UNIT_SKIPPED;
    u->error_code = GLOSSA_EDEPENDENCY;
    u->error = glossa__asprintf(
        "not run on this document: the layer '%s' it requires is missing",
        because);
    int last = unit_leaves(doc);
    const glossa__step_t *step = u->step;
    for (size_t d = 0; d < step->n_dependents; d++)
        last |= skip_unit(doc, step->dependents[d], step->layer);
    return last;
}

/* A unit that ran, or was taken from an earlier output, in the step's
 * statistics; a failure in the log. Loop thread. */
static void account_unit(glossa__run_t *run, const glossa__unit_t *u)
{
    glossa__step_t *step = run->rt->steps[u->step->index];
    if (u->reused) {
        step->reused++;
    } else {
        step->nanos += u->nanos;
        step->calls++;
    }
    if (u->status != GLOSSA__UNIT_DONE) {
        step->failures++;
        glossa__log(run->rt, GLOSSA_LOG_WARN, step->layer, u->doc->id, "%s",
                    u->error ? u->error : "failed");
    }
}

/* A unit is over, on the pool or in a worker, and its share of units_left
 * is taken: account for it and start what was waiting for it. `last` says
 * the record still needs serialising. */
static void unit_over(glossa__run_t *run, glossa__unit_t *u, int last)
{
    glossa__doc_t *doc = u->doc;
    const glossa__step_t *step = u->step;
    account_unit(run, u);
    for (size_t d = 0; d < step->n_dependents; d++) {
        size_t idx = step->dependents[d];
        glossa__unit_t *dep = &doc->units[idx];
        if (u->status != GLOSSA__UNIT_DONE)
            last |= skip_unit(doc, idx, step->layer);
        else if (--dep->waiting == 0 && dep->status == GLOSSA__UNIT_WAITING)
            submit_unit(run, dep);
    }
    if (last && run->iso) {
        /* In isolation the layers are text from the workers, and
         * serialising is mostly splicing it: cheap enough for the loop,
         * and it saves a pool job and two wake-ups per document. The
         * record is written in the loop's check phase, outside the
         * isolation callbacks this may be called from. */
        glossa__doc_serialize(run->rt, doc);
        record_ready(run, doc);
        run->drain_pending = 1;
    } else if (last) {
        submit_serialize(run, doc);
    }
}

static void after_unit(uv_work_t *req, int status)
{
    (void)status;
    glossa__unit_t *u = (glossa__unit_t *)req;
    glossa__run_t *run = u->run;
    glossa__doc_t *doc = u->doc;
    int serialized = u->serialized_doc;
    unit_over(run, u, 0);
    if (serialized)
        record_ready(run, doc);
    job_done(run, doc);
}

static void isolated_unit_done(void *ud, glossa__unit_t *u)
{
    unit_over(ud, u, unit_leaves(u->doc));
}

static void isolation_fatal(void *ud, int code, const char *message)
{
    fatal_message(ud, code, message);
}

/* Documents are prepared a few at a time: one pool job (and one round
 * trip through the loop) for a batch instead of one per document. */
#define PREPARE_BATCH_DOCS 8
#define PREPARE_BATCH_BYTES ((size_t)1 << 20)

/* No unit ran in the batch job for this document. */
#define NO_UNIT SIZE_MAX
/* The batch job serialised the document: it has no unit to run. */
#define SERIALIZED (SIZE_MAX - 1)
/* The batch job ran every unit of the document and serialised it. */
#define ALL_UNITS (SIZE_MAX - 2)

typedef struct prepare_batch {
    uv_work_t work;
    size_t n;
    glossa__doc_t *docs[PREPARE_BATCH_DOCS];
    size_t ran[PREPARE_BATCH_DOCS]; /* unit run in the job, or NO_UNIT */
} prepare_batch_t;

/* The first step that requires no layer: it can run as soon as the
 * document is prepared. Every pipeline without cycles has one. */
static size_t first_root_step(const glossa_runtime_t *rt)
{
    for (size_t i = 0; i < rt->n_steps; i++)
        if (rt->steps[i]->n_requires == 0)
            return i;
    return NO_UNIT;
}

/* A document at least this large runs its first unit in a job of its own
 * when there are several threads: the units that need no layer then run
 * side by side (the round trip saved is nothing next to the unit), where
 * in the prepare job the others waited for the first (dates for entities
 * on one large document, issue 21). */
#define INLINE_UNIT_MAX_BYTES ((size_t)1 << 20)

/* Runs step i's unit of a small document (GLOSSA__SMALL_DOC_BYTES) in
 * its prepare job, or takes the share of units_left of a unit taken from
 * an earlier output. Called in rt->order, where requirements come first:
 * a unit still waiting has them all done, or skip_unit() took it. A unit
 * that fails skips its dependents, as unit_over() does; the loop accounts
 * for the units in finish_units(). True when the document has no unit
 * left. */
static int run_small_unit(glossa__doc_t *doc, size_t i)
{
    glossa__unit_t *u = &doc->units[i];
    if (u->reused)
        return unit_leaves(doc);
    if (u->status != GLOSSA__UNIT_WAITING)
        return 0;
    u->status = GLOSSA__UNIT_RUNNING;
    glossa__unit_execute(u);
    int last = unit_leaves(doc);
    if (u->status != GLOSSA__UNIT_DONE)
        for (size_t d = 0; d < u->step->n_dependents; d++)
            last |= skip_unit(doc, u->step->dependents[d], u->step->layer);
    return last;
}

/* Prepares each document and, in process, runs all the units of a small
 * one, or the first unit of a larger one, in the same job: pool jobs and
 * round trips through the loop fewer per document (a larger document's
 * other units start when the batch is back on the loop). The loop
 * accounts for the units in after_prepare.
 *
 * The small documents' units run step by step across the batch, each
 * plugin on all of them before the next one, as the jobs did: all the
 * plugins on one document, then on the next, mispredicted 10 % more
 * branches and missed the instruction cache 7 % more often (cachegrind,
 * 1 KB documents), and took more user time. */
static void prepare_work(uv_work_t *req)
{
    prepare_batch_t *batch = container_of(req, prepare_batch_t, work);
    glossa__run_t *run = req->loop->data;
    const glossa_runtime_t *rt = run->rt;
    size_t root = run->iso ? NO_UNIT : first_root_step(rt);
    int small = 0;
    for (size_t i = 0; i < batch->n; i++) {
        glossa__doc_t *doc = batch->docs[i];
        batch->ran[i] = NO_UNIT;
        glossa__doc_prepare(rt, doc);
        if (doc->skip_plugins || rt->n_steps == 0) {
            /* Nothing to run: the record is made here rather than in a
             * job of its own (a pipeline without plugins was slower than
             * one with a no-op plugin, whose unit serialises in this job). */
            glossa__doc_serialize(rt, doc);
            batch->ran[i] = SERIALIZED;
            continue;
        }
        if (glossa__doc_make_units(rt, doc, run))
            continue; /* start_units() on the loop deals with it */
        glossa__reuse_apply(rt, doc);
        if (!run->iso && doc->len < GLOSSA__SMALL_DOC_BYTES) {
            batch->ran[i] = ALL_UNITS;
            small = 1;
            continue;
        }
        if (root == NO_UNIT || doc->units[root].reused ||
            (rt->opts.threads > 1 && doc->len >= INLINE_UNIT_MAX_BYTES))
            continue;
        glossa__unit_t *u = &doc->units[root];
        u->status = GLOSSA__UNIT_RUNNING;
        unit_work(&u->work);
        batch->ran[i] = root;
    }
    if (!small)
        return;
    int last[PREPARE_BATCH_DOCS] = {0};
    for (size_t k = 0; k < rt->n_steps; k++)
        for (size_t i = 0; i < batch->n; i++)
            if (batch->ran[i] == ALL_UNITS)
                last[i] |= run_small_unit(batch->docs[i], rt->order[k]);
    for (size_t i = 0; i < batch->n; i++)
        if (last[i])
            glossa__doc_serialize(rt, batch->docs[i]);
}

/* The units that need no layer and were not taken from an earlier output
 * start; `except` has run already. */
static void submit_roots(glossa__run_t *run, glossa__doc_t *doc, size_t except)
{
    const glossa_runtime_t *rt = run->rt;
    for (size_t i = 0; i < rt->n_steps; i++)
        if (i != except && rt->steps[i]->n_requires == 0 &&
            doc->units[i].status == GLOSSA__UNIT_WAITING)
            submit_unit(run, &doc->units[i]);
}

/* The units taken from an earlier output (reuse.c) are over as if they
 * had run: their dependents start. */
static void release_reused(glossa__run_t *run, glossa__doc_t *doc)
{
    const glossa_runtime_t *rt = run->rt;
    for (size_t i = 0; i < rt->n_steps; i++)
        if (doc->units[i].reused)
            unit_over(run, &doc->units[i], unit_leaves(doc));
}

static void start_units(glossa__run_t *run, glossa__doc_t *doc)
{
    const glossa_runtime_t *rt = run->rt;
    if (doc->skip_plugins || rt->n_steps == 0 || run->fatal_rc) {
        submit_serialize(run, doc);
        return;
    }
    if (glossa__doc_make_units(rt, doc, run)) {
        glossa__error_entry_add(&doc->errors, NULL, GLOSSA_ENOMEM,
                                "%s: out of memory", doc->origin);
        doc->skip_plugins = 1;
        submit_serialize(run, doc);
        return;
    }
    submit_roots(run, doc, NO_UNIT);
    release_reused(run, doc);
}

/* The rest of a document whose first unit ran in its prepare job: the
 * other units that need nothing start, and the unit is over as if it had
 * come back from a job of its own (after_unit). */
static void continue_units(glossa__run_t *run, glossa__doc_t *doc, size_t ran)
{
    glossa__unit_t *u = &doc->units[ran];
    int serialized = u->serialized_doc;
    submit_roots(run, doc, ran);
    doc->jobs++; /* held while its dependents are submitted */
    release_reused(run, doc);
    unit_over(run, u, 0);
    if (serialized)
        record_ready(run, doc);
    job_done(run, doc);
}

/* A document whose units all ran in its prepare job (run_small_unit): each
 * is over as if it had come back from a job of its own, in the order they
 * ran; those skipped were never run, as in skip_unit(). */
static void finish_units(glossa__run_t *run, glossa__doc_t *doc)
{
    const glossa_runtime_t *rt = run->rt;
    for (size_t k = 0; k < rt->n_steps; k++) {
        const glossa__unit_t *u = &doc->units[rt->order[k]];
        if (u->status != GLOSSA__UNIT_SKIPPED)
            account_unit(run, u);
    }
    doc->jobs++; /* as if it came back from serialize_work */
    record_ready(run, doc);
    job_done(run, doc);
}

static void after_prepare(uv_work_t *req, int status)
{
    (void)status;
    glossa__run_t *run = req->loop->data;
    prepare_batch_t *batch = container_of(req, prepare_batch_t, work);
    for (size_t i = 0; i < batch->n; i++) {
        glossa__doc_t *doc = batch->docs[i];
        if (batch->ran[i] == SERIALIZED) {
            doc->jobs++; /* as if it came back from serialize_work */
            record_ready(run, doc);
            job_done(run, doc);
        } else if (batch->ran[i] == ALL_UNITS) {
            finish_units(run, doc);
        } else if (batch->ran[i] == NO_UNIT) {
            start_units(run, doc);
        } else {
            continue_units(run, doc, batch->ran[i]);
        }
    }
    glossa__free(batch);
}

static void submit_prepare(glossa__run_t *run, prepare_batch_t *batch)
{
    run->pool_jobs++;
    uv_queue_work(&run->loop, &batch->work, prepare_work, after_prepare);
}

/* Prepares the documents of `list` in batches of at most
 * PREPARE_BATCH_DOCS documents or PREPARE_BATCH_BYTES, split so that
 * every thread gets a share of a small arrival. */
static void start_documents(glossa__run_t *run, glossa__doc_t *list,
                            size_t n_docs)
{
    size_t per_batch = n_docs / run->rt->opts.threads;
    if (per_batch < 1)
        per_batch = 1;
    if (per_batch > PREPARE_BATCH_DOCS)
        per_batch = PREPARE_BATCH_DOCS;
    prepare_batch_t *batch = NULL;
    size_t bytes = 0;
    while (list) {
        glossa__doc_t *doc = list;
        list = doc->next;
        doc->next = NULL;
        run->ring[doc->seq % run->ring_cap] = doc;
        if (!batch) {
            batch = glossa__malloc(sizeof(*batch));
            if (!batch) {
                /* No memory for a batch: prepare here, on the loop. */
                glossa__doc_prepare(run->rt, doc);
                start_units(run, doc);
                continue;
            }
            batch->n = 0;
            bytes = 0;
        }
        batch->docs[batch->n++] = doc;
        bytes += doc->input_bytes;
        if (batch->n == per_batch || bytes >= PREPARE_BATCH_BYTES) {
            submit_prepare(run, batch);
            batch = NULL;
        }
    }
    if (batch)
        submit_prepare(run, batch);
}

static void on_wake(uv_async_t *handle)
{
    glossa__run_t *run = handle->data;
    uv_mutex_lock(&run->mutex);
    glossa__doc_t *list = run->queue_head;
    run->queue_head = run->queue_tail = NULL;
    uv_mutex_unlock(&run->mutex);
    size_t n = 0;
    for (glossa__doc_t *d = list; d; d = d->next)
        n++;
    start_documents(run, list, n);
    maybe_finish(run);
}

static void on_check(uv_check_t *handle)
{
    glossa__run_t *run = handle->data;
    if (run->drain_pending) {
        run->drain_pending = 0;
        drain(run);
    }
    if (!run->unflushed || run->closing)
        return;
    run->unflushed = 0;
    if (run->sink->flush && run->fatal_rc == 0) {
        int rc = run->sink->flush(run->sink->ud);
        if (rc)
            fatal(run, rc, "flushing output");
    }
}

static void on_tick(uv_timer_t *handle)
{
    glossa__run_t *run = handle->data;
    if (atomic_load(&run->rt->stop_requested) && !run->stopping)
        set_stopping(run);
    if (++run->ticks % PROGRESS_EVERY_TICKS == 0)
        report_progress(run);
}

/* libuv sizes its pool once per process, from UV_THREADPOOL_SIZE, at the
 * first piece of work. */
static uv_once_t pool_once = UV_ONCE_INIT;
static uv_mutex_t pool_mutex;

static void pool_mutex_init(void)
{
    if (uv_mutex_init(&pool_mutex))
        abort();
}

/* Runs in several threads at once when several streams start
 * (glossa_stream_start): hence the lock. */
static void size_thread_pool(const glossa_runtime_t *rt)
{
    static unsigned pool_size;
    uv_once(&pool_once, pool_mutex_init);
    uv_mutex_lock(&pool_mutex);
    if (pool_size == 0) {
        char value[16];
        snprintf(value, sizeof(value), "%u", rt->opts.threads);
        setenv("UV_THREADPOOL_SIZE", value, 1);
        pool_size = rt->opts.threads;
    } else if (pool_size != rt->opts.threads) {
        glossa__log(rt, GLOSSA_LOG_WARN, NULL, NULL,
                    "the thread pool already has %u threads in this "
                    "process; %u requested",
                    pool_size, rt->opts.threads);
    }
    uv_mutex_unlock(&pool_mutex);
}

/* A run's state and its loop's handles, before anything is read. NULL
 * with err filled when it cannot be made. */
static glossa__run_t *run_new(glossa_runtime_t *rt, glossa_source_t *src,
                              const glossa_sink_t *sink, glossa_error_t *err)
{
    glossa__run_t *run = glossa__calloc(1, sizeof(*run));
    if (!run) {
        glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    run->rt = rt;
    run->src = src;
    run->sink = sink;
    run->ring_cap = rt->opts.max_docs_in_flight;
    run->ring = glossa__calloc(run->ring_cap, sizeof(glossa__doc_t *));
    if (rt->n_steps)
        run->step_nanos = glossa__calloc(rt->n_steps, sizeof(uint64_t));
    int rc = run->ring && (run->step_nanos || !rt->n_steps) ? 0 : GLOSSA_ENOMEM;
    int loop_ok = 0, mutex_ok = 0, cond_ok = 0;
    if (rc == 0)
        rc = uv_loop_init(&run->loop) ? GLOSSA_ENOMEM : 0;
    loop_ok = rc == 0;
    if (rc == 0)
        rc = uv_mutex_init(&run->mutex) ? GLOSSA_ENOMEM : 0;
    mutex_ok = loop_ok && rc == 0;
    if (rc == 0)
        rc = uv_cond_init(&run->room) ? GLOSSA_ENOMEM : 0;
    cond_ok = mutex_ok && rc == 0;
    if (rc) {
        if (cond_ok)
            uv_cond_destroy(&run->room);
        if (mutex_ok)
            uv_mutex_destroy(&run->mutex);
        if (loop_ok)
            uv_loop_close(&run->loop);
        glossa__free(run->ring);
        glossa__free(run->step_nanos);
        glossa__free(run);
        glossa__fail(err, rc, NULL, 0, "cannot start the run");
        return NULL;
    }
    run->loop.data = run;
    uv_async_init(&run->loop, &run->wake, on_wake);
    run->wake.data = run;
    uv_check_init(&run->loop, &run->flush);
    run->flush.data = run;
    uv_check_start(&run->flush, on_check);
    uv_timer_init(&run->loop, &run->tick);
    run->tick.data = run;
    uv_timer_start(&run->tick, on_tick, TICK_MS, TICK_MS);
    return run;
}

/* Isolation: the workers, forked by the zygote prepare() started. When
 * they cannot start, the run ends at once with nothing read. */
static void start_isolation(glossa__run_t *run, glossa_error_t *err)
{
    glossa_runtime_t *rt = run->rt;
    glossa__isolation_callbacks_t cb = {run, isolated_unit_done,
                                        isolation_fatal};
    struct glossa__zygote *zygote = rt->zygote;
    rt->zygote = NULL; /* the run ends it */
    int rc =
        glossa__isolation_start(&run->iso, &run->loop, rt, zygote, &cb, err);
    if (rc) {
        uv_mutex_lock(&run->mutex);
        run->reader_done = 1;
        uv_mutex_unlock(&run->mutex);
        run->fatal_rc = rc;
        uv_async_send(&run->wake);
    }
}

static void start_reader(glossa__run_t *run)
{
    if (uv_thread_create(&run->reader, reader_main, run) == 0) {
        run->reader_started = 1;
        return;
    }
    run->reader_done = 1;
    run->reader_rc = GLOSSA_ENOMEM;
    glossa__fail(&run->reader_err, GLOSSA_ENOMEM, NULL, 0,
                 "cannot start the reader thread");
    uv_async_send(&run->wake);
}

/* The run's outcome (statistics, the first fatal error) and its end. */
static int run_finish(glossa__run_t *run, glossa_run_stats_t *stats,
                      glossa_error_t *err)
{
    glossa_runtime_t *rt = run->rt;
    run->stats.wall_seconds = (double)(uv_hrtime() - run->t_start) / 1e9;
    run->stats.prepare_seconds = (double)run->prepare_nanos / 1e9;
    run->stats.merge_seconds = (double)run->merge_nanos / 1e9;
    rt->last_run_pool_jobs = run->pool_jobs;
    run->stats.errors += glossa_source_problems(run->src);
    if (!run->fatal_rc && !run->reader_rc)
        glossa__source_sum_duplicates(run->src);
    if (stats)
        *stats = run->stats;
    int rc = 0;
    if (run->fatal_rc) {
        rc = run->fatal_rc;
        if (err && !err->code && run->fatal_err.code)
            *err = run->fatal_err;
    } else if (run->reader_rc) {
        rc = run->reader_rc;
        if (err && !err->code)
            *err = run->reader_err;
    } else if (atomic_load(&rt->stop_requested)) {
        rc = glossa__fail(err, GLOSSA_EINTR, NULL, 0,
                          "stopped after %llu records",
                          (unsigned long long)run->stats.records);
    }
    uv_loop_close(&run->loop);
    uv_cond_destroy(&run->room);
    uv_mutex_destroy(&run->mutex);
    glossa__free(run->ring);
    glossa__free(run->step_nanos);
    glossa__free(run);
    return rc;
}

int glossa_run(glossa_runtime_t *rt, glossa_source_t *src,
               const glossa_sink_t *sink, glossa_run_stats_t *stats,
               glossa_error_t *err)
{
    glossa_error_clear(err);
    if (stats)
        memset(stats, 0, sizeof(*stats));
    if (!rt || !src || !sink || !sink->write)
        return glossa__fail(err, GLOSSA_EINVAL, NULL, 0,
                            "glossa_run needs a runtime, a source and a sink");
    if (!rt->prepared)
        return glossa__fail(err, GLOSSA_ESTATE, NULL, 0,
                            "glossa_runtime_prepare() must succeed before "
                            "glossa_run()");
    if (glossa__source_runtime(src) != rt)
        return glossa__fail(err, GLOSSA_EINVAL, NULL, 0,
                            "the source belongs to another runtime");
    for (size_t i = 0; i < rt->n_steps; i++)
        rt->steps[i]->nanos = rt->steps[i]->calls = rt->steps[i]->failures =
            rt->steps[i]->reused = 0;
    atomic_store(&rt->stop_requested, 0);
    size_thread_pool(rt);

    glossa__run_t *run = run_new(rt, src, sink, err);
    if (!run)
        return err && err->code ? err->code : GLOSSA_ENOMEM;
    atomic_store(&rt->active_run, run);
    run->t_start = uv_hrtime();
    if (rt->opts.isolate)
        start_isolation(run, err);
    if (!run->fatal_rc)
        start_reader(run);
    uv_run(&run->loop, UV_RUN_DEFAULT);
    if (run->reader_started)
        uv_thread_join(&run->reader);
    glossa__isolation_free(run->iso);
    atomic_store(&rt->active_run, NULL);
    return run_finish(run, stats, err);
}

void glossa_runtime_stop(glossa_runtime_t *rt)
{
    /* Only an atomic store: safe in a signal handler. The loop and the
     * reader poll the flag. */
    if (rt)
        atomic_store(&rt->stop_requested, 1);
}
