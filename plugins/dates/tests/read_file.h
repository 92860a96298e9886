/* The whole of a file, for the dates plugin's tests and tools: its bytes,
 * NUL-terminated, with their count in *len; NULL when it cannot be read.
 * Reads until end of file, so pipes and /proc files work too. */
#ifndef DATES_READ_FILE_H
#define DATES_READ_FILE_H

#include <stdio.h>
#include <stdlib.h>

static inline char *dates_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t k;
    while (b && (k = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 >= cap) {
            cap *= 2;
            char *nb = realloc(b, cap);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = n;
    }
    return b;
}

#endif /* DATES_READ_FILE_H */
