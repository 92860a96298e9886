/* The isolation protocol between the runtime (supervisor) and a plugin
 * worker process (worker.c), over one socket on the worker's fd 3.
 *
 * A frame is a 4-byte little-endian payload length, then the payload:
 *   supervisor -> worker
 *     INIT  JSON {"version", "steps": [{"path", "layer", "config"}],
 *                 "options": {"max_doc_bytes", "max_layer_bytes",
 *                             "log_level", "memory_limit"}}
 *     UNIT  4-byte header length, header JSON {"step", "slot", "drop",
 *           "same", "id", "meta", "layers": {name: {"spans",
 *           "document"}}}; 4-byte length, the text; 4-byte count, the
 *           tokens; 4-byte count, the sentences (glossa_token_t and
 *           glossa_sentence_t as in memory: the worker is the same
 *           executable, so it does not segment again).
 *           The worker keeps up to GLOSSA__WORKER_DOC_SLOTS documents, in
 *           slots the supervisor assigns. It first empties the slots
 *           listed in "drop" (optional). Without "same", the request
 *           carries a document (text, tokens, sentences, "id", "meta")
 *           that replaces the one in "slot". With "same": true the unit
 *           is on the document already in "slot": text, tokens and
 *           sentences are sent empty, and "layers" leaves out those the
 *           worker produced itself on that document (it keeps them too).
 *   worker -> supervisor
 *     READY  JSON {"ok": true} or {"ok": false, "error": "..."}
 *     RESULT 4-byte length, header JSON {"status": "done"|"failed",
 *            "error", "code", "warnings", "nanos", "reals"}; 4-byte length,
 *            the layer (spans) as JSON text; 4-byte length, the document
 *            result as JSON text (empty when there is none). The texts
 *            are in the output's canonical form, ready to splice, except
 *            when "reals" is true: a later step reads the layer and it
 *            holds reals, so they are written in full precision and the
 *            supervisor re-formats them for output.
 * The worker answers each UNIT with one RESULT, in order; the supervisor
 * may send the next UNITs before the answers. End of file on fd 3 tells
 * the worker to exit.
 *
 * Progress: when INIT has "progress": true, the worker's fd 4 is a shared
 * page (glossa__worker_progress_t) where it counts the UNITs it has taken
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

#define GLOSSA__PROTOCOL_VERSION 6
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

struct glossa__strbuf;

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

/* Appends a frame (length, then payload) to out. */
int glossa__frame_append(struct glossa__strbuf *out, const void *payload,
                         size_t len);
/* Writes all of data, retrying short writes. 0 or -1. */
int glossa__write_all(int fd, const void *data, size_t len);
int glossa__frame_write_raw(int fd, const char *data, size_t len);

#endif
