/* Step 6 of the analysis: the holder. Each contribution is held by the
 * innermost frame whose scope holds it, else by the speaker whose
 * quotation the sentence continues, else by the author; a frame may drop
 * what it holds (a stance toward someone else) or reverse it (a denial).
 * The sentence's holder is the one with most weight on the winning side;
 * a neutral sentence is its reporter's. */
#include <string.h>

#include "mediation_analyze.h"

/* The frame that holds word p: the innermost whose scope holds it, but
 * an unnamed speaker ("a mil blogger noted") gives way to a named one
 * around it (the quotation's speaker). -1 when none. */
static int holding_frame(const med_ws_t *ws, size_t p)
{
    int in = med_frame_at(ws, p);
    if (in < 0 || ws->frames[in].who.name != med_author)
        return in;
    int named = -1;
    for (size_t i = 0; i < ws->n_frames; i++) {
        const med_frame_t *f = &ws->frames[i];
        if (p < f->a || p >= f->b || f->who.name == med_author)
            continue;
        if (named < 0 || med_frame_inside(f, &ws->frames[named]))
            named = (int)i;
    }
    return named >= 0 ? named : in;
}

void med_assign_holders(med_ws_t *ws, const med_sent_ctx_t *sc)
{
    const med_weights_t *w = &ws->m->w;
    /* A denial reverses what it holds directly ("rejected accusations
     * that its peacekeepers had abandoned..."), not what an inner speaker
     * says ("dismissed a comment by Macron, who said..."). */
    for (size_t i = 0; i < ws->n_contribs; i++) {
        med_contrib_t *c = &ws->contribs[i];
        int f = holding_frame(ws, c->pos);
        if (f >= 0 && ws->frames[f].off_target) {
            med_tracef(ws, "  about someone else: %+.3f dropped", c->v);
            c->v = 0;
        }
        if (f >= 0 && ws->frames[f].denial && c->pos != ws->frames[f].verb) {
            c->v *=
                (float)(c->domain ? w->negation_domain : w->negation_general);
            med_tracef(ws, "  denied by \"%.*s\": %+.3f",
                       (int)ws->w[ws->frames[f].verb].len,
                       med_wtext(ws, &ws->w[ws->frames[f].verb]), c->v);
        }
        c->holder =
            (int16_t)(f >= 0 ? f
                      : (sc->quoted_speaker &&
                         ((ws->w[c->pos].mark & M_QUOTE) || sc->statement))
                          ? -2
                          : -1);
        /* The target's own words of blame ("the statements are
         * destructive", "no one may insult our peacekeepers") are aimed at
         * its critics: they defend its role. Its domain cues ("losing
         * influence") keep their sign. */
        int by_target = f >= 0 ? ws->frames[f].who.target : 0;
        /* Its concern is about others or the situation ("we are
         * concerned about the escalation"), not about its own role. */
        if (c->domain && by_target && c->cls && !ws->frames[f].denial &&
            !(c->tags & C_NEGATED) &&
            (ws->m->classes_of_others & (1u << (c->cls - 1)))) {
            med_tracef(ws, "  the target's own %s, of others: %+.3f dropped",
                       med_str(ws->m, ws->m->classes[c->cls - 1]), c->v);
            c->v = 0;
        }
        if (!c->domain && c->v < 0 && by_target) {
            c->v *= (float)w->target_defense;
            med_tracef(ws, "  the target's own blame, a defence: %+.3f", c->v);
        }
    }
}

/* The speaker who holds contribution c. */
static med_speaker_t holder_of(const med_ws_t *ws, const med_contrib_t *c,
                               med_speaker_t quote_speaker)
{
    if (c->holder >= 0)
        return ws->frames[c->holder].who;
    if (c->holder == -2)
        return quote_speaker;
    med_speaker_t author = {med_author, 0, 0, 0};
    return author;
}

static int same_speaker(med_speaker_t a, med_speaker_t b)
{
    return a.name == b.name ||
           (a.name && b.name && strcmp(a.name, b.name) == 0);
}

med_speaker_t med_winning_holder(const med_ws_t *ws, double sign,
                                 med_speaker_t quote_speaker)
{
    /* Summed by speaker: two frames of one speaker ("Yerevan accusing
     * Moscow of “abandonment”") hold together. */
    double best = 0;
    med_speaker_t winner = {med_author, 0, 0, 0};
    for (size_t i = 0; i < ws->n_contribs; i++) {
        const med_contrib_t *c = &ws->contribs[i];
        if (c->v * sign <= 0)
            continue;
        med_speaker_t who = holder_of(ws, c, quote_speaker);
        double sum = 0;
        for (size_t j = 0; j < ws->n_contribs; j++)
            if (ws->contribs[j].v * sign > 0 &&
                same_speaker(holder_of(ws, &ws->contribs[j], quote_speaker),
                             who))
                sum += ws->contribs[j].v * sign;
        if (sum > best + 1e-9) {
            best = sum;
            winner = who;
        }
    }
    return winner;
}

/* Does f rather than g report the sentence: the outer of the two, but an
 * outlet's relay ("..., TASS reports") only when nothing else does? */
static int is_relay(const med_ws_t *ws, const med_frame_t *f)
{
    return !f->quote && !f->source && (ws->w[f->verb].flags & W_RELAY);
}

static int outer_reporter(const med_ws_t *ws, const med_frame_t *f,
                          const med_frame_t *g)
{
    int f_relay = is_relay(ws, f), g_relay = is_relay(ws, g);
    if (f_relay != g_relay)
        return g_relay;
    return med_frame_inside(g, f);
}

/* Is word i a mention of the target (or of its force)? */
static int target_word(const med_ws_t *ws, size_t i)
{
    return (ws->w[i].mark & M_TARGET) != 0;
}

med_speaker_t med_reporter(const med_ws_t *ws, const med_sent_ctx_t *sc,
                           med_speaker_t quote_speaker)
{
    /* Who reports what the sentence says of the target: the outermost
     * named speaker around its first mention ("“The president stressed
     * ...,” the Kremlin said" is the Kremlin's; "Putin said ..., TASS
     * reports" Putin's); else a quotation over most of the sentence; else
     * the first reporting verb. */
    int best = -1;
    size_t t = 0;
    while (t < ws->n && !target_word(ws, t))
        t++;
    for (size_t i = 0; i < ws->n_frames && t < ws->n; i++) {
        const med_frame_t *f = &ws->frames[i];
        if (t < f->a || t >= f->b || f->who.name == med_author)
            continue;
        if (best < 0 || outer_reporter(ws, f, &ws->frames[best]))
            best = (int)i;
    }
    /* An outlet relaying the report ("..., said Peskov, TASS reports")
     * reports the sentence only when no one else does. */
    if (best >= 0 && is_relay(ws, &ws->frames[best]))
        for (size_t i = 0; i < ws->n_frames; i++)
            if (!ws->frames[i].quote && !ws->frames[i].source &&
                !is_relay(ws, &ws->frames[i]) &&
                ws->frames[i].who.name != med_author) {
                best = (int)i;
                break;
            }
    for (size_t i = 0; i < ws->n_frames && best < 0; i++)
        if (ws->frames[i].quote &&
            2 * (size_t)(ws->frames[i].b - ws->frames[i].a) >= ws->n)
            best = (int)i;
    for (size_t i = 0; i < ws->n_frames && best < 0; i++)
        if (!ws->frames[i].quote &&
            (!ws->frames[i].source || ws->frames[i].b - ws->frames[i].a > 1))
            best = (int)i;
    /* "Russian peacekeepers demanded ... to fulfill the agreement",
     * "Lavrov held talks ..., reaffirming Moscow's readiness": the
     * target's own statement, though it covers little of the sentence.
     * (The seed gold once has such a sentence as the author's; the news
     * set's, from many outlets, has them as the target's.) */
    for (size_t i = 0; i < ws->n_frames && best < 0; i++)
        if (ws->frames[i].quote && ws->frames[i].who.target)
            best = (int)i;
    if (best >= 0)
        return ws->frames[best].who;
    if (sc->quoted_speaker)
        return quote_speaker;
    med_speaker_t author = {med_author, 0, 0, 0};
    return author;
}
