/* Decoding one JSONL input record without building a JSON tree for its
 * text. The text is most of a record's bytes; Jansson would check and copy
 * it one character at a time, then the core would copy it again. This
 * fast path copies runs between escapes in bulk and hands anything else
 * (metadata, other fields) to Jansson. */
#ifndef GLOSSA_CORE_JSONL_H
#define GLOSSA_CORE_JSONL_H

#include <stddef.h>

#include <jansson.h>

typedef struct glossa__jsonl_record {
    char *id;   /* NULL when absent (an integer id is converted) */
    char *text; /* NULL when absent; may contain NUL (from \u0000) */
    size_t text_len;
    json_t *meta; /* a new object: "meta" plus the other fields */
} glossa__jsonl_record_t;

/* Decodes a line of valid UTF-8. Returns 0 and fills *rec, or
 * GLOSSA_EPARSE when the line is not a plain record (invalid JSON, "id"
 * neither a string nor an integer, "meta" not an object, a non-string
 * "text", ...): the caller then uses the general path, which says what is
 * wrong. GLOSSA_ENOMEM when memory runs out. The same input gives exactly
 * what Jansson would: duplicate keys keep the last value, "meta" wins over
 * other fields of the same name. */
int glossa__jsonl_decode(const char *line, size_t len,
                         glossa__jsonl_record_t *rec);

void glossa__jsonl_record_free(glossa__jsonl_record_t *rec);

#endif
