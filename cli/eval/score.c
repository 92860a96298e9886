/* Scoring one document's layer: the span counts (exact, strict, relaxed,
 * per label) and the span attributes. */
#include <stdlib.h>

#include "eval_internal.h"

/* ---- Counters ---- */

/* Adds `by` to element idx of the counter array under key in obj. */
static int bump(json_t *obj, const char *key, size_t idx, count_t by)
{
    json_t *arr = json_object_get(obj, key);
    if (!arr) {
        arr = json_pack("[III]", (json_int_t)0, (json_int_t)0, (json_int_t)0);
        if (!arr || json_object_set_new(obj, key, arr) != 0)
            return GLOSSA_ENOMEM;
    }
    json_t *n = json_array_get(arr, idx);
    return json_integer_set(n, json_integer_value(n) + by) ? GLOSSA_ENOMEM : 0;
}

static char *class_key(const json_t *v)
{
    return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static int bump_class(json_t *classes, const json_t *v, size_t idx)
{
    char *key = class_key(v);
    if (!key)
        return GLOSSA_ENOMEM;
    int rc = bump(classes, key, idx, 1);
    free(key);
    return rc;
}

int glossa_eval__count_misses(glossa_eval_t *ev, layer_t *L, const span_t *g,
                              size_t ng)
{
    L->documents++;
    L->gold_spans += (count_t)ng;
    L->exact.fn += (count_t)ng;
    L->strict.fn += (count_t)ng;
    L->relaxed.fn += (count_t)ng;
    for (size_t i = 0; i < ng; i++)
        if (g[i].label && bump(L->per_label, g[i].label, L_FN, 1) != 0)
            return GLOSSA_ENOMEM;
    for (size_t a = 0; a < ev->n_attrs; a++)
        for (size_t i = 0; i < ng; i++)
            if (glossa_eval__get_attr(g[i].obj, ev->attrs[a])) {
                L->attrs[a].gold++;
                L->attrs[a].present = 1;
            }
    return 0;
}

static void score_attr_pair(attr_stats_t *st, const json_t *gv,
                            const json_t *pv, int relaxed, int *rc)
{
    if (!gv && !pv)
        return;
    int equal = gv && pv && json_equal(gv, pv);
    if (!relaxed) {
        st->exact_pairs++;
        st->exact_correct += equal;
        return;
    }
    st->relaxed_pairs++;
    st->relaxed_correct += equal;
    st->tp += equal;
    if (gv && bump_class(st->classes, gv, C_GOLD) != 0)
        *rc = GLOSSA_ENOMEM;
    if (pv && bump_class(st->classes, pv, C_PRED) != 0)
        *rc = GLOSSA_ENOMEM;
    if (equal && bump_class(st->classes, gv, C_TP) != 0)
        *rc = GLOSSA_ENOMEM;
}

int glossa_eval__score_spans(glossa_eval_t *ev, layer_t *L, const span_t *g,
                             size_t ng, const span_t *p, size_t np)
{
    int rc = GLOSSA_ENOMEM;
    size_t n1 = ng ? ng : 1, m1 = np ? np : 1;
    span_t *gs = malloc(n1 * sizeof(*gs));
    span_t *ps = malloc(m1 * sizeof(*ps));
    size_t *exact = malloc(n1 * sizeof(*exact));
    size_t *strict = malloc(n1 * sizeof(*strict));
    size_t *gmatch = malloc(n1 * sizeof(*gmatch));
    size_t *pmatch = malloc(m1 * sizeof(*pmatch));
    unsigned char *pexact = calloc(m1, 1);
    if (!gs || !ps || !exact || !strict || !gmatch || !pmatch || !pexact)
        goto out;

    L->documents++;
    L->gold_spans += (count_t)ng;
    L->predicted_spans += (count_t)np;

    size_t n_exact = glossa_eval__match_equal(g, ng, p, np, 1, gs, ps, exact);
    size_t n_strict = glossa_eval__match_equal(g, ng, p, np, 0, gs, ps, strict);
    size_t n_relaxed;
    if (glossa_eval__match_relaxed(g, ng, p, np, gmatch, pmatch, &n_relaxed) !=
        0)
        goto out;

    L->exact.tp += (count_t)n_exact;
    L->exact.fp += (count_t)(np - n_exact);
    L->exact.fn += (count_t)(ng - n_exact);
    L->strict.tp += (count_t)n_strict;
    L->strict.fp += (count_t)(np - n_strict);
    L->strict.fn += (count_t)(ng - n_strict);
    L->relaxed.tp += (count_t)n_relaxed;
    L->relaxed.fp += (count_t)(np - n_relaxed);
    L->relaxed.fn += (count_t)(ng - n_relaxed);

    /* Per label: spans without a label count in the micro average only. */
    for (size_t i = 0; i < ng; i++) {
        if (exact[i] != NONE)
            pexact[exact[i]] = 1;
        if (g[i].label && bump(L->per_label, g[i].label,
                               exact[i] != NONE ? L_TP : L_FN, 1) != 0)
            goto out;
    }
    for (size_t j = 0; j < np; j++)
        if (!pexact[j] && p[j].label &&
            bump(L->per_label, p[j].label, L_FP, 1) != 0)
            goto out;

    rc = 0;
    for (size_t a = 0; a < ev->n_attrs && rc == 0; a++) {
        const char *name = ev->attrs[a];
        attr_stats_t *st = &L->attrs[a];
        for (size_t i = 0; i < ng; i++) {
            if (glossa_eval__get_attr(g[i].obj, name)) {
                st->gold++;
                st->present = 1;
            }
        }
        /* A predicted span is scored for the attribute when it carries it,
         * or when it is matched to a gold span that does (then missing is
         * wrong). */
        for (size_t j = 0; j < np; j++) {
            if (glossa_eval__get_attr(p[j].obj, name)) {
                st->predicted++;
                st->present = 1;
            } else if (pmatch[j] != NONE &&
                       glossa_eval__get_attr(g[pmatch[j]].obj, name)) {
                st->predicted++;
            }
        }
        for (size_t i = 0; i < ng; i++) {
            if (exact[i] != NONE)
                score_attr_pair(st, glossa_eval__get_attr(g[i].obj, name),
                                glossa_eval__get_attr(p[exact[i]].obj, name), 0,
                                &rc);
            if (gmatch[i] != NONE)
                score_attr_pair(st, glossa_eval__get_attr(g[i].obj, name),
                                glossa_eval__get_attr(p[gmatch[i]].obj, name),
                                1, &rc);
        }
    }
out:
    free(gs);
    free(ps);
    free(exact);
    free(strict);
    free(gmatch);
    free(pmatch);
    free(pexact);
    return rc;
}
