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
/* Could pronoun entry e at word x stand for the target here? "he" only
 * once a target person was named, "we" only inside a quotation or a
 * statement, "they" only right after the target's force was named. */
static int pronoun_may_name_target(const med_ws_t *ws, size_t s,
                                   const med_entry_t *e, const med_word_t *x)
{
    if ((e->flags & W_PRON_PERSON) && ws->last_target_person.name)
        return 1;
    if ((e->flags & W_PRON_WE) && ((x->mark & M_QUOTE) || ws->doc_speaker.name))
        return 1;
    return (e->flags & W_PRON_THEY) && s > 0 &&
           ws->hist[(s - 1) % MED_HIST].valid &&
           ws->hist[(s - 1) % MED_HIST].forces;
}

int med_may_be_relevant(const med_ws_t *ws, size_t s)
{
    const mediation_model_t *m = ws->m;
    if (m->pronouns_overflow)
        return 1;
    for (size_t k = 1; k <= 2 && k <= s; k++)
        if (ws->hist[(s - k) % MED_HIST].valid &&
            ws->hist[(s - k) % MED_HIST].relevant)
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
        if (!(m->pronoun_bits & (UINT64_C(1) << (x->hash & 63))))
            continue; /* no pronoun */
        for (size_t p = 0; p < m->n_pronouns; p++) {
            if (m->pronoun_hash[p] != x->hash)
                continue;
            const med_entry_t *e = &m->entries[m->pronouns[p]];
            if (e->len == x->len &&
                memcmp(m->pool + e->key, med_wtext(ws, x), x->len) == 0 &&
                pronoun_may_name_target(ws, s, e, x))
                return 1;
        }
    }
    return 0;
}

/* "we"/"our" inside a quotation whose speaker is the target; a name is
 * no pronoun ("the US"). */
static int we_is_target(med_ws_t *ws, const med_sent_ctx_t *sc,
                        med_speaker_t qs)
{
    int any = 0;
    for (size_t i = 0; i < ws->n; i++) {
        med_word_t *x = &ws->w[i];
        if (!(x->flags & W_PRON_WE) || x->ent >= 0 ||
            !((x->mark & M_QUOTE) || sc->statement))
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
        pronoun |=
            (ws->w[i].flags & (W_PRON_PERSON | W_PRON_WE | W_PRON_THEY)) != 0;
    return pronoun;
}

/* Is "they" at word i the subject of a sentence that names no one
 * before it: first in the sentence, after an opening adverbial, after a
 * quotation ("“...,” they said") or after ", and"? */
static int they_opens(const med_ws_t *ws, size_t i)
{
    if (i == 0)
        return 1;
    const med_word_t *x = &ws->w[i - 1];
    /* "In a message in Armenian and Russian, they called on ...": after
     * an opening adverbial phrase. */
    if (x->punct == P_COMMA && (ws->w[0].flags & W_PREP))
        return 1;
    for (size_t j = 0; j < i; j++)
        if (ws->w[j].ent >= 0 && !(ws->w[j].mark & M_QUOTE))
            return 0;
    return x->punct == P_CLOSEQ ||
           ((x->flags & W_CONJ) && i >= 2 && ws->w[i - 2].punct == P_COMMA);
}

/* "they" opening a sentence right after one that named the target's
 * force: that force (marked M_TARGET | M_FORCE); 1 when there was one. */
int med_they_is_force(med_ws_t *ws, size_t s)
{
    const med_hist_t *prev = s > 0 ? &ws->hist[(s - 1) % MED_HIST] : NULL;
    if (!prev || !prev->valid || !prev->forces)
        return 0;
    int any = 0;
    for (size_t i = 0; i < ws->n; i++) {
        med_word_t *x = &ws->w[i];
        if ((x->flags & W_PRON_THEY) && they_opens(ws, i)) {
            x->mark |= M_TARGET | M_FORCE;
            any = 1;
        }
    }
    return any;
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

/* The most recent relevant sentence at most `back` sentences before s
 * that named the target, or NULL. */
static const med_hist_t *recent_relevant(const med_ws_t *ws, size_t s,
                                         size_t back)
{
    for (size_t k = 1; k <= back && k <= s && k < MED_HIST; k++) {
        const med_hist_t *h = &ws->hist[(s - k) % MED_HIST];
        if (h->valid && h->relevant && h->had_target)
            return h;
    }
    return NULL;
}

/* Is a polarity cue's source the target ("criticism from Russia",
 * "condemned by Moscow")? Then it judges someone else. */
static int stance_from_target(const med_ws_t *ws, const med_hit_t *h)
{
    size_t j = h->b;
    if (j + 1 >= ws->n ||
        !(med_word_is(ws, j, "from") || (ws->w[j].flags & W_AGENT)))
        return 0;
    for (size_t k = j + 1; k < ws->n && k <= j + 3; k++) {
        if (ws->w[k].mark & M_TARGET)
            return 1;
        if (!(ws->w[k].flags & (W_DET | W_TITLE | W_SUBJ_HEAD)))
            return 0;
    }
    return 0;
}

/* A domain stance cue about the target ("Yerevan accused Moscow of
 * abandoning Karabakh"), not one the target voices about others. */
static int stance_on_target(const med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n_hits; i++) {
        const med_hit_t *h = &ws->hits[i];
        if ((h->kind == PAT_POLARITY ||
             (h->kind == PAT_DUTY && med_negated(ws, h->a))) &&
            !stance_from_target(ws, h))
            return 1;
    }
    return 0;
}

/* Is the target only the speaker of what the sentence reports ("Lavrov
 * said that the meeting in Washington...")? All its mentions come before
 * a reporting verb, outside what the verb reports. */
static int only_speaks(const med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        if (!(ws->w[i].mark & M_TARGET))
            continue;
        int speaker = 0;
        for (size_t k = 0; k < ws->n_frames && !speaker; k++) {
            const med_frame_t *f = &ws->frames[k];
            speaker = !f->quote && !f->source && f->who.target && i < f->verb &&
                      (i < f->a || i >= f->b);
        }
        if (!speaker)
            return 0;
    }
    return 1;
}

/* Does the sentence name an actor that is neither the target nor a
 * party: another mediator ("the EU", "the U.S.", "Washington" acting),
 * not a venue ("the Sochi meeting")? */
static int names_other_actor(const med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e < 0 || ws->einfo[e].target || ws->einfo[e].party)
            continue;
        const mediation_entity_t *en = &ws->doc->entities[e];
        size_t next = med_ent_last(ws, i) + 1;
        int noun = next < ws->n && ws->w[next].punct == P_NONE &&
                   !(ws->w[next].flags & W_CONJ);
        if (en->label == MEDIATION_ORG ||
            (en->label == MEDIATION_GPE &&
             (en->refers_to ||
              (i > 0 && med_word_is(ws, i - 1, "the") && !noun))))
            return 1;
        i = next - 1;
    }
    return 0;
}

/* Does the target speak of the conflict itself: a report or quotation of
 * the target whose scope holds a term of the conflict ("Russia called
 * the situation in Karabakh an internal matter", "we want a stable South
 * Caucasus")? */
static int target_on_conflict(const med_ws_t *ws, const med_cues_t *cues)
{
    if (!cues->conflict && !(ws->sides & 4))
        return 0;
    for (size_t k = 0; k < ws->n_frames; k++) {
        const med_frame_t *f = &ws->frames[k];
        if (!f->who.target || f->off_target)
            continue;
        for (size_t i = f->a; i < f->b && i < ws->n; i++)
            if (ws->w[i].mark & M_CONFLICT)
                return 1;
    }
    return 0;
}

/* A standing cue speaks of the target's standing only next to a mention
 * of it ("Russia suffered a crushing defeat", "Putin's personal defeat";
 * not "Azerbaijan's victory in the war, after which Russia..."): within
 * this many words. */
#define MED_STANDING_WINDOW 5

/* Is a standing cue within MED_STANDING_WINDOW words of a mention of the
 * target? */
static int standing_near_target(const med_ws_t *ws)
{
    for (size_t h = 0; h < ws->n_hits; h++) {
        const med_hit_t *x = &ws->hits[h];
        if (x->kind != PAT_STANDING)
            continue;
        size_t lo = x->a > MED_STANDING_WINDOW ? x->a - MED_STANDING_WINDOW : 0;
        size_t hi = x->b + MED_STANDING_WINDOW;
        for (size_t i = lo; i < hi && i < ws->n; i++)
            if (ws->w[i].mark & M_TARGET)
                return 1;
    }
    return 0;
}

/* Does sentence s fall within the window of a party mention? */
static int near_party(const med_ws_t *ws, size_t s, int has_party)
{
    return has_party ||
           (ws->last_party_sentence >= 0 &&
            (long)s - ws->last_party_sentence <= ws->m->context_window);
}

med_relevance_t med_decide_relevance(const med_ws_t *ws, size_t s,
                                     const med_cues_t *cues, int has_party,
                                     int continues_statement)
{
    med_relevance_t r = {0, 0, 0, 0};
    r.context_ok = near_party(ws, s, has_party);
    /* The target's role in another conflict ("Russian peacekeepers in
     * Transnistria"): a place of it named where neither side nor the
     * disputed land is says nothing of this one, role cue or not. */
    if (cues->elsewhere && !(ws->sides & 7))
        return r;
    const med_hist_t *recent = recent_relevant(ws, s, 2);
    /* A stance cue speaks of the target's standing in the conflict when a
     * party is named near; farther away it may be about anything. "Bilateral
     * talks" with the target are no mediation. A force of the target
     * ("Russian troops") is in the role where the conflict is spoken of. */
    /* Where the target only reports on another mediator ("Lavrov said
     * the meeting in Washington..."), its cues are about that one. */
    /* The target's dealings with one side ("bilateral talks", "relations
     * between Moscow and Baku", "trade turnover"): no mediation where one
     * side and not the disputed land is named; between the two sides
     * they are the conflict's, and with no side named ("the trio would
     * discuss trade and economic links") they may be the three's. Neither
     * the target's meetings nor a stance on those dealings is the role. */
    int one_side = (ws->sides & 3) == 1 || (ws->sides & 3) == 2;
    int bilateral = cues->bilateral && one_side && !(ws->sides & 4);
    /* The target's military alliance ("the Russian-led CSTO took no
     * action", "asked the CSTO for military support") is its own matter,
     * not the role, unless a role cue names the role. */
    int alliance = cues->alliance && !cues->role;
    /* Another mediator's initiative ("Russia will not take part in the
     * U.S.-proposed route", "the EU mission is provocative, Moscow says"):
     * the target reacts to someone else's mediation; its stance, meetings
     * and words on the conflict there are not its own role, unless a role
     * cue names it. Its standing gained or lost still is. The sentence
     * right after one that named the initiative still voices the
     * reaction ("The mission is a tool of propaganda," the ministry
     * added): there its stance and its words on the conflict are not the
     * role either (its meetings may be: "Putin will also meet Aliyev"). */
    int others = cues->others && !cues->role;
    int after_others = !cues->role && ws->last_others_sentence >= 0 &&
                       (long)s - ws->last_others_sentence == 1;
    int stance = r.context_ok && stance_on_target(ws) &&
                 !(bilateral && !cues->role) && !alliance && !others &&
                 !after_others;
    int context =
        cues->context && r.context_ok && !bilateral && !alliance && !others;
    /* A meeting, a visit or talks of the target with one side ("Putin
     * met Aliyev", "Lavrov will visit Baku") are its bilateral dealings;
     * they are the role where the conflict is spoken of: a term of the
     * conflict, the disputed land, or both sides named, here or in the
     * sentence before, or in a relevant sentence just before ("the talks
     * will last three days"). */
    int gate = !ws->m->conflict_gate || recent ||
               (ws->last_conflict_sentence >= 0 &&
                (long)s - ws->last_conflict_sentence <= 1);
    context = context && gate;
    /* The target's standing gained or lost ("suffered a defeat in the
     * South Caucasus", "has further alienated Armenia", "the winner is
     * Russia") is its standing in the role under the same conditions; the
     * cues carry no polarity of their own. */
    int standing = cues->standing && r.context_ok && !bilateral && !alliance &&
                   gate && standing_near_target(ws);
    if ((stance || context || standing) && !cues->role && only_speaks(ws) &&
        names_other_actor(ws))
        stance = context = standing = 0;
    /* The heading of a statement document names its speaker, not a role. */
    if (s == 0 && ws->doc_speaker.name && !cues->role)
        return r;
    int force = cues->force && (has_party || recent);
    /* The target on its dealings with one side ("relations between the
     * two countries" of Moscow and Baku) is no more the role than the
     * dealings are. */
    int on_conflict =
        !bilateral && !others && !after_others && target_on_conflict(ws, cues);
    r.why = (cues->role ? MED_WHY_ROLE : 0) | (force ? MED_WHY_FORCE : 0) |
            (context ? MED_WHY_CONTEXT : 0) | (stance ? MED_WHY_STANCE : 0) |
            (continues_statement ? MED_WHY_STATEMENT : 0) |
            (on_conflict ? MED_WHY_CONFLICT : 0) |
            (standing ? MED_WHY_STANDING : 0);
    r.relevant = cues->target && r.why;
    if (r.relevant)
        return r;
    /* Anaphors: "the peacekeepers" and a bare "force" stand for the last
     * force named with its owner, when that was the target's; any anaphor
     * ("its role") for the mediator of a relevant sentence just before. */
    int force_ref = (cues->force_anaphor || cues->bare_force) &&
                    !cues->other_force && ws->last_force_target &&
                    (long)s - ws->last_force_sentence <= MED_HIST;
    if (force_ref || (cues->anaphor && recent)) {
        r.relevant = 1;
        r.by_anaphor = 1;
    }
    return r;
}
