/* A stream entry read as a document, with the rules of a JSONL record
 * (docs/scale-out.md, "The streams"). Shared by glossa worker, which
 * annotates it, and glossa merge --redis, which checks that each result
 * carries the id the worker gives its entry.
 *
 * An entry's fields are bytes. What is wrong with them goes into `notes`,
 * the error entries the output record starts with, worded as for a JSONL
 * record, so that nothing is dropped or cut silently:
 *   - "id" with a NUL byte: EPARSE, the record is named by its origin;
 *   - "id" not valid UTF-8: repaired (U+FFFD, the UTF-8 policy), EUTF8;
 *   - "meta" not a JSON object: EPARSE, ignored;
 *   - "errors" (what glossa enqueue's reader found) not an array of error
 *     entries: EPARSE, ignored; else they come first;
 *   - no "text": EPARSE, unless "errors" says why; the entry is refused
 *     (its record has no annotations).
 * "origin" is repaired like "id" (it only names the entry in messages);
 * without one, an entry is named "redis STREAM ENTRY-ID". */
#ifndef GLOSSA_CLI_ENTRY_H
#define GLOSSA_CLI_ENTRY_H

#include <stddef.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include <glossa/export.h> /* GLOSSA_PRINTF */

/* How the core writes records (docs/output-format.md: compact, reals
 * with up to 10 significant digits): records the CLI makes or changes are
 * written the same way, byte for byte. */
#define GLOSSA_CLI_RECORD_JSON_FLAGS                                           \
    (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10))

typedef struct glossa_cli_entry {
    char *entry;  /* the stream entry id */
    char *id;     /* the document id, or NULL: named by origin */
    char *origin; /* never NULL */
    char *text;   /* NUL-terminated; "" when refused */
    size_t text_len;
    json_t *meta;  /* an object, or NULL */
    json_t *notes; /* an array of error entries, maybe empty */
    int refused;   /* no text: the record carries its notes only */
} glossa_cli_entry_t;

/* Reads a stream entry [id, [field, value, ...]] of `stream` into *d (all
 * new, released by glossa_cli_entry_free()). Returns 0, or -1 when out of
 * memory (d then holds nothing). */
int glossa_cli_entry_read(glossa_cli_entry_t *d, const char *stream,
                          const redisReply *e);

/* The id of the entry's output record: its id, else its origin. Borrowed
 * from d. */
const char *glossa_cli_entry_record_id(const glossa_cli_entry_t *d);

/* Releases what d holds and zeroes it; NULL fields allowed. */
void glossa_cli_entry_free(glossa_cli_entry_t *d);

/* Appends {"plugin": null, "code": NAME, "message": MESSAGE} to the array
 * `errors`, the message formatted. Returns 0, or -1 when out of memory. */
int glossa_cli_error_entry_add(json_t *errors, int code, const char *fmt, ...)
    GLOSSA_PRINTF(3, 4);

/* The bytes s[0..n) with each maximal ill-formed UTF-8 subpart and each
 * NUL byte replaced by U+FFFD, as a new NUL-terminated string (free()).
 * *n_bad counts the replacements, *first_bad is the offset of the first
 * (both may be NULL). NULL when out of memory. */
char *glossa_cli_utf8_repair(const char *s, size_t n, size_t *first_bad,
                             size_t *n_bad);

/* The bytes s[0..n) for a message: valid UTF-8 characters as they are
 * (but control characters), every other byte as \xHH. A new string
 * (free()), or NULL when out of memory. */
char *glossa_cli_bytes_escape(const char *s, size_t n);

#endif
