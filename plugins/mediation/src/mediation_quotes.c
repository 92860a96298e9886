/* The `quotes` layer in the analysis. Each quotation or reported content
 * of the layer that overlaps the current sentence becomes a frame of its
 * speaker over the words it covers; the steps after it read these frames
 * like the ones reporting verbs give (mediation_frames.c), so a sentence
 * inside a quotation is its speaker's, also when the quotation spans
 * sentences or its speaker is named only by office. */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

static const med_entry_t *lookup_name(const mediation_model_t *m,
                                      const char *name)
{
    char key[MED_MAX_WORD];
    size_t len = med_fold(name, strlen(name), key);
    return len ? med_lookup(m, key, len) : NULL;
}

/* The first entity that can overlap code points from `from` on: every
 * entity before it ends at or before `from`. end_max[i] is the largest end
 * of entities 0..i (non-decreasing), so a binary search finds it and a
 * document's quotes cost O(log n) each instead of a pass over all its
 * entities. Without end_max (out of memory), 0. */
static size_t first_entity(const uint32_t *end_max, size_t n, uint32_t from)
{
    size_t lo = 0, hi = end_max ? n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (end_max[mid] <= from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The entity the speaker phrase of quote q names (the one whose canonical
 * is the speaker's, else the last one in the phrase), or -1. */
static int32_t speaker_entity(const med_ws_t *ws, const mediation_quote_t *q,
                              const uint32_t *end_max)
{
    const mediation_doc_t *d = ws->doc;
    int32_t best = -1;
    for (size_t i = first_entity(end_max, d->n_entities, q->speaker_start);
         i < d->n_entities; i++) {
        const mediation_entity_t *e = &d->entities[i];
        if (e->start >= q->speaker_end)
            break;
        if (e->end <= q->speaker_start)
            continue;
        if (strcmp(e->canonical, q->speaker) == 0)
            return (int32_t)i;
        best = (int32_t)i;
    }
    return best;
}

void med_classify_quotes(med_ws_t *ws)
{
    const mediation_doc_t *d = ws->doc;
    uint32_t *end_max = d->n_entities && d->n_quotes
                            ? malloc(d->n_entities * sizeof(*end_max))
                            : NULL;
    for (size_t i = 0; end_max && i < d->n_entities; i++)
        end_max[i] = i && end_max[i - 1] > d->entities[i].end
                         ? end_max[i - 1]
                         : d->entities[i].end;
    for (size_t i = 0; i < d->n_quotes; i++) {
        const mediation_quote_t *q = &d->quotes[i];
        med_speaker_t *sp = &ws->qinfo[i];
        /* Nobody named: the guidelines give such stances to the author. */
        sp->name = med_author;
        sp->target = sp->person = sp->party = 0;
        if (!q->speaker)
            continue;
        int32_t e = speaker_entity(ws, q, end_max);
        if (e >= 0 && strcmp(d->entities[e].canonical, q->speaker) == 0) {
            /* "the Kremlin" is Russia, "Yerevan" Armenia. */
            *sp = med_entity_speaker(ws, e);
            continue;
        }
        /* A name the phrase does not spell out ("the Russian president"
         * resolved to Vladimir Putin): a person when its last word is a
         * known person's surname. */
        const med_entry_t *en = lookup_name(ws->m, q->speaker);
        const char *last = strrchr(q->speaker, ' ');
        const med_entry_t *sn = last ? lookup_name(ws->m, last + 1) : NULL;
        med_flags_t pf = sn ? sn->flags : 0;
        sp->name = q->speaker;
        sp->person = (pf & (N_TARGET_PERSON | N_PARTY_PERSON)) ||
                     (e >= 0 && d->entities[e].label == MEDIATION_PERSON &&
                      strchr(q->speaker, ' '));
        sp->target = (en && (en->flags & N_TARGET)) || (pf & N_TARGET_PERSON) ||
                     med_is_target_body(ws->m, q->speaker);
        sp->party = (en && (en->flags & N_PARTY)) || (pf & N_PARTY_PERSON);
        if (en && (en->flags & N_TARGET) && !sp->person)
            sp->name = med_str(ws->m, ws->m->target_name);
    }
    free(end_max);
}

/* Pushes a frame of the quote's speaker over words [a, b). */
/* The words [*a, *b) of the sentence inside code points [start, end);
 * *a == *b when none. */
static void words_in(const med_ws_t *ws, uint32_t start, uint32_t end,
                     size_t *a, size_t *b)
{
    *a = *b = 0;
    for (size_t k = 0; k < ws->n; k++) {
        const glossa_token_t *t = &ws->doc->tokens[ws->w[k].tok];
        if (t->cp_start < start || t->cp_end > end)
            continue;
        if (*b == 0)
            *a = k;
        *b = k + 1;
    }
}

/* Pushes a frame of quote q (speaker who) over the words it covers. */
static void quote_frame(med_ws_t *ws, const mediation_quote_t *q,
                        med_speaker_t who)
{
    size_t a, b, sa, sb;
    words_in(ws, q->start, q->end, &a, &b);
    if (ws->n_frames == ws->cap_frames || a >= b)
        return;
    words_in(ws, q->speaker_start, q->speaker_end, &sa, &sb);
    med_frame_t *f = &ws->frames[ws->n_frames++];
    memset(f, 0, sizeof(*f));
    f->verb = (uint16_t)a;
    f->a = (uint16_t)a;
    f->b = (uint16_t)b;
    f->spk_a = (uint16_t)sa;
    f->spk_b = (uint16_t)sb;
    f->quote = 1;
    f->who = who;
}

/* A reporting verb right at the edge of a quotation is the quotation's
 * cue: the quotes layer's speaker, which a dedicated analysis found, is
 * the verb's too ("Pashinyan, at a meeting with Putin, expressed his
 * complaints..."); but whom a pronoun subject is, the analysis tells
 * from the sentences' subjects ("“...,” he told Pashinyan"), and a
 * person the verb names as its subject is not replaced by a state or a
 * body ("President Aliyev", not "Azerbaijan", whom the guidelines' "X
 * said" gives as X). */
static void adopt_speakers(med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n_frames; i++) {
        med_frame_t *q = &ws->frames[i];
        if (!q->quote)
            continue;
        for (size_t k = 0; k < ws->n_frames; k++) {
            med_frame_t *f = &ws->frames[k];
            if (f->quote || f->source)
                continue;
            /* At the quotation's edge, or next to its speaker's phrase
             * ("“...,” the Russian president said"). */
            int before = f->verb < q->a && q->a - f->verb <= 3;
            int after = f->verb >= q->b && f->verb - q->b <= 3;
            if (q->spk_a < q->spk_b)
                after |= f->verb >= q->spk_b && f->verb - q->spk_b <= 1;
            int pronoun =
                f->verb > 0 && (ws->w[f->verb - 1].flags & W_PRON_PERSON);
            if (!before && !after)
                continue;
            if (pronoun)
                q->who = f->who;
            else if (!(f->who.person && !q->who.person &&
                       q->who.name != med_author))
                f->who = q->who;
        }
    }
}

void med_quote_frames(med_ws_t *ws, size_t s)
{
    const mediation_doc_t *d = ws->doc;
    const glossa_sentence_t *sent = &d->sentences[s];
    /* Quotes are sorted by start; those that ended before this sentence
     * are past for good. */
    while (ws->quote_cursor < d->n_quotes &&
           d->quotes[ws->quote_cursor].end <= sent->cp_start)
        ws->quote_cursor++;
    for (size_t i = ws->quote_cursor; i < d->n_quotes; i++) {
        const mediation_quote_t *q = &d->quotes[i];
        if (q->start >= sent->cp_end)
            break;
        if (q->end <= sent->cp_start)
            continue;
        quote_frame(ws, q, ws->qinfo[i]);
    }
    adopt_speakers(ws);
}
