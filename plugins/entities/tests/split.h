/* Test helper: whitespace tokens of a literal, as entities_token_t. */
#ifndef ENTITIES_TEST_SPLIT_H
#define ENTITIES_TEST_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "entities.h"

/* Splits s at spaces into toks (pointing into s); returns the count. */
static inline size_t split(const char *s, entities_token_t *toks, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ')
            s++;
        const char *w = s;
        while (*s && *s != ' ')
            s++;
        if (s > w) {
            toks[n].s = w;
            toks[n++].len = (uint32_t)(s - w);
        }
    }
    return n;
}

#endif
