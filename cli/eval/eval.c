/* The evaluator's life cycle: options, the layers to score, and the
 * helpers the other files of the library share (eval_internal.h). */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

int glossa_eval__fail(glossa_error_t *err, int code, const char *source,
                      int line, int column, const char *fmt, ...)
{
    if (!err || err->code != 0)
        return code;
    memset(err, 0, sizeof(*err));
    err->code = code;
    err->line = line;
    err->column = column;
    if (source)
        snprintf(err->source, sizeof(err->source), "%s", source);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
    return code;
}

int glossa_eval__nomem(glossa_error_t *err)
{
    return glossa_eval__fail(err, GLOSSA_ENOMEM, NULL, 0, 0, "out of memory");
}

char *glossa_eval__dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *glossa_eval__dup_len(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *glossa_eval__concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *d = malloc(na + nb + 1);
    if (d) {
        memcpy(d, a, na);
        memcpy(d + na, b, nb + 1);
    }
    return d;
}

void glossa_eval__free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static char **copy_strv(const char *const *v, size_t n)
{
    char **c = calloc(n ? n : 1, sizeof(*c));
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(c[i] = glossa_eval__dup_str(v[i]))) {
            glossa_eval__free_strv(c, i);
            return NULL;
        }
    }
    return c;
}

int glossa_eval__cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const char **glossa_eval__sorted_keys(const json_t *obj, size_t *n)
{
    size_t size = json_object_size(obj), i = 0;
    const char **keys = malloc((size ? size : 1) * sizeof(*keys));
    if (!keys)
        return NULL;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        (void)v;
        keys[i++] = key;
    }
    qsort(keys, size, sizeof(*keys), glossa_eval__cmp_str);
    *n = size;
    return keys;
}

/* ---- Layers ---- */

static void layer_clear(layer_t *L, size_t n_attrs)
{
    free(L->out);
    free(L->gold);
    free(L->gold_doc);
    json_decref(L->per_label);
    if (L->attrs)
        for (size_t i = 0; i < n_attrs; i++)
            json_decref(L->attrs[i].classes);
    free(L->attrs);
    free(L->docs);
}

layer_t *glossa_eval__find_layer(glossa_eval_t *ev, const char *out)
{
    for (size_t i = 0; i < ev->n_layers; i++)
        if (strcmp(ev->layers[i].out, out) == 0)
            return &ev->layers[i];
    return NULL;
}

int glossa_eval__add_layer(glossa_eval_t *ev, const char *out, size_t out_len,
                           const char *gold, int automatic)
{
    layer_t *grown = realloc(ev->layers, (ev->n_layers + 1) * sizeof(*grown));
    if (!grown)
        return GLOSSA_ENOMEM;
    ev->layers = grown;
    layer_t *L = &ev->layers[ev->n_layers];
    memset(L, 0, sizeof(*L));
    L->automatic = automatic;
    L->out = glossa_eval__dup_len(out, out_len);
    L->gold = glossa_eval__dup_str(gold);
    L->gold_doc = L->gold ? glossa_eval__concat(gold, "_document") : NULL;
    L->per_label = json_object();
    L->attrs = calloc(ev->n_attrs ? ev->n_attrs : 1, sizeof(*L->attrs));
    L->docs = calloc(ev->n_doc_attrs ? ev->n_doc_attrs : 1, sizeof(*L->docs));
    int ok =
        L->out && L->gold && L->gold_doc && L->per_label && L->attrs && L->docs;
    for (size_t i = 0; ok && i < ev->n_attrs; i++)
        ok = (L->attrs[i].classes = json_object()) != NULL;
    if (!ok) {
        layer_clear(L, ev->n_attrs);
        return GLOSSA_ENOMEM;
    }
    ev->n_layers++;
    return 0;
}

/* ---- Life cycle ---- */

int glossa_eval_new(const glossa_eval_options_t *opts, glossa_eval_t **out,
                    glossa_error_t *err)
{
    static const glossa_eval_options_t none;
    if (!out)
        return glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                 "no result pointer");
    *out = NULL;
    if (!opts)
        opts = &none;
    for (size_t i = 0; i < opts->n_attrs; i++)
        if (!opts->attrs[i] || !opts->attrs[i][0])
            return glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                     "empty attribute name");
    for (size_t i = 0; i < opts->n_doc_attrs; i++)
        if (!opts->doc_attrs[i] || !opts->doc_attrs[i][0])
            return glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                     "empty document attribute name");

    glossa_eval_t *ev = calloc(1, sizeof(*ev));
    if (!ev)
        return glossa_eval__nomem(err);
    ev->n_attrs = opts->n_attrs;
    ev->n_doc_attrs = opts->n_doc_attrs;
    ev->attrs = copy_strv(opts->attrs, opts->n_attrs);
    ev->doc_attrs = copy_strv(opts->doc_attrs, opts->n_doc_attrs);
    ev->gold = json_object();
    ev->seen = json_object();
    if (!ev->attrs || !ev->doc_attrs || !ev->gold || !ev->seen) {
        glossa_eval_free(ev);
        return glossa_eval__nomem(err);
    }
    ev->explicit_layers = opts->n_layers > 0;
    for (size_t i = 0; i < opts->n_layers; i++) {
        const char *spec = opts->layers[i] ? opts->layers[i] : "";
        const char *eq = strchr(spec, '=');
        size_t out_len = eq ? (size_t)(eq - spec) : strlen(spec);
        const char *gold = eq ? eq + 1 : spec;
        int rc = 0;
        if (out_len == 0 || !gold[0] || strchr(gold, '='))
            rc = glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                   "bad layer \"%s\": expected OUT or OUT=GOLD",
                                   spec);
        else if (glossa_eval__add_layer(ev, spec, out_len, gold, 0) != 0)
            rc = glossa_eval__nomem(err);
        else if (ev->n_layers > 1 &&
                 glossa_eval__find_layer(ev,
                                         ev->layers[ev->n_layers - 1].out) !=
                     &ev->layers[ev->n_layers - 1])
            rc = glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                   "layer \"%s\" is given twice",
                                   ev->layers[ev->n_layers - 1].out);
        if (rc != 0) {
            glossa_eval_free(ev);
            return rc;
        }
    }
    *out = ev;
    return 0;
}

void glossa_eval_free(glossa_eval_t *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->n_layers; i++)
        layer_clear(&ev->layers[i], ev->n_attrs);
    free(ev->layers);
    glossa_eval__free_strv(ev->attrs, ev->n_attrs);
    glossa_eval__free_strv(ev->doc_attrs, ev->n_doc_attrs);
    json_decref(ev->gold);
    json_decref(ev->seen);
    free(ev);
}
