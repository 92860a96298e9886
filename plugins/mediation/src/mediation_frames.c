/* Step 4 of the analysis: frames. Reporting verbs (said, told, according
 * to) and stance verbs (accused, thanked, criticised) get a speaker (the
 * subject or an agent, found by mediation_subjects.c; the other side of a
 * reciprocal verb; the subject of a coordinated verb) and a scope (what
 * precedes ", X said" or follows "X said"). */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

/* Does the reported content start at word j ("said that", "said he",
 * "said the talks", "said: “...")? */
static int starts_complement(const med_ws_t *ws, size_t j)
{
    /* "said earlier that", "said on Monday the talks": adverbs and time
     * words come first. */
    while (j < ws->n &&
           ((ws->w[j].flags & W_SUBJ_SKIP) || med_is_ly_adverb(ws, &ws->w[j])))
        j++;
    if (j >= ws->n)
        return 0;
    const med_word_t *x = &ws->w[j];
    if (x->punct == P_OPENQ || x->punct == P_BREAK || x->punct == P_DASH ||
        x->ent >= 0)
        return 1;
    if (x->flags & (W_RELATIVE | W_PRON_PERSON | W_PRON_WE))
        return 1;
    static const char *const starts[] = {
        "it",    "they", "i",     "there", "a",   "an",  "this", "these",
        "those", "its",  "their", "his",   "her", "our", NULL};
    for (size_t k = 0; starts[k]; k++)
        if (med_word_is(ws, j, starts[k]))
            return 1;
    /* "the" opens the content unless it names the one told ("told the
     * reporters" is rare enough next to "said the talks"). */
    return med_word_is(ws, j, "the");
}

/* Does a new clause with a subject of its own start at word j ("and
 * they", "and Moscow")? */
static int new_subject_at(const med_ws_t *ws, size_t j)
{
    if (j + 1 >= ws->n || !(ws->w[j].flags & W_CONJ))
        return 0;
    const med_word_t *y = &ws->w[j + 1];
    return y->ent >= 0 ||
           (y->flags & (W_PRON_PERSON | W_PRON_WE | W_PRON_THEY));
}

/* End of a forward scope that starts at verb v: a semicolon, a dash
 * outside quotation marks ("— all of which Russia has since reneged
 * on"), or a comma before the author's own words (", but he could...",
 * ", reaffirming Moscow's role") or a new subject (", and they"). */
static size_t forward_end(const med_ws_t *ws, size_t v)
{
    for (size_t j = v + 1; j < ws->n; j++) {
        const med_word_t *x = &ws->w[j];
        if (x->punct == P_SEMI ||
            (x->punct == P_DASH && j > v + 1 && !(x->mark & M_QUOTE)))
            return j;
        if (x->punct == P_COMMA && j + 1 < ws->n) {
            const med_word_t *y = &ws->w[j + 1];
            if ((y->flags & W_CONTRAST_AFTER) ||
                (med_ends_with_ing(ws, y) && !(y->flags & (W_SAY | W_STANCE)) &&
                 !(y->mark & M_QUOTE)) ||
                (!(y->mark & M_QUOTE) && new_subject_at(ws, j + 1)))
                return j;
        }
    }
    return ws->n;
}

void med_frame_push(med_ws_t *ws, size_t v, size_t a, size_t b,
                    med_speaker_t who)
{
    if (ws->n_frames == ws->cap_frames || a >= b)
        return;
    med_frame_t *f = &ws->frames[ws->n_frames++];
    f->quote = 0;
    f->source = 0;
    f->spk_a = f->spk_b = 0;
    f->verb = (uint16_t)v;
    f->a = (uint16_t)a;
    f->b = (uint16_t)b;
    f->who = who;
    /* "not seeking to dispute" denies nothing. */
    f->denial = (ws->w[v].flags & W_DENIAL) && !med_negated(ws, v);
    /* The object of a stance verb: when it is named and is not the
     * target, the stance is about someone else. */
    f->off_target = 0;
    if ((ws->w[v].flags & W_STANCE) && !f->denial) {
        for (size_t j = v + 1; j < ws->n && j <= v + 4; j++) {
            const med_word_t *x = &ws->w[j];
            if (x->ent >= 0) {
                f->off_target = !ws->einfo[x->ent].target;
                break;
            }
            if (!(x->flags & (W_DET | W_TITLE | W_SUBJ_HEAD)))
                break;
        }
    }
}

/* "(is stated) in the bulletin of the Russian Ministry of Defense", "in a
 * statement by the Kremlin": the word after "of"/"by"/"from" when words
 * from j are "in" and a phrase headed by a statement noun, else n. */
static size_t statement_source(const med_ws_t *ws, size_t j)
{
    if (j >= ws->n || !med_word_is(ws, j, "in"))
        return ws->n;
    int statement = 0;
    for (size_t k = j + 1; k < ws->n && k <= j + 5; k++) {
        if (ws->w[k].punct != P_NONE || ws->w[k].ent >= 0)
            return ws->n;
        if (statement &&
            (med_word_is(ws, k, "of") || (ws->w[k].flags & W_AGENT) ||
             med_word_is(ws, k, "from")))
            return k + 1;
        statement |= (ws->w[k].flags & W_STATEMENT) != 0;
    }
    return ws->n;
}

/* A passive participle ("has been criticised") without a subject of its
 * own: returns 1 and sets *agent_at to the word after "by", or to n when
 * there is no agent. */
static int passive_at(const med_ws_t *ws, size_t v, size_t *agent_at)
{
    const med_word_t *x = &ws->w[v];
    if (!med_ends_with_ed(ws, x) && !med_word_is(ws, v, "told") &&
        !med_word_is(ws, v, "thought"))
        return 0;
    /* "the Minsk Group, long criticised by Baku": a stance participle
     * with its agent needs no auxiliary ("regions controlled by Armenian
     * forces" is no stance). */
    int agent = v + 1 < ws->n && (ws->w[v + 1].flags & W_AGENT) &&
                (ws->w[v].flags & W_STANCE);
    size_t j = v;
    while (j > 0 && med_is_ly_adverb(ws, &ws->w[j - 1]))
        j--;
    if (!agent && (j == 0 || !(ws->w[j - 1].flags & W_PASSIVE_AUX)))
        return 0;
    /* "was called for by Putin", "was commented on by the Kremlin": a
     * prepositional verb's particle comes before the agent. */
    size_t k = v + 1;
    if (k + 1 < ws->n && (ws->w[k].flags & W_PREP) &&
        !(ws->w[k].flags & W_AGENT) && ws->w[k].punct == P_NONE &&
        (ws->w[k + 1].flags & W_AGENT))
        k++;
    *agent_at = (k < ws->n && (ws->w[k].flags & W_AGENT)) ? k + 1 : ws->n;
    if (*agent_at == ws->n && (x->flags & W_SAY))
        *agent_at = statement_source(ws, v + 1);
    return 1;
}

/* "according to X": X holds what precedes the comma before it, else what
 * follows. */
static void according_frame(med_ws_t *ws, size_t s, size_t v)
{
    med_speaker_t who;
    if (!med_word_is(ws, v + 1, "to") || !med_right_speaker(ws, s, v + 2, &who))
        return;
    if (v > 0 && ws->w[v - 1].punct == P_COMMA)
        med_frame_push(ws, v, 0, v - 1, who);
    else
        med_frame_push(ws, v, v, ws->n, who);
}

/* Does reciprocal verb v trade a stance ("traded criticism", not "traded
 * goods")? */
static int trades_stance(const med_ws_t *ws, size_t v)
{
    int stance = 0;
    for (size_t j = v + 1; j < ws->n && j <= v + 2; j++)
        stance |= (ws->w[j].mark & M_COVERED) ||
                  (ws->w[j].e && ws->w[j].e->valence < 0);
    return stance;
}

/* The entity a passive participle at v is said of: the name just before
 * it, past adverbs, auxiliaries and one comma ("the Minsk Group, long
 * criticised by Baku"), or -1. */
static int32_t patient_before(const med_ws_t *ws, size_t v)
{
    int commas = 0;
    for (size_t j = v, steps = 0; j-- > 0 && steps++ < 6;) {
        const med_word_t *x = &ws->w[j];
        if (x->ent >= 0)
            return x->ent;
        if (x->punct == P_COMMA && !commas++)
            continue;
        if (x->punct != P_NONE ||
            !((x->flags & (W_SUBJ_SKIP | W_PASSIVE_AUX)) ||
              med_is_ly_adverb(ws, x) || med_word_is(ws, j, "long")))
            return -1;
    }
    return -1;
}

/* Verb v as a passive participle: 1 when that settles it (its agent's
 * frame pushed, or no frame at all), 0 when it is no passive or its
 * subject is still to be found ("Aliyev was quoted as saying"). */
static int passive_frame(med_ws_t *ws, size_t s, size_t v, med_flags_t f)
{
    size_t agent_at;
    if (!passive_at(ws, v, &agent_at))
        return 0;
    if (agent_at < ws->n) {
        med_speaker_t who;
        /* The agent holds the stance on what precedes; "criticised by
         * some" names nobody. */
        if (med_right_speaker(ws, s, agent_at, &who)) {
            med_frame_push(ws, v, 0, ws->n, who);
            /* "the Minsk Group, long criticised by Baku": a stance on
             * someone else. */
            int32_t patient = patient_before(ws, v);
            if (ws->n_frames && patient >= 0 && !ws->einfo[patient].target)
                ws->frames[ws->n_frames - 1].off_target = 1;
        }
        return 1;
    }
    return !(f & W_SAY);
}

/* The frame of verb v spoken by sp, whose subject phrase starts at word
 * first: "“...,” Putin said" and "..., Moscow said." hold what precedes
 * the comma or the closing quote, "Putin said ..." what follows. */
static void subject_frame(med_ws_t *ws, size_t v, size_t first,
                          med_speaker_t sp)
{
    size_t prev = first > 0 ? first - 1 : 0;
    int backward = 0;
    /* ", even Pashinyan worrying about...": a participle reports
     * nothing that precedes it. */
    /* "Meanwhile, Pashinyan said ...": an opening adverbial is no
     * content. */
    if (first > 2 && !med_ends_with_ing(ws, &ws->w[v])) {
        uint8_t pp = ws->w[prev].punct;
        if (pp == P_CLOSEQ)
            backward = 1;
        else if (pp == P_COMMA)
            backward = (prev > 0 && ws->w[prev - 1].punct == P_CLOSEQ) ||
                       !starts_complement(ws, v + 1);
    }
    /* "Russia sees an opportunity, Peskov said: “...”": the speaker's
     * on both sides of the verb. */
    int both = !backward && first > 2 && ws->w[prev].punct == P_COMMA &&
               med_word_is(ws, v + 1, ":");
    if (backward || both)
        med_frame_push(ws, v, 0, prev, sp);
    if (!backward)
        med_frame_push(ws, v, v, forward_end(ws, v), sp);
}

/* "the press service quoted him as saying", "citing Lavrov as saying":
 * the one quoted is the speaker (*out), named between the quoting verb v
 * and "as". */
static int quoted_as_saying(const med_ws_t *ws, size_t s, size_t v,
                            med_speaker_t *out)
{
    for (size_t j = v + 1; j + 1 < ws->n && j <= v + MED_SUBJECT_SCAN; j++) {
        if (ws->w[j].punct != P_NONE)
            return 0;
        if (med_word_is(ws, j, "as") && (ws->w[j + 1].flags & W_SAY))
            return j > v + 1 && med_right_speaker(ws, s, v + 1, out);
    }
    return 0;
}

/* Does verb v report nothing, though it may: an event ("announced
 * signing a declaration", "pledged 2,000 peacekeepers")? A verb followed
 * by a gerund names an act; an object verb (W_OBJECT_VERB) reports only
 * a clause or a quotation. */
static int reports_no_speech(const med_ws_t *ws, size_t v, med_flags_t f)
{
    size_t j = v + 1;
    while (j < ws->n && med_is_ly_adverb(ws, &ws->w[j]))
        j++;
    if (j >= ws->n)
        return 0;
    const med_word_t *x = &ws->w[j];
    if (x->punct == P_NONE && med_ends_with_ing(ws, x) &&
        !(x->flags & (W_SAY | W_STANCE | W_PREP)))
        return 1;
    if (!(f & W_OBJECT_VERB) || ws->w[v - (v > 0)].punct == P_COMMA)
        return 0;
    return !(x->punct == P_OPENQ || x->punct == P_BREAK ||
             med_word_is(ws, j, "that") || med_word_is(ws, j, "to") ||
             (x->flags & (W_PRON_PERSON | W_PRON_WE | W_PRON_THEY)));
}

/* "Welcoming Russia's efforts, President Aliyev declared...": a
 * participle that opens the sentence has the main clause's subject, named
 * right after the comma that closes the participle's clause and followed
 * by its verb (not by another name of a list). Returns 1 with the speaker
 * in *out and the comma's index in *end, else 0. */
static int opening_participle(const med_ws_t *ws, size_t v, med_speaker_t *out,
                              size_t *end)
{
    if (!med_ends_with_ing(ws, &ws->w[v]) ||
        (v > 0 && !(v == 1 && ws->w[0].punct == P_OPENQ)))
        return 0;
    for (size_t j = v + 1; j + 1 < ws->n; j++) {
        if (ws->w[j].punct != P_COMMA || (ws->w[j].mark & M_QUOTE))
            continue;
        size_t k = j + 1;
        while (k < ws->n && ws->w[k].ent < 0 && ws->w[k].punct == P_NONE &&
               (ws->w[k].flags & (W_DET | W_TITLE | W_SUBJ_HEAD)))
            k++;
        if (k >= ws->n || ws->w[k].ent < 0)
            continue;
        /* The name with its titles ("Russian President Vladimir Putin"). */
        size_t e = k;
        for (;;) {
            e = med_ent_last(ws, e) + 1;
            while (e < ws->n && ws->w[e].ent < 0 && (ws->w[e].flags & W_TITLE))
                e++;
            if (e >= ws->n || ws->w[e].ent < 0)
                break;
        }
        if (e >= ws->n || ws->w[e].punct != P_NONE || (ws->w[e].flags & W_CONJ))
            continue;
        *out = med_np_speaker(ws, k);
        *end = j;
        return 1;
    }
    return 0;
}

/* The frame of verb v (flags f) with a speaker named as its subject, after
 * it ("..., said Putin"), or shared with the verb before it; a denial
 * with nobody named is the author's. */
static void verb_frame(med_ws_t *ws, size_t s, size_t v, med_flags_t f)
{
    if (reports_no_speech(ws, v, f))
        return;
    med_speaker_t who[MED_MAX_SUBJECTS];
    size_t first = v;
    int inverted = 0;
    size_t n_who = med_left_subjects(ws, s, v, who, &first);
    med_speaker_t quoted;
    if ((f & W_QUOTING) && quoted_as_saying(ws, s, v, &quoted)) {
        who[0] = quoted;
        if (!n_who) {
            /* The subject phrase is unnamed ("the press service"): it
             * still decides which side of the verb is reported. */
            while (first > 0 && ws->w[first - 1].punct == P_NONE &&
                   v - first < MED_SUBJECT_SCAN)
                first--;
            n_who = 1;
        }
    }
    /* "..., said Putin": only reporting verbs invert; after "criticised"
     * the name is the object. */
    if (!n_who && v > 0 && (f & W_SAY) && !med_ends_with_ing(ws, &ws->w[v]) &&
        (ws->w[v - 1].punct == P_COMMA || ws->w[v - 1].punct == P_CLOSEQ)) {
        if (med_right_speaker(ws, s, v + 1, who)) {
            n_who = 1;
            inverted = 1;
        }
    }
    /* "Zakharova said ..., and accused ...", "Putin said ..., adding
     * that": a coordinated verb or a participle shares the subject of
     * the verb before it. */
    if (!n_who && v > 0 && ws->n_frames > 0 &&
        ((ws->w[v - 1].flags & W_CONJ) ||
         (ws->w[v - 1].punct == P_COMMA && med_ends_with_ing(ws, &ws->w[v])))) {
        med_frame_push(ws, v, v, forward_end(ws, v),
                       ws->frames[ws->n_frames - 1].who);
        return;
    }
    size_t comma;
    if (!n_who && opening_participle(ws, v, who, &comma)) {
        med_frame_push(ws, v, v, comma, who[0]);
        return;
    }
    if (!n_who) {
        /* A bare noun or adjective ("the dispute over Karabakh", "the
         * disputed region") denies nothing. */
        if (!(f & W_DENIAL) ||
            !(med_word_is(ws, v + 1, "whether") ||
              med_word_is(ws, v + 1, "that") || med_word_is(ws, v + 1, "if")))
            return;
        /* "Western diplomats questioned whether...": nobody named, but
         * the doubt still reverses what it holds, as the author
         * reports it. */
        med_speaker_t unnamed = {med_author, 0, 0, 0};
        med_frame_push(ws, v, v, forward_end(ws, v), unnamed);
        return;
    }
    med_speaker_t sp = who[0];
    if (f & W_RECIPROCAL) {
        /* Of two sides trading criticism, the stance toward the target
         * is the other side's. */
        for (size_t k = 0; k < n_who; k++)
            if (!who[k].target) {
                sp = who[k];
                break;
            }
    }
    if (inverted)
        med_frame_push(ws, v, 0, v - 1, sp);
    else
        subject_frame(ws, v, first, sp);
}

void med_find_frames(med_ws_t *ws, size_t s)
{
    for (size_t v = 0; v < ws->n; v++) {
        const med_word_t *x = &ws->w[v];
        med_flags_t f = x->flags;
        if (!(f & (W_SAY | W_STANCE | W_RECIPROCAL | W_ACCORDING)) ||
            x->ent >= 0)
            continue;
        if (f & W_ACCORDING) {
            according_frame(ws, s, v);
            continue;
        }
        if ((f & W_RECIPROCAL) && !trades_stance(ws, v))
            continue;
        if (!passive_frame(ws, s, v, f))
            verb_frame(ws, s, v, f);
    }
}

/* Is frame f inside frame g: its verb within what g reports and not the
 * other way round ("the press service said: Pashinyan ... expressed
 * gratitude" holds Pashinyan's report), else the narrower one? */
int med_frame_inside(const med_frame_t *f, const med_frame_t *g)
{
    int f_in_g = f->verb >= g->a && f->verb < g->b;
    int g_in_f = g->verb >= f->a && g->verb < f->b;
    if (f_in_g != g_in_f)
        return f_in_g;
    return f->b - f->a < g->b - g->a;
}

/* The innermost frame whose scope holds word p, or -1. */
int med_frame_at(const med_ws_t *ws, size_t p)
{
    int best = -1;
    for (size_t i = 0; i < ws->n_frames; i++) {
        const med_frame_t *f = &ws->frames[i];
        if (p < f->a || p >= f->b)
            continue;
        if (best < 0 || med_frame_inside(f, &ws->frames[best]))
            best = (int)i;
    }
    return best;
}
