/* Gold documents as glossa eval reads them (docs/annotation-guidelines.md,
 * "Gold file format"): DIR/NAME.json, {"id", "<layer>": [spans]}, spans
 * sorted by (start, end); and DIR/NAME.txt, the text the offsets count
 * in, so that glossa run DIR annotates the very same text. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char WHO[] = "glossa import";

int glossa_import__doc_init(import_doc_t *doc, const char *id)
{
    doc->id = strdup(id);
    doc->gold = doc->id ? json_pack("{s:s}", "id", id) : NULL;
    if (!doc->gold) {
        glossa_import__doc_clear(doc);
        return GLOSSA_ENOMEM;
    }
    return 0;
}

json_t *glossa_import__layer(import_doc_t *doc, const char *layer)
{
    json_t *arr = json_object_get(doc->gold, layer);
    if (json_is_array(arr))
        return arr;
    if (json_object_set_new(doc->gold, layer, json_array()) != 0)
        return NULL;
    return json_object_get(doc->gold, layer);
}

typedef struct entry {
    json_int_t start, end;
    size_t index;
    json_t *span;
} entry_t;

static int by_offsets(const void *pa, const void *pb)
{
    const entry_t *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Sorts one layer's spans by (start, end), stable. */
static int sort_layer(json_t *arr)
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return 0;
    entry_t *e = malloc(n * sizeof(*e));
    json_t *sorted = json_array();
    int rc = e && sorted ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        e[i].span = json_array_get(arr, i);
        e[i].start = json_integer_value(json_object_get(e[i].span, "start"));
        e[i].end = json_integer_value(json_object_get(e[i].span, "end"));
        e[i].index = i;
    }
    if (rc == 0) {
        qsort(e, n, sizeof(*e), by_offsets);
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = json_array_append(sorted, e[i].span);
    }
    if (rc == 0)
        rc = json_array_clear(arr) == 0 ? json_array_extend(arr, sorted) : -1;
    json_decref(sorted);
    free(e);
    return rc;
}

/* An id already written by this import is refused: its files would be
 * overwritten. */
static int check_unique(const import_opts_t *o, const char *id,
                        const char *origin)
{
    const json_t *first = json_object_get(o->written, id);
    if (first) {
        glossa_export__say(WHO, origin,
                           "document \"%s\": left out: %s has the same id", id,
                           json_string_value(first));
        return EXPORT_SKIP;
    }
    if (json_object_set_new(o->written, id, json_string(origin)) != 0)
        return glossa_export__nomem(WHO);
    return 0;
}

int glossa_import__doc_write(import_doc_t *doc, const import_opts_t *o,
                             const char *text, size_t len, const char *origin)
{
    int rc = check_unique(o, doc->id, origin);
    if (rc != 0)
        return rc;
    const char *key;
    json_t *v;
    json_object_foreach(doc->gold, key, v)
    {
        if (json_is_array(v) && sort_layer(v) != 0)
            return glossa_export__nomem(WHO);
    }
    char *name = glossa_export__file_name(doc->id);
    char *jpath = name ? glossa_export__path(o->output, name, "json") : NULL;
    char *tpath = name ? glossa_export__path(o->output, name, "txt") : NULL;
    char *json =
        jpath && tpath
            ? json_dumps(doc->gold, JSON_INDENT(1) | JSON_REAL_PRECISION(10))
            : NULL;
    if (!json) {
        rc = glossa_export__nomem(WHO);
    } else {
        size_t n = strlen(json);
        json[n] = '\n'; /* the NUL becomes the file's last newline */
        rc = glossa_export__write_file(WHO, jpath, json, n + 1);
    }
    if (rc == 0)
        rc = glossa_export__write_file(WHO, tpath, text, len);
    free(json);
    free(tpath);
    free(jpath);
    free(name);
    return rc;
}

void glossa_import__doc_clear(import_doc_t *doc)
{
    free(doc->id);
    json_decref(doc->gold);
    doc->id = NULL;
    doc->gold = NULL;
}
