/* Quotation marks paired into regions.
 *
 * Double marks first (straight, curly, guillemets), over the whole
 * document: a curly opening mark inside a curly quotation nests; a
 * straight mark inside a straight quotation closes it. A quotation left
 * open at the end of a line goes on into the next line only when the
 * next mark there closes it and that line does not reopen it ("A new
 * paragraph that reopens the quote mark starts a new span"); else it ends
 * with its line. Single marks (‘’ and ') make quotations only outside
 * double ones and within one line, since the same characters are
 * apostrophes. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The kind of mark token i is (QM_*), and whether it is single. */
static uint8_t mark_of(const qdoc_t *d, uint32_t i, uint8_t *single)
{
    *single = 0;
    if (!(d->tok[i].flags & GLOSSA_TOKEN_PUNCT))
        return QM_NONE;
    const unsigned char *w = (const unsigned char *)d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;
    if (len == 1) {
        if (w[0] == '"')
            return QM_AMBIG;
        if (w[0] == '\'') {
            *single = 1;
            return QM_AMBIG;
        }
        return QM_NONE;
    }
    if (len == 2 && w[0] == 0xC2)
        return w[1] == 0xAB ? QM_OPEN : w[1] == 0xBB ? QM_CLOSE : QM_NONE;
    if (len != 3 || w[0] != 0xE2 || w[1] != 0x80)
        return QM_NONE;
    switch (w[2]) {
    case 0x9C: /* “ */
    case 0x9E: /* „ */
        return QM_OPEN;
    case 0x9D: /* ” */
        return QM_CLOSE;
    case 0x98: /* ‘ */
    case 0x9A: /* ‚ */
    case 0xB9: /* ‹ */
        *single = 1;
        return QM_OPEN;
    case 0x99: /* ’ */
    case 0xBA: /* › */
        *single = 1;
        return QM_CLOSE;
    default:
        return QM_NONE;
    }
}

/* A line break before token i (lines: qd_line). */
static int break_before(const qdoc_t *d, uint32_t i)
{
    return i > 0 && (d->tok[i].flags & (GLOSSA_TOKEN_NEWLINE_BEFORE |
                                        GLOSSA_TOKEN_PARAGRAPH_BEFORE));
}

static int attached_next(const qdoc_t *d, uint32_t i)
{
    return i + 1 < d->nt &&
           !(d->tok[i + 1].flags &
             (GLOSSA_TOKEN_SPACE_BEFORE | GLOSSA_TOKEN_NEWLINE_BEFORE |
              GLOSSA_TOKEN_PARAGRAPH_BEFORE));
}

static int spaced_before(const qdoc_t *d, uint32_t i)
{
    return i == 0 || (d->tok[i].flags &
                      (GLOSSA_TOKEN_SPACE_BEFORE | GLOSSA_TOKEN_NEWLINE_BEFORE |
                       GLOSSA_TOKEN_PARAGRAPH_BEFORE));
}

/* An ambiguous mark opens when it stands before a word (space or an
 * opening bracket before it, nothing after). */
static int opens(const qdoc_t *d, uint32_t i)
{
    if (!attached_next(d, i))
        return 0;
    if (spaced_before(d, i))
        return 1;
    return qd_punct(d, i - 1, '(') || qd_punct(d, i - 1, '[') ||
           qd_punct(d, i - 1, ':') || qd_dash(d, i - 1);
}

static int add_region(qdoc_t *d, uint32_t open, uint32_t close, uint32_t last)
{
    uint32_t first = open + 1;
    if (first > last || last == QNONE)
        return 0;
    if (d->n_regions == d->cap_regions) {
        size_t cap = d->cap_regions ? d->cap_regions * 2 : 16;
        qregion_t *r = realloc(d->regions, cap * sizeof *r);
        if (!r)
            return GLOSSA_ENOMEM;
        d->regions = r;
        d->cap_regions = cap;
    }
    qregion_t *r = &d->regions[d->n_regions];
    r->open = open;
    r->close = close;
    r->first = first;
    r->last = last;
    r->used = 0;
    for (uint32_t k = first; k <= last; k++)
        d->ti[k].quoted = 1u;
    d->n_regions++;
    return 0;
}

/* At the line break before token i, inside a quotation opened by `open`:
 * does it go on? */
static int goes_on(const qdoc_t *d, uint32_t open, uint32_t i)
{
    uint8_t single;
    uint8_t m = mark_of(d, i, &single);
    if (!single && (m == QM_OPEN || (m == QM_AMBIG && opens(d, i))))
        return 0;
    uint8_t open_single;
    int straight = mark_of(d, open, &open_single) == QM_AMBIG;
    for (uint32_t k = i; k < d->nt && (k == i || !break_before(d, k)); k++) {
        m = mark_of(d, k, &single);
        if (m == QM_NONE || single)
            continue;
        if (m == QM_CLOSE)
            return !straight;
        if (m == QM_AMBIG)
            return straight && !opens(d, k);
        return 0;
    }
    return 0;
}

/* A quotation still open at the end of its line whose last nested
 * quotation closed with a comma next to its mark ("“... set up an
 * “observation point,” the ministry said"): that mark closed both, as a
 * writer who does not double the marks has it. Returns the mark, or
 * QNONE. */
static uint32_t closes_both(const qdoc_t *d, uint32_t nested_close,
                            uint32_t line_end)
{
    if (nested_close == QNONE || nested_close + 2 > line_end)
        return QNONE;
    if (!qd_punct(d, nested_close - 1, ',') &&
        !qd_punct(d, nested_close + 1, ','))
        return QNONE;
    for (uint32_t k = nested_close + 1; k < line_end; k++)
        if (qd_word(d, k))
            return nested_close;
    return QNONE;
}

static int pair_double(qdoc_t *d)
{
    uint32_t open = QNONE, nested_close = QNONE;
    int depth = 0, straight = 0;
    for (uint32_t i = 0; i < d->nt; i++) {
        if (open != QNONE && i > open + 1 && break_before(d, i) &&
            !goes_on(d, open, i)) {
            uint32_t both = closes_both(d, nested_close, i);
            if (both != QNONE ? add_region(d, open, both, both - 1)
                              : add_region(d, open, QNONE, i - 1))
                return GLOSSA_ENOMEM;
            open = QNONE;
        }
        uint8_t single;
        uint8_t m = mark_of(d, i, &single);
        if (m == QM_NONE || single)
            continue;
        if (open == QNONE) {
            if (m == QM_OPEN || (m == QM_AMBIG && opens(d, i))) {
                open = i;
                depth = 0;
                straight = m == QM_AMBIG;
                nested_close = QNONE;
            }
            continue;
        }
        if (straight && m != QM_AMBIG)
            continue; /* only a straight mark closes a straight quotation */
        if (m == QM_AMBIG && !straight)
            m = opens(d, i) ? QM_OPEN : QM_CLOSE;
        if (m == QM_OPEN && !straight) {
            depth++;
        } else if (m == QM_AMBIG || m == QM_CLOSE) {
            if (depth > 0 && !straight) {
                if (--depth == 0)
                    nested_close = i;
                continue;
            }
            if (add_region(d, open, i, i - 1))
                return GLOSSA_ENOMEM;
            open = QNONE;
        }
    }
    if (open != QNONE && d->nt &&
        add_region(d, open, QNONE, (uint32_t)d->nt - 1))
        return GLOSSA_ENOMEM;
    return 0;
}

static int pair_single(qdoc_t *d)
{
    uint32_t open = QNONE;
    size_t n_double = d->n_regions;
    /* A mark is inside a double quotation when one that opened at or
     * before it reaches it. pair_double adds the regions in the order of
     * their opening marks, so one cursor over them, with the furthest
     * reach so far, answers in one pass over the document. */
    size_t next = 0;
    uint32_t reach = 0;
    int any = 0;
    for (uint32_t i = 0; i < d->nt; i++) {
        /* i is past open: on another line when a break comes between. */
        if (open != QNONE && break_before(d, i))
            open = QNONE;
        uint8_t single;
        uint8_t m = mark_of(d, i, &single);
        if (!single || m == QM_NONE)
            continue;
        for (; next < n_double && d->regions[next].open <= i; next++) {
            const qregion_t *g = &d->regions[next];
            uint32_t end = g->close == QNONE ? g->last : g->close;
            if (!any || end > reach)
                reach = end;
            any = 1;
        }
        int inside = any && i <= reach;
        if (inside) {
            open = QNONE;
            continue;
        }
        int can_open = (m == QM_OPEN || m == QM_AMBIG) && opens(d, i);
        int can_close = (m == QM_CLOSE || m == QM_AMBIG) &&
                        !spaced_before(d, i) &&
                        !(attached_next(d, i) && qd_word(d, i + 1));
        if (open == QNONE) {
            if (can_open)
                open = i;
        } else if (can_close) {
            if (add_region(d, open, i, i - 1))
                return GLOSSA_ENOMEM;
            open = QNONE;
        }
    }
    return 0;
}

int qm_pair(qdoc_t *d)
{
    int rc = pair_double(d);
    d->n_double = d->n_regions;
    if (!rc)
        rc = pair_single(d);
    return rc;
}

/* Where a region ends: its closing mark, or its last token when it has
 * none. Within a run the regions do not overlap, so their ends grow with
 * their index. */
static uint32_t region_end(const qregion_t *g)
{
    return g->close == QNONE ? g->last : g->close;
}

/* The region of regions[lo, hi) (one run) whose opening (closing) mark is
 * token i, or -1. */
static int in_run(const qdoc_t *d, size_t lo, size_t hi, uint32_t i,
                  int closing)
{
    size_t end = hi;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const qregion_t *g = &d->regions[mid];
        if ((closing ? region_end(g) : g->open) < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == end)
        return -1;
    return (closing ? d->regions[lo].close : d->regions[lo].open) == i ? (int)lo
                                                                       : -1;
}

static int at_mark(const qdoc_t *d, uint32_t i, int closing)
{
    if (i >= d->nt || !(d->tok[i].flags & GLOSSA_TOKEN_PUNCT))
        return -1;
    int r = in_run(d, 0, d->n_double, i, closing);
    if (r < 0)
        r = in_run(d, d->n_double, d->n_regions, i, closing);
    return r;
}

int qm_at_open(const qdoc_t *d, uint32_t i)
{
    return at_mark(d, i, 0);
}

int qm_at_close(const qdoc_t *d, uint32_t i)
{
    return at_mark(d, i, 1);
}

/* The region of regions[lo, hi) (one run) whose content holds token i,
 * or -1: the last to open before i, when it reaches it. */
static int content_in_run(const qdoc_t *d, size_t lo, size_t hi, uint32_t i)
{
    size_t a = lo, b = hi;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (d->regions[mid].open < i)
            a = mid + 1;
        else
            b = mid;
    }
    if (a == lo)
        return -1;
    const qregion_t *g = &d->regions[a - 1];
    return g->first <= i && i <= g->last ? (int)(a - 1) : -1;
}

/* Regions of one run do not overlap, and the double ones were made first,
 * so the first region that holds i is the double one if any. */
int qm_region_find(const qdoc_t *d, uint32_t i)
{
    int r = content_in_run(d, 0, d->n_double, i);
    if (r < 0)
        r = content_in_run(d, d->n_double, d->n_regions, i);
    return r;
}
