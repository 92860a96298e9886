#include "entry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

#include "redis.h"

/* ---- UTF-8 --------------------------------------------------------------- */

/* The length of the well-formed UTF-8 character at s (n > 0 bytes left),
 * or 0 with *bad the length of its maximal ill-formed subpart (Unicode
 * 15, section 3.9, as the core's policy). NUL counts as ill-formed. */
static size_t utf8_char(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0x01 && c <= 0x7F)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        *bad = 1;
        return 0;
    }
    size_t k = 1;
    for (; k <= need && k < n && s[k] >= lo && s[k] <= hi; k++)
        lo = 0x80, hi = 0xBF;
    if (k == need + 1)
        return k;
    *bad = k;
    return 0;
}

char *glossa_cli_utf8_repair(const char *s, size_t n, size_t *first_bad,
                             size_t *n_bad)
{
    /* A bad subpart of k >= 1 bytes becomes the 3 bytes of U+FFFD. */
    char *out = malloc(3 * n + 1), *o = out;
    size_t bad_count = 0, first = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; out && i < n;) {
        size_t bad = 0, len = utf8_char(u + i, n - i, &bad);
        if (len) {
            memcpy(o, s + i, len);
            o += len;
            i += len;
            continue;
        }
        if (bad_count++ == 0)
            first = i;
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        i += bad;
    }
    if (out)
        *o = '\0';
    if (first_bad)
        *first_bad = first;
    if (n_bad)
        *n_bad = bad_count;
    return out;
}

char *glossa_cli_bytes_escape(const char *s, size_t n)
{
    char *out = malloc(4 * n + 1), *o = out;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; out && i < n;) {
        size_t bad = 0, len = utf8_char(u + i, n - i, &bad);
        if (len > 1 || (len == 1 && u[i] >= 0x20 && u[i] != 0x7F)) {
            memcpy(o, s + i, len);
            o += len;
            i += len;
        } else {
            o += sprintf(o, "\\x%02x", u[i]);
            i++;
        }
    }
    if (out)
        *o = '\0';
    return out;
}

/* ---- Error entries ------------------------------------------------------- */

int glossa_cli_error_entry_add(json_t *errors, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *message = NULL;
    int n = vasprintf(&message, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    json_t *e = json_pack("{s:n,s:s,s:s}", "plugin", "code",
                          glossa_err_name(code), "message", message);
    free(message);
    return e && json_array_append_new(errors, e) == 0 ? 0 : -1;
}

/* ---- Fields -------------------------------------------------------------- */

/* A field's value, when the entry has it as a string. */
static const redisReply *string_field(const redisReply *fields,
                                      const char *name)
{
    const redisReply *v = glossa_cli_redis_field(fields, name);
    return v && v->type == REDIS_REPLY_STRING ? v : NULL;
}

static int read_origin(glossa_cli_entry_t *d, const char *stream,
                       const redisReply *origin)
{
    if (origin && origin->len > 0)
        d->origin =
            glossa_cli_utf8_repair(origin->str, origin->len, NULL, NULL);
    else if (asprintf(&d->origin, "redis %s %s", stream, d->entry) < 0)
        d->origin = NULL;
    return d->origin ? 0 : -1;
}

/* Whether an error entry is one a reader makes: an input problem. */
static int is_input_error(const json_t *e)
{
    return json_is_object(e) && json_is_null(json_object_get(e, "plugin")) &&
           json_is_string(json_object_get(e, "code")) &&
           json_is_string(json_object_get(e, "message"));
}

/* "errors": what glossa enqueue's reader found, first in the record;
 * *carried counts them. */
static int read_errors(glossa_cli_entry_t *d, const redisReply *errors,
                       size_t *carried)
{
    *carried = 0;
    if (!errors)
        return 0;
    json_t *a = json_loadb(errors->str, errors->len, 0, NULL);
    int ok = json_is_array(a);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        if (!is_input_error(e))
            ok = 0;
    }
    int rc = ok ? json_array_extend(d->notes, a) : 0;
    *carried = ok ? json_array_size(a) : 0;
    json_decref(a);
    if (ok)
        return rc;
    return glossa_cli_error_entry_add(
        d->notes, GLOSSA_EPARSE,
        "%s: \"errors\" must be an array of error entries "
        "({\"plugin\": null, \"code\", \"message\"}); ignored",
        d->origin);
}

static int read_id(glossa_cli_entry_t *d, const redisReply *id)
{
    if (!id)
        return 0;
    /* Ids are C strings everywhere: a cut one could name another
     * document. */
    if (memchr(id->str, '\0', id->len))
        return glossa_cli_error_entry_add(
            d->notes, GLOSSA_EPARSE,
            "%s: \"id\" contains a NUL character (\\u0000); using the "
            "record's position",
            d->origin);
    size_t first_bad, n_bad;
    d->id = glossa_cli_utf8_repair(id->str, id->len, &first_bad, &n_bad);
    if (!d->id)
        return -1;
    if (n_bad)
        return glossa_cli_error_entry_add(
            d->notes, GLOSSA_EUTF8,
            "%s: invalid UTF-8 at byte %zu of \"id\"; %zu bad sequence(s) "
            "replaced with U+FFFD",
            d->origin, first_bad + 1, n_bad);
    return 0;
}

static int read_meta(glossa_cli_entry_t *d, const redisReply *meta)
{
    if (!meta)
        return 0;
    d->meta = json_loadb(meta->str, meta->len, 0, NULL);
    if (json_is_object(d->meta))
        return 0;
    json_decref(d->meta);
    d->meta = NULL;
    return glossa_cli_error_entry_add(d->notes, GLOSSA_EPARSE,
                                      "%s: \"meta\" must be an object; ignored",
                                      d->origin);
}

/* `explained`: the entry's "errors" say why it has no text. */
static int read_text(glossa_cli_entry_t *d, const redisReply *text,
                     int explained)
{
    if (!text) {
        d->refused = 1;
        d->text = strdup("");
        if (!d->text)
            return -1;
        return explained
                   ? 0
                   : glossa_cli_error_entry_add(
                         d->notes, GLOSSA_EPARSE,
                         "%s: the record has no \"text\" string", d->origin);
    }
    d->text = malloc(text->len + 1);
    if (!d->text)
        return -1;
    memcpy(d->text, text->str, text->len);
    d->text[text->len] = '\0';
    d->text_len = text->len;
    return 0;
}

int glossa_cli_entry_read(glossa_cli_entry_t *d, const char *stream,
                          const redisReply *e)
{
    memset(d, 0, sizeof(*d));
    const redisReply *fields = e->element[1];
    d->entry = strdup(e->element[0]->str);
    d->notes = json_array();
    size_t carried = 0;
    if (!d->entry || !d->notes ||
        read_origin(d, stream, string_field(fields, "origin")) ||
        read_errors(d, string_field(fields, "errors"), &carried) ||
        read_id(d, string_field(fields, "id")) ||
        read_meta(d, string_field(fields, "meta")) ||
        read_text(d, string_field(fields, "text"), carried > 0))
        goto fail;
    return 0;
fail:
    glossa_cli_entry_free(d);
    return -1;
}

const char *glossa_cli_entry_record_id(const glossa_cli_entry_t *d)
{
    return d->id ? d->id : d->origin;
}

void glossa_cli_entry_free(glossa_cli_entry_t *d)
{
    free(d->entry);
    free(d->id);
    free(d->origin);
    free(d->text);
    json_decref(d->meta);
    json_decref(d->notes);
    memset(d, 0, sizeof(*d));
}
