#include "redis.h"

#include "commands.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

const char *glossa_cli_redis_default_url(void)
{
    const char *env = getenv("GLOSSA_REDIS");
    return env && *env ? env : "127.0.0.1:6379";
}

int glossa_cli_redis_init(glossa_cli_redis_t *r, const char *url,
                          const char *who)
{
    memset(r, 0, sizeof(*r));
    r->who = who;
    r->retry_for = 600;
    r->timeout_ms = 30000;
    r->port = 6379;
    if (!url)
        url = glossa_cli_redis_default_url();
    if (strncmp(url, "unix:", 5) == 0) {
        r->unix_path = strdup(url + 5);
        r->display = strdup(url);
        if (!r->unix_path || !r->display || !*r->unix_path)
            goto bad;
        return 0;
    }
    const char *p = url;
    int is_url = strncmp(p, "redis://", 8) == 0;
    if (is_url)
        p += 8;
    char *copy = strdup(p), *hostport = copy, *path = NULL;
    if (!copy)
        goto bad;
    if (is_url) {
        char *at = strrchr(copy, '@');
        if (at) {
            *at = '\0';
            char *colon = strchr(copy, ':'); /* [USER]:PASSWORD */
            r->password = strdup(colon ? colon + 1 : copy);
            hostport = at + 1;
        }
        path = strchr(hostport, '/');
        if (path) {
            *path++ = '\0';
            char *end;
            long db = strtol(path, &end, 10);
            if (*path && (*end || db < 0 || db > 65535)) {
                free(copy);
                goto bad;
            }
            r->db = (int)db;
        }
    }
    char *colon = strrchr(hostport, ':');
    if (colon) {
        *colon = '\0';
        if (glossa_cli_parse_int(colon + 1, 1, 65535, &r->port)) {
            free(copy);
            goto bad;
        }
    }
    r->host = strdup(*hostport ? hostport : "127.0.0.1");
    free(copy);
    size_t n = strlen(r->host) + 32;
    r->display = malloc(n);
    if (!r->host || !r->display)
        goto bad;
    if (r->db > 0)
        snprintf(r->display, n, "%s:%d/%d", r->host, r->port, r->db);
    else
        snprintf(r->display, n, "%s:%d", r->host, r->port);
    return 0;
bad:
    fprintf(stderr,
            "%s: bad Redis address '%s' (redis://[:PASSWORD@]HOST[:PORT][/DB], "
            "HOST:PORT or unix:PATH)\n",
            who, url);
    glossa_cli_redis_close(r);
    return -1;
}

/* Runs a command of the handshake; on an error reply or none, *why says
 * why. Returns 0 or -1. */
static int handshake(redisContext *c, const char *what, char *why, size_t size,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *reply = redisvCommand(c, fmt, ap);
    va_end(ap);
    int ok = reply && reply->type != REDIS_REPLY_ERROR;
    if (!reply)
        snprintf(why, size, "%s: %s", what, c->errstr);
    else if (!ok)
        snprintf(why, size, "%s: %s", what, reply->str);
    freeReplyObject(reply);
    return ok ? 0 : -1;
}

/* One connection attempt; on failure, *why says why. The server must
 * answer PING with PONG: a port where something else listens answers
 * garbage (a protocol error) or nothing (the timeout), and is not taken
 * for a working connection. */
static redisContext *open_once(glossa_cli_redis_t *r, char *why, size_t size)
{
    struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
    struct timeval ctv = {5, 0};
    redisContext *c = r->unix_path
                          ? redisConnectUnixWithTimeout(r->unix_path, ctv)
                          : redisConnectWithTimeout(r->host, r->port, ctv);
    if (!c) {
        snprintf(why, size, "out of memory");
        return NULL;
    }
    if (c->err) {
        snprintf(why, size, "%s", c->errstr);
        redisFree(c);
        return NULL;
    }
    /* The handshake has the connect timeout: a silent server fails fast. */
    redisSetTimeout(c, ctv);
    redisEnableKeepAlive(c);
    if ((r->password &&
         handshake(c, "AUTH failed", why, size, "AUTH %s", r->password)) ||
        (r->db > 0 &&
         handshake(c, "SELECT failed", why, size, "SELECT %d", r->db))) {
        redisFree(c);
        return NULL;
    }
    redisReply *pong = redisCommand(c, "PING");
    int is_redis = pong && pong->type == REDIS_REPLY_STATUS &&
                   strcmp(pong->str, "PONG") == 0;
    if (!is_redis)
        snprintf(why, size, "it does not answer as Redis does (PING: %s)",
                 !pong                             ? c->errstr
                 : pong->type == REDIS_REPLY_ERROR ? pong->str
                                                   : "no PONG");
    freeReplyObject(pong);
    if (!is_redis) {
        redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, tv);
    return c;
}

int glossa_cli_redis_connect(glossa_cli_redis_t *r)
{
    char why[256];
    r->c = open_once(r, why, sizeof(why));
    if (!r->c) {
        fprintf(stderr, "%s: cannot connect to Redis at %s: %s\n", r->who,
                r->display, why);
        return -1;
    }
    return 0;
}

static int give_up_now(const glossa_cli_redis_t *r)
{
    return r->give_up && atomic_load(r->give_up);
}

/* Sleeps the backoff (or what is left of retry_for, if less), waking up
 * every 100 ms to see whether to give up, and doubles the backoff. */
static void back_off(glossa_cli_redis_t *r)
{
    double until = glossa_cli_now_s() + r->backoff_ms / 1000.0;
    if (r->retry_for > 0 && until > r->failing_since + r->retry_for)
        until = r->failing_since + r->retry_for + 0.01;
    double left;
    while (!give_up_now(r) && (left = until - glossa_cli_now_s()) > 0)
        sleep_ms(left > 0.1 ? 100 : (int)(left * 1000) + 1);
    r->backoff_ms =
        r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
}

/* Reports a failed attempt: the first three of an outage, then about
 * every 30 s. */
static void report_attempt(const glossa_cli_redis_t *r, const char *why)
{
    if (r->attempts <= 3 || r->attempts % (30000 / BACKOFF_MAX_MS) == 0)
        fprintf(stderr, "%s: Redis at %s: %s (attempt %lu, next in %.1f s)\n",
                r->who, r->display, why, r->attempts, r->backoff_ms / 1000.0);
}

int glossa_cli_redis_reconnect(glossa_cli_redis_t *r, const char *doing)
{
    char why[256];
    snprintf(why, sizeof(why), "%s",
             r->c && r->c->err ? r->c->errstr : "connection lost");
    if (r->c)
        redisFree(r->c);
    r->c = NULL;
    if (r->failing_since == 0) {
        r->failing_since = glossa_cli_now_s();
        r->attempts = 0;
        r->backoff_ms = BACKOFF_FIRST_MS;
        fprintf(stderr,
                "%s: lost the connection to Redis at %s while %s (%s); "
                "reconnecting\n",
                r->who, r->display, doing, why);
    } else if (r->attempts > 0) {
        /* Connected again, but the next command failed too. */
        report_attempt(r, why);
    }
    for (;;) {
        if (r->attempts > 0)
            back_off(r);
        if (give_up_now(r))
            return -1;
        double out_for = glossa_cli_now_s() - r->failing_since;
        if (r->retry_for > 0 && out_for > r->retry_for) {
            fprintf(stderr,
                    "%s: giving up on Redis at %s after %.0f s (%s; "
                    "--retry-for)\n",
                    r->who, r->display, out_for, why);
            return -1;
        }
        r->attempts++;
        r->c = open_once(r, why, sizeof(why));
        if (r->c)
            return 0;
        report_attempt(r, why);
    }
}

void glossa_cli_redis_ok(glossa_cli_redis_t *r)
{
    if (r->failing_since == 0)
        return;
    r->reconnects++;
    fprintf(
        stderr, "%s: reconnected to Redis at %s after %.1f s (%lu attempts)\n",
        r->who, r->display, glossa_cli_now_s() - r->failing_since, r->attempts);
    r->failing_since = 0;
}

redisReply *glossa_cli_redis_argv(glossa_cli_redis_t *r, const char *doing,
                                  int argc, const char **argv,
                                  const size_t *lens)
{
    for (;;) {
        redisReply *reply =
            r->c ? redisCommandArgv(r->c, argc, argv, lens) : NULL;
        if (reply) {
            glossa_cli_redis_ok(r);
            return reply;
        }
        if (glossa_cli_redis_reconnect(r, doing))
            return NULL;
    }
}

redisReply *glossa_cli_redis_command(glossa_cli_redis_t *r, const char *doing,
                                     const char *fmt, ...)
{
    for (;;) {
        redisReply *reply = NULL;
        if (r->c) {
            va_list ap;
            va_start(ap, fmt);
            reply = redisvCommand(r->c, fmt, ap);
            va_end(ap);
        }
        if (reply) {
            glossa_cli_redis_ok(r);
            return reply;
        }
        if (glossa_cli_redis_reconnect(r, doing))
            return NULL;
    }
}

void glossa_cli_redis_close(glossa_cli_redis_t *r)
{
    if (r->c)
        redisFree(r->c);
    free(r->host);
    free(r->unix_path);
    free(r->password);
    free(r->display);
    r->c = NULL;
    r->host = r->unix_path = r->password = r->display = NULL;
}

static void split_id(const char *id, unsigned long long *ms,
                     unsigned long long *seq)
{
    char *end;
    *ms = strtoull(id, &end, 10);
    *seq = *end == '-' ? strtoull(end + 1, NULL, 10) : 0;
}

int glossa_cli_redis_parse_id(const char *id, unsigned long long *ms,
                              unsigned long long *seq)
{
    char *end;
    if (*id < '0' || *id > '9')
        return -1;
    errno = 0;
    *ms = strtoull(id, &end, 10);
    if (*end != '-' || end[1] < '0' || end[1] > '9')
        return -1;
    *seq = strtoull(end + 1, &end, 10);
    return *end || errno ? -1 : 0;
}

int glossa_cli_redis_id_cmp(const char *a, const char *b)
{
    unsigned long long am, as, bm, bs;
    split_id(a, &am, &as);
    split_id(b, &bm, &bs);
    if (am != bm)
        return am < bm ? -1 : 1;
    return as < bs ? -1 : as > bs;
}

void glossa_cli_redis_next_id(const char *id, char *out, size_t size)
{
    unsigned long long ms = 0, seq = 0;
    sscanf(id, "%llu-%llu", &ms, &seq);
    snprintf(out, size, "%llu-%llu", ms, seq + 1);
}

int glossa_cli_redis_is_entry(const redisReply *e)
{
    return e && e->type == REDIS_REPLY_ARRAY && e->elements == 2 &&
           e->element[0]->type == REDIS_REPLY_STRING &&
           e->element[1]->type == REDIS_REPLY_ARRAY;
}

const redisReply *glossa_cli_redis_field(const redisReply *fields,
                                         const char *name)
{
    if (!fields || fields->type != REDIS_REPLY_ARRAY)
        return NULL;
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *k = fields->element[i];
        if (k->type == REDIS_REPLY_STRING && k->len == strlen(name) &&
            memcmp(k->str, name, k->len) == 0)
            return fields->element[i + 1];
    }
    return NULL;
}

const char *glossa_cli_redis_support(void)
{
    return "yes (hiredis " GLOSSA_HIREDIS_VERSION ")";
}
