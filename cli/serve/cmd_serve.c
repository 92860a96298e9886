/* glossa serve: annotation as an HTTP service (docs/server.md).
 *
 *   HTTP (H2O on the main thread's libuv loop)      stream threads
 *   ------------------------------------------      --------------
 *   POST /v1/annotate -> request: split the body,
 *     submit up to --window lines -----------------> glossa_stream_submit
 *                                                    (one glossa_run per
 *                                                    pipeline, on the
 *                                                    shared libuv pool)
 *   on_records (uv_async) <- done queue <----------- on_record: copy line
 *     append to the response, submit more,
 *     h2o_send when H2O asks for more (proceed)
 *
 * H2O is the HTTP library (Debian's libh2o-dev is built with libuv, so it
 * runs on this loop); this file parses no HTTP. glossa_run() keeps a loop
 * of its own, so each pipeline's run lives on a thread of its own
 * (glossa_stream_*) and records come back to this loop through one
 * uv_async_t: a pool thread never waits on a client.
 *
 * Bounds: a body is at most --max-body (H2O answers 413 itself); at most
 * --max-requests annotate requests are in progress (503 with Retry-After
 * past it); a request has at most --window documents in the pipeline and
 * submits no more while OUT_LIMIT bytes of its response wait for a slow
 * client; a request past --deadline is cut. So memory is bounded by
 * max-requests x (max-body + OUT_LIMIT + window records).
 *
 * Lifetimes: a request_t is ours (malloc'ed), the h2o_req_t is H2O's. A
 * link allocated in the h2o_req_t's pool tells us when H2O disposes of it
 * (r->req = NULL); the request_t lives until then and until every
 * document it submitted has come back. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <h2o.h>
#include <uv.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "metrics.h"
#include "runtime_args.h"

/* Record bytes a request may hold for a client that does not read: past
 * it, the request submits nothing more until H2O has sent them. */
#define OUT_LIMIT ((size_t)1 << 20)
#define MAX_PIPELINES 16
#define DEFAULT_PORT 8080

typedef struct pipeline {
    char *name;
    const char *file;
    char file_buf[4096];
    glossa_runtime_t *rt;
    glossa_stream_t *stream;
    char *describe; /* GET /v1/pipelines: its provenance, JSON text */
    size_t n_steps;
    serve_histogram_t *step_seconds; /* per step */
    uint64_t documents;
} pipeline_t;

typedef struct request request_t;

/* A record on its way from a stream thread to the loop. */
typedef struct done {
    struct done *next;
    request_t *r;
    int input_error;
    size_t text_bytes;
    size_t len;
    uint64_t *step_nanos; /* n_steps of the request's pipeline */
    char line[];          /* len bytes and a newline */
} done_t;

typedef struct server {
    uv_loop_t *loop;
    h2o_globalconf_t config;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    uv_tcp_t listener;
    int listening;
    uv_signal_t sigterm, sigint;
    uv_async_t records;
    uv_timer_t drain_check;

    uv_mutex_t mutex; /* guards the done queue only */
    done_t *done_head, *done_tail;

    pipeline_t pipes[MAX_PIPELINES];
    size_t n_pipes;

    unsigned window;
    unsigned long long max_body;
    unsigned max_requests;
    unsigned long max_queue; /* documents in the pipelines, for admission */
    unsigned long queued;    /* submitted, record not back: loop's count */
    uint64_t deadline_ms;
    uint64_t drain_ms;
    unsigned max_connections;
    unsigned connections; /* open: each may hold a body H2O is reading */
    unsigned active;      /* annotate requests not ended */
    unsigned n_requests;  /* request_t alive */
    int draining;
    uint64_t drain_started;
    serve_metrics_t metrics;
} server_t;

struct request {
    server_t *srv;
    pipeline_t *pipe;
    h2o_req_t *req; /* NULL once H2O disposed of it */
    h2o_generator_t generator;
    int streaming; /* application/x-ndjson */
    int with_text;
    int ended;   /* counted out of srv->active */
    int final;   /* the last bytes were handed to H2O */
    int cut;     /* deadline passed: nothing more is sent */
    int closing; /* the timer is closing: freed after */
    uint64_t t0;
    /* The body, for a stream: the next line starts at pos. */
    const char *body;
    size_t body_len, pos;
    uint64_t line_no;
    unsigned inflight; /* submitted, record not back yet */
    int all_submitted;
    char *id; /* text/plain: ?id= */
    /* Records waiting for H2O, and those H2O is sending. */
    char *out;
    size_t out_len, out_cap;
    char *sending;
    size_t sending_cap;
    int send_busy;
    uv_timer_t deadline;
};

static server_t *the_server; /* for the H2O handler callbacks */

/* ---- Responses --------------------------------------------------------- */

static int endpoint_of(const h2o_req_t *req)
{
    static const char *const paths[] = {
        "/v1/annotate", "/v1/plugins", "/v1/pipelines", "/healthz", "/metrics"};
    for (int i = 0; i < SERVE_EP_OTHER; i++)
        if (h2o_memis(req->path_normalized.base, req->path_normalized.len,
                      paths[i], strlen(paths[i])))
            return i;
    return SERVE_EP_OTHER;
}

static const char *reason_of(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Error";
    }
}

/* Sends body (copied) with its length; counts it. */
static void respond(h2o_req_t *req, int status, const char *type,
                    const char *body, size_t len)
{
    server_t *srv = the_server;
    serve_metrics_count(&srv->metrics, endpoint_of(req), status);
    req->res.status = status;
    req->res.reason = reason_of(status);
    req->res.content_length = len;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   type, strlen(type));
    if (srv->draining)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONNECTION,
                       NULL, H2O_STRLIT("close"));
    h2o_send_inline(req, body, len);
}

/* {"code": "EXXX", "message": "..."}: errors of the service itself, named
 * from the library's error table. */
static void respond_error(h2o_req_t *req, int status, int code, const char *fmt,
                          ...) __attribute__((format(printf, 4, 5)));

static void respond_error(h2o_req_t *req, int status, int code, const char *fmt,
                          ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:s,s:s}", "code", glossa_err_name(code), "message",
                          message);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (status == 503)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_RETRY_AFTER,
                       NULL, H2O_STRLIT("1"));
    if (text) {
        size_t n = strlen(text);
        char *line = h2o_mem_alloc_pool(&req->pool, n + 1);
        memcpy(line, text, n);
        line[n] = '\n';
        free(text);
        respond(req, status, "application/json", line, n + 1);
    } else {
        respond(req, status, "text/plain", H2O_STRLIT("out of memory\n"));
    }
}

static void respond_json(h2o_req_t *req, json_t *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text) {
        respond_error(req, 500, GLOSSA_ENOMEM, "out of memory");
        return;
    }
    size_t n = strlen(text);
    char *body = h2o_mem_alloc_pool(&req->pool, n + 1);
    memcpy(body, text, n);
    body[n] = '\n';
    free(text);
    respond(req, 200, "application/json", body, n + 1);
}

/* ---- Query ------------------------------------------------------------- */

static int hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The value of `key` in the query string, %-decoded into the request's
 * pool; NULL when absent. */
static char *query_get(h2o_req_t *req, const char *key)
{
    if (req->query_at == SIZE_MAX)
        return NULL;
    const char *q = req->path.base + req->query_at + 1;
    const char *end = req->path.base + req->path.len;
    size_t klen = strlen(key);
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pend = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pend - q));
        const char *kend = eq ? eq : pend;
        if ((size_t)(kend - q) == klen && memcmp(q, key, klen) == 0) {
            const char *v = eq ? eq + 1 : pend;
            char *out = h2o_mem_alloc_pool(&req->pool, (size_t)(pend - v) + 1);
            size_t n = 0;
            for (const char *p = v; p < pend; p++) {
                if (*p == '%' && pend - p >= 3 && hex(p[1]) >= 0 &&
                    hex(p[2]) >= 0) {
                    out[n++] = (char)(hex(p[1]) * 16 + hex(p[2]));
                    p += 2;
                } else {
                    out[n++] = *p == '+' ? ' ' : *p;
                }
            }
            out[n] = '\0';
            return out;
        }
        q = pend + 1;
    }
    return NULL;
}

static int truthy(const char *v)
{
    return v && (!strcmp(v, "") || !strcmp(v, "1") || !strcmp(v, "true") ||
                 !strcmp(v, "yes"));
}

/* ---- Annotate requests ------------------------------------------------- */

static void request_end(request_t *r)
{
    if (r->ended)
        return;
    r->ended = 1;
    r->srv->active--;
    serve_histogram_add(&r->srv->metrics.request_seconds,
                        (double)(uv_hrtime() - r->t0) / 1e9);
}

static void request_closed(uv_handle_t *h)
{
    request_t *r = h->data;
    r->srv->n_requests--;
    free(r->out);
    free(r->sending);
    free(r->id);
    free(r);
}

/* Frees the request once H2O is done with it and no record is owed. */
static void maybe_free(request_t *r)
{
    if (r->req || r->inflight || r->closing)
        return;
    if (!r->final)
        r->srv->metrics.client_gone++;
    request_end(r);
    r->closing = 1;
    uv_timer_stop(&r->deadline);
    uv_close((uv_handle_t *)&r->deadline, request_closed);
}

static void on_pool_dispose(void *p)
{
    request_t *r = *(request_t **)p;
    r->req = NULL;
    maybe_free(r);
}

static void on_record(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info);

static int append(request_t *r, const char *s, size_t n)
{
    if (r->out_cap - r->out_len < n) {
        size_t cap = r->out_cap ? r->out_cap : 4096;
        while (cap - r->out_len < n)
            cap *= 2;
        char *grown = realloc(r->out, cap);
        if (!grown)
            return -1;
        r->out = grown;
        r->out_cap = cap;
    }
    memcpy(r->out + r->out_len, s, n);
    r->out_len += n;
    return 0;
}

/* Ends a stream that cannot go on (deadline, no memory): the response is
 * cut (H2O closes the connection: a client sees a truncated body). */
static void stream_abort(request_t *r)
{
    r->cut = 1;
    if (r->req && !r->send_busy && !r->final) {
        r->final = 1;
        h2o_send(r->req, NULL, 0, H2O_SEND_STATE_ERROR);
    }
    request_end(r);
}

/* Submits the body's next lines while the window and the response's
 * buffer have room. Lines are numbered as `glossa run -` numbers them
 * (blank ones count, and are not records). */
static void feed(request_t *r)
{
    server_t *srv = r->srv;
    while (r->req && !r->cut && !r->all_submitted &&
           r->inflight < srv->window && r->out_len < OUT_LIMIT) {
        if (r->pos >= r->body_len) {
            r->all_submitted = 1;
            break;
        }
        const char *start = r->body + r->pos;
        size_t avail = r->body_len - r->pos;
        const char *nl = memchr(start, '\n', avail);
        size_t len = nl ? (size_t)(nl - start) : avail;
        r->pos += len + (nl ? 1 : 0);
        r->line_no++;
        if (len && start[len - 1] == '\r')
            len--;
        if (r->line_no == 1 && len >= 3 &&
            memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
            start += 3;
            len -= 3;
        }
        size_t i = 0;
        while (i < len &&
               (start[i] == ' ' || start[i] == '\t' || start[i] == '\r'))
            i++;
        if (i == len)
            continue;
        char origin[64];
        snprintf(origin, sizeof(origin), "<stdin>:%" PRIu64, r->line_no);
        glossa_stream_input_t in;
        glossa_stream_input_init(&in);
        in.data = start;
        in.len = len;
        in.origin = origin;
        in.with_text = r->with_text;
        if (glossa_stream_submit(r->pipe->stream, &in, on_record, r) != 0) {
            stream_abort(r);
            return;
        }
        r->inflight++;
        srv->queued++;
    }
}

/* Hands the records waiting to H2O, unless it is sending some. */
static void flush(request_t *r)
{
    if (!r->req || r->send_busy || r->final || r->cut)
        return;
    int last = r->all_submitted && r->inflight == 0;
    if (r->out_len == 0 && !last)
        return;
    /* Swap the buffers: H2O reads `sending` until proceed(). */
    char *s = r->sending;
    size_t cap = r->sending_cap;
    r->sending = r->out;
    r->sending_cap = r->out_cap;
    h2o_iovec_t buf = h2o_iovec_init(r->sending, r->out_len);
    r->srv->metrics.response_bytes += r->out_len;
    r->out = s;
    r->out_cap = cap;
    r->out_len = 0;
    r->send_busy = 1;
    if (last) {
        r->final = 1;
        request_end(r);
    }
    h2o_send(r->req, &buf, buf.len ? 1 : 0,
             last ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

static void on_proceed(h2o_generator_t *g, h2o_req_t *req)
{
    (void)req;
    request_t *r = H2O_STRUCT_FROM_MEMBER(request_t, generator, g);
    r->send_busy = 0;
    if (r->cut) {
        stream_abort(r);
        return;
    }
    feed(r);
    flush(r);
}

static void on_stop(h2o_generator_t *g, h2o_req_t *req)
{
    (void)req;
    request_t *r = H2O_STRUCT_FROM_MEMBER(request_t, generator, g);
    r->cut = 1; /* the client left: submit nothing more */
}

/* A single document's record is its whole response. */
static void single_record(request_t *r, done_t *d)
{
    int status = 200;
    switch (d->input_error) {
    case 0:
        break;
    case GLOSSA_ETOOBIG:
        status = 413;
        break;
    case GLOSSA_ENOMEM:
        status = 500;
        break;
    default: /* EPARSE, EEMPTY, EUTF8: the request's fault */
        status = 400;
    }
    r->final = 1;
    r->srv->metrics.response_bytes += d->len + 1;
    request_end(r);
    respond(r->req, status, "application/json", d->line, d->len + 1);
}

static void got_record(server_t *srv, done_t *d)
{
    request_t *r = d->r;
    pipeline_t *p = r->pipe;
    srv->metrics.documents++;
    srv->metrics.text_bytes += d->text_bytes;
    p->documents++;
    for (size_t i = 0; i < p->n_steps; i++)
        if (d->step_nanos[i])
            serve_histogram_add(&p->step_seconds[i],
                                (double)d->step_nanos[i] / 1e9);
    serve_metrics_count_errors(&srv->metrics, d->line, d->len);
    r->inflight--;
    srv->queued--;
    if (r->req && !r->cut && !r->final) {
        if (!r->streaming) {
            single_record(r, d);
        } else if (append(r, d->line, d->len + 1)) {
            stream_abort(r);
        } else {
            feed(r);
            flush(r);
        }
    }
    maybe_free(r);
}

/* On a stream thread: copy the record and wake the loop. */
static void on_record(void *ud, const char *line, size_t len,
                      const glossa_record_info_t *info)
{
    request_t *r = ud;
    server_t *srv = r->srv;
    size_t n_steps = r->pipe->n_steps;
    done_t *d = malloc(sizeof(*d) + len + 1 + n_steps * sizeof(uint64_t) +
                       sizeof(uint64_t));
    if (!d) {
        fprintf(stderr, "glossa serve: out of memory\n");
        abort(); /* a record owed to a request cannot be dropped */
    }
    d->next = NULL;
    d->r = r;
    d->input_error = info->input_error;
    d->text_bytes = info->text_bytes;
    d->len = len;
    memcpy(d->line, line, len);
    d->line[len] = '\n';
    /* The step times sit after the line, aligned. */
    uintptr_t at = (uintptr_t)(d->line + len + 1);
    at = (at + sizeof(uint64_t) - 1) & ~(uintptr_t)(sizeof(uint64_t) - 1);
    d->step_nanos = (uint64_t *)at;
    for (size_t i = 0; i < n_steps; i++)
        d->step_nanos[i] = info->step_nanos ? info->step_nanos[i] : 0;
    uv_mutex_lock(&srv->mutex);
    if (srv->done_tail)
        srv->done_tail->next = d;
    else
        srv->done_head = d;
    srv->done_tail = d;
    uv_mutex_unlock(&srv->mutex);
    uv_async_send(&srv->records);
}

static void on_records(uv_async_t *h)
{
    server_t *srv = h->data;
    uv_mutex_lock(&srv->mutex);
    done_t *d = srv->done_head;
    srv->done_head = srv->done_tail = NULL;
    uv_mutex_unlock(&srv->mutex);
    while (d) {
        done_t *next = d->next;
        got_record(srv, d);
        free(d);
        d = next;
    }
}

static void on_deadline(uv_timer_t *t)
{
    request_t *r = t->data;
    if (r->final || !r->req)
        return;
    r->srv->metrics.deadline_exceeded++;
    if (!r->streaming) {
        r->cut = 1;
        r->final = 1;
        request_end(r);
        respond_error(r->req, 504, GLOSSA_ETIMEOUT,
                      "the document was not annotated within the "
                      "deadline of %.3f s (--deadline)",
                      (double)r->srv->deadline_ms / 1000);
    } else {
        stream_abort(r);
    }
}

static pipeline_t *find_pipeline(server_t *srv, const char *name)
{
    if (!name)
        return &srv->pipes[0];
    for (size_t i = 0; i < srv->n_pipes; i++)
        if (!strcmp(srv->pipes[i].name, name))
            return &srv->pipes[i];
    return NULL;
}

static int has_type(h2o_req_t *req, const char *type)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    if (i < 0)
        return 0;
    h2o_iovec_t v = req->headers.entries[i].value;
    size_t n = strlen(type);
    return v.len >= n && h2o_lcstris(v.base, n, type, n) &&
           (v.len == n || v.base[n] == ';' || v.base[n] == ' ');
}

static int has_content_type(h2o_req_t *req)
{
    return h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1) >= 0;
}

static void annotate(server_t *srv, h2o_req_t *req)
{
    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST"))) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL,
                       H2O_STRLIT("POST"));
        respond_error(req, 405, GLOSSA_EINVAL, "/v1/annotate takes POST");
        return;
    }
    srv->metrics.request_bytes += req->entity.len;
    if (srv->draining) {
        respond_error(req, 503, GLOSSA_EBUSY, "the server is shutting down");
        return;
    }
    /* Documents of requests already answered (cut at their deadline)
     * may still be in the pipelines: they count too, so that clients
     * retrying after a 504 cannot pile work up. */
    if (srv->queued >= srv->max_queue) {
        srv->metrics.rejected_busy++;
        respond_error(req, 503, GLOSSA_EBUSY,
                      "%lu documents are in the pipelines (--max-queue); "
                      "try again later",
                      srv->queued);
        return;
    }
    if (srv->active >= srv->max_requests) {
        srv->metrics.rejected_busy++;
        respond_error(req, 503, GLOSSA_EBUSY,
                      "%u annotate requests are in progress "
                      "(--max-requests); try again later",
                      srv->active);
        return;
    }
    const char *pname = query_get(req, "pipeline");
    pipeline_t *p = find_pipeline(srv, pname);
    if (!p) {
        respond_error(req, 400, GLOSSA_EINVAL,
                      "no pipeline named '%s' is loaded (GET /v1/pipelines "
                      "lists them)",
                      pname);
        return;
    }
    int streaming = has_type(req, "application/x-ndjson") ||
                    has_type(req, "application/jsonl");
    int text = has_type(req, "text/plain");
    /* curl -d sends application/x-www-form-urlencoded unless told
     * otherwise: taken as one record, as no Content-Type is. */
    if (has_content_type(req) && !streaming && !text &&
        !has_type(req, "application/json") &&
        !has_type(req, "application/x-www-form-urlencoded")) {
        respond_error(req, 415, GLOSSA_EINVAL,
                      "the body must be application/json (one record), "
                      "application/x-ndjson (records, one a line) or "
                      "text/plain (one document)");
        return;
    }
    const char *body = req->entity.base ? req->entity.base : "";
    size_t body_len = req->entity.len;
    if (!streaming && !text) {
        /* One record, as one line: the newlines that end it are not
         * part of it. */
        while (body_len &&
               (body[body_len - 1] == '\n' || body[body_len - 1] == '\r'))
            body_len--;
        size_t blank = 0;
        while (blank < body_len && (body[blank] == ' ' || body[blank] == '\t' ||
                                    body[blank] == '\r' || body[blank] == '\n'))
            blank++;
        if (blank == body_len)
            body_len = 0;
        if (body_len == 0) {
            respond_error(req, 400, GLOSSA_EEMPTY,
                          "the body is empty: send one JSON record "
                          "{\"id\", \"text\", \"meta\"}");
            return;
        }
    }
    request_t *r = calloc(1, sizeof(*r));
    request_t **link =
        r ? h2o_mem_alloc_shared(&req->pool, sizeof(*link), on_pool_dispose)
          : NULL;
    if (!link) {
        free(r);
        respond_error(req, 500, GLOSSA_ENOMEM, "out of memory");
        return;
    }
    *link = r;
    r->srv = srv;
    r->pipe = p;
    r->req = req;
    r->streaming = streaming;
    r->with_text = truthy(query_get(req, "with_text"));
    r->t0 = uv_hrtime();
    r->body = body;
    r->body_len = body_len;
    srv->active++;
    srv->n_requests++;
    uv_timer_init(srv->loop, &r->deadline);
    r->deadline.data = r;
    if (srv->deadline_ms)
        uv_timer_start(&r->deadline, on_deadline, srv->deadline_ms, 0);

    if (streaming) {
        r->generator.proceed = on_proceed;
        r->generator.stop = on_stop;
        req->res.status = 200;
        req->res.reason = "OK";
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
                       NULL, H2O_STRLIT("application/x-ndjson"));
        serve_metrics_count(&srv->metrics, SERVE_EP_ANNOTATE, 200);
        h2o_start_response(req, &r->generator);
        feed(r);
        flush(r);
        return;
    }
    glossa_stream_input_t in;
    glossa_stream_input_init(&in);
    in.data = body;
    in.len = body_len;
    in.with_text = r->with_text;
    if (text) {
        /* As `glossa run --stdin-format text -` reads standard input. */
        in.kind = GLOSSA_STREAM_TEXT;
        in.origin = "<stdin>";
        const char *id = query_get(req, "id");
        r->id = strdup(id ? id : "stdin");
        in.id = r->id;
    } else {
        in.origin = "<stdin>:1";
    }
    if ((text && !r->id) ||
        glossa_stream_submit(p->stream, &in, on_record, r) != 0) {
        r->final = 1;
        request_end(r);
        respond_error(req, 500, GLOSSA_ENOMEM, "cannot queue the document");
        return;
    }
    r->inflight = 1;
    srv->queued++;
}

/* ---- Other endpoints --------------------------------------------------- */

static void plugins(server_t *srv, h2o_req_t *req)
{
    json_t *list = json_array();
    for (size_t k = 0; list && k < srv->n_pipes; k++) {
        pipeline_t *p = &srv->pipes[k];
        for (size_t i = 0; i < p->n_steps; i++) {
            glossa_plugin_info_t info;
            if (glossa_runtime_plugin_info(p->rt, i, &info))
                continue;
            const char *prov = glossa_runtime_plugin_provenance(p->rt, i);
            json_array_append_new(
                list,
                json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?}", "pipeline", p->name,
                          "layer", glossa_runtime_plugin_name(p->rt, i),
                          "plugin", info.name, "version", info.version,
                          "description", info.description, "provenance", prov));
        }
    }
    respond_json(req, list ? json_pack("{s:o}", "plugins", list) : NULL);
}

static void pipelines(server_t *srv, h2o_req_t *req)
{
    json_t *list = json_array();
    for (size_t k = 0; list && k < srv->n_pipes; k++) {
        pipeline_t *p = &srv->pipes[k];
        json_t *prov = json_loads(p->describe, 0, NULL);
        json_t *layers = json_array();
        for (size_t i = 0; layers && i < p->n_steps; i++)
            json_array_append_new(
                layers, json_string(glossa_runtime_plugin_name(p->rt, i)));
        json_array_append_new(list, json_pack("{s:s,s:s?,s:b,s:o?,s:o?}",
                                              "name", p->name, "file", p->file,
                                              "default", k == 0, "layers",
                                              layers, "provenance", prov));
    }
    respond_json(req, list ? json_pack("{s:o}", "pipelines", list) : NULL);
}

static void metrics(server_t *srv, h2o_req_t *req)
{
    serve_text_t t = {0};
    serve_metrics_write(&t, &srv->metrics);
    size_t depth = 0;
    for (size_t k = 0; k < srv->n_pipes; k++)
        depth += glossa_stream_pending(srv->pipes[k].stream);
    serve_text_printf(&t,
                      "# HELP glossa_queue_depth Documents submitted to the "
                      "pipelines whose records are not back yet.\n"
                      "# TYPE glossa_queue_depth gauge\n"
                      "glossa_queue_depth %zu\n"
                      "# HELP glossa_requests_in_progress Annotate requests "
                      "not ended.\n"
                      "# TYPE glossa_requests_in_progress gauge\n"
                      "glossa_requests_in_progress %u\n"
                      "# HELP glossa_plugin_seconds Time one plugin took on "
                      "one document.\n"
                      "# TYPE glossa_plugin_seconds histogram\n",
                      depth, srv->active);
    for (size_t k = 0; k < srv->n_pipes; k++) {
        pipeline_t *p = &srv->pipes[k];
        for (size_t i = 0; i < p->n_steps; i++) {
            char labels[512];
            snprintf(labels, sizeof(labels), "pipeline=\"%s\",layer=\"%s\"",
                     p->name, glossa_runtime_plugin_name(p->rt, i));
            serve_histogram_write(&t, "glossa_plugin_seconds", labels,
                                  &p->step_seconds[i]);
        }
    }
    if (t.failed) {
        free(t.s);
        respond_error(req, 500, GLOSSA_ENOMEM, "out of memory");
        return;
    }
    char *body = h2o_mem_alloc_pool(&req->pool, t.len);
    memcpy(body, t.s, t.len);
    free(t.s);
    respond(req, 200, "text/plain; version=0.0.4", body, t.len);
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    server_t *srv = the_server;
    int ep = endpoint_of(req);
    int get = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) ||
              h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
    if (ep == SERVE_EP_ANNOTATE) {
        annotate(srv, req);
        return 0;
    }
    if (ep == SERVE_EP_OTHER) {
        respond_error(req, 404, GLOSSA_ENOENT,
                      "no such endpoint: POST /v1/annotate, GET /v1/plugins, "
                      "/v1/pipelines, /healthz, /metrics");
        return 0;
    }
    if (!get) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL,
                       H2O_STRLIT("GET, HEAD"));
        respond_error(req, 405, GLOSSA_EINVAL, "this endpoint takes GET");
        return 0;
    }
    switch (ep) {
    case SERVE_EP_PLUGINS:
        plugins(srv, req);
        break;
    case SERVE_EP_PIPELINES:
        pipelines(srv, req);
        break;
    case SERVE_EP_HEALTHZ:
        if (srv->draining)
            respond(req, 503, "text/plain", H2O_STRLIT("draining\n"));
        else
            respond(req, 200, "text/plain", H2O_STRLIT("ok\n"));
        break;
    default:
        metrics(srv, req);
    }
    return 0;
}

/* ---- Connections, signals, draining ------------------------------------ */

static void on_conn_closed(uv_handle_t *h)
{
    the_server->connections--;
    free(h);
}

static void on_refused_closed(uv_handle_t *h)
{
    free(h);
}

static void on_accept(uv_stream_t *listener, int status)
{
    server_t *srv = listener->data;
    if (status != 0 || srv->draining)
        return;
    uv_tcp_t *conn = malloc(sizeof(*conn));
    if (!conn)
        return;
    uv_tcp_init(listener->loop, conn);
    /* H2O reads a whole body before the handler sees the request: the
     * connections bound the memory that takes (max-connections x
     * max-body). Past the limit a connection is closed at once. */
    if (uv_accept(listener, (uv_stream_t *)conn) != 0 ||
        srv->connections >= srv->max_connections) {
        srv->metrics.refused_connections++;
        uv_close((uv_handle_t *)conn, on_refused_closed);
        return;
    }
    srv->connections++;
    uv_tcp_nodelay(conn, 1);
    h2o_socket_t *sock =
        h2o_uv_socket_create((uv_stream_t *)conn, on_conn_closed);
    h2o_accept(&srv->accept_ctx, sock);
}

static void on_drain_check(uv_timer_t *t)
{
    server_t *srv = t->data;
    uint64_t waited = uv_now(srv->loop) - srv->drain_started;
    if (srv->n_requests > 0 && waited < srv->drain_ms)
        return;
    if (srv->n_requests > 0)
        fprintf(stderr,
                "glossa serve: %u requests still open after %.1f s; "
                "exiting\n",
                srv->n_requests, (double)waited / 1000);
    uv_stop(srv->loop);
}

static void on_signal(uv_signal_t *h, int signum)
{
    server_t *srv = h->data;
    if (srv->draining) {
        /* A second signal kills, as it does `glossa run`: libuv puts the
         * default action back when its last watcher of the signal
         * stops. */
        fprintf(stderr, "glossa serve: second signal: stopping now\n");
        uv_signal_stop(&srv->sigterm);
        uv_signal_stop(&srv->sigint);
        raise(signum);
        return;
    }
    fprintf(stderr, "glossa serve: %s: draining (%u requests in progress)\n",
            signum == SIGTERM ? "SIGTERM" : "SIGINT", srv->active);
    srv->draining = 1;
    srv->drain_started = uv_now(srv->loop);
    if (srv->listening) {
        uv_close((uv_handle_t *)&srv->listener, NULL);
        srv->listening = 0;
    }
    h2o_context_request_shutdown(&srv->ctx);
    uv_timer_start(&srv->drain_check, on_drain_check, 0, 20);
}

/* ---- Setup ------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: glossa serve [options]\n"
        "\n"
        "Annotation as an HTTP service (docs/server.md).\n"
        "  POST /v1/annotate       one record (application/json), one text\n"
        "                          (text/plain; ?id=), or records one a line\n"
        "                          (application/x-ndjson, streamed back in\n"
        "                          order); ?pipeline=NAME, ?with_text=1\n"
        "  GET  /v1/plugins, /v1/pipelines, /healthz, /metrics\n"
        "\n"
        "Options:\n"
        "  --listen ADDR:PORT     where to listen (default 127.0.0.1:%d;\n"
        "                         port 0: any free port, printed on stderr)\n"
        "  --pipeline FILE        the default pipeline (default: the bundled\n"
        "                         one), named after its file\n"
        "  --plugin NAME|PATH     a plugin step (repeatable)\n"
        "  --also NAME=FILE       another pipeline, selected with\n"
        "                         ?pipeline=NAME (repeatable)\n"
        "  --threads N            pool threads (default: one per CPU)\n"
        "  --window N             documents of one request in the pipeline\n"
        "                         at once (default: as glossa run)\n"
        "  --max-body SIZE        largest request body (default 64M; 413)\n"
        "  --max-requests N       annotate requests in progress at once\n"
        "                         (default 64; 503 with Retry-After past it)\n"
        "  --max-queue N          documents in the pipelines at once, for\n"
        "                         taking a request (default: max-requests\n"
        "                         x window; 503 past it)\n"
        "  --max-connections N    open connections (default 256; others\n"
        "                         are closed at once)\n"
        "  --deadline SECONDS     time for one request (default 300; 504)\n"
        "  --request-timeout SEC  time for a client to send its request\n"
        "                         (default 10)\n"
        "  --drain-timeout SEC    on SIGTERM, the longest wait for requests\n"
        "                         in progress (default 60)\n"
        "  --max-doc-bytes SIZE, --max-layer-bytes SIZE, --isolate,\n"
        "  --doc-timeout SECONDS, --log-level LEVEL, -q: as glossa run\n"
        "  -h, --help\n",
        DEFAULT_PORT);
}

enum {
    OPT_LISTEN = GLOSSA_CLI_OPT_OWN,
    OPT_ALSO,
    OPT_MAX_BODY,
    OPT_MAX_REQUESTS,
    OPT_MAX_QUEUE,
    OPT_MAX_CONNECTIONS,
    OPT_DEADLINE,
    OPT_REQUEST_TIMEOUT,
    OPT_DRAIN_TIMEOUT
};

static int parse_listen(const char *arg, struct sockaddr_storage *addr)
{
    char host[256];
    const char *colon = strrchr(arg, ':');
    if (!colon || (size_t)(colon - arg) >= sizeof(host))
        return -1;
    memcpy(host, arg, (size_t)(colon - arg));
    host[colon - arg] = '\0';
    int port;
    if (glossa_cli_parse_int(colon + 1, 0, 65535, &port))
        return -1;
    char *h = host;
    if (h[0] == '[' && h[strlen(h) - 1] == ']') {
        h[strlen(h) - 1] = '\0';
        h++;
    }
    if (uv_ip4_addr(h[0] ? h : "0.0.0.0", port, (struct sockaddr_in *)addr) ==
        0)
        return 0;
    if (uv_ip6_addr(h, port, (struct sockaddr_in6 *)addr) == 0)
        return 0;
    return -1;
}

static int parse_seconds(const char *s, uint64_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 86400 * 7)
        return -1;
    *ms = (uint64_t)(v * 1000 + 0.5);
    return 0;
}

/* Loads, prepares and starts one pipeline. */
static int pipeline_start(pipeline_t *p, const glossa_cli_runtime_args_t *a,
                          const char *file)
{
    glossa_error_t err;
    if (glossa_runtime_new(&a->options, &p->rt, &err)) {
        glossa_cli_print_error("glossa serve", NULL, &err);
        return GLOSSA_EXIT_FAILURE;
    }
    if (file) {
        glossa_cli_runtime_args_t one = *a;
        one.pipeline = file;
        one.n_plugins = 0;
        int code =
            glossa_cli_runtime_load(p->rt, &one, "glossa serve", "glossa serve",
                                    p->file_buf, sizeof(p->file_buf), &p->file);
        if (code)
            return code;
    } else {
        int code =
            glossa_cli_runtime_load(p->rt, a, "glossa serve", "glossa serve",
                                    p->file_buf, sizeof(p->file_buf), &p->file);
        if (code)
            return code;
    }
    p->n_steps = glossa_runtime_plugin_count(p->rt);
    p->step_seconds = calloc(p->n_steps + 1, sizeof(serve_histogram_t));
    json_t *d = glossa_runtime_describe(p->rt);
    p->describe = d ? json_dumps(d, JSON_COMPACT) : NULL;
    json_decref(d);
    if (!p->step_seconds || !p->describe) {
        fprintf(stderr, "glossa serve: out of memory\n");
        return GLOSSA_EXIT_FAILURE;
    }
    if (glossa_stream_start(p->rt, &p->stream, &err)) {
        glossa_cli_print_error("glossa serve", "cannot start the pipeline",
                               &err);
        return GLOSSA_EXIT_FAILURE;
    }
    return 0;
}

static char *name_of_file(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    char *name = strdup(base);
    char *dot = name ? strrchr(name, '.') : NULL;
    if (dot && dot != name)
        *dot = '\0';
    return name;
}

static void pipelines_free(server_t *srv)
{
    for (size_t k = 0; k < srv->n_pipes; k++) {
        pipeline_t *p = &srv->pipes[k];
        glossa_error_t err;
        if (p->stream && glossa_stream_finish(p->stream, NULL, &err))
            glossa_cli_print_error("glossa serve", p->name, &err);
        glossa_runtime_free(p->rt);
        free(p->name);
        free(p->describe);
        free(p->step_seconds);
    }
}

static void close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

int glossa_cli_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        GLOSSA_CLI_RUNTIME_OPTIONS,
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"also", required_argument, NULL, OPT_ALSO},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"max-requests", required_argument, NULL, OPT_MAX_REQUESTS},
        {"max-queue", required_argument, NULL, OPT_MAX_QUEUE},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"deadline", required_argument, NULL, OPT_DEADLINE},
        {"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
        {"drain-timeout", required_argument, NULL, OPT_DRAIN_TIMEOUT},
        {NULL, 0, NULL, 0}};
    static server_t srv_storage;
    server_t *srv = &srv_storage;
    the_server = srv;
    glossa_cli_runtime_args_t a;
    glossa_cli_runtime_args_init(&a, argc);
    const char *also[MAX_PIPELINES];
    size_t n_also = 0;
    const char *listen = "127.0.0.1:8080";
    uint64_t request_timeout_ms = 10000;
    srv->max_body = 64ull << 20;
    srv->max_requests = 64;
    srv->max_connections = 256;
    srv->deadline_ms = 300000;
    srv->drain_ms = 60000;
    int c, code = GLOSSA_EXIT_OK;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "qh", longopts,
                                  "glossa serve")) != -1) {
        int shared = glossa_cli_runtime_option(&a, c, optarg);
        if (shared < 0) {
            fprintf(stderr, "glossa serve: invalid value '%s' for --%s\n",
                    optarg, longopts[c - GLOSSA_CLI_OPT_PIPELINE].name);
            code = GLOSSA_EXIT_USAGE;
            goto out;
        }
        if (shared)
            continue;
        int bad = 0, n;
        switch (c) {
        case 'h':
            usage(stdout);
            goto out;
        case OPT_LISTEN:
            listen = optarg;
            break;
        case OPT_ALSO:
            if (n_also == MAX_PIPELINES - 1 || !strchr(optarg, '=') ||
                optarg[0] == '=')
                bad = 1;
            else
                also[n_also++] = optarg;
            break;
        case OPT_MAX_BODY:
            bad = glossa_cli_parse_size(optarg, &srv->max_body) ||
                  srv->max_body == 0;
            break;
        case OPT_MAX_REQUESTS:
            bad = glossa_cli_parse_int(optarg, 1, 1000000, &n);
            if (!bad)
                srv->max_requests = (unsigned)n;
            break;
        case OPT_MAX_QUEUE:
            bad = glossa_cli_parse_int(optarg, 1, 100000000, &n);
            if (!bad)
                srv->max_queue = (unsigned long)n;
            break;
        case OPT_MAX_CONNECTIONS:
            bad = glossa_cli_parse_int(optarg, 1, 1000000, &n);
            if (!bad)
                srv->max_connections = (unsigned)n;
            break;
        case OPT_DEADLINE:
            bad = parse_seconds(optarg, &srv->deadline_ms);
            break;
        case OPT_REQUEST_TIMEOUT:
            bad = parse_seconds(optarg, &request_timeout_ms);
            break;
        case OPT_DRAIN_TIMEOUT:
            bad = parse_seconds(optarg, &srv->drain_ms);
            break;
        default:
            usage(stderr);
            code = GLOSSA_EXIT_USAGE;
            goto out;
        }
        if (bad) {
            fprintf(stderr, "glossa serve: invalid value '%s' for --%s\n",
                    optarg, longopts[c - GLOSSA_CLI_OPT_PIPELINE + 2].name);
            code = GLOSSA_EXIT_USAGE;
            goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr,
                "glossa serve: unexpected argument '%s' (the documents come "
                "in requests)\n",
                argv[optind]);
        code = GLOSSA_EXIT_USAGE;
        goto out;
    }
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    if (parse_listen(listen, &addr)) {
        fprintf(stderr,
                "glossa serve: --listen '%s': expected ADDRESS:PORT, such as "
                "127.0.0.1:8080 or [::1]:8080\n",
                listen);
        code = GLOSSA_EXIT_USAGE;
        goto out;
    }
    signal(SIGPIPE, SIG_IGN);
    glossa_crash_report_install();

    /* The pipelines, all loaded before the port opens: a client that
     * connects finds the server ready. */
    pipeline_t *p = &srv->pipes[0];
    srv->n_pipes = 1;
    code = pipeline_start(p, &a, NULL);
    if (code)
        goto out;
    p->name = p->file ? name_of_file(p->file) : strdup("default");
    for (size_t i = 0; i < n_also; i++) {
        p = &srv->pipes[srv->n_pipes++];
        const char *eq = strchr(also[i], '=');
        p->name = strndup(also[i], (size_t)(eq - also[i]));
        for (size_t k = 0; k + 1 < srv->n_pipes; k++)
            if (p->name && !strcmp(srv->pipes[k].name, p->name)) {
                fprintf(stderr,
                        "glossa serve: --also %s: a pipeline named "
                        "'%s' is loaded already\n",
                        also[i], p->name);
                code = GLOSSA_EXIT_USAGE;
                goto out;
            }
        code = pipeline_start(p, &a, eq + 1);
        if (code)
            goto out;
    }
    glossa_runtime_options_t resolved;
    glossa_runtime_get_options(srv->pipes[0].rt, &resolved);
    srv->window = (unsigned)resolved.max_docs_in_flight;
    if (srv->max_queue == 0)
        srv->max_queue = (unsigned long)srv->max_requests * srv->window;

    srv->loop = uv_default_loop();
    uv_mutex_init(&srv->mutex);
    uv_async_init(srv->loop, &srv->records, on_records);
    srv->records.data = srv;
    uv_timer_init(srv->loop, &srv->drain_check);
    srv->drain_check.data = srv;
    uv_signal_init(srv->loop, &srv->sigterm);
    uv_signal_init(srv->loop, &srv->sigint);
    srv->sigterm.data = srv->sigint.data = srv;
    uv_signal_start(&srv->sigterm, on_signal, SIGTERM);
    uv_signal_start(&srv->sigint, on_signal, SIGINT);

    h2o_config_init(&srv->config);
    srv->config.max_request_entity_size = (size_t)srv->max_body;
    srv->config.http1.req_timeout = request_timeout_ms;
    srv->config.http2.idle_timeout = request_timeout_ms;
    srv->config.server_name = h2o_iovec_init(H2O_STRLIT("glossa"));
    h2o_hostconf_t *host = h2o_config_register_host(
        &srv->config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
    h2o_handler_t *handler = h2o_create_handler(path, sizeof(*handler));
    handler->on_req = on_req;
    h2o_context_init(&srv->ctx, srv->loop, &srv->config);
    srv->accept_ctx.ctx = &srv->ctx;
    srv->accept_ctx.hosts = srv->config.hosts;

    uv_tcp_init(srv->loop, &srv->listener);
    srv->listener.data = srv;
    int rc = uv_tcp_bind(&srv->listener, (struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&srv->listener, 511, on_accept);
    if (rc) {
        fprintf(stderr, "glossa serve: cannot listen on %s: %s\n", listen,
                uv_strerror(rc));
        code = GLOSSA_EXIT_FAILURE;
        goto stop;
    }
    srv->listening = 1;
    struct sockaddr_storage bound;
    int blen = sizeof(bound);
    char shown[128] = "?";
    uv_tcp_getsockname(&srv->listener, (struct sockaddr *)&bound, &blen);
    if (bound.ss_family == AF_INET6) {
        char ip[64];
        uv_ip6_name((struct sockaddr_in6 *)&bound, ip, sizeof(ip));
        snprintf(shown, sizeof(shown), "[%s]:%d", ip,
                 ntohs(((struct sockaddr_in6 *)&bound)->sin6_port));
    } else {
        char ip[64];
        uv_ip4_name((struct sockaddr_in *)&bound, ip, sizeof(ip));
        snprintf(shown, sizeof(shown), "%s:%d", ip,
                 ntohs(((struct sockaddr_in *)&bound)->sin_port));
    }
    fprintf(stderr, "glossa serve: listening on http://%s/ (%zu pipeline%s)\n",
            shown, srv->n_pipes, srv->n_pipes == 1 ? "" : "s");
    fflush(stderr);
    uv_run(srv->loop, UV_RUN_DEFAULT);

stop:
    /* Every request is over (or the drain timed out): no record is owed
     * to a live request once the streams are finished. */
    pipelines_free(srv);
    srv->n_pipes = 0;
    on_records(&srv->records); /* records of requests cut short */
    uv_walk(srv->loop, close_walk, NULL);
    uv_run(srv->loop, UV_RUN_NOWAIT);
    if (code == 0)
        fprintf(stderr, "glossa serve: stopped\n");
    uv_mutex_destroy(&srv->mutex);
    glossa_cli_runtime_args_free(&a);
    return code;
out:
    pipelines_free(srv);
    glossa_cli_runtime_args_free(&a);
    return code;
}
