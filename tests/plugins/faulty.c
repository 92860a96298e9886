/* Test plugin "faulty": misbehaves on marked documents, and only there.
 * Markers in the text:
 *   FAIL-ME       annotate() fails with a message
 *   FAIL-SILENT   annotate() returns nonzero without a message
 *   BAD-SPANS     emits spans the core must drop (out of range, reversed,
 *                 wrong "text", offsets removed), plus one good span
 *   BAD-BYTES     calls span_add_bytes inside a multi-byte character
 *   MANY-BAD      8 spans the host refuses as they are added and 7 it
 *                 drops after annotate(), plus one good span (the cap on
 *                 dropped-span warnings spans both)
 *   HUGE-OUTPUT   emits more spans than any sane cap
 *   STDOUT        writes to stdout (which must not reach the output)
 * and, for isolation mode only (they take the whole process down):
 *   SEGFAULT      dereferences NULL
 *   ABORT         calls abort()
 *   EXIT-NOW      calls exit(3)
 *   HANG          never returns
 *   STACK-OVERFLOW recurses without end
 *   LEAK          leaks 32 MiB per document (fails cleanly when malloc does)
 *   GREEDY        needs 1 GiB for this document alone, and frees it
 * Every other document gets one span "OK" over its first character.
 * With FAULTY_CREATE_LOG set in the environment, create() appends its
 * process id to that file: the tests count the instances made. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glossa/plugin.h>

static const glossa_host_t *host;

/* Not a tail call, and a frame the compiler cannot drop; the stop
 * condition never holds (the compiler cannot know). */
static volatile int recursion_limit = -1;

static int recurse(int depth)
{
    volatile char frame[256];
    frame[depth % 256] = (char)depth;
    if (depth == recursion_limit)
        return 0;
    return recurse(depth + 1) + frame[(depth + 1) % 256];
}

static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    (void)err;
    (void)err_size;
    host = args->host;
    const char *log = getenv("FAULTY_CREATE_LOG");
    FILE *f = log ? fopen(log, "a") : NULL;
    if (f) {
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }
    return (void *)&host;
}

static int annotate(void *state, glossa_ctx_t *ctx)
{
    (void)state;
    size_t len;
    const char *text = host->doc_text(ctx, &len);
    size_t n = host->doc_length(ctx);
    if (strstr(text, "FAIL-ME"))
        return host->fail(ctx, "marked document %s refused on purpose",
                          host->doc_id(ctx));
    if (strstr(text, "FAIL-SILENT"))
        return -7;
    if (strstr(text, "BAD-SPANS")) {
        host->span_add(ctx, 0, n + 5, "OUT_OF_RANGE");
        host->span_add(ctx, 3, 1, "REVERSED");
        json_t *s = host->span_add(ctx, 0, 1, "WRONG_TEXT");
        json_object_set_new(s, "text", json_string("not the text"));
        s = host->span_add(ctx, 0, 1, "NO_START");
        json_object_del(s, "start");
        host->span_add(ctx, 0, 1, "GOOD");
        return 0;
    }
    if (strstr(text, "BAD-BYTES")) {
        const char *p = strstr(text, "\xC3\xA9"); /* é */
        if (p)
            host->span_add_bytes(ctx, (size_t)(p - text) + 1,
                                 (size_t)(p - text) + 2, "INSIDE");
        host->span_add(ctx, 0, 1, "GOOD");
        return 0;
    }
    if (strstr(text, "MANY-BAD")) {
        for (int i = 0; i < 8; i++)
            host->span_add_bytes(ctx, len + 1, len + 2, "PAST_THE_END");
        for (int i = 0; i < 7; i++)
            host->span_add(ctx, 1, 0, "REVERSED");
        host->span_add(ctx, 0, 1, "GOOD");
        return 0;
    }
    if (strstr(text, "HUGE-OUTPUT")) {
        for (size_t i = 0; i < 10000000; i++)
            if (!host->span_add(ctx, 0, n, "HUGE"))
                break;
        return 0;
    }
    if (strstr(text, "SEGFAULT")) {
        /* An unmapped address, not NULL: UBSan stops a store through
         * NULL itself, and the crash must reach the signal handlers. */
        volatile int *volatile nowhere = (volatile int *)(uintptr_t)64;
        *nowhere = 1;
    }
    if (strstr(text, "ABORT"))
        abort();
    if (strstr(text, "EXIT-NOW"))
        exit(3);
    if (strstr(text, "STACK-OVERFLOW"))
        return recurse(0);
    if (strstr(text, "HANG"))
        for (;;)
            pause();
    if (strstr(text, "LEAK")) {
        size_t size = (size_t)32 << 20;
        char *lost = malloc(size);
        if (!lost)
            return host->fail(ctx, "out of memory");
        memset(lost, 1, size); /* touch it: really resident */
    }
    if (strstr(text, "GREEDY")) {
        size_t size = (size_t)1 << 30;
        char *all = malloc(size);
        if (!all)
            return host->fail(ctx, "out of memory");
        memset(all, 1, size);
        free(all);
    }
    if (strstr(text, "STDOUT")) {
        printf("plugin noise on stdout\n");
        fflush(stdout);
    }
    host->span_add(ctx, 0, n ? 1 : 0, "OK");
    return 0;
}

static void destroy(void *state)
{
    (void)state;
}

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "faulty",
    .version = "1.0",
    .description = "test plugin: fails on marked documents",
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
};

GLOSSA_PLUGIN_DEFINE(descriptor)
