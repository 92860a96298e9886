/* Step 4 of the analysis: frames. Reporting verbs (said, told, according
 * to) and stance verbs (accused, thanked, criticised) get a speaker (the
 * subject, an inverted or passive agent, a resolved pronoun, a titled
 * person, the other side of a reciprocal verb, the subject of a
 * coordinated verb) and a scope (what precedes ", X said" or follows "X
 * said"). */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

/* Words scanned from a verb to its subject or speaker. */
#define SUBJECT_SCAN 10

/* Subjects joined by "and" kept for one verb ("Russia and EU leaders"). */
#define MAX_SUBJECTS 3

static int is_ly_adverb(const med_ws_t *ws, const med_word_t *x)
{
    return x->len > 3 && x->punct == P_NONE &&
           memcmp(med_wtext(ws, x) + x->len - 2, "ly", 2) == 0;
}

static int ends_with_ing(const med_ws_t *ws, const med_word_t *x)
{
    return x->len > 4 && memcmp(med_wtext(ws, x) + x->len - 3, "ing", 3) == 0;
}

static int ends_with_ed(const med_ws_t *ws, const med_word_t *x)
{
    return x->len > 3 && memcmp(med_wtext(ws, x) + x->len - 2, "ed", 2) == 0;
}

/* The speaker NP that starts at entity word i (NORP/GPE + titles + name
 * gives the name; NORP/GPE + titles alone gives the titled person). */
med_speaker_t med_np_speaker(const med_ws_t *ws, size_t i)
{
    int32_t e = ws->w[i].ent;
    med_speaker_t sp = med_entity_speaker(ws, e);
    mediation_label_t lab = ws->doc->entities[e].label;
    if (lab == MEDIATION_NORP || lab == MEDIATION_GPE) {
        size_t end;
        const med_entry_t *t = med_titles_after(ws, med_ent_last(ws, i), &end);
        if (t && end < ws->n && ws->w[end].ent >= 0 &&
            ws->doc->entities[ws->w[end].ent].label == MEDIATION_PERSON)
            return med_entity_speaker(ws, ws->w[end].ent);
        med_speaker_t titled;
        if (med_title_person(ws, i, &titled, &end))
            return titled;
    }
    /* "Azerbaijani state media", "Armenian protesters": people of a
     * nation, nobody named; the guidelines give their stance to the
     * author. */
    size_t after = med_ent_last(ws, i) + 1;
    for (size_t k = after; k < ws->n && k < after + 2; k++)
        if (ws->w[k].flags & W_UNNAMED) {
            med_speaker_t people = {med_author, 0, 0, 0};
            return people;
        }
    /* "Armenians", "Azeris": the same. */
    const med_word_t *last = &ws->w[med_ent_last(ws, i)];
    if (lab == MEDIATION_NORP && last->len > 3 &&
        med_wtext(ws, last)[last->len - 1] == 's' &&
        !(ws->doc->tokens[last->tok].flags & GLOSSA_TOKEN_ALLCAPS)) {
        med_speaker_t people = {med_author, 0, 0, 0};
        return people;
    }
    return sp;
}

/* The subject phrase whose name ends at word j: its speakers (conjuncts
 * first to last, at most MAX_SUBJECTS) into out, its first word into
 * *first. Returns how many. */
static size_t subject_phrase(const med_ws_t *ws, size_t j, med_speaker_t *out,
                             size_t *first)
{
    size_t f = med_ent_first(ws, j);
    size_t n = 0;
    /* Name the person when a title names one ("Russian President Vladimir
     * Putin"), else the entity itself. */
    out[n++] = med_np_speaker(ws, f);
    /* "Russia and EU leaders": earlier conjuncts. A comma alone joins
     * nothing here: "..., Armenia and Azerbaijan, Lavrov added" has one
     * speaker. */
    while (n < MAX_SUBJECTS && f >= 2 && (ws->w[f - 1].flags & W_CONJ) &&
           ws->w[f - 2].ent >= 0) {
        f = med_ent_first(ws, f - 2);
        memmove(out + 1, out, n * sizeof(*out));
        out[0] = med_np_speaker(ws, f);
        n++;
    }
    /* The phrase also holds a possessor ("Armenia's Pashinyan") and what
     * precedes the name ("the Russian president", "President Vladimir
     * Putin", "Armenian Foreign Minister"). */
    for (;;) {
        const med_word_t *y = f >= 1 ? &ws->w[f - 1] : NULL;
        if (f >= 2 && med_word_is(ws, f - 1, "'s") && ws->w[f - 2].ent >= 0)
            f = med_ent_first(ws, f - 2);
        else if (y && y->ent < 0 &&
                 (y->flags & (W_DET | W_TITLE | W_SUBJ_HEAD)))
            f--;
        else if (y && y->ent >= 0 && (ws->w[f].flags & W_TITLE) &&
                 (ws->doc->entities[y->ent].label == MEDIATION_NORP ||
                  ws->doc->entities[y->ent].label == MEDIATION_GPE))
            f = med_ent_first(ws, f - 1);
        else
            break;
    }
    *first = f;
    return n;
}

/* Is the phrase starting at word f the object of a preposition ("at a
 * meeting with the President of the Russian Federation Vladimir Putin")?
 * Returns the preposition's index, or f when it is not. */
static size_t preposition_before(const med_ws_t *ws, size_t f)
{
    for (size_t k = f, steps = 0; k-- > 0 && steps++ < 8;) {
        const med_word_t *x = &ws->w[k];
        if ((x->flags & W_PREP) && !med_word_is(ws, k, "of"))
            return k;
        /* "at the hands of Azeri forces": "of" and the noun before it. */
        if (med_word_is(ws, k, "of") && k > 0 && ws->w[k - 1].punct == P_NONE) {
            k--;
            continue;
        }
        if (!(x->ent >= 0 || (x->flags & (W_DET | W_TITLE | W_SUBJ_HEAD))))
            return f;
    }
    return f;
}

/* Subjects left of verb v. Returns how many (0..MAX_SUBJECTS) and the
 * first word of the subject phrase. A name inside a prepositional phrase
 * is passed over for one before it ("Pashinyan, at a meeting with Putin,
 * expressed..."). */
static size_t left_subjects(const med_ws_t *ws, size_t s, size_t v,
                            med_speaker_t *out, size_t *first)
{
    int relative = 0, parenthetical = 0, past_pp = 0;
    size_t steps = 0;
    for (size_t j = v; j-- > 0 && steps++ < SUBJECT_SCAN;) {
        const med_word_t *x = &ws->w[j];
        if (x->ent >= 0) {
            size_t n = subject_phrase(ws, j, out, first);
            size_t p = preposition_before(ws, *first);
            /* "a comment by Macron, who said", "with Yerevan accusing":
             * the name is the verb's subject all the same. */
            if (p == *first || relative ||
                (med_word_is(ws, p, "with") && ends_with_ing(ws, &ws->w[v])))
                return n;
            /* Look for the subject before the prepositional phrase. */
            past_pp = 1;
            steps = 0;
            j = p;
            continue;
        }
        if (x->flags & W_PRON_PERSON) {
            if (!med_resolve_pronoun(ws, s, j, &out[0]))
                return 0;
            *first = j;
            return 1;
        }
        /* "they" standing for the target's force speaks for the
         * target. */
        if ((x->flags & W_PRON_THEY) && (x->mark & M_FORCE)) {
            med_speaker_t t = {med_str(ws->m, ws->m->target_name), 1, 0, 0};
            out[0] = t;
            *first = j;
            return 1;
        }
        if (x->flags & W_RELATIVE) {
            relative = 1;
            continue;
        }
        if (x->punct == P_COMMA && relative)
            continue;
        if (x->punct == P_COMMA && !parenthetical) {
            /* "Putin, who hosted the talks, called them...": skip back
             * over a parenthetical that follows a name. */
            size_t k = j;
            while (k-- > 0 && j - k < SUBJECT_SCAN &&
                   ws->w[k].punct != P_COMMA && ws->w[k].punct != P_SEMI &&
                   ws->w[k].punct != P_TERM && ws->w[k].punct != P_OPENQ &&
                   ws->w[k].punct != P_CLOSEQ)
                ;
            if (k < j && k >= 1 && ws->w[k].punct == P_COMMA &&
                (ws->w[k - 1].ent >= 0 ||
                 (ws->w[k - 1].flags & (W_SUBJ_HEAD | W_TITLE)))) {
                parenthetical = 1;
                j = k; /* the loop continues at the name */
                continue;
            }
        }
        if ((x->flags & (W_SUBJ_SKIP | W_SUBJ_HEAD | W_TITLE | W_NEGATOR)) ||
            is_ly_adverb(ws, x))
            continue;
        /* Before a prepositional phrase, its head noun and its own
         * prepositions ("at a meeting") are passed over too. */
        if (past_pp && x->punct == P_NONE && !(x->flags & W_CLAUSE))
            continue;
        return 0;
    }
    return 0;
}

/* A speaker named right of word `from` ("..., said Putin", "by Armenia",
 * "according to the Kremlin"). Titles may run through "of" and "for"
 * ("Spokesperson for the Ministry of Foreign Affairs of Russia Maria
 * Zakharova"): a person named after a body is the speaker. */
int med_right_speaker(const med_ws_t *ws, size_t s, size_t from,
                      med_speaker_t *out)
{
    int found = 0;
    for (size_t j = from; j < ws->n && j < from + 2 * SUBJECT_SCAN; j++) {
        const med_word_t *x = &ws->w[j];
        if (x->ent >= 0) {
            int person = ws->einfo[x->ent].person;
            if (!found || person)
                *out = med_np_speaker(ws, j);
            found = 1;
            if (person)
                return 1;
            j = med_ent_last(ws, j);
            continue;
        }
        if (x->flags & W_PRON_PERSON)
            return found || med_resolve_pronoun(ws, s, j, out);
        if ((x->flags & (W_TITLE | W_SUBJ_SKIP | W_SUBJ_HEAD | W_DET)) ||
            med_word_is(ws, j, "of") || med_word_is(ws, j, "for"))
            continue;
        return found;
    }
    return found;
}

/* Does the reported content start at word j ("said that", "said he",
 * "said the talks", "said: “...")? */
static int starts_complement(const med_ws_t *ws, size_t j)
{
    /* "said earlier that", "said on Monday the talks": adverbs and time
     * words come first. */
    while (j < ws->n &&
           ((ws->w[j].flags & W_SUBJ_SKIP) || is_ly_adverb(ws, &ws->w[j])))
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
                (ends_with_ing(ws, y) && !(y->flags & (W_SAY | W_STANCE)) &&
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

/* A passive participle ("has been criticised") without a subject of its
 * own: returns 1 and sets *agent_at to the word after "by", or to n when
 * there is no agent. */
static int passive_at(const med_ws_t *ws, size_t v, size_t *agent_at)
{
    const med_word_t *x = &ws->w[v];
    if (!ends_with_ed(ws, x) && !med_word_is(ws, v, "told") &&
        !med_word_is(ws, v, "thought"))
        return 0;
    /* "the Minsk Group, long criticised by Baku": a stance participle
     * with its agent needs no auxiliary ("regions controlled by Armenian
     * forces" is no stance). */
    int agent = v + 1 < ws->n && (ws->w[v + 1].flags & W_AGENT) &&
                (ws->w[v].flags & W_STANCE);
    size_t j = v;
    while (j > 0 && is_ly_adverb(ws, &ws->w[j - 1]))
        j--;
    if (!agent && (j == 0 || !(ws->w[j - 1].flags & W_PASSIVE_AUX)))
        return 0;
    *agent_at =
        (v + 1 < ws->n && (ws->w[v + 1].flags & W_AGENT)) ? v + 2 : ws->n;
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
              is_ly_adverb(ws, x) || med_word_is(ws, j, "long")))
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
    if (first > 2 && !ends_with_ing(ws, &ws->w[v])) {
        uint8_t pp = ws->w[prev].punct;
        if (pp == P_CLOSEQ)
            backward = 1;
        else if (pp == P_COMMA)
            backward = (prev > 0 && ws->w[prev - 1].punct == P_CLOSEQ) ||
                       !starts_complement(ws, v + 1);
    }
    if (backward)
        med_frame_push(ws, v, 0, prev, sp);
    else
        med_frame_push(ws, v, v, forward_end(ws, v), sp);
}

/* Does verb v report nothing, though it may: an event ("announced
 * signing a declaration", "pledged 2,000 peacekeepers")? A verb followed
 * by a gerund names an act; an object verb (W_OBJECT_VERB) reports only
 * a clause or a quotation. */
static int reports_no_speech(const med_ws_t *ws, size_t v, med_flags_t f)
{
    size_t j = v + 1;
    while (j < ws->n && is_ly_adverb(ws, &ws->w[j]))
        j++;
    if (j >= ws->n)
        return 0;
    const med_word_t *x = &ws->w[j];
    if (x->punct == P_NONE && ends_with_ing(ws, x) &&
        !(x->flags & (W_SAY | W_STANCE | W_PREP)))
        return 1;
    if (!(f & W_OBJECT_VERB) || ws->w[v - (v > 0)].punct == P_COMMA)
        return 0;
    return !(x->punct == P_OPENQ || x->punct == P_BREAK ||
             med_word_is(ws, j, "that") || med_word_is(ws, j, "to") ||
             (x->flags & (W_PRON_PERSON | W_PRON_WE | W_PRON_THEY)));
}

/* The frame of verb v (flags f) with a speaker named as its subject, after
 * it ("..., said Putin"), or shared with the verb before it; a denial
 * with nobody named is the author's. */
static void verb_frame(med_ws_t *ws, size_t s, size_t v, med_flags_t f)
{
    if (reports_no_speech(ws, v, f))
        return;
    med_speaker_t who[MAX_SUBJECTS];
    size_t first = v;
    int inverted = 0;
    size_t n_who = left_subjects(ws, s, v, who, &first);
    /* "..., said Putin": only reporting verbs invert; after "criticised"
     * the name is the object. */
    if (!n_who && v > 0 && (f & W_SAY) && !ends_with_ing(ws, &ws->w[v]) &&
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
         (ws->w[v - 1].punct == P_COMMA && ends_with_ing(ws, &ws->w[v])))) {
        med_frame_push(ws, v, v, forward_end(ws, v),
                       ws->frames[ws->n_frames - 1].who);
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
