/* Documents' texts from the inputs glossa run read (--inputs), for output
 * written without --with-text. The inputs are read with the library's own
 * reader, so ids and texts are the run's; records are matched by id. */
#include <stdlib.h>
#include <string.h>

#include "commands.h" /* glossa_cli_print_error */
#include "export_internal.h"

struct export_inputs {
    glossa_runtime_t *rt;
    glossa_source_t *src;
    /* id -> text of the records read ahead and not asked for yet. Output
     * in input order (what glossa run writes) keeps it empty. */
    json_t *pending;
    int done; /* the source is exhausted */
};

static const char WHO[] = "glossa export";

int glossa_export__inputs_open(const char *const *paths, size_t n,
                               export_inputs_t **out)
{
    *out = NULL;
    export_inputs_t *in = calloc(1, sizeof(*in));
    if (!in || !(in->pending = json_object())) {
        free(in);
        glossa_export__say(WHO, NULL, "out of memory");
        return GLOSSA_ENOMEM;
    }
    glossa_error_t err;
    int rc = glossa_runtime_new(NULL, &in->rt, &err);
    if (rc == 0)
        rc = glossa_source_open(in->rt, paths, n, NULL, &in->src, &err);
    if (rc != 0) {
        glossa_cli_print_error(WHO, "--inputs", &err);
        glossa_export__inputs_free(in);
        return rc;
    }
    *out = in;
    return 0;
}

/* The repaired text of one source record, as a new JSON string. */
static int repaired(const glossa_source_record_t *r, json_t **text)
{
    char *fixed;
    size_t len, n_bad;
    if (glossa_export__utf8_repair(r->text, r->text_len, &fixed, &len,
                                   &n_bad) != 0)
        return GLOSSA_ENOMEM;
    *text = json_stringn_nocheck(fixed, len);
    free(fixed);
    return *text ? 0 : GLOSSA_ENOMEM;
}

/* Reads the next record that has a text. Returns 1 with its id and text,
 * 0 at the end, or a negative code (printed). */
static int read_next(export_inputs_t *in, const char **id, json_t **text)
{
    for (;;) {
        const glossa_source_record_t *r;
        glossa_error_t err;
        int rc = glossa_source_read(in->src, &r, &err);
        if (rc < 0) {
            glossa_cli_print_error(WHO, "--inputs", &err);
            return rc;
        }
        if (rc == 0) {
            in->done = 1;
            return 0;
        }
        if (r->error != 0 || !r->text)
            continue; /* its output record has no text either */
        if (repaired(r, text) != 0) {
            glossa_export__say(WHO, NULL, "out of memory");
            return GLOSSA_ENOMEM;
        }
        *id = r->id;
        return 1;
    }
}

static int take(json_t *text, char **out, size_t *len)
{
    size_t n = json_string_length(text);
    *out = malloc(n + 1);
    if (!*out) {
        glossa_export__say(WHO, NULL, "out of memory");
        return GLOSSA_ENOMEM;
    }
    memcpy(*out, json_string_value(text), n + 1);
    *len = n;
    return 1;
}

int glossa_export__inputs_find(export_inputs_t *in, const char *id, char **out,
                               size_t *len)
{
    json_t *kept = json_object_get(in->pending, id);
    if (kept) {
        int rc = take(kept, out, len);
        json_object_del(in->pending, id);
        return rc;
    }
    while (!in->done) {
        const char *rid;
        json_t *text;
        int rc = read_next(in, &rid, &text);
        if (rc <= 0)
            return rc;
        if (strcmp(rid, id) == 0) {
            rc = take(text, out, len);
            json_decref(text);
            return rc;
        }
        if (json_object_get(in->pending, rid)) {
            json_decref(text); /* a repeated id keeps its first text */
            continue;
        }
        if (json_object_set_new(in->pending, rid, text) != 0) {
            glossa_export__say(WHO, NULL, "out of memory");
            return GLOSSA_ENOMEM;
        }
    }
    return 0;
}

void glossa_export__inputs_free(export_inputs_t *in)
{
    if (!in)
        return;
    glossa_source_free(in->src);
    glossa_runtime_free(in->rt);
    json_decref(in->pending);
    free(in);
}
