/* Streaming annotation: documents submitted one at a time, from any
 * thread, while the pipeline runs; each record handed back through the
 * document's own callback, in submission order. For programs that
 * annotate as documents arrive (glossa serve) rather than over a corpus.
 *
 *   glossa_stream_t *s;
 *   glossa_stream_start(rt, &s, &err);             // rt prepared
 *   glossa_stream_input_t in;
 *   glossa_stream_input_init(&in);
 *   in.data = line; in.len = n; in.origin = "<stdin>:1";
 *   glossa_stream_submit(s, &in, on_record, ctx);  // any thread
 *   ...
 *   glossa_stream_finish(s, &stats, &err);         // drains, then frees
 *
 * A stream is one glossa_run() over a source fed by submit(), on a thread
 * of its own: the same scheduler, window and limits as glossa run, the
 * same bytes for a record (a JSONL line submitted as GLOSSA_STREAM_JSON
 * comes out as `glossa run -` writes that line). While a stream runs, the
 * runtime belongs to it: no glossa_run() and no second stream on it.
 *
 * THREADS. submit(), pending() and finish() may be called from any
 * thread (finish() once, after the last submit()). Record callbacks run
 * on the stream's thread, one at a time, in submission order; they must
 * not block for long (every later record waits) and must not call
 * finish(). Since 0.2. */
#ifndef GLOSSA_STREAM_H
#define GLOSSA_STREAM_H

#include <stddef.h>

#include "error.h"
#include "export.h"
#include "runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct glossa_stream glossa_stream_t;

enum {
    /* One JSONL record ({"id", "text", "meta"}), as a line of glossa run's
     * input; a broken one gives a record with its error (EPARSE). */
    GLOSSA_STREAM_JSON = 0,
    /* Plain text: the document itself. */
    GLOSSA_STREAM_TEXT = 1
};

typedef struct glossa_stream_input {
    size_t size;      /* set by glossa_stream_input_init() */
    int kind;         /* GLOSSA_STREAM_JSON (the default) or _TEXT */
    const char *data; /* the line or the text; copied by submit() */
    size_t len;
    /* GLOSSA_STREAM_TEXT: the record's id (NULL: origin). Copied. */
    const char *id;
    /* Where the document came from, for error messages, and its id when
     * it has none. NULL: "record N". Copied. */
    const char *origin;
    /* Put the text in this record ("text"), whatever the runtime's
     * with_text option says. */
    int with_text;
} glossa_stream_input_t;

GLOSSA_API void glossa_stream_input_init(glossa_stream_input_t *in);

/* Receives a document's record: one JSON object without newline, valid
 * during the call, and what the sink of glossa_run() learns about it. */
typedef void (*glossa_stream_record_cb)(void *ud, const char *line, size_t len,
                                        const glossa_record_info_t *info);

/* Starts a stream on a prepared runtime (with isolation when the
 * runtime's options ask for it). GLOSSA_ESTATE when not prepared. */
GLOSSA_API int glossa_stream_start(glossa_runtime_t *rt, glossa_stream_t **out,
                                   glossa_error_t *err);

/* Queues one document. cb is called exactly once with its record when 0
 * is returned (unless the run stops on a fatal error, such as running
 * out of memory for a whole record: finish() then returns it), never
 * when an error is: GLOSSA_EINVAL (bad input),
 * GLOSSA_ENOMEM, GLOSSA_ESTATE (the stream is finishing or its run
 * stopped on a fatal error). Submissions past the runtime's window
 * (max_docs_in_flight) wait in the stream, unbounded: the caller bounds
 * them, with pending(). */
GLOSSA_API int glossa_stream_submit(glossa_stream_t *s,
                                    const glossa_stream_input_t *in,
                                    glossa_stream_record_cb cb, void *ud);

/* Documents submitted whose callback has not returned yet. */
GLOSSA_API size_t glossa_stream_pending(glossa_stream_t *s);

/* Stops taking documents, waits for every record submitted to be handed
 * over, then frees the stream. Returns what glossa_run() returned, with
 * its statistics in *stats (NULL allowed). NULL stream: 0. */
GLOSSA_API int glossa_stream_finish(glossa_stream_t *s,
                                    glossa_run_stats_t *stats,
                                    glossa_error_t *err);

#ifdef __cplusplus
}
#endif

#endif /* GLOSSA_STREAM_H */
