#include "progress.h"

#include <stdio.h>
#include <string.h>

void glossa_progress_init(glossa_progress_t *p, int enabled)
{
    memset(p, 0, sizeof(*p));
    p->enabled = enabled;
}

static void format_eta(double seconds, char *buf, size_t size)
{
    if (seconds < 0 || seconds > 360000) {
        snprintf(buf, size, "--:--");
        return;
    }
    unsigned s = (unsigned)seconds;
    if (s >= 3600)
        snprintf(buf, size, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%u:%02u", s / 60, s % 60);
}

void glossa_progress_update(void *ud, const glossa_run_stats_t *now,
                            int64_t total_bytes)
{
    glossa_progress_t *p = ud;
    if (!p->enabled)
        return;
    double mb = (double)now->bytes / 1e6;
    double secs = now->wall_seconds > 0 ? now->wall_seconds : 1e-9;
    double rate = mb / secs;
    char line[160];
    if (total_bytes > 0) {
        double frac = (double)now->bytes / (double)total_bytes;
        if (frac > 1)
            frac = 1;
        char eta[32];
        format_eta(rate > 0 ? ((double)total_bytes / 1e6 - mb) / rate : -1, eta,
                   sizeof(eta));
        int width = 24, filled = (int)(frac * width);
        char bar[32];
        for (int i = 0; i < width; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[width] = '\0';
        snprintf(line, sizeof(line),
                 "[%s] %3.0f%%  %llu docs  %.1f/%.1f MB  %.2f MB/s  ETA %s",
                 bar, frac * 100, (unsigned long long)now->records, mb,
                 (double)total_bytes / 1e6, rate, eta);
    } else {
        snprintf(line, sizeof(line), "%llu docs  %.1f MB  %.2f MB/s",
                 (unsigned long long)now->records, mb, rate);
    }
    fprintf(stderr, "\r%-79.79s", line);
    fflush(stderr);
    p->drawn = 1;
}

void glossa_progress_finish(glossa_progress_t *p)
{
    if (p->drawn)
        fprintf(stderr, "\r%79s\r", "");
    p->drawn = 0;
}
