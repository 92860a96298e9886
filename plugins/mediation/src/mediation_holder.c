/* Step 6 of the analysis: the holder. Each contribution is held by the
 * innermost frame whose scope holds it, else by the speaker whose
 * quotation the sentence continues, else by the author; a frame may drop
 * what it holds (a stance toward someone else) or reverse it (a denial).
 * The sentence's holder is the one with most weight on the winning side;
 * a neutral sentence is its reporter's. */
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
        if (named < 0 ||
            f->b - f->a < ws->frames[named].b - ws->frames[named].a)
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
    }
}

med_speaker_t med_winning_holder(const med_ws_t *ws, double sign,
                                 med_speaker_t quote_speaker)
{
    double best = 0;
    int best_h = -1;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        const med_contrib_t *c = &ws->contribs[i];
        if (c->v * sign <= 0)
            continue;
        double sum = 0;
        for (size_t j = 0; j < ws->n_contribs; j++)
            if (ws->contribs[j].holder == c->holder &&
                ws->contribs[j].v * sign > 0)
                sum += ws->contribs[j].v * sign;
        if (sum > best + 1e-9) {
            best = sum;
            best_h = c->holder;
        }
    }
    if (best_h >= 0)
        return ws->frames[best_h].who;
    if (best_h == -2)
        return quote_speaker;
    med_speaker_t author = {med_author, 0, 0};
    return author;
}

/* Is word i a mention of the target (or of its force)? */
static int target_word(const med_ws_t *ws, size_t i)
{
    return (ws->w[i].mark & M_TARGET) != 0;
}

med_speaker_t med_reporter(const med_ws_t *ws, const med_sent_ctx_t *sc,
                           med_speaker_t quote_speaker)
{
    /* Who reports what the sentence says of the target: the innermost
     * named speaker around its first mention ("Putin said ..., TASS
     * reports" is Putin's); else a quotation over the sentence; else the
     * first reporting verb. */
    int best = -1;
    size_t t = 0;
    while (t < ws->n && !target_word(ws, t))
        t++;
    for (size_t i = 0; i < ws->n_frames && t < ws->n; i++) {
        const med_frame_t *f = &ws->frames[i];
        if (t >= f->a && t < f->b && f->who.name != med_author &&
            (best < 0 || f->b - f->a < ws->frames[best].b - ws->frames[best].a))
            best = (int)i;
    }
    for (size_t i = 0; i < ws->n_frames && best < 0; i++)
        if (ws->frames[i].quote)
            best = (int)i;
    for (size_t i = 0; i < ws->n_frames && best < 0; i++)
        if (!ws->frames[i].source || ws->frames[i].b - ws->frames[i].a > 1)
            best = (int)i;
    if (best >= 0)
        return ws->frames[best].who;
    if (sc->quoted_speaker)
        return quote_speaker;
    med_speaker_t author = {med_author, 0, 0};
    return author;
}
