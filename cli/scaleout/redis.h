/* A Redis connection for glossa enqueue, worker and merge --redis, on
 * hiredis' synchronous API (0.14 and later).
 *
 * A connection knows its address, and reconnects by itself: when a command
 * fails because the connection broke or the server answered something that
 * is not the Redis protocol (not because Redis answered with an error),
 * glossa_cli_redis_reconnect() says so on stderr and retries with
 * exponential backoff (0.1 s doubling to 5 s). A connection counts as
 * established only once the server answered PING, so a port where
 * something else listens is a failed attempt like a refused one.
 *
 * The connection is failing from the first failed command until a command
 * gets a reply again (glossa_cli_redis_ok()); reconnections in between do
 * not restart the clock or the backoff, so retry_for bounds the whole
 * outage even when every reconnection "works" and the next command fails.
 * A connection is used by one thread only. */
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
    unsigned long reconnects; /* outages that ended with a reply */
    double failing_since;     /* 0: healthy; else when the outage began */
    unsigned long attempts;   /* connection attempts in this outage */
    int backoff_ms;           /* the wait before the next attempt */
} glossa_cli_redis_t;

/* The default address: $GLOSSA_REDIS, else 127.0.0.1:6379. */
const char *glossa_cli_redis_default_url(void);

/* Parses redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], HOST[:PORT] or
 * unix:PATH. Returns 0, or -1 after printing why. */
int glossa_cli_redis_init(glossa_cli_redis_t *r, const char *url,
                          const char *who);

/* Connects (once, no retrying: a wrong address, or a server that does not
 * answer PING as Redis does, is reported at once). Returns 0, or -1 after
 * printing why. */
int glossa_cli_redis_connect(glossa_cli_redis_t *r);

/* After a command failed with a broken connection or a protocol error:
 * reconnects with backoff, reporting on stderr, until retry_for seconds
 * after the outage began. `doing` says what failed ("reading the
 * stream"). Returns 0 when connected again, -1 when giving up. */
int glossa_cli_redis_reconnect(glossa_cli_redis_t *r, const char *doing);

/* A command got a reply: ends an outage, saying so on stderr. The command
 * functions below call it; code reading pipelined replies itself calls it
 * after a reply. */
void glossa_cli_redis_ok(glossa_cli_redis_t *r);

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

/* Parses a stream entry id "MS-SEQ", the whole string. Returns 0, or -1
 * for anything else. */
int glossa_cli_redis_parse_id(const char *id, unsigned long long *ms,
                              unsigned long long *seq);

/* Compares two stream entry ids ("ms-seq"). */
int glossa_cli_redis_id_cmp(const char *a, const char *b);

/* The id just after `id` into out, for an exclusive XRANGE start that
 * also works on Redis before 6.2. */
void glossa_cli_redis_next_id(const char *id, char *out, size_t size);

/* Whether a reply is a stream entry: [id, [field, value, ...]]. */
int glossa_cli_redis_is_entry(const redisReply *e);

/* A reply's field of a stream entry's field list, or NULL. */
const redisReply *glossa_cli_redis_field(const redisReply *fields,
                                         const char *name);

#endif
