/* Documents: turning a raw record into text, segments and units of work. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "jsonl.h"
#include "report.h"
#include "runtime_int.h"

glossa__doc_t *glossa__doc_new(void)
{
    return glossa__calloc(1, sizeof(glossa__doc_t));
}

void glossa__unit_clear(glossa__unit_t *u)
{
    glossa__layer_free(u->layer);
    u->layer = NULL;
    json_decref(u->document);
    json_decref(u->warnings);
    glossa__free(u->error);
    glossa__free(u->spans_text);
    glossa__free(u->document_text);
    u->document = u->warnings = NULL;
    u->error = u->spans_text = u->document_text = NULL;
    u->error_code = 0;
    u->reused = 0;
    u->status = GLOSSA__UNIT_WAITING;
    u->approx_bytes = 0;
    u->spans_dropped = 0;
    u->nanos = 0;
    u->text_has_reals = 0;
}

void glossa__doc_free(glossa__doc_t *doc)
{
    if (!doc)
        return;
    if (doc->units) {
        /* units[0].rt is set for every unit by make_units. */
        size_t n = doc->units[0].rt->n_steps;
        for (size_t i = 0; i < n; i++)
            glossa__unit_clear(&doc->units[i]);
        glossa__free(doc->units);
    }
    if (doc->text != doc->raw)
        glossa__free(doc->text);
    glossa__free(doc->raw);
    glossa__free(doc->origin);
    glossa__free(doc->id);
    glossa__free(doc->input_error);
    json_decref(doc->meta);
    json_decref(doc->errors);
    glossa__offsets_free(&doc->offsets);
    glossa__segments_free(&doc->seg);
    glossa__free(doc->line);
    glossa__free(doc);
}

int glossa__error_entry_add(json_t **errors, const char *plugin, int code,
                            const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (!*errors && !(*errors = json_array()))
        return GLOSSA_ENOMEM;
    json_t *entry = json_object();
    if (!entry)
        return GLOSSA_ENOMEM;
    if (json_object_set_new(entry, "plugin",
                            plugin ? json_string(plugin) : json_null()) ||
        json_object_set_new(entry, "code",
                            json_string(glossa_err_name(code))) ||
        json_object_set_new(entry, "message", json_string(message))) {
        json_decref(entry);
        return GLOSSA_ENOMEM;
    }
    return json_array_append_new(*errors, entry) ? GLOSSA_ENOMEM : 0;
}

/* Adds an input error and marks the document as not annotatable. OOM here
 * leaves the document without the entry; the line still gets written. */
#define INPUT_ERROR(doc, code, ...)                                            \
    do {                                                                       \
        glossa__error_entry_add(&(doc)->errors, NULL, code, __VA_ARGS__);      \
        if (!(doc)->skip_plugins)                                              \
            (doc)->skip_code = (code);                                         \
        (doc)->skip_plugins = 1;                                               \
    } while (0)

/* Line and column (1-based, in bytes) of a byte offset, for messages. */
static void line_col(const char *s, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, last_nl = 0;
    int seen = 0;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') {
            l++;
            last_nl = i;
            seen = 1;
        }
    *line = l;
    *col = seen ? off - last_nl : off + 1;
}

/* Applies the UTF-8 policy to doc->text in place of the original. */
static int sanitize_text(glossa__doc_t *doc, size_t *n_codepoints,
                         int is_json_string)
{
    /* Text decoded from a JSON line that was made valid UTF-8 first can
     * hold nothing invalid but NUL (from \u0000): skip the full check
     * when there is none. The code points are counted with the offsets. */
    if (is_json_string && !memchr(doc->text, '\0', doc->len)) {
        *n_codepoints = SIZE_MAX;
        return 0;
    }
    char *fixed = NULL;
    size_t fixed_len = 0;
    glossa__utf8_report_t rep;
    if (glossa__utf8_sanitize(doc->text, doc->len, &fixed, &fixed_len, &rep))
        return GLOSSA_ENOMEM;
    *n_codepoints = rep.n_codepoints;
    if (!fixed)
        return 0;
    if (is_json_string) {
        /* JSON strings are valid UTF-8 already; only NUL (\u0000) is left. */
        glossa__error_entry_add(
            &doc->errors, NULL, GLOSSA_EUTF8,
            "%s: text contains %zu NUL character(s), "
            "the first at character %zu; replaced with "
            "U+FFFD",
            doc->origin, rep.n_replaced,
            glossa__utf8_count(doc->text, rep.first_bad_byte));
    } else {
        size_t line, col;
        line_col(doc->text, rep.first_bad_byte, &line, &col);
        glossa__error_entry_add(&doc->errors, NULL, GLOSSA_EUTF8,
                                "%s:%zu:%zu: invalid UTF-8 or NUL byte at "
                                "byte %zu; %zu bad sequence(s) replaced with "
                                "U+FFFD",
                                doc->origin, line, col, rep.first_bad_byte,
                                rep.n_replaced);
    }
    if (doc->text != doc->raw)
        glossa__free(doc->text);
    doc->text = fixed;
    doc->len = fixed_len;
    return 0;
}

/* Decodes one JSONL record into id, text and meta. */
static void decode_json_record(const glossa_runtime_t *rt, glossa__doc_t *doc)
{
    (void)rt;
    /* The line itself follows the UTF-8 policy before parsing, so a bad
     * byte costs its character, not the whole record. */
    char *line = doc->raw;
    size_t line_len = doc->raw_len;
    char *fixed = NULL;
    size_t fixed_len = 0;
    glossa__utf8_report_t rep;
    if (glossa__utf8_sanitize(line, line_len, &fixed, &fixed_len, &rep)) {
        INPUT_ERROR(doc, GLOSSA_ENOMEM, "%s: out of memory", doc->origin);
        return;
    }
    if (fixed) {
        glossa__error_entry_add(&doc->errors, NULL, GLOSSA_EUTF8,
                                "%s: invalid UTF-8 or NUL byte at byte %zu "
                                "of the line; %zu bad sequence(s) replaced "
                                "with U+FFFD",
                                doc->origin, rep.first_bad_byte + 1,
                                rep.n_replaced);
        line = fixed;
        line_len = fixed_len;
    }
    /* Plain records take the fast path; anything else (and every error
     * message) comes from Jansson below. */
    glossa__jsonl_record_t fast;
    int rc = glossa__jsonl_decode(line, line_len, &fast);
    if (rc == 0) {
        glossa__free(fixed);
        doc->id = fast.id;
        doc->text = fast.text;
        doc->len = fast.text_len;
        doc->meta = fast.meta;
        return;
    }
    if (rc == GLOSSA_ENOMEM) {
        glossa__free(fixed);
        INPUT_ERROR(doc, GLOSSA_ENOMEM, "%s: out of memory", doc->origin);
        return;
    }
    json_error_t jerr;
    unsigned long oom_mark = glossa__alloc_failures();
    json_t *rec = json_loadb(line, line_len, JSON_ALLOW_NUL, &jerr);
    glossa__free(fixed);
    if (!rec && glossa__json_oom(&jerr, oom_mark)) {
        INPUT_ERROR(doc, GLOSSA_ENOMEM, "%s: out of memory", doc->origin);
        return;
    }
    if (!rec) {
        INPUT_ERROR(doc, GLOSSA_EPARSE, "%s: column %d: invalid JSON: %s",
                    doc->origin, jerr.column, jerr.text);
        return;
    }
    if (!json_is_object(rec)) {
        json_decref(rec);
        INPUT_ERROR(doc, GLOSSA_EPARSE,
                    "%s: a record must be a JSON object with \"text\"",
                    doc->origin);
        return;
    }
    json_t *id = json_object_get(rec, "id");
    if (json_is_string(id) &&
        memchr(json_string_value(id), '\0', json_string_length(id)))
        /* Ids are C strings everywhere (the plugin API, the output's
         * readers): a cut one could name another document. */
        glossa__error_entry_add(&doc->errors, NULL, GLOSSA_EPARSE,
                                "%s: \"id\" contains a NUL character "
                                "(\\u0000); using the record's position",
                                doc->origin);
    else if (json_is_string(id))
        doc->id = glossa__strdup(json_string_value(id));
    else if (json_is_integer(id))
        doc->id = glossa__asprintf("%lld", (long long)json_integer_value(id));
    else if (id)
        glossa__error_entry_add(&doc->errors, NULL, GLOSSA_EPARSE,
                                "%s: \"id\" must be a string or an integer; "
                                "using the record's position",
                                doc->origin);
    json_t *text = json_object_get(rec, "text");
    json_t *meta = json_object_get(rec, "meta");
    if (meta && !json_is_object(meta)) {
        glossa__error_entry_add(&doc->errors, NULL, GLOSSA_EPARSE,
                                "%s: \"meta\" must be an object; ignored",
                                doc->origin);
        meta = NULL;
    }
    doc->meta = meta ? json_deep_copy(meta) : json_object();
    /* Other top-level fields are metadata too ({"id", "text",
     * "published"}); "meta" wins on a clash. */
    const char *key;
    json_t *value;
    json_object_foreach(rec, key, value)
    {
        if (strcmp(key, "id") && strcmp(key, "text") && strcmp(key, "meta") &&
            doc->meta && !json_object_get(doc->meta, key))
            json_object_set(doc->meta, key, value);
    }
    if (!json_is_string(text)) {
        json_decref(rec);
        INPUT_ERROR(doc, GLOSSA_EPARSE, "%s: the record has no \"text\" string",
                    doc->origin);
        return;
    }
    doc->len = json_string_length(text);
    doc->text = glossa__strndup(json_string_value(text), doc->len);
    json_decref(rec);
    if (!doc->text || !doc->meta)
        INPUT_ERROR(doc, GLOSSA_ENOMEM, "%s: out of memory", doc->origin);
}

int glossa__doc_segment(glossa__doc_t *doc, size_t n_codepoints)
{
    return glossa__offsets_init(&doc->offsets, doc->text, doc->len,
                                n_codepoints) ||
                   glossa__segment(doc->text, doc->len, &doc->seg)
               ? GLOSSA_ENOMEM
               : 0;
}

void glossa__doc_decode(const glossa_runtime_t *rt, glossa__doc_t *doc)
{
    if (doc->input_error) {
        INPUT_ERROR(doc, doc->input_error_code, "%s", doc->input_error);
    } else if (doc->raw_kind == GLOSSA__RAW_JSON) {
        decode_json_record(rt, doc);
    } else {
        doc->text = doc->raw;
        doc->len = doc->raw_len;
    }
    if (!doc->id)
        doc->id = glossa__strdup(doc->origin ? doc->origin : "");
    if (!doc->meta)
        doc->meta = json_object();
    if (!doc->skip_plugins && doc->len > rt->opts.max_doc_bytes)
        INPUT_ERROR(doc, GLOSSA_ETOOBIG,
                    "%s: document is %zu bytes, over the limit of %zu "
                    "(--max-doc-bytes)",
                    doc->origin, doc->len, rt->opts.max_doc_bytes);
    if (!doc->id || !doc->meta) {
        /* Out of memory; serialize (or the reader) reports it. */
        if (!doc->skip_plugins)
            doc->skip_code = GLOSSA_ENOMEM;
        doc->skip_plugins = 1;
    }
}

void glossa__doc_prepare(const glossa_runtime_t *rt, glossa__doc_t *doc)
{
    uint64_t t0 = uv_hrtime();
    int json_string = doc->raw_kind == GLOSSA__RAW_JSON;
    glossa__doc_decode(rt, doc);
    if (doc->skip_plugins)
        goto done;
    size_t n_cp = 0;
    if (sanitize_text(doc, &n_cp, json_string)) {
        INPUT_ERROR(doc, GLOSSA_ENOMEM, "%s: out of memory", doc->origin);
        goto done;
    }
    if (doc->len == 0) {
        INPUT_ERROR(doc, GLOSSA_EEMPTY, "%s: empty document", doc->origin);
        goto done;
    }
    glossa__input_digest(doc->text, doc->len, doc->meta, doc->input_digest);
    /* In isolation the workers segment the text they get: sending tokens
     * would cost more than making them (a token is four times the bytes
     * it covers), and the supervisor itself never reads them. */
    if (!rt->opts.isolate && glossa__doc_segment(doc, n_cp)) {
        INPUT_ERROR(doc, GLOSSA_ENOMEM, "%s: out of memory while segmenting",
                    doc->origin);
        goto done;
    }
done:
    doc->prepare_nanos = uv_hrtime() - t0;
}

int glossa__doc_make_units(const glossa_runtime_t *rt, glossa__doc_t *doc,
                           struct glossa__run *run)
{
    if (doc->units)
        return 0; /* made already (prepare, in process) */
    if (rt->n_steps == 0)
        return 0;
    doc->units = glossa__calloc(rt->n_steps, sizeof(glossa__unit_t));
    if (!doc->units)
        return GLOSSA_ENOMEM;
    for (size_t i = 0; i < rt->n_steps; i++) {
        glossa__unit_t *u = &doc->units[i];
        u->doc = doc;
        u->step = rt->steps[i];
        u->run = run;
        u->rt = rt;
        u->waiting = (uint32_t)rt->steps[i]->n_requires;
        u->status = GLOSSA__UNIT_WAITING;
        atomic_init(&u->readers_left, (unsigned)rt->steps[i]->n_dependents);
    }
    /* A worker and the test host hand layers on as JSON (run is NULL). */
    doc->layers_as_text = run != NULL && !rt->opts.isolate;
    atomic_store(&doc->units_left, rt->n_steps);
    return 0;
}
