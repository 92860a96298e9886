/* The supervisor's side of the zygote (zygote.c, protocol.h): the process
 * that loads the pipeline, creates its plugin instances once and forks
 * the workers of a run.
 *
 * Lifecycle: glossa__zygote_spawn() starts it and waits until it has
 * created every instance (prepare() does this, so that a plugin that
 * refuses its configuration stops the program before any input is read,
 * as in process). A run attaches it to its loop, asks it for workers and
 * learns of their exits; at the end of the run glossa__zygote_detach()
 * closes its control socket (it kills the workers left and exits) and
 * glossa__zygote_free() reaps it. A zygote serves one run. */
#ifndef GLOSSA_CORE_ISOLATE_ZYGOTE_LINK_H
#define GLOSSA_CORE_ISOLATE_ZYGOTE_LINK_H

#include <stdint.h>

#include <uv.h>

#include "protocol.h"
#include "runtime_int.h"

typedef struct glossa__zygote glossa__zygote_t;

/* Starts a zygote for rt's steps with n_slots worker slots and waits for
 * its READY. Returns 0, or the error the zygote reported (the
 * glossa_error_t an in-process prepare() would give), or GLOSSA_ECRASHED
 * when it died or could not be started. Blocking; never on a loop
 * thread that must stay responsive. */
int glossa__zygote_spawn(const glossa_runtime_t *rt, unsigned n_slots,
                         glossa__zygote_t **out, glossa_error_t *err);

/* Slot k's progress page (protocol.h), shared with the worker forked for
 * it; NULL when the pages could not be made (workers then send each
 * result at once). */
glossa__worker_progress_t *glossa__zygote_progress(glossa__zygote_t *z,
                                                   unsigned slot);

/* What the zygote reports during a run. Loop thread. */
typedef struct glossa__zygote_events {
    void *ud;
    /* FORKED: slot's worker is pid (0: it could not be made); its socket
     * is then taken with glossa__zygote_accept(). */
    void (*forked)(void *ud, uint32_t slot, uint32_t pid);
    /* EXITED: a worker's process has ended. */
    void (*exited)(void *ud, uint32_t pid, uint32_t status,
                   uint32_t term_signal);
    /* The zygote itself died (never called after detach). */
    void (*died)(void *ud, int64_t status, int term_signal);
} glossa__zygote_events_t;

/* Reads the zygote's reports on loop from now on. 0 or a libuv error. */
int glossa__zygote_attach(glossa__zygote_t *z, uv_loop_t *loop,
                          const glossa__zygote_events_t *events);

/* Whether the zygote can still take requests. */
int glossa__zygote_alive(const glossa__zygote_t *z);

/* FORK and KILL requests. 0, or a libuv error when the zygote cannot be
 * asked (gone). */
int glossa__zygote_fork(glossa__zygote_t *z, uint32_t slot);
int glossa__zygote_kill(glossa__zygote_t *z, uint32_t pid);

/* Takes the socket that came with the last FORKED into `pipe` (already
 * initialised on the loop). 0 or a libuv error. */
int glossa__zygote_accept(glossa__zygote_t *z, uv_pipe_t *pipe);

/* Stops reading and closes the control socket: the zygote kills the
 * workers left and exits. Loop thread; its handle closes on the loop. */
void glossa__zygote_detach(glossa__zygote_t *z);

/* Waits for the process to end (killing it if it does not, after a
 * while), unmaps the progress pages and frees. NULL allowed. After the
 * loop has run out when it was attached. */
void glossa__zygote_free(glossa__zygote_t *z);

/* The name of a signal ("SIGKILL"), for messages. */
const char *glossa__signal_name(int sig);

#endif
