/* A layer's spans as plain data (layer.h): the views, an arena for their
 * strings and field arrays, interned labels and keys. A span costs 64
 * bytes, a field 32, plus its string; as Jansson objects a span of the
 * `entities` layer took about 650 (docs/performance.md). */
#include "layer.h"

#include <math.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "alloc.h"
#include "runtime_int.h"
#include "utf8.h"

/* Arena chunks grow from FIRST_CHUNK by doubling up to MAX_CHUNK: a news
 * article's layer fits in the first, a large document's wastes at most
 * one chunk's tail. */
#define FIRST_CHUNK ((size_t)2048)
#define MAX_CHUNK ((size_t)1 << 20)

/* In an interned name's header: the name needs no escaping in JSON. */
#define NAME_PLAIN ((uint32_t)1 << 31)

#define RECENT_NAMES 8

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} chunk_t;

struct glossa__layer {
    glossa_span_view_t *spans; /* insertion order until finished, then sorted */
    size_t n, cap;
    /* Parallel to spans while filling, made on the first span_add: the
     * old-style span objects still to convert (owned), NULL elsewhere. */
    json_t **pending;
    chunk_t *chunks; /* the newest first */
    /* Labels and keys, interned: an open-addressing table of arena
     * strings. */
    const char **names;
    size_t names_mask, n_names;
    /* The names interned last, by the address the plugin passed (most
     * pass the same literals span after span): a hit costs a strcmp. */
    const char *recent_from[RECENT_NAMES], *recent[RECENT_NAMES];
    size_t n_json; /* fields holding a json_t reference */
    /* NULL, or parallel to spans once an old-style span had its "text" or
     * "label" out of the usual place: where they go among its fields
     * (LAYOUT_*; 0 for the usual "text", "label", fields). */
    uint32_t *layout;
    int has_reals;
    int bad_name; /* the last intern() failed for a name not UTF-8 */
    int finished;
    _Atomic(json_t *) json; /* doc_layer()'s array, made once */
};

static const glossa_span_view_t no_spans[1];

glossa__layer_t *glossa__layer_new(void)
{
    glossa__layer_t *l = glossa__calloc(1, sizeof(*l));
    if (l)
        atomic_init(&l->json, NULL);
    return l;
}

static void put_refs(glossa__layer_t *l)
{
    if (!l->n_json)
        return;
    for (size_t i = 0; i < l->n; i++) {
        const glossa_span_view_t *s = &l->spans[i];
        for (size_t k = 0; k < s->n_fields; k++)
            if (s->fields[k].type == GLOSSA_VALUE_JSON)
                json_decref((json_t *)s->fields[k].json);
    }
}

void glossa__layer_free(glossa__layer_t *l)
{
    if (!l)
        return;
    put_refs(l);
    if (l->pending)
        for (size_t i = 0; i < l->n; i++)
            json_decref(l->pending[i]);
    glossa__free(l->pending);
    glossa__free(l->layout);
    glossa__free(l->spans);
    glossa__free(l->names);
    for (chunk_t *c = l->chunks, *next; c; c = next) {
        next = c->next;
        glossa__free(c);
    }
    json_decref(atomic_load(&l->json));
    glossa__free(l);
}

/* ---- Filling ----------------------------------------------------------- */

static void *arena_alloc(glossa__layer_t *l, size_t size, size_t align)
{
    chunk_t *c = l->chunks;
    if (c) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at <= c->cap && size <= c->cap - at) {
            c->used = at + size;
            return c->data + at;
        }
    }
    size_t cap = c ? 2 * c->cap : FIRST_CHUNK;
    if (cap > MAX_CHUNK)
        cap = MAX_CHUNK;
    if (cap < size)
        cap = size;
    chunk_t *fresh = glossa__malloc(sizeof(chunk_t) + cap);
    if (!fresh)
        return NULL;
    fresh->next = c;
    fresh->used = size;
    fresh->cap = cap;
    l->chunks = fresh;
    return fresh->data;
}

static char *arena_strndup(glossa__layer_t *l, const char *s, size_t n)
{
    char *copy = arena_alloc(l, n + 1, 1);
    if (copy) {
        if (n)
            memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a: the names are short */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static const char **names_probe(const char **slots, size_t mask, const char *s,
                                size_t n, uint64_t h)
{
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const char *v = slots[i];
        if (!v || (strncmp(v, s, n) == 0 && v[n] == '\0'))
            return &slots[i];
    }
}

/* Whether JSON escapes a byte of s[0, n). */
static int needs_escape(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return 1;
    }
    return 0;
}

/* The layer's copy of the label or key s (NUL-terminated), or NULL. The
 * copy follows a header (uint32_t, name_header()): its length with
 * NAME_PLAIN set when JSON escapes none of its bytes, so that
 * glossa__layer_write copies it as it is (0 otherwise). */
static const char *intern_name(glossa__layer_t *l, const char *s)
{
    size_t n = strlen(s);
    uint64_t h = hash_bytes(s, n);
    if (2 * (l->n_names + 1) > l->names_mask + 1) {
        size_t slots = l->names_mask ? 2 * (l->names_mask + 1) : 16;
        const char **bigger = glossa__calloc(slots, sizeof(char *));
        if (!bigger)
            return NULL;
        for (size_t i = 0; l->names && i <= l->names_mask; i++) {
            const char *v = l->names[i];
            if (v)
                *names_probe(bigger, slots - 1, v, strlen(v),
                             hash_bytes(v, strlen(v))) = v;
        }
        glossa__free(l->names);
        l->names = bigger;
        l->names_mask = slots - 1;
    }
    const char **at = names_probe(l->names, l->names_mask, s, n, h);
    if (!*at && !glossa__utf8_valid_n(s, n)) {
        l->bad_name = 1;
        return NULL;
    }
    if (!*at) {
        unsigned char *mem =
            arena_alloc(l, sizeof(uint32_t) + n + 1, alignof(uint32_t));
        if (!mem)
            return NULL;
        uint32_t header = 0;
        if (n < NAME_PLAIN && !needs_escape(s, n))
            header = (uint32_t)n | NAME_PLAIN;
        memcpy(mem, &header, sizeof(header));
        char *copy = (char *)mem + sizeof(header);
        memcpy(copy, s, n);
        copy[n] = '\0';
        *at = copy;
        l->n_names++;
    }
    return *at;
}

/* intern_name() behind the recent names. */
static const char *intern(glossa__layer_t *l, const char *s)
{
    size_t slot = ((uintptr_t)s >> 3) % RECENT_NAMES;
    if (l->recent_from[slot] == s && strcmp(l->recent[slot], s) == 0)
        return l->recent[slot];
    const char *name = intern_name(l, s);
    if (name) {
        l->recent_from[slot] = s;
        l->recent[slot] = name;
    }
    return name;
}

/* The header intern() put before a name. */
static inline uint32_t name_header(const char *name)
{
    uint32_t header;
    memcpy(&header, name - sizeof(header), sizeof(header));
    return header;
}

/* Whether a JSON value holds a real anywhere. */
static int json_has_reals(const json_t *v)
{
    size_t i;
    const char *key;
    json_t *item;
    switch (json_typeof(v)) {
    case JSON_REAL:
        return 1;
    case JSON_ARRAY:
        json_array_foreach(v, i, item) if (json_has_reals(item)) return 1;
        return 0;
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key,
                            item) if (json_has_reals(item)) return 1;
        return 0;
    default:
        return 0;
    }
}

/* Room for one more span. */
static glossa_span_view_t *next_span(glossa__layer_t *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        glossa_span_view_t *spans =
            glossa__realloc(l->spans, cap * sizeof(*spans));
        if (!spans)
            return NULL;
        l->spans = spans;
        if (l->pending) {
            json_t **pending =
                glossa__realloc(l->pending, cap * sizeof(*pending));
            if (!pending)
                return NULL;
            memset(pending + l->cap, 0, (cap - l->cap) * sizeof(*pending));
            l->pending = pending;
        }
        l->cap = cap;
    }
    glossa_span_view_t *s = &l->spans[l->n];
    memset(s, 0, sizeof(*s));
    return s;
}

/* Whether key names what every span has: start, end, text, label. Most
 * keys differ from all four in their first byte. */
static int reserved_key(const char *key)
{
    switch (key[0]) {
    case 's':
        return !strcmp(key, "start");
    case 'e':
        return !strcmp(key, "end");
    case 't':
        return !strcmp(key, "text");
    case 'l':
        return !strcmp(key, "label");
    default:
        return 0;
    }
}

static int valid_field(const glossa_span_field_t *f)
{
    if (!f->key || reserved_key(f->key))
        return 0;
    switch (f->type) {
    case GLOSSA_VALUE_NULL:
    case GLOSSA_VALUE_INTEGER:
    case GLOSSA_VALUE_BOOLEAN:
        return 1;
    case GLOSSA_VALUE_STRING:
        return f->string.len == 0 ||
               (f->string.ptr &&
                glossa__utf8_valid_n(f->string.ptr, f->string.len));
    case GLOSSA_VALUE_REAL:
        return isfinite(f->real);
    case GLOSSA_VALUE_JSON:
        return f->json != NULL;
    default:
        return 0;
    }
}

/* Copies fields into the arena; the JSON values get new references. */
static int copy_fields(glossa__layer_t *l, glossa_span_view_t *s,
                       const glossa_span_field_t *fields, size_t n_fields)
{
    if (n_fields == 0)
        return 0;
    glossa_span_field_t *out =
        arena_alloc(l, n_fields * sizeof(glossa_span_field_t),
                    alignof(glossa_span_field_t));
    if (!out)
        return GLOSSA_ENOMEM;
    for (size_t k = 0; k < n_fields; k++) {
        const glossa_span_field_t *f = &fields[k];
        glossa_span_field_t *o = &out[k];
        *o = *f;
        o->key = intern(l, f->key);
        int ok = o->key != NULL;
        if (ok && f->type == GLOSSA_VALUE_STRING)
            ok = (o->string.ptr =
                      arena_strndup(l, f->string.len ? f->string.ptr : "",
                                    f->string.len)) != NULL;
        else if (ok && f->type == GLOSSA_VALUE_BOOLEAN)
            o->boolean = f->boolean != 0;
        else if (ok && f->type == GLOSSA_VALUE_JSON)
            ok = (o->json = json_deep_copy(f->json)) != NULL;
        if (!ok) {
            for (size_t j = 0; j < k; j++)
                if (out[j].type == GLOSSA_VALUE_JSON)
                    json_decref((json_t *)out[j].json);
            return GLOSSA_ENOMEM;
        }
    }
    for (size_t k = 0; k < n_fields; k++) {
        if (out[k].type == GLOSSA_VALUE_REAL)
            l->has_reals = 1;
        else if (out[k].type == GLOSSA_VALUE_JSON) {
            l->n_json++;
            l->has_reals |= json_has_reals(out[k].json);
        }
    }
    s->fields = out;
    s->n_fields = n_fields;
    return 0;
}

int glossa__layer_put(glossa__layer_t *l, size_t start, size_t end,
                      size_t start_byte, size_t end_byte, const char *label,
                      const glossa_span_field_t *fields, size_t n_fields)
{
    if (n_fields && !fields)
        return GLOSSA_EINVAL;
    for (size_t k = 0; k < n_fields; k++)
        if (!valid_field(&fields[k]))
            return GLOSSA_EINVAL;
    glossa_span_view_t *s = next_span(l);
    if (!s)
        return GLOSSA_ENOMEM;
    s->start = start;
    s->end = end;
    s->start_byte = start_byte;
    s->end_byte = end_byte;
    l->bad_name = 0;
    if (label && !(s->label = intern(l, label)))
        return l->bad_name ? GLOSSA_EINVAL : GLOSSA_ENOMEM;
    int rc = copy_fields(l, s, fields, n_fields);
    if (rc) {
        s->n_fields = 0;
        return l->bad_name ? GLOSSA_EINVAL : rc;
    }
    l->n++;
    return 0;
}

json_t *glossa__layer_put_json(glossa__layer_t *l, json_t *span)
{
    if (!span)
        return NULL;
    if (!l->pending) {
        l->pending = glossa__calloc(l->cap ? l->cap : 16, sizeof(json_t *));
        if (!l->pending) {
            json_decref(span);
            return NULL;
        }
    }
    glossa_span_view_t *s = next_span(l);
    if (!s) {
        json_decref(span);
        return NULL;
    }
    l->pending[l->n++] = span;
    return span;
}

/* ---- Finishing --------------------------------------------------------- */

typedef struct checker {
    const glossa__doc_t *doc;
    const char *name;
    json_t **warnings; /* NULL: drop silently */
    size_t n_warnings;
} checker_t;

void glossa__span_dropped(json_t **warnings, const char *name,
                          size_t *n_dropped, const char *fmt, ...)
{
    if (!warnings || ++*n_dropped > GLOSSA__MAX_SPAN_WARNINGS)
        return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    glossa__error_entry_add(warnings, name, GLOSSA_EINVAL, "%s", message);
}

static void warn_span(checker_t *c, size_t index, const char *why)
{
    glossa__span_dropped(c->warnings, c->name, &c->n_warnings,
                         "span %zu dropped: %s", index, why);
}

/* A Jansson value as a field value; JSON values get a new reference. */
static void field_of(glossa__layer_t *l, glossa_span_field_t *f,
                     const json_t *v, int *ok)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        f->type = GLOSSA_VALUE_STRING;
        f->string.len = json_string_length(v);
        f->string.ptr = arena_strndup(l, json_string_value(v), f->string.len);
        *ok = f->string.ptr != NULL;
        break;
    case JSON_INTEGER:
        f->type = GLOSSA_VALUE_INTEGER;
        f->integer = (int64_t)json_integer_value(v);
        break;
    case JSON_REAL:
        f->type = GLOSSA_VALUE_REAL;
        f->real = json_real_value(v);
        l->has_reals = 1;
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        f->type = GLOSSA_VALUE_BOOLEAN;
        f->boolean = json_is_true(v);
        break;
    case JSON_NULL:
        f->type = GLOSSA_VALUE_NULL;
        break;
    default:
        f->type = GLOSSA_VALUE_JSON;
        f->json = json_incref((json_t *)v);
        l->n_json++;
        l->has_reals |= json_has_reals(v);
        break;
    }
}

static int is_key(const char *key, const char *name)
{
    return strcmp(key, name) == 0;
}

/* Where an old-style span's "text" and "label" go among its fields, so
 * that its keys come out in the order the object had them: text_at and
 * label_at fields are written before each, and when both go at the same
 * place LAYOUT_LABEL_FIRST says which comes first. 0 is the usual layout
 * (text, label, then the fields), which every span_put span has. */
#define LAYOUT_ODD 1u
#define LAYOUT_MAX_AT 2047u
#define LAYOUT_LABEL_FIRST (1u << 23)

static uint32_t layout_make(size_t text_at, size_t label_at, int label_first)
{
    if (text_at == 0 && label_at == 0 && !label_first)
        return 0;
    if (text_at > LAYOUT_MAX_AT || label_at > LAYOUT_MAX_AT)
        return 0; /* a span of thousands of fields: the usual order */
    return LAYOUT_ODD | (uint32_t)text_at << 1 | (uint32_t)label_at << 12 |
           (label_first ? LAYOUT_LABEL_FIRST : 0);
}

static void layout_get(uint32_t v, size_t *text_at, size_t *label_at,
                       int *label_first)
{
    *text_at = (v >> 1) & LAYOUT_MAX_AT;
    *label_at = (v >> 12) & LAYOUT_MAX_AT;
    *label_first = (v & LAYOUT_LABEL_FIRST) != 0;
}

/* The fields of old-style span object `span`: every key but "start",
 * "end", "text" and the first string "label" (the span's label). With
 * out NULL, counts them, sets s->label and *layout; else fills out
 * (s->n_fields counts what is made). The count, or (size_t)-1 when out of
 * memory. */
static size_t walk(glossa__layer_t *l, const json_t *span,
                   glossa_span_view_t *s, glossa_span_field_t *out,
                   uint32_t *layout)
{
    size_t n = 0, text_at = 0, label_at = 0;
    int text_seen = 0, label_seen = 0, label_first = 0;
    const char *key;
    const json_t *v;
    if (out)
        s->n_fields = 0;
    json_object_foreach((json_t *)span, key, v)
    {
        if (is_key(key, "start") || is_key(key, "end"))
            continue;
        if (is_key(key, "text") && !text_seen) {
            text_seen = 1;
            text_at = n;
            continue;
        }
        if (is_key(key, "label") && json_is_string(v) && !label_seen) {
            label_seen = 1;
            label_at = n;
            label_first = !text_seen || text_at < n;
            if (!out && !(s->label = intern(l, json_string_value(v))))
                return (size_t)-1;
            continue;
        }
        if (out) {
            glossa_span_field_t *f = &out[n];
            memset(f, 0, sizeof(*f));
            int ok = (f->key = intern(l, key)) != NULL;
            if (ok)
                field_of(l, f, v, &ok);
            if (!ok)
                return (size_t)-1;
            s->n_fields++;
        }
        n++;
    }
    if (!text_seen) /* the core added it last */
        text_at = n;
    /* label_first matters only when both are written at one place. */
    if (!label_seen)
        label_at = 0, label_first = 0;
    else if (label_at != text_at)
        label_first = 0;
    else if (!text_seen)
        label_first = 1;
    if (layout)
        *layout = layout_make(text_at, label_at, label_first);
    return n;
}

/* Converts the old-style span at i. 1: kept; 0: dropped (warned);
 * -1: out of memory. */
static int convert(glossa__layer_t *l, checker_t *c, size_t i,
                   const json_t *span)
{
    const glossa__doc_t *doc = c->doc;
    glossa_span_view_t *s = &l->spans[i];
    const json_t *js = json_object_get(span, "start");
    const json_t *je = json_object_get(span, "end");
    if (!json_is_integer(js) || !json_is_integer(je)) {
        warn_span(c, i, "\"start\" and \"end\" must be integers");
        return 0;
    }
    json_int_t st = json_integer_value(js), en = json_integer_value(je);
    json_int_t length = (json_int_t)doc->offsets.n_codepoints;
    char detail[256];
    if (st < 0 || en < st || en > length) {
        snprintf(detail, sizeof(detail),
                 "[%lld, %lld) is not a range within the document's "
                 "%lld code points",
                 (long long)st, (long long)en, (long long)length);
        warn_span(c, i, detail);
        return 0;
    }
    size_t b0 = glossa__offsets_cp_to_byte(&doc->offsets, (size_t)st);
    size_t b1 = glossa__offsets_cp_to_byte(&doc->offsets, (size_t)en);
    const json_t *given = json_object_get(span, "text");
    if (json_is_string(given) &&
        (json_string_length(given) != b1 - b0 ||
         memcmp(json_string_value(given), doc->text + b0, b1 - b0))) {
        snprintf(detail, sizeof(detail),
                 "its \"text\" differs from the document's text at "
                 "[%lld, %lld)",
                 (long long)st, (long long)en);
        warn_span(c, i, detail);
        return 0;
    }
    s->start = (size_t)st;
    s->end = (size_t)en;
    s->start_byte = b0;
    s->end_byte = b1;
    /* The output keeps the object's key order: span_add makes "start",
     * "end", "text" and "label" first, but a plugin may set "label" after
     * its fields or delete "text" (the core then added it last); the
     * layout says where they go. */
    uint32_t layout = 0;
    size_t n_fields = walk(l, span, s, NULL, &layout);
    if (n_fields == (size_t)-1)
        return -1;
    if (layout) {
        if (!l->layout &&
            !(l->layout = glossa__calloc(l->cap, sizeof(uint32_t))))
            return -1;
        l->layout[i] = layout;
    }
    if (!n_fields)
        return 1;
    glossa_span_field_t *out =
        arena_alloc(l, n_fields * sizeof(glossa_span_field_t),
                    alignof(glossa_span_field_t));
    if (!out)
        return -1;
    s->fields = out;
    size_t made = walk(l, span, s, out, NULL);
    /* What was made is freed with the layer, also on failure. */
    return made == (size_t)-1 ? -1 : 1;
}
typedef struct order {
    size_t start, end, index;
} order_t;

static int compare_order(const void *a, const void *b)
{
    const order_t *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Sorts by (start, end), ties in insertion order. Most plugins add their
 * spans in order: then nothing moves. */
static int sort_spans(glossa__layer_t *l)
{
    size_t n = l->n;
    size_t i = 1;
    for (; i < n; i++) {
        const glossa_span_view_t *a = &l->spans[i - 1], *b = &l->spans[i];
        if (a->start > b->start || (a->start == b->start && a->end > b->end))
            break;
    }
    if (i >= n)
        return 0;
    order_t *order = glossa__malloc(n * sizeof(order_t));
    glossa_span_view_t *sorted = glossa__malloc(n * sizeof(*sorted));
    if (!order || !sorted) {
        glossa__free(order);
        glossa__free(sorted);
        return GLOSSA_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        order[k] = (order_t){l->spans[k].start, l->spans[k].end, k};
    qsort(order, n, sizeof(order_t), compare_order);
    for (size_t k = 0; k < n; k++)
        sorted[k] = l->spans[order[k].index];
    if (l->layout) {
        /* In place, through the views' old places: order is a
         * permutation. */
        uint32_t *layout = glossa__malloc(n * sizeof(uint32_t));
        if (!layout) {
            glossa__free(order);
            glossa__free(sorted);
            return GLOSSA_ENOMEM;
        }
        for (size_t k = 0; k < n; k++)
            layout[k] = l->layout[order[k].index];
        glossa__free(l->layout);
        l->layout = layout;
    }
    glossa__free(order);
    glossa__free(l->spans);
    l->spans = sorted;
    l->cap = n;
    return 0;
}

static int finish(glossa__layer_t *l, checker_t *c)
{
    if (l->finished)
        return 0;
    size_t kept = 0;
    int rc = 0;
    for (size_t i = 0; i < l->n; i++) {
        json_t *span = l->pending ? l->pending[i] : NULL;
        int keep = 1;
        if (span && rc == 0) {
            keep = convert(l, c, i, span);
            if (keep < 0) {
                rc = GLOSSA_ENOMEM;
                keep = 1; /* its fields so far are freed with the layer */
            }
        }
        if (span) {
            json_decref(span);
            l->pending[i] = NULL;
        }
        if (!keep)
            continue;
        if (kept != i) {
            l->spans[kept] = l->spans[i];
            if (l->layout)
                l->layout[kept] = l->layout[i];
        }
        kept++;
    }
    l->n = kept;
    glossa__free(l->pending);
    l->pending = NULL;
    if (c->warnings && c->n_warnings > GLOSSA__MAX_SPAN_WARNINGS)
        glossa__error_entry_add(c->warnings, c->name, GLOSSA_EINVAL,
                                "%zu more spans dropped",
                                c->n_warnings - GLOSSA__MAX_SPAN_WARNINGS);
    if (rc || (rc = sort_spans(l)))
        return rc;
    for (size_t i = 0; i < l->n; i++)
        l->spans[i].text = c->doc->text + l->spans[i].start_byte;
    /* The array doubled as it grew; the layer may wait long for its
     * readers and the record. */
    if (l->cap > l->n && l->n) {
        glossa_span_view_t *fit =
            glossa__realloc(l->spans, l->n * sizeof(*fit));
        if (fit) {
            l->spans = fit;
            l->cap = l->n;
        }
    }
    l->finished = 1;
    return 0;
}

int glossa__layer_finish(glossa__layer_t *l, const glossa__doc_t *doc,
                         const char *name, json_t **warnings, size_t n_dropped)
{
    checker_t c = {doc, name, warnings, n_dropped};
    return finish(l, &c);
}

glossa__layer_t *glossa__layer_from_json(const glossa__doc_t *doc,
                                         json_t *spans)
{
    glossa__layer_t *l = glossa__layer_new();
    if (!l)
        return NULL;
    size_t i;
    json_t *span;
    json_array_foreach(spans, i, span)
    {
        if (!json_is_object(span))
            continue;
        if (!glossa__layer_put_json(l, json_incref(span))) {
            glossa__layer_free(l);
            return NULL;
        }
    }
    checker_t c = {doc, NULL, NULL, 0};
    if (finish(l, &c)) {
        glossa__layer_free(l);
        return NULL;
    }
    atomic_store(&l->json, json_incref(spans));
    return l;
}

/* ---- Reading ----------------------------------------------------------- */

const glossa_span_view_t *glossa__layer_spans(const glossa__layer_t *l,
                                              size_t *count)
{
    if (count)
        *count = l ? l->n : 0;
    return l && l->n ? l->spans : no_spans;
}

int glossa__layer_has_reals(const glossa__layer_t *l)
{
    return l && l->has_reals;
}

static json_t *field_json(const glossa_span_field_t *f)
{
    switch (f->type) {
    case GLOSSA_VALUE_STRING:
        return json_stringn_nocheck(f->string.ptr, f->string.len);
    case GLOSSA_VALUE_INTEGER:
        return json_integer((json_int_t)f->integer);
    case GLOSSA_VALUE_REAL:
        return json_real(f->real);
    case GLOSSA_VALUE_BOOLEAN:
        return json_boolean(f->boolean);
    case GLOSSA_VALUE_JSON:
        return json_incref((json_t *)f->json);
    default:
        return json_null();
    }
}

/* The span's layout (see layout_make). */
static void span_layout(const glossa__layer_t *l, size_t i, size_t *text_at,
                        size_t *label_at, int *label_first)
{
    layout_get(l->layout ? l->layout[i] : 0, text_at, label_at, label_first);
}

static int json_text(json_t *o, const glossa_span_view_t *s)
{
    return json_object_set_new_nocheck(
        o, "text", json_stringn_nocheck(s->text, s->end_byte - s->start_byte));
}

static int json_label(json_t *o, const glossa_span_view_t *s)
{
    return s->label && json_object_set_new_nocheck(
                           o, "label", json_string_nocheck(s->label));
}

static json_t *make_json(const glossa__layer_t *l)
{
    json_t *array = json_array();
    for (size_t i = 0; array && i < l->n; i++) {
        const glossa_span_view_t *s = &l->spans[i];
        size_t text_at, label_at;
        int label_first;
        span_layout(l, i, &text_at, &label_at, &label_first);
        json_t *o = json_object();
        int bad = !o ||
                  json_object_set_new_nocheck(
                      o, "start", json_integer((json_int_t)s->start)) ||
                  json_object_set_new_nocheck(o, "end",
                                              json_integer((json_int_t)s->end));
        for (size_t k = 0; !bad && k <= s->n_fields; k++) {
            if (label_at == k && text_at == k && label_first)
                bad = json_label(o, s) || json_text(o, s);
            else
                bad = (text_at == k && json_text(o, s)) ||
                      (label_at == k && json_label(o, s));
            if (!bad && k < s->n_fields)
                bad = json_object_set_new_nocheck(o, s->fields[k].key,
                                                  field_json(&s->fields[k]));
        }
        if (bad || json_array_append_new(array, o)) {
            if (bad)
                json_decref(o);
            json_decref(array);
            return NULL;
        }
    }
    return array;
}

/* Two readers of one layer must not make its JSON at once: both would
 * take references to the same JSON field values, and Jansson's reference
 * counts are not safe to share between threads (its incref reads the
 * count unguarded). One lock for all layers: a layer's JSON is made once,
 * and only for readers that ask doc_layer(). */
static uv_once_t json_once = UV_ONCE_INIT;
static uv_mutex_t json_mutex;

static void json_mutex_init(void)
{
    if (uv_mutex_init(&json_mutex))
        abort();
}

const json_t *glossa__layer_json(glossa__layer_t *l, const glossa__doc_t *doc)
{
    (void)doc;
    if (!l)
        return NULL;
    json_t *j = atomic_load_explicit(&l->json, memory_order_acquire);
    if (j)
        return j;
    uv_once(&json_once, json_mutex_init);
    uv_mutex_lock(&json_mutex);
    j = atomic_load_explicit(&l->json, memory_order_acquire);
    if (!j && (j = make_json(l)) != NULL)
        atomic_store_explicit(&l->json, j, memory_order_release);
    uv_mutex_unlock(&json_mutex);
    return j;
}

/* ---- Writing ----------------------------------------------------------- */

/* Powers of ten, exact as doubles up to 1e22. */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
                               1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16};

/* "%.*g" with precision 10 as glibc writes it, for 1e-4 <= |v| < 1e9
 * where no rounding decision is close: the digits are those of v scaled
 * to ten before rounding, the product exact to within 2e-6 (v and the
 * power of ten are exact, the product rounded once, below 1e10), so a
 * fraction 1e-5 or more away from one half rounds as the exact decimal
 * value does; and zero. Returns the length, or -1 where snprintf must
 * decide (the format's scientific form, values near a tie). */
static int real_format_fast(char *buf, size_t size, double v)
{
    enum { P = 10 };
    if (v == 0 && size >= 5) { /* "%g" writes 0 or -0 */
        uint64_t bits;
        memcpy(&bits, &v, sizeof(bits));
        const char *zero = bits >> 63 ? "-0.0" : "0.0";
        size_t n = strlen(zero);
        memcpy(buf, zero, n + 1);
        return (int)n;
    }
    double a = v < 0 ? -v : v;
    if (!(a >= 1e-4 && a < 1e9) || size < 32)
        return -1;
    int e = 0; /* 10^e <= a < 10^(e+1) */
    if (a >= 1) {
        while (e < 8 && a >= POW10[e + 1])
            e++;
    } else {
        e = -1;
        while (a * POW10[-e] < 1)
            e--;
    }
    double scaled = a * POW10[P - 1 - e];
    uint64_t m = (uint64_t)scaled; /* below 1e10: exact */
    double frac = scaled - (double)m;
    if (frac > 0.5 - 1e-5 && frac < 0.5 + 1e-5)
        return -1;
    m += frac > 0.5;
    if (m >= (uint64_t)POW10[P]) { /* 9.9999999999 -> 10.00000000 */
        m /= 10;
        e++;
    }
    if (m < (uint64_t)POW10[P - 1]) /* e one too high: cannot be, but */
        return -1;
    char digits[P];
    for (int i = P - 1; i >= 0; i--, m /= 10)
        digits[i] = (char)('0' + m % 10);
    int last = P - 1; /* %g drops the fraction's trailing zeros */
    while (last > e && last > 0 && digits[last] == '0')
        last--;
    char *o = buf;
    if (v < 0)
        *o++ = '-';
    if (e >= 0) {
        memcpy(o, digits, (size_t)e + 1);
        o += e + 1;
        *o++ = '.';
        if (last > e) {
            memcpy(o, digits + e + 1, (size_t)(last - e));
            o += last - e;
        } else {
            *o++ = '0'; /* Jansson's ".0" after what looks like an integer */
        }
    } else {
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > e; i--)
            *o++ = '0';
        memcpy(o, digits, (size_t)last + 1);
        o += last + 1;
    }
    *o = '\0';
    return (int)(o - buf);
}

int glossa__real_format(char *buf, size_t size, double v, int precision)
{
    if (precision == 10) {
        int n = real_format_fast(buf, size, v);
        if (n >= 0)
            return n;
    }
    /* Jansson's jsonp_dtostr(), which json_dumps() uses: "%.*g", a ".0"
     * when that looks like an integer, no "+" or leading zeros in the
     * exponent. */
    if (precision == 0)
        precision = 17;
    int ret = snprintf(buf, size, "%.*g", precision, v);
    if (ret < 0 || (size_t)ret >= size)
        return -1;
    size_t length = (size_t)ret;
    for (char *p = buf; *p; p++)
        if (*p == ',') /* a locale's decimal point */
            *p = '.';
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        if (length + 3 >= size)
            return -1;
        buf[length++] = '.';
        buf[length++] = '0';
        buf[length] = '\0';
    }
    char *start = strchr(buf, 'e');
    if (start) {
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, length - (size_t)(end - buf) + 1);
            length -= (size_t)(end - start);
        }
    }
    return (int)length;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return glossa__strbuf_append(data, buffer, size) ? -1 : 0;
}

static void put_int(glossa__strbuf_t *sb, int64_t i)
{
    if (i < 0)
        glossa__strbuf_putc(sb, '-');
    glossa__strbuf_put_uint(sb, i < 0 ? 0 - (uint64_t)i : (uint64_t)i);
}

static void put_value(glossa__strbuf_t *sb, const glossa_span_field_t *f,
                      int full_precision)
{
    char buf[64];
    switch (f->type) {
    case GLOSSA_VALUE_STRING:
        glossa__strbuf_put_json_string(sb, f->string.ptr, f->string.len);
        break;
    case GLOSSA_VALUE_INTEGER:
        put_int(sb, f->integer);
        break;
    case GLOSSA_VALUE_REAL: {
        int n = glossa__real_format(buf, sizeof(buf), f->real,
                                    full_precision ? 17 : 10);
        if (n < 0)
            sb->failed = 1;
        else
            glossa__strbuf_append(sb, buf, (size_t)n);
        break;
    }
    case GLOSSA_VALUE_BOOLEAN:
        glossa__strbuf_puts(sb, f->boolean ? "true" : "false");
        break;
    case GLOSSA_VALUE_JSON:
        if (!full_precision)
            glossa__strbuf_put_json(sb, f->json);
        else if (json_dump_callback(f->json, dump_cb, sb,
                                    JSON_COMPACT | JSON_ENCODE_ANY))
            sb->failed = 1;
        break;
    default:
        glossa__strbuf_puts(sb, "null");
        break;
    }
}

static void put_text(glossa__strbuf_t *sb, const glossa_span_view_t *s)
{
    glossa__strbuf_append(sb, ",\"text\":", 8);
    glossa__strbuf_put_json_string(sb, s->text, s->end_byte - s->start_byte);
}

/* Writes `,"NAME":` for a name from intern(), or `,"label":"NAME"` when
 * label is set: a name that needs no escaping is copied in one piece. */
static void put_name(glossa__strbuf_t *sb, const char *name, int label)
{
    uint32_t header = name_header(name);
    if (!(header & NAME_PLAIN)) {
        if (label)
            glossa__strbuf_append(sb, ",\"label\":", 9);
        else
            glossa__strbuf_putc(sb, ',');
        glossa__strbuf_put_json_string(sb, name, strlen(name));
        if (!label)
            glossa__strbuf_putc(sb, ':');
        return;
    }
    size_t n = header & ~NAME_PLAIN;
    char *o = glossa__strbuf_room(sb, n + 12);
    if (!o)
        return;
    if (label) {
        memcpy(o, ",\"label\":\"", 10);
        o += 10;
    } else {
        memcpy(o, ",\"", 2);
        o += 2;
    }
    memcpy(o, name, n);
    o += n;
    *o++ = '"';
    if (!label)
        *o++ = ':';
    glossa__strbuf_commit(sb, o);
}

static void put_label(glossa__strbuf_t *sb, const glossa_span_view_t *s)
{
    if (s->label)
        put_name(sb, s->label, 1);
}

void glossa__layer_write(glossa__strbuf_t *sb, const glossa__layer_t *l,
                         int full_precision)
{
    glossa__strbuf_putc(sb, '[');
    for (size_t i = 0; l && i < l->n; i++) {
        const glossa_span_view_t *s = &l->spans[i];
        size_t text_at, label_at;
        int label_first;
        span_layout(l, i, &text_at, &label_at, &label_first);
        /* {"start":N,"end":N in one piece: 10 + 20 + 7 + 20 bytes. */
        char *o = glossa__strbuf_room(sb, 64);
        if (!o)
            return;
        if (i)
            *o++ = ',';
        memcpy(o, "{\"start\":", 9);
        o = glossa__uint_write(o + 9, s->start);
        memcpy(o, ",\"end\":", 7);
        o = glossa__uint_write(o + 7, s->end);
        glossa__strbuf_commit(sb, o);
        for (size_t k = 0; k <= s->n_fields; k++) {
            if (label_at == k && text_at == k && label_first) {
                put_label(sb, s);
                put_text(sb, s);
            } else {
                if (text_at == k)
                    put_text(sb, s);
                if (label_at == k)
                    put_label(sb, s);
            }
            if (k == s->n_fields)
                break;
            const glossa_span_field_t *f = &s->fields[k];
            put_name(sb, f->key, 0);
            put_value(sb, f, full_precision);
        }
        glossa__strbuf_putc(sb, '}');
    }
    glossa__strbuf_putc(sb, ']');
}
