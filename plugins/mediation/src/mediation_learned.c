/* Step 5b of the analysis: the learned component. Features are read off
 * what the rules found (their contributions, split by kind, stance class
 * and holder), the frames and the sentence's form; the classifier
 * (mediation_classifier.c, weights learned by tools/train_polarity.py)
 * turns them into the sentence's polarity. The names below are the
 * vocabulary of its model file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
    /* Round 8b: the text around the cue. */
    F_NEG_SIGNED,
    F_DENIAL_SIGNED,
    F_TOP_NEGATED,
    F_TOP_DENIED,
    F_REPORTED_POS,
    F_REPORTED_NEG,
    F_PARTY_POS,
    F_PARTY_NEG,
    F_TOP_HOLDER_DIFFERS,
    F_TOP_DIST,
    F_CLAUSE_NET,
    F_OFF_CLAUSE_NET,
    F_NEAR_NET,
    F_PRE_CONTRAST_NET,
    F_POST_CONTRAST_NET,
    F_CONCEDED_NET,
    F_TARGET_AFTER_CONTRAST,
    F_MODAL,
    F_IRREALIS,
    F_HEDGED,
    F_QUESTION,
    F_MODAL_NET,
    F_AXIS_MEAN,
    F_AXIS_MAX,
    F_AXIS_MIN,
    F_ROLE_POS_NEAR,
    F_ROLE_NEG_NEAR,
    F_ROLE_POS,
    F_ROLE_NEG,
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
    /* The text around the cue (README, "The learned component"); "the
     * top cue" is the strongest domain contribution, else the strongest
     * one. */
    "neg_signed",        /* signed sum of the negated domain cues */
    "denial_signed",     /* ... of what a denial's speaker holds */
    "top_negated",       /* the top cue is negated: its sign */
    "top_denied",        /* ... inside a denial's scope: its sign */
    "reported_pos",      /* held by someone named, not a party nor the target */
    "reported_neg",      /* */
    "party_pos",         /* held by a party of the conflict */
    "party_neg",         /* */
    "top_holder_diff",   /* the top cue's holder is not the sentence's */
    "top_dist",          /* words from the top cue to the target (/20, <= 1) */
    "clause_net",        /* signed sum in clauses that mention the target */
    "off_clause_net",    /* ... in the other clauses */
    "near_net",          /* ... within 5 words of a mention */
    "pre_contrast_net",  /* ... before "but" */
    "post_contrast_net", /* ... after it */
    "conceded_net",      /* ... in the "although" clause */
    "target_after_contrast", /* the target is named after "but" */
    "modal",                 /* a modal word */
    "irrealis",              /* "seeks to" */
    "hedged",                /* a sentence-initial hedge */
    "question",              /* the sentence ends in "?" */
    "modal_net", /* signed sum of contributions after a modal in its clause */
    /* Where the words near the target lie on the evaluative axis (the
     * cosine of their vectors with it; rules/en.json's seed words). */
    "axis_mean", /* their mean */
    "axis_max",  /* the most positive */
    "axis_min",  /* the most negative */
    /* Evaluative role words (rules/en.json), negated ones counted on the
     * other side: near the target (its window), and in the sentence. */
    "role_pos_near",
    "role_neg_near",
    "role_pos",
    "role_neg",
};

/* The prefixes of the word-vector blocks' names. */
static const char *const med_emb_block_prefix[MED_EMB_BLOCKS] = {
    "emb:", "embl:", "embr:", "embc:"};

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
    /* "embl:7", "embr:7", "embc:7": the same of the words left of a
     * mention, right of it, and in the clauses that mention the target. */
    for (int b = 1; b < MED_EMB_BLOCKS; b++) {
        size_t len = strlen(med_emb_block_prefix[b]);
        if (strncmp(name, med_emb_block_prefix[b], len) != 0)
            continue;
        char *end;
        long k = strtol(name + len, &end, 10);
        if (end == name + len || *end || k < 0 || (size_t)k >= m->emb.dims)
            return -1;
        return MED_N_FEATURES + (int)(m->n_classes + (size_t)b * m->emb.dims) +
               (int)k;
    }
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
    long row = med_embedding_find(e, s, x->len);
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

/* Clauses are runs of words (their numbers only grow): the run of the
 * last word asked about, and whether it mentions the target. */
typedef struct clause_scan {
    size_t start, end; /* words [start, end) */
    int target;
} clause_scan_t;

/* Does the clause of word i mention the target? cs remembers the last
 * clause asked about (start it at {0, 0, 0}). */
static int clause_mentions_target(const med_ws_t *ws, size_t i,
                                  clause_scan_t *cs)
{
    if (cs->start <= i && i < cs->end)
        return cs->target;
    uint16_t c = ws->w[i].clause;
    size_t a = i;
    while (a > 0 && ws->w[a - 1].clause == c)
        a--;
    cs->start = a;
    cs->target = 0;
    for (cs->end = a; cs->end < ws->n && ws->w[cs->end].clause == c; cs->end++)
        cs->target |= (ws->w[cs->end].mark & M_TARGET) != 0;
    return cs->target;
}

/* The mean vector of the words near the target's mentions (by name or by
 * reference: a pronoun, its forces): what is said around the target, in
 * open vocabulary, where the cues name only what the lexicons know. The
 * mentions themselves are left out. Zero when nothing in the sentence
 * refers to the target. With `blocks` > 1, the same of the words left of
 * a mention (x + dims), right of it (x + 2 dims) and, with 4, of every
 * word of the clauses that mention the target (x + 3 dims). */
static void embedding_features(const med_ws_t *ws, double *x, int blocks)
{
    const med_embeddings_t *e = &ws->m->emb;
    size_t win = (size_t)ws->m->w.embedding_window, near_until = 0;
    size_t n[MED_EMB_BLOCKS] = {0};
    size_t next_mention = 0; /* the first mention at or after i */
    clause_scan_t cs = {0, 0, 0};
    double tmp[MED_EMB_MAX_DIMS];
    for (size_t i = 0; i < ws->n; i++) {
        while (next_mention < ws->n &&
               (next_mention < i || !(ws->w[next_mention].mark & M_TARGET)))
            next_mention++;
        if (ws->w[i].mark & M_TARGET) {
            near_until = i + win + 1;
            continue;
        }
        if (!ws->w[i].len || ws->w[i].punct != P_NONE)
            continue;
        int right = i < near_until;
        int left = next_mention < ws->n && next_mention - i <= win;
        int clause = blocks > 3 && clause_mentions_target(ws, i, &cs);
        if (!right && !left && !clause)
            continue;
        if (blocks == 1) {
            n[0] += add_word_vector(ws, i, x);
            continue;
        }
        memset(tmp, 0, e->dims * sizeof(*tmp));
        size_t added = add_word_vector(ws, i, tmp);
        if (!added)
            continue;
        int in[MED_EMB_BLOCKS] = {right || left, left, right, clause};
        for (int b = 0; b < blocks; b++) {
            if (!in[b])
                continue;
            n[b] += added;
            for (size_t k = 0; k < e->dims; k++)
                x[(size_t)b * e->dims + k] += tmp[k];
        }
    }
    for (int b = 0; b < blocks; b++)
        if (n[b])
            for (size_t k = 0; k < e->dims; k++)
                x[(size_t)b * e->dims + k] /= (double)n[b];
}

/* The cosines of the words near the target with the evaluative axis:
 * their mean, largest and smallest (0 when none has a vector). */
static void axis_features(const med_ws_t *ws, double *x)
{
    const med_embeddings_t *e = &ws->m->emb;
    if (!e->has_axis)
        return;
    size_t win = (size_t)ws->m->w.embedding_window, near_until = 0, n = 0;
    size_t next_mention = 0, skip = (size_t)ws->m->w.embedding_skip_frequent;
    double sum = 0, hi = -1, lo = 1, v[MED_EMB_MAX_DIMS];
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
        if (!near || !ws->w[i].len || ws->w[i].punct != P_NONE)
            continue;
        long row =
            med_embedding_find(e, med_wtext(ws, &ws->w[i]), ws->w[i].len);
        if (row < 0 || (size_t)row < skip)
            continue;
        memset(v, 0, e->dims * sizeof(*v));
        med_embedding_add(e, row, v);
        double dot = 0, norm = 0;
        for (size_t k = 0; k < e->dims; k++) {
            dot += v[k] * e->axis[k];
            norm += v[k] * v[k];
        }
        if (norm <= 0)
            continue;
        double c = dot / sqrt(norm);
        sum += c;
        hi = c > hi ? c : hi;
        lo = c < lo ? c : lo;
        n++;
    }
    if (n) {
        x[F_AXIS_MEAN] = sum / (double)n;
        x[F_AXIS_MAX] = hi;
        x[F_AXIS_MIN] = lo;
    }
}

/* The side of word i in the evaluative role words: 0 positive, 1
 * negative, -1 none. */
static int role_word_side(const med_ws_t *ws, size_t i)
{
    const mediation_model_t *m = ws->m;
    const char *w = med_wtext(ws, &ws->w[i]);
    size_t len = ws->w[i].len;
    for (int sd = 0; sd < 2; sd++)
        for (size_t k = 0; k < m->n_role_words[sd]; k++) {
            const char *r = med_str(m, m->role_words[sd][k]);
            size_t rl = strlen(r);
            if (rl && r[rl - 1] == '*' ? len >= rl - 1 && !memcmp(w, r, rl - 1)
                                       : len == rl && !memcmp(w, r, rl))
                return sd;
        }
    return -1;
}

static void role_word_features(const med_ws_t *ws, double *x)
{
    if (!ws->m->n_role_words[0] && !ws->m->n_role_words[1])
        return;
    size_t win = (size_t)ws->m->w.embedding_window, near_until = 0;
    size_t next_mention = 0;
    for (size_t i = 0; i < ws->n; i++) {
        while (next_mention < ws->n &&
               (next_mention < i || !(ws->w[next_mention].mark & M_TARGET)))
            next_mention++;
        if (ws->w[i].mark & M_TARGET) {
            near_until = i + win + 1;
            continue;
        }
        if (!ws->w[i].len || ws->w[i].punct != P_NONE)
            continue;
        int sd = role_word_side(ws, i);
        if (sd < 0)
            continue;
        if (med_negated(ws, i))
            sd = !sd;
        int near =
            i < near_until || (next_mention < ws->n && next_mention - i <= win);
        x[sd ? F_ROLE_NEG : F_ROLE_POS] += 1;
        if (near)
            x[sd ? F_ROLE_NEG_NEAR : F_ROLE_POS_NEAR] += 1;
    }
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

/* How many blocks of word-vector features to compute: all for a probe
 * (training data), else as many as the classifier reads. */
static int feature_blocks(const med_ws_t *ws)
{
    const mediation_model_t *m = ws->m;
    if (!m->emb.dims)
        return 0;
    if (ws->probe && ws->probe->features)
        return MED_EMB_BLOCKS;
    size_t top = 0, base = embedding_base(m);
    for (size_t i = 0; i < m->clf.n; i++)
        if ((size_t)m->clf.feature[i] >= base &&
            (size_t)m->clf.feature[i] - base + 1 > top)
            top = (size_t)m->clf.feature[i] - base + 1;
    return (int)((top + m->emb.dims - 1) / m->emb.dims);
}

/* The speaker's name a contribution's holder gives (the author's when
 * nobody is named). */
static const char *holder_name(const med_speaker_t *h)
{
    return h && h->name ? h->name : med_author;
}

/* The index of the strongest domain contribution, else of the strongest
 * one; -1 when there is none. */
static long top_contribution(const med_ws_t *ws)
{
    long top = -1;
    int top_domain = 0;
    double best = 0;
    for (size_t i = 0; i < ws->n_contribs; i++) {
        const med_contrib_t *c = &ws->contribs[i];
        double a = fabs(c->v);
        if ((c->domain && !top_domain) ||
            (c->domain == top_domain && a > best)) {
            top = (long)i;
            top_domain = c->domain;
            best = a;
        }
    }
    return top;
}

/* Is word p inside the scope of a denial's frame? */
static int in_denial(const med_ws_t *ws, size_t p)
{
    for (size_t f = 0; f < ws->n_frames; f++)
        if (ws->frames[f].denial && ws->frames[f].a <= p && p < ws->frames[f].b)
            return 1;
    return 0;
}

/* Is a modal (or "seeks to") left of p in its clause? */
static int after_modal(const med_ws_t *ws, size_t p)
{
    uint16_t clause = ws->w[p].clause;
    for (size_t j = p; j-- > 0 && ws->w[j].clause == clause;)
        if ((ws->w[j].flags & W_MODAL) ||
            ((ws->w[j].flags & W_IRREALIS) && med_word_is(ws, j + 1, "to")))
            return 1;
    return 0;
}

/* The features of the text around the cues (round 8b): negation and
 * denial scope, who holds what against whom, where the cue is from the
 * target, which side of a contrast, modality. */
static void context_features(const med_ws_t *ws, const med_sent_ctx_t *sc,
                             med_speaker_t qs, const med_verdict_t *rule,
                             double *x)
{
    size_t near = 5;
    clause_scan_t cs = {0, 0, 0};
    for (size_t i = 0; i < ws->n_contribs; i++) {
        const med_contrib_t *c = &ws->contribs[i];
        double v = c->v, a = fabs(v);
        size_t p = c->pos;
        if (c->domain && (c->tags & C_NEGATED))
            x[F_NEG_SIGNED] += v;
        if ((c->holder >= 0 && ws->frames[c->holder].denial) ||
            in_denial(ws, p))
            x[F_DENIAL_SIGNED] += v;
        const med_speaker_t *h = held_by(ws, c, &qs);
        if (h && h->name && h->name != med_author && !h->target &&
            strcmp(h->name, med_author) != 0) {
            if (h->party)
                x[v > 0 ? F_PARTY_POS : F_PARTY_NEG] += a;
            else
                x[v > 0 ? F_REPORTED_POS : F_REPORTED_NEG] += a;
        }
        x[clause_mentions_target(ws, p, &cs) ? F_CLAUSE_NET
                                             : F_OFF_CLAUSE_NET] += v;
        for (size_t j = p > near ? p - near : 0; j < ws->n && j <= p + near;
             j++)
            if (ws->w[j].mark & M_TARGET) {
                x[F_NEAR_NET] += v;
                break;
            }
        if (sc->contrast_at < ws->n)
            x[p < sc->contrast_at ? F_PRE_CONTRAST_NET : F_POST_CONTRAST_NET] +=
                v;
        if (sc->concede_a < sc->concede_b && p >= sc->concede_a &&
            p < sc->concede_b)
            x[F_CONCEDED_NET] += v;
        if (after_modal(ws, p))
            x[F_MODAL_NET] += v;
    }
    long t = top_contribution(ws);
    if (t >= 0) {
        const med_contrib_t *c = &ws->contribs[t];
        double sign = c->v > 0 ? 1.0 : -1.0;
        size_t p = c->pos;
        if (c->tags & C_NEGATED)
            x[F_TOP_NEGATED] = sign;
        if ((c->holder >= 0 && ws->frames[c->holder].denial) ||
            in_denial(ws, p))
            x[F_TOP_DENIED] = sign;
        const med_speaker_t *h = held_by(ws, c, &qs);
        x[F_TOP_HOLDER_DIFFERS] =
            strcmp(holder_name(h), holder_name(&rule->holder)) != 0;
        size_t dist = 20;
        for (size_t j = 0; j < ws->n; j++)
            if (ws->w[j].mark & M_TARGET) {
                size_t d = j > p ? j - p : p - j;
                if (d < dist)
                    dist = d;
            }
        x[F_TOP_DIST] = (double)dist / 20.0;
    }
    for (size_t i = 0; i < ws->n; i++) {
        const med_word_t *w = &ws->w[i];
        if (w->flags & W_MODAL)
            x[F_MODAL] = 1;
        if ((w->flags & W_IRREALIS) && med_word_is(ws, i + 1, "to"))
            x[F_IRREALIS] = 1;
        if ((w->mark & M_TARGET) && i >= sc->contrast_at)
            x[F_TARGET_AFTER_CONTRAST] = 1;
    }
    x[F_HEDGED] = sc->hedge != 1.0;
    x[F_QUESTION] = ws->n > 0 && med_word_is(ws, ws->n - 1, "?");
}

size_t med_features(const med_ws_t *ws, const med_sent_ctx_t *sc,
                    med_speaker_t qs, const med_verdict_t *rule, double *x)
{
    const mediation_model_t *m = ws->m;
    int blocks = feature_blocks(ws);
    size_t n = embedding_base(m) + (size_t)blocks * m->emb.dims;
    memset(x, 0, n * sizeof(*x));
    add_contributions(ws, qs, x);
    context_features(ws, sc, qs, rule, x);
    axis_features(ws, x);
    role_word_features(ws, x);
    if (m->emb.dims)
        embedding_features(ws, x + embedding_base(m), blocks);
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
        char extra[MED_EMB_BLOCKS - 1][MED_EMB_MAX_DIMS][16];
        size_t base = embedding_base(ws->m), dims = ws->m->emb.dims;
        for (size_t i = 0; i < n; i++) {
            if (i < MED_N_FEATURES) {
                names[i] = med_feature_names[i];
            } else if (i < base) {
                names[i] =
                    med_str(ws->m, ws->m->class_features[i - MED_N_FEATURES]);
            } else if (i < base + dims) {
                names[i] = med_str(ws->m, ws->m->emb.feature_names[i - base]);
            } else {
                size_t b = (i - base) / dims, k = (i - base) % dims;
                snprintf(extra[b - 1][k], sizeof extra[b - 1][k], "%s%u",
                         med_emb_block_prefix[b], (unsigned)k);
                names[i] = extra[b - 1][k];
            }
        }
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
