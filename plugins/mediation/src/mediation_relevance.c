/* Step 3 of the analysis: relevance. A sentence speaks of the mediator's
 * role when it mentions the target with a role cue, or with a context cue
 * near a party of the conflict, or with a polarity cue next to a party;
 * or when a role anaphor follows a relevant sentence. */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

/* Can this sentence be relevant at all? Only with a target entity, a
 * word that may start a target stand-in, a pronoun that may name the
 * target, or a relevant sentence before it (anaphors). This test reads
 * no table, so that most sentences of a long document cost little. */
int med_may_be_relevant(const med_ws_t *ws, const med_hist_t *prev)
{
    const mediation_model_t *m = ws->m;
    if (m->pronouns_overflow || (prev && prev->relevant))
        return 1;
    for (size_t k = 0; k < ws->n; k++) {
        const med_word_t *x = &ws->w[k];
        if (x->mark & M_TARGET)
            return 1;
        if (!x->len || x->punct != P_NONE)
            continue;
        size_t c = med_prefix3(med_wtext(ws, x), x->len);
        if (m->target3[c / 8] & (1u << (c % 8)))
            return 1;
        for (size_t p = 0; p < m->n_pronouns; p++) {
            const med_entry_t *e = &m->entries[m->pronouns[p]];
            if (e->len == x->len &&
                memcmp(m->pool + e->key, med_wtext(ws, x), x->len) == 0)
                return 1;
        }
    }
    return 0;
}

/* "we"/"our" inside a quotation whose speaker is the target. */
static int we_is_target(med_ws_t *ws, const med_sent_ctx_t *sc,
                        med_speaker_t qs)
{
    int any = 0;
    for (size_t i = 0; i < ws->n; i++) {
        med_word_t *x = &ws->w[i];
        if (!(x->flags & W_PRON_WE) || !(x->mark & M_QUOTE))
            continue;
        int f = med_frame_at(ws, i);
        int target = f >= 0 ? ws->frames[f].who.target
                            : (sc->quoted_speaker && qs.target);
        if (target) {
            x->mark |= M_TARGET;
            any = 1;
        }
    }
    return any;
}

int med_has_pronoun(const med_ws_t *ws)
{
    int pronoun = 0;
    for (size_t i = 0; i < ws->n; i++)
        pronoun |= (ws->w[i].flags & (W_PRON_PERSON | W_PRON_WE)) != 0;
    return pronoun;
}

int med_pronouns_name_target(med_ws_t *ws, size_t s, const med_sent_ctx_t *sc,
                             med_speaker_t qs)
{
    int target = 0;
    for (size_t i = 0; i < ws->n; i++) {
        if (!(ws->w[i].flags & W_PRON_PERSON))
            continue;
        med_speaker_t who;
        if (med_resolve_pronoun(ws, s, i, &who) && who.target) {
            ws->w[i].mark |= M_TARGET;
            target = 1;
        }
    }
    return target | we_is_target(ws, sc, qs);
}

med_relevance_t med_decide_relevance(const med_ws_t *ws, size_t s,
                                     const med_cues_t *cues, int has_party,
                                     const med_hist_t *prev)
{
    med_relevance_t r = {0, 0, 0};
    r.context_ok = has_party ||
                   (ws->last_party_sentence >= 0 &&
                    (long)s - ws->last_party_sentence <= ws->m->context_window);
    /* A domain stance cue next to a party of the conflict speaks of the
     * target's standing in it ("Yerevan accused Moscow of abandoning
     * Karabakh"); farther away it may be about anything. */
    int stance_here = 0;
    for (size_t i = 0; i < ws->n_hits && has_party; i++)
        stance_here |= ws->hits[i].kind == PAT_POLARITY;
    r.relevant = cues->target &&
                 (cues->role || (cues->context && r.context_ok) || stance_here);
    if (!r.relevant && cues->anaphor && prev && prev->relevant &&
        prev->had_target) {
        r.relevant = 1;
        r.by_anaphor = 1;
    }
    return r;
}
