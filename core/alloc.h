/* The one place the core allocates memory. Every allocation of the core
 * goes through glossa__malloc and friends so that a test can make the Nth
 * allocation fail (see tests/unit/test_alloc_torture.c). Jansson is routed
 * through the same hook by glossa__alloc_install_jansson(). */
#ifndef GLOSSA_CORE_ALLOC_H
#define GLOSSA_CORE_ALLOC_H

#include <stddef.h>

void *glossa__malloc(size_t size);
void *glossa__calloc(size_t n, size_t size);
void *glossa__realloc(void *ptr, size_t size);
void glossa__free(void *ptr);
char *glossa__strdup(const char *s);
char *glossa__strndup(const char *s, size_t n);
/* printf into a new string; NULL when out of memory. */
char *glossa__asprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Routes Jansson's allocations through the hook (idempotent). */
void glossa__alloc_install_jansson(void);

/* Test hook: after `n` more successful allocations, the next one fails,
 * once (n < 0 disables). Returns the number of allocations made since the
 * last call, so a torture test can learn how many points there are. The
 * first call turns on the counting (of allocations made and live) that
 * these hooks need; normal runs do without it. */
long glossa__alloc_fail_after(long n);

/* Failed allocations on this thread so far. Comparing the count before
 * and after a call tells whether it ran out of memory, even when the
 * callee (Jansson) reports something else. */
unsigned long glossa__alloc_failures(void);

/* Test hook: allocations made through the hook and not yet freed, since
 * the first glossa__alloc_fail_after(). */
long glossa__alloc_live(void);

#endif
