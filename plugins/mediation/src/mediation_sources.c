/* Sources without a reporting verb: the outlet-style headline ("Kremlin:
 * ...", "...: Kremlin", "Putin on ..."), a stance noun with its source
 * ("outrage from Azerbaijani officials"), and a document that is one
 * person's statement as a whole ("Comment by the Foreign Ministry
 * Spokeswoman Maria Zakharova on ..."). Each becomes a frame, or the
 * document's speaker, like the ones mediation_frames.c finds. */
#include <string.h>

#include "mediation_analyze.h"

/* Words of a headline at most; longer lines without a full stop are
 * prose that lost its punctuation. */
#define HEADLINE_MAX 30

/* Is sentence s a headline: a line of its own without final
 * punctuation? */
static int is_headline(const med_ws_t *ws, size_t s)
{
    const mediation_doc_t *d = ws->doc;
    const glossa_token_t *first = &d->tokens[d->sentences[s].token_first];
    return ws->n <= HEADLINE_MAX && ws->w[ws->n - 1].punct != P_TERM &&
           (s == 0 || (first->flags & GLOSSA_TOKEN_NEWLINE_BEFORE));
}

/* The last ':' of the sentence, or n. */
static size_t last_colon(const med_ws_t *ws)
{
    for (size_t i = ws->n; i-- > 0;)
        if (ws->w[i].punct == P_BREAK && med_word_is(ws, i, ":"))
            return i;
    return ws->n;
}

/* Are words [a, b) one name, with titles and determiners around it? */
static int only_a_name(const med_ws_t *ws, size_t a, size_t b)
{
    int named = 0;
    for (size_t i = a; i < b; i++) {
        const med_word_t *x = &ws->w[i];
        if (x->ent >= 0)
            named = 1;
        else if (!(x->flags & (W_TITLE | W_DET | W_SUBJ_HEAD)))
            return 0;
    }
    return named;
}

/* The first entity word of [a, b), a person if there is one. */
static size_t name_in(const med_ws_t *ws, size_t a, size_t b)
{
    size_t found = b;
    for (size_t i = a; i < b; i++) {
        int32_t e = ws->w[i].ent;
        if (e < 0)
            continue;
        if (ws->doc->entities[e].label == MEDIATION_PERSON)
            return med_ent_first(ws, i);
        if (found == b)
            found = med_ent_first(ws, i);
    }
    return found;
}

/* Marks the frame just pushed (if any) as a source without a verb. */
static void mark_source(med_ws_t *ws, size_t before)
{
    if (ws->n_frames > before)
        ws->frames[ws->n_frames - 1].source = 1;
}

void med_headline_frame(med_ws_t *ws, size_t s)
{
    size_t before = ws->n_frames;
    if (ws->n < 3 || !is_headline(ws, s))
        return;
    size_t c = last_colon(ws);
    if (c < ws->n && c + 1 < ws->n && only_a_name(ws, c + 1, ws->n)) {
        /* "Russian Peacekeepers Started Withdrawal: Kremlin" */
        med_frame_push(ws, c, 0, c,
                       med_np_speaker(ws, name_in(ws, c + 1, ws->n)));
    } else if (c < ws->n && c > 0 && c <= 6 && ws->w[c - 1].ent >= 0 &&
               (ws->doc->entities[ws->w[c - 1].ent].label == MEDIATION_PERSON ||
                ws->doc->entities[ws->w[c - 1].ent].label == MEDIATION_ORG)) {
        /* "Foreign Policy Expert Yusin: ...", not "Sochi: ..." */
        med_frame_push(ws, c, c + 1, ws->n,
                       med_np_speaker(ws, med_ent_first(ws, c - 1)));
    } else if (ws->w[0].ent >= 0 &&
               ws->doc->entities[ws->w[0].ent].label == MEDIATION_PERSON) {
        /* "Putin on the peacekeepers' mandate" */
        size_t e = med_ent_last(ws, 0) + 1;
        if (e < ws->n && med_word_is(ws, e, "on"))
            med_frame_push(ws, e, e + 1, ws->n, med_np_speaker(ws, 0));
    }
    mark_source(ws, before);
}

void med_source_frames(med_ws_t *ws, size_t s)
{
    for (size_t h = 0; h < ws->n_hits; h++) {
        const med_hit_t *x = &ws->hits[h];
        size_t j = x->b;
        /* "outrage from Azerbaijani officials", "criticism by Baku" ("in"
         * names places more often than holders: "influence in the
         * region"). */
        if (x->kind != PAT_POLARITY || x->accepted != 1 || j + 1 >= ws->n ||
            !(med_word_is(ws, j, "from") || (ws->w[j].flags & W_AGENT)))
            continue;
        med_speaker_t who;
        size_t before = ws->n_frames;
        /* "expects more active participation from Russia": the target is
         * no source of blame of its own role; it is asked. */
        if (med_right_speaker(ws, s, j + 1, &who) &&
            !(who.target && x->weight < 0))
            med_frame_push(ws, x->a, x->a, x->b, who);
        mark_source(ws, before);
    }
}

void med_find_statement(med_ws_t *ws)
{
    /* "Foreign Minister Lavrov's remarks at a meeting on ...": a title
     * line that opens with a name's statement. */
    if (ws->n > 3 && is_headline(ws, 0)) {
        size_t i = 0;
        while (i < ws->n && ws->w[i].ent < 0 && (ws->w[i].flags & W_TITLE))
            i++;
        if (i < 4 && i < ws->n && ws->w[i].ent >= 0) {
            size_t e = med_ent_last(ws, i) + 1;
            if (e + 1 < ws->n && med_word_is(ws, e, "'s") &&
                (ws->w[e + 1].flags & W_STATEMENT)) {
                med_speaker_t who = med_np_speaker(ws, i);
                if (who.name != med_author)
                    ws->doc_speaker = who;
                return;
            }
        }
    }
    /* "Comment by ...", "Statement of ...": within the first words. */
    for (size_t i = 0; i + 2 < ws->n && i < 4; i++) {
        if (!(ws->w[i].flags & W_STATEMENT) ||
            !(med_word_is(ws, i + 1, "by") || med_word_is(ws, i + 1, "of")))
            continue;
        med_speaker_t who;
        if (med_right_speaker(ws, 0, i + 2, &who) && who.name != med_author)
            ws->doc_speaker = who;
        return;
    }
}
