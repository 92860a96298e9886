/* The inputs of `glossa run`, read as records (id, text, meta) without
 * running anything: what `glossa enqueue` puts into a stream.
 *
 * It follows the rules of the core's reader (docs/cli.md, Inputs): a
 * directory gives its *.txt files sorted by name with metadata from its
 * manifest.jsonl; a .jsonl file or "-" gives one record per non-blank line
 * ({"id", "text", "meta"}, other top-level fields added to meta, "meta"
 * winning); any other file is one document. The public API has no way to
 * read a source record by record, so this is a second implementation of
 * those rules; it goes once libglossa exports one (docs/scale-out.md).
 *
 * A record that cannot be read (broken JSONL line, manifest naming a
 * missing file) comes back with `problem` set, so that the caller can
 * report it with its origin and go on. */
#ifndef GLOSSA_CLI_RECORDS_H
#define GLOSSA_CLI_RECORDS_H

#include <stddef.h>

#include <jansson.h>

typedef struct glossa_cli_record {
    /* All owned by the reader, valid until the next call. */
    const char *id;
    const char *text; /* raw bytes */
    size_t text_len;
    const json_t *meta;  /* an object */
    const char *origin;  /* "FILE:LINE" or the file, for messages */
    const char *problem; /* non-NULL: not a record; says why */
} glossa_cli_record_t;

typedef struct glossa_cli_reader glossa_cli_reader_t;

/* Checks that every input exists. Returns 0, or -1 after printing why,
 * prefixed with `who`. max_doc_bytes: larger documents are problems. */
int glossa_cli_reader_open(const char *const *inputs, size_t n,
                           size_t max_doc_bytes, const char *who,
                           glossa_cli_reader_t **out);

/* Returns 1 with a record (or a problem), 0 at the end, -1 after printing
 * a fatal error (an input could not be read at all). */
int glossa_cli_reader_next(glossa_cli_reader_t *r, glossa_cli_record_t *rec);

/* Manifest lines that were ignored (printed when found). */
size_t glossa_cli_reader_problems(const glossa_cli_reader_t *r);

void glossa_cli_reader_free(glossa_cli_reader_t *r);

#endif
