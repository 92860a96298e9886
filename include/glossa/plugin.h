/* The Glossa plugin API.
 *
 * A plugin is a shared object that exports exactly one symbol,
 * glossa_plugin_entry(), returning a const descriptor (glossa_plugin_t).
 * The plugin never links against libglossa: everything the core offers
 * reaches it through the host function table (glossa_host_t) passed to
 * create(). Plugins do use Jansson for configuration and results; the
 * JSON values that cross this boundary are Jansson values.
 *
 * THREADS. create() and destroy() are called once per instance, on one
 * thread. annotate() is called from several thread-pool threads at the same
 * time with the SAME state pointer, for different documents. A plugin
 * therefore:
 *   - treats its state as read-only after create() returns (or guards any
 *     mutation itself; mutexes in annotate() serialise the pool);
 *   - keeps no global mutable state (two instances may be loaded at once);
 *   - never calls exit(), abort() on bad input, or signal handlers;
 *   - never writes to stdout (it carries the output; the core redirects a
 *     plugin's stdout writes to stderr) and logs through host->log();
 *   - returns errors as messages: create() fills its error buffer and
 *     returns NULL; annotate() returns host->fail(ctx, ...).
 * Everything a plugin gets from the host for a document (text, tokens,
 * layers, metadata) is read-only and valid until annotate() returns.
 *
 * OFFSETS. Span offsets are Unicode code points from the start of the
 * document text, end exclusive (Python's text[start:end]). Tokens and
 * sentences carry both byte and code-point offsets; the host converts
 * between the two in O(1) amortised time.
 *
 * ABI. GLOSSA_PLUGIN_ABI_VERSION is (major << 16) | minor. The loader
 * accepts a plugin whose major equals the host's and whose minor is not
 * greater than the host's. Within a major version the descriptor and the
 * host table only grow at the end: the loader reads a descriptor only up to
 * its struct_size (later fields count as NULL), and a plugin checks that a
 * host function newer than 1.0 exists with GLOSSA_HOST_HAS(). */
#ifndef GLOSSA_PLUGIN_H
#define GLOSSA_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "error.h" /* GLOSSA_EPLUGIN and the codes host calls return */
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GLOSSA_PLUGIN_ABI_MAJOR 1
#define GLOSSA_PLUGIN_ABI_MINOR 2
#define GLOSSA_PLUGIN_ABI_VERSION                                              \
    ((uint32_t)((GLOSSA_PLUGIN_ABI_MAJOR << 16) | GLOSSA_PLUGIN_ABI_MINOR))

/* The name of the one symbol a plugin exports. */
#define GLOSSA_PLUGIN_ENTRY_SYMBOL "glossa_plugin_entry"

/* ---- Segmentation shared by all plugins -------------------------------- */

/* Token flags. A token is a maximal run of letters/digits (with inner
 * apostrophes, hyphens, periods of abbreviations and digit separators), or
 * a single punctuation or symbol character. English clitics ('s, n't, 're,
 * 've, 'll, 'd, 'm) are separate tokens, as in the Penn Treebank and
 * CoNLL-2003. */
enum {
    GLOSSA_TOKEN_WORD = 1u << 0,         /* contains a letter */
    GLOSSA_TOKEN_NUMBER = 1u << 1,       /* digits, maybe with , . separators */
    GLOSSA_TOKEN_PUNCT = 1u << 2,        /* one punctuation character */
    GLOSSA_TOKEN_SYMBOL = 1u << 3,       /* one symbol character ($, %, ...) */
    GLOSSA_TOKEN_UPPER = 1u << 4,        /* first character is uppercase */
    GLOSSA_TOKEN_ALLCAPS = 1u << 5,      /* has letters, none lowercase */
    GLOSSA_TOKEN_SPACE_BEFORE = 1u << 6, /* whitespace before it */
    GLOSSA_TOKEN_NEWLINE_BEFORE = 1u << 7,   /* a line break before it */
    GLOSSA_TOKEN_PARAGRAPH_BEFORE = 1u << 8, /* a blank line before it */
    GLOSSA_TOKEN_SENTENCE_START = 1u << 9,   /* first token of a sentence */
    GLOSSA_TOKEN_ASCII = 1u << 10            /* all its bytes are ASCII */
};

/* Layout frozen for ABI major 1. Byte offsets index the UTF-8 text. */
typedef struct glossa_token {
    uint32_t start, end;       /* bytes, end exclusive */
    uint32_t cp_start, cp_end; /* code points, end exclusive */
    uint32_t flags;            /* GLOSSA_TOKEN_* */
} glossa_token_t;

/* Sentences cover the text without leading/trailing whitespace. Headlines
 * and other lines standing alone are sentences of their own. */
typedef struct glossa_sentence {
    uint32_t start, end;       /* bytes */
    uint32_t cp_start, cp_end; /* code points */
    uint32_t token_first;      /* index into the token array */
    uint32_t token_count;
} glossa_sentence_t;

/* ---- Host services ----------------------------------------------------- */

/* One unit of work: one plugin on one document. Opaque. */
typedef struct glossa_ctx glossa_ctx_t;

typedef enum glossa_log_level {
    GLOSSA_LOG_ERROR = 0,
    GLOSSA_LOG_WARN = 1,
    GLOSSA_LOG_INFO = 2,
    GLOSSA_LOG_DEBUG = 3
} glossa_log_level_t;

/* ---- Spans as plain data (since ABI 1.2) ------------------------------ */

/* The type of a span field's value. */
typedef enum glossa_value_type {
    GLOSSA_VALUE_NULL = 0,    /* JSON null */
    GLOSSA_VALUE_STRING = 1,  /* string.ptr, string.len: UTF-8 */
    GLOSSA_VALUE_INTEGER = 2, /* integer */
    GLOSSA_VALUE_REAL = 3,    /* real: finite */
    GLOSSA_VALUE_BOOLEAN = 4, /* boolean: 0 or 1 */
    GLOSSA_VALUE_JSON = 5     /* json: any other JSON value (object, array) */
} glossa_value_type_t;

/* One field of a span besides "start", "end", "text" and "label": a key
 * and a typed value. span_put() takes an array of them; layer_spans()
 * gives them back. The glossa_span_field_*() helpers below make one. */
typedef struct glossa_span_field {
    const char *key; /* NUL-terminated; not "start", "end", "text", "label" */
    glossa_value_type_t type;
    union {
        struct {
            /* Valid UTF-8; may hold NUL bytes. In spans the core gives
             * back (layer_spans), a NUL follows the len bytes. */
            const char *ptr;
            size_t len;
        } string;
        int64_t integer;
        double real;
        int boolean;
        const json_t *json;
    };
} glossa_span_field_t;

/* A span of a layer the plugin reads (layer_spans()). Everything is
 * read-only and valid until annotate() returns. */
typedef struct glossa_span_view {
    size_t start, end;           /* code points, end exclusive */
    size_t start_byte, end_byte; /* bytes into the document text */
    const char *text; /* the document's text at [start_byte, end_byte): NOT
                         NUL-terminated */
    /* The span's "label" string, NUL-terminated, or NULL when it has none
     * (an old-style span's "label" that is not a string is a field). */
    const char *label;
    const glossa_span_field_t *fields; /* in the order the producer gave */
    size_t n_fields;
} glossa_span_view_t;

typedef struct glossa_host {
    size_t size;          /* sizeof(glossa_host_t) as the host was built */
    uint32_t abi_version; /* the host's GLOSSA_PLUGIN_ABI_VERSION */

    /* -- The document (valid for the duration of annotate()) -- */

    /* The document id; never NULL. */
    const char *(*doc_id)(const glossa_ctx_t *ctx);
    /* The UTF-8 text, NUL-terminated, with *len_bytes its length in bytes
     * (len_bytes may be NULL). Always valid UTF-8 without NUL bytes: see
     * docs/output-format.md for the input policy. */
    const char *(*doc_text)(const glossa_ctx_t *ctx, size_t *len_bytes);
    /* Length of the text in code points. */
    size_t (*doc_length)(const glossa_ctx_t *ctx);
    /* The document metadata: a borrowed JSON object, never NULL. */
    const json_t *(*doc_meta)(const glossa_ctx_t *ctx);
    /* Offset conversion. Out-of-range input is clamped to the length. A
     * byte offset inside a character maps to that character. */
    size_t (*doc_cp_to_byte)(const glossa_ctx_t *ctx, size_t cp);
    size_t (*doc_byte_to_cp)(const glossa_ctx_t *ctx, size_t byte);
    /* The document's tokens and sentences, computed once by the core. */
    const glossa_token_t *(*doc_tokens)(const glossa_ctx_t *ctx, size_t *count);
    const glossa_sentence_t *(*doc_sentences)(const glossa_ctx_t *ctx,
                                              size_t *count);
    /* The spans (a borrowed JSON array, sorted by (start, end), each with
     * "start", "end", "text" and the plugin's fields; made from the flat
     * layer the first time a reader asks: layer_spans() gives the same
     * without JSON) and the
     * document-level result (a borrowed object, or NULL) of a layer this
     * plugin declared in `requires`. NULL for any other name. */
    const json_t *(*doc_layer)(const glossa_ctx_t *ctx, const char *name);
    const json_t *(*doc_layer_document)(const glossa_ctx_t *ctx,
                                        const char *name);

    /* -- Results -- */

    /* Adds a span [start, end) in code points, with "label" unless label is
     * NULL. Returns the span object (borrowed: add fields to it with
     * json_object_set_new) or NULL when out of memory. The core checks
     * offsets, fills "text" and sorts the spans after annotate() returns. */
    json_t *(*span_add)(glossa_ctx_t *ctx, size_t start, size_t end,
                        const char *label);
    /* The same with byte offsets, which must fall on character starts. */
    json_t *(*span_add_bytes)(glossa_ctx_t *ctx, size_t start_byte,
                              size_t end_byte, const char *label);
    /* Sets the document-level result, a JSON object. Steals the reference,
     * also on failure. Returns 0 or GLOSSA_EINVAL. */
    int (*document_set)(glossa_ctx_t *ctx, json_t *result);
    /* Records why annotate() fails and returns GLOSSA_EPLUGIN, so that a
     * plugin can write `return host->fail(ctx, "...", ...);`. Spans added
     * before a failure are discarded. */
    int (*fail)(glossa_ctx_t *ctx, const char *fmt, ...) GLOSSA_PRINTF(2, 3);

    /* -- Logging (to the run's log on stderr, prefixed with the plugin
     * name and, when ctx is not NULL, the document id) -- */
    void (*log)(const glossa_ctx_t *ctx, glossa_log_level_t level,
                const char *fmt, ...) GLOSSA_PRINTF(3, 4);

    /* -- Since ABI 1.1 (check with GLOSSA_HOST_HAS(host, warn)) -- */

    /* Adds a warning to the document's record: an entry of its "errors"
     * ({"plugin", "code": "EWARNING", "message"}) that keeps the layer
     * (a result the plugin could only make with less to go on, such as a
     * relative date without a document date). Returns 0, or GLOSSA_ENOMEM. */
    int (*warn)(glossa_ctx_t *ctx, const char *fmt, ...) GLOSSA_PRINTF(2, 3);

    /* -- Since ABI 1.2 (check with GLOSSA_HOST_HAS(host, span_put)) -- */

    /* Adds a span [start, end) in code points, with `label` unless it is
     * NULL, and its fields, in one call. The core copies the label, keys
     * and values (a JSON value is deep-copied): nothing passed need
     * outlive the call. The output writes "start", "end", "text",
     * "label", then the fields in the order given. Spans of both kinds
     * (span_put and span_add) may be mixed in one layer, which is sorted
     * by (start, end), then by the order they were added. Returns 0;
     * GLOSSA_EINVAL for a range that is not within the text (the span is
     * dropped, with a warning in the record) or for a bad field (no key,
     * one of the four keys above, an unknown type, a real that is not
     * finite, a string, label or key that is not UTF-8, a NULL JSON
     * value: nothing is added); GLOSSA_ETOOBIG once the layer passes
     * --max-layer-bytes (annotate() then fails with that reason, whatever
     * it returns); GLOSSA_ENOMEM. */
    int (*span_put)(glossa_ctx_t *ctx, size_t start, size_t end,
                    const char *label, const glossa_span_field_t *fields,
                    size_t n_fields);
    /* The same with byte offsets, which must fall on character starts. */
    int (*span_put_bytes)(glossa_ctx_t *ctx, size_t start_byte, size_t end_byte,
                          const char *label, const glossa_span_field_t *fields,
                          size_t n_fields);
    /* The spans of a layer this plugin declared in `inputs`, sorted by
     * (start, end), with *count their number (count may be NULL); the
     * same content as doc_layer(), without JSON. NULL (and *count 0) for
     * any other name. Read-only, valid until annotate() returns. */
    const glossa_span_view_t *(*layer_spans)(const glossa_ctx_t *ctx,
                                             const char *name, size_t *count);
} glossa_host_t;

/* True when the host provides `field` (a member of glossa_host_t added
 * after ABI 1.0). */
#define GLOSSA_HOST_HAS(host, field)                                           \
    ((host)->size >= offsetof(glossa_host_t, field) + sizeof((host)->field) && \
     (host)->field != NULL)

/* Field constructors for span_put(), e.g.
 *   glossa_span_field_t f[] = {glossa_span_field_string("canonical", name),
 *                              glossa_span_field_real("score", 0.5)};
 *   host->span_put(ctx, start, end, "PER", f, 2);
 * A NULL string makes a null value. */
static inline glossa_span_field_t
glossa_span_field_stringn(const char *key, const char *s, size_t len)
{
    glossa_span_field_t f;
    memset(&f, 0, sizeof(f));
    f.key = key;
    f.type = GLOSSA_VALUE_NULL;
    if (s) {
        f.type = GLOSSA_VALUE_STRING;
        f.string.ptr = s;
        f.string.len = len;
    }
    return f;
}

static inline glossa_span_field_t glossa_span_field_string(const char *key,
                                                           const char *s)
{
    return glossa_span_field_stringn(key, s, s ? strlen(s) : 0);
}

static inline glossa_span_field_t glossa_span_field_integer(const char *key,
                                                            int64_t v)
{
    glossa_span_field_t f;
    memset(&f, 0, sizeof(f));
    f.key = key;
    f.type = GLOSSA_VALUE_INTEGER;
    f.integer = v;
    return f;
}

static inline glossa_span_field_t glossa_span_field_real(const char *key,
                                                         double v)
{
    glossa_span_field_t f;
    memset(&f, 0, sizeof(f));
    f.key = key;
    f.type = GLOSSA_VALUE_REAL;
    f.real = v;
    return f;
}

static inline glossa_span_field_t glossa_span_field_boolean(const char *key,
                                                            int v)
{
    glossa_span_field_t f;
    memset(&f, 0, sizeof(f));
    f.key = key;
    f.type = GLOSSA_VALUE_BOOLEAN;
    f.boolean = v != 0;
    return f;
}

static inline glossa_span_field_t glossa_span_field_null(const char *key)
{
    glossa_span_field_t f;
    memset(&f, 0, sizeof(f));
    f.key = key;
    f.type = GLOSSA_VALUE_NULL;
    return f;
}

/* A JSON value (borrowed; the core copies it). */
static inline glossa_span_field_t glossa_span_field_json(const char *key,
                                                         const json_t *v)
{
    glossa_span_field_t f;
    memset(&f, 0, sizeof(f));
    f.key = key;
    f.type = GLOSSA_VALUE_JSON;
    f.json = v;
    return f;
}

/* The field of a span with that key, or NULL. */
static inline const glossa_span_field_t *
glossa_span_field_get(const glossa_span_view_t *span, const char *key)
{
    for (size_t i = 0; i < span->n_fields; i++)
        if (strcmp(span->fields[i].key, key) == 0)
            return &span->fields[i];
    return NULL;
}

/* A string field's bytes and length, or NULL (and *len 0) when the span
 * has no such field or it is not a string (len may be NULL). */
static inline const char *glossa_span_string(const glossa_span_view_t *span,
                                             const char *key, size_t *len)
{
    const glossa_span_field_t *f = glossa_span_field_get(span, key);
    int ok = f && f->type == GLOSSA_VALUE_STRING;
    if (len)
        *len = ok ? f->string.len : 0;
    return ok ? f->string.ptr : NULL;
}

/* ---- Configuration ----------------------------------------------------- */

typedef enum glossa_option_type {
    GLOSSA_OPTION_STRING = 1,
    GLOSSA_OPTION_INTEGER = 2,
    GLOSSA_OPTION_REAL = 3, /* integers are accepted too */
    GLOSSA_OPTION_BOOLEAN = 4,
    GLOSSA_OPTION_STRING_LIST = 5, /* JSON array of strings */
    GLOSSA_OPTION_OBJECT = 6       /* any JSON object, checked by the plugin */
} glossa_option_type_t;

/* One configuration key. A plugin declares them in a table ending with an
 * entry whose key is NULL. The core rejects unknown keys, wrongly typed
 * values, values outside `choices` or the bounds, and missing required
 * keys before create() is called, fills in defaults, and generates
 * `glossa plugins NAME` from the table. */
typedef struct glossa_option {
    const char *key;
    glossa_option_type_t type;
    const char *default_json; /* default as JSON text; NULL: none (absent) */
    const char *description;
    /* Since ABI 1.1 (a 1.0 plugin's table has none of these; the loader
     * reads it with its own, shorter, stride). */
    /* STRING, and each item of a STRING_LIST: the only values allowed, a
     * NULL-terminated array; NULL: any string. */
    const char *const *choices;
    /* INTEGER and REAL: inclusive bounds as JSON numbers ("0", "0.5");
     * NULL: unbounded on that side. */
    const char *minimum;
    const char *maximum;
    /* Nonzero: the configuration must give the key (it has no default). */
    int required;
} glossa_option_t;

/* The size of a configuration entry in plugins built against ABI 1.0. */
#define GLOSSA_OPTION_SIZE_1_0 (offsetof(glossa_option_t, choices))

/* One field that a plugin's spans (or its document result) carry besides
 * "start", "end" and "text", for the output's JSON Schema (`glossa
 * schema`) and documentation. A table ends with an entry whose name is
 * NULL. Since ABI 1.1. */
typedef struct glossa_field {
    const char *name;
    /* A JSON Schema type: "string", "integer", "number", "boolean",
     * "object" or "array"; "string|null" for a string that may be null. */
    const char *type;
    const char *description;
    int required;               /* every span has it */
    const char *const *choices; /* the values a string takes, or NULL */
    /* A number's inclusive bounds as JSON numbers, or NULL. */
    const char *minimum;
    const char *maximum;
} glossa_field_t;

/* What create() receives. Grows at the end; check `size`. */
typedef struct glossa_create_args {
    size_t size;
    const glossa_host_t *host; /* valid until destroy() returns */
    /* The validated configuration: an object holding every declared key
     * that was given or has a default. Borrowed; valid until destroy()
     * returns. */
    const json_t *config;
    const char *plugin_path; /* the shared object this plugin came from */
    /* The plugin's data directory: `<dir of the .so>/<name>/` when it
     * exists, else `<prefix>/share/glossa/plugins/<name>/`. Relative paths
     * in a bundled plugin's config resolve against it. */
    const char *data_dir;
} glossa_create_args_t;

/* ---- The descriptor ---------------------------------------------------- */

/* Creates an instance. Returns its state (non-NULL), or NULL after writing
 * a message (NUL-terminated, at most err_size bytes) into err. */
typedef void *(*glossa_plugin_create_cb)(const glossa_create_args_t *args,
                                         char *err, size_t err_size);

/* Annotates one document; see THREADS above. Returns 0, or the value of
 * host->fail(). The results are those added with span_add/document_set. */
typedef int (*glossa_plugin_annotate_cb)(void *state, glossa_ctx_t *ctx);

/* Releases an instance. Called once, after every annotate() has returned. */
typedef void (*glossa_plugin_destroy_cb)(void *state);

typedef struct glossa_plugin {
    /* Read first, before anything else. */
    uint32_t
        abi_version; /* GLOSSA_PLUGIN_ABI_VERSION the plugin was built with */
    uint32_t
        struct_size; /* sizeof(glossa_plugin_t) the plugin was built with */

    const char *name;        /* the layer it produces: [a-z][a-z0-9_]* */
    const char *version;     /* the plugin's own version, free text */
    const char *description; /* one line */
    /* The layers this plugin reads, done on a document before it runs on
     * it: a NULL-terminated array of input names, or NULL for none. An
     * input is the layer of that name, unless the pipeline maps it to
     * another ("inputs": {"entities": "ents"}); the plugin always asks
     * host->doc_layer() by the input's name. Named `requires` before ABI
     * 1.1, a C++20 keyword: C code may still use that name. */
#ifdef __cplusplus
    const char *const *inputs;
#else
    union {
        const char *const *inputs;
        const char *const *requires;
    };
#endif

    glossa_plugin_create_cb create;
    glossa_plugin_annotate_cb annotate;
    glossa_plugin_destroy_cb destroy;

    /* Optional (may lie past struct_size of plugins built against an early
     * 1.x header). The declared configuration keys; NULL means the plugin
     * takes no configuration. */
    const glossa_option_t *options;

    /* Since ABI 1.1, optional: the fields of the layer's spans and of the
     * document result (glossa_field_t); NULL: not declared (the schema
     * then allows any). */
    const glossa_field_t *span_fields;
    const glossa_field_t *document_fields;
} glossa_plugin_t;

/* The smallest descriptor a 1.x plugin may have. */
#define GLOSSA_PLUGIN_MIN_STRUCT_SIZE                                          \
    (offsetof(glossa_plugin_t, destroy) + sizeof(glossa_plugin_destroy_cb))

/* The entry point every plugin defines, usually through
 * GLOSSA_PLUGIN_DEFINE(descriptor). It must return the same pointer on
 * every call, to a descriptor that lives as long as the library. */
GLOSSA_PLUGIN_EXPORT const glossa_plugin_t *glossa_plugin_entry(void);

#define GLOSSA_PLUGIN_DEFINE(descriptor)                                       \
    GLOSSA_PLUGIN_EXPORT const glossa_plugin_t *glossa_plugin_entry(void)      \
    {                                                                          \
        return &(descriptor);                                                  \
    }

#ifdef __cplusplus
}
#endif

#endif /* GLOSSA_PLUGIN_H */
