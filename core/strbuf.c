#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "glossa/error.h"

int glossa__strbuf_reserve(glossa__strbuf_t *sb, size_t extra)
{
    if (sb->failed)
        return GLOSSA_ENOMEM;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return 0;
    /* The first reservation is a size hint, taken as it is (a record of
     * 20 MB in a buffer of 32 would waste 12); later ones double. */
    size_t cap = sb->cap ? sb->cap : need > 256 ? need : 256;
    while (cap < need)
        cap *= 2;
    char *data = glossa__realloc(sb->data, cap);
    if (!data) {
        sb->failed = 1;
        return GLOSSA_ENOMEM;
    }
    sb->data = data;
    sb->cap = cap;
    return 0;
}

int glossa__strbuf_append_grow(glossa__strbuf_t *sb, const void *data, size_t n)
{
    if (n == 0) /* data may be NULL then: an empty part of a message */
        return sb->failed ? GLOSSA_ENOMEM : 0;
    if (glossa__strbuf_reserve(sb, n))
        return GLOSSA_ENOMEM;
    memcpy(sb->data + sb->len, data, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return 0;
}

int glossa__strbuf_printf(glossa__strbuf_t *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || glossa__strbuf_reserve(sb, (size_t)n))
        return GLOSSA_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
    return 0;
}

int glossa__strbuf_put_uint(glossa__strbuf_t *sb, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return glossa__strbuf_append(sb, tmp + i, sizeof(tmp) - i);
}

/* Writes byte c of a JSON string at o, escaped as Jansson does; returns
 * the position after it. */
static inline char *put_string_byte(char *o, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF"; /* as Jansson */
    if (c >= 0x20 && c != '"' && c != '\\') {
        *o++ = (char)c;
        return o;
    }
    *o++ = '\\';
    switch (c) {
    case '"':
        *o++ = '"';
        break;
    case '\\':
        *o++ = '\\';
        break;
    case '\b':
        *o++ = 'b';
        break;
    case '\f':
        *o++ = 'f';
        break;
    case '\n':
        *o++ = 'n';
        break;
    case '\r':
        *o++ = 'r';
        break;
    case '\t':
        *o++ = 't';
        break;
    default:
        *o++ = 'u';
        *o++ = '0';
        *o++ = '0';
        *o++ = hex[c >> 4];
        *o++ = hex[c & 15];
        break;
    }
    return o;
}

int glossa__strbuf_put_json_string(glossa__strbuf_t *sb, const char *s,
                                   size_t n)
{
    /* Worst case every byte becomes \u00XX. */
    if ((sb->len + n * 6 + 3 > sb->cap || sb->failed) &&
        glossa__strbuf_reserve(sb, n * 6 + 2))
        return GLOSSA_ENOMEM;
    const unsigned char *u = (const unsigned char *)s;
    char *o = sb->data + sb->len;
    *o++ = '"';
    size_t i = 0;
    /* Sixteen or eight bytes at a time; a word with a byte to escape
     * byte by byte. */
    while (n - i >= 8) {
#if defined(__SSE2__)
        if (n - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
            if (!_mm_movemask_epi8(hit)) {
                _mm_storeu_si128((__m128i *)(void *)o, v);
                o += 16;
                i += 16;
                continue;
            }
        }
#endif
        if (!glossa__json_specials8(s + i)) {
            memcpy(o, s + i, 8);
            o += 8;
            i += 8;
            continue;
        }
        for (size_t stop = i + 8; i < stop; i++)
            o = put_string_byte(o, u[i]);
    }
    /* The last 1 to 7 bytes: when the 8 bytes that end the string need
     * no escape, the ones before the rest went out as they are, so the
     * 8 can be written over them. */
    if (i < n && n >= 8 && !glossa__json_specials8(s + n - 8)) {
        size_t back = i - (n - 8);
        memcpy(o - back, s + n - 8, 8);
        o += 8 - back;
        i = n;
    }
    for (; i < n; i++)
        o = put_string_byte(o, u[i]);
    *o++ = '"';
    sb->len = (size_t)(o - sb->data);
    sb->data[sb->len] = '\0';
    return 0;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return glossa__strbuf_append(data, buffer, size) ? -1 : 0;
}

/* Writes what json_dump_callback(value, ..., GLOSSA__JSON_FLAGS) would,
 * byte for byte (tests/unit/test_strbuf.c compares them), without its
 * general machinery: output records are mostly objects, strings and
 * integers. Reals keep Jansson's own formatting. */
int glossa__strbuf_put_json(glossa__strbuf_t *sb, const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_OBJECT: {
        glossa__strbuf_putc(sb, '{');
        int first = 1;
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)value, key, v)
        {
            if (!first)
                glossa__strbuf_putc(sb, ',');
            first = 0;
            glossa__strbuf_put_json_string(sb, key, strlen(key));
            glossa__strbuf_putc(sb, ':');
            glossa__strbuf_put_json(sb, v);
        }
        return glossa__strbuf_putc(sb, '}');
    }
    case JSON_ARRAY: {
        glossa__strbuf_putc(sb, '[');
        size_t i;
        const json_t *v;
        json_array_foreach(value, i, v)
        {
            if (i)
                glossa__strbuf_putc(sb, ',');
            glossa__strbuf_put_json(sb, v);
        }
        return glossa__strbuf_putc(sb, ']');
    }
    case JSON_STRING:
        return glossa__strbuf_put_json_string(sb, json_string_value(value),
                                              json_string_length(value));
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(value);
        if (i < 0)
            glossa__strbuf_putc(sb, '-');
        return glossa__strbuf_put_uint(sb,
                                       i < 0 ? 0 - (uint64_t)i : (uint64_t)i);
    }
    case JSON_TRUE:
        return glossa__strbuf_puts(sb, "true");
    case JSON_FALSE:
        return glossa__strbuf_puts(sb, "false");
    case JSON_NULL:
        return glossa__strbuf_puts(sb, "null");
    default:
        break;
    }
    if (json_dump_callback(value, dump_cb, sb, GLOSSA__JSON_FLAGS) != 0) {
        sb->failed = 1;
        return GLOSSA_ENOMEM;
    }
    return 0;
}

char *glossa__strbuf_detach(glossa__strbuf_t *sb, size_t *len)
{
    char *data = sb->data;
    if (len)
        *len = sb->len;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return data;
}

void glossa__strbuf_reset(glossa__strbuf_t *sb)
{
    sb->len = 0;
    sb->failed = 0;
    if (sb->data)
        sb->data[0] = '\0';
}

void glossa__strbuf_free(glossa__strbuf_t *sb)
{
    glossa__free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = 0;
}
