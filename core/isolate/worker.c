/* The processes of isolation mode (see protocol.h and isolate.c): the
 * zygote, which loads the same pipeline as its supervisor and forks the
 * workers, and the workers, which run one unit (one plugin on one
 * document) per request, with the same code as in-process mode:
 * preparation, the host table, span checks. Whatever a plugin does to a
 * worker (crash, hang, leak) stays there. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "protocol.h"
#include "runtime_int.h"
#include "strbuf.h"

/* Reals go over the wire with full precision, so that the supervisor
 * prints exactly what an in-process run prints. */
#define WIRE_FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

static int send_json(int fd, json_t *msg)
{
    char *text = json_dumps(msg, WIRE_FLAGS);
    json_decref(msg);
    if (!text)
        return -1;
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
    int rc = glossa__frame_append(&frame, text, strlen(text));
    if (rc == 0)
        rc = glossa__write_all(fd, frame.data, frame.len);
    glossa__strbuf_free(&frame);
    glossa__free(text);
    return rc;
}

/* The progress page the supervisor shares (protocol.h), or NULL. */
static glossa__worker_progress_t *map_progress(void)
{
    void *page =
        mmap(NULL, sizeof(glossa__worker_progress_t), PROT_READ | PROT_WRITE,
             MAP_SHARED, GLOSSA__WORKER_PROGRESS_FD, 0);
    return page == MAP_FAILED ? NULL : page;
}

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

/* Loads the pipeline the INIT message names; *n_progress is the number
 * of progress pages the supervisor shares (one per worker slot, from fd
 * 4 on), 0 when it shares none. */
static glossa_runtime_t *start(const char *payload, uint32_t len,
                               unsigned *n_progress, char *why, size_t why_size)
{
    json_error_t jerr;
    json_t *init = json_loadb(payload, len, 0, &jerr);
    json_t *options = json_object_get(init, "options");
    json_t *steps = json_object_get(init, "steps");
    if (!json_is_object(options) || !json_is_array(steps) ||
        json_integer_value(json_object_get(init, "version")) !=
            GLOSSA__PROTOCOL_VERSION) {
        snprintf(why, why_size, "bad INIT message: %s",
                 init ? "unexpected content" : jerr.text);
        json_decref(init);
        return NULL;
    }
    json_int_t pages = json_integer_value(json_object_get(init, "progress"));
    *n_progress = pages > 0 && pages <= 4096 ? (unsigned)pages : 0;
    json_int_t memory =
        json_integer_value(json_object_get(options, "memory_limit"));
    if (memory > 0) {
        struct rlimit lim = {(rlim_t)memory, (rlim_t)memory};
        setrlimit(RLIMIT_AS, &lim);
    }
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 1;
    o.max_doc_bytes =
        (size_t)json_integer_value(json_object_get(options, "max_doc_bytes"));
    o.max_layer_bytes =
        (size_t)json_integer_value(json_object_get(options, "max_layer_bytes"));
    o.log_level = (glossa_log_level_t)json_integer_value(
        json_object_get(options, "log_level"));
    glossa_runtime_t *rt = NULL;
    glossa_error_t err;
    int rc = glossa_runtime_new(&o, &rt, &err);
    size_t i;
    json_t *step;
    json_array_foreach(steps, i, step)
    {
        if (rc)
            break;
        rc = glossa_runtime_add_plugin(
            rt, json_string_value(json_object_get(step, "path")),
            json_object_get(step, "config"),
            json_string_value(json_object_get(step, "layer")), &err);
    }
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, &err);
    json_decref(init);
    if (rc) {
        glossa_error_format(&err, why, why_size);
        glossa_runtime_free(rt);
        return NULL;
    }
    return rt;
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
    json_t *meta =
        r->meta.len ? json_loadb(r->meta.data, r->meta.len, 0, NULL) : NULL;
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
 * -1 when the layers are not valid JSON. */
static int take_layers(glossa__doc_t *doc, const glossa__step_t *step,
                       glossa__bytes_t text)
{
    if (step->n_requires == 0)
        return 0;
    json_t *layers =
        text.len ? json_loadb(text.data, text.len, 0, NULL) : json_object();
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
        req->spans = json_is_array(layer_spans) ? json_incref(layer_spans)
                                                : json_array();
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
    if (take_layers(doc, step, req.layers))
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
    int full_precision = done && step->n_dependents > 0 &&
                         (has_reals(u->spans) || has_reals(u->document));
    glossa__unit_result_t result = {
        .flags = (done ? GLOSSA__RESULT_DONE : 0) |
                 (full_precision ? GLOSSA__RESULT_REALS : 0),
        .code = u->error_code,
        .nanos = u->nanos,
        .prepare_nanos = prepare_nanos};
    char *warnings = u->warnings ? json_dumps(u->warnings, WIRE_FLAGS) : NULL;
    char *spans = done ? layer_text(u->spans, full_precision) : NULL;
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

/* Serves UNITs on fd, as a worker forked by the zygote: READY, then one
 * RESULT per UNIT, until the supervisor closes the socket. */
static int serve(glossa_runtime_t *rt, int fd,
                 glossa__worker_progress_t *progress)
{
    if (send_json(fd, json_pack("{s:b}", "ok", 1)))
        return 1;
    glossa__frame_reader_t in = {.fd = fd};
    const char *payload = NULL;
    uint32_t len = 0;
    int rc = 0;
    doc_cache_t cache = {{NULL}};
    glossa__strbuf_t out = GLOSSA__STRBUF_INIT;
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
        note_taken(progress);
        if (run_unit(rt, &cache, payload, len, &out)) {
            rc = 1;
            break;
        }
    }
    glossa__strbuf_free(&out);
    glossa__frame_reader_free(&in);
    for (int k = 0; k < GLOSSA__WORKER_DOC_SLOTS; k++)
        glossa__doc_free(cache.doc[k]);
    return rc;
}

/* ---- The zygote ---------------------------------------------------------
 * The process the supervisor starts loads the pipeline once and forks
 * every worker from itself (protocol.h): the workers share the loaded
 * models' pages and start at once. It stays single-threaded, which is
 * what makes fork() safe here. */

typedef struct zygote {
    glossa_runtime_t *rt;
    glossa__frame_reader_t *in;
    int signals; /* signalfd for SIGCHLD */
    sigset_t old_mask;
    unsigned n_progress; /* progress pages, one per worker slot */
    pid_t *children;     /* forked and not yet reaped */
    size_t n_children, cap_children;
} zygote_t;

static int send_exited(int fd, pid_t pid, int status)
{
    const uint32_t args[3] = {
        (uint32_t)pid, WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) : 0,
        WIFSIGNALED(status) ? (uint32_t)WTERMSIG(status) : 0};
    unsigned char frame[GLOSSA__CONTROL_FRAME_MAX];
    size_t len = glossa__control_frame(frame, GLOSSA__ZYGOTE_EXITED, args, 3);
    return glossa__write_all(fd, frame, len);
}

/* FORKED, with the supervisor's end of the worker's socket attached; pid
 * 0 and sock -1 when the worker could not be made. */
static int send_forked(int fd, uint32_t slot, pid_t pid, int sock)
{
    const uint32_t args[2] = {slot, (uint32_t)pid};
    unsigned char frame[GLOSSA__CONTROL_FRAME_MAX];
    size_t len = glossa__control_frame(frame, GLOSSA__ZYGOTE_FORKED, args, 2);
    if (sock < 0)
        return glossa__write_all(fd, frame, len);
    struct iovec iov = {frame, len};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sock, sizeof(int));
    ssize_t sent;
    while ((sent = sendmsg(fd, &msg, 0)) < 0 && errno == EINTR)
        ;
    return sent == (ssize_t)len ? 0 : -1;
}

/* In the child: the worker of `slot`, on its own socket as fd 3 and its
 * slot's progress page as fd 4. Does not return. */
static void become_worker(zygote_t *z, int sock, uint32_t slot)
{
    sigprocmask(SIG_SETMASK, &z->old_mask, NULL);
    close(z->signals);
    glossa__frame_reader_free(z->in); /* the zygote's; fd 3 goes below */
    glossa__free(z->children);
    int rc = dup2(sock, GLOSSA__WORKER_FD) < 0;
    close(sock);
    glossa__worker_progress_t *progress = NULL;
    if (!rc && z->n_progress) {
        if (slot != 0)
            dup2(GLOSSA__WORKER_PROGRESS_FD + (int)slot,
                 GLOSSA__WORKER_PROGRESS_FD);
        for (unsigned i = 1; i < z->n_progress; i++)
            close(GLOSSA__WORKER_PROGRESS_FD + (int)i);
        progress = map_progress();
    }
    if (!rc)
        rc = serve(z->rt, GLOSSA__WORKER_FD, progress);
    if (progress)
        munmap(progress, sizeof(*progress));
    glossa_runtime_free(z->rt);
    exit(rc);
}

static void fork_worker(zygote_t *z, int control, uint32_t slot)
{
    if (slot >= z->n_progress && z->n_progress)
        return; /* not a slot of this run: ignore */
    if (z->n_children == z->cap_children) {
        size_t cap = z->cap_children ? 2 * z->cap_children : 8;
        pid_t *grown = glossa__realloc(z->children, cap * sizeof(pid_t));
        if (!grown) {
            send_forked(control, slot, 0, -1);
            return;
        }
        z->children = grown;
        z->cap_children = cap;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        send_forked(control, slot, 0, -1);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        become_worker(z, sv[1], slot);
    }
    close(sv[1]);
    if (pid > 0) {
        z->children[z->n_children++] = pid;
        send_forked(control, slot, pid, sv[0]);
    } else {
        send_forked(control, slot, 0, -1);
    }
    close(sv[0]);
}

/* Kills a worker the zygote forked and has not reaped yet: a reaped one's
 * pid may already name another process. */
static void kill_worker(zygote_t *z, pid_t pid)
{
    for (size_t i = 0; i < z->n_children; i++)
        if (z->children[i] == pid)
            kill(pid, SIGKILL);
}

static int reap(zygote_t *z, int control)
{
    struct signalfd_siginfo si;
    while (read(z->signals, &si, sizeof(si)) == (ssize_t)sizeof(si))
        ;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < z->n_children; i++) {
            if (z->children[i] == pid) {
                z->children[i] = z->children[--z->n_children];
                break;
            }
        }
        if (send_exited(control, pid, status))
            return -1;
    }
    return 0;
}

/* Serves FORK and KILL requests until the supervisor closes the control
 * socket; then ends every worker left. */
static int zygote_main(zygote_t *z, int control)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &z->old_mask);
    z->signals = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (z->signals < 0)
        return 1;
    int rc = 0;
    for (;;) {
        int ready = glossa__frame_poll(z->in, 1);
        if (ready < 0) {
            rc = 1;
            break;
        }
        if (ready == 0 && z->in->eof)
            break; /* the supervisor is done */
        if (ready == 0) {
            struct pollfd p[2] = {{.fd = control, .events = POLLIN},
                                  {.fd = z->signals, .events = POLLIN}};
            if (poll(p, 2, -1) < 0 && errno != EINTR) {
                rc = 1;
                break;
            }
            if ((p[1].revents & POLLIN) && reap(z, control)) {
                rc = 1;
                break;
            }
            continue;
        }
        const char *payload;
        uint32_t len;
        if (glossa__frame_next(z->in, &payload, &len) != 1) {
            rc = 1;
            break;
        }
        if (len != 8)
            continue; /* not a request of this protocol */
        uint32_t what = glossa__get_u32((const unsigned char *)payload);
        uint32_t arg = glossa__get_u32((const unsigned char *)payload + 4);
        if (what == GLOSSA__ZYGOTE_FORK)
            fork_worker(z, control, arg);
        else if (what == GLOSSA__ZYGOTE_KILL)
            kill_worker(z, (pid_t)arg);
    }
    for (size_t i = 0; i < z->n_children; i++)
        kill(z->children[i], SIGKILL);
    for (size_t i = 0; i < z->n_children; i++)
        waitpid(z->children[i], NULL, 0);
    close(z->signals);
    return rc;
}

int glossa_worker_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const int fd = GLOSSA__WORKER_FD;
    /* A supervisor that went away makes writes fail; exit then. */
    signal(SIGPIPE, SIG_IGN);
    glossa__frame_reader_t in = {.fd = fd};
    const char *payload = NULL;
    uint32_t len = 0;
    if (glossa__frame_next(&in, &payload, &len) != 1) {
        fprintf(stderr,
                "glossa worker: no INIT message on fd %d (this "
                "program is started by glossa run --isolate)\n",
                fd);
        glossa__frame_reader_free(&in);
        return 2;
    }
    char why[2048] = "";
    unsigned n_progress = 0;
    glossa_runtime_t *rt = start(payload, len, &n_progress, why, sizeof(why));
    if (!rt) {
        send_json(fd, json_pack("{s:b,s:s}", "ok", 0, "error", why));
        glossa__frame_reader_free(&in);
        return 3;
    }
    int rc = send_json(fd, json_pack("{s:b}", "ok", 1)) ? 1 : 0;
    if (rc == 0) {
        zygote_t z = {.rt = rt, .in = &in, .n_progress = n_progress};
        rc = zygote_main(&z, fd);
        glossa__free(z.children);
    }
    glossa__frame_reader_free(&in);
    glossa_runtime_free(rt);
    return rc;
}
