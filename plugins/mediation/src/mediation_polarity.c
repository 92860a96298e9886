/* Step 5 of the analysis: polarity. Each accepted cue and each
 * general-lexicon word contributes a value, changed by the words around it
 * and the sentence's structure (modify); the net value decides the
 * polarity and the strongest domain cue its strength. The holder is step
 * 6 (mediation_holder.c). */
#include <math.h>
#include <string.h>

#include "mediation_analyze.h"

void med_sentence_context(const med_ws_t *ws, med_sent_ctx_t *c)
{
    c->contrast_at = ws->n;
    c->concede_a = c->concede_b = 0;
    c->hedge = 1.0;
    for (size_t i = 0; i < ws->n; i++) {
        const med_word_t *x = &ws->w[i];
        if ((x->flags & W_CONTRAST_AFTER) && i > 1 && c->contrast_at == ws->n)
            c->contrast_at = i;
        /* "While Trump hailed the deal, ...": "while" opening a sentence
         * concedes; inside one it is mostly "during". */
        int concede = (x->flags & W_CONTRAST_BEFORE) ||
                      (i == 0 && (x->flags & W_CONCEDE_INITIAL));
        if (concede && c->concede_a == c->concede_b) {
            size_t b = i + 1;
            while (b < ws->n && ws->w[b].punct != P_COMMA &&
                   ws->w[b].punct != P_SEMI)
                b++;
            c->concede_a = i;
            c->concede_b = b;
        }
        if ((x->flags & W_HEDGE) && i <= 1)
            c->hedge = x->e->mult;
    }
}

/* The nearest intensifier or dampener left of p in its clause: the
 * factor it changes a value by (1 when none). VADER adds the increment
 * (0.293) to valences whose typical size is about 2, so relative to the
 * value the factor is 1 + increment / typical, nearer words counting
 * more. */
static double intensity(const med_ws_t *ws, size_t p)
{
    const med_weights_t *w = &ws->m->w;
    uint16_t clause = ws->w[p].clause;
    for (int k = 1; k <= w->intensifier_window && (size_t)k <= p; k++) {
        const med_word_t *x = &ws->w[p - (size_t)k];
        if (x->clause != clause)
            break;
        if (x->flags & W_INTENS) {
            double decay = k == 1 ? 1.0 : k == 2 ? 0.95 : 0.9;
            return 1.0 + x->e->intens * decay / w->typical_valence;
        }
    }
    return 1.0;
}

/* Is there a shifter ("dispel doubts") left of p in its clause? */
static int shifted(const med_ws_t *ws, size_t p)
{
    const med_weights_t *w = &ws->m->w;
    uint16_t clause = ws->w[p].clause;
    for (int k = 1; k <= w->shifter_window && (size_t)k <= p; k++) {
        const med_word_t *x = &ws->w[p - (size_t)k];
        if (x->clause != clause)
            break;
        if (x->flags & W_SHIFTER)
            return 1;
    }
    return 0;
}

/* Is the negator at word n the "no one" of exclusive praise: "no one is
 * capable of guaranteeing peace except Russia", "no one but Moscow",
 * "Russia, like no one else, ..."? An exception word with the target
 * right after it, in the rest of the clause; or "like"/"as" before. */
static int exclusive_praise(const med_ws_t *ws, size_t n)
{
    if (!med_word_is(ws, n, "no") && !med_word_is(ws, n, "nobody") &&
        !med_word_is(ws, n, "none"))
        return 0;
    if (n > 0 &&
        (med_word_is(ws, n - 1, "like") || med_word_is(ws, n - 1, "as")))
        return 1;
    for (size_t j = n + 1; j + 1 < ws->n && j <= n + 24; j++) {
        if (ws->w[j].punct == P_SEMI || ws->w[j].punct == P_TERM)
            return 0;
        if (!(ws->w[j].flags & W_EXCEPTION))
            continue;
        for (size_t k = j + 1; k < ws->n && k <= j + 3; k++)
            if (ws->w[k].mark & M_TARGET)
                return 1;
    }
    return 0;
}

int med_negated(const med_ws_t *ws, size_t p)
{
    const med_weights_t *w = &ws->m->w;
    uint16_t clause = ws->w[p].clause;
    int denial = 0;
    for (int k = 1; k <= w->negation_window && (size_t)k <= p; k++) {
        const med_word_t *x = &ws->w[p - (size_t)k];
        if (x->clause != clause)
            break;
        /* "not dispute the significance": the negator takes the denial,
         * and what it denied stands. */
        if (x->flags & W_NEGATOR)
            return !denial && !exclusive_praise(ws, p - (size_t)k);
        denial |= (x->flags & W_DENIAL) != 0;
    }
    return 0;
}

/* Irrealis ("seeks to reassert its role" is no reassertion yet) and
 * modals left of p in its clause: the factor they weaken a value by. */
static double modality(const med_ws_t *ws, size_t p)
{
    const med_weights_t *w = &ws->m->w;
    uint16_t clause = ws->w[p].clause;
    double f = 1.0;
    for (size_t j = p; j-- > 0 && ws->w[j].clause == clause;) {
        const med_word_t *x = &ws->w[j];
        if ((x->flags & W_IRREALIS) && med_word_is(ws, j + 1, "to") &&
            !(x->mark & M_COVERED)) {
            /* "not seeking to" is a denial of intent, not an aim. */
            if (!med_negated(ws, j))
                f *= w->irrealis;
            break;
        }
    }
    for (size_t j = p; j-- > 0 && ws->w[j].clause == clause;) {
        if (ws->w[j].flags & W_MODAL) {
            f *= ws->w[j].e->mult;
            break;
        }
    }
    return f;
}

/* Contrast: what follows "but" dominates; the "although" clause
 * yields. */
static double contrast(const med_ws_t *ws, const med_sent_ctx_t *sc, size_t p)
{
    const med_weights_t *w = &ws->m->w;
    double f = 1.0;
    if (sc->contrast_at < ws->n)
        f *= p < sc->contrast_at ? w->contrast_weak : w->contrast_strong;
    /* A cue that is the concession itself ("despite the peacekeepers'
     * presence") is not weakened by it. */
    if (sc->concede_a < sc->concede_b && p != sc->concede_a)
        f *= (p >= sc->concede_a && p < sc->concede_b) ? w->contrast_weak
                                                       : w->contrast_strong;
    return f;
}

/* The value of a contribution at word p after the rules that read its
 * left context and the sentence's structure. negatable: 0 for a cue that
 * already holds its negation (a negated duty). */
static double modify(const med_ws_t *ws, const med_sent_ctx_t *sc, size_t p,
                     double v, int domain, int negatable)
{
    const med_weights_t *w = &ws->m->w;
    v *= intensity(ws, p);
    /* A shifter reverses a negative object; negation comes after it:
     * "cannot dispel doubts" keeps the doubts. */
    if (v < 0 && shifted(ws, p))
        v = -v * w->shifter_factor;
    if (negatable && med_negated(ws, p))
        v *= domain ? w->negation_domain : w->negation_general;
    v *= modality(ws, p) * sc->hedge * contrast(ws, sc, p);
    /* Scare quotes: a word the author quotes without saying whose it is
     * is held at a distance; a quoted "success" reads as doubt. */
    if ((ws->w[p].mark & M_SCARE) && med_frame_at(ws, p) < 0)
        v *= v > 0 ? w->scare_quote_positive : w->scare_quote_negative;
    if (!domain && !ws->clause_on_target[ws->w[p].clause])
        v *= w->off_target_clause;
    return v;
}

static void contrib_push(med_ws_t *ws, size_t pos, double v, int domain,
                         unsigned cls, unsigned tags)
{
    if (ws->n_contribs >= ws->n || v == 0.0)
        return;
    med_contrib_t *c = &ws->contribs[ws->n_contribs++];
    c->pos = (uint16_t)pos;
    c->domain = (uint8_t)domain;
    c->cls = (uint8_t)cls;
    c->tags = (uint8_t)tags;
    c->v = (float)v;
    c->holder = -1;
}

/* The nearest of the score levels, when the rules give levels. */
static double snap(const med_weights_t *w, double mag)
{
    if (w->n_levels == 0)
        return mag;
    double best = w->levels[0];
    for (int i = 1; i < w->n_levels; i++)
        if (fabs(w->levels[i] - mag) < fabs(best - mag))
            best = w->levels[i];
    return best;
}

/* Which clauses mention the target or hold a cue: general words in the
 * others count less (off_target_clause). */
static void mark_target_clauses(med_ws_t *ws)
{
    memset(ws->clause_on_target, 0, ws->n + 2);
    for (size_t i = 0; i < ws->n; i++)
        if (ws->w[i].mark & (M_TARGET | M_CUE))
            ws->clause_on_target[ws->w[i].clause] = 1;
}

/* Does negative cue x open with a denial verb whose object is a word of
 * criticism ("rejects criticism of ... peacekeepers", "dismissed
 * accusations against the mediators")? */
static int rebuts_criticism(const med_ws_t *ws, const med_hit_t *x)
{
    if (x->weight >= 0 || !(ws->w[x->a].flags & W_DENIAL))
        return 0;
    for (size_t i = x->a + 1; i < x->b && i <= (size_t)x->a + 3; i++)
        if (ws->w[i].flags & W_REBUTTED)
            return 1;
    return 0;
}

/* A credit cue followed by "to" and a noun phrase ("thanks to",
 * "grateful to") credits the one named there: no credit of the target
 * when the target is not among the next words ("Thanks to the resurgence
 * of Turkey, the region could be torn from Moscow's sphere"). */
static int credits_someone_else(const med_ws_t *ws, const med_hit_t *x)
{
    if (x->weight <= 0 || (size_t)x->b + 1 >= ws->n ||
        !med_word_is(ws, x->b, "to"))
        return 0;
    /* "to" before a noun phrase, not an infinitive ("do everything to
     * find a settlement"). */
    const med_word_t *next = &ws->w[x->b + 1];
    if (!(next->flags & (W_DET | W_POSSESSIVE)) && next->ent < 0)
        return 0;
    for (size_t i = x->b + 1; i < ws->n && i <= (size_t)x->b + 5; i++) {
        if (ws->w[i].mark & M_TARGET)
            return 0;
        if (ws->w[i].punct != P_NONE)
            break;
    }
    return 1;
}

/* The accepted polarity cues of the profile, each a domain contribution;
 * a duty cue ("protect") counts only negated, as the failure its weight
 * gives ("did not protect"). */
static void add_cues(med_ws_t *ws, const med_sent_ctx_t *sc)
{
    const mediation_model_t *m = ws->m;
    for (size_t h = 0; h < ws->n_hits; h++) {
        const med_hit_t *x = &ws->hits[h];
        if (!med_polar_kind(x->kind) || x->accepted != 1)
            continue;
        int duty = x->kind == PAT_DUTY;
        if (duty && !med_negated(ws, x->a))
            continue;
        if (credits_someone_else(ws, x)) {
            med_tracef(ws, "  \"%s\" credits someone else",
                       med_str(m, m->patterns[x->pat].text));
            continue;
        }
        double v = modify(ws, sc, x->a, x->weight, 1, !duty);
        if (rebuts_criticism(ws, x)) {
            /* "Russia rejects criticism of the peacekeepers": what is
             * rejected is the criticism, a defence of the role. */
            v = -v * ws->m->w.rebuttal;
            med_tracef(ws, "  a rebuttal of criticism: %+.3f", v);
        }
        unsigned tags = (duty || med_negated(ws, x->a)) ? C_NEGATED : 0;
        contrib_push(ws, x->a, v, 1, m->patterns[x->pat].cls, tags);
        med_tracef(ws, "  %s \"%s\" %+.2f -> %+.3f", duty ? "duty" : "cue",
                   med_str(m, m->patterns[x->pat].text), x->weight, v);
    }
}

/* A role word in quotation marks that nobody is said to have used ("its
 * “peacekeeping” mission") is the author's irony, once per quotation. */
static void add_scare_quotes(med_ws_t *ws)
{
    const med_weights_t *w = &ws->m->w;
    for (size_t i = 0; i < ws->n; i++) {
        const med_word_t *x = &ws->w[i];
        if ((x->mark & (M_ROLE | M_SCARE)) != (M_ROLE | M_SCARE) ||
            med_frame_at(ws, i) >= 0)
            continue;
        contrib_push(ws, i, w->scare_quote_role, 1, 0, C_SCARE);
        med_tracef(ws, "  scare-quoted role word \"%.*s\" %+.2f", (int)x->len,
                   med_wtext(ws, x), w->scare_quote_role);
        while (i + 1 < ws->n && (ws->w[i + 1].mark & M_SCARE))
            i++;
    }
}

/* "No one but Russia can guarantee peace": the construction itself
 * credits the target, once per sentence. */
static void add_exclusive_praise(med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        if ((ws->w[i].flags & W_NEGATOR) && exclusive_praise(ws, i)) {
            contrib_push(ws, i, ws->m->w.exclusive_praise, 1, 0, 0);
            med_tracef(ws, "  exclusive praise %+.2f",
                       ws->m->w.exclusive_praise);
            return;
        }
}

/* The words of the general lexicon outside cues, names and the target,
 * each its VADER valence scaled down. */
static void add_general_words(med_ws_t *ws, const med_sent_ctx_t *sc)
{
    const med_weights_t *w = &ws->m->w;
    for (size_t i = 0; i < ws->n; i++) {
        const med_word_t *x = &ws->w[i];
        /* The entry is read last: it is the likeliest cache miss. */
        if (!x->e || x->ent >= 0 ||
            (x->mark & (M_COVERED | M_FIXED | M_TARGET | M_CUE)) ||
            (x->flags & (W_NEUTRAL | W_SHIFTER | W_NEGATOR)) ||
            x->e->valence == 0.0f)
            continue;
        double v =
            modify(ws, sc, i, x->e->valence / 4.0 * w->general_scale, 0, 1);
        contrib_push(ws, i, v, 0, 0, 0);
        med_tracef(ws, "  word \"%.*s\" %+.2f -> %+.3f", (int)x->len,
                   med_wtext(ws, x), x->e->valence, v);
    }
}

/* The strength of a verdict of the given sign (before snapping to the
 * levels), at most 1. Domain cues are graded like the annotators'
 * levels, so the strongest one sets the strength and the others add a
 * little; general-lexicon words are weaker one by one and add up, as in
 * VADER. What speaks for the other side (against) is taken off. */
static double strength(const med_ws_t *ws, double sign, double against)
{
    const med_weights_t *w = &ws->m->w;
    double dmax = 0, drest = 0, gsum = 0;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        const med_contrib_t *c = &ws->contribs[i];
        double a = c->v * sign;
        if (a <= 0)
            continue;
        if (!c->domain) {
            gsum += a;
        } else if (a > dmax) {
            drest += dmax;
            dmax = a;
        } else {
            drest += a;
        }
    }
    double hi = dmax > gsum ? dmax : gsum, lo = dmax > gsum ? gsum : dmax;
    double mag = hi + w->combine_rest * (drest + lo) - against;
    if (mag > 1.0)
        mag = 1.0;
    return mag;
}

med_verdict_t med_judge(med_ws_t *ws, const med_sent_ctx_t *sc,
                        med_speaker_t quote_speaker)
{
    ws->n_contribs = 0;
    mark_target_clauses(ws);
    add_cues(ws, sc);
    add_scare_quotes(ws);
    add_exclusive_praise(ws);
    add_general_words(ws, sc);
    med_assign_holders(ws, sc);

    double pos = 0, neg = 0;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        double v = ws->contribs[i].v;
        if (v > 0)
            pos += v;
        else
            neg -= v;
    }
    double net = pos - neg;
    med_verdict_t out = {MEDIATION_NEUTRAL, 0.0, {med_author, 0, 0, 0}};
    if (fabs(net) >= ws->m->settings.threshold) {
        double sign = net > 0 ? 1.0 : -1.0;
        double mag = snap(&ws->m->w, strength(ws, sign, sign > 0 ? neg : pos));
        out.polarity = sign > 0 ? MEDIATION_POSITIVE : MEDIATION_NEGATIVE;
        out.score = sign * mag;
        out.holder = med_winning_holder(ws, sign, quote_speaker);
    } else {
        out.holder = med_reporter(ws, sc, quote_speaker);
    }
    med_learned_verdict(ws, sc, quote_speaker, &out);
    return out;
}
