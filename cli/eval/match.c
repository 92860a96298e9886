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

/* The first of the sorted spans ps[0 .. np) that starts at or after
 * start (np if none). */
static size_t first_starting_at(const span_t *ps, size_t np, count_t start)
{
    size_t lo = 0, hi = np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ps[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static edge_t make_edge(const span_t *g, size_t i, const span_t *p)
{
    count_t s = g->start > p->start ? g->start : p->start;
    count_t e = g->end < p->end ? g->end : p->end;
    count_t ds = g->start - p->start;
    count_t de = g->end - p->end;
    return (edge_t){
        .g = i,
        .p = p->idx,
        .ov = e > s ? e - s : 0,
        .dist = (ds < 0 ? -ds : ds) + (de < 0 ? -de : de),
        .gstart = g->start,
        .pstart = p->start,
    };
}

/* The candidate pairs: every gold and predicted span that overlap, in
 * *edges (free it; NULL when there are none). Returns 0 or
 * GLOSSA_ENOMEM. */
static int find_edges(const span_t *g, size_t ng, const span_t *p, size_t np,
                      edge_t **edges, size_t *n_edges)
{
    int rc = GLOSSA_ENOMEM;
    edge_t *found = NULL;
    size_t n = 0, cap = 0;
    /* Candidates for gold span [s, e) start in [s - maxlen, e]. */
    span_t *ps = malloc(np * sizeof(*ps));
    if (!ps)
        goto out;
    memcpy(ps, p, np * sizeof(*ps));
    qsort(ps, np, sizeof(*ps), cmp_extent);
    count_t maxlen = 0;
    for (size_t j = 0; j < np; j++)
        if (ps[j].end - ps[j].start > maxlen)
            maxlen = ps[j].end - ps[j].start;
    for (size_t i = 0; i < ng; i++) {
        size_t lo = first_starting_at(ps, np, g[i].start - maxlen);
        for (size_t k = lo; k < np && ps[k].start <= g[i].end; k++) {
            if (!overlaps(&g[i], &ps[k]))
                continue;
            if (n == cap) {
                size_t ncap = cap ? 2 * cap : 64;
                edge_t *ne = realloc(found, ncap * sizeof(*ne));
                if (!ne)
                    goto out;
                found = ne;
                cap = ncap;
            }
            found[n++] = make_edge(&g[i], i, &ps[k]);
        }
    }
    rc = 0;
out:
    free(ps);
    if (rc) {
        free(found);
        found = NULL;
        n = 0;
    }
    *edges = found;
    *n_edges = n;
    return rc;
}

/* Pairs spans in the order of the edges (cmp_edge), each span at most
 * once. Returns the number of pairs. */
static size_t match_greedy(const edge_t *edges, size_t n_edges, size_t *gmatch,
                           size_t *pmatch)
{
    size_t pairs = 0;
    for (size_t k = 0; k < n_edges; k++) {
        if (gmatch[edges[k].g] == NONE && pmatch[edges[k].p] == NONE) {
            gmatch[edges[k].g] = edges[k].p;
            pmatch[edges[k].p] = edges[k].g;
            pairs++;
        }
    }
    return pairs;
}

typedef struct frame {
    size_t g, k, via;
} frame_t;

/* The state of the search for augmenting paths. Edges are grouped by gold
 * span, each group in preference order; first[i] .. first[i + 1] is gold
 * i's group. stamp[j] is root + 1 once predicted span j was visited from
 * root. */
typedef struct search {
    const edge_t *edges;
    size_t *first, *stamp;
    frame_t *stack;
    size_t *gmatch, *pmatch;
} search_t;

/* Looks for an augmenting path from the unpaired gold span root, depth
 * first, and flips it if there is one. Returns 1 if a pair was added. */
static int augment_from(search_t *s, size_t root)
{
    size_t top = 0;
    s->stack[top++] = (frame_t){.g = root, .k = s->first[root], .via = NONE};
    while (top > 0) {
        frame_t *f = &s->stack[top - 1];
        if (f->k == s->first[f->g + 1]) {
            top--;
            continue;
        }
        size_t v = s->edges[f->k++].p;
        if (s->stamp[v] == root + 1)
            continue;
        s->stamp[v] = root + 1;
        f->via = v;
        if (s->pmatch[v] == NONE) {
            /* Flip the alternating path: each gold on the stack takes
             * the predicted span it went through. */
            for (size_t t = 0; t < top; t++) {
                s->gmatch[s->stack[t].g] = s->stack[t].via;
                s->pmatch[s->stack[t].via] = s->stack[t].g;
            }
            return 1;
        }
        size_t u = s->pmatch[v];
        s->stack[top++] = (frame_t){.g = u, .k = s->first[u], .via = NONE};
    }
    return 0;
}

/* Adds to the pairs (*pairs of them) by augmenting paths from every
 * unpaired gold span. Reorders edges. Returns 0 or GLOSSA_ENOMEM. */
static int augment(edge_t *edges, size_t n_edges, size_t ng, size_t np,
                   size_t *gmatch, size_t *pmatch, size_t *pairs)
{
    qsort(edges, n_edges, sizeof(*edges), cmp_edge_by_gold);
    search_t s = {
        .edges = edges,
        .first = calloc(ng + 1, sizeof(*s.first)),
        .stamp = calloc(np, sizeof(*s.stamp)),
        .stack = malloc((ng + 1) * sizeof(*s.stack)),
        .gmatch = gmatch,
        .pmatch = pmatch,
    };
    int rc = GLOSSA_ENOMEM;
    if (s.first && s.stamp && s.stack) {
        for (size_t k = 0; k < n_edges; k++)
            s.first[edges[k].g + 1]++;
        for (size_t i = 0; i < ng; i++)
            s.first[i + 1] += s.first[i];
        for (size_t root = 0; root < ng; root++)
            if (gmatch[root] == NONE && s.first[root] != s.first[root + 1])
                *pairs += (size_t)augment_from(&s, root);
        rc = 0;
    }
    free(s.first);
    free(s.stamp);
    free(s.stack);
    return rc;
}

/* Greedy in cmp_edge order, then augmenting paths (Kuhn's algorithm,
 * iterative) so that the number of pairs is the maximum possible: the
 * greedy pass alone can lose a pair when one predicted span overlaps two
 * gold spans. */
int glossa_eval__match_relaxed(const span_t *g, size_t ng, const span_t *p,
                               size_t np, size_t *gmatch, size_t *pmatch,
                               size_t *n_pairs)
{
    for (size_t i = 0; i < ng; i++)
        gmatch[i] = NONE;
    for (size_t j = 0; j < np; j++)
        pmatch[j] = NONE;
    *n_pairs = 0;
    if (ng == 0 || np == 0)
        return 0;
    edge_t *edges;
    size_t n_edges;
    int rc = find_edges(g, ng, p, np, &edges, &n_edges);
    if (rc == 0 && n_edges > 0) {
        qsort(edges, n_edges, sizeof(*edges), cmp_edge);
        *n_pairs = match_greedy(edges, n_edges, gmatch, pmatch);
        rc = augment(edges, n_edges, ng, np, gmatch, pmatch, n_pairs);
    }
    free(edges);
    return rc;
}
