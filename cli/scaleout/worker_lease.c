/* glossa worker, the lease thread: renews the claim on every entry the
 * worker holds, so that no other worker takes them over (worker.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "worker.h"

static void renew(worker_t *w)
{
    pthread_mutex_lock(&w->lock);
    size_t n = w->n_held;
    const char **argv = n ? malloc((n + 6) * sizeof(char *)) : NULL;
    char **copies = n ? calloc(n, sizeof(char *)) : NULL;
    for (size_t i = 0; argv && copies && i < n; i++)
        copies[i] = strdup(w->held[i].entry);
    pthread_mutex_unlock(&w->lock);
    if (argv && copies) {
        argv[0] = "XCLAIM";
        argv[1] = w->stream;
        argv[2] = w->group;
        argv[3] = w->consumer;
        argv[4] = "0";
        size_t k = 5;
        for (size_t i = 0; i < n; i++)
            if (copies[i])
                argv[k++] = copies[i];
        argv[k++] = "JUSTID";
        redisReply *reply = glossa_cli_redis_argv(&w->lease, "renewing claims",
                                                  (int)k, argv, NULL);
        freeReplyObject(reply);
    }
    for (size_t i = 0; copies && i < n; i++)
        free(copies[i]);
    free(copies);
    free(argv);
}

static void *lease_main(void *ud)
{
    worker_t *w = ud;
    long every_ms = w->claim_idle_ms / 3 > 0 ? w->claim_idle_ms / 3 : 1;
    pthread_mutex_lock(&w->lease_lock);
    while (!w->lease_stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += every_ms / 1000;
        until.tv_nsec += (every_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->lease_cond, &w->lease_lock, &until);
        if (w->lease_stop)
            break;
        pthread_mutex_unlock(&w->lease_lock);
        renew(w);
        pthread_mutex_lock(&w->lease_lock);
    }
    pthread_mutex_unlock(&w->lease_lock);
    return NULL;
}

void glossa_cli_worker__lease_start(worker_t *w)
{
    w->lease_started =
        pthread_create(&w->lease_thread, NULL, lease_main, w) == 0;
}

void glossa_cli_worker__lease_stop(worker_t *w)
{
    if (!w->lease_started)
        return;
    atomic_store(&w->lease_quit, 1);
    pthread_mutex_lock(&w->lease_lock);
    w->lease_stop = 1;
    pthread_cond_signal(&w->lease_cond);
    pthread_mutex_unlock(&w->lease_lock);
    pthread_join(w->lease_thread, NULL);
    w->lease_started = 0;
}
