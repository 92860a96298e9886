/* System output: JSONL records read one by one, each scored against its
 * gold document as it is read. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "eval_internal.h"

int glossa_eval__begin_output(glossa_eval_t *ev, glossa_error_t *err)
{
    for (size_t i = 0; i < ev->n_layers; i++) {
        layer_t *L = &ev->layers[i];
        int found = 0;
        const char *id;
        json_t *doc;
        json_object_foreach(ev->gold, id, doc)
        {
            (void)id;
            if (json_is_array(json_object_get(doc, L->gold)) ||
                json_is_object(json_object_get(doc, L->gold_doc))) {
                found = 1;
                break;
            }
        }
        if (!found)
            return glossa_eval__fail(
                err, GLOSSA_EINVAL, NULL, 0, 0,
                "no gold document has layer \"%s\" (or \"%s\")", L->gold,
                L->gold_doc);
    }
    ev->state = STATE_OUTPUT;
    return 0;
}

static int score_layer(glossa_eval_t *ev, layer_t *L, const json_t *gold,
                       const json_t *annotations, const json_t *document,
                       const char *source, int line, glossa_error_t *err)
{
    const json_t *parr =
        annotations ? glossa_eval__get_attr(annotations, L->out) : NULL;
    const json_t *pdoc =
        document ? glossa_eval__get_attr(document, L->out) : NULL;
    if (parr || pdoc)
        L->output_documents++;
    if (pdoc && !json_is_object(pdoc))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                 "document.%s: expected an object", L->out);

    const json_t *garr = json_object_get(gold, L->gold);
    if (json_is_array(garr)) {
        span_t *g = NULL, *p = NULL;
        size_t ng, np;
        char *where = glossa_eval__concat("annotations.", L->out);
        if (!where)
            return glossa_eval__nomem(err);
        int rc =
            glossa_eval__parse_spans(garr, L->gold, &g, &ng, source, line, err);
        if (rc == 0)
            rc = glossa_eval__parse_spans(parr, where, &p, &np, source, line,
                                          err);
        if (rc == 0 && glossa_eval__score_spans(ev, L, g, ng, p, np) != 0)
            rc = glossa_eval__nomem(err);
        free(where);
        free(g);
        free(p);
        if (rc != 0)
            return rc;
    }

    const json_t *gdoc = json_object_get(gold, L->gold_doc);
    for (size_t a = 0; a < ev->n_doc_attrs; a++) {
        const json_t *gv = json_is_object(gdoc)
                               ? glossa_eval__get_attr(gdoc, ev->doc_attrs[a])
                               : NULL;
        if (!gv)
            continue;
        const json_t *pv =
            pdoc ? glossa_eval__get_attr(pdoc, ev->doc_attrs[a]) : NULL;
        L->docs[a].total++;
        if (pv && json_equal(gv, pv))
            L->docs[a].correct++;
    }
    return 0;
}

int glossa_eval_add_record(glossa_eval_t *ev, const json_t *record,
                           const char *source, int line, glossa_error_t *err)
{
    if (!ev || !record)
        return glossa_eval__fail(err, GLOSSA_EINVAL, source, line, 0,
                                 "no record");
    if (ev->state == STATE_DONE)
        return glossa_eval__fail(err, GLOSSA_ESTATE, source, line, 0,
                                 "record added after the evaluation finished");
    if (ev->state == STATE_GOLD) {
        int rc = glossa_eval__begin_output(ev, err);
        if (rc != 0)
            return rc;
    }
    if (!json_is_object(record))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                 "a record must be a JSON object");
    char buf[32];
    const char *id;
    if (glossa_eval__doc_id(record, buf, sizeof(buf), &id) != 0)
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                 "missing \"id\" (a string or an integer)");
    const json_t *first = json_object_get(ev->seen, id);
    if (first)
        return glossa_eval__fail(
            err, GLOSSA_EPARSE, source, line, 0,
            "duplicate document id \"%s\" (first on line %" JSON_INTEGER_FORMAT
            ")",
            id, json_integer_value(first));
    if (json_object_set_new(ev->seen, id, json_integer(line)) != 0)
        return glossa_eval__nomem(err);
    ev->n_output++;

    const json_t *errors = json_object_get(record, "errors");
    if (json_is_array(errors) && json_array_size(errors) > 0)
        ev->n_with_errors++;
    const json_t *annotations = glossa_eval__get_attr(record, "annotations");
    const json_t *document = glossa_eval__get_attr(record, "document");
    if (annotations && !json_is_object(annotations))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                 "\"annotations\" must be an object");
    if (document && !json_is_object(document))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, line, 0,
                                 "\"document\" must be an object");

    const json_t *gold = json_object_get(ev->gold, id);
    if (!gold) {
        ev->n_without_gold++;
        return 0;
    }
    ev->n_scored++;
    for (size_t i = 0; i < ev->n_layers; i++) {
        int rc = score_layer(ev, &ev->layers[i], gold, annotations, document,
                             source, line, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

int glossa_eval_read_output(glossa_eval_t *ev, const char *path,
                            glossa_error_t *err)
{
    if (!ev || !path)
        return glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                 "no evaluator or path");
    int is_stdin = strcmp(path, "-") == 0;
    const char *source = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return glossa_eval__fail(
            err, errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO, path, 0, 0,
            "cannot open: %s", strerror(errno));
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int line = 0, rc = 0;
    while ((len = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (is_blank(buf, (size_t)len))
            continue;
        json_error_t jerr;
        json_t *rec =
            json_loadb(buf, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
        if (!rec) {
            rc = glossa_eval__fail(err, GLOSSA_EPARSE, source, line,
                                   jerr.column, "invalid JSON: %s", jerr.text);
            break;
        }
        rc = glossa_eval_add_record(ev, rec, source, line, err);
        json_decref(rec);
        if (rc != 0)
            break;
    }
    if (rc == 0 && ferror(f))
        rc = glossa_eval__fail(err, GLOSSA_EIO, source, line, 0,
                               "read error: %s", strerror(errno));
    free(buf);
    if (!is_stdin)
        fclose(f);
    return rc;
}
