/* Step 5b of the analysis: the learned component. Features are read off
 * what the rules found (their contributions, split by kind, stance class
 * and holder), the frames and the sentence's form; the classifier
 * (mediation_classifier.c, weights learned by tools/train_polarity.py)
 * turns them into the sentence's polarity. The names below are the
 * vocabulary of its model file. */
#include <math.h>
#include <string.h>

#include "mediation_analyze.h"

/* The fixed features, in the order of their names below. */
enum {
    F_NET,
    F_DOMAIN_POS,
    F_DOMAIN_NEG,
    F_GENERAL_POS,
    F_GENERAL_NEG,
    F_NEGATED,
    F_SCARE,
    F_HOLDER_AUTHOR,
    F_HOLDER_TARGET,
    F_HOLDER_PARTY,
    F_HOLDER_OTHER,
    F_TARGET_POS,
    F_TARGET_NEG,
    F_OTHER_HELD,
    F_DENIAL,
    F_HEADLINE,
    F_QUOTED,
    F_WE_TARGET,
    F_CONTRAST,
    F_RULE_POS,
    F_RULE_NEG,
    F_COUNT
};

_Static_assert(F_COUNT == MED_N_FEATURES, "MED_N_FEATURES is stale");

const char *const med_feature_names[MED_N_FEATURES] = {
    "net",           /* the rules' net value */
    "domain_pos",    /* domain cues for the target, summed */
    "domain_neg",    /* ... and against it (as a magnitude) */
    "general_pos",   /* general-lexicon words, the same */
    "general_neg",   /* */
    "negated",       /* domain cues under negation (count) */
    "scare",         /* scare-quoted role words (count) */
    "holder_author", /* the rules' holder is the author */
    "holder_target", /* ... the target or its people */
    "holder_party",  /* ... a party of the conflict */
    "holder_other",  /* ... someone else */
    "target_pos",    /* what the target's speakers hold, for */
    "target_neg",    /* ... and against (defending itself) */
    "other_held",    /* what others than author and target hold */
    "denial",        /* a denial holds a contribution */
    "headline",      /* the sentence is a headline */
    "quoted",        /* most of it is inside quotation marks */
    "we_target",     /* the target speaks as "we" */
    "contrast",      /* "but" or "although" */
    "rule_pos",      /* the rules' verdict: positive */
    "rule_neg",      /* the rules' verdict: negative */
};

int med_feature_index(const mediation_model_t *m, const char *name)
{
    for (int i = 0; i < MED_N_FEATURES; i++)
        if (strcmp(med_feature_names[i], name) == 0)
            return i;
    /* "class:failure": the signed sum of the domain cues of a class. */
    if (strncmp(name, "class:", 6) == 0)
        for (size_t c = 0; c < m->n_classes; c++)
            if (strcmp(med_str(m, m->classes[c]), name + 6) == 0)
                return MED_N_FEATURES + (int)c;
    return -1;
}

/* The feature of a holder's kind. */
static int holder_feature(med_speaker_t h)
{
    if (!h.name || h.name == med_author || strcmp(h.name, med_author) == 0)
        return F_HOLDER_AUTHOR;
    if (h.target)
        return F_HOLDER_TARGET;
    return h.party ? F_HOLDER_PARTY : F_HOLDER_OTHER;
}

/* The speaker holding contribution c: a frame's, the quote's, or none. */
static const med_speaker_t *held_by(const med_ws_t *ws, const med_contrib_t *c,
                                    const med_speaker_t *quote_speaker)
{
    if (c->holder >= 0)
        return &ws->frames[c->holder].who;
    return c->holder == -2 ? quote_speaker : NULL;
}

static void add_contributions(const med_ws_t *ws, med_speaker_t qs, double *x)
{
    for (size_t i = 0; i < ws->n_contribs; i++) {
        const med_contrib_t *c = &ws->contribs[i];
        double v = c->v, a = fabs(v);
        x[F_NET] += v;
        if (c->domain)
            x[v > 0 ? F_DOMAIN_POS : F_DOMAIN_NEG] += a;
        else
            x[v > 0 ? F_GENERAL_POS : F_GENERAL_NEG] += a;
        x[F_NEGATED] += (c->tags & C_NEGATED) != 0;
        x[F_SCARE] += (c->tags & C_SCARE) != 0;
        if (c->cls)
            x[MED_N_FEATURES + c->cls - 1] += v;
        const med_speaker_t *h = held_by(ws, c, &qs);
        if (h && h->target)
            x[v > 0 ? F_TARGET_POS : F_TARGET_NEG] += a;
        else if (h && h->name && h->name != med_author)
            x[F_OTHER_HELD] += a;
        if (c->holder >= 0 && ws->frames[c->holder].denial)
            x[F_DENIAL] = 1;
    }
}

size_t med_features(const med_ws_t *ws, const med_sent_ctx_t *sc,
                    med_speaker_t qs, const med_verdict_t *rule, double *x)
{
    size_t n = MED_N_FEATURES + ws->m->n_classes;
    memset(x, 0, n * sizeof(*x));
    add_contributions(ws, qs, x);
    x[holder_feature(rule->holder)] = 1;
    size_t quoted = 0;
    for (size_t i = 0; i < ws->n; i++) {
        const med_word_t *w = &ws->w[i];
        quoted += (w->mark & M_QUOTE) != 0;
        if (med_word_is(ws, i, "we") && (w->mark & M_TARGET))
            x[F_WE_TARGET] = 1;
    }
    x[F_HEADLINE] = ws->n > 0 && ws->w[ws->n - 1].punct != P_TERM;
    x[F_QUOTED] = 2 * quoted > ws->n;
    x[F_CONTRAST] = sc->contrast_at < ws->n || sc->concede_a < sc->concede_b;
    x[F_RULE_POS] = rule->polarity == MEDIATION_POSITIVE;
    x[F_RULE_NEG] = rule->polarity == MEDIATION_NEGATIVE;
    return n;
}

/* The strength of a polar verdict the rules did not give: the strongest
 * domain cue of that sign, else the annotators' middle level (their most
 * common one, "clear"). */
static double learned_score(const med_ws_t *ws, double sign)
{
    const med_weights_t *w = &ws->m->w;
    double best = 0;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        double a = ws->contribs[i].v * sign;
        if (ws->contribs[i].domain && a > best)
            best = a;
    }
    double mid = w->n_levels ? w->levels[w->n_levels / 2] : 0.5;
    return sign * (best > 0 ? best : mid);
}

void med_learned_verdict(med_ws_t *ws, const med_sent_ctx_t *sc,
                         med_speaker_t qs, med_verdict_t *v)
{
    double x[MED_MAX_FEATURES];
    size_t n = med_features(ws, sc, qs, v, x);
    if (ws->probe && ws->probe->features) {
        const char *names[MED_MAX_FEATURES];
        for (size_t i = 0; i < n; i++)
            names[i] =
                i < MED_N_FEATURES
                    ? med_feature_names[i]
                    : med_str(ws->m, ws->m->class_features[i - MED_N_FEATURES]);
        ws->probe->features(ws->probe->ud, ws->sentence, names, x, n);
    }
    if (!ws->m->clf.loaded)
        return;
    double prob[3];
    int k = med_classify(ws->m, x, ws->trace ? prob : NULL);
    mediation_polarity_t p = (mediation_polarity_t)(k - 1);
    if (ws->trace)
        med_tracef(ws, "  learned: %.2f %.2f %.2f -> %s", prob[0], prob[1],
                   prob[2], mediation_polarity_name(p));
    if (p == v->polarity)
        return;
    /* A model trained to decide only the rules' neutral verdicts keeps
     * their polar ones (README, "The learned component"). */
    if (ws->m->clf.neutral_only && v->polarity != MEDIATION_NEUTRAL) {
        if (ws->trace)
            med_tracef(ws, "  learned: kept the rules' polar verdict");
        return;
    }
    v->polarity = p;
    if (p == MEDIATION_NEUTRAL) {
        v->score = 0;
        v->holder = med_reporter(ws, sc, qs);
        return;
    }
    double sign = p == MEDIATION_POSITIVE ? 1.0 : -1.0;
    v->score = learned_score(ws, sign);
    /* Held by whoever holds that side, else by the sentence's reporter. */
    int any = 0;
    for (size_t i = 0; i < ws->n_contribs; i++)
        any |= ws->contribs[i].v * sign > 0;
    v->holder =
        any ? med_winning_holder(ws, sign, qs) : med_reporter(ws, sc, qs);
}
