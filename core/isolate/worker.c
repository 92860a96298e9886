/* A worker of isolation mode (worker.h): runs one unit (one plugin on
 * one document) per request, with the same code as in-process mode:
 * preparation, the host table, span checks. Whatever a plugin does to a
 * worker (crash, hang, leak) stays there. */
#include "worker.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "strbuf.h"

/* Reals go over the wire with full precision, so that the supervisor
 * prints exactly what an in-process run prints. */
#define WIRE_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

static void note_taken(glossa__worker_progress_t *progress)
{
    if (!progress)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    atomic_store_explicit(&progress->taken_ns,
                          (uint64_t)now.tv_sec * 1000000000u +
                              (uint64_t)now.tv_nsec,
                          memory_order_relaxed);
    atomic_fetch_add_explicit(&progress->taken, 1, memory_order_release);
}

/* ---- Memory ------------------------------------------------------------ */

/* A worker under an address-space limit (--worker-memory) watches its
 * own size between units: past three quarters of the room it had when
 * it started, it asks to be replaced (RETIRE) before it takes another
 * unit, so that a leaking plugin costs a fork now and then instead of
 * failing every later document. Only a document that alone needs more
 * than the room left fails. */
typedef struct memory_watch {
    int statm;          /* /proc/self/statm, or -1: not watching */
    uint64_t retire_at; /* bytes of address space */
} memory_watch_t;

/* The process's address space in bytes (what RLIMIT_AS limits), or 0. */
static uint64_t address_space(int statm)
{
    char buf[128];
    ssize_t n = pread(statm, buf, sizeof(buf) - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long long pages = strtoull(buf, NULL, 10);
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void memory_watch_start(memory_watch_t *mw)
{
    mw->statm = -1;
    mw->retire_at = 0;
    struct rlimit lim;
    if (getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
        return;
    mw->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    uint64_t now = mw->statm >= 0 ? address_space(mw->statm) : 0;
    if (now == 0 || now >= (uint64_t)lim.rlim_cur) {
        if (mw->statm >= 0)
            close(mw->statm);
        mw->statm = -1;
        return;
    }
    mw->retire_at = now + ((uint64_t)lim.rlim_cur - now) / 4 * 3;
}

static int memory_watch_full(const memory_watch_t *mw)
{
    return mw->statm >= 0 && address_space(mw->statm) > mw->retire_at;
}

/* A string as a message part (empty for NULL). */
static glossa__bytes_t as_bytes(const char *s)
{
    return (glossa__bytes_t){s ? s : "", s ? (uint32_t)strlen(s) : 0};
}

/* Appends a failed RESULT that carries only its code and message. */
static int append_failure(glossa__strbuf_t *out, int code, const char *why)
{
    glossa__unit_result_t r = {.code = code, .error = as_bytes(why)};
    return glossa__unit_result_append(out, &r);
}

/* Whether a JSON value holds a real anywhere (then the supervisor must
 * re-format it for output, which prints reals with 10 digits). */
static int has_reals(const json_t *v)
{
    size_t i;
    const char *key;
    json_t *item;
    if (!v)
        return 0;
    switch (json_typeof(v)) {
    case JSON_REAL:
        return 1;
    case JSON_ARRAY:
        json_array_foreach(v, i, item) if (has_reals(item)) return 1;
        return 0;
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key,
                            item) if (has_reals(item)) return 1;
        return 0;
    default:
        return 0;
    }
}

/* A layer value as text: the output's canonical form, or Jansson's with
 * reals in full precision. A new string, or NULL when out of memory. */
static char *layer_text(const json_t *value, int full_precision)
{
    if (full_precision)
        return json_dumps(value, WIRE_FLAGS);
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__strbuf_put_json(&sb, value);
    if (sb.failed) {
        glossa__strbuf_free(&sb);
        return NULL;
    }
    return glossa__strbuf_detach(&sb, NULL);
}

/* The spans of a layer as text, as layer_text() writes a value. */
static char *spans_text(const glossa__layer_t *layer, int full_precision)
{
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__layer_write(&sb, layer, full_precision);
    if (sb.failed) {
        glossa__strbuf_free(&sb);
        return NULL;
    }
    return glossa__strbuf_detach(&sb, NULL);
}

/* The documents of earlier UNITs, kept for later ones: the supervisor
 * sends a document's text, tokens and sentences once, into a slot, and
 * marks the following units of the same document "same" (protocol.h). A
 * slot is NULL when empty, or when building its document failed. */
typedef struct {
    glossa__doc_t *doc[GLOSSA__WORKER_DOC_SLOTS];
} doc_cache_t;

/* Makes the document of a UNIT that carries it (not UNIT_SAME). */
static glossa__doc_t *doc_from_request(glossa_runtime_t *rt,
                                       const glossa__unit_request_t *r)
{
    glossa__doc_t *doc = glossa__doc_new();
    if (!doc)
        return NULL;
    /* The document as the supervisor prepared it. */
    doc->raw_kind = GLOSSA__RAW_TEXT;
    doc->raw = glossa__strndup(r->text.data, r->text.len);
    doc->raw_len = doc->input_bytes = doc->len = r->text.len;
    doc->text = doc->raw;
    doc->id = glossa__strndup(r->id.data, r->id.len);
    doc->origin = glossa__strdup(doc->id ? doc->id : "");
    /* The input's metadata may hold NUL bytes (as "\u0000"). */
    json_t *meta = r->meta.len ? json_loadb(r->meta.data, r->meta.len,
                                            JSON_ALLOW_NUL, NULL)
                               : NULL;
    doc->meta = json_is_object(meta) ? json_incref(meta) : json_object();
    json_decref(meta);
    if (!doc->raw || !doc->id || !doc->origin || !doc->meta ||
        glossa__doc_segment(doc, SIZE_MAX) ||
        glossa__doc_make_units(rt, doc, NULL))
        goto oom;
    return doc;
oom:
    glossa__doc_free(doc);
    return NULL;
}

/* Puts the required layers a request carries into the document's units,
 * as if this worker had run their steps. A required layer is in the
 * request unless this worker ran that step on this document itself: then
 * it still has the result (the supervisor knows, and leaves it out).
 * -1 when the layers are not valid JSON, -2 when out of memory. */
static int take_layers(glossa__doc_t *doc, const glossa__step_t *step,
                       glossa__bytes_t text)
{
    if (step->n_requires == 0)
        return 0;
    json_t *layers = text.len
                         ? json_loadb(text.data, text.len, JSON_ALLOW_NUL, NULL)
                         : json_object();
    if (!json_is_object(layers)) {
        json_decref(layers);
        return -1;
    }
    for (size_t r = 0; r < step->n_requires; r++) {
        glossa__unit_t *req = &doc->units[step->requires[r]];
        json_t *l = json_object_get(layers, req->step->layer);
        if (!l && req->status == GLOSSA__UNIT_DONE)
            continue;
        glossa__unit_clear(req);
        json_t *layer_spans = json_object_get(l, "spans");
        json_t *layer_document = json_object_get(l, "document");
        json_t *empty = json_is_array(layer_spans) ? NULL : json_array();
        req->layer = glossa__layer_from_json(doc, empty ? empty : layer_spans);
        json_decref(empty);
        if (!req->layer) {
            json_decref(layers);
            return -2;
        }
        req->document =
            json_is_object(layer_document) ? json_incref(layer_document) : NULL;
        req->status = GLOSSA__UNIT_DONE;
    }
    json_decref(layers);
    return 0;
}

#define NO_MEMORY "out of memory in the worker process"

/* Runs one UNIT request and appends its RESULT to out. -1 when even the
 * RESULT cannot be made (out of memory): the worker then exits. */
static int run_unit(glossa_runtime_t *rt, doc_cache_t *cache,
                    const char *payload, uint32_t len, glossa__strbuf_t *out)
{
    glossa__unit_request_t req;
    if (glossa__unit_request_parse(payload, len, &req) ||
        req.step >= rt->n_steps || req.slot >= GLOSSA__WORKER_DOC_SLOTS)
        return append_failure(out, GLOSSA_EINVAL, "malformed request");
    for (unsigned k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++) {
        if (req.drop & (1u << k)) {
            glossa__doc_free(cache->doc[k]);
            cache->doc[k] = NULL;
        }
    }
    uint64_t prepare_nanos = 0;
    if (!(req.flags & GLOSSA__UNIT_SAME)) {
        uint64_t t0 = uv_hrtime();
        glossa__doc_free(cache->doc[req.slot]);
        cache->doc[req.slot] = doc_from_request(rt, &req);
        prepare_nanos = uv_hrtime() - t0;
    }
    glossa__doc_t *doc = cache->doc[req.slot];
    if (!doc) /* building it failed, now or earlier */
        return append_failure(out, GLOSSA_ENOMEM, NO_MEMORY);
    const glossa__step_t *step = rt->steps[req.step];
    int taken = take_layers(doc, step, req.layers);
    if (taken == -2)
        return append_failure(out, GLOSSA_ENOMEM, NO_MEMORY);
    if (taken)
        return append_failure(out, GLOSSA_EINVAL,
                              "malformed layers in a request");
    glossa__unit_t *u = &doc->units[req.step];
    glossa__unit_clear(u);
    u->status = GLOSSA__UNIT_RUNNING;
    glossa__unit_execute(u);
    int done = u->status == GLOSSA__UNIT_DONE;
    /* The layer goes as text, written once here. In the output's form
     * (reals with 10 digits), which the supervisor splices as it is,
     * unless a later step reads this layer and it holds reals: then in
     * full precision, so that the dependent sees what it would see in
     * process, and the supervisor re-formats it for the output. */
    int full_precision =
        done && step->n_dependents > 0 &&
        (glossa__layer_has_reals(u->layer) || has_reals(u->document));
    glossa__unit_result_t result = {
        .flags = (done ? GLOSSA__RESULT_DONE : 0) |
                 (full_precision ? GLOSSA__RESULT_REALS : 0),
        .code = u->error_code,
        .nanos = u->nanos,
        .prepare_nanos = prepare_nanos};
    char *warnings = u->warnings ? json_dumps(u->warnings, WIRE_FLAGS) : NULL;
    char *spans = done ? spans_text(u->layer, full_precision) : NULL;
    char *document =
        done && u->document ? layer_text(u->document, full_precision) : NULL;
    int rc;
    if ((u->warnings && !warnings) || (done && !spans) ||
        (done && u->document && !document)) {
        rc = append_failure(out, GLOSSA_ENOMEM, NO_MEMORY);
    } else {
        result.error = as_bytes(u->error);
        result.warnings = as_bytes(warnings);
        result.spans = as_bytes(spans);
        result.document = as_bytes(document);
        rc = glossa__unit_result_append(out, &result);
    }
    glossa__free(warnings);
    glossa__free(spans);
    glossa__free(document);
    return rc;
}

/* Results held back for one write are sent once this many bytes wait. */
#define FLUSH_BYTES ((size_t)4 << 20)

/* Sends what is left of out, then RETIRE, then waits for the supervisor
 * to close the socket (it sends no more once it has read RETIRE; the
 * units it sent before are not taken, and it gives them to another
 * worker). */
static int retire_worker(int fd, glossa__strbuf_t *out,
                         glossa__frame_reader_t *in)
{
    static const char retire_frame[4] = {0, 0, 0, 0}; /* empty payload */
    if ((out->len && glossa__write_all(fd, out->data, out->len)) ||
        glossa__write_all(fd, retire_frame, sizeof(retire_frame)))
        return 1;
    const char *payload;
    uint32_t len;
    int got;
    while ((got = glossa__frame_next(in, &payload, &len)) > 0)
        ; /* not taken */
    return got < 0;
}

/* Serves UNITs on fd, as a worker forked by the zygote: READY, then one
 * RESULT per UNIT, until the supervisor closes the socket (or, near its
 * memory limit, RETIRE). */
int glossa__worker_serve(glossa_runtime_t *rt, int fd,
                         glossa__worker_progress_t *progress)
{
    if (glossa__frame_send_json(fd, json_pack("{s:b}", "ok", 1)))
        return 1;
    glossa__frame_reader_t in = {.fd = fd};
    const char *payload = NULL;
    uint32_t len = 0;
    int rc = 0;
    doc_cache_t cache = {{NULL}};
    glossa__strbuf_t out = GLOSSA__STRBUF_INIT;
    memory_watch_t memory;
    memory_watch_start(&memory);
    uint64_t units_run = 0;
    for (;;) {
        /* Results wait while two requests or more do, so that the
         * supervisor wakes once for several units, but go before the last
         * one runs, so that it sends more meanwhile. Without the progress
         * page each result goes at once (protocol.h). */
        int waiting = glossa__frame_poll(&in, 2);
        if (waiting < 0) {
            rc = 1;
            break;
        }
        if (out.len && (!progress || waiting <= 1 || out.len >= FLUSH_BYTES)) {
            if (glossa__write_all(fd, out.data, out.len)) {
                rc = 1;
                break;
            }
            glossa__strbuf_reset(&out);
        }
        int got = glossa__frame_next(&in, &payload, &len);
        if (got == 0)
            break; /* the supervisor is done with us */
        if (got < 0) {
            rc = 1;
            break;
        }
        /* At least one unit per worker, so that replacing always gets on;
         * the progress page tells the supervisor which units were taken. */
        if (progress && units_run > 0 && memory_watch_full(&memory)) {
            rc = retire_worker(fd, &out, &in);
            break;
        }
        note_taken(progress);
        units_run++;
        if (run_unit(rt, &cache, payload, len, &out)) {
            rc = 1;
            break;
        }
    }
    if (memory.statm >= 0)
        close(memory.statm);
    glossa__strbuf_free(&out);
    glossa__frame_reader_free(&in);
    for (int k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
        glossa__doc_free(cache.doc[k]);
    return rc;
}
