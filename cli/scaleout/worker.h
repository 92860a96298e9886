/* glossa worker: annotates the entries of a Redis stream as they arrive,
 * as one consumer of a consumer group, and writes one result per entry to
 * a results stream.
 *
 * Threads and connections (hiredis contexts are single-threaded, so each
 * thread has its own):
 *   - the runtime's reader thread calls next_record(): XAUTOCLAIM (entries
 *     idle too long, from dead workers) and XREADGROUP BLOCK (new ones);
 *   - the thread calling glossa_run() gets the results in input order
 *     (sink_write/sink_flush): XADD to the results stream, then XACK;
 *   - the lease thread renews, every claim_idle/3, the claim on every
 *     entry this worker holds (XCLAIM ... JUSTID, which resets the idle
 *     time without counting a delivery), so that live workers never lose
 *     entries to XAUTOCLAIM however slow a document is, and dead workers'
 *     entries are taken over claim_idle after they died.
 *
 * Delivery is at least once: an entry is acknowledged only after its
 * result is in the results stream, so a worker that dies between the two
 * leaves an entry that another worker annotates again. Each result names
 * its input entry ("entry"), and `glossa merge --redis` keeps one result
 * per input entry.
 *
 * `held` lists the entries read and not yet acknowledged, in the order
 * they were read, which is the order the runtime hands their results back
 * in; its first n_written have a result waiting in `results`. Only `held`
 * is shared between threads (under `lock`). What is wrong with an entry
 * (entry.h) rides along in `held` to its result: the runtime annotates
 * the entry's text, and the sink puts the entry's notes first in the
 * record's errors (or, for an entry without text, makes them the
 * record's only errors), so the record says what a JSONL record would.
 *
 * The files of the command:
 *   cmd_worker.c    options, connections, the run and its summary
 *   worker_read.c   the reader thread
 *   worker_write.c  the thread running glossa_run()
 *   worker_lease.c  the lease thread
 * Functions they share are named glossa_cli_worker__*. */
#ifndef GLOSSA_CLI_WORKER_H
#define GLOSSA_CLI_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <glossa/glossa.h>

#include "entry.h"
#include "redis.h"

/* A batch of results is written when it has this many, or this many
 * bytes. */
#define RESULTS_BATCH 64
#define RESULTS_BATCH_BYTES ((size_t)4 << 20)

typedef struct doc {
    glossa_cli_entry_t e;
    int suspect; /* delivered before: its last worker stopped on it */
} doc_t;

/* An entry read and not yet acknowledged. */
typedef struct held {
    char *entry;   /* stream entry id */
    json_t *notes; /* NULL, or the error entries its record starts with */
    int refused;   /* no text: its record carries its notes only */
} held_t;

typedef struct result {
    char *entry, *id, *line;
    size_t len;
} result_t;

typedef struct worker {
    /* Settings. */
    const char *stream, *group, *results;
    char consumer[256];
    int block_ms, count, claim_idle_ms, max_deliveries, until_empty, quiet;
    atomic_int draining;

    /* Reader thread. */
    glossa_cli_redis_t in;
    doc_t *docs;
    size_t n_docs, doc_i, cap_docs;
    doc_t current; /* handed out last, kept until the next call */
    double last_claim;
    int claim_again; /* the last claim found entries: look for more now */
    char claim_cursor[64];
    uint64_t claimed, poisoned;

    /* Shared: entries read and not yet acknowledged. */
    pthread_mutex_t lock;
    pthread_cond_t acked_cond; /* signalled when entries are acknowledged */
    held_t *held;
    size_t n_held, cap_held, n_written;
    uint64_t n_handed, n_acked; /* handed to the runtime, acknowledged */
    int after_suspect;          /* reader thread: last handed was a suspect */

    /* The thread running glossa_run(). */
    glossa_cli_redis_t out;
    result_t *res;
    size_t n_res, res_bytes;
    uint64_t done;

    /* Lease thread. */
    glossa_cli_redis_t lease;
    pthread_t lease_thread;
    pthread_mutex_t lease_lock;
    pthread_cond_t lease_cond;
    int lease_stop;
    int lease_started;
    atomic_int lease_quit; /* the lease connection stops reconnecting */
} worker_t;

/* ---- worker_read.c (the reader thread) ---- */

/* The source callback (glossa_source_from_callback; ud is the worker):
 * hands the runtime the next entry, reading new entries and taking over
 * those of stopped workers as needed. */
int glossa_cli_worker__next_record(void *ud, glossa_record_t *rec);
/* Creates the consumer group (and the stream) unless it exists. Returns 0
 * or -1 after printing why. */
int glossa_cli_worker__create_group(glossa_cli_redis_t *r, const worker_t *w);
/* Frees what d holds and zeroes it. */
void glossa_cli_worker__doc_free(doc_t *d);
/* Frees what h holds. */
void glossa_cli_worker__held_free(held_t *h);

/* ---- worker_write.c (the thread running glossa_run()) ---- */

/* The sink handing results to the results stream, in batches. */
glossa_sink_t glossa_cli_worker__sink(worker_t *w);
/* Adds the waiting results to the results stream, then acknowledges their
 * entries. Returns 0, GLOSSA_EIO (printed) or GLOSSA_ENOMEM. */
int glossa_cli_worker__flush_results(worker_t *w);
/* Drops the waiting results. */
void glossa_cli_worker__results_clear(worker_t *w);

/* ---- worker_lease.c (the lease thread) ---- */

/* Starts the thread renewing the claims on the entries held. If it cannot
 * start, the worker goes on without: its entries may then be taken over
 * by other workers after claim_idle, and annotated twice. */
void glossa_cli_worker__lease_start(worker_t *w);
/* Stops it and waits for it; nothing if it did not start. */
void glossa_cli_worker__lease_stop(worker_t *w);

#endif
