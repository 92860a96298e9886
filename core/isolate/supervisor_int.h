/* The supervisor's state, shared by its two halves: supervisor.c (worker
 * slots: starting, results, deaths, timeouts) and dispatch.c (the queue
 * of units and what goes to which worker). Loop thread only. */
#ifndef GLOSSA_CORE_ISOLATE_SUPERVISOR_INT_H
#define GLOSSA_CORE_ISOLATE_SUPERVISOR_INT_H

#include <stdio.h>

#include <uv.h>

#include "isolate.h"
#include "protocol.h"
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

/* dispatch.c */
/* Queues a unit, at the front for retries and units that finish a
 * document under way. */
void glossa__iso_enqueue(glossa__isolation_t *iso, glossa__unit_t *u,
                         int front);
glossa__unit_t *glossa__iso_dequeue(glossa__isolation_t *iso);
/* The slot where w keeps the document read as doc_seq, or -1. */
int glossa__iso_held_slot(const worker_t *w, uint64_t doc_seq);
/* Sends waiting units to the workers that take them, now. */
void glossa__iso_dispatch(glossa__isolation_t *iso);
/* The same at the end of this turn of the loop (see dispatch.c). */
void glossa__iso_dispatch_soon(glossa__isolation_t *iso);

/* supervisor.c */
/* Fails a unit for good and hands it back; `listed` puts its document in
 * the quarantine file. */
void glossa__iso_fail_unit(glossa__isolation_t *iso, glossa__unit_t *u,
                           int code, const char *message, int listed);
/* SIGKILL to the worker's process (its units are then retried). */
void glossa__iso_kill_worker(worker_t *w);
/* How long a plugin may run on a document of text_len bytes (ms), or 0
 * for no limit: doc_timeout_ms as set, or by default a base plus a share
 * for the size, so that a hang never blocks a run for ever and a large
 * document still has its time. */
uint64_t glossa__doc_time_limit_ms(unsigned doc_timeout_ms, size_t text_len);

/* Starts the --doc-timeout timer for the unit w runs first. */
void glossa__iso_start_timer(worker_t *w);

#endif
