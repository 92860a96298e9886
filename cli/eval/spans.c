/* Spans as they come in gold and output JSON: checked and read into
 * span_t; document ids and attributes. */
#include <stdio.h>
#include <stdlib.h>

#include "eval_internal.h"

int glossa_eval__doc_id(const json_t *doc, char *buf, size_t size,
                        const char **id)
{
    const json_t *v = json_object_get(doc, "id");
    if (json_is_string(v)) {
        *id = json_string_value(v);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *id = buf;
        return 0;
    }
    return -1;
}

const json_t *glossa_eval__get_attr(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

int glossa_eval__parse_spans(const json_t *arr, const char *where, span_t **out,
                             size_t *n, const char *source, int line,
                             glossa_error_t *err)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                 "%s: expected an array of spans", where);
    size_t size = json_array_size(arr);
    if (size == 0)
        return 0;
    span_t *s = calloc(size, sizeof(*s));
    if (!s)
        return glossa_eval__nomem(err);
    for (size_t i = 0; i < size; i++) {
        const json_t *o = json_array_get(arr, i);
        const json_t *st = json_object_get(o, "start");
        const json_t *en = json_object_get(o, "end");
        const json_t *lb = glossa_eval__get_attr(o, "label");
        const char *why = NULL;
        if (!json_is_object(o))
            why = "a span must be an object";
        else if (!json_is_integer(st) || json_integer_value(st) < 0)
            why = "\"start\" must be a non-negative integer";
        else if (!json_is_integer(en) ||
                 json_integer_value(en) < json_integer_value(st))
            why = "\"end\" must be an integer >= \"start\"";
        else if (lb && !json_is_string(lb))
            why = "\"label\" must be a string";
        if (why) {
            free(s);
            return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                     "%s[%zu]: %s", where, i, why);
        }
        s[i].start = json_integer_value(st);
        s[i].end = json_integer_value(en);
        s[i].label = lb ? json_string_value(lb) : NULL;
        s[i].obj = o;
        s[i].idx = i;
    }
    *out = s;
    *n = size;
    return 0;
}
