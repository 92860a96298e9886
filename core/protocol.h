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
 * may send the next UNIT before the answer. End of file on fd 3 tells the
 * worker to exit. */
#ifndef GLOSSA_CORE_PROTOCOL_H
#define GLOSSA_CORE_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "glossa/runtime.h"

#define GLOSSA__PROTOCOL_VERSION 5
/* Documents a worker keeps at once: a document's later units find it
 * there even when the worker ran units of others in between. */
#define GLOSSA__WORKER_DOC_SLOTS 4
#define GLOSSA__WORKER_FD 3
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

/* Blocking frame I/O for the worker side. read returns 1 with a new buffer
 * (freed with glossa__free), 0 at a clean end of file, -1 on error. */
int glossa__frame_read(int fd, char **payload, uint32_t *len);
int glossa__frame_write(int fd, const char *payload, size_t len);
int glossa__frame_write_raw(int fd, const char *data, size_t len);

#endif
