/* Frames and messages of the isolation protocol (protocol.h): blocking
 * frame I/O for the zygote and the workers, frame buffering for the
 * supervisor (which reads through libuv), and the UNIT and RESULT
 * messages both sides encode and parse. */
#include "protocol.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "strbuf.h"

/* The reader's buffer: large enough for many small requests per read;
 * it grows to the largest frame and shrinks back once that is consumed. */
#define READ_CHUNK ((size_t)64 << 10)

/* The length of the complete frame at `at`, or -1 if it is not all
 * there yet; -2 when its length is beyond the protocol's limit. */
int64_t glossa__frame_length(const char *buf, size_t avail)
{
    if (avail < 4)
        return -1;
    uint32_t n = glossa__get_u32((const unsigned char *)buf);
    if (n > GLOSSA__MAX_FRAME)
        return -2;
    return avail - 4 >= n ? (int64_t)n : -1;
}

static int64_t frame_at(const glossa__frame_reader_t *r, size_t at)
{
    return r->end - at < 4 ? -1
                           : glossa__frame_length(r->buf + at, r->end - at);
}

/* Reads once into the buffer's free room: blocking, or when `wait` is 0
 * only what has arrived (one recv on a socket; a pipe needs a poll too).
 * Returns the bytes read (0 at end of file or when nothing has arrived
 * and `wait` is 0) or -1. */
static ssize_t read_some(glossa__frame_reader_t *r, int wait)
{
    char *room = r->buf + r->end;
    size_t len = r->cap - r->end;
    ssize_t got;
    if (!wait) {
        while ((got = recv(r->fd, room, len, MSG_DONTWAIT)) < 0 &&
               errno == EINTR)
            ;
        if (got >= 0) {
            if (got == 0)
                r->eof = 1;
            return got;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno != ENOTSOCK)
            return -1;
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        int n;
        while ((n = poll(&p, 1, 0)) < 0 && errno == EINTR)
            ;
        if (n <= 0)
            return n;
    }
    while ((got = read(r->fd, room, len)) < 0 && errno == EINTR)
        ;
    if (got == 0)
        r->eof = 1;
    return got;
}

/* Makes room for the frame being read (or READ_CHUNK bytes) and reads
 * once: blocking, or only what has arrived when `wait` is 0. */
static int fill(glossa__frame_reader_t *r, int wait)
{
    if (r->eof)
        return 0;
    if (r->start == r->end) {
        r->start = r->end = 0;
        if (r->cap > 4 * READ_CHUNK) { /* a large frame is gone */
            glossa__free(r->buf);
            r->buf = NULL;
            r->cap = 0;
        }
    } else if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    /* Room to read more, and at least for the whole frame under way. */
    size_t need = r->end + READ_CHUNK;
    if (r->end >= 4) {
        uint32_t n = glossa__get_u32((unsigned char *)r->buf);
        if (n > GLOSSA__MAX_FRAME)
            return -1;
        if ((size_t)n + 4 > need)
            need = (size_t)n + 4;
    }
    if (need > r->cap) {
        size_t cap = r->cap ? r->cap : READ_CHUNK;
        while (cap < need)
            cap *= 2;
        char *grown = glossa__realloc(r->buf, cap);
        if (!grown)
            return -1;
        r->buf = grown;
        r->cap = cap;
    }
    ssize_t got = read_some(r, wait);
    if (got < 0)
        return -1;
    r->end += (size_t)got;
    return 0;
}

int glossa__frame_next(glossa__frame_reader_t *r, const char **payload,
                       uint32_t *len)
{
    for (;;) {
        int64_t n = frame_at(r, r->start);
        if (n == -2)
            return -1;
        if (n >= 0) {
            *payload = r->buf + r->start + 4;
            *len = (uint32_t)n;
            r->start += 4 + (size_t)n;
            return 1;
        }
        if (r->eof) /* clean only between frames */
            return r->start == r->end ? 0 : -1;
        if (fill(r, 1) < 0)
            return -1;
    }
}

/* The complete frames buffered from `at` on, counting no further than
 * `enough`. */
static int count_frames(const glossa__frame_reader_t *r, int enough)
{
    int count = 0;
    size_t at = r->start;
    int64_t n;
    while (count < enough && (n = frame_at(r, at)) >= 0) {
        count++;
        at += 4 + (size_t)n;
    }
    return count;
}

int glossa__frame_poll(glossa__frame_reader_t *r, int enough)
{
    int count = count_frames(r, enough);
    if (count >= enough)
        return count; /* no system call needed */
    if (fill(r, 0) < 0)
        return -1;
    return count_frames(r, enough);
}

void glossa__frame_reader_free(glossa__frame_reader_t *r)
{
    glossa__free(r->buf);
    r->buf = NULL;
    r->start = r->end = r->cap = 0;
}

void glossa__frame_buffer_room(glossa__frame_buffer_t *b, size_t first,
                               size_t suggested, char **room, size_t *size)
{
    if (b->cap - b->len < suggested) {
        size_t cap = b->cap ? b->cap : first;
        while (cap - b->len < suggested)
            cap *= 2;
        char *grown = glossa__realloc(b->data, cap);
        if (!grown) {
            *room = NULL;
            *size = 0;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    *room = b->data + b->len;
    *size = b->cap - b->len;
}

int glossa__frame_buffer_feed(glossa__frame_buffer_t *b, size_t n,
                              int (*on_frame)(void *ud, const char *payload,
                                              uint32_t len),
                              void *ud)
{
    b->len += n;
    size_t pos = 0;
    int rc = 0;
    while (b->len - pos >= 4) {
        int64_t len = glossa__frame_length(b->data + pos, b->len - pos);
        if (len < 0) {
            rc = len == -2 ? -1 : 0;
            break;
        }
        const char *payload = b->data + pos + 4;
        pos += 4 + (size_t)len;
        if (on_frame(ud, payload, (uint32_t)len))
            break;
    }
    if (pos) {
        memmove(b->data, b->data + pos, b->len - pos);
        b->len -= pos;
    }
    return rc;
}

void glossa__frame_buffer_free(glossa__frame_buffer_t *b)
{
    glossa__free(b->data);
    *b = (glossa__frame_buffer_t){NULL, 0, 0};
}

int glossa__frame_send_json(int fd, json_t *msg)
{
    char *text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
    json_decref(msg);
    if (!text)
        return -1;
    glossa__strbuf_t frame = GLOSSA__STRBUF_INIT;
    int rc = glossa__frame_append(&frame, text, strlen(text));
    if (rc == 0)
        rc = glossa__write_all(fd, frame.data, frame.len);
    glossa__strbuf_free(&frame);
    glossa__free(text);
    return rc;
}

int glossa__frame_append(glossa__strbuf_t *out, const void *payload, size_t len)
{
    if (len > GLOSSA__MAX_FRAME)
        return -1;
    unsigned char head[4];
    glossa__put_u32(head, (uint32_t)len);
    glossa__strbuf_append(out, head, sizeof(head));
    glossa__strbuf_append(out, payload, len);
    return out->failed ? -1 : 0;
}

int glossa__write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* ---- UNIT and RESULT messages ------------------------------------------ */

static void put_u32(glossa__strbuf_t *out, uint32_t v)
{
    unsigned char b[4];
    glossa__put_u32(b, v);
    glossa__strbuf_append(out, b, 4);
}

static void put_string(glossa__strbuf_t *out, glossa__bytes_t s)
{
    put_u32(out, s.len);
    glossa__strbuf_append(out, s.data, s.len);
}

/* A cursor over a payload: every read checks the bytes are there. */
typedef struct cursor {
    const char *p, *end;
    int bad;
} cursor_t;

static uint32_t get_u32(cursor_t *c)
{
    if (c->bad || c->end - c->p < 4) {
        c->bad = 1;
        return 0;
    }
    uint32_t v = glossa__get_u32((const unsigned char *)c->p);
    c->p += 4;
    return v;
}

static glossa__bytes_t get_bytes(cursor_t *c, uint64_t len)
{
    glossa__bytes_t b = {NULL, 0};
    if (c->bad || (uint64_t)(c->end - c->p) < len) {
        c->bad = 1;
        return b;
    }
    b.data = c->p;
    b.len = (uint32_t)len;
    c->p += len;
    return b;
}

static glossa__bytes_t get_string(cursor_t *c)
{
    uint32_t len = get_u32(c);
    return get_bytes(c, len);
}

/* The fixed fields of a UNIT, before its strings. */
#define UNIT_FIXED_U32 4

int glossa__unit_request_head(glossa__strbuf_t *out,
                              const glossa__unit_request_t *r)
{
    uint64_t total = 4 * UNIT_FIXED_U32 + 16 + (uint64_t)r->id.len +
                     r->meta.len + r->layers.len + r->text.len;
    if (total > GLOSSA__MAX_FRAME)
        return -1;
    put_u32(out, (uint32_t)total);
    const uint32_t fixed[UNIT_FIXED_U32] = {r->step, r->slot, r->flags,
                                            r->drop};
    for (int i = 0; i < UNIT_FIXED_U32; i++)
        put_u32(out, fixed[i]);
    put_string(out, r->id);
    put_string(out, r->meta);
    put_string(out, r->layers);
    put_u32(out, r->text.len);
    return out->failed ? -1 : 0;
}

int glossa__unit_request_append(glossa__strbuf_t *out,
                                const glossa__unit_request_t *r)
{
    if (glossa__unit_request_head(out, r))
        return -1;
    glossa__strbuf_append(out, r->text.data, r->text.len);
    return out->failed ? -1 : 0;
}

int glossa__unit_request_parse(const char *payload, uint32_t len,
                               glossa__unit_request_t *r)
{
    cursor_t c = {payload, payload + len, 0};
    memset(r, 0, sizeof(*r));
    r->step = get_u32(&c);
    r->slot = get_u32(&c);
    r->flags = get_u32(&c);
    r->drop = get_u32(&c);
    r->id = get_string(&c);
    r->meta = get_string(&c);
    r->layers = get_string(&c);
    r->text = get_string(&c);
    return c.bad || c.p != c.end ? -1 : 0;
}

int glossa__unit_result_append(glossa__strbuf_t *out,
                               const glossa__unit_result_t *r)
{
    uint64_t total = 4 + 16 + 4 + 4 * 4 + (uint64_t)r->error.len +
                     r->warnings.len + r->spans.len + r->document.len;
    if (total > GLOSSA__MAX_FRAME)
        return -1;
    glossa__strbuf_reserve(out, 4 + (size_t)total);
    put_u32(out, (uint32_t)total);
    put_u32(out, r->flags);
    put_u32(out, (uint32_t)(r->nanos & 0xFFFFFFFFu));
    put_u32(out, (uint32_t)(r->nanos >> 32));
    put_u32(out, (uint32_t)(r->prepare_nanos & 0xFFFFFFFFu));
    put_u32(out, (uint32_t)(r->prepare_nanos >> 32));
    put_u32(out, (uint32_t)-r->code);
    put_string(out, r->error);
    put_string(out, r->warnings);
    put_string(out, r->spans);
    put_string(out, r->document);
    return out->failed ? -1 : 0;
}

/* A code of the error table, else EPLUGIN: whatever a worker sent, the
 * supervisor keeps only codes it can name. */
static int known_code(uint32_t negated)
{
    if (negated == 0 || negated >= (uint32_t)-GLOSSA__ERRNO_MIN)
        return GLOSSA_EPLUGIN;
    return -(int)negated;
}

int glossa__unit_result_parse(const char *payload, uint32_t len,
                              glossa__unit_result_t *r)
{
    cursor_t c = {payload, payload + len, 0};
    memset(r, 0, sizeof(*r));
    r->flags = get_u32(&c);
    uint64_t low = get_u32(&c);
    r->nanos = low | (uint64_t)get_u32(&c) << 32;
    low = get_u32(&c);
    r->prepare_nanos = low | (uint64_t)get_u32(&c) << 32;
    uint32_t negated_code = get_u32(&c);
    r->error = get_string(&c);
    r->warnings = get_string(&c);
    r->spans = get_string(&c);
    r->document = get_string(&c);
    if (c.bad || c.p != c.end)
        return -1;
    r->code = negated_code ? known_code(negated_code) : 0;
    return 0;
}
