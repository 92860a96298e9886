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
    /* "emb:7": dimension 7 of the mean word vector near the target. */
    for (size_t k = 0; k < m->emb.dims; k++)
        if (strcmp(med_str(m, m->emb.feature_names[k]), name) == 0)
            return MED_N_FEATURES + (int)(m->n_classes + k);
    return -1;
}

/* Where the embedding features of a sentence begin in x. */
static size_t embedding_base(const mediation_model_t *m)
{
    return MED_N_FEATURES + m->n_classes;
}

/* Adds the vector of word i (a hyphenated word not in the vocabulary:
 * of its parts); returns how many vectors were added. */
static size_t add_word_vector(const med_ws_t *ws, size_t i, double *sum)
{
    const med_embeddings_t *e = &ws->m->emb;
    const med_word_t *x = &ws->w[i];
    const char *s = med_wtext(ws, x);
    size_t skip = (size_t)ws->m->w.embedding_skip_frequent;
    long row = med_embedding_find_hashed(e, s, x->len, x->hash);
    if (row >= 0) {
        if ((size_t)row < skip)
            return 0;
        med_embedding_add(e, row, sum);
        return 1;
    }
    size_t added = 0, a = 0;
    for (size_t b = 0; b <= x->len; b++) {
        if (b < x->len && s[b] != '-')
            continue;
        row = b > a ? med_embedding_find(e, s + a, b - a) : -1;
        if (row >= 0 && (size_t)row >= skip) {
            med_embedding_add(e, row, sum);
            added++;
        }
        a = b + 1;
    }
    return added;
}

/* The mean vector of the words near the target's mentions (by name or by
 * reference: a pronoun, its forces): what is said around the target, in
 * open vocabulary, where the cues name only what the lexicons know. The
 * mentions themselves are left out. Zero when nothing in the sentence
 * refers to the target. */
static void embedding_features(const med_ws_t *ws, double *x)
{
    const med_embeddings_t *e = &ws->m->emb;
    size_t win = (size_t)ws->m->w.embedding_window, near_until = 0, n = 0;
    size_t next_mention = 0; /* the first mention at or after i */
    for (size_t i = 0; i < ws->n; i++) {
        while (next_mention < ws->n &&
               (next_mention < i || !(ws->w[next_mention].mark & M_TARGET)))
            next_mention++;
        if (ws->w[i].mark & M_TARGET) {
            near_until = i + win + 1;
            continue;
        }
        int near =
            i < near_until || (next_mention < ws->n && next_mention - i <= win);
        if (near && ws->w[i].len && ws->w[i].punct == P_NONE)
            n += add_word_vector(ws, i, x);
    }
    if (n)
        for (size_t k = 0; k < e->dims; k++)
            x[k] /= (double)n;
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
    size_t n = embedding_base(ws->m) + ws->m->emb.dims;
    memset(x, 0, n * sizeof(*x));
    add_contributions(ws, qs, x);
    if (ws->m->emb.dims)
        embedding_features(ws, x + embedding_base(ws->m));
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
 * domain cue of that sign, else one of the annotators' levels by how sure
 * the classifier is: their weakest when it gives the class less than even
 * odds (a hedged or implicit stance), else their middle one ("clear", their
 * most common). */
static double learned_score(const med_ws_t *ws, double sign, double prob)
{
    const med_weights_t *w = &ws->m->w;
    double best = 0;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        double a = ws->contribs[i].v * sign;
        if (ws->contribs[i].domain && a > best)
            best = a;
    }
    if (best > 0)
        return sign * best;
    if (!w->n_levels)
        return sign * 0.5;
    return sign * (prob < 0.5 ? w->levels[0] : w->levels[w->n_levels / 2]);
}

void med_learned_verdict(med_ws_t *ws, const med_sent_ctx_t *sc,
                         med_speaker_t qs, med_verdict_t *v)
{
    int probed = ws->probe && ws->probe->features;
    /* Without a model nor a probe nothing reads the features. */
    if (!ws->m->clf.loaded && !probed)
        return;
    double x[MED_MAX_FEATURES];
    size_t n = med_features(ws, sc, qs, v, x);
    if (probed) {
        const char *names[MED_MAX_FEATURES];
        size_t base = embedding_base(ws->m);
        for (size_t i = 0; i < n; i++)
            names[i] =
                i < MED_N_FEATURES ? med_feature_names[i]
                : i < base
                    ? med_str(ws->m, ws->m->class_features[i - MED_N_FEATURES])
                    : med_str(ws->m, ws->m->emb.feature_names[i - base]);
        ws->probe->features(ws->probe->ud, ws->sentence, names, x, n);
    }
    if (!ws->m->clf.loaded)
        return;
    double prob[3];
    int k = med_classify(ws->m, x, prob);
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
    v->score = learned_score(ws, sign, prob[k]);
    /* Held by whoever holds that side, else by the sentence's reporter. */
    int any = 0;
    for (size_t i = 0; i < ws->n_contribs; i++)
        any |= ws->contribs[i].v * sign > 0;
    v->holder =
        any ? med_winning_holder(ws, sign, qs) : med_reporter(ws, sc, qs);
}
