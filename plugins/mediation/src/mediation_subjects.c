/* Who speaks (step 4 of the analysis, for mediation_frames.c and
 * mediation_sources.c): the subject phrase left of a verb, past
 * auxiliaries, adverbs, titles, head nouns, parentheticals, relative
 * clauses and prepositional phrases; the speaker named right of a verb or
 * a preposition ("..., said Putin", "according to the Kremlin"); and the
 * speaker a noun phrase names (a titled person, nobody for a nation's
 * people). */
#include <string.h>

#include "mediation_analyze.h"

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
 * first to last, at most MED_MAX_SUBJECTS) into out, its first word into
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
    while (n < MED_MAX_SUBJECTS && f >= 2 && (ws->w[f - 1].flags & W_CONJ) &&
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

/* "“...,” the Defence Ministry said. “...,” he added.": a pronoun
 * subject with no person to stand for speaks for the one who spoke in the
 * sentence before (its quotation's speaker, else its reporter), a body
 * through its spokesperson. 1 with *out set, or 0. */
static int previous_speaker(const med_ws_t *ws, size_t s, med_speaker_t *out)
{
    if (s == 0)
        return 0;
    /* The quotes layer's last named speaker in that sentence: the
     * sentence may have been passed over as irrelevant, with no history.
     * Quotes before the cursor ended before an earlier sentence. */
    const mediation_doc_t *d = ws->doc;
    uint32_t lo = d->sentences[s - 1].cp_start, hi = d->sentences[s].cp_start;
    int found = 0;
    for (size_t i = ws->quote_cursor; i < d->n_quotes; i++) {
        if (d->quotes[i].start >= hi)
            break;
        if (d->quotes[i].start >= lo && ws->qinfo[i].name != med_author) {
            *out = ws->qinfo[i];
            found = 1;
        }
    }
    if (found)
        return 1;
    const med_hist_t *h = &ws->hist[(s - 1) % MED_HIST];
    if (!h->valid)
        return 0;
    med_speaker_t sp = h->quote_speaker.name ? h->quote_speaker : h->reporter;
    if (!sp.name || sp.name == med_author)
        return 0;
    *out = sp;
    return 1;
}

/* The most words that prepositional phrases without a name may put
 * between a subject and its verb ("on Saturday", "at a news conference
 * on Friday"); longer runs are clauses of their own more often. */
#define SHORT_PP 7

/* Word j is a preposition left of verb v. When the words from a name to
 * v are one run of prepositional phrases that name nobody ("Lavrov at a
 * news conference on Friday praised"), returns the index of the first
 * preposition, right after the name; else 0. */
static size_t phrases_after_name(const med_ws_t *ws, size_t j, size_t v)
{
    for (size_t k = j; k-- > 0 && v - k <= SHORT_PP + 1;) {
        const med_word_t *x = &ws->w[k];
        if (x->ent >= 0)
            return (ws->w[k + 1].flags & W_PREP) &&
                           !med_word_is(ws, k + 1, "of")
                       ? k + 1
                       : 0;
        if (x->punct != P_NONE || (x->flags & W_CLAUSE))
            return 0;
    }
    return 0;
}

/* Subjects left of verb v. Returns how many (0..MED_MAX_SUBJECTS) and the
 * first word of the subject phrase. A name inside a prepositional phrase
 * is passed over for one before it ("Pashinyan, at a meeting with Putin,
 * expressed..."). */
size_t med_left_subjects(const med_ws_t *ws, size_t s, size_t v,
                         med_speaker_t *out, size_t *first)
{
    int relative = 0, parenthetical = 0, past_pp = 0;
    /* "The Prime Minister of Armenia, Nikol Pashinyan, accused": the
     * person in apposition to the subject phrase speaks. */
    int apposed = -1;
    /* "He went on to thank Russia", "Pashinyan decided to criticise":
     * the subject of the verb that governs the infinitive. */
    int catenative = v >= 2 && med_word_is(ws, v - 1, "to") &&
                     (ws->w[v - 2].flags & W_CATENATIVE);
    size_t steps = 0;
    for (size_t j = v; j-- > 0 && steps++ < MED_SUBJECT_SCAN;) {
        const med_word_t *x = &ws->w[j];
        if (catenative && x->ent < 0 &&
            (j == v - 1 || (x->flags & W_CATENATIVE)))
            continue;
        if (x->ent >= 0) {
            size_t n = subject_phrase(ws, j, out, first);
            if (apposed >= 0) {
                out[0] = med_np_speaker(ws, med_ent_first(ws, (size_t)apposed));
                return 1;
            }
            size_t p = preposition_before(ws, *first);
            /* "a comment by Macron, who said", "with Yerevan accusing":
             * the name is the verb's subject all the same. */
            if (p == *first || relative ||
                (med_word_is(ws, p, "with") &&
                 med_ends_with_ing(ws, &ws->w[v])))
                return n;
            /* Look for the subject before the prepositional phrase. */
            past_pp = 1;
            steps = 0;
            j = p;
            continue;
        }
        if (x->flags & W_PRON_PERSON) {
            if (!med_resolve_pronoun(ws, s, j, &out[0]) &&
                !previous_speaker(ws, s, &out[0]))
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
            while (k-- > 0 && j - k < MED_SUBJECT_SCAN &&
                   ws->w[k].punct != P_COMMA && ws->w[k].punct != P_SEMI &&
                   ws->w[k].punct != P_TERM && ws->w[k].punct != P_OPENQ &&
                   ws->w[k].punct != P_CLOSEQ)
                ;
            if (k < j && k >= 1 && ws->w[k].punct == P_COMMA &&
                (ws->w[k - 1].ent >= 0 ||
                 (ws->w[k - 1].flags & (W_SUBJ_HEAD | W_TITLE)))) {
                parenthetical = 1;
                /* The parenthetical is a person's name alone. */
                if (j >= 2 && ws->w[j - 1].ent >= 0 &&
                    ws->einfo[ws->w[j - 1].ent].person &&
                    med_ent_first(ws, j - 1) == k + 1)
                    apposed = (int)(j - 1);
                j = k; /* the loop continues at the name */
                continue;
            }
        }
        if ((x->flags & (W_SUBJ_SKIP | W_SUBJ_HEAD | W_TITLE | W_NEGATOR)) ||
            med_is_ly_adverb(ws, x))
            continue;
        /* "Moscow on Saturday accused", "Lavrov at a news conference
         * said": a prepositional phrase that names nobody stands between
         * the subject and its verb ("the disputed" after it is no verb). */
        if ((x->flags & W_PREP) && !past_pp && x->punct == P_NONE &&
            !(ws->w[v - 1].flags & W_DET)) {
            size_t k = phrases_after_name(ws, j, v);
            if (k) {
                j = k; /* the loop continues at the name */
                continue;
            }
        }
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
    for (size_t j = from; j < ws->n && j < from + 2 * MED_SUBJECT_SCAN; j++) {
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
        /* "the spokesperson of the Russian presidency, Dmitry Peskov": a
         * person in apposition to the body is the speaker. */
        if (found && x->punct == P_COMMA && j + 1 < ws->n &&
            ws->w[j + 1].ent >= 0 && ws->einfo[ws->w[j + 1].ent].person) {
            *out = med_np_speaker(ws, j + 1);
            return 1;
        }
        if ((x->flags & (W_TITLE | W_SUBJ_SKIP | W_SUBJ_HEAD | W_DET)) ||
            med_word_is(ws, j, "of") || med_word_is(ws, j, "for"))
            continue;
        return found;
    }
    return found;
}
