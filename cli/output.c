#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

#define OUT_BUFFER ((size_t)1 << 20)
/* At most this long between syncs to disk: a power loss costs at most the
 * records of the last second, not the run. */
#define SYNC_INTERVAL_NS 1000000000ull

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Creates path anew for writing: the files the run owns beside OUT
 * (OUT.partial, the job files' temporaries). An old regular file there is
 * removed first; a symbolic link is refused (ELOOP), never written
 * through: in a shared folder someone may have planted it to make the
 * run overwrite its target. O_EXCL | O_NOFOLLOW close the gap between
 * the check and the open. Returns the fd, or -1 with errno set. */
static int create_owned(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            errno = ELOOP;
            return -1;
        }
        if (!S_ISREG(st.st_mode)) {
            errno = EEXIST;
            return -1;
        }
        if (unlink(path) != 0)
            return -1;
    }
    return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0644);
}

/* Why a file could not be opened, in the words of create_owned(). */
static const char *open_failure(int e)
{
    return e == ELOOP ? "it is a symbolic link; refusing to write through "
                        "it (remove it if it is yours)"
                      : strerror(e);
}

/* Syncs the directory holding path, so a rename in it is durable. */
static void sync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

static int write_job(const glossa_output_t *out, const json_t *job)
{
    char *tmp = glossa_cli_concat(out->job_path, ".tmp");
    char *text = json_dumps(job, JSON_INDENT(2) | JSON_SORT_KEYS);
    int fd = tmp && text ? create_owned(tmp) : -1;
    const char *failed = fd < 0 && tmp ? tmp : out->job_path;
    int rc = fd < 0 || write_all(fd, text, strlen(text)) ? -1 : 0;
    if (fd >= 0 && close(fd) != 0)
        rc = -1;
    if (rc == 0)
        rc = rename(tmp, out->job_path);
    if (rc)
        fprintf(stderr, "glossa run: cannot write %s: %s\n", failed,
                open_failure(errno));
    free(text);
    free(tmp);
    return rc;
}

/* A job's settings: what a resumed run must find unchanged. What was
 * written ("output", in a published job file) and the provenance's
 * details for people (paths, which move with an install; the digests in
 * "provenance" stand for them) are not settings. A new reference. */
static json_t *settings_of(const json_t *job)
{
    json_t *s = json_is_object(job) ? json_copy((json_t *)job) : NULL;
    if (s) {
        json_object_del(s, "output");
        json_object_del(s, "provenance_detail");
    }
    return s;
}

/* Names the settings that differ between two job descriptions. */
static void print_job_difference(const json_t *was, const json_t *now)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)now, key, value)
    {
        if (strcmp(key, "output") && strcmp(key, "provenance_detail") &&
            !json_equal(value, json_object_get(was, key))) {
            char *a = json_dumps(json_object_get(was, key),
                                 JSON_ENCODE_ANY | JSON_COMPACT);
            char *b = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
            fprintf(stderr, "  %s: was %s, now %s\n", key, a ? a : "(absent)",
                    b ? b : "?");
            free(a);
            free(b);
        }
    }
}

/* Cuts the file after its last complete, parseable line and returns the
 * number of lines kept, or -1 on I/O error. */
static int64_t cut_to_complete_lines(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    off_t size = st.st_size, end = size;
    char chunk[65536];
    /* Find the last newline, scanning backwards. */
    off_t last_nl = -1;
    while (end > 0 && last_nl < 0) {
        size_t n = end > (off_t)sizeof(chunk) ? sizeof(chunk) : (size_t)end;
        if (pread(fd, chunk, n, end - (off_t)n) != (ssize_t)n)
            return -1;
        for (size_t i = n; i > 0; i--)
            if (chunk[i - 1] == '\n') {
                last_nl = end - (off_t)n + (off_t)i - 1;
                break;
            }
        end -= (off_t)n;
    }
    off_t keep = last_nl + 1; /* 0 when there is no complete line */
    /* Count lines, remembering where the last one starts. */
    int64_t lines = 0;
    off_t last_start = 0, pos = 0;
    while (pos < keep) {
        size_t n = keep - pos > (off_t)sizeof(chunk) ? sizeof(chunk)
                                                     : (size_t)(keep - pos);
        if (pread(fd, chunk, n, pos) != (ssize_t)n)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (chunk[i] == '\n') {
                lines++;
                if (pos + (off_t)i + 1 < keep)
                    last_start = pos + (off_t)i + 1;
            }
        pos += (off_t)n;
    }
    /* A power loss can leave a line of zeros or garbage that still ends in
     * a newline; the last line must be a record. */
    if (lines > 0) {
        size_t n = (size_t)(keep - last_start);
        char *line = malloc(n);
        if (!line || pread(fd, line, n, last_start) != (ssize_t)n) {
            free(line);
            return -1;
        }
        json_t *rec = json_loadb(line, n - 1, JSON_ALLOW_NUL, NULL);
        free(line);
        if (!json_is_object(rec)) {
            keep = last_start;
            lines--;
        }
        json_decref(rec);
    }
    if (keep != size && ftruncate(fd, keep) != 0)
        return -1;
    if (lseek(fd, keep, SEEK_SET) < 0)
        return -1;
    return lines;
}

static int open_resume(glossa_output_t *out, const json_t *job)
{
    json_error_t jerr;
    json_t *was = json_load_file(out->job_path, 0, &jerr);
    if (!was) {
        fprintf(stderr,
                "glossa run: cannot resume: %s: %s\n(remove %s to start "
                "over)\n",
                out->job_path, jerr.text, out->partial_path);
        return GLOSSA_OUTPUT_FAILED;
    }
    json_t *was_settings = settings_of(was), *now_settings = settings_of(job);
    int same = json_equal(was_settings, now_settings);
    json_decref(was_settings);
    json_decref(now_settings);
    if (!same) {
        fprintf(stderr,
                "glossa run: cannot resume %s: it was started with other "
                "settings, plugins or inputs:\n",
                out->partial_path);
        print_job_difference(was, job);
        fprintf(stderr,
                "(run with the same settings, or remove %s to start "
                "over)\n",
                out->partial_path);
    }
    json_decref(was);
    if (!same)
        return GLOSSA_OUTPUT_FAILED;
    out->fd = open(out->partial_path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    int64_t lines = out->fd < 0 ? -1 : cut_to_complete_lines(out->fd);
    if (lines < 0) {
        fprintf(stderr, "glossa run: cannot resume %s: %s\n", out->partial_path,
                open_failure(errno));
        return GLOSSA_OUTPUT_FAILED;
    }
    out->resumed = (uint64_t)lines;
    return GLOSSA_OUTPUT_READY;
}

/* --resume found OUT published: nothing to do if it was made with the
 * same settings (or by a glossa that did not publish job files). */
static int check_published(glossa_output_t *out, const json_t *job)
{
    json_t *was = json_load_file(out->done_job_path, 0, NULL);
    json_t *settings = settings_of(was), *now = settings_of(job);
    int same = !settings || json_equal(settings, now);
    json_decref(now);
    if (!same) {
        fprintf(stderr,
                "glossa run: %s is complete, but %s shows it was made with "
                "other settings:\n",
                out->path, out->done_job_path);
        print_job_difference(was, job);
        fprintf(stderr,
                "(run with the same settings, or without --resume to redo "
                "it)\n");
    } else {
        fprintf(stderr, "glossa run: %s is complete; nothing to resume\n",
                out->path);
    }
    json_decref(settings);
    json_decref(was);
    return same ? GLOSSA_OUTPUT_DONE : GLOSSA_OUTPUT_FAILED;
}

static void output_free(glossa_output_t *out);

static int open_output(glossa_output_t *out, const char *path, int resume,
                       const json_t *job)
{
    memset(out, 0, sizeof(*out));
    out->fd = -1;
    out->buf = malloc(OUT_BUFFER);
    if (!out->buf) {
        fprintf(stderr, "glossa run: out of memory\n");
        return GLOSSA_OUTPUT_FAILED;
    }
    out->last_sync_ns = now_ns();
    if (!path) {
        /* Plugins must not write into the output: fd 1 is pointed at
         * stderr, and records go to a private copy of the original. */
        fflush(stdout);
        out->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        if (out->fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            fprintf(stderr, "glossa run: cannot set up standard output: %s\n",
                    strerror(errno));
            return GLOSSA_OUTPUT_FAILED;
        }
        return GLOSSA_OUTPUT_READY;
    }
    /* A device or a pipe (-o /dev/null, -o /dev/stdout, a FIFO) is
     * written as it is: renaming OUT.partial over it would replace the
     * device node with a regular file (as happened to /dev/null). Never a
     * disk (a block device), even through a link. A symbolic link to a
     * regular file is replaced by the published OUT, not written
     * through. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
        fprintf(stderr,
                "glossa run: %s is a block device (a disk); refusing to "
                "write records onto it\n",
                path);
        return GLOSSA_OUTPUT_FAILED;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        if (resume) {
            fprintf(stderr,
                    "glossa run: --resume needs a regular file; %s is not "
                    "one\n",
                    path);
            return GLOSSA_OUTPUT_FAILED;
        }
        out->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (out->fd < 0) {
            fprintf(stderr, "glossa run: cannot write %s: %s\n", path,
                    strerror(errno));
            return GLOSSA_OUTPUT_FAILED;
        }
        return GLOSSA_OUTPUT_READY;
    }
    out->path = strdup(path);
    out->partial_path = glossa_cli_concat(path, ".partial");
    out->job_path = glossa_cli_concat(path, ".partial.job");
    out->done_job_path = glossa_cli_concat(path, ".job");
    out->job = json_deep_copy(job);
    if (!out->path || !out->partial_path || !out->job_path ||
        !out->done_job_path || !out->job) {
        fprintf(stderr, "glossa run: out of memory\n");
        return GLOSSA_OUTPUT_FAILED;
    }
    if (resume && glossa_cli_path_exists(out->partial_path))
        return open_resume(out, job);
    if (resume && glossa_cli_path_exists(path))
        return check_published(out, job);
    struct stat old;
    if (!resume && lstat(out->partial_path, &old) == 0 && S_ISREG(old.st_mode))
        fprintf(stderr,
                "glossa run: warning: starting over; %s of an interrupted "
                "run is discarded (--resume continues it)\n",
                out->partial_path);
    /* The job file first: wherever a kill lands, an OUT.partial always
     * has its job file beside it. */
    if (write_job(out, job))
        return GLOSSA_OUTPUT_FAILED;
    out->fd = create_owned(out->partial_path);
    if (out->fd < 0) {
        fprintf(stderr, "glossa run: cannot write %s: %s\n", out->partial_path,
                open_failure(errno));
        return GLOSSA_OUTPUT_FAILED;
    }
    return GLOSSA_OUTPUT_READY;
}

int glossa_output_open(glossa_output_t *out, const char *path, int resume,
                       const json_t *job)
{
    int rc = open_output(out, path, resume, job);
    if (rc != GLOSSA_OUTPUT_READY) {
        if (out->fd >= 0 && out->path)
            close(out->fd);
        out->fd = -1;
        output_free(out);
    }
    return rc;
}

int glossa_output_reader_left(const glossa_output_t *out)
{
    return !out->path && out->error == EPIPE;
}

static int output_flush(void *ud)
{
    glossa_output_t *out = ud;
    if (write_all(out->fd, out->buf, out->len)) {
        out->error = errno ? errno : EIO;
        return GLOSSA_EIO;
    }
    out->len = 0;
    if (out->path && now_ns() - out->last_sync_ns > SYNC_INTERVAL_NS) {
        fdatasync(out->fd);
        out->last_sync_ns = now_ns();
    }
    return 0;
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Past the string that starts at p (its opening quote), or NULL. */
static const char *skip_string(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* Past the JSON value that starts at p, or NULL: skipped, not parsed
 * (strings by their quotes, objects and arrays by their brackets). */
static const char *skip_value(const char *p, const char *end)
{
    if (p >= end)
        return NULL;
    if (*p == '"')
        return skip_string(p, end);
    if (*p != '{' && *p != '[') {
        while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' &&
               *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        return p;
    }
    size_t depth = 0;
    while (p < end) {
        if (*p == '"') {
            if (!(p = skip_string(p, end)))
                return NULL;
            continue;
        }
        if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (--depth == 0)
                return p + 1;
        }
        p++;
    }
    return NULL;
}

/* The members "id" and "errors" of the record's top-level object, each
 * parsed (new references, NULL when absent): a record's line can be tens
 * of megabytes of spans, which a parse of the whole line would turn into
 * a JSON tree several times that size. Returns -1 when the line is not
 * an object as far as the skipping sees. */
static int record_errors(const char *line, size_t len, json_t **id,
                         json_t **errors)
{
    const char *p = line, *end = line + len;
    *id = *errors = NULL;
    p = skip_space(p, end);
    if (p >= end || *p++ != '{')
        return -1;
    for (;;) {
        p = skip_space(p, end);
        if (p < end && *p == '}')
            return 0;
        if (p >= end || *p != '"')
            return -1;
        const char *key = p + 1, *key_end = skip_string(p, end);
        if (!key_end)
            return -1;
        size_t key_len = (size_t)(key_end - 1 - key);
        p = skip_space(key_end, end);
        if (p >= end || *p++ != ':')
            return -1;
        p = skip_space(p, end);
        const char *value = p;
        if (!(p = skip_value(p, end)))
            return -1;
        json_t **want = key_len == 2 && memcmp(key, "id", 2) == 0       ? id
                        : key_len == 6 && memcmp(key, "errors", 6) == 0 ? errors
                                                                        : NULL;
        if (want) {
            json_decref(*want); /* a later duplicate wins, as in Jansson */
            *want =
                json_loadb(value, (size_t)(p - value), JSON_DECODE_ANY, NULL);
        }
        p = skip_space(p, end);
        if (p < end && *p == ',')
            p++;
        else if (p < end && *p == '}')
            return 0;
        else
            return -1;
    }
}

/* Keeps the errors of the first records that have any, for the summary
 * (their lines are read only then: records with errors are few). */
static void note_errors(glossa_output_t *out, const char *line, size_t len)
{
    if (!out->noted_errors && !(out->noted_errors = json_array()))
        return;
    json_t *id, *errors;
    if (record_errors(line, len, &id, &errors)) {
        json_decref(id);
        json_decref(errors);
        json_t *rec = json_loadb(line, len, 0, NULL);
        id = json_incref(json_object_get(rec, "id"));
        errors = json_incref(json_object_get(rec, "errors"));
        json_decref(rec);
    }
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        if (json_array_size(out->noted_errors) >= GLOSSA_OUTPUT_NOTED)
            break;
        json_t *noted = json_deep_copy(e);
        if (noted)
            json_object_set(noted, "id", id);
        json_array_append_new(out->noted_errors, noted);
    }
    json_decref(id);
    json_decref(errors);
}

static int output_write(void *ud, const char *line, size_t len,
                        const glossa_record_info_t *info)
{
    glossa_output_t *out = ud;
    if (info && info->n_errors &&
        json_array_size(out->noted_errors) < GLOSSA_OUTPUT_NOTED)
        note_errors(out, line, len);
    if (out->len + len + 1 > OUT_BUFFER && output_flush(out))
        return GLOSSA_EIO;
    if (len + 1 > OUT_BUFFER) { /* a huge record goes out directly */
        if (write_all(out->fd, line, len) || write_all(out->fd, "\n", 1)) {
            out->error = errno ? errno : EIO;
            return GLOSSA_EIO;
        }
        out->written++;
        return 0;
    }
    memcpy(out->buf + out->len, line, len);
    out->buf[out->len + len] = '\n';
    out->len += len + 1;
    out->written++;
    return 0;
}

glossa_sink_t glossa_output_sink(glossa_output_t *out)
{
    glossa_sink_t sink = {out, output_write, output_flush};
    return sink;
}

static void output_free(glossa_output_t *out)
{
    free(out->buf);
    free(out->path);
    free(out->partial_path);
    free(out->job_path);
    free(out->done_job_path);
    json_decref(out->job);
    json_decref(out->noted_errors);
    out->buf = out->path = out->partial_path = out->job_path = NULL;
    out->done_job_path = NULL;
    out->job = out->noted_errors = NULL;
}

int glossa_output_close(glossa_output_t *out)
{
    int rc = 0;
    if (out->fd >= 0) {
        if (out->len && output_flush(out))
            rc = -1;
        if (out->path)
            fdatasync(out->fd);
        if (close(out->fd) != 0)
            rc = -1;
        out->fd = -1;
    }
    if (rc && !glossa_output_reader_left(out))
        fprintf(stderr, "glossa run: writing %s failed: %s\n",
                out->path ? out->partial_path : "standard output",
                strerror(out->error ? out->error : errno));
    output_free(out);
    return rc;
}

/* Writes OUT.job: the settings and what OUT holds, synced before OUT
 * appears. */
static int publish_job(glossa_output_t *out, uint64_t bytes)
{
    json_object_set_new(out->job, "output",
                        json_pack("{s:I,s:I}", "records",
                                  (json_int_t)(out->resumed + out->written),
                                  "bytes", (json_int_t)bytes));
    char *text = json_dumps(out->job, JSON_INDENT(2) | JSON_SORT_KEYS);
    char *tmp = glossa_cli_concat(out->done_job_path, ".tmp");
    int fd = text && tmp ? create_owned(tmp) : -1;
    if (fd < 0 && tmp && errno == ELOOP)
        fprintf(stderr, "glossa run: cannot write %s: %s\n", tmp,
                open_failure(ELOOP));
    int rc = fd < 0 || write_all(fd, text, strlen(text)) ||
                     write_all(fd, "\n", 1) || fdatasync(fd)
                 ? -1
                 : 0;
    if (fd >= 0 && close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, out->done_job_path) != 0)
        rc = -1;
    if (rc) {
        out->error = errno ? errno : EIO;
        if (tmp)
            unlink(tmp);
    }
    free(text);
    free(tmp);
    return rc;
}

int glossa_output_publish(glossa_output_t *out)
{
    if (!out->path)
        return glossa_output_close(out);
    int rc = 0;
    if (out->len && output_flush(out))
        rc = -1;
    if (rc == 0 && fdatasync(out->fd) != 0)
        rc = -1;
    struct stat st;
    if (rc == 0 && fstat(out->fd, &st) != 0)
        rc = -1;
    if (close(out->fd) != 0)
        rc = -1;
    out->fd = -1;
    if (rc == 0)
        rc = publish_job(out, (uint64_t)st.st_size);
    if (rc == 0 && rename(out->partial_path, out->path) != 0)
        rc = -1;
    if (rc == 0) {
        unlink(out->job_path);
        sync_dir_of(out->path);
    } else {
        fprintf(stderr, "glossa run: publishing %s failed: %s\n", out->path,
                strerror(out->error ? out->error : errno));
    }
    output_free(out);
    return rc;
}

void glossa_output_abandon(glossa_output_t *out)
{
    if (out->fd >= 0)
        close(out->fd);
    out->fd = -1;
    if (out->path && !out->resumed) {
        unlink(out->partial_path);
        unlink(out->job_path);
    }
    output_free(out);
}
