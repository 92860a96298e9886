/* Isolation mode: plugins run in worker processes (worker.c), forked by
 * the zygote (zygote.c) and supervised on the run's libuv loop
 * (supervisor.c). The scheduler hands units here instead of to the
 * thread pool; each comes back through `done`, finished, failed, or failed
 * because its worker died or timed out twice. */
#ifndef GLOSSA_CORE_ISOLATE_H
#define GLOSSA_CORE_ISOLATE_H

#include <uv.h>

#include "runtime_int.h"

typedef struct glossa__isolation glossa__isolation_t;

typedef struct glossa__isolation_callbacks {
    void *ud;
    /* A unit is over (status DONE or FAILED). Loop thread. */
    void (*done)(void *ud, glossa__unit_t *unit);
    /* Workers cannot be started: the run cannot go on. */
    void (*fatal)(void *ud, int code, const char *message);
} glossa__isolation_callbacks_t;

/* Starts rt->opts.threads workers on loop, forked by `zygote` (taken,
 * whatever the outcome; NULL: a new one is started first, blocking).
 * Returns 0, or a negative code with err filled; *out is set when the
 * loop holds handles of it even so: then stop it and free it as a
 * started one. */
int glossa__isolation_start(glossa__isolation_t **out, uv_loop_t *loop,
                            const glossa_runtime_t *rt,
                            struct glossa__zygote *zygote,
                            const glossa__isolation_callbacks_t *cb,
                            glossa_error_t *err);

/* Queues a unit; it runs on the next idle worker. */
void glossa__isolation_submit(glossa__isolation_t *iso, glossa__unit_t *unit);

/* Ends the workers and closes every handle; the loop then runs out. Units
 * still queued or running fail. */
void glossa__isolation_stop(glossa__isolation_t *iso);

/* Frees what is left after the loop has run out. NULL allowed. */
void glossa__isolation_free(glossa__isolation_t *iso);

#endif
