#include "jsonl.h"

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "glossa/error.h"
#include "strbuf.h"
#include "utf8.h"

typedef struct cursor {
    const char *p, *end;
} cursor_t;

static void skip_ws(cursor_t *c)
{
    while (c->p < c->end &&
           (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static inline int is_special(unsigned char b)
{
    return b == '"' || b == '\\' || b < 0x20;
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= (uint32_t)(ch - '0');
        else if (ch >= 'a' && ch <= 'f')
            v |= (uint32_t)(ch - 'a' + 10);
        else if (ch >= 'A' && ch <= 'F')
            v |= (uint32_t)(ch - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Decodes the JSON string at c->p (its opening quote) onto sb. */
static int decode_string(cursor_t *c, glossa__strbuf_t *sb)
{
    if (c->p >= c->end || *c->p != '"')
        return GLOSSA_EPARSE;
    c->p++;
    for (;;) {
        const char *run = c->p;
#if defined(__SSE2__)
        /* Sixteen bytes at a time up to the first '"', '\\' or control
         * byte (unsigned b < 0x20 when min(b, 0x1F) == b); the loops
         * below then stop where they start. */
        const __m128i quote = _mm_set1_epi8('"'),
                      backslash = _mm_set1_epi8('\\'),
                      control = _mm_set1_epi8(0x1F);
        while (c->end - c->p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)c->p);
            __m128i hit =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                          _mm_cmpeq_epi8(v, backslash)),
                             _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));
            unsigned mask = (unsigned)_mm_movemask_epi8(hit);
            if (mask) {
                c->p += __builtin_ctz(mask);
                break;
            }
            c->p += 16;
        }
#endif
        uint64_t specials = 0;
        while (c->end - c->p >= 8 && !(specials = glossa__json_specials8(c->p)))
            c->p += 8;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (specials) /* the first special byte of the word */
            c->p += __builtin_ctzll(specials) / 8;
#endif
        while (c->p < c->end && !is_special((unsigned char)*c->p))
            c->p++;
        if (c->p > run && glossa__strbuf_append(sb, run, (size_t)(c->p - run)))
            return GLOSSA_ENOMEM;
        if (c->p >= c->end || (unsigned char)*c->p < 0x20)
            return GLOSSA_EPARSE; /* unterminated, or a raw control char */
        if (*c->p++ == '"')
            return 0;
        if (c->p >= c->end)
            return GLOSSA_EPARSE;
        char esc = *c->p++, out;
        switch (esc) {
        case '"':
        case '\\':
        case '/':
            out = esc;
            break;
        case 'b':
            out = '\b';
            break;
        case 'f':
            out = '\f';
            break;
        case 'n':
            out = '\n';
            break;
        case 'r':
            out = '\r';
            break;
        case 't':
            out = '\t';
            break;
        case 'u': {
            uint32_t cp, low;
            if (c->end - c->p < 4 || hex4(c->p, &cp))
                return GLOSSA_EPARSE;
            c->p += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return GLOSSA_EPARSE; /* a lone low surrogate */
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u' ||
                    hex4(c->p + 2, &low) || low < 0xDC00 || low > 0xDFFF)
                    return GLOSSA_EPARSE;
                c->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            char utf8[4];
            size_t n = glossa__utf8_encode(cp, utf8);
            if (glossa__strbuf_append(sb, utf8, n))
                return GLOSSA_ENOMEM;
            continue;
        }
        default:
            return GLOSSA_EPARSE;
        }
        if (glossa__strbuf_putc(sb, out))
            return GLOSSA_ENOMEM;
    }
}

/* Moves past one JSON value (not validating it: Jansson does that for the
 * values that are kept). */
static int skip_value(cursor_t *c)
{
    if (c->p >= c->end)
        return GLOSSA_EPARSE;
    if (*c->p == '"') {
        for (c->p++; c->p < c->end; c->p++) {
            if (*c->p == '\\')
                c->p++;
            else if (*c->p == '"') {
                c->p++;
                return 0;
            }
        }
        return GLOSSA_EPARSE;
    }
    if (*c->p == '{' || *c->p == '[') {
        int depth = 0, in_string = 0;
        for (; c->p < c->end; c->p++) {
            char ch = *c->p;
            if (in_string) {
                if (ch == '\\')
                    c->p++;
                else if (ch == '"')
                    in_string = 0;
            } else if (ch == '"') {
                in_string = 1;
            } else if (ch == '{' || ch == '[') {
                depth++;
            } else if ((ch == '}' || ch == ']') && --depth == 0) {
                c->p++;
                return 0;
            }
        }
        return GLOSSA_EPARSE;
    }
    while (c->p < c->end && !strchr(",}] \t\r\n", *c->p))
        c->p++;
    return 0;
}

/* An integer id as Jansson would read it, in decimal; else EPARSE. */
static int integer_id(cursor_t *c, char **out)
{
    const char *start = c->p;
    if (c->p < c->end && *c->p == '-')
        c->p++;
    const char *digits = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    size_t n = (size_t)(c->p - digits);
    /* Reals, leading zeros and anything that could overflow: general path. */
    if (n == 0 || n > 18 || (n > 1 && digits[0] == '0') ||
        (c->p < c->end && strchr(".eE", *c->p)))
        return GLOSSA_EPARSE;
    char tmp[24];
    snprintf(tmp, sizeof(tmp), "%.*s", (int)(c->p - start), start);
    long long v = strtoll(tmp, NULL, 10);
    *out = glossa__asprintf("%lld", v);
    return *out ? 0 : GLOSSA_ENOMEM;
}

void glossa__jsonl_record_free(glossa__jsonl_record_t *rec)
{
    glossa__free(rec->id);
    glossa__free(rec->text);
    json_decref(rec->meta);
    memset(rec, 0, sizeof(*rec));
}

int glossa__jsonl_decode(const char *line, size_t len,
                         glossa__jsonl_record_t *rec)
{
    memset(rec, 0, sizeof(*rec));
    cursor_t c = {line, line + len};
    glossa__strbuf_t key = GLOSSA__STRBUF_INIT, id = GLOSSA__STRBUF_INIT;
    glossa__strbuf_t text = GLOSSA__STRBUF_INIT;
    json_t *meta = NULL, *extras = json_object();
    int rc = extras ? 0 : GLOSSA_ENOMEM, have_text = 0, have_id = 0;
    char *int_id = NULL;
    skip_ws(&c);
    if (rc == 0 && (c.p >= c.end || *c.p++ != '{'))
        rc = GLOSSA_EPARSE;
    skip_ws(&c);
    if (rc == 0 && c.p < c.end && *c.p == '}')
        rc = GLOSSA_EPARSE; /* {}: the general path says what is missing */
    while (rc == 0) {
        skip_ws(&c);
        glossa__strbuf_reset(&key);
        rc = decode_string(&c, &key);
        if (rc == 0 && memchr(key.data ? key.data : "", '\0', key.len))
            rc = GLOSSA_EPARSE; /* Jansson refuses NUL in keys */
        skip_ws(&c);
        if (rc == 0 && (c.p >= c.end || *c.p++ != ':'))
            rc = GLOSSA_EPARSE;
        skip_ws(&c);
        if (rc)
            break;
        const char *k = key.data ? key.data : "";
        if (strcmp(k, "text") == 0) {
            glossa__strbuf_reset(&text);
            if (!have_text && glossa__strbuf_reserve(&text, len))
                rc = GLOSSA_ENOMEM;
            if (rc == 0)
                rc = decode_string(&c, &text);
            have_text = 1;
        } else if (strcmp(k, "id") == 0) {
            glossa__strbuf_reset(&id);
            glossa__free(int_id);
            int_id = NULL;
            if (c.p < c.end && *c.p == '"') {
                rc = decode_string(&c, &id);
                if (rc == 0 && memchr(id.data ? id.data : "", '\0', id.len))
                    rc = GLOSSA_EPARSE; /* the general path reports it */
            } else
                rc = integer_id(&c, &int_id);
            have_id = 1;
        } else {
            const char *start = c.p;
            rc = skip_value(&c);
            json_t *value =
                rc ? NULL
                   : json_loadb(start, (size_t)(c.p - start),
                                JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
            if (rc == 0 && !value)
                rc = GLOSSA_EPARSE;
            if (rc == 0 && strcmp(k, "meta") == 0) {
                json_decref(meta);
                meta = value;
                if (!json_is_object(meta))
                    rc = GLOSSA_EPARSE; /* the general path warns */
            } else if (rc == 0 && json_object_set_new(extras, k, value)) {
                rc = GLOSSA_ENOMEM;
            }
        }
        skip_ws(&c);
        if (rc == 0 && c.p < c.end && *c.p == ',') {
            c.p++;
            continue;
        }
        if (rc == 0 && (c.p >= c.end || *c.p++ != '}'))
            rc = GLOSSA_EPARSE;
        break;
    }
    skip_ws(&c);
    if (rc == 0 && (c.p != c.end || !have_text))
        rc = GLOSSA_EPARSE;
    if (rc == 0 && !meta && !(meta = json_object()))
        rc = GLOSSA_ENOMEM;
    if (rc == 0) {
        /* Other fields are metadata too; "meta" wins on a clash. */
        const char *name;
        json_t *value;
        json_object_foreach(extras, name, value)
        {
            if (!json_object_get(meta, name) &&
                json_object_set(meta, name, value)) {
                rc = GLOSSA_ENOMEM;
                break;
            }
        }
    }
    if (rc == 0) {
        rec->text_len = text.len;
        rec->text =
            text.data ? glossa__strbuf_detach(&text, NULL) : glossa__strdup("");
        if (have_id)
            rec->id = int_id ? int_id : glossa__strdup(id.data ? id.data : "");
        int_id = NULL;
        rec->meta = meta;
        meta = NULL;
        if (!rec->text || (have_id && !rec->id))
            rc = GLOSSA_ENOMEM;
    }
    glossa__strbuf_free(&key);
    glossa__strbuf_free(&id);
    glossa__strbuf_free(&text);
    glossa__free(int_id);
    json_decref(meta);
    json_decref(extras);
    if (rc)
        glossa__jsonl_record_free(rec);
    return rc;
}
