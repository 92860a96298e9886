/* A Redis connection for glossa enqueue, worker and merge --redis, on
 * hiredis' synchronous API (0.14 and later).
 *
 * A connection knows its address, and reconnects by itself: when a command
 * fails because the connection broke (not because Redis answered with an
 * error), glossa_cli_redis_reconnect() says so on stderr, retries with
 * exponential backoff (0.1 s doubling to 5 s) for up to retry_for seconds,
 * and reports when it is back. A connection is used by one thread only. */
#ifndef GLOSSA_CLI_REDIS_H
#define GLOSSA_CLI_REDIS_H

#include <stdatomic.h>

#include <hiredis/hiredis.h>

typedef struct glossa_cli_redis {
    /* Set by glossa_cli_redis_init(). */
    char *host; /* NULL for a unix socket */
    int port;
    char *unix_path;
    char *password; /* AUTH, or NULL */
    int db;         /* SELECT when > 0 */
    char *display;  /* the address for messages, without the password */
    /* Settings, with defaults from init. */
    const char *who;           /* the command, for messages */
    double retry_for;          /* seconds to keep reconnecting; 0: for ever */
    int timeout_ms;            /* socket timeout of every command */
    const atomic_int *give_up; /* stop reconnecting when set, or NULL */
    /* State. */
    redisContext *c;
    unsigned long reconnects; /* successful reconnections */
} glossa_cli_redis_t;

/* The default address: $GLOSSA_REDIS, else 127.0.0.1:6379. */
const char *glossa_cli_redis_default_url(void);

/* Parses redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], HOST[:PORT] or
 * unix:PATH. Returns 0, or -1 after printing why. */
int glossa_cli_redis_init(glossa_cli_redis_t *r, const char *url,
                          const char *who);

/* Connects (once, no retrying: a wrong address is reported at once).
 * Returns 0, or -1 after printing why. */
int glossa_cli_redis_connect(glossa_cli_redis_t *r);

/* After a command failed with a broken connection: reconnects with
 * backoff, reporting on stderr. `doing` says what failed ("reading the
 * stream"). Returns 0 when connected again, -1 when giving up. */
int glossa_cli_redis_reconnect(glossa_cli_redis_t *r, const char *doing);

/* Runs one command, reconnecting and retrying while the connection is
 * broken. Returns the reply (freeReplyObject it; it may be an error
 * reply), or NULL after giving up. Only for commands that may be repeated
 * safely. */
redisReply *glossa_cli_redis_command(glossa_cli_redis_t *r, const char *doing,
                                     const char *fmt, ...);
redisReply *glossa_cli_redis_argv(glossa_cli_redis_t *r, const char *doing,
                                  int argc, const char **argv,
                                  const size_t *lens);

void glossa_cli_redis_close(glossa_cli_redis_t *r);

/* Compares two stream entry ids ("ms-seq"). */
int glossa_cli_redis_id_cmp(const char *a, const char *b);

/* The id just after `id` into out, for an exclusive XRANGE start that
 * also works on Redis before 6.2. */
void glossa_cli_redis_next_id(const char *id, char *out, size_t size);

/* A reply's field of a stream entry's field list, or NULL. */
const redisReply *glossa_cli_redis_field(const redisReply *fields,
                                         const char *name);

#endif
