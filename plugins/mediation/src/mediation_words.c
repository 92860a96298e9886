/* Step 1 of the analysis: the words of a sentence. Tokens are lowercased
 * into the work buffer and looked up once in the model's table (only in
 * sentences that may be relevant, and after names in the others); entity
 * spans are laid on them; punctuation, quotations and clauses are
 * classified. */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

/* Decodes the code point at s (valid UTF-8). */
static uint32_t decode(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return s[0];
    if ((s[0] & 0xE0) == 0xC0 && n >= 2)
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    if ((s[0] & 0xF0) == 0xE0 && n >= 3)
        return ((uint32_t)(s[0] & 0x0F) << 12) |
               ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    if (n >= 4)
        return ((uint32_t)(s[0] & 0x07) << 18) |
               ((uint32_t)(s[1] & 0x3F) << 12) |
               ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 0xFFFD;
}

static uint8_t classify_punct(const med_ws_t *ws, size_t k, int *quote_open)
{
    const glossa_token_t *t = &ws->doc->tokens[ws->w[k].tok];
    const unsigned char *s = (const unsigned char *)ws->doc->text + t->start;
    uint32_t cp = decode(s, t->end - t->start);
    switch (cp) {
    case ',':
        return P_COMMA;
    case ';':
        return P_SEMI;
    case ':':
    case '(':
    case ')':
    case '[':
    case ']':
        return P_BREAK;
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2015:
        return P_DASH;
    case '-':
        return (t->end - t->start > 1) ? P_DASH : P_OTHER; /* "--" */
    case 0x201C:
    case 0x201E:
    case 0x00AB:
        return P_OPENQ;
    case 0x201D:
    case 0x00BB:
        return P_CLOSEQ;
    case '"':
        /* A straight quote opens after a space or at the start, and only
         * when not already open. */
        if (!*quote_open && (k == 0 || (t->flags & GLOSSA_TOKEN_SPACE_BEFORE)))
            return P_OPENQ;
        return *quote_open ? P_CLOSEQ : P_OPENQ;
    case '.':
    case '!':
    case '?':
    case 0x2026:
        return P_TERM;
    default:
        return P_OTHER;
    }
}

/* Builds the words of sentence s and sets *has_party when any mentions
 * a party. Returns 0, or GLOSSA_EINVAL for a token outside the text. */
int med_build_words(med_ws_t *ws, size_t s, size_t *ent_cursor,
                    int *has_party_out)
{
    const mediation_doc_t *d = ws->doc;
    const glossa_sentence_t *sent = &d->sentences[s];
    size_t lo = 0;
    int has_party = 0;
    ws->sides = 0;
    int quote_open = ws->quote_open;
    size_t quote_start = 0, quote_words = 0;
    size_t ec = *ent_cursor;
    ws->n = sent->token_count;
    for (size_t k = 0; k < ws->n; k++) {
        med_word_t *x = &ws->w[k];
        const glossa_token_t *t = &d->tokens[sent->token_first + k];
        x->tok = (uint32_t)(sent->token_first + k);
        x->lo = (uint32_t)lo;
        x->e = NULL;
        x->flags = 0;
        x->mark = 0;
        x->ent = -1;
        if (t->end > d->text_len || t->start > t->end ||
            lo + (t->end - t->start) > ws->lbuf_cap)
            return GLOSSA_EINVAL;
        size_t blen = t->end - t->start;
        /* Shorter than MED_MAX_WORD, med_fold never gives up. */
        size_t len =
            blen < MED_MAX_WORD
                ? med_fold_hash(d->text + t->start, blen,
                                d->text_len - t->start, ws->lbuf + lo, &x->hash)
                : 0;
        x->len = (uint16_t)len;
        lo += len;
        x->punct = (t->flags & (GLOSSA_TOKEN_PUNCT | GLOSSA_TOKEN_SYMBOL))
                       ? classify_punct(ws, k, &quote_open)
                       : P_NONE;

        /* Entities: both lists are sorted, so one cursor serves the whole
         * document. */
        while (ec < d->n_entities && d->entities[ec].end <= t->cp_start)
            ec++;
        if (ec < d->n_entities && d->entities[ec].start < t->cp_end) {
            x->ent = (int32_t)ec;
            if (ws->einfo[ec].target) {
                x->mark |= M_TARGET;
                /* "the Russian president" later may be this person. */
                if (d->entities[ec].label == MEDIATION_PERSON)
                    ws->last_target_person =
                        med_entity_speaker(ws, (int32_t)ec);
            }
            has_party |= ws->einfo[ec].party;
            ws->sides |= ws->einfo[ec].side;
            if (ws->einfo[ec].side & 4)
                x->mark |= M_CONFLICT;
        }

        if (x->punct == P_OPENQ) {
            quote_open = 1;
            quote_start = k + 1;
            quote_words = 0;
        } else if (x->punct == P_CLOSEQ) {
            if (quote_open && quote_words > 0 &&
                (int)quote_words <= ws->m->w.scare_quote_max_words)
                for (size_t j = quote_start; j < k; j++)
                    ws->w[j].mark |= M_SCARE;
            quote_open = 0;
        } else if (quote_open) {
            x->mark |= M_QUOTE;
            if (x->punct == P_NONE)
                quote_words++;
        }
    }
    /* A quotation left open runs on into the next sentence. */
    ws->quote_open = quote_open;
    *ent_cursor = ec;
    *has_party_out = has_party;
    return 0;
}

/* Looks words [a, b) up in the model's table (words are looked up only
 * in sentences that may be relevant, and near names in the others). */
void med_look_up(med_ws_t *ws, size_t a, size_t b)
{
    for (size_t k = a; k < b && k < ws->n; k++) {
        med_word_t *x = &ws->w[k];
        /* Numbers and the punctuation classified already are in no
         * list. */
        if (x->e || !x->len || (x->punct != P_NONE && x->punct != P_OTHER) ||
            (ws->doc->tokens[x->tok].flags & GLOSSA_TOKEN_NUMBER))
            continue;
        x->e = med_lookup_inline(ws->m, med_wtext(ws, x), x->len, x->hash);
        x->flags = x->e ? x->e->flags : 0;
    }
}

/* Numbers the clauses: punctuation and clause words start new ones. */
void med_number_clauses(med_ws_t *ws)
{
    uint16_t clause = 0;
    for (size_t k = 0; k < ws->n; k++) {
        med_word_t *x = &ws->w[k];
        if (x->punct == P_COMMA || x->punct == P_SEMI || x->punct == P_BREAK ||
            x->punct == P_DASH || x->punct == P_OPENQ || x->punct == P_CLOSEQ ||
            (x->flags & W_CLAUSE))
            clause++;
        x->clause = clause;
    }
}

/* In a sentence that cannot be relevant, only the words after a name
 * matter: the titles that introduce a person ("Russian President
 * Vladimir Putin"). */
void med_look_up_after_names(med_ws_t *ws)
{
    for (size_t k = 0; k + 1 < ws->n; k++) {
        int32_t e = ws->w[k].ent;
        if (e < 0 || ws->w[k + 1].ent == e)
            continue;
        mediation_label_t lab = ws->doc->entities[e].label;
        if (lab == MEDIATION_NORP || lab == MEDIATION_GPE)
            med_look_up(ws, k + 1, k + 6);
    }
}
