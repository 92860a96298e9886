/* The isolation protocol between the runtime (the supervisor,
 * supervisor.c and zygote_link.c) and its plugin processes (zygote.c,
 * worker.c).
 *
 * When a runtime in isolation mode is prepared, the supervisor starts one
 * process, the zygote, with a socket on its fd 3 (the control socket)
 * and, when it shares progress pages, one page per worker slot on fds 4,
 * 5, ... The zygote reads INIT, loads the pipeline and creates every
 * plugin instance (the supervisor creates none: instances exist only in
 * the processes that run them), and answers READY; prepare() returns
 * once it has. During a run it forks the workers the supervisor asks
 * for: each worker shares the zygote's plugins, instances and models
 * (copy-on-write) and talks to the supervisor over a socket of its own,
 * whose other end the zygote passes back (SCM_RIGHTS). Control frames,
 * after READY, are 8-byte payloads (u32 what, u32 argument):
 *   supervisor -> zygote  FORK slot; KILL pid (SIGKILL to a worker the
 *                         zygote has not reaped yet, so never to a
 *                         reused pid)
 *   zygote -> supervisor  FORKED slot, pid, with the socket attached
 *                         (pid 0 and no socket: it could not fork);
 *                         EXITED pid, exit status, signal (12 bytes)
 * When the control socket closes (at the end of a run), the zygote kills
 * and reaps the workers left and exits; a later run starts another. A
 * worker sends READY on its socket, then serves UNITs until the socket
 * closes.
 *
 * A frame is a 4-byte little-endian payload length, then the payload.
 * Integers are little-endian, u32 unless said otherwise; a "string" is a
 * u32 length and that many bytes. Per-unit messages are binary, so that
 * neither side parses JSON for what is fixed; JSON goes only where the
 * content is JSON anyway (metadata, layers, warnings).
 *   supervisor -> zygote
 *     INIT  JSON {"version", "progress": N,
 *                 "steps": [{"path", "layer", "origin", "config",
 *                            "inputs"}],
 *                 "options": {"max_doc_bytes", "max_layer_bytes",
 *                             "log_level", "memory_limit"}}; the
 *           configurations are the supervisor's, validated and with
 *           their defaults, and are not validated again
 *   zygote -> supervisor
 *     READY JSON {"ok": true}, or {"ok": false, "error": {"code",
 *           "source", "line", "column", "text"}}: the glossa_error_t of
 *           the step that could not be created
 *   supervisor -> worker
 *     UNIT  (glossa__unit_request_t) step, slot, flags (UNIT_SAME),
 *           drop (a mask of slots); strings: the id, the metadata as JSON,
 *           the required layers as JSON {name: {"spans", "document"}}
 *           (empty when the request carries none), the text (valid UTF-8,
 *           as the supervisor prepared it; the worker segments it with
 *           the same code, so its tokens are those of an in-process run).
 *           The worker keeps up to GLOSSA__WORKER_DOC_SLOTS documents, in
 *           slots the supervisor assigns. It first empties the slots in
 *           "drop". Without UNIT_SAME, the request carries a document
 *           (text, id, metadata) that replaces the one in "slot". With
 *           UNIT_SAME the unit is on the document already in "slot": the
 *           id, metadata and text are empty, and the layers leave out
 *           those the worker produced itself on that document (it keeps
 *           them too).
 *   worker -> supervisor
 *     READY  JSON {"ok": true}
 *     RESULT (glossa__unit_result_t) flags (RESULT_DONE, RESULT_REALS),
 *            the plugin's time and the time spent segmenting the
 *            document the request carried (u64 nanoseconds each); the
 *            error code, negated (u32: -GLOSSA_E*, 0 when none); strings:
 *            the message, the
 *            warnings as a JSON array (empty when none), the layer
 *            (spans) as JSON text, the document result as JSON text
 *            (empty when there is none). The texts are in the output's
 *            canonical form, ready to splice, except with RESULT_REALS:
 *            a later step reads the layer and it holds reals, so they
 *            are written in full precision and the supervisor re-formats
 *            them for output.
 * The worker answers each UNIT with one RESULT, in order; the supervisor
 * may send the next UNITs before the answers. End of file on fd 3 tells
 * the worker to exit.
 *
 * Progress: when INIT has "progress": N (the number of worker slots), the
 * zygote's fds 4 .. 4+N-1 are shared pages (glossa__worker_progress_t),
 * and a worker forked for slot k has slot k's as its fd 4, where it
 * counts the UNITs it has taken
 * and notes when it took the last. The supervisor then knows which unit a
 * worker was running when it died or overran its time, whatever results
 * were still unsent, so the worker may hold results back while more
 * UNITs wait and send them in one write: one wake-up of the supervisor
 * for several units. Without it the worker sends each RESULT at once. */
#ifndef GLOSSA_CORE_PROTOCOL_H
#define GLOSSA_CORE_PROTOCOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "glossa/runtime.h"

#define GLOSSA__PROTOCOL_VERSION 11
#define GLOSSA__ZYGOTE_FORK 1u
#define GLOSSA__ZYGOTE_KILL 2u
#define GLOSSA__ZYGOTE_FORKED 1u
#define GLOSSA__ZYGOTE_EXITED 2u
/* Documents a worker keeps at once: a document's later units find it
 * there even when the worker ran units of others in between. */
#define GLOSSA__WORKER_DOC_SLOTS 8
#define GLOSSA__WORKER_FD 3
#define GLOSSA__WORKER_PROGRESS_FD 4
#define GLOSSA__WORKER_ARG GLOSSA_WORKER_ARGUMENT
/* A frame larger than this is a protocol error (a document is at most
 * max_doc_bytes; layers are capped by max_layer_bytes). */
#define GLOSSA__MAX_FRAME ((uint32_t)0xF0000000u)

static inline void glossa__put_u32(unsigned char out[4], uint32_t v)
{
    out[0] = (unsigned char)(v & 0xFF);
    out[1] = (unsigned char)((v >> 8) & 0xFF);
    out[2] = (unsigned char)((v >> 16) & 0xFF);
    out[3] = (unsigned char)((v >> 24) & 0xFF);
}

static inline uint32_t glossa__get_u32(const unsigned char in[4])
{
    return (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) |
           ((uint32_t)in[3] << 24);
}

/* The largest control frame (EXITED): its length and four u32. */
#define GLOSSA__CONTROL_FRAME_MAX 20

/* Writes a control frame into out (room for GLOSSA__CONTROL_FRAME_MAX
 * bytes): its length, `what`, and the n_args arguments (at most three).
 * Returns its size. */
static inline size_t glossa__control_frame(unsigned char *out, uint32_t what,
                                           const uint32_t *args,
                                           unsigned n_args)
{
    glossa__put_u32(out, 4 * (1 + n_args));
    glossa__put_u32(out + 4, what);
    for (unsigned i = 0; i < n_args; i++)
        glossa__put_u32(out + 8 + 4 * i, args[i]);
    return 8 + 4 * (size_t)n_args;
}

struct glossa__strbuf;

/* A part of a message: bytes inside the frame's payload (not
 * NUL-terminated), or, when building a message, the caller's. */
typedef struct glossa__bytes {
    const char *data;
    uint32_t len;
} glossa__bytes_t;

#define GLOSSA__UNIT_SAME 1u

/* A UNIT request (see above). */
typedef struct glossa__unit_request {
    uint32_t step, slot, flags, drop;
    glossa__bytes_t id, meta, layers, text;
} glossa__unit_request_t;

/* Appends a UNIT frame's length and every field up to the text's bytes,
 * which follow as they are (the supervisor writes them from the
 * document, without copying them). -1 when the frame would be beyond the
 * protocol's limit or out of memory. */
int glossa__unit_request_head(struct glossa__strbuf *out,
                              const glossa__unit_request_t *r);
/* The whole frame, head and text. */
int glossa__unit_request_append(struct glossa__strbuf *out,
                                const glossa__unit_request_t *r);
/* Reads a UNIT payload; its parts point into it. 0, or -1 when it is
 * malformed. */
int glossa__unit_request_parse(const char *payload, uint32_t len,
                               glossa__unit_request_t *r);

#define GLOSSA__RESULT_DONE 1u
#define GLOSSA__RESULT_REALS 2u

/* A RESULT (see above). */
typedef struct glossa__unit_result {
    uint32_t flags;
    int code; /* GLOSSA_E*, 0 when none; an unknown code arrives as EPLUGIN */
    uint64_t nanos, prepare_nanos;
    glossa__bytes_t error, warnings, spans, document;
} glossa__unit_result_t;

int glossa__unit_result_append(struct glossa__strbuf *out,
                               const glossa__unit_result_t *r);
int glossa__unit_result_parse(const char *payload, uint32_t len,
                              glossa__unit_result_t *r);

/* The page the worker and its supervisor share (see above). Only the
 * worker writes; `taken_ns` is CLOCK_MONOTONIC (uv_hrtime's clock). */
typedef struct glossa__worker_progress {
    _Atomic uint64_t taken;    /* UNITs taken by this process */
    _Atomic uint64_t taken_ns; /* when it took the last one */
} glossa__worker_progress_t;

/* Frame input for the worker side: reads as much as the socket has into
 * one buffer and hands out the frames in it. A payload returned by
 * glossa__frame_next stays valid until the next call on the reader. */
typedef struct glossa__frame_reader {
    int fd;
    char *buf;
    size_t start, end, cap;
    int eof;
} glossa__frame_reader_t;

/* The payload length of the frame that starts at buf, of which `avail`
 * bytes are there: >= 0 once it is all there, -1 while it is not, -2
 * when its length is beyond the protocol's limit. */
int64_t glossa__frame_length(const char *buf, size_t avail);

/* The next frame, waiting for it if needed: 1 with *payload and *len set,
 * 0 at a clean end of file, -1 on error or a malformed frame. */
int glossa__frame_next(glossa__frame_reader_t *r, const char **payload,
                       uint32_t *len);
/* How many complete frames are buffered, counting no further than
 * `enough`: reads what has arrived, without waiting, only when fewer than
 * `enough` are (a system call saved per frame when the caller needs to
 * know no more). -1 on error. */
int glossa__frame_poll(glossa__frame_reader_t *r, int enough);
void glossa__frame_reader_free(glossa__frame_reader_t *r);

/* Frame input for the supervisor side, whose sockets libuv reads: the
 * bytes read and not yet handled as frames. */
typedef struct glossa__frame_buffer {
    char *data;
    size_t len, cap;
} glossa__frame_buffer_t;

/* For a libuv alloc callback: the buffer's free room, grown first to take
 * at least `suggested` more bytes (from `first` bytes); an empty buffer
 * when out of memory (libuv then reports UV_ENOBUFS). */
void glossa__frame_buffer_room(glossa__frame_buffer_t *b, size_t first,
                               size_t suggested, char **room, size_t *size);
/* For a libuv read callback that got n > 0 bytes into the room: calls
 * on_frame for each complete frame, in order, until it returns nonzero,
 * and drops the frames handled. -1 when a frame's length is beyond the
 * protocol's limit, else 0. */
int glossa__frame_buffer_feed(glossa__frame_buffer_t *b, size_t n,
                              int (*on_frame)(void *ud, const char *payload,
                                              uint32_t len),
                              void *ud);
void glossa__frame_buffer_free(glossa__frame_buffer_t *b);

/* Sends a JSON message (READY) as one frame; takes the reference. 0 or
 * -1. */
int glossa__frame_send_json(int fd, json_t *msg);

/* Appends a frame (length, then payload) to out. */
int glossa__frame_append(struct glossa__strbuf *out, const void *payload,
                         size_t len);
/* Writes all of data, retrying short writes. 0 or -1. */
int glossa__write_all(int fd, const void *data, size_t len);

#endif
