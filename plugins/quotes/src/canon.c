/* Speakers' names in one spelling per document.
 *
 * A speaker is resolved to the canonical name of the entity that names it
 * where it speaks; the entities layer spells a name as it is written when
 * it does not know it, so one person may get several names in one text
 * ("Nikol Pashinyan", then "Pashnian"), and an outlet may be
 * named by its initials ("WP" after "The Washington Post"). The speaker's
 * name is written in the spelling of the fullest, first name of the text
 * that it is a variant of. Names only: no word is named here. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_WORDS 8

typedef struct words {
    const char *w[MAX_WORDS];
    size_t len[MAX_WORDS];
    size_t n;
} words_t;

/* Splits name at spaces; 0 when it has more than MAX_WORDS words. */
static int split(const char *name, words_t *out)
{
    out->n = 0;
    const char *c = name;
    while (*c) {
        while (*c == ' ')
            c++;
        if (!*c)
            break;
        if (out->n == MAX_WORDS)
            return 0;
        const char *s = c;
        while (*c && *c != ' ')
            c++;
        out->w[out->n] = s;
        out->len[out->n++] = (size_t)(c - s);
    }
    return out->n > 0;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static int vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* The word's consonants after its first letter, in lower case, "c" read
 * as "k" and doubled letters once: transliterations of one name share it
 * ("Pashinyan", "Pashnian"; "Klaar", "Claar"). Returns its length. */
static size_t skeleton(const char *w, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char c = lower(w[i]);
        if (c == 'c')
            c = 'k';
        if (i > 0 && vowel(c))
            continue;
        if (k > 0 && out[k - 1] == c)
            continue;
        out[k++] = c;
    }
    out[k] = '\0';
    return k;
}

/* Are two words of names spellings of one name? The same word, or the
 * same consonants, three or more ("Pashnian", "Pashinyan"; "Claar",
 * "Klaar"). A letter apart is not enough: "Armen" and "Arman" are two
 * names. */
static int word_variant(const char *a, size_t n, const char *b, size_t m)
{
    if (n == m) {
        size_t i = 0;
        while (i < n && lower(a[i]) == lower(b[i]))
            i++;
        if (i == n)
            return 1;
    }
    char sa[64], sb[64];
    if (n >= sizeof sa || m >= sizeof sb)
        return 0;
    size_t ka = skeleton(a, n, sa, sizeof sa);
    size_t kb = skeleton(b, m, sb, sizeof sb);
    return ka >= 3 && ka == kb && memcmp(sa, sb, ka) == 0;
}

/* Is short a variant of the last words of full (as many as short has)? */
static int ends_with_variant(const words_t *full, const words_t *shrt)
{
    if (shrt->n > full->n)
        return 0;
    size_t off = full->n - shrt->n;
    for (size_t k = 0; k < shrt->n; k++)
        if (!word_variant(full->w[off + k], full->len[off + k], shrt->w[k],
                          shrt->len[k]))
            return 0;
    return 1;
}

/* Did the entities layer give this canonical name to a mention written
 * otherwise than as the name or its last words ("Pashinian" ->
 * "Nikol Pashinyan")? Then it knows the name. */
static int known(const qdoc_t *d, const char *name)
{
    size_t n = strlen(name);
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label != QE_PERSON || !e->canonical || !e->text ||
            strcmp(e->canonical, name) != 0)
            continue;
        size_t t = strlen(e->text);
        if (t > n || strcmp(name + n - t, e->text) != 0 ||
            (t < n && name[n - t - 1] != ' '))
            return 1;
    }
    return 0;
}

/* A person's name as a variant of a name of the document's persons that
 * it spells: one word ("Claar") as the last word of the persons with the
 * most words, more words as a name of as many ("Nikol Pashnian" for "Nikol
 * Pashinyan"). Of those, the one the entities layer knows, else the one
 * named first. NULL when there is none other than name, when name is
 * known itself, or when two of them are no variants of each other
 * ("Aliyev" with "Ilham Aliyev" and "Heydar Aliyev"). */
static const char *person_variant(const qdoc_t *d, const char *name)
{
    words_t nw, best_w;
    if (!split(name, &nw))
        return NULL;
    const char *best = NULL;
    int best_known = 0;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label != QE_PERSON || !e->canonical || e->partial)
            continue;
        if (best && strcmp(e->canonical, best) == 0)
            continue;
        words_t cw;
        if (!split(e->canonical, &cw) || !ends_with_variant(&cw, &nw) ||
            (nw.n > 1 && cw.n != nw.n))
            continue;
        if (!best || cw.n > best_w.n) {
            best = e->canonical;
            best_w = cw;
            best_known = known(d, best);
        } else if (cw.n == best_w.n) {
            if (!ends_with_variant(&best_w, &cw))
                return NULL; /* two persons */
            if (!best_known && known(d, e->canonical)) {
                best = e->canonical;
                best_w = cw;
                best_known = 1;
            }
        }
    }
    if (!best || strcmp(best, name) == 0 || known(d, name))
        return NULL;
    /* the persons with fewer words that name matches must be the same */
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        words_t cw;
        if (e->label != QE_PERSON || !e->canonical || e->partial ||
            !split(e->canonical, &cw) || cw.n >= best_w.n)
            continue;
        if (ends_with_variant(&cw, &nw) && !ends_with_variant(&best_w, &cw))
            return NULL;
    }
    return best;
}

/* The initials of the capitalized words of name, with and without a
 * first word "The": does acr (capitals only) spell them? */
static int initials_of(const char *name, const char *acr)
{
    words_t w;
    if (!split(name, &w))
        return 0;
    for (size_t skip = 0; skip < 2 && skip < w.n; skip++) {
        const char *a = acr;
        size_t k = skip;
        for (; k < w.n && *a; k++) {
            char c = w.w[k][0];
            if (c < 'A' || c > 'Z')
                continue; /* "of", "for" */
            if (c != *a)
                break;
            a++;
        }
        int rest_lower = 1;
        for (; k < w.n; k++)
            if (w.w[k][0] >= 'A' && w.w[k][0] <= 'Z')
                rest_lower = 0;
        if (!*a && rest_lower && a - acr >= 2)
            return 1;
    }
    return 0;
}

/* A body named by its initials ("WP"): the one organisation of the
 * document whose name they spell ("The Washington Post"), or NULL. */
static const char *body_initials(const qdoc_t *d, const char *name)
{
    size_t n = strlen(name);
    if (n < 2 || n > 6)
        return NULL;
    for (size_t k = 0; k < n; k++)
        if (name[k] < 'A' || name[k] > 'Z')
            return NULL;
    const char *found = NULL;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label != QE_ORG || !e->canonical ||
            strcmp(e->canonical, name) == 0 || !initials_of(e->canonical, name))
            continue;
        if (found && strcmp(found, e->canonical) != 0)
            return NULL;
        found = e->canonical;
    }
    return found;
}

/* "OSCE Minsk Group Co-chairs" as one organisation: a plural head noun
 * of a state's or body's people ("co-chairs" in heads.tsv) at the end of
 * a body's name speaks for the body, when the document names that body
 * on its own ("OSCE Minsk Group"); NULL when not. */
static const char *body_of_group(const qdoc_t *d, const char *name)
{
    const char *sp = strrchr(name, ' ');
    if (!sp || sp == name)
        return NULL;
    const qx_entry_t *en = qx_lookup(d->lex, sp + 1, strlen(sp + 1));
    int group = 0;
    for (uint32_t k = 0; en && k < en->phrase_count; k++) {
        const qx_phrase_t *ph = &d->lex->phrases[en->phrase_first + k];
        if (ph->type == QP_HEAD && ph->ntail == 0) {
            const qx_head_t *h = &d->lex->heads[ph->value];
            group = h->hclass == QH_STATE && h->plural;
        }
    }
    if (!group)
        return NULL;
    size_t n = (size_t)(sp - name);
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label == QE_ORG && e->canonical && strlen(e->canonical) == n &&
            memcmp(e->canonical, name, n) == 0)
            return e->canonical;
    }
    return NULL;
}

char *qs_canon_dup(const qdoc_t *d, const qspeaker_t *spk)
{
    const char *name = spk->name, *to = NULL;
    if (spk->kind == QR_PERSON)
        to = person_variant(d, name);
    else if (!(to = body_initials(d, name)))
        to = body_of_group(d, name);
    return strdup(to ? to : name);
}
