/* Scoring of system output against gold annotations. The definitions of
 * the metrics and of span matching are in docs/evaluation.md; this file
 * follows them. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "eval.h"

#define NONE SIZE_MAX

typedef long long count_t;

typedef struct prf {
    count_t tp, fp, fn;
} prf_t;

typedef struct attr_stats {
    int present; /* some gold or predicted span carries the attribute */
    count_t exact_pairs, exact_correct;
    count_t relaxed_pairs, relaxed_correct;
    count_t tp, predicted, gold;
    json_t *classes; /* class key (compact JSON) -> [tp, predicted, gold] */
} attr_stats_t;

typedef struct doc_stats {
    count_t total, correct;
} doc_stats_t;

typedef struct layer {
    char *out;
    char *gold;
    char *gold_doc; /* "<gold>_document" */
    int automatic;  /* found in the gold, kept only if the output has it */
    count_t documents, output_documents;
    count_t gold_spans, predicted_spans;
    prf_t exact, strict, relaxed;
    json_t *per_label; /* label -> [tp, fp, fn] */
    attr_stats_t *attrs;
    doc_stats_t *docs;
} layer_t;

enum { STATE_GOLD, STATE_OUTPUT, STATE_DONE };

struct glossa_eval {
    char **attrs;
    size_t n_attrs;
    char **doc_attrs;
    size_t n_doc_attrs;
    layer_t *layers;
    size_t n_layers;
    int explicit_layers;
    int state;
    json_t *gold; /* id -> gold document */
    json_t *seen; /* id -> line of the output record */
    count_t n_output, n_scored, n_without_gold, n_with_errors;
};

typedef struct span {
    count_t start, end;
    const char *label; /* NULL: no label */
    const json_t *obj;
    size_t idx; /* position in the layer's array */
} span_t;

static int fail(glossa_error_t *err, int code, const char *source, int line,
                int column, const char *fmt, ...) GLOSSA_PRINTF(6, 7);

static int fail(glossa_error_t *err, int code, const char *source, int line,
                int column, const char *fmt, ...)
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

static int nomem(glossa_error_t *err)
{
    return fail(err, GLOSSA_ENOMEM, NULL, 0, 0, "out of memory");
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static char *dup_len(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *d = malloc(na + nb + 1);
    if (d) {
        memcpy(d, a, na);
        memcpy(d + na, b, nb + 1);
    }
    return d;
}

static void free_strv(char **v, size_t n)
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
        if (!(c[i] = dup_str(v[i]))) {
            free_strv(c, i);
            return NULL;
        }
    }
    return c;
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

static layer_t *find_layer(glossa_eval_t *ev, const char *out)
{
    for (size_t i = 0; i < ev->n_layers; i++)
        if (strcmp(ev->layers[i].out, out) == 0)
            return &ev->layers[i];
    return NULL;
}

static int add_layer(glossa_eval_t *ev, const char *out, size_t out_len,
                     const char *gold, int automatic)
{
    layer_t *grown = realloc(ev->layers, (ev->n_layers + 1) * sizeof(*grown));
    if (!grown)
        return GLOSSA_ENOMEM;
    ev->layers = grown;
    layer_t *L = &ev->layers[ev->n_layers];
    memset(L, 0, sizeof(*L));
    L->automatic = automatic;
    L->out = dup_len(out, out_len);
    L->gold = dup_str(gold);
    L->gold_doc = L->gold ? concat(gold, "_document") : NULL;
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
        return fail(err, GLOSSA_EINVAL, NULL, 0, 0, "no result pointer");
    *out = NULL;
    if (!opts)
        opts = &none;
    for (size_t i = 0; i < opts->n_attrs; i++)
        if (!opts->attrs[i] || !opts->attrs[i][0])
            return fail(err, GLOSSA_EINVAL, NULL, 0, 0, "empty attribute name");
    for (size_t i = 0; i < opts->n_doc_attrs; i++)
        if (!opts->doc_attrs[i] || !opts->doc_attrs[i][0])
            return fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                        "empty document attribute name");

    glossa_eval_t *ev = calloc(1, sizeof(*ev));
    if (!ev)
        return nomem(err);
    ev->n_attrs = opts->n_attrs;
    ev->n_doc_attrs = opts->n_doc_attrs;
    ev->attrs = copy_strv(opts->attrs, opts->n_attrs);
    ev->doc_attrs = copy_strv(opts->doc_attrs, opts->n_doc_attrs);
    ev->gold = json_object();
    ev->seen = json_object();
    if (!ev->attrs || !ev->doc_attrs || !ev->gold || !ev->seen) {
        glossa_eval_free(ev);
        return nomem(err);
    }
    ev->explicit_layers = opts->n_layers > 0;
    for (size_t i = 0; i < opts->n_layers; i++) {
        const char *spec = opts->layers[i] ? opts->layers[i] : "";
        const char *eq = strchr(spec, '=');
        size_t out_len = eq ? (size_t)(eq - spec) : strlen(spec);
        const char *gold = eq ? eq + 1 : spec;
        int rc = 0;
        if (out_len == 0 || !gold[0] || strchr(gold, '='))
            rc = fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                      "bad layer \"%s\": expected OUT or OUT=GOLD", spec);
        else if (add_layer(ev, spec, out_len, gold, 0) != 0)
            rc = nomem(err);
        else if (ev->n_layers > 1 &&
                 find_layer(ev, ev->layers[ev->n_layers - 1].out) !=
                     &ev->layers[ev->n_layers - 1])
            rc = fail(err, GLOSSA_EINVAL, NULL, 0, 0,
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
    free_strv(ev->attrs, ev->n_attrs);
    free_strv(ev->doc_attrs, ev->n_doc_attrs);
    json_decref(ev->gold);
    json_decref(ev->seen);
    free(ev);
}

/* ---- Spans ---- */

/* The document id as a string: a JSON string, or an integer in decimal. */
static int doc_id(const json_t *doc, char *buf, size_t size, const char **id)
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

/* A JSON null counts as absent, for labels and attributes alike. */
static const json_t *get_attr(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    return json_is_null(v) ? NULL : v;
}

/* Checks a JSON array of spans and fills *out (NULL when empty; free it).
 * where ("entities", "annotations.entities") prefixes error messages. */
static int parse_spans(const json_t *arr, const char *where, span_t **out,
                       size_t *n, const char *source, int line,
                       glossa_error_t *err)
{
    *out = NULL;
    *n = 0;
    if (!arr || json_is_null(arr))
        return 0;
    if (!json_is_array(arr))
        return fail(err, GLOSSA_EPARSE, source, line, 0,
                    "%s: expected an array of spans", where);
    size_t size = json_array_size(arr);
    if (size == 0)
        return 0;
    span_t *s = calloc(size, sizeof(*s));
    if (!s)
        return nomem(err);
    for (size_t i = 0; i < size; i++) {
        const json_t *o = json_array_get(arr, i);
        const json_t *st = json_object_get(o, "start");
        const json_t *en = json_object_get(o, "end");
        const json_t *lb = get_attr(o, "label");
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
            return fail(err, GLOSSA_EPARSE, source, line, 0, "%s[%zu]: %s",
                        where, i, why);
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

static int cmp_label(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_count(count_t a, count_t b)
{
    return (a > b) - (a < b);
}

static int cmp_size(size_t a, size_t b)
{
    return (a > b) - (a < b);
}

static int cmp_extent(const void *pa, const void *pb)
{
    const span_t *a = pa, *b = pb;
    int c = cmp_count(a->start, b->start);
    if (!c)
        c = cmp_count(a->end, b->end);
    return c ? c : cmp_size(a->idx, b->idx);
}

static int cmp_exact(const void *pa, const void *pb)
{
    const span_t *a = pa, *b = pb;
    int c = cmp_count(a->start, b->start);
    if (!c)
        c = cmp_count(a->end, b->end);
    if (!c)
        c = cmp_label(a->label, b->label);
    return c ? c : cmp_size(a->idx, b->idx);
}

/* Pairs spans with equal extent (and equal label if with_label), one to
 * one, in (start, end, label, position) order. pairs[i] receives the
 * predicted span paired with gold span i, or NONE. gs and ps are scratch
 * arrays of ng and np spans. Returns the number of pairs. */
static size_t match_equal(const span_t *g, size_t ng, const span_t *p,
                          size_t np, int with_label, span_t *gs, span_t *ps,
                          size_t *pairs)
{
    int (*cmp)(const void *, const void *) =
        with_label ? cmp_exact : cmp_extent;
    if (ng)
        memcpy(gs, g, ng * sizeof(*g));
    if (np)
        memcpy(ps, p, np * sizeof(*p));
    if (ng)
        qsort(gs, ng, sizeof(*gs), cmp);
    if (np)
        qsort(ps, np, sizeof(*ps), cmp);
    for (size_t i = 0; i < ng; i++)
        pairs[i] = NONE;
    size_t i = 0, j = 0, n = 0;
    while (i < ng && j < np) {
        int c = cmp_count(gs[i].start, ps[j].start);
        if (!c)
            c = cmp_count(gs[i].end, ps[j].end);
        if (!c && with_label)
            c = cmp_label(gs[i].label, ps[j].label);
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else {
            pairs[gs[i].idx] = ps[j].idx;
            n++;
            i++;
            j++;
        }
    }
    return n;
}

/* Relaxed match: spans overlap when they share a code point or have the
 * same extent (so that empty spans can match themselves). */
static int overlaps(const span_t *a, const span_t *b)
{
    return (a->start < b->end && b->start < a->end) ||
           (a->start == b->start && a->end == b->end);
}

typedef struct edge {
    size_t g, p;
    count_t ov, dist;
    count_t gstart, pstart;
} edge_t;

/* Preference between candidate pairs: larger overlap, then closer
 * boundaries (so an identical extent wins over a containing span with the
 * same overlap), then earlier gold start, earlier predicted start, then
 * array positions; a total order, so the result is deterministic. */
static int cmp_edge(const void *pa, const void *pb)
{
    const edge_t *a = pa, *b = pb;
    int c = cmp_count(b->ov, a->ov);
    if (!c)
        c = cmp_count(a->dist, b->dist);
    if (!c)
        c = cmp_count(a->gstart, b->gstart);
    if (!c)
        c = cmp_count(a->pstart, b->pstart);
    if (!c)
        c = cmp_size(a->g, b->g);
    return c ? c : cmp_size(a->p, b->p);
}

static int cmp_edge_by_gold(const void *pa, const void *pb)
{
    const edge_t *a = pa, *b = pb;
    int c = cmp_size(a->g, b->g);
    return c ? c : cmp_edge(pa, pb);
}

typedef struct frame {
    size_t g, k, via;
} frame_t;

/* One-to-one relaxed matching. Greedy in cmp_edge order, then augmenting
 * paths (Kuhn's algorithm, iterative) so that the number of pairs is the
 * maximum possible: the greedy pass alone can lose a pair when one
 * predicted span overlaps two gold spans. gmatch[i] / pmatch[j] receive the
 * partner or NONE. Returns 0 or GLOSSA_ENOMEM. */
static int match_relaxed(const span_t *g, size_t ng, const span_t *p, size_t np,
                         size_t *gmatch, size_t *pmatch, size_t *n_pairs)
{
    int rc = GLOSSA_ENOMEM;
    span_t *ps = NULL;
    edge_t *edges = NULL;
    size_t *first = NULL, *stamp = NULL;
    frame_t *stack = NULL;
    size_t n_edges = 0, cap = 0, pairs = 0;

    for (size_t i = 0; i < ng; i++)
        gmatch[i] = NONE;
    for (size_t j = 0; j < np; j++)
        pmatch[j] = NONE;
    *n_pairs = 0;
    if (ng == 0 || np == 0)
        return 0;

    /* Candidates for gold span [s, e) start in [s - maxlen, e]. */
    ps = malloc(np * sizeof(*ps));
    if (!ps)
        goto out;
    memcpy(ps, p, np * sizeof(*ps));
    qsort(ps, np, sizeof(*ps), cmp_extent);
    count_t maxlen = 0;
    for (size_t j = 0; j < np; j++)
        if (ps[j].end - ps[j].start > maxlen)
            maxlen = ps[j].end - ps[j].start;
    for (size_t i = 0; i < ng; i++) {
        count_t lo_start = g[i].start - maxlen;
        size_t lo = 0, hi = np;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ps[mid].start < lo_start)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < np && ps[k].start <= g[i].end; k++) {
            if (!overlaps(&g[i], &ps[k]))
                continue;
            if (n_edges == cap) {
                size_t ncap = cap ? 2 * cap : 64;
                edge_t *ne = realloc(edges, ncap * sizeof(*ne));
                if (!ne)
                    goto out;
                edges = ne;
                cap = ncap;
            }
            count_t s = g[i].start > ps[k].start ? g[i].start : ps[k].start;
            count_t e = g[i].end < ps[k].end ? g[i].end : ps[k].end;
            count_t ds = g[i].start - ps[k].start;
            count_t de = g[i].end - ps[k].end;
            edges[n_edges++] = (edge_t){
                .g = i,
                .p = ps[k].idx,
                .ov = e > s ? e - s : 0,
                .dist = (ds < 0 ? -ds : ds) + (de < 0 ? -de : de),
                .gstart = g[i].start,
                .pstart = ps[k].start,
            };
        }
    }
    if (n_edges == 0) {
        rc = 0;
        goto out;
    }

    qsort(edges, n_edges, sizeof(*edges), cmp_edge);
    for (size_t k = 0; k < n_edges; k++) {
        if (gmatch[edges[k].g] == NONE && pmatch[edges[k].p] == NONE) {
            gmatch[edges[k].g] = edges[k].p;
            pmatch[edges[k].p] = edges[k].g;
            pairs++;
        }
    }

    /* Augmenting paths. Edges are regrouped by gold span, each group in
     * preference order; first[i] .. first[i + 1] is gold i's group. */
    qsort(edges, n_edges, sizeof(*edges), cmp_edge_by_gold);
    first = calloc(ng + 1, sizeof(*first));
    stamp = calloc(np, sizeof(*stamp));
    stack = malloc((ng + 1) * sizeof(*stack));
    if (!first || !stamp || !stack)
        goto out;
    for (size_t k = 0; k < n_edges; k++)
        first[edges[k].g + 1]++;
    for (size_t i = 0; i < ng; i++)
        first[i + 1] += first[i];
    for (size_t root = 0; root < ng; root++) {
        if (gmatch[root] != NONE || first[root] == first[root + 1])
            continue;
        size_t top = 0;
        stack[top++] = (frame_t){.g = root, .k = first[root], .via = NONE};
        while (top > 0) {
            frame_t *f = &stack[top - 1];
            if (f->k == first[f->g + 1]) {
                top--;
                continue;
            }
            size_t v = edges[f->k++].p;
            if (stamp[v] == root + 1)
                continue;
            stamp[v] = root + 1;
            f->via = v;
            if (pmatch[v] == NONE) {
                /* Flip the alternating path: each gold on the stack takes
                 * the predicted span it went through. */
                for (size_t t = 0; t < top; t++) {
                    gmatch[stack[t].g] = stack[t].via;
                    pmatch[stack[t].via] = stack[t].g;
                }
                pairs++;
                break;
            }
            size_t u = pmatch[v];
            stack[top++] = (frame_t){.g = u, .k = first[u], .via = NONE};
        }
    }
    rc = 0;
out:
    *n_pairs = pairs;
    free(ps);
    free(edges);
    free(first);
    free(stamp);
    free(stack);
    return rc;
}

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

enum { C_TP, C_PRED, C_GOLD };
enum { L_TP, L_FP, L_FN };

/* Gold spans of a document no record scored: all of them are misses. */
static int count_misses(glossa_eval_t *ev, layer_t *L, const span_t *g,
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
            if (get_attr(g[i].obj, ev->attrs[a])) {
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

static int score_spans(glossa_eval_t *ev, layer_t *L, const span_t *g,
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

    size_t n_exact = match_equal(g, ng, p, np, 1, gs, ps, exact);
    size_t n_strict = match_equal(g, ng, p, np, 0, gs, ps, strict);
    size_t n_relaxed;
    if (match_relaxed(g, ng, p, np, gmatch, pmatch, &n_relaxed) != 0)
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
            if (get_attr(g[i].obj, name)) {
                st->gold++;
                st->present = 1;
            }
        }
        /* A predicted span is scored for the attribute when it carries it,
         * or when it is matched to a gold span that does (then missing is
         * wrong). */
        for (size_t j = 0; j < np; j++) {
            if (get_attr(p[j].obj, name)) {
                st->predicted++;
                st->present = 1;
            } else if (pmatch[j] != NONE && get_attr(g[pmatch[j]].obj, name)) {
                st->predicted++;
            }
        }
        for (size_t i = 0; i < ng; i++) {
            if (exact[i] != NONE)
                score_attr_pair(st, get_attr(g[i].obj, name),
                                get_attr(p[exact[i]].obj, name), 0, &rc);
            if (gmatch[i] != NONE)
                score_attr_pair(st, get_attr(g[i].obj, name),
                                get_attr(p[gmatch[i]].obj, name), 1, &rc);
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

/* ---- Gold ---- */

static int is_layer_key(const char *key, const json_t *v, char **layer)
{
    static const char suffix[] = "_document";
    size_t n = strlen(key), ns = sizeof(suffix) - 1;
    *layer = NULL;
    if (json_is_array(v)) {
        *layer = dup_str(key);
        return *layer ? 1 : -1;
    }
    if (json_is_object(v) && n > ns && strcmp(key + n - ns, suffix) == 0) {
        *layer = dup_len(key, n - ns);
        return *layer ? 1 : -1;
    }
    return 0;
}

int glossa_eval_add_gold(glossa_eval_t *ev, json_t *doc, const char *source,
                         glossa_error_t *err)
{
    if (!ev || !doc)
        return fail(err, GLOSSA_EINVAL, source, 0, 0, "no evaluator or gold");
    if (ev->state != STATE_GOLD)
        return fail(err, GLOSSA_ESTATE, source, 0, 0,
                    "gold added after output");
    if (!json_is_object(doc))
        return fail(err, GLOSSA_EPARSE, source, 0, 0,
                    "a gold document must be a JSON object");
    char buf[32];
    const char *id;
    if (doc_id(doc, buf, sizeof(buf), &id) != 0)
        return fail(err, GLOSSA_EPARSE, source, 0, 0,
                    "missing \"id\" (a string or an integer)");
    if (json_object_get(ev->gold, id))
        return fail(err, GLOSSA_EPARSE, source, 0, 0,
                    "duplicate gold document id \"%s\"", id);

    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        if (json_is_array(v)) {
            span_t *s;
            size_t n;
            int rc = parse_spans(v, key, &s, &n, source, 0, err);
            free(s);
            if (rc != 0)
                return rc;
        }
        if (ev->explicit_layers)
            continue;
        char *name;
        int is = is_layer_key(key, v, &name);
        if (is < 0)
            return nomem(err);
        if (is && !find_layer(ev, name) &&
            add_layer(ev, name, strlen(name), name, 1) != 0) {
            free(name);
            return nomem(err);
        }
        free(name);
    }
    if (json_object_set(ev->gold, id, doc) != 0)
        return nomem(err);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), ns = strlen(suffix);
    return n >= ns && strcmp(s + n - ns, suffix) == 0;
}

int glossa_eval_load_gold(glossa_eval_t *ev, const char *dir,
                          glossa_error_t *err)
{
    if (!ev || !dir)
        return fail(err, GLOSSA_EINVAL, NULL, 0, 0, "no evaluator or dir");
    DIR *d = opendir(dir);
    if (!d)
        return fail(err, errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO, dir, 0,
                    0, "cannot open gold directory: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".json"))
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (!nn) {
                rc = nomem(err);
                break;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = dup_str(de->d_name))) {
            rc = nomem(err);
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof(*names), cmp_str);

    size_t loaded = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (!path) {
            rc = nomem(err);
            break;
        }
        snprintf(path, len, "%s/%s", dir, names[i]);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        json_error_t jerr;
        json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!doc) {
            if (json_error_code(&jerr) == json_error_cannot_open_file)
                rc = fail(err, GLOSSA_EIO, path, 0, 0, "%s", jerr.text);
            else
                rc = fail(err, GLOSSA_EPARSE, path, jerr.line, jerr.column,
                          "invalid JSON: %s", jerr.text);
        } else {
            rc = glossa_eval_add_gold(ev, doc, path, err);
            json_decref(doc);
            loaded++;
        }
        free(path);
    }
    free_strv(names, n);
    if (rc == 0 && loaded == 0)
        rc = fail(err, GLOSSA_ENOENT, dir, 0, 0, "no .json gold files");
    return rc;
}

/* ---- Output ---- */

/* First record: check the explicit layers against the gold. */
static int begin_output(glossa_eval_t *ev, glossa_error_t *err)
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
            return fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                        "no gold document has layer \"%s\" (or \"%s\")",
                        L->gold, L->gold_doc);
    }
    ev->state = STATE_OUTPUT;
    return 0;
}

static int score_layer(glossa_eval_t *ev, layer_t *L, const json_t *gold,
                       const json_t *annotations, const json_t *document,
                       const char *source, int line, glossa_error_t *err)
{
    const json_t *parr = annotations ? get_attr(annotations, L->out) : NULL;
    const json_t *pdoc = document ? get_attr(document, L->out) : NULL;
    if (parr || pdoc)
        L->output_documents++;
    if (pdoc && !json_is_object(pdoc))
        return fail(err, GLOSSA_EPARSE, source, line, 0,
                    "document.%s: expected an object", L->out);

    const json_t *garr = json_object_get(gold, L->gold);
    if (json_is_array(garr)) {
        span_t *g = NULL, *p = NULL;
        size_t ng, np;
        char *where = concat("annotations.", L->out);
        if (!where)
            return nomem(err);
        int rc = parse_spans(garr, L->gold, &g, &ng, source, line, err);
        if (rc == 0)
            rc = parse_spans(parr, where, &p, &np, source, line, err);
        if (rc == 0 && score_spans(ev, L, g, ng, p, np) != 0)
            rc = nomem(err);
        free(where);
        free(g);
        free(p);
        if (rc != 0)
            return rc;
    }

    const json_t *gdoc = json_object_get(gold, L->gold_doc);
    for (size_t a = 0; a < ev->n_doc_attrs; a++) {
        const json_t *gv =
            json_is_object(gdoc) ? get_attr(gdoc, ev->doc_attrs[a]) : NULL;
        if (!gv)
            continue;
        const json_t *pv = pdoc ? get_attr(pdoc, ev->doc_attrs[a]) : NULL;
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
        return fail(err, GLOSSA_EINVAL, source, line, 0, "no record");
    if (ev->state == STATE_DONE)
        return fail(err, GLOSSA_ESTATE, source, line, 0,
                    "record added after the evaluation finished");
    if (ev->state == STATE_GOLD) {
        int rc = begin_output(ev, err);
        if (rc != 0)
            return rc;
    }
    if (!json_is_object(record))
        return fail(err, GLOSSA_EPARSE, source, line, 0,
                    "a record must be a JSON object");
    char buf[32];
    const char *id;
    if (doc_id(record, buf, sizeof(buf), &id) != 0)
        return fail(err, GLOSSA_EPARSE, source, line, 0,
                    "missing \"id\" (a string or an integer)");
    const json_t *first = json_object_get(ev->seen, id);
    if (first)
        return fail(
            err, GLOSSA_EPARSE, source, line, 0,
            "duplicate document id \"%s\" (first on line %" JSON_INTEGER_FORMAT
            ")",
            id, json_integer_value(first));
    if (json_object_set_new(ev->seen, id, json_integer(line)) != 0)
        return nomem(err);
    ev->n_output++;

    const json_t *errors = json_object_get(record, "errors");
    if (json_is_array(errors) && json_array_size(errors) > 0)
        ev->n_with_errors++;
    const json_t *annotations = get_attr(record, "annotations");
    const json_t *document = get_attr(record, "document");
    if (annotations && !json_is_object(annotations))
        return fail(err, GLOSSA_EPARSE, source, line, 0,
                    "\"annotations\" must be an object");
    if (document && !json_is_object(document))
        return fail(err, GLOSSA_EPARSE, source, line, 0,
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
        return fail(err, GLOSSA_EINVAL, NULL, 0, 0, "no evaluator or path");
    int is_stdin = strcmp(path, "-") == 0;
    const char *source = is_stdin ? "<stdin>" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return fail(err, errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO, path, 0,
                    0, "cannot open: %s", strerror(errno));
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
            rc = fail(err, GLOSSA_EPARSE, source, line, jerr.column,
                      "invalid JSON: %s", jerr.text);
            break;
        }
        rc = glossa_eval_add_record(ev, rec, source, line, err);
        json_decref(rec);
        if (rc != 0)
            break;
    }
    if (rc == 0 && ferror(f))
        rc = fail(err, GLOSSA_EIO, source, line, 0, "read error: %s",
                  strerror(errno));
    free(buf);
    if (!is_stdin)
        fclose(f);
    return rc;
}

/* ---- Report ---- */

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

/* The keys of obj, sorted; *n receives the count. Free the array only. */
static const char **sorted_keys(const json_t *obj, size_t *n)
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
    qsort(keys, size, sizeof(*keys), cmp_str);
    *n = size;
    return keys;
}

static count_t counter(const json_t *arr, size_t idx)
{
    return json_integer_value(json_array_get(arr, idx));
}

static json_t *per_label_json(const json_t *per_label)
{
    size_t n;
    const char **keys = sorted_keys(per_label, &n);
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
    const char **keys = sorted_keys(st->classes, &n);
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
    const char **keys = sorted_keys(ev->gold, &n);
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
                if (parse_spans(garr, L->gold, &g, &ng, NULL, 0, NULL) != 0)
                    rc = GLOSSA_ENOMEM;
                else
                    rc = count_misses(ev, L, g, ng);
                free(g);
            }
            const json_t *gdoc = json_object_get(gold, L->gold_doc);
            for (size_t a = 0; a < ev->n_doc_attrs; a++)
                if (json_is_object(gdoc) && get_attr(gdoc, ev->doc_attrs[a]))
                    L->docs[a].total++;
        }
    }
    free(keys);
    return rc;
}

int glossa_eval_finish(glossa_eval_t *ev, json_t **report, glossa_error_t *err)
{
    if (!ev || !report)
        return fail(err, GLOSSA_EINVAL, NULL, 0, 0, "no evaluator or report");
    *report = NULL;
    if (ev->state == STATE_DONE)
        return fail(err, GLOSSA_ESTATE, NULL, 0, 0,
                    "the evaluation is already finished");
    if (ev->state == STATE_GOLD) {
        int rc = begin_output(ev, err);
        if (rc != 0)
            return rc;
    }
    ev->state = STATE_DONE;

    json_t *ids = json_array();
    if (!ids || account_missing(ev, ids) != 0) {
        json_decref(ids);
        return nomem(err);
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
        return nomem(err);
    for (size_t i = 0; i < ev->n_layers; i++) {
        const layer_t *L = &ev->layers[i];
        if (L->automatic && L->output_documents == 0)
            continue;
        if (json_object_set_new(layers, L->out, layer_json(ev, L)) != 0) {
            json_decref(out);
            return nomem(err);
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
        char *name = prefix ? NULL : dup_str(key);
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
