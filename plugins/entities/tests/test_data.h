/* Test helpers: the committed model and gazetteers of a data directory,
 * and whole files read into memory. */
#ifndef ENTITIES_TEST_DATA_H
#define ENTITIES_TEST_DATA_H

#include <stdio.h>
#include <stdlib.h>

#include "entities.h"

/* Loads DIR/entities.model and the gazetteers DIR/gazetteers.txt lists,
 * as the plugin does with its default configuration. Returns 0, or -1
 * with the reason in err. */
static inline int entities_test_load(const char *dir, entities_model_t **model,
                                     entities_gaz_t **gaz, char *err,
                                     size_t err_size)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/entities.model", dir);
    *model = entities_model_load(path, err, err_size);
    *gaz = entities_gaz_new();
    if (!*gaz)
        snprintf(err, err_size, "out of memory");
    if (!*model || !*gaz ||
        entities_gaz_load_list(*gaz, dir, "gazetteers.txt", err, err_size))
        return -1;
    return 0;
}

/* entities_test_load on $ENTITIES_DATA (else ./data), for a test group's
 * setup: says on stderr why it failed. Returns 0 or -1. */
static inline int entities_test_load_bundled(entities_model_t **model,
                                             entities_gaz_t **gaz)
{
    const char *dir = getenv("ENTITIES_DATA");
    char err[1024];
    if (entities_test_load(dir ? dir : "data", model, gaz, err, sizeof(err))) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    return 0;
}

/* The file's bytes, NUL-terminated (len may be NULL), or NULL. */
static inline char *entities_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

#endif
