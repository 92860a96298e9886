/* Step 2 of the analysis: the profile's patterns (target stand-ins, role,
 * context and anaphor cues, weighted polarity cues, fixed expressions)
 * matched over the words, with "*" prefixes and gaps; overlapping
 * polarity cues keep the longest. */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

static int elem_matches(const med_ws_t *ws, const med_elem_t *el,
                        const med_word_t *x)
{
    if (x->len < el->len ||
        (!el->prefix && (x->len != el->len || x->hash != el->hash)))
        return 0;
    return memcmp(med_wtext(ws, x), ws->m->pool + el->key, el->len) == 0;
}

static void hit_push(med_ws_t *ws, size_t a, size_t b, const med_pattern_t *p,
                     size_t pat)
{
    if (ws->n_hits == ws->cap_hits)
        return; /* bounded per sentence; see alloc in mediation_analyze */
    med_hit_t *h = &ws->hits[ws->n_hits++];
    h->a = (uint16_t)a;
    h->b = (uint16_t)b;
    h->kind = p->kind;
    h->accepted = 0;
    h->weight = p->weight;
    h->pat = (uint32_t)pat;
}

/* Tries every pattern of one head chain at word i. */
static void try_chain(med_ws_t *ws, int32_t head, size_t i)
{
    const mediation_model_t *m = ws->m;
    uint64_t have = 0; /* the hash bits of words (i, seen) */
    size_t seen = i + 1;
    for (int32_t p = head; p >= 0; p = m->patterns[p].next) {
        const med_pattern_t *pat = &m->patterns[p];
        if (pat->need) {
            size_t end =
                i + 1 + pat->reach < ws->n ? i + 1 + pat->reach : ws->n;
            for (; seen < end; seen++)
                if (ws->w[seen].len)
                    have |= UINT64_C(1) << (ws->w[seen].hash & 63);
            if (pat->need & ~have)
                continue;
        }
        size_t at = i;
        int ok = 1;
        for (size_t k = 1; ok && k < pat->n_elem; k++) {
            const med_elem_t *el = &m->elems[pat->elem_first + k];
            ok = 0;
            for (size_t j = at + 1; j < ws->n && j <= at + 1 + pat->gap; j++) {
                const med_word_t *x = &ws->w[j];
                if (elem_matches(ws, el, x)) {
                    at = j;
                    ok = 1;
                    break;
                }
                /* Gaps may hold words and apostrophes, never a clause
                 * boundary. */
                if (x->punct != P_NONE && x->punct != P_OTHER)
                    break;
            }
        }
        if (ok)
            hit_push(ws, i, at + 1, pat, (size_t)p);
    }
}

void med_match_patterns(med_ws_t *ws)
{
    const mediation_model_t *m = ws->m;
    ws->n_hits = 0;
    char key[MED_MAX_WORD + 1];
    for (size_t i = 0; i < ws->n; i++) {
        const med_word_t *x = &ws->w[i];
        if (x->e && x->e->pat_head >= 0)
            try_chain(ws, x->e->pat_head, i);
        if (x->len < 3 || x->punct != P_NONE)
            continue;
        const char *s = med_wtext(ws, x);
        uint32_t lens = med_prefix_lengths(m, med_prefix3(s, x->len));
        if (!lens)
            continue;
        memcpy(key, s, x->len);
        for (size_t l = 3; l <= x->len && l <= MED_MAX_PREFIX; l++) {
            if (!(lens & (1u << l)))
                continue;
            key[l] = '*';
            const med_entry_t *pe = med_lookup(m, key, l + 1);
            key[l] = l < x->len ? s[l] : '\0';
            if (pe && (pe->flags & W_PREFIX_KEY) && pe->pat_head >= 0)
                try_chain(ws, pe->pat_head, i);
        }
    }
}

/* Applies the hits: marks words, and picks non-overlapping polarity cues,
 * longest first ("traded criticism" over "criticism"). */
/* Who owns the force word at a: 1 the target ("Russian troops",
 * "Russia's contingent", "Moscow's peacekeeping force"), -1 someone else
 * ("Turkish troops", "Azerbaijan's forces"), 2 a possessive ("their
 * forces"), 3 a force named before ("the contingent", "these supposed
 * peacekeepers"), 0 nobody named ("a force of 2,000"). */
static int force_owner(const med_ws_t *ws, size_t a)
{
    size_t j = a;
    /* A modifier may stand between: "Russian peacekeeping troops",
     * "Russia's 2,000-strong force"; a determiner ends the phrase. */
    for (int k = 0; k < 3 && j > 0; k++) {
        const med_word_t *x = &ws->w[j - 1];
        if (x->mark & M_TARGET)
            return 1;
        if (med_word_is(ws, j - 1, "'s") && j >= 2)
            return (ws->w[j - 2].mark & M_TARGET) ? 1 : -1;
        if (x->ent >= 0)
            return -1;
        if (x->flags & W_POSSESSIVE)
            return 2;
        if (x->flags & W_DEFINITE)
            return 3;
        if (x->punct != P_NONE || (x->flags & W_DET))
            return 0;
        j--;
    }
    return 0;
}

/* Marks the words of each hit by its kind and notes the kinds in *c. */
static void mark_hits(med_ws_t *ws, med_cues_t *c)
{
    for (size_t h = 0; h < ws->n_hits; h++) {
        const med_hit_t *x = &ws->hits[h];
        uint16_t mark = 0;
        switch (x->kind) {
        case PAT_FIXED:
            mark = M_FIXED;
            break;
        case PAT_TARGET:
            mark = M_TARGET;
            break;
        case PAT_ROLE:
            c->role = 1;
            mark = M_CUE | M_ROLE;
            break;
        case PAT_CONTEXT:
            c->context = 1;
            mark = M_CUE;
            break;
        case PAT_ANAPHOR:
            c->anaphor = 1; /* "its role": the mediator named before */
            mark = M_CUE;
            break;
        case PAT_FORCE:
            mark = M_FORCE;
            break;
        case PAT_BILATERAL:
            c->bilateral = 1;
            break;
        case PAT_ALLIANCE:
            c->alliance = 1;
            break;
        case PAT_OTHERS:
            c->others = 1; /* relevance only: no mark, no polarity */
            break;
        case PAT_ELSEWHERE:
            c->elsewhere = 1; /* relevance only */
            break;
        case PAT_CONFLICT:
            c->conflict = 1;
            mark = M_CONFLICT;
            break;
        case PAT_STANDING:
            c->standing = 1; /* relevance only: no mark, no polarity */
            break;
        default:
            break;
        }
        for (size_t i = x->a; i < x->b; i++)
            ws->w[i].mark |= mark;
    }
}

/* Accepts non-overlapping stance cues, longest first ("traded criticism"
 * over "criticism"); none inside a fixed expression ("without delay"). */
static void accept_stance_cues(med_ws_t *ws)
{
    for (;;) {
        med_hit_t *best = NULL;
        for (size_t h = 0; h < ws->n_hits; h++) {
            med_hit_t *x = &ws->hits[h];
            if (!med_polar_kind(x->kind) || x->accepted)
                continue;
            int free_span = 1;
            for (size_t i = x->a; free_span && i < x->b; i++)
                free_span = !(ws->w[i].mark & (M_COVERED | M_FIXED));
            if (!free_span) {
                x->accepted = 2; /* rejected */
                continue;
            }
            if (!best || x->b - x->a > best->b - best->a)
                best = x;
        }
        if (!best)
            return;
        best->accepted = 1;
        for (size_t i = best->a; i < best->b; i++)
            ws->w[i].mark |= M_COVERED;
    }
}

/* Force words by their owner: the target's is a role, one named before
 * an anaphor, another's or nobody's noted as such. After mark_hits: a
 * role anaphor has marked its words. */
static void classify_forces(med_ws_t *ws, med_cues_t *c)
{
    for (size_t h = 0; h < ws->n_hits; h++) {
        const med_hit_t *x = &ws->hits[h];
        if (x->kind != PAT_FORCE)
            continue;
        int owner = force_owner(ws, x->a);
        /* "its troops", "their peacekeepers": a role anaphor's force. */
        if (owner == 2) {
            c->force_anaphor |= (ws->w[x->a].mark & M_CUE) != 0;
            continue;
        }
        if (owner == 1 || owner == 3) {
            if (owner == 3)
                c->anaphor = c->force_anaphor = 1;
            else
                c->force = 1;
            for (size_t i = x->a; i < x->b; i++)
                ws->w[i].mark |= M_CUE;
        } else if (owner < 0) {
            c->other_force = 1;
        } else {
            c->bare_force = 1;
        }
    }
}

med_cues_t med_apply_hits(med_ws_t *ws)
{
    med_cues_t c;
    memset(&c, 0, sizeof c);
    mark_hits(ws, &c);
    accept_stance_cues(ws);
    /* A fixed expression cancels what its words would otherwise do. */
    for (size_t i = 0; i < ws->n; i++)
        if (ws->w[i].mark & M_FIXED)
            ws->w[i].flags &=
                ~(med_flags_t)(W_NEGATOR | W_INTENS | W_SAY | W_STANCE |
                               W_CONTRAST_AFTER | W_CONTRAST_BEFORE);
    for (size_t i = 0; i < ws->n; i++)
        c.target |= (ws->w[i].mark & M_TARGET) != 0;
    classify_forces(ws, &c);
    return c;
}
