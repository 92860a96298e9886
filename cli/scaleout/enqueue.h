/* glossa enqueue: pushes the records of a corpus into a Redis stream, one
 * entry per record, for `glossa worker`s to annotate.
 *
 * An entry's fields: id (the document id), text (its bytes as they are;
 * none when the reader could not take the record), meta (a JSON object),
 * origin (where it came from, for messages), errors (what the reader
 * found, as the output record's first error entries; only when there is
 * something) and key (the record's key, below). Any producer may add
 * entries with just id and text (docs/scale-out.md).
 *
 * Idempotence. A record's key is its input (the real path, so that one
 * file named two ways is one input) and its position in that input
 * (glossa_source_record_t.position). The stream keeps the keys it holds in
 * a hash beside it, STREAM:enqueued, KEY -> "ENTRY DIGEST TOKEN" (the
 * entry, a digest of the record, the run that added it). One server-side
 * script per record adds the entry and its key together, or answers what
 * the hash holds: running enqueue again adds nothing twice, a record whose
 * input changed since is reported and left out, and after a broken
 * connection the rest of a batch is simply sent again (what had landed
 * answers with this run's token). Standard input has no name: its records
 * (and every record with --allow-duplicates) are keyed by the run.
 *
 * The files of the command:
 *   cmd_enqueue.c    options, inputs, reading, the summary
 *   enqueue_send.c   batches, the script, sending
 * Functions they share are named glossa_cli_enqueue__*. */
#ifndef GLOSSA_CLI_ENQUEUE_H
#define GLOSSA_CLI_ENQUEUE_H

#include <stddef.h>

#include <glossa/glossa.h>

#include "redis.h"

#define BATCH_RECORDS 512
#define BATCH_BYTES ((size_t)8 << 20)

typedef struct item {
    char *key, *id, *meta, *origin;
    char *text;   /* NULL: the reader could not take the record */
    char *errors; /* NULL: nothing to say */
    size_t text_len;
    char digest[17];
    json_t *found;       /* the reader's error entries, said when added */
    const char *refusal; /* the code of the one that refused it, or NULL */
} item_t;

typedef struct batch {
    item_t items[BATCH_RECORDS];
    size_t n, bytes;
} batch_t;

/* What a run did, for the summary. */
typedef struct tally {
    char first[64], last[64]; /* the entries this run added */
    unsigned long long added;
    unsigned long long known;    /* in the stream already, the same */
    unsigned long long changed;  /* in the stream already, with other bytes */
    unsigned long long refused;  /* enqueued with the reader's error */
    unsigned long long left_out; /* could not be read at all */
} tally_t;

typedef struct enqueue {
    glossa_cli_redis_t r;
    const char *stream;
    char keys[512]; /* STREAM:enqueued */
    char token[32]; /* this run */
    batch_t *b;
    tally_t t;
} enqueue_t;

/* ---- enqueue_send.c ---- */

/* Adds a record with its key to the batch. Returns 0, or -1 when out of
 * memory (the batch keeps what it had). */
int glossa_cli_enqueue__add(batch_t *b, const glossa_source_record_t *rec,
                            const char *key);
/* Sends the batch, then empties it. Returns 0, or -1 after printing why
 * (Redis failed). */
int glossa_cli_enqueue__send(enqueue_t *q);
/* Empties the batch. */
void glossa_cli_enqueue__clear(batch_t *b);

#endif
