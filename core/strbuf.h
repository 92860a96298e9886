/* A growable byte buffer, used to build output lines and messages without
 * an allocation per piece. */
#ifndef GLOSSA_CORE_STRBUF_H
#define GLOSSA_CORE_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

typedef struct glossa__strbuf {
    char *data; /* NUL-terminated when len > 0 or after reserve */
    size_t len;
    size_t cap;
    int failed; /* an allocation failed; further appends are dropped */
} glossa__strbuf_t;

#define GLOSSA__STRBUF_INIT                                                    \
    {                                                                          \
        NULL, 0, 0, 0                                                          \
    }

/* The bytes of 8 at p that a JSON string escapes ('"', '\\' and control
 * characters): nonzero when there is one; then the high bit of the first
 * such byte is set, and of no byte before it (a borrow makes false marks
 * only after a true one). Read by the writer (put_json_string) and the
 * JSONL reader alike. */
static inline uint64_t glossa__json_specials8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t zero_q = (q - ones) & ~q & high;
    uint64_t zero_b = (b - ones) & ~b & high;
    uint64_t control = (w - ones * 0x20) & ~w & high;
    return zero_q | zero_b | control;
}

/* All appenders return 0 or GLOSSA_ENOMEM (and set `failed`). reserve
 * makes room for `extra` more bytes: on an empty buffer exactly that (at
 * least 256), later by doubling. */
int glossa__strbuf_reserve(glossa__strbuf_t *sb, size_t extra);
/* The out-of-line half of glossa__strbuf_append: grows the buffer. */
int glossa__strbuf_append_grow(glossa__strbuf_t *sb, const void *data,
                               size_t n);

/* Appending is inline: writing a record appends a few bytes at a time
 * (punctuation, keys, numbers), and the room is almost always there. */
static inline int glossa__strbuf_append(glossa__strbuf_t *sb, const void *data,
                                        size_t n)
{
    if (sb->len + n < sb->cap && n && !sb->failed) {
        memcpy(sb->data + sb->len, data, n);
        sb->len += n;
        sb->data[sb->len] = '\0';
        return 0;
    }
    return glossa__strbuf_append_grow(sb, data, n);
}

static inline int glossa__strbuf_puts(glossa__strbuf_t *sb, const char *s)
{
    return glossa__strbuf_append(sb, s, strlen(s));
}

static inline int glossa__strbuf_putc(glossa__strbuf_t *sb, char c)
{
    return glossa__strbuf_append(sb, &c, 1);
}

/* Room for `extra` more bytes (and the NUL) written straight into the
 * buffer: returns where they go, or NULL when it cannot grow. The writer
 * then hands the end of what it wrote to glossa__strbuf_commit. */
static inline char *glossa__strbuf_room(glossa__strbuf_t *sb, size_t extra)
{
    if ((sb->len + extra >= sb->cap || sb->failed) &&
        glossa__strbuf_reserve(sb, extra))
        return NULL;
    return sb->data + sb->len;
}

static inline void glossa__strbuf_commit(glossa__strbuf_t *sb, char *end)
{
    sb->len = (size_t)(end - sb->data);
    *end = '\0';
}

/* Writes v in decimal at o (up to 20 bytes, no NUL); returns the end. */
static inline char *glossa__uint_write(char *o, uint64_t v)
{
    char tmp[20];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(o, tmp + i, sizeof(tmp) - i);
    return o + (sizeof(tmp) - i);
}

int glossa__strbuf_printf(glossa__strbuf_t *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int glossa__strbuf_put_uint(glossa__strbuf_t *sb, uint64_t v);
/* Appends s (n bytes of valid UTF-8) as a JSON string with quotes,
 * escaping exactly as Jansson's compact output does. */
int glossa__strbuf_put_json_string(glossa__strbuf_t *sb, const char *s,
                                   size_t n);
/* Appends any JSON value in the canonical compact form used for output. */
int glossa__strbuf_put_json(glossa__strbuf_t *sb, const json_t *value);

/* Flags for json_dump*: compact, UTF-8 kept, reals with 10 significant
 * digits (no 0.30000000000000004 in output), insertion order kept. */
#define GLOSSA__JSON_FLAGS                                                     \
    (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(10))

/* Hands the buffer over (caller frees with glossa__free) and resets sb. */
char *glossa__strbuf_detach(glossa__strbuf_t *sb, size_t *len);
void glossa__strbuf_reset(glossa__strbuf_t *sb); /* keeps capacity */
void glossa__strbuf_free(glossa__strbuf_t *sb);

#endif
