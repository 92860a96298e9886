/* The report: the counts turned into metrics (nested JSON), missing
 * gold documents accounted for, and the flattened dotted names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

static json_t *ratio(count_t num, count_t den)
{
    return den > 0 ? json_real((double)num / (double)den) : json_null();
}

/* F1 as 2TP / (2TP + FP + FN): the harmonic mean of P and R where both are
 * defined, 0 when nothing matched, undefined only with no spans at all. */
static json_t *prf_json(count_t tp, count_t fp, count_t fn)
{
    return json_pack("{sI sI sI so so so}", "tp", (json_int_t)tp, "fp",
                     (json_int_t)fp, "fn", (json_int_t)fn, "precision",
                     ratio(tp, tp + fp), "recall", ratio(tp, tp + fn), "f1",
                     ratio(2 * tp, 2 * tp + fp + fn));
}

static count_t counter(const json_t *arr, size_t idx)
{
    return json_integer_value(json_array_get(arr, idx));
}

static json_t *per_label_json(const json_t *per_label)
{
    size_t n;
    const char **keys = glossa_eval__sorted_keys(per_label, &n);
    json_t *o = json_object();
    if (!keys || !o) {
        free(keys);
        json_decref(o);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_object_get(per_label, keys[i]);
        if (json_object_set_new(o, keys[i],
                                prf_json(counter(c, L_TP), counter(c, L_FP),
                                         counter(c, L_FN))) != 0) {
            json_decref(o);
            o = NULL;
            break;
        }
    }
    free(keys);
    return o;
}

static json_t *attr_json(const attr_stats_t *st)
{
    /* Summed in sorted class order, so the last bits of the mean do not
     * depend on hash order. */
    size_t n;
    const char **keys = glossa_eval__sorted_keys(st->classes, &n);
    if (!keys)
        return NULL;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_object_get(st->classes, keys[i]);
        count_t den = counter(c, C_PRED) + counter(c, C_GOLD);
        sum += (double)(2 * counter(c, C_TP)) / (double)den;
    }
    free(keys);
    json_t *macro = n ? json_real(sum / (double)n) : json_null();
    return json_pack(
        "{sI sI so sI sI so sI sI sI so so so sI so}", "exact_pairs",
        (json_int_t)st->exact_pairs, "exact_correct",
        (json_int_t)st->exact_correct, "accuracy_exact",
        ratio(st->exact_correct, st->exact_pairs), "relaxed_pairs",
        (json_int_t)st->relaxed_pairs, "relaxed_correct",
        (json_int_t)st->relaxed_correct, "accuracy_relaxed",
        ratio(st->relaxed_correct, st->relaxed_pairs), "tp", (json_int_t)st->tp,
        "predicted", (json_int_t)st->predicted, "gold", (json_int_t)st->gold,
        "precision", ratio(st->tp, st->predicted), "recall",
        ratio(st->tp, st->gold), "f1",
        ratio(2 * st->tp, st->predicted + st->gold), "classes", (json_int_t)n,
        "macro_f1", macro);
}

static json_t *layer_json(const glossa_eval_t *ev, const layer_t *L)
{
    json_t *o = json_pack("{ss sI sI}", "gold_layer", L->gold, "documents",
                          (json_int_t)L->documents, "output_documents",
                          (json_int_t)L->output_documents);
    if (!o)
        return NULL;
    int ok = 1;
    if (L->documents > 0) {
        json_t *attrs = json_object();
        ok = attrs != NULL;
        for (size_t a = 0; ok && a < ev->n_attrs; a++)
            if (L->attrs[a].present)
                ok = json_object_set_new(attrs, ev->attrs[a],
                                         attr_json(&L->attrs[a])) == 0;
        json_t *spans = json_pack(
            "{sI sI s{so so} so so}", "gold_spans", (json_int_t)L->gold_spans,
            "predicted_spans", (json_int_t)L->predicted_spans, "exact", "micro",
            prf_json(L->exact.tp, L->exact.fp, L->exact.fn), "per_label",
            per_label_json(L->per_label), "strict",
            prf_json(L->strict.tp, L->strict.fp, L->strict.fn), "relaxed",
            prf_json(L->relaxed.tp, L->relaxed.fp, L->relaxed.fn));
        ok = ok && spans && json_object_update(o, spans) == 0;
        json_decref(spans);
        if (ok && json_object_size(attrs) > 0)
            ok = json_object_set(o, "attr", attrs) == 0;
        json_decref(attrs);
    }
    json_t *docs = json_object();
    ok = ok && docs;
    for (size_t a = 0; ok && a < ev->n_doc_attrs; a++) {
        const doc_stats_t *d = &L->docs[a];
        if (d->total == 0)
            continue;
        ok = json_object_set_new(docs, ev->doc_attrs[a],
                                 json_pack("{so sI sI}", "accuracy",
                                           ratio(d->correct, d->total),
                                           "correct", (json_int_t)d->correct,
                                           "total", (json_int_t)d->total)) == 0;
    }
    if (ok && json_object_size(docs) > 0)
        ok = json_object_set(o, "doc", docs) == 0;
    json_decref(docs);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Gold documents that no record matched: sorted ids, and their spans and
 * document attributes counted as missed. */
static int account_missing(glossa_eval_t *ev, json_t *ids)
{
    size_t n;
    const char **keys = glossa_eval__sorted_keys(ev->gold, &n);
    if (!keys)
        return GLOSSA_ENOMEM;
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (json_object_get(ev->seen, keys[k]))
            continue;
        if (json_array_append_new(ids, json_string(keys[k])) != 0) {
            rc = GLOSSA_ENOMEM;
            break;
        }
        const json_t *gold = json_object_get(ev->gold, keys[k]);
        for (size_t i = 0; rc == 0 && i < ev->n_layers; i++) {
            layer_t *L = &ev->layers[i];
            const json_t *garr = json_object_get(gold, L->gold);
            if (json_is_array(garr)) {
                span_t *g;
                size_t ng;
                /* Checked when the gold was added. */
                if (glossa_eval__parse_spans(garr, L->gold, &g, &ng, NULL, 0,
                                             NULL) != 0)
                    rc = GLOSSA_ENOMEM;
                else
                    rc = glossa_eval__count_misses(ev, L, g, ng);
                free(g);
            }
            const json_t *gdoc = json_object_get(gold, L->gold_doc);
            for (size_t a = 0; a < ev->n_doc_attrs; a++)
                if (json_is_object(gdoc) &&
                    glossa_eval__get_attr(gdoc, ev->doc_attrs[a]))
                    L->docs[a].total++;
        }
    }
    free(keys);
    return rc;
}

int glossa_eval_finish(glossa_eval_t *ev, json_t **report, glossa_error_t *err)
{
    if (!ev || !report)
        return glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                 "no evaluator or report");
    *report = NULL;
    if (ev->state == STATE_DONE)
        return glossa_eval__fail(err, GLOSSA_ESTATE, NULL, 0, 0,
                                 "the evaluation is already finished");
    if (ev->state == STATE_GOLD) {
        int rc = glossa_eval__begin_output(ev, err);
        if (rc != 0)
            return rc;
    }
    ev->state = STATE_DONE;

    json_t *ids = json_array();
    if (!ids || account_missing(ev, ids) != 0) {
        json_decref(ids);
        return glossa_eval__nomem(err);
    }
    json_t *layers = json_object();
    json_t *out = json_pack(
        "{s{sI sI sI sI sI sI so} so}", "documents", "gold",
        (json_int_t)json_object_size(ev->gold), "output",
        (json_int_t)ev->n_output, "scored", (json_int_t)ev->n_scored, "missing",
        (json_int_t)json_array_size(ids), "without_gold",
        (json_int_t)ev->n_without_gold, "with_errors",
        (json_int_t)ev->n_with_errors, "missing_ids", ids, "layers", layers);
    if (!out)
        return glossa_eval__nomem(err);
    for (size_t i = 0; i < ev->n_layers; i++) {
        const layer_t *L = &ev->layers[i];
        if (L->automatic && L->output_documents == 0)
            continue;
        if (json_object_set_new(layers, L->out, layer_json(ev, L)) != 0) {
            json_decref(out);
            return glossa_eval__nomem(err);
        }
    }
    *report = out;
    return 0;
}

/* Keys are joined with dots; at the top, the "layers" level is skipped so
 * that a layer's metrics start with its name. */
static int flatten_into(json_t *flat, const json_t *obj, const char *prefix,
                        int top)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (top && strcmp(key, "layers") == 0) {
            if (flatten_into(flat, v, NULL, 0) != 0)
                return -1;
            continue;
        }
        char *name = prefix ? NULL : glossa_eval__dup_str(key);
        if (prefix) {
            size_t len = strlen(prefix) + strlen(key) + 2;
            if ((name = malloc(len)) != NULL)
                snprintf(name, len, "%s.%s", prefix, key);
        }
        if (!name)
            return -1;
        int rc = json_is_object(v) ? flatten_into(flat, v, name, 0)
                                   : json_object_set(flat, name, v);
        free(name);
        if (rc != 0)
            return -1;
    }
    return 0;
}

json_t *glossa_eval_flatten(const json_t *report)
{
    json_t *flat = json_object();
    if (!flat || !json_is_object(report) ||
        flatten_into(flat, report, NULL, 1) != 0) {
        json_decref(flat);
        return NULL;
    }
    return flat;
}

int glossa_eval_metric(const json_t *flat, const char *name, double *value,
                       int *defined)
{
    const json_t *v = json_object_get(flat, name);
    *value = 0;
    *defined = 0;
    if (!v)
        return GLOSSA_ENOENT;
    if (json_is_null(v))
        return 0;
    if (!json_is_number(v))
        return GLOSSA_EINVAL;
    *value = json_number_value(v);
    *defined = 1;
    return 0;
}
