/* The supervisor's side of the zygote (zygote_link.h): starting it, INIT
 * and READY, its control socket on a run's loop, and reaping it.
 *
 * The zygote is started with posix_spawn(), not uv_spawn(): prepare()
 * runs before any loop exists, and a zygote outlives no run, so its
 * death is seen as end of file on the control socket (it holds the only
 * other end) and its status is then taken with waitpid(). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include "zygote_link.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "report.h"
#include "strbuf.h"

extern char **environ;

/* How long a zygote may take to exit once its control socket is closed
 * (it kills and reaps its workers first) before it is killed. */
#define EXIT_GRACE_MS 5000

struct glossa__zygote {
    pid_t pid;
    int fd; /* the control socket until attached (then the pipe owns it) */
    unsigned n_pages;
    glossa__worker_progress_t **pages; /* n_pages, or NULL */
    int *page_fds;
    /* During a run. */
    uv_pipe_t control; /* IPC: FORKED carries a socket */
    int attached, open, gone;
    glossa__frame_buffer_t in;
    glossa__zygote_events_t events;
};

const char *glossa__signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGKILL:
        return "SIGKILL";
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGHUP:
        return "SIGHUP";
    case SIGQUIT:
        return "SIGQUIT";
    case SIGPIPE:
        return "SIGPIPE";
    case SIGXCPU:
        return "SIGXCPU";
    case SIGSYS:
        return "SIGSYS";
    default:
        return "a signal";
    }
}

/* ---- Progress pages ---------------------------------------------------- */

static void drop_pages(glossa__zygote_t *z)
{
    for (unsigned i = 0; z->pages && i < z->n_pages; i++) {
        if (z->pages[i])
            munmap(z->pages[i], sizeof(glossa__worker_progress_t));
        if (z->page_fds[i] >= 0)
            close(z->page_fds[i]);
    }
    glossa__free(z->pages);
    glossa__free(z->page_fds);
    z->pages = NULL;
    z->page_fds = NULL;
    z->n_pages = 0;
}

/* One memfd page per slot; the zygote gets them as fds 4, 5, ... */
static int make_pages(glossa__zygote_t *z, unsigned n)
{
    z->pages = glossa__calloc(n, sizeof(*z->pages));
    z->page_fds = glossa__malloc(n * sizeof(int));
    if (!z->pages || !z->page_fds)
        return -1;
    for (unsigned i = 0; i < n; i++)
        z->page_fds[i] = -1;
    z->n_pages = n;
    for (unsigned i = 0; i < n; i++) {
        int fd = memfd_create("glossa-worker-progress", MFD_CLOEXEC);
        z->page_fds[i] = fd;
        if (fd < 0 || ftruncate(fd, sizeof(glossa__worker_progress_t)))
            return -1;
        void *page = mmap(NULL, sizeof(glossa__worker_progress_t),
                          PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (page == MAP_FAILED)
            return -1;
        z->pages[i] = page;
    }
    return 0;
}

glossa__worker_progress_t *glossa__zygote_progress(glossa__zygote_t *z,
                                                   unsigned slot)
{
    return z->pages && slot < z->n_pages ? z->pages[slot] : NULL;
}

/* ---- Starting ---------------------------------------------------------- */

/* Starts exe as the zygote: control_fd as its fd 3, the pages as fds 4,
 * 5, ..., standard input from /dev/null, standard output to our standard
 * error (a plugin's prints never reach a socket or our output). The
 * child's fds are first copied above every target, so that no dup2()
 * overwrites a source still to be copied, and each lands without
 * FD_CLOEXEC. Signals start at their defaults, with SIGINT and SIGTERM
 * blocked: the zygote ignores them (glossa_worker_main()), and blocking
 * closes the window before it can say so. */
static int spawn(glossa__zygote_t *z, const char *exe, int control_fd)
{
    int lowest = GLOSSA__WORKER_PROGRESS_FD + (int)z->n_pages;
    int n_fds = 1 + (int)z->n_pages;
    int *high = glossa__malloc((size_t)n_fds * sizeof(int));
    if (!high)
        return ENOMEM;
    int rc = 0, made = 0;
    for (; made < n_fds && rc == 0; made++) {
        int src = made == 0 ? control_fd : z->page_fds[made - 1];
        high[made] = fcntl(src, F_DUPFD_CLOEXEC, lowest);
        if (high[made] < 0)
            rc = errno;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int fa_ok = 0, attr_ok = 0;
    if (rc == 0)
        fa_ok = (rc = posix_spawn_file_actions_init(&fa)) == 0;
    if (rc == 0)
        attr_ok = (rc = posix_spawnattr_init(&attr)) == 0;
    for (int i = 0; rc == 0 && i < n_fds; i++)
        rc = posix_spawn_file_actions_adddup2(&fa, high[i],
                                              GLOSSA__WORKER_FD + i);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_adddup2(&fa, 2, 1);
    sigset_t stops, all;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigfillset(&all);
    if (rc == 0)
        rc = posix_spawnattr_setsigmask(&attr, &stops);
    if (rc == 0)
        rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (rc == 0)
        rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
                                                 POSIX_SPAWN_SETSIGDEF);
    char *args[] = {(char *)exe, (char *)GLOSSA__WORKER_ARG, NULL};
    if (rc == 0)
        rc = posix_spawn(&z->pid, exe, &fa, &attr, args, environ);
    if (fa_ok)
        posix_spawn_file_actions_destroy(&fa);
    if (attr_ok)
        posix_spawnattr_destroy(&attr);
    for (int i = 0; i < made; i++)
        if (high[i] >= 0)
            close(high[i]);
    glossa__free(high);
    return rc;
}

/* The INIT message: the steps with their validated configurations. */
static char *init_message(const glossa_runtime_t *rt, unsigned n_pages)
{
    json_t *steps = json_array();
    for (size_t i = 0; steps && i < rt->n_steps; i++) {
        const glossa__step_t *s = rt->steps[i];
        if (json_array_append_new(steps,
                                  json_pack("{s:s,s:s,s:s,s:O,s:O*}", "path",
                                            s->type->path, "layer", s->layer,
                                            "origin", s->origin, "config",
                                            s->config, "inputs", s->inputs))) {
            json_decref(steps);
            steps = NULL;
        }
    }
    json_t *msg = json_pack(
        "{s:i,s:o*,s:i,s:{s:I,s:I,s:i,s:I}}", "version",
        GLOSSA__PROTOCOL_VERSION, "steps", steps, "progress", (int)n_pages,
        "options", "max_doc_bytes", (json_int_t)rt->opts.max_doc_bytes,
        "max_layer_bytes", (json_int_t)rt->opts.max_layer_bytes, "log_level",
        (int)rt->opts.log_level, "memory_limit",
        (json_int_t)rt->opts.worker_memory_limit);
    char *text = msg && steps ? json_dumps(msg, JSON_COMPACT) : NULL;
    json_decref(msg);
    return text;
}

/* Waits for the zygote's exit, up to grace_ms (then SIGKILL and wait). */
static void reap(glossa__zygote_t *z, int grace_ms, int *status)
{
    *status = 0;
    if (z->pid <= 0)
        return;
    for (int waited = 0;; waited++) {
        pid_t r = waitpid(z->pid, status, grace_ms ? WNOHANG : 0);
        if (r == z->pid || (r < 0 && errno != EINTR))
            break;
        if (r == 0 && waited >= grace_ms) {
            kill(z->pid, SIGKILL);
            grace_ms = 0;
            continue;
        }
        if (r == 0)
            nanosleep(&(struct timespec){0, 1000000}, NULL);
    }
    z->pid = 0;
}

/* The message for a zygote that died; `when` says when it did. */
static void describe_death(int status, const char *when, char *out, size_t size)
{
    if (WIFSIGNALED(status))
        snprintf(out, size,
                 "the process that starts plugin workers died of signal %d "
                 "(%s)%s",
                 WTERMSIG(status), glossa__signal_name(WTERMSIG(status)), when);
    else
        snprintf(out, size,
                 "the process that starts plugin workers exited with status "
                 "%d%s",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, when);
}

/* Reads READY: 0, or the zygote's error in err. */
static int await_ready(glossa__zygote_t *z, glossa_error_t *err)
{
    glossa__frame_reader_t in = {.fd = z->fd};
    const char *payload;
    uint32_t len;
    int got = glossa__frame_next(&in, &payload, &len);
    json_t *msg = got == 1 ? json_loadb(payload, len, 0, NULL) : NULL;
    glossa__frame_reader_free(&in);
    int rc = 0;
    if (json_is_true(json_object_get(msg, "ok"))) {
        rc = 0;
    } else if (msg) {
        json_t *e = json_object_get(msg, "error");
        int code = (int)json_integer_value(json_object_get(e, "code"));
        const char *source = json_string_value(json_object_get(e, "source"));
        const char *text = json_string_value(json_object_get(e, "text"));
        rc = glossa__fail(err, code < 0 ? code : GLOSSA_ECONFIG,
                          source && *source ? source : NULL,
                          (int)json_integer_value(json_object_get(e, "line")),
                          "%s", text ? text : "malformed READY message");
        if (err)
            err->column = (int)json_integer_value(json_object_get(e, "column"));
    } else {
        int status;
        close(z->fd);
        z->fd = -1;
        reap(z, EXIT_GRACE_MS, &status);
        char why[256];
        describe_death(status, " while loading the plugins", why, sizeof(why));
        rc = glossa__fail(err, GLOSSA_ECRASHED, NULL, 0, "%s", why);
    }
    json_decref(msg);
    return rc;
}

int glossa__zygote_spawn(const glossa_runtime_t *rt, unsigned n_slots,
                         glossa__zygote_t **out, glossa_error_t *err)
{
    *out = NULL;
    glossa__zygote_t *z = glossa__calloc(1, sizeof(*z));
    if (!z)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    z->fd = -1;
    if (make_pages(z, n_slots)) {
        /* Workers then send each result at once; nothing else changes. */
        glossa__log(rt, GLOSSA_LOG_INFO, NULL, NULL,
                    "no shared page for worker progress (%s): results are "
                    "sent one by one",
                    strerror(errno));
        drop_pages(z);
    }
    char *init = init_message(rt, z->n_pages);
    int sv[2] = {-1, -1};
    if (!init || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        int e = init ? errno : ENOMEM;
        glossa__free(init);
        glossa__zygote_free(z);
        return glossa__fail(err, e == ENOMEM ? GLOSSA_ENOMEM : GLOSSA_ECRASHED,
                            NULL, 0, "cannot start the plugin process: %s",
                            strerror(e));
    }
    const char *exe =
        rt->worker_command ? rt->worker_command : "/proc/self/exe";
    int rc = spawn(z, exe, sv[1]);
    close(sv[1]);
    z->fd = sv[0];
    if (rc) {
        glossa__free(init);
        glossa__zygote_free(z);
        return glossa__fail(err, GLOSSA_ECRASHED, NULL, 0,
                            "cannot start the plugin process (%s): %s", exe,
                            strerror(rc));
    }
    /* A zygote that dies before reading INIT must not kill us. */
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
    int sent =
        glossa__frame_append(&frame, init, strlen(init)) == 0 &&
        send(z->fd, frame.data, frame.len, MSG_NOSIGNAL) == (ssize_t)frame.len;
    glossa__strbuf_free(&frame);
    glossa__free(init);
    (void)sent; /* if not, READY is end of file and says why */
    rc = await_ready(z, err);
    if (rc) {
        glossa__zygote_free(z);
        return rc;
    }
    *out = z;
    return 0;
}

/* ---- During a run ------------------------------------------------------ */

static void on_control_alloc(uv_handle_t *handle, size_t suggested,
                             uv_buf_t *buf)
{
    glossa__zygote_t *z = handle->data;
    char *room;
    size_t size;
    glossa__frame_buffer_room(&z->in, 4096, suggested, &room, &size);
    *buf = uv_buf_init(room, (unsigned)size);
}

static int on_control_frame(void *ud, const char *payload, uint32_t len)
{
    glossa__zygote_t *z = ud;
    const unsigned char *p = (const unsigned char *)payload;
    if (len == 12 && glossa__get_u32(p) == GLOSSA__ZYGOTE_FORKED)
        z->events.forked(z->events.ud, glossa__get_u32(p + 4),
                         glossa__get_u32(p + 8));
    else if (len == 16 && glossa__get_u32(p) == GLOSSA__ZYGOTE_EXITED)
        z->events.exited(z->events.ud, glossa__get_u32(p + 4),
                         glossa__get_u32(p + 8), glossa__get_u32(p + 12));
    return !z->open; /* detached by a callback: nothing more to read */
}

static void close_control(glossa__zygote_t *z)
{
    if (!z->open)
        return;
    z->open = 0;
    uv_read_stop((uv_stream_t *)&z->control);
    uv_close((uv_handle_t *)&z->control, NULL);
}

static void on_control_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    glossa__zygote_t *z = stream->data;
    if (n >= 0) {
        glossa__frame_buffer_feed(&z->in, (size_t)n, on_control_frame, z);
        return;
    }
    /* End of file: the zygote is gone (it holds the only other end). */
    close_control(z);
    z->gone = 1;
    int status;
    reap(z, EXIT_GRACE_MS, &status);
    z->events.died(z->events.ud, WIFEXITED(status) ? WEXITSTATUS(status) : 0,
                   WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int glossa__zygote_attach(glossa__zygote_t *z, uv_loop_t *loop,
                          const glossa__zygote_events_t *events)
{
    z->events = *events;
    int rc = uv_pipe_init(loop, &z->control, 1);
    if (rc)
        return rc;
    z->control.data = z;
    z->attached = 1;
    rc = uv_pipe_open(&z->control, z->fd);
    if (rc == 0) {
        z->fd = -1; /* the pipe owns it now */
        z->open = 1;
        rc = uv_read_start((uv_stream_t *)&z->control, on_control_alloc,
                           on_control_read);
    }
    if (rc && !uv_is_closing((uv_handle_t *)&z->control)) {
        z->open = 0;
        uv_close((uv_handle_t *)&z->control, NULL);
    }
    return rc;
}

int glossa__zygote_alive(const glossa__zygote_t *z)
{
    return z->open && !z->gone;
}

/* A write the socket did not take at once: the bytes stay alive until
 * libuv is done. */
typedef struct control_write {
    uv_write_t req;
    size_t len;
    char data[]; /* the rest of the frame */
} control_write_t;

static void on_control_written(uv_write_t *req, int status)
{
    (void)status; /* a zygote that cannot be written to is going: its end
                   * of file says so */
    glossa__free(req->data);
}

/* A FORK or KILL request: written at once when the socket takes it, else
 * queued behind the writes before it. 0 or a libuv error. */
static int request(glossa__zygote_t *z, uint32_t what, uint32_t arg)
{
    if (!glossa__zygote_alive(z))
        return UV_EPIPE;
    unsigned char frame[GLOSSA__CONTROL_FRAME_MAX];
    size_t len = glossa__control_frame(frame, what, &arg, 1);
    uv_stream_t *stream = (uv_stream_t *)&z->control;
    uv_buf_t buf = uv_buf_init((char *)frame, (unsigned)len);
    int rc = uv_try_write(stream, &buf, 1);
    if (rc == UV_EAGAIN)
        rc = 0;
    if (rc < 0 || (size_t)rc == len)
        return rc < 0 ? rc : 0;
    control_write_t *w = glossa__malloc(sizeof(*w) + len - (size_t)rc);
    if (!w)
        return UV_ENOMEM;
    w->len = len - (size_t)rc;
    memcpy(w->data, frame + rc, w->len);
    w->req.data = w;
    buf = uv_buf_init(w->data, (unsigned)w->len);
    rc = uv_write(&w->req, stream, &buf, 1, on_control_written);
    if (rc)
        glossa__free(w);
    return rc;
}

int glossa__zygote_fork(glossa__zygote_t *z, uint32_t slot)
{
    return request(z, GLOSSA__ZYGOTE_FORK, slot);
}

int glossa__zygote_kill(glossa__zygote_t *z, uint32_t pid)
{
    return request(z, GLOSSA__ZYGOTE_KILL, pid);
}

int glossa__zygote_accept(glossa__zygote_t *z, uv_pipe_t *pipe)
{
    if (!z->open || uv_pipe_pending_count(&z->control) <= 0)
        return UV_EPROTO;
    return uv_accept((uv_stream_t *)&z->control, (uv_stream_t *)pipe);
}

void glossa__zygote_detach(glossa__zygote_t *z)
{
    close_control(z);
}

void glossa__zygote_free(glossa__zygote_t *z)
{
    if (!z)
        return;
    if (z->fd >= 0)
        close(z->fd); /* never attached: this is its end of file */
    int status;
    reap(z, EXIT_GRACE_MS, &status);
    drop_pages(z);
    glossa__frame_buffer_free(&z->in);
    glossa__free(z);
}
