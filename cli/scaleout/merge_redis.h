/* glossa merge --redis: the results of `glossa worker`, one per input
 * entry, in input order. In two files:
 *   merge_redis.c   the flow: the workers are done, the results spooled
 *                   and sorted, the output written
 *   merge_check.c   the index of the input stream, and the checks of a
 *                   result against it
 * Functions they share are named glossa_cli_merge__*.
 *
 * A result is taken only if it is what a worker writes for an entry of
 * the input stream: its "entry" names an entry of the stream, and its
 * "record" is one JSON object on one line whose id is the one the worker
 * gives that entry (entry.h). Anything else in the results stream (an
 * entry some other producer added, a record cut or edited) is reported,
 * naming the result and why, and left out. */
#ifndef GLOSSA_CLI_MERGE_REDIS_H
#define GLOSSA_CLI_MERGE_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include "redis.h"

/* An entry of the input stream. */
typedef struct input_entry {
    unsigned long long ms, seq; /* its id */
    uint64_t id_hash;           /* of the id its record must carry */
    int has_result;
} input_entry_t;

/* The input stream's entries up to `last`, in stream order. */
typedef struct input_index {
    input_entry_t *e;
    size_t n, cap;
    unsigned long long last_ms, last_seq;
} input_index_t;

/* Reads the entries of `stream` up to `last` (its last entry when the
 * workers were found done) into idx, without their text when Redis runs
 * scripts. Returns 0, or -1 after printing why. */
int glossa_cli_merge__read_index(glossa_cli_redis_t *r, const char *stream,
                                 const char *last, input_index_t *idx);

/* What glossa_cli_merge__check() found. */
enum {
    MERGE_LATER = -2, /* for an entry after `last`: the next merge's */
    MERGE_BAD = -1    /* not a result of this stream: why says why */
};

/* Checks one entry e ([id, fields]) of the results stream against the
 * index of `stream`. Returns the place of its input entry in idx, or
 * MERGE_LATER, or MERGE_BAD with the reason in why. */
long glossa_cli_merge__check(const input_index_t *idx, const char *stream,
                             const redisReply *e, char *why, size_t size);

#endif
