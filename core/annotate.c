/* Running one plugin on one document: the call, its time, the layer's
 * size limit, then the checks of merge.c. Pool thread, or a worker
 * process in isolation mode. */
#include <stdio.h>

#include "alloc.h"
#include "runtime_int.h"

static void fail_unit(glossa__unit_t *u, int code, const char *msg)
{
    u->status = GLOSSA__UNIT_FAILED;
    glossa__layer_free(u->layer);
    json_decref(u->document);
    u->layer = NULL;
    u->document = NULL;
    if (!u->error)
        u->error = glossa__strdup(msg);
    u->error_code = code;
}

static void execute(glossa__unit_t *u)
{
    const glossa__step_t *step = u->step;
    uint64_t t0 = uv_hrtime();
    glossa__set_current_step(step);
    glossa__set_current_unit(u); /* for the crash report (crash.c) */
    int rc = step->type->desc.annotate(step->state, u);
    glossa__set_current_unit(NULL);
    glossa__set_current_step(NULL);
    u->nanos = uv_hrtime() - t0;
    size_t cap = u->rt->opts.max_layer_bytes;
    /* The cap first: a plugin whose span_add() was refused usually fails
     * with a message of its own that hides the reason. */
    if (u->approx_bytes > cap) {
        char msg[256];
        snprintf(msg, sizeof(msg),
                 "output on this document exceeds the limit of %zu bytes "
                 "(--max-layer-bytes); layer dropped",
                 cap);
        glossa__free(u->error);
        u->error = NULL;
        fail_unit(u, GLOSSA_ETOOBIG, msg);
        return;
    }
    if (rc != 0) {
        char msg[128];
        snprintf(msg, sizeof(msg),
                 "annotate() returned %d without giving a reason", rc);
        fail_unit(u, u->error_code ? u->error_code : GLOSSA_EPLUGIN, msg);
        return;
    }
    if (!u->layer && !(u->layer = glossa__layer_new())) {
        fail_unit(u, GLOSSA_ENOMEM, "out of memory");
        return;
    }
    if (glossa__unit_check_spans(u)) {
        fail_unit(u, GLOSSA_ENOMEM, "out of memory");
        return;
    }
    u->status = GLOSSA__UNIT_DONE;
}

void glossa__unit_execute(glossa__unit_t *u)
{
    execute(u);
    glossa__unit_release_layers(u);
}
