/* A worker process of isolation mode (protocol.h), forked by the zygote
 * (zygote.c) for one slot of a run. It shares the zygote's plugin
 * instances and serves UNITs on its own socket. */
#ifndef GLOSSA_CORE_ISOLATE_WORKER_H
#define GLOSSA_CORE_ISOLATE_WORKER_H

#include "protocol.h"
#include "runtime_int.h"

/* Serves UNITs on fd: READY, then one RESULT per UNIT, until the
 * supervisor closes the socket. progress: the slot's shared page, or
 * NULL (then each result goes at once). Returns the process's exit
 * status. */
int glossa__worker_serve(glossa_runtime_t *rt, int fd,
                         glossa__worker_progress_t *progress);

#endif
