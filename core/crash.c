/* The crash report of in-process runs: when a plugin crashes the process
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT), say which plugin on which
 * document before the process dies, and how to survive it (--isolate).
 *
 * The handler only reads memory and calls write(2): async-signal-safe.
 * It learns what the crashing thread was doing from a thread-local
 * pointer that glossa__unit_execute() sets around each plugin call (set
 * in that thread before, so reading it allocates nothing). It then puts
 * back the handler that was there before (the default, or a sanitizer's)
 * and returns: the faulting instruction runs again and faults into that
 * one, and abort() raises again itself, so the process dies as it would
 * have, with its core dump and exit status, and sanitizers still
 * report. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "runtime_int.h"

static _Thread_local const glossa__unit_t *current_unit;
static _Thread_local int has_signal_stack;
static atomic_int installed;

/* A plugin that overflows its stack faults with no stack left to run the
 * handler on: each thread that runs plugins gets a stack of its own for
 * signals, once (they live as long as the process). */
static void give_thread_a_signal_stack(void)
{
    has_signal_stack = 1;
    /* A thread that has one already keeps it: a sanitizer gives each
     * thread its own and unmaps it when the thread ends, so replacing it
     * would make the sanitizer unmap our memory. */
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE))
        return;
    size_t size = 64 * 1024;
    stack_t ss = {.ss_sp = glossa__malloc(size), .ss_size = size};
    if (ss.ss_sp && sigaltstack(&ss, NULL) != 0)
        glossa__free(ss.ss_sp);
}

void glossa__set_current_unit(const glossa__unit_t *u)
{
    if (u && !has_signal_stack && atomic_load(&installed))
        give_thread_a_signal_stack();
    current_unit = u;
}

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define N_CRASH_SIGNALS (sizeof(crash_signals) / sizeof(crash_signals[0]))
static struct sigaction previous[N_CRASH_SIGNALS];

/* A message built in a fixed buffer, without printf (not async-signal-
 * safe). */
typedef struct line {
    char buf[1024];
    size_t len;
} line_t;

static void put(line_t *l, const char *s)
{
    for (; s && *s && l->len < sizeof(l->buf) - 1; s++)
        l->buf[l->len++] = *s;
}

static void put_uint(line_t *l, unsigned v)
{
    char digits[16];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < (int)sizeof(digits));
    while (n > 0 && l->len < sizeof(l->buf) - 1)
        l->buf[l->len++] = digits[--n];
}

static const char *name_of(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    default:
        return "SIGABRT";
    }
}

static void on_crash(int sig)
{
    int saved_errno = errno;
    line_t l = {.len = 0};
    const glossa__unit_t *u = current_unit;
    put(&l, "glossa: fatal signal ");
    put_uint(&l, (unsigned)sig);
    put(&l, " (");
    put(&l, name_of(sig));
    put(&l, ")");
    if (u && u->step && u->doc) {
        put(&l, " in plugin \"");
        put(&l, u->step->type->desc.name);
        put(&l, "\" (layer \"");
        put(&l, u->step->layer);
        put(&l, "\") on document \"");
        put(&l, u->doc->id ? u->doc->id : "?");
        put(&l, "\" (");
        put(&l, u->doc->origin ? u->doc->origin : "?");
        put(&l, ")\nglossa: rerun with --isolate: a crashing plugin then "
                "costs that one document, not the run; with -o, --resume "
                "continues after what was written\n");
    } else {
        put(&l, " outside any plugin: a bug in glossa itself; please "
                "report it\n");
    }
    ssize_t ignored = write(STDERR_FILENO, l.buf, l.len);
    (void)ignored;
    for (size_t i = 0; i < N_CRASH_SIGNALS; i++)
        if (crash_signals[i] == sig)
            sigaction(sig, &previous[i], NULL);
    errno = saved_errno;
}

int glossa_crash_report_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    /* Once per signal: the handler puts the previous one back. */
    sa.sa_flags = SA_NODEFER | SA_ONSTACK;
    for (size_t i = 0; i < N_CRASH_SIGNALS; i++)
        if (sigaction(crash_signals[i], &sa, &previous[i]) != 0)
            return GLOSSA_EINVAL;
    atomic_store(&installed, 1);
    return 0;
}
