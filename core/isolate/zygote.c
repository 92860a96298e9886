/* The zygote of isolation mode (protocol.h): started by the supervisor
 * when a runtime is prepared, it loads the pipeline, creates every plugin
 * instance once and forks the workers of a run from itself, so that they
 * share the loaded plugins, instances and models and start at once. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "report.h"
#include "worker.h"

/* The progress page the supervisor shares (protocol.h), or NULL. */
static glossa__worker_progress_t *map_progress(void)
{
    void *page =
        mmap(NULL, sizeof(glossa__worker_progress_t), PROT_READ | PROT_WRITE,
             MAP_SHARED, GLOSSA__WORKER_PROGRESS_FD, 0);
    return page == MAP_FAILED ? NULL : page;
}

/* The runtime of the INIT message: its steps, whose configurations the
 * supervisor validated (they are taken as they are), and their
 * instances. *n_progress is the number of progress pages the supervisor
 * shares (one per worker slot, from fd 4 on), 0 when it shares none. On
 * error, NULL with err filled. */
static glossa_runtime_t *start(const char *payload, uint32_t len,
                               unsigned *n_progress, glossa_error_t *err)
{
    json_error_t jerr;
    json_t *init = json_loadb(payload, len, 0, &jerr);
    json_t *options = json_object_get(init, "options");
    json_t *steps = json_object_get(init, "steps");
    if (!json_is_object(options) || !json_is_array(steps) ||
        json_integer_value(json_object_get(init, "version")) !=
            GLOSSA__PROTOCOL_VERSION) {
        glossa__fail(err, GLOSSA_EINVAL, NULL, 0, "bad INIT message: %s",
                     init ? "unexpected content" : jerr.text);
        json_decref(init);
        return NULL;
    }
    json_int_t pages = json_integer_value(json_object_get(init, "progress"));
    *n_progress = pages > 0 && pages <= 4096 ? (unsigned)pages : 0;
    json_int_t memory =
        json_integer_value(json_object_get(options, "memory_limit"));
    if (memory > 0) {
        struct rlimit lim = {(rlim_t)memory, (rlim_t)memory};
        setrlimit(RLIMIT_AS, &lim);
    }
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 1;
    o.max_doc_bytes =
        (size_t)json_integer_value(json_object_get(options, "max_doc_bytes"));
    o.max_layer_bytes =
        (size_t)json_integer_value(json_object_get(options, "max_layer_bytes"));
    o.log_level = (glossa_log_level_t)json_integer_value(
        json_object_get(options, "log_level"));
    glossa_runtime_t *rt = NULL;
    int rc = glossa_runtime_new(&o, &rt, err);
    size_t i;
    json_t *step;
    json_array_foreach(steps, i, step)
    {
        if (rc)
            break;
        const char *origin = json_string_value(json_object_get(step, "origin"));
        rc = glossa__runtime_add_validated(
            rt, json_string_value(json_object_get(step, "path")),
            json_object_get(step, "config"),
            json_string_value(json_object_get(step, "layer")), origin, err);
        const char *input;
        json_t *from;
        json_object_foreach(json_object_get(step, "inputs"), input, from)
        {
            if (rc == 0)
                rc = glossa__step_map_input(rt->steps[rt->n_steps - 1], input,
                                            json_string_value(from), origin,
                                            err);
        }
    }
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, err);
    json_decref(init);
    if (rc) {
        glossa_runtime_free(rt);
        return NULL;
    }
    return rt;
}

/* READY with the error that kept the pipeline from starting. */
static int send_not_ready(int fd, const glossa_error_t *err)
{
    return glossa__frame_send_json(
        fd,
        json_pack("{s:b,s:{s:i,s:s,s:i,s:i,s:s}}", "ok", 0, "error", "code",
                  err->code ? err->code : GLOSSA_ECONFIG, "source", err->source,
                  "line", err->line, "column", err->column, "text",
                  err->text[0] ? err->text : glossa_strerror(err->code)));
}

/* The zygote stays single-threaded, which is what makes fork() safe
 * here. */

typedef struct zygote {
    glossa_runtime_t *rt;
    glossa__frame_reader_t *in;
    int signals; /* signalfd for SIGCHLD */
    sigset_t old_mask;
    unsigned n_progress; /* progress pages, one per worker slot */
    pid_t *children;     /* forked and not yet reaped */
    size_t n_children, cap_children;
} zygote_t;

static int send_exited(int fd, pid_t pid, int status)
{
    const uint32_t args[3] = {
        (uint32_t)pid, WIFEXITED(status) ? (uint32_t)WEXITSTATUS(status) : 0,
        WIFSIGNALED(status) ? (uint32_t)WTERMSIG(status) : 0};
    unsigned char frame[GLOSSA__CONTROL_FRAME_MAX];
    size_t len = glossa__control_frame(frame, GLOSSA__ZYGOTE_EXITED, args, 3);
    return glossa__write_all(fd, frame, len);
}

/* FORKED, with the supervisor's end of the worker's socket attached; pid
 * 0 and sock -1 when the worker could not be made. */
static int send_forked(int fd, uint32_t slot, pid_t pid, int sock)
{
    const uint32_t args[2] = {slot, (uint32_t)pid};
    unsigned char frame[GLOSSA__CONTROL_FRAME_MAX];
    size_t len = glossa__control_frame(frame, GLOSSA__ZYGOTE_FORKED, args, 2);
    if (sock < 0)
        return glossa__write_all(fd, frame, len);
    struct iovec iov = {frame, len};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &sock, sizeof(int));
    ssize_t sent;
    while ((sent = sendmsg(fd, &msg, 0)) < 0 && errno == EINTR)
        ;
    return sent == (ssize_t)len ? 0 : -1;
}

/* In the child: the worker of `slot`, on its own socket as fd 3 and its
 * slot's progress page as fd 4. Does not return. */
static void become_worker(zygote_t *z, int sock, uint32_t slot)
{
    sigprocmask(SIG_SETMASK, &z->old_mask, NULL);
    close(z->signals);
    glossa__frame_reader_free(z->in); /* the zygote's; fd 3 goes below */
    glossa__free(z->children);
    int rc = dup2(sock, GLOSSA__WORKER_FD) < 0;
    close(sock);
    glossa__worker_progress_t *progress = NULL;
    if (!rc && z->n_progress) {
        if (slot != 0)
            dup2(GLOSSA__WORKER_PROGRESS_FD + (int)slot,
                 GLOSSA__WORKER_PROGRESS_FD);
        for (unsigned i = 1; i < z->n_progress; i++)
            close(GLOSSA__WORKER_PROGRESS_FD + (int)i);
        progress = map_progress();
    }
    if (!rc)
        rc = glossa__worker_serve(z->rt, GLOSSA__WORKER_FD, progress);
    if (progress)
        munmap(progress, sizeof(*progress));
    glossa_runtime_free(z->rt);
    exit(rc);
}

static void fork_worker(zygote_t *z, int control, uint32_t slot)
{
    if (slot >= z->n_progress && z->n_progress)
        return; /* not a slot of this run: ignore */
    if (z->n_children == z->cap_children) {
        size_t cap = z->cap_children ? 2 * z->cap_children : 8;
        pid_t *grown = glossa__realloc(z->children, cap * sizeof(pid_t));
        if (!grown) {
            send_forked(control, slot, 0, -1);
            return;
        }
        z->children = grown;
        z->cap_children = cap;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        send_forked(control, slot, 0, -1);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        become_worker(z, sv[1], slot);
    }
    close(sv[1]);
    if (pid > 0) {
        z->children[z->n_children++] = pid;
        send_forked(control, slot, pid, sv[0]);
    } else {
        send_forked(control, slot, 0, -1);
    }
    close(sv[0]);
}

/* Kills a worker the zygote forked and has not reaped yet: a reaped one's
 * pid may already name another process. */
static void kill_worker(zygote_t *z, pid_t pid)
{
    for (size_t i = 0; i < z->n_children; i++)
        if (z->children[i] == pid)
            kill(pid, SIGKILL);
}

static int reap(zygote_t *z, int control)
{
    struct signalfd_siginfo si;
    while (read(z->signals, &si, sizeof(si)) == (ssize_t)sizeof(si))
        ;
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (size_t i = 0; i < z->n_children; i++) {
            if (z->children[i] == pid) {
                z->children[i] = z->children[--z->n_children];
                break;
            }
        }
        if (send_exited(control, pid, status))
            return -1;
    }
    return 0;
}

/* Serves FORK and KILL requests until the supervisor closes the control
 * socket; then ends every worker left. */
static int zygote_main(zygote_t *z, int control)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &z->old_mask);
    z->signals = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (z->signals < 0)
        return 1;
    int rc = 0;
    for (;;) {
        int ready = glossa__frame_poll(z->in, 1);
        if (ready < 0) {
            rc = 1;
            break;
        }
        if (ready == 0 && z->in->eof)
            break; /* the supervisor is done */
        if (ready == 0) {
            struct pollfd p[2] = {{.fd = control, .events = POLLIN},
                                  {.fd = z->signals, .events = POLLIN}};
            if (poll(p, 2, -1) < 0 && errno != EINTR) {
                rc = 1;
                break;
            }
            if ((p[1].revents & POLLIN) && reap(z, control)) {
                rc = 1;
                break;
            }
            continue;
        }
        const char *payload;
        uint32_t len;
        if (glossa__frame_next(z->in, &payload, &len) != 1) {
            rc = 1;
            break;
        }
        if (len != 8)
            continue; /* not a request of this protocol */
        uint32_t what = glossa__get_u32((const unsigned char *)payload);
        uint32_t arg = glossa__get_u32((const unsigned char *)payload + 4);
        if (what == GLOSSA__ZYGOTE_FORK)
            fork_worker(z, control, arg);
        else if (what == GLOSSA__ZYGOTE_KILL)
            kill_worker(z, (pid_t)arg);
    }
    for (size_t i = 0; i < z->n_children; i++)
        kill(z->children[i], SIGKILL);
    for (size_t i = 0; i < z->n_children; i++)
        waitpid(z->children[i], NULL, 0);
    close(z->signals);
    return rc;
}

int glossa_worker_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const int fd = GLOSSA__WORKER_FD;
    /* A supervisor that went away makes writes fail; exit then. */
    signal(SIGPIPE, SIG_IGN);
    /* Ctrl-C, timeout(1) and batch schedulers signal the whole process
     * group. Stopping is the supervisor's decision: it finishes the
     * documents in flight, then closes the control socket, which ends the
     * zygote and its workers (they inherit these dispositions). Killed
     * here instead, healthy documents would look like crashes. The
     * signals came blocked (zygote_link.c), so none slips in first. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &stops, NULL);
    glossa__frame_reader_t in = {.fd = fd};
    const char *payload = NULL;
    uint32_t len = 0;
    if (glossa__frame_next(&in, &payload, &len) != 1) {
        fprintf(stderr,
                "glossa worker: no INIT message on fd %d (this "
                "program is started by glossa run --isolate)\n",
                fd);
        glossa__frame_reader_free(&in);
        return 2;
    }
    glossa_error_t err;
    glossa_error_clear(&err);
    unsigned n_progress = 0;
    glossa_runtime_t *rt = start(payload, len, &n_progress, &err);
    if (!rt) {
        send_not_ready(fd, &err);
        glossa__frame_reader_free(&in);
        return 3;
    }
    int rc = glossa__frame_send_json(fd, json_pack("{s:b}", "ok", 1)) ? 1 : 0;
    if (rc == 0) {
        zygote_t z = {.rt = rt, .in = &in, .n_progress = n_progress};
        rc = zygote_main(&z, fd);
        glossa__free(z.children);
    }
    glossa__frame_reader_free(&in);
    glossa_runtime_free(rt);
    return rc;
}
