/* glossa serve's metrics in the Prometheus text format. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

#include "metrics.h"

/* From 1 ms to 10 s: a plugin on a 2 KB document takes about a
 * millisecond, a request of a large batch seconds. */
static const double BOUNDS[SERVE_N_BUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

static const char *const ENDPOINT_NAMES[SERVE_N_ENDPOINTS] = {
    "/v1/annotate", "/v1/plugins", "/v1/pipelines",
    "/healthz",     "/metrics",    "other"};

void serve_histogram_add(serve_histogram_t *h, double seconds)
{
    size_t i = 0;
    while (i < SERVE_N_BUCKETS && seconds > BOUNDS[i])
        i++;
    h->bucket[i]++;
    h->count++;
    h->sum += seconds;
}

void serve_metrics_count(serve_metrics_t *m, int endpoint, int status)
{
    for (size_t i = 0; i < SERVE_N_STATUSES; i++) {
        if (m->status[endpoint][i] == status || m->status[endpoint][i] == 0) {
            m->status[endpoint][i] = status;
            m->responses[endpoint][i]++;
            return;
        }
    }
    m->responses[endpoint][SERVE_N_STATUSES - 1]++;
}

void serve_metrics_count_errors(serve_metrics_t *m, const char *line,
                                size_t len)
{
    static const char KEY[] = "\"code\":\"E";
    const char *end = line + len;
    const char *p = line;
    while ((p = memmem(p, (size_t)(end - p), KEY, sizeof(KEY) - 1))) {
        p += sizeof(KEY) - 2; /* at the E */
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            break;
        for (int code = -1; code > GLOSSA__ERRNO_MIN && -code < 32; code--) {
            const char *name = glossa_err_name(code);
            if (strlen(name) == (size_t)(q - p) &&
                memcmp(name, p, (size_t)(q - p)) == 0) {
                m->errors[-code]++;
                break;
            }
        }
        p = q;
    }
}

void serve_text_printf(serve_text_t *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap - t->len <= (size_t)n)
            cap *= 2;
        char *grown = realloc(t->s, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->s = grown;
        t->cap = cap;
    }
}

void serve_histogram_write(serve_text_t *t, const char *name,
                           const char *labels, const serve_histogram_t *h)
{
    const char *sep = labels[0] ? "," : "";
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= SERVE_N_BUCKETS; i++) {
        cumulative += h->bucket[i];
        if (i < SERVE_N_BUCKETS)
            serve_text_printf(t, "%s_bucket{%s%sle=\"%g\"} %llu\n", name,
                              labels, sep, BOUNDS[i],
                              (unsigned long long)cumulative);
        else
            serve_text_printf(t, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name,
                              labels, sep, (unsigned long long)cumulative);
    }
    const char *open = labels[0] ? "{" : "", *close = labels[0] ? "}" : "";
    serve_text_printf(t, "%s_sum%s%s%s %.9f\n", name, open, labels, close,
                      h->sum);
    serve_text_printf(t, "%s_count%s%s%s %llu\n", name, open, labels, close,
                      (unsigned long long)h->count);
}

void serve_metrics_write(serve_text_t *t, const serve_metrics_t *m)
{
    serve_text_printf(t, "# HELP glossa_http_responses_total HTTP responses "
                         "by endpoint and status.\n"
                         "# TYPE glossa_http_responses_total counter\n");
    for (int e = 0; e < SERVE_N_ENDPOINTS; e++)
        for (size_t i = 0; i < SERVE_N_STATUSES && m->status[e][i]; i++)
            serve_text_printf(
                t,
                "glossa_http_responses_total{endpoint=\"%s\",code=\"%d\"} "
                "%llu\n",
                ENDPOINT_NAMES[e], m->status[e][i],
                (unsigned long long)m->responses[e][i]);
    serve_text_printf(
        t,
        "# HELP glossa_request_bytes_total Bytes of request bodies "
        "received.\n"
        "# TYPE glossa_request_bytes_total counter\n"
        "glossa_request_bytes_total %llu\n"
        "# HELP glossa_response_bytes_total Bytes of records sent.\n"
        "# TYPE glossa_response_bytes_total counter\n"
        "glossa_response_bytes_total %llu\n"
        "# HELP glossa_documents_total Records made.\n"
        "# TYPE glossa_documents_total counter\n"
        "glossa_documents_total %llu\n"
        "# HELP glossa_document_text_bytes_total Text bytes of the "
        "records made.\n"
        "# TYPE glossa_document_text_bytes_total counter\n"
        "glossa_document_text_bytes_total %llu\n"
        "# HELP glossa_rejected_busy_total Requests refused with 503 "
        "(--max-requests reached).\n"
        "# TYPE glossa_rejected_busy_total counter\n"
        "glossa_rejected_busy_total %llu\n"
        "# HELP glossa_deadline_exceeded_total Requests cut at their "
        "deadline (--deadline).\n"
        "# TYPE glossa_deadline_exceeded_total counter\n"
        "glossa_deadline_exceeded_total %llu\n"
        "# HELP glossa_client_gone_total Clients that left before their "
        "response ended.\n"
        "# TYPE glossa_client_gone_total counter\n"
        "glossa_client_gone_total %llu\n"
        "# HELP glossa_refused_connections_total Connections closed at "
        "once (--max-connections reached).\n"
        "# TYPE glossa_refused_connections_total counter\n"
        "glossa_refused_connections_total %llu\n",
        (unsigned long long)m->request_bytes,
        (unsigned long long)m->response_bytes, (unsigned long long)m->documents,
        (unsigned long long)m->text_bytes, (unsigned long long)m->rejected_busy,
        (unsigned long long)m->deadline_exceeded,
        (unsigned long long)m->client_gone,
        (unsigned long long)m->refused_connections);
    serve_text_printf(t, "# HELP glossa_record_errors_total Error entries "
                         "in the records, by code.\n"
                         "# TYPE glossa_record_errors_total counter\n");
    for (int code = -1; code > GLOSSA__ERRNO_MIN && -code < 32; code--)
        if (m->errors[-code])
            serve_text_printf(
                t, "glossa_record_errors_total{code=\"%s\"} %llu\n",
                glossa_err_name(code), (unsigned long long)m->errors[-code]);
    serve_text_printf(t, "# HELP glossa_request_duration_seconds Time from "
                         "an annotate request to the end of its response.\n"
                         "# TYPE glossa_request_duration_seconds histogram\n");
    serve_histogram_write(t, "glossa_request_duration_seconds", "",
                          &m->request_seconds);
}
