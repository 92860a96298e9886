/* Finding and normalizing temporal expressions.
 *
 * Running every rule over the whole text would cost one regex pass per
 * rule. Instead one pass tokenizes the text and looks each word up in the
 * trigger table (the words of the lexicons marked !trigger, plus digit
 * tokens). Each trigger opens a window reaching WINDOW_BACK words before it
 * and WINDOW_AHEAD words after; overlapping windows merge. Only the rules
 * whose trigger classes occur in a window run, and only over that window.
 * Temporal expressions are sparse in news, so most of the text is only
 * tokenized.
 *
 * Within a window every candidate match of every rule is collected; the
 * longest win (then the higher priority, then the earlier rule), as in
 * HeidelTime. The winners are normalized in text order, because anaphoric
 * values ("a year earlier") depend on the dates mentioned before them. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

#include "point.h"

/* Words of context around a trigger. Long enough for "at least the past
 * 18 months" and "the end of the year"; see rule patterns. */
#define WINDOW_BACK 6
#define WINDOW_AHEAD 4
#define RING_SIZE 8 /* at least WINDOW_BACK + 1 */
/* A dateline lies within this many bytes of the top of the text. */
#define DATELINE_SPAN 800
/* ... on a line with at most this many bytes besides the date. */
#define DATELINE_SLACK 48

typedef struct cand {
    size_t start, end; /* the span (extent group or whole match) */
    size_t ov_at;      /* offset of its ovector copy in the scratch */
    uint32_t rule;
    uint32_t won; /* a winner's value as picking it formed it (won_t) */
    bool dead;
} cand_t;

/* A winner's value, formed when the winners are picked. The value is
 * formed again for the span only if a span before it in the window moved
 * the anchors since (version), which is rare: windows mostly hold one. */
typedef struct won {
    dates_eval_t ev;
    char value[64];
    unsigned version;
} won_t;

/* One trigger word in the open window: the range of text it wakes rules
 * for (WINDOW_BACK words before it to WINDOW_AHEAD words after), and its
 * classes. A rule scans only the ranges of its own triggers. */
typedef struct occ {
    size_t s, e;
    uint64_t mask;
    int ahead; /* words still to add to e */
} occ_t;

typedef struct run {
    const dates_engine_t *e;
    const char *text;
    size_t len;
    pcre2_match_data *md;
    cand_t *cands;
    won_t *won; /* as many as cands */
    size_t ncands, cap_cands;
    PCRE2_SIZE *ovs;
    size_t novs, cap_ovs;
    dates_dct_t dct;
    char dct_value[16]; /* dct as an anchor, when dct_value_ok */
    bool dct_value_ok;
    dates_point_t ref;
    char ref_value[64];
    dates_point_t qref;
    char qref_value[64];
    bool qytd;
    dates_point_t scene; /* see DATES_ANCHOR_SCENE; ends at scene_end */
    char scene_value[64];
    size_t scene_end;
    unsigned version; /* counts the changes of the anchors above */
    dates_span_cb cb;
    void *arg;
    int rc;
    occ_t *occ;
    size_t nocc, cap_occ, pending;
    uint8_t *grams;  /* the open window's grams of bytes (prefilter.h) */
    uint8_t stamp;   /* the open window's mark in grams */
    uint64_t *woken; /* the window's rules, a bitset (class_rules) */
    size_t rule_runs;
} run_t;

int dates_dct_parse(const char *s, dates_dct_t *dct)
{
    memset(dct, 0, sizeof *dct);
    if (!s)
        return -1;
    int y, m, d;
    char c;
    size_t n = strlen(s);
    if (n >= 10 && s[4] == '-' && s[7] == '-') {
        for (int i = 0; i < 10; i++)
            if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
                return -1;
        y = atoi(s);
        m = atoi(s + 5);
        d = atoi(s + 8);
        c = s[10];
        if (c != '\0' && c != 'T' && c != ' ')
            return -1;
    } else if (n == 8) {
        for (int i = 0; i < 8; i++)
            if (!isdigit((unsigned char)s[i]))
                return -1;
        long v = atol(s);
        y = (int)(v / 10000);
        m = (int)(v / 100 % 100);
        d = (int)(v % 100);
    } else {
        return -1;
    }
    if (!dates_cal_valid(y, m, d))
        return -1;
    dct->valid = true;
    dct->date.y = y;
    dct->date.m = m;
    dct->date.d = d;
    return 0;
}

/* ---- Candidates -------------------------------------------------------- */

static int add_cand(run_t *R, uint32_t rule, const PCRE2_SIZE *ov,
                    uint32_t pairs, size_t start, size_t end)
{
    if (R->ncands == R->cap_cands) {
        size_t cap = R->cap_cands ? R->cap_cands * 2 : 32;
        cand_t *p = realloc(R->cands, cap * sizeof *p);
        if (!p)
            return GLOSSA_ENOMEM;
        R->cands = p;
        won_t *w = realloc(R->won, cap * sizeof *w);
        if (!w)
            return GLOSSA_ENOMEM;
        R->won = w;
        R->cap_cands = cap;
    }
    if (R->novs + 2 * pairs > R->cap_ovs) {
        size_t cap = R->cap_ovs ? R->cap_ovs * 2 : 256;
        while (cap < R->novs + 2 * pairs)
            cap *= 2;
        PCRE2_SIZE *p = realloc(R->ovs, cap * sizeof *p);
        if (!p)
            return GLOSSA_ENOMEM;
        R->ovs = p;
        R->cap_ovs = cap;
    }
    memcpy(R->ovs + R->novs, ov, 2 * pairs * sizeof *ov);
    cand_t *c = &R->cands[R->ncands++];
    c->start = start;
    c->end = end;
    c->ov_at = R->novs;
    c->rule = rule;
    c->dead = false;
    R->novs += 2 * pairs;
    return 0;
}

/* Runs rule r over [ws, we) and collects its matches. */
static int run_rule(run_t *R, uint32_t ri, size_t ws, size_t we)
{
    const dates_rule_t *r = &R->e->rules[ri];
    if (r->count_unit && !dates__count_unit_met(r->count_unit, R->text, ws, we))
        return 0;
    size_t off = ws;
    R->rule_runs++;
    while (off < we) {
        /* After a match, the rest of the range may hold no other. */
        if (r->count_unit && off > ws &&
            !dates__count_unit_met(r->count_unit, R->text, off, we))
            return 0;
        int rc = r->jit ? pcre2_jit_match(r->re, (PCRE2_SPTR)R->text, we, off,
                                          0, R->md, NULL)
                        : pcre2_match(r->re, (PCRE2_SPTR)R->text, we, off, 0,
                                      R->md, NULL);
        if (rc <= 0)
            return 0; /* no match, or a match-limit error: give up here */
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(R->md);
        size_t s = ov[0], e = ov[1];
        if (r->extent_group > 0 && ov[2 * r->extent_group] != PCRE2_UNSET) {
            s = ov[2 * r->extent_group];
            e = ov[2 * r->extent_group + 1];
        }
        /* Spans must start and end on character boundaries; patterns
         * match ASCII, so this only guards against odd rules. */
        bool ok = e > s && ((unsigned char)R->text[s] & 0xC0) != 0x80 &&
                  (e >= R->len || ((unsigned char)R->text[e] & 0xC0) != 0x80);
        if (ok) {
            int err = add_cand(R, ri, ov, r->pairs, s, e);
            if (err)
                return err;
        }
        off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    return 0;
}

static int cmp_cand_rank(const void *a, const void *b, const run_t *R)
{
    const cand_t *x = a, *y = b;
    size_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    int px = R->e->rules[x->rule].priority, py = R->e->rules[y->rule].priority;
    if (px != py)
        return px > py ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->rule < y->rule ? -1 : (x->rule > y->rule);
}

/* qsort has no context argument in C11; the ranking needs rule
 * priorities, so sort by insertion (windows hold few candidates). */
static void sort_rank(run_t *R)
{
    for (size_t i = 1; i < R->ncands; i++) {
        cand_t c = R->cands[i];
        size_t j = i;
        while (j > 0 && cmp_cand_rank(&R->cands[j - 1], &c, R) > 0) {
            R->cands[j] = R->cands[j - 1];
            j--;
        }
        R->cands[j] = c;
    }
}

static void sort_start(cand_t *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        cand_t x = c[i];
        size_t j = i;
        while (j > 0 && c[j - 1].start > x.start) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = x;
    }
}

static const char *const TYPE_NAMES[] = {"DATE", "TIME", "DURATION", "SET",
                                         "NONE"};

/* Evaluates candidate c; dry runs leave the reference untouched. */
static int eval_match(run_t *R, uint32_t rule, size_t start, size_t end,
                      const PCRE2_SIZE *ov, char *value, size_t vsize,
                      dates_eval_t *ev)
{
    const dates_rule_t *r = &R->e->rules[rule];
    memset(ev, 0, sizeof *ev);
    ev->engine = R->e;
    ev->text = R->text;
    ev->len = R->len;
    ev->start = start;
    ev->end = end;
    ev->ov = ov;
    ev->pairs = r->pairs;
    ev->dct = R->dct;
    ev->ref = R->ref;
    memcpy(ev->ref_value, R->ref_value, sizeof ev->ref_value);
    ev->qref = R->qref;
    memcpy(ev->qref_value, R->qref_value, sizeof ev->qref_value);
    ev->qytd = R->qytd;
    if (R->scene.gran != G_NONE && start < R->scene_end)
        ev->scene = R->scene;
    if (!r->value) {
        value[0] = '\0';
        return 0;
    }
    return dates__template_eval(r->value, ev, value, vsize);
}

static int eval_cand(run_t *R, const cand_t *c, char *value, size_t vsize,
                     dates_eval_t *ev)
{
    return eval_match(R, c->rule, c->start, c->end, R->ovs + c->ov_at, value,
                      vsize, ev);
}

/* Ranks the window's candidates and keeps, at the front of R->cands in
 * text order, those that win: longest first, then priority, each not
 * overlapping one kept before and with a value that can be formed.
 * Returns how many. */
static size_t pick_winners(run_t *R)
{
    sort_rank(R);
    char value[64];
    dates_eval_t ev;
    size_t nwin = 0;
    for (size_t i = 0; i < R->ncands; i++) {
        cand_t *c = &R->cands[i];
        bool clash = false;
        for (size_t j = 0; j < nwin && !clash; j++) {
            const cand_t *w = &R->cands[j];
            clash = c->start < w->end && w->start < c->end;
        }
        if (clash)
            continue;
        /* A candidate whose value cannot be formed (February 30) gives
         * way to shorter ones. */
        if (eval_cand(R, c, value, sizeof value, &ev) < 0)
            continue;
        won_t *w = &R->won[nwin];
        w->ev = ev;
        memcpy(w->value, value, sizeof w->value);
        w->version = R->version;
        c->won = (uint32_t)nwin;
        /* Winners are kept at the front of the array. */
        cand_t tmp = *c;
        *c = R->cands[nwin];
        R->cands[nwin++] = tmp;
    }
    sort_start(R->cands, nwin);
    return nwin;
}

/* The value a span was resolved against, as ev says it used it: the last
 * quarter named, the last date named or the DCT; NULL when none. anchor
 * holds 64 bytes. */
static const char *anchor_of(run_t *R, const dates_eval_t *ev, char *anchor)
{
    if (ev->used_scene) {
        memcpy(anchor, R->scene_value, 64);
        return anchor;
    }
    if (ev->used_qref) {
        memcpy(anchor, R->qref_value, 64);
        return anchor;
    }
    if (ev->used_ref) {
        memcpy(anchor, R->ref_value, 64);
        return anchor;
    }
    if (ev->used_dct && R->dct.valid) {
        if (!R->dct_value_ok) {
            dates_ymd_t d = R->dct.date;
            snprintf(R->dct_value, sizeof R->dct_value, "%04d-%02d-%02d", d.y,
                     d.m, d.d);
            R->dct_value_ok = true;
        }
        memcpy(anchor, R->dct_value, sizeof R->dct_value);
        return anchor;
    }
    return NULL;
}

/* Copies a value (at most 63 bytes, as formed) to a 64-byte anchor. */
static void copy_value(char *dst, const char *value)
{
    size_t n = strlen(value);
    if (n > 63)
        n = 63;
    memcpy(dst, value, n);
    dst[n] = '\0';
}

/* After a span of rule r with this value: the date later anaphora resolve
 * against, and the quarter an earnings report is on. */
static void remember(run_t *R, const dates_rule_t *r, const char *value,
                     size_t end)
{
    dates_point_t p;
    if (r->anchor == DATES_ANCHOR_DCT) {
        dates_dct_t d;
        if (dates_dct_parse(value, &d) == 0) {
            R->dct = d;
            R->dct_value_ok = false;
            R->version++;
        }
    } else if (r->anchor == DATES_ANCHOR_SCENE &&
               dates__point_parse(value, &p) && p.gran == G_DAY) {
        /* A scene near the DCT changes nothing worth the risk. */
        long gap = R->dct.valid ? dates_cal_to_days(R->dct.date) -
                                      dates_cal_to_days(dates__point_day(&p))
                                : 8;
        if (gap > 7 || gap < -7) {
            R->scene = p;
            copy_value(R->scene_value, value);
            const char *nl = memchr(R->text + end, '\n', R->len - end);
            R->scene_end = nl ? (size_t)(nl - R->text) : R->len;
            R->version++;
        }
    }
    if (r->keep_ref && (r->type == DATES_T_DATE || r->type == DATES_T_TIME) &&
        dates__point_parse(value, &p)) {
        R->ref = p;
        copy_value(R->ref_value, value);
        R->version++;
        /* Only a quarter over by the DCT is one a report compares
         * with "a year ago"; forecasts ("losses through the third
         * quarter of 1990", "a charge in the fourth quarter") are
         * not. */
        /* A report is on its latest quarter: an earlier one named
         * after it ("after a flat second quarter", "a charge in the
         * 1988 second quarter") is a comparison, not the subject. */
        if (p.gran == G_QUARTER &&
            (!R->dct.valid ||
             p.y * 4 + p.q <
                 R->dct.date.y * 4 + dates_cal_quarter(R->dct.date.m)) &&
            (R->qref.gran != G_QUARTER ||
             p.y * 4 + p.q >= R->qref.y * 4 + R->qref.q)) {
            R->qref = p;
            copy_value(R->qref_value, value);
            R->qytd = false;
        }
    }
    if (r->ytd) {
        R->qytd = true;
        R->version++;
    }
}

/* Picks the winners among the window's candidates and emits them, in text
 * order, each value formed after the ones before it. */
static int resolve_window(run_t *R)
{
    if (R->ncands == 0)
        return 0;
    size_t nwin = pick_winners(R);
    char value[64];
    dates_eval_t ev;
    for (size_t i = 0; i < nwin; i++) {
        const cand_t *c = &R->cands[i];
        const dates_rule_t *r = &R->e->rules[c->rule];
        if (r->type == DATES_T_NONE)
            continue;
        const won_t *w = &R->won[c->won];
        if (w->version == R->version) {
            ev = w->ev;
            memcpy(value, w->value, sizeof value);
        } else if (eval_cand(R, c, value, sizeof value, &ev) < 0) {
            continue;
        }
        char anchor[64];
        const char *anchor_p = anchor_of(R, &ev, anchor);
        /* A mod that cannot be formed is left out; it never drops the
         * expression. */
        char mod[32];
        const char *mod_p = NULL;
        if (r->mod) {
            dates_eval_t mev = ev;
            if (dates__template_eval(r->mod, &mev, mod, sizeof mod) == 0 &&
                mod[0])
                mod_p = mod;
        }
        dates_span_t span = {c->start, c->end,   TYPE_NAMES[r->type],
                             value,    anchor_p, mod_p,
                             r->name};
        if (R->cb) {
            int rc = R->cb(R->arg, &span);
            if (rc)
                return rc;
        }
        remember(R, r, value, c->end);
    }
    return 0;
}

/* Runs rule i over the union of the ranges of its triggers in the
 * window, unless its prefilter rules a match out. */
static int run_woken_rule(run_t *R, uint32_t i)
{
    uint64_t want = R->e->rule_triggers[i];
    const dates_need_t *need = R->e->rules[i].need;
    if (need && !dates__need_met(need, R->grams, R->stamp))
        return 0;
    /* The union of the ranges of this rule's triggers, in order. */
    size_t rs = 0, re = 0;
    bool have = false;
    for (size_t k = 0; k <= R->nocc; k++) {
        const occ_t *o = k < R->nocc ? &R->occ[k] : NULL;
        if (o && !(o->mask & want))
            continue;
        if (o && have && o->s <= re) {
            if (o->e > re)
                re = o->e;
            continue;
        }
        if (have) {
            /* A range ends at a word; let it take the period of
             * "p.m." and the parenthesis of "(GMT)" too. */
            if (re < R->len && (R->text[re] == '.' || R->text[re] == ')'))
                re++;
            int rc = run_rule(R, i, rs, re);
            if (rc)
                return rc;
        }
        if (o) {
            rs = o->s;
            re = o->e;
            have = true;
        }
    }
    return 0;
}

/* Runs each rule that a class in mask wakes, in rule order (the order of
 * the candidates, which breaks ties among them). */
static int run_rules(run_t *R, uint64_t mask)
{
    const dates_engine_t *e = R->e;
    size_t words = e->rule_words;
    memset(R->woken, 0, words * sizeof *R->woken);
    for (uint64_t m = mask; m; m &= m - 1) {
        const uint64_t *set =
            e->class_rules + (size_t)__builtin_ctzll(m) * words;
        for (size_t w = 0; w < words; w++)
            R->woken[w] |= set[w];
    }
    for (size_t w = 0; w < words; w++) {
        for (uint64_t bits = R->woken[w]; bits; bits &= bits - 1) {
            uint32_t i = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
            int rc = run_woken_rule(R, i);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int run_window(run_t *R, uint64_t mask)
{
    R->ncands = 0;
    R->novs = 0;
    /* Every range a rule runs on lies in [ws, we); the prefilters look
     * there and as far before as a lookbehind can. */
    size_t ws = R->len, we = 0;
    for (size_t k = 0; k < R->nocc; k++) {
        if (R->occ[k].s < ws)
            ws = R->occ[k].s;
        if (R->occ[k].e > we)
            we = R->occ[k].e;
    }
    we = we < R->len ? we + 1 : R->len;
    ws = ws > R->e->max_lookbehind ? ws - R->e->max_lookbehind : 0;
    if (++R->stamp == 0) {
        memset(R->grams, 0, DATES_GRAMS);
        R->stamp = 1;
    }
    dates__grams_mark(R->grams, R->stamp, R->text, ws, we);
    int rc = run_rules(R, mask);
    R->nocc = 0;
    R->pending = 0;
    if (rc)
        return rc;
    return resolve_window(R);
}

static int add_occ(run_t *R, size_t s, size_t e, uint64_t mask)
{
    if (R->nocc == R->cap_occ) {
        size_t cap = R->cap_occ ? R->cap_occ * 2 : 64;
        occ_t *p = realloc(R->occ, cap * sizeof *p);
        if (!p)
            return GLOSSA_ENOMEM;
        R->occ = p;
        R->cap_occ = cap;
    }
    occ_t *o = &R->occ[R->nocc++];
    o->s = s;
    o->e = e;
    o->mask = mask;
    o->ahead = WINDOW_AHEAD;
    return 0;
}

/* ---- Trigger scan ------------------------------------------------------ */

/* The classes of the lowercase word w, whose trigger hash is h. */
static uint64_t word_mask(const dates_engine_t *e, const char *w, uint64_t h)
{
    if (e->tw_size == 0)
        return 0;
    size_t mask = e->tw_size - 1;
    uint8_t tag = dates__trigger_tag(h);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint8_t t = e->tw_tags[i];
        if (t == 0)
            return 0;
        if (t == tag && strcmp(e->tw_keys[i], w) == 0)
            return e->tw_masks[i];
    }
}

/* Character classes for the scan: ASCII letters and digits form tokens;
 * everything else (punctuation, space, non-ASCII bytes) separates them. */
enum { CC_OTHER = 0, CC_ALPHA = 1, CC_DIGIT = 2 };

static const unsigned char *cc_table(void)
{
    static const unsigned char table[256] = {
#define D CC_DIGIT
#define A CC_ALPHA
        ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D, ['5'] = D,
        ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D, ['a'] = A, ['b'] = A,
        ['c'] = A, ['d'] = A, ['e'] = A, ['f'] = A, ['g'] = A, ['h'] = A,
        ['i'] = A, ['j'] = A, ['k'] = A, ['l'] = A, ['m'] = A, ['n'] = A,
        ['o'] = A, ['p'] = A, ['q'] = A, ['r'] = A, ['s'] = A, ['t'] = A,
        ['u'] = A, ['v'] = A, ['w'] = A, ['x'] = A, ['y'] = A, ['z'] = A,
        ['A'] = A, ['B'] = A, ['C'] = A, ['D'] = A, ['E'] = A, ['F'] = A,
        ['G'] = A, ['H'] = A, ['I'] = A, ['J'] = A, ['K'] = A, ['L'] = A,
        ['M'] = A, ['N'] = A, ['O'] = A, ['P'] = A, ['Q'] = A, ['R'] = A,
        ['S'] = A, ['T'] = A, ['U'] = A, ['V'] = A, ['W'] = A, ['X'] = A,
        ['Y'] = A, ['Z'] = A,
#undef A
#undef D
    };
    return table;
}

/* The built-in classes of the digit token [s, e) (see internal.h). */
static uint64_t digit_classes(const unsigned char *t, size_t s, size_t e,
                              size_t to)
{
    uint64_t m = 1ull << DATES_CLASS_DIGITS;
    size_t n = e - s;
    unsigned char next = e < to ? t[e] : 0;
    unsigned char next2 = e + 1 < to ? t[e + 1] : 0;
    if (n == 4 && (t[s] == '1' || (t[s] == '2' && t[s + 1] == '0')))
        m |= 1ull << DATES_CLASS_YEAR;
    else if (n == 2 &&
             ((s > 0 && (t[s - 1] == '\'' || t[s - 1] == '`')) || next == 's'))
        m |= 1ull << DATES_CLASS_YEAR;
    if (n <= 4 && (next == '/' || next == '-' || next == '.') && next2 >= '0' &&
        next2 <= '9')
        m |= 1ull << DATES_CLASS_NUMDATE;
    if (n <= 2) {
        if (next == ':' && next2 >= '0' && next2 <= '9')
            m |= 1ull << DATES_CLASS_CLOCK;
        size_t k = e;
        while (k < to && k < e + 2 && (t[k] == ' ' || t[k] == '.'))
            k++;
        if (k + 1 < to && ((t[k] | 0x20) == 'a' || (t[k] | 0x20) == 'p') &&
            ((t[k + 1] | 0x20) == 'm' ||
             (t[k + 1] == '.' && k + 2 < to && (t[k + 2] | 0x20) == 'm')))
            m |= 1ull << DATES_CLASS_CLOCK;
    }
    return m;
}

/* The end of the run of ASCII letters at t[i] (i < to): eight bytes at a
 * time where the text has them, each tested for a letter as cc_table
 * says (| 0x20 folds the capitals; bytes from 0x80 are none), then byte
 * by byte. */
static size_t alpha_end(const unsigned char *t, size_t i, size_t to)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, high = 0x80 * ones;
    while (to - i >= 8) {
        uint64_t v;
        memcpy(&v, t + i, 8);
        /* Each byte's low seven bits, capitals folded: at most 0x7f, so
         * adding to a byte carries nothing into the next. */
        uint64_t low = (v | 0x20 * ones) & 0x7f * ones;
        uint64_t from_a = low + (0x80 - 'a') * ones;     /* 0x80 set: >= 'a' */
        uint64_t past_z = low + (0x80 - 'z' - 1) * ones; /* 0x80 set: > 'z' */
        uint64_t letter = from_a & ~past_z & ~v & high;
        uint64_t other = ~letter & high;
        if (other)
            return i + (size_t)__builtin_ctzll(other) / 8;
        i += 8;
    }
#endif
    const unsigned char *cc = cc_table();
    while (i < to && cc[t[i]] == CC_ALPHA)
        i++;
    return i;
}

static int scan(run_t *R, size_t from, size_t to)
{
    const unsigned char *t = (const unsigned char *)R->text;
    const unsigned char *cc = cc_table();
    /* The starts of the last tokens: ntok counts them, the ring keeps
     * WINDOW_BACK + 1 or more (a power of two, for cheap indexing). */
    size_t ring[RING_SIZE];
    size_t ntok = 0;
    bool open = false;
    size_t we = 0;
    uint64_t mask = 0;
    int ahead = 0;
    size_t i = from;
    while (i < to) {
        unsigned char c = cc[t[i]];
        if (c == CC_OTHER) {
            i++;
            continue;
        }
        size_t s = i;
        uint64_t m = 0;
        if (c == CC_DIGIT) {
            while (i < to && cc[t[i]] == CC_DIGIT)
                i++;
            m = digit_classes(t, s, i, to);
        } else {
            i = alpha_end(t, i + 1, to);
            size_t n = i - s;
            if (n >= 2 && n <= DATES_MAX_WORD) {
                uint32_t sig = dates__trigger_sig(t + s, n);
                if (R->e->tw_sigs[sig / 8] >> (sig % 8) & 1) {
                    char w[DATES_MAX_WORD + 1];
                    uint64_t h = DATES_HASH_START;
                    for (size_t k = 0; k < n; k++) {
                        w[k] = (char)(t[s + k] | 0x20); /* ASCII lowercase */
                        h = dates__trigger_hash_add(h, (unsigned char)w[k]);
                    }
                    w[n] = '\0';
                    m = word_mask(R->e, w, h);
                }
            }
        }
        ring[ntok++ % RING_SIZE] = s;
        /* This word extends the ranges of the triggers before it. */
        for (size_t k = R->pending; k < R->nocc; k++) {
            if (R->occ[k].ahead > 0) {
                R->occ[k].e = i;
                R->occ[k].ahead--;
            }
        }
        while (R->pending < R->nocc && R->occ[R->pending].ahead == 0)
            R->pending++;
        if (m) {
            /* The start of the token WINDOW_BACK before this one (or of
             * the first). */
            size_t back =
                ring[(ntok > WINDOW_BACK ? ntok - WINDOW_BACK - 1 : 0) %
                     RING_SIZE];
            if (!(open && back <= we) && open) {
                int rc = run_window(R, mask);
                if (rc)
                    return rc;
                open = false;
            }
            if (!open) {
                open = true;
                mask = 0;
            }
            mask |= m;
            we = i;
            ahead = WINDOW_AHEAD;
            if (add_occ(R, back, i, m) != 0)
                return GLOSSA_ENOMEM;
        } else if (open && ahead > 0) {
            we = i;
            ahead--;
        }
    }
    if (open)
        return run_window(R, mask);
    return 0;
}

/* ---- Dateline ---------------------------------------------------------- */

static bool line_is_dateline(const char *t, size_t len, size_t s, size_t e)
{
    size_t ls = s, le = e;
    while (ls > 0 && t[ls - 1] != '\n')
        ls--;
    while (le < len && t[le] != '\n')
        le++;
    return (s - ls) + (le - e) <= DATELINE_SLACK;
}

static int dateline_cb(void *arg, const dates_span_t *span)
{
    (void)arg;
    (void)span;
    return 0;
}

/* Looks for a full date alone on a line near the top, matched by a rule
 * marked `dateline = yes`. */
static void find_dateline(run_t *R)
{
    size_t to = R->len < DATELINE_SPAN ? R->len : DATELINE_SPAN;
    /* Stop at a line end so that a date is never cut. */
    while (to < R->len && R->text[to] != '\n' && to < DATELINE_SPAN + 200)
        to++;
    size_t best_s = (size_t)-1;
    char best[64] = "";
    for (uint32_t ri = 0; ri < R->e->nrules; ri++) {
        const dates_rule_t *r = &R->e->rules[ri];
        if (!r->dateline)
            continue;
        size_t off = 0;
        while (off < to) {
            int rc = pcre2_match(r->re, (PCRE2_SPTR)R->text, to, off, 0, R->md,
                                 NULL);
            if (rc <= 0)
                break;
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(R->md);
            if (ov[0] < best_s &&
                line_is_dateline(R->text, R->len, ov[0], ov[1])) {
                dates_eval_t ev;
                char v[64];
                dates_dct_t d;
                if (eval_match(R, ri, ov[0], ov[1], ov, v, sizeof v, &ev) ==
                        0 &&
                    dates_dct_parse(v, &d) == 0) {
                    best_s = ov[0];
                    memcpy(best, v, sizeof best);
                }
            }
            off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        }
    }
    if (best[0])
        dates_dct_parse(best, &R->dct);
}

/* Working memory of annotations: the match data, the candidates' and
 * trigger ranges' arrays, and the grams table. Kept from one document to
 * the next because allocating the 64 KB table per document cost a page
 * fault per page (the allocator hands pages that size back to the kernel).
 * The table needs no clearing between documents: a mark counts only when
 * it holds the open window's stamp, every window takes a stamp no earlier
 * window since the last clearing had, and the table is cleared when the
 * stamp wraps, as within one document. */
struct dates_scratch {
    const dates_engine_t *e;
    pcre2_match_data *md;
    cand_t *cands;
    won_t *won;
    size_t cap_cands;
    PCRE2_SIZE *ovs;
    size_t cap_ovs;
    occ_t *occ;
    size_t cap_occ;
    uint8_t *grams;
    uint8_t stamp;
    uint64_t *woken;
    size_t rule_runs;
};

/* A buffer one document grew past this is given back after it, so that a
 * kept scratch stays small (with its table, well under 1 MB) whatever
 * documents came before. Ordinary windows need a few KB. */
#define SCRATCH_KEEP_BYTES ((size_t)256 << 10)

dates_scratch_t *dates_scratch_new(const dates_engine_t *e)
{
    dates_scratch_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->e = e;
    s->md = pcre2_match_data_create(e->max_pairs, NULL);
    s->grams = calloc(DATES_GRAMS, 1);
    s->woken = calloc(e->rule_words ? e->rule_words : 1, sizeof *s->woken);
    if (!s->md || !s->grams || !s->woken) {
        dates_scratch_free(s);
        return NULL;
    }
    return s;
}

void dates_scratch_free(dates_scratch_t *s)
{
    if (!s)
        return;
    pcre2_match_data_free(s->md);
    free(s->cands);
    free(s->won);
    free(s->ovs);
    free(s->occ);
    free(s->grams);
    free(s->woken);
    free(s);
}

size_t dates_scratch_rule_runs(const dates_scratch_t *s)
{
    return s->rule_runs;
}

/* Takes back the buffers R may have grown, or frees those past the
 * bound. */
static void scratch_keep(dates_scratch_t *s, const run_t *R)
{
    s->stamp = R->stamp;
    s->rule_runs = R->rule_runs;
    if (R->cap_cands * (sizeof *R->cands + sizeof *R->won) >
        SCRATCH_KEEP_BYTES) {
        free(R->cands);
        free(R->won);
        s->cands = NULL;
        s->won = NULL;
        s->cap_cands = 0;
    } else {
        s->cands = R->cands;
        s->won = R->won;
        s->cap_cands = R->cap_cands;
    }
    if (R->cap_ovs * sizeof *R->ovs > SCRATCH_KEEP_BYTES) {
        free(R->ovs);
        s->ovs = NULL;
        s->cap_ovs = 0;
    } else {
        s->ovs = R->ovs;
        s->cap_ovs = R->cap_ovs;
    }
    if (R->cap_occ * sizeof *R->occ > SCRATCH_KEEP_BYTES) {
        free(R->occ);
        s->occ = NULL;
        s->cap_occ = 0;
    } else {
        s->occ = R->occ;
        s->cap_occ = R->cap_occ;
    }
}

int dates_scratch_annotate(dates_scratch_t *s, const char *text, size_t len,
                           const dates_dct_t *dct, unsigned flags,
                           dates_span_cb cb, void *arg, dates_dct_t *used_dct)
{
    /* Everything but the buffers starts afresh: counts and anchors are
     * the document's own. */
    run_t R;
    memset(&R, 0, sizeof R);
    R.e = s->e;
    R.text = text;
    R.len = len;
    R.cb = cb ? cb : dateline_cb;
    R.arg = arg;
    if (dct && dct->valid)
        R.dct = *dct;
    R.md = s->md;
    R.cands = s->cands;
    R.won = s->won;
    R.cap_cands = s->cap_cands;
    R.ovs = s->ovs;
    R.cap_ovs = s->cap_ovs;
    R.occ = s->occ;
    R.cap_occ = s->cap_occ;
    R.grams = s->grams;
    R.stamp = s->stamp;
    R.woken = s->woken;
    if (!R.dct.valid && (flags & DATES_DATELINE))
        find_dateline(&R);
    if (used_dct)
        *used_dct = R.dct;
    int rc = scan(&R, 0, len);
    scratch_keep(s, &R);
    return rc;
}

int dates_engine_annotate(const dates_engine_t *e, const char *text, size_t len,
                          const dates_dct_t *dct, unsigned flags,
                          dates_span_cb cb, void *arg, dates_dct_t *used_dct)
{
    dates_scratch_t *s = dates_scratch_new(e);
    if (!s)
        return GLOSSA_ENOMEM;
    int rc =
        dates_scratch_annotate(s, text, len, dct, flags, cb, arg, used_dct);
    dates_scratch_free(s);
    return rc;
}
