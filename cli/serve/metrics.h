/* glossa serve's counters and histograms, written in the Prometheus text
 * format (version 0.0.4). Loop thread only: no locks. */
#ifndef GLOSSA_CLI_SERVE_METRICS_H
#define GLOSSA_CLI_SERVE_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Upper bounds of the latency buckets, in seconds; +Inf is implicit. */
#define SERVE_N_BUCKETS 12

typedef struct serve_histogram {
    uint64_t bucket[SERVE_N_BUCKETS + 1]; /* the last one is +Inf */
    uint64_t count;
    double sum;
} serve_histogram_t;

void serve_histogram_add(serve_histogram_t *h, double seconds);

/* The endpoints counted apart; anything else is "other". */
enum {
    SERVE_EP_ANNOTATE,
    SERVE_EP_PLUGINS,
    SERVE_EP_PIPELINES,
    SERVE_EP_HEALTHZ,
    SERVE_EP_METRICS,
    SERVE_EP_OTHER,
    SERVE_N_ENDPOINTS
};

#define SERVE_N_STATUSES 12

typedef struct serve_metrics {
    /* Responses by endpoint and status: the first SERVE_N_STATUSES
     * distinct statuses of each endpoint, the rest under status 0. */
    int status[SERVE_N_ENDPOINTS][SERVE_N_STATUSES];
    uint64_t responses[SERVE_N_ENDPOINTS][SERVE_N_STATUSES];
    uint64_t request_bytes;  /* request bodies */
    uint64_t response_bytes; /* records sent */
    uint64_t documents;      /* records made */
    uint64_t text_bytes;     /* their text */
    uint64_t errors[32];     /* record error entries by -code */
    uint64_t rejected_busy;  /* 503 over --max-requests */
    uint64_t deadline_exceeded;
    uint64_t client_gone; /* clients that left before their response ended */
    uint64_t refused_connections; /* over --max-connections */
    serve_histogram_t request_seconds;
} serve_metrics_t;

void serve_metrics_count(serve_metrics_t *m, int endpoint, int status);

/* Counts the record error entries in a record line ("code":"E...). */
void serve_metrics_count_errors(serve_metrics_t *m, const char *line,
                                size_t len);

/* A growing text buffer; on allocation failure `failed` is set and
 * nothing more is appended. */
typedef struct serve_text {
    char *s;
    size_t len, cap;
    int failed;
} serve_text_t;

void serve_text_printf(serve_text_t *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One histogram in the exposition format; labels are `name="value"`
 * pairs already joined (maybe empty). */
void serve_histogram_write(serve_text_t *t, const char *name,
                           const char *labels, const serve_histogram_t *h);

/* The counters of m (without the HELP/TYPE of the per-plugin series). */
void serve_metrics_write(serve_text_t *t, const serve_metrics_t *m);

#endif
