/* Span matching (docs/evaluation.md): exact and strict pairs of equal
 * extents, and relaxed one-to-one pairs of overlapping spans. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

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

/* Both lists are sorted, then walked side by side. */
size_t glossa_eval__match_equal(const span_t *g, size_t ng, const span_t *p,
                                size_t np, int with_label, span_t *gs,
                                span_t *ps, size_t *pairs)
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

/* Greedy in cmp_edge order, then augmenting paths (Kuhn's algorithm,
 * iterative) so that the number of pairs is the maximum possible: the
 * greedy pass alone can lose a pair when one predicted span overlaps two
 * gold spans. */
int glossa_eval__match_relaxed(const span_t *g, size_t ng, const span_t *p,
                               size_t np, size_t *gmatch, size_t *pmatch,
                               size_t *n_pairs)
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
