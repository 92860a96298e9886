/* The progress line on stderr: documents, MB, rate and ETA, redrawn in
 * place. Only drawn when enabled (stderr is a terminal, or --progress). */
#ifndef GLOSSA_CLI_PROGRESS_H
#define GLOSSA_CLI_PROGRESS_H

#include <glossa/runtime.h>

typedef struct glossa_progress {
    int enabled;
    int drawn;
} glossa_progress_t;

void glossa_progress_init(glossa_progress_t *p, int enabled);
/* A glossa_progress_cb; ud is the glossa_progress_t. */
void glossa_progress_update(void *ud, const glossa_run_stats_t *now,
                            int64_t total_bytes);
/* Clears the line. */
void glossa_progress_finish(glossa_progress_t *p);

#endif
