#include "alloc.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "glossa/runtime.h"

/* The test hooks' bookkeeping (failure countdown, counts of allocations
 * made and live) costs atomic operations on shared cache lines in every
 * malloc and free, which threads allocating JSON nodes side by side
 * bounce between cores. It is off until a test first calls
 * glossa__alloc_fail_after(); in a normal run the hook is malloc, plus a
 * per-thread failure count. */
static atomic_bool accounting = false;

/* -1: never fail. Otherwise the number of allocations still allowed. Atomic
 * because allocations happen on pool threads too. */
static atomic_long fail_countdown = -1;
static atomic_long alloc_count = 0;
static _Thread_local unsigned long thread_failures;

unsigned long glossa__alloc_failures(void)
{
    return thread_failures;
}
static atomic_long live_count = 0;

long glossa__alloc_live(void)
{
    return atomic_load(&live_count);
}

static void *counted(void *p)
{
    if (p)
        atomic_fetch_add_explicit(&live_count, 1, memory_order_relaxed);
    else
        thread_failures++;
    return p;
}

/* Fails exactly one allocation: the one the countdown reaches. */
static int should_fail(void)
{
    atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
    long left = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (left >= 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &left, left - 1)) {
            if (left != 0)
                return 0;
            thread_failures++;
            return 1;
        }
    }
    return 0;
}

long glossa__alloc_fail_after(long n)
{
    atomic_store(&accounting, true);
    atomic_store(&fail_countdown, n);
    return atomic_exchange(&alloc_count, 0);
}

static int accounting_on(void)
{
    return atomic_load_explicit(&accounting, memory_order_relaxed);
}

/* A failure not counted by the bookkeeping. */
static void *noted(void *p)
{
    if (!p)
        thread_failures++;
    return p;
}

void *glossa__malloc(size_t size)
{
    if (!accounting_on())
        return noted(malloc(size ? size : 1));
    if (should_fail())
        return NULL;
    return counted(malloc(size ? size : 1));
}

void *glossa__calloc(size_t n, size_t size)
{
    if (!accounting_on())
        return noted(calloc(n ? n : 1, size ? size : 1));
    if (should_fail())
        return NULL;
    return counted(calloc(n ? n : 1, size ? size : 1));
}

void *glossa__realloc(void *ptr, size_t size)
{
    if (!accounting_on())
        return noted(realloc(ptr, size ? size : 1));
    if (should_fail())
        return NULL;
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        thread_failures++;
    return (ptr || !p) ? p : counted(p);
}

void glossa__free(void *ptr)
{
    if (ptr && accounting_on())
        atomic_fetch_sub_explicit(&live_count, 1, memory_order_relaxed);
    free(ptr);
}

char *glossa__strndup(const char *s, size_t n)
{
    char *copy = glossa__malloc(n + 1);
    if (copy) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

char *glossa__strdup(const char *s)
{
    return glossa__strndup(s, strlen(s));
}

char *glossa__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = glossa__malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void *jansson_malloc(size_t size)
{
    return glossa__malloc(size);
}

void glossa__alloc_install_jansson(void)
{
    json_set_alloc_funcs(jansson_malloc, glossa__free);
}

void *glossa_malloc(size_t size)
{
    return glossa__malloc(size);
}

void glossa_free(void *ptr)
{
    glossa__free(ptr);
}
