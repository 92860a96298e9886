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

/* One connection attempt; on failure, *why says why. */
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
    redisSetTimeout(c, tv);
    redisEnableKeepAlive(c);
    redisReply *reply = NULL;
    if (r->password) {
        reply = redisCommand(c, "AUTH %s", r->password);
        if (!reply || reply->type == REDIS_REPLY_ERROR) {
            snprintf(why, size, "AUTH failed: %s",
                     reply ? reply->str : c->errstr);
            goto fail;
        }
        freeReplyObject(reply);
    }
    if (r->db > 0) {
        reply = redisCommand(c, "SELECT %d", r->db);
        if (!reply || reply->type == REDIS_REPLY_ERROR) {
            snprintf(why, size, "SELECT %d failed: %s", r->db,
                     reply ? reply->str : c->errstr);
            goto fail;
        }
        freeReplyObject(reply);
    }
    return c;
fail:
    if (reply)
        freeReplyObject(reply);
    redisFree(c);
    return NULL;
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

int glossa_cli_redis_reconnect(glossa_cli_redis_t *r, const char *doing)
{
    char why[256];
    snprintf(why, sizeof(why), "%s",
             r->c && r->c->err ? r->c->errstr : "connection lost");
    if (r->c)
        redisFree(r->c);
    r->c = NULL;
    double start = glossa_cli_now_s();
    int delay = BACKOFF_FIRST_MS;
    fprintf(stderr,
            "%s: lost the connection to Redis at %s while %s (%s); "
            "reconnecting\n",
            r->who, r->display, doing, why);
    for (unsigned long attempt = 1;; attempt++) {
        if (r->give_up && atomic_load(r->give_up))
            return -1;
        if (r->retry_for > 0 && glossa_cli_now_s() - start > r->retry_for) {
            fprintf(stderr,
                    "%s: giving up on Redis at %s after %.0f s (%s; "
                    "--retry-for)\n",
                    r->who, r->display, glossa_cli_now_s() - start, why);
            return -1;
        }
        r->c = open_once(r, why, sizeof(why));
        if (r->c) {
            r->reconnects++;
            fprintf(stderr,
                    "%s: reconnected to Redis at %s after %.1f s (%lu "
                    "attempts)\n",
                    r->who, r->display, glossa_cli_now_s() - start, attempt);
            return 0;
        }
        /* Report the first failures, then about every 30 s. */
        if (attempt <= 3 || attempt % (30000 / BACKOFF_MAX_MS) == 0)
            fprintf(stderr,
                    "%s: Redis at %s: %s (attempt %lu, next in %.1f s)\n",
                    r->who, r->display, why, attempt, delay / 1000.0);
        sleep_ms(delay);
        delay = delay * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay * 2;
    }
}

redisReply *glossa_cli_redis_argv(glossa_cli_redis_t *r, const char *doing,
                                  int argc, const char **argv,
                                  const size_t *lens)
{
    for (;;) {
        redisReply *reply =
            r->c ? redisCommandArgv(r->c, argc, argv, lens) : NULL;
        if (reply)
            return reply;
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
        if (reply)
            return reply;
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
