/* Speakers: the noun phrase that names one, and whom it names.
 *
 * A speaker's phrase is built from entity mentions, titles, head nouns,
 * determiners, possessives, capitalized words and a few lowercase
 * modifiers, joined by "of"/"for" ("Spokesperson for the Ministry of
 * Foreign Affairs of Russia Maria Zakharova") and by "and" between names.
 * What it names, in order: a person named in it (not a possessor); a
 * possessor's office ("Pashinyan's office"); an organisation (its
 * `refers_to` when it has one: the Kremlin speaks for Russia); a
 * ministry of a named state, composed ("Russia's defence ministry" ->
 * "Russian Defense Ministry"); an office of a named state, resolved to
 * the person the text introduced with that title, else the state; a
 * state or its body; a pronoun, resolved to the last compatible speaker
 * or subject; an unnamed group (null). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum {
    N_NONE = 0,
    N_ENT,
    N_TITLE,
    N_HEAD,
    N_PRON,
    N_PPRON, /* possessive pronoun */
    N_CAP,
    N_NUM,
    N_DET,
    N_MOD,
    N_POSS,
    N_OF,
    N_AND
};

static int is_poss(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return 0;
    if (qd_is(d, i, "'s"))
        return 1;
    /* "officials'" : a lone apostrophe right after a word */
    return (qd_punct(d, i, '\'') || qd_is(d, i, "'")) && i > 0 &&
           qd_word(d, i - 1) && !(d->tok[i].flags & GLOSSA_TOKEN_SPACE_BEFORE);
}

static int has_hyphen(const qdoc_t *d, uint32_t i)
{
    return memchr(d->text + d->tok[i].start, '-',
                  d->tok[i].end - d->tok[i].start) != NULL;
}

static int ncls(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return N_NONE;
    const tinfo_t *t = &d->ti[i];
    const tphrase_t *ph = qd_ph(d, i);
    if (qd_ent_at(d, i) >= 0)
        return N_ENT;
    if (is_poss(d, i))
        return N_POSS;
    if (ph->title)
        return N_TITLE;
    if (ph->head)
        return N_HEAD;
    if (ph->pron) {
        const qx_pronoun_t *p = qd_pronoun(d, i);
        return p->pcase == QC_POSSESSIVE ? N_PPRON : N_PRON;
    }
    uint32_t f = qd_flags(d, i);
    if (qd_is(d, i, "of") || qd_is(d, i, "for"))
        return N_OF;
    if (qd_is(d, i, "and"))
        return N_AND;
    if (f & QW_DET)
        return N_DET;
    uint32_t tf = d->tok[i].flags;
    if (tf & GLOSSA_TOKEN_NUMBER)
        return N_NUM;
    if (!(tf & GLOSSA_TOKEN_WORD))
        return N_NONE;
    if (t->pent)
        return N_MOD;
    if ((tf & GLOSSA_TOKEN_UPPER) && !ph->verb &&
        !(f & (QW_AUX | QW_PREP | QW_CONJ | QW_REL | QW_COMP | QW_OPENER |
               QW_NEG | QW_ADV | QW_NOCLAUSE)))
        return N_CAP;
    if ((f & QW_MOD) || (!(tf & GLOSSA_TOKEN_UPPER) && has_hyphen(d, i)))
        return N_MOD;
    return N_NONE;
}

static int anchor(int c)
{
    return c == N_ENT || c == N_TITLE || c == N_HEAD || c == N_CAP ||
           c == N_NUM;
}

/* The ministry head noun of the phrase ending at token i (inclusive): a
 * head noun of class ministry there, or one inside an organisation's
 * name that ends there ("the Foreign Ministry"); or NULL. */
static const qx_head_t *ministry_at(const qdoc_t *d, uint32_t i)
{
    if (i >= d->nt)
        return NULL;
    uint32_t a = i;
    if (qd_ent_at(d, i) >= 0) {
        const qent_t *e = &d->ents[qd_ent_at(d, i)];
        if (e->label != QE_ORG || e->tok_last != i)
            return NULL;
        a = e->tok_first;
    } else {
        while (a > 0 && qd_ph(d, a)->head && !qd_ph(d, a)->head_start)
            a--;
    }
    for (uint32_t k = a; k <= i; k++)
        if (qd_ph(d, k)->head && qd_ph(d, k)->head_start) {
            const qx_head_t *h = qd_head(d, k);
            if (h && h->hclass == QH_MINISTRY)
                return h;
        }
    return NULL;
}

/* "the Foreign Ministry in Baku": token i is "in", a place's name
 * follows it and ends at token end - 1, and a ministry's name ends right
 * before it. */
static int ministry_in(const qdoc_t *d, uint32_t i, uint32_t end)
{
    if (i == 0 || i + 1 >= end || !qd_is(d, i, "in"))
        return 0;
    const qent_t *p = qd_ent(d, i + 1);
    return p && p->label == QE_GPE && p->tok_first == i + 1 &&
           p->tok_last + 1 == end && ministry_at(d, i - 1) != NULL;
}

/* An acronym in brackets after a name, "(ISW)": the index of ")" past
 * it, or 0. */
static uint32_t paren_after(const qdoc_t *d, uint32_t i, uint32_t hi)
{
    if (!qd_punct(d, i, '('))
        return 0;
    for (uint32_t k = i + 1; k < hi && k < i + 6; k++) {
        if (qd_punct(d, k, ')'))
            return k > i + 1 ? k : 0;
        int c = ncls(d, k);
        if (c != N_ENT && c != N_CAP)
            return 0;
    }
    return 0;
}

/* A list of names, "Putin, Macron(,) and Trump": from the comma at token
 * i after a name, the token past the list's last name (before hi), or 0
 * when no "and" closes a list of names there. */
static uint32_t list_end(const qdoc_t *d, uint32_t i, uint32_t hi)
{
    for (int n = 0; n < 8 && i + 1 < hi; n++) {
        uint32_t k = i + 1;
        int and = 0;
        if (ncls(d, k) == N_AND) {
            and = 1;
            k++;
        }
        while (k < hi && ncls(d, k) == N_DET)
            k++;
        const qent_t *en = k < hi ? qd_ent(d, k) : NULL;
        if (!en || en->tok_first != k || en->tok_last >= hi)
            return 0;
        uint32_t after = en->tok_last + 1;
        if (and)
            return after;
        if (after < hi && ncls(d, after) == N_AND)
            return list_end(d, after - 1, hi);
        if (after >= hi || !qd_punct(d, after, ','))
            return 0;
        i = after;
    }
    return 0;
}

/* The same list read from its end: the comma at token i before a name
 * that the list's "and" follows; the first token of the list's first
 * name (from lo on), or i + 1 when it is none. */
static uint32_t list_start(const qdoc_t *d, uint32_t i, uint32_t lo)
{
    uint32_t k = i;
    while (k > lo && qd_punct(d, k, ',')) {
        const qent_t *en = k > lo ? qd_ent(d, k - 1) : NULL;
        if (!en || en->tok_last != k - 1 || en->tok_first < lo)
            break;
        k = en->tok_first;
        while (k > lo && ncls(d, k - 1) == N_DET)
            k--;
        if (k > lo && (qd_flags(d, k - 1) & QW_PREP))
            return i + 1; /* "In Moscow, Putin and Aliyev": an adverbial */
        if (k == lo || !qd_punct(d, k - 1, ','))
            return k;
        k--;
    }
    return i + 1;
}

/* "President X and Prime Minister Y": the "and" at token i joins a
 * person's name to a title that opens another person's name. */
static int titled_pair(const qdoc_t *d, uint32_t i)
{
    const qent_t *a = qd_ent(d, i - 1), *b = NULL;
    uint32_t k = i + 1;
    if (!a || a->label != QE_PERSON || ncls(d, k) != N_TITLE)
        return 0;
    while (k < d->nt && ncls(d, k) == N_TITLE)
        k++;
    b = qd_ent(d, k);
    return b && b->tok_first == k && b->label == QE_PERSON;
}

uint32_t qs_np_left(qdoc_t *d, uint32_t end, uint32_t lo)
{
    if (end <= lo || end > d->nt)
        return end;
    uint32_t i = end - 1;
    int c = ncls(d, i);
    if (c == N_PRON)
        return i;
    if (i > lo && ncls(d, i - 1) == N_HEAD && qd_lower_word(d, i) &&
        !qd_ph(d, i)->verb && d->tok[i].end - d->tok[i].start > 4 &&
        !memcmp(d->text + d->tok[i].end - 3, "ing", 3)) {
        /* "those fleeing", "people living there" */
        i--;
        c = ncls(d, i);
    }
    if (qd_punct(d, i, ')')) {
        uint32_t k = i;
        while (k > lo && k + 6 > i && !qd_punct(d, k, '('))
            k--;
        if (!qd_punct(d, k, '(') || k == lo || paren_after(d, k, end) != i ||
            !anchor(ncls(d, k - 1)))
            return end;
        i = k - 1;
        c = ncls(d, i);
    }
    if (!anchor(c))
        return end;
    uint32_t start = i + 1;
    for (;;) {
        c = ncls(d, i);
        int stop = 0;
        switch (c) {
        case N_ENT:
        case N_TITLE:
        case N_HEAD:
        case N_CAP:
        case N_NUM:
            start = i;
            break;
        case N_MOD:
            if (i + 1 < end && ncls(d, i + 1) != N_OF &&
                ncls(d, i + 1) != N_AND)
                start = i;
            else
                stop = 1;
            break;
        case N_DET:
        case N_PPRON:
            start = i;
            /* "One of these officials": go on only after "of". */
            if (!(i > lo + 1 && ncls(d, i - 1) == N_OF &&
                  (anchor(ncls(d, i - 2)) || ncls(d, i - 2) == N_DET)))
                stop = 1;
            break;
        case N_POSS:
            if (!(i > lo && anchor(ncls(d, i - 1))))
                stop = 1;
            break;
        case N_OF:
            if (!(i > lo && start == i + 1 &&
                  (anchor(ncls(d, i - 1)) || ncls(d, i - 1) == N_DET)))
                stop = 1;
            break;
        case N_AND:
            if (i > lo + 1 && qd_punct(d, i - 1, ',') &&
                ncls(d, i - 2) == N_ENT && start == i + 1 &&
                (ncls(d, start) == N_ENT || ncls(d, start) == N_DET)) {
                i--; /* "France, and the US" */
                break;
            }
            if (!(i > lo && ncls(d, i - 1) == N_ENT && start == i + 1 &&
                  (ncls(d, start) == N_ENT || ncls(d, start) == N_DET ||
                   titled_pair(d, i))))
                stop = 1;
            break;
        default:
            if (start == i + 1 && i > lo && ministry_in(d, i, end) &&
                qd_sent(d, i - 1) == qd_sent(d, i)) {
                /* "the Foreign Ministry in Baku" */
                break;
            }
            if (start == i + 1 && qd_punct(d, i, ',') &&
                ncls(d, start) == N_ENT && list_end(d, i, end) == end) {
                /* "Presidents Putin, Macron and Trump": the list */
                uint32_t ls = list_start(d, i, lo);
                if (ls <= i) {
                    start = ls;
                    i = ls;
                    break;
                }
            }
            if (qd_punct(d, i, ')') && i > lo) {
                uint32_t k = i;
                while (k > lo && k + 6 > i && !qd_punct(d, k, '('))
                    k--;
                if (qd_punct(d, k, '(') && k > lo &&
                    paren_after(d, k, end) == i && anchor(ncls(d, k - 1))) {
                    i = k;
                    break;
                }
            }
            stop = 1;
            break;
        }
        if (stop || i == lo)
            break;
        if (qd_sent(d, i - 1) != qd_sent(d, i))
            break;
        i--;
    }
    while (start < end) {
        c = ncls(d, start);
        if (c != N_OF && c != N_AND && c != N_POSS)
            break;
        start++;
    }
    return start;
}

uint32_t qs_np_right(qdoc_t *d, uint32_t start, uint32_t hi)
{
    if (start >= hi || start >= d->nt)
        return start;
    int c = ncls(d, start);
    if (c == N_PRON)
        return start + 1;
    uint32_t i = start, last = start;
    int prev = N_NONE;
    while (i < hi) {
        c = ncls(d, i);
        if (c == N_NONE) {
            uint32_t close = paren_after(d, i, hi);
            if (close && anchor(prev)) {
                i = close + 1;
                last = i;
                prev = N_CAP;
                continue;
            }
            if (anchor(prev) && qd_is(d, i, "in") && i + 1 < hi) {
                /* "the Foreign Ministry in Baku" */
                const qent_t *p = qd_ent(d, i + 1);
                if (p && p->tok_first == i + 1 && p->tok_last < hi &&
                    ministry_in(d, i, p->tok_last + 1)) {
                    i = p->tok_last + 1;
                    last = i;
                    prev = N_ENT;
                    continue;
                }
            }
            if (prev == N_HEAD && qd_head(d, i - 1)->hclass == QH_MESSAGE) {
                /* "a statement by the Kremlin", "a letter from Macron",
                 * "a statement released by the ministry" */
                uint32_t b = i;
                if (b + 1 < hi && qd_lower_word(d, b) &&
                    d->tok[b].end - d->tok[b].start > 4 &&
                    !memcmp(d->text + d->tok[b].end - 2, "ed", 2) &&
                    qd_is(d, b + 1, "by"))
                    b++;
                if (qd_is(d, b, "by") || qd_is(d, b, "from")) {
                    uint32_t e = qs_np_right(d, b + 1, hi);
                    /* "a joint statement from Presidents Putin, Macron
                     * and Trump" */
                    uint32_t le = e > b + 1 && e < hi && qd_punct(d, e, ',')
                                      ? list_end(d, e, hi)
                                      : 0;
                    if (le)
                        e = le;
                    if (e > b + 1) {
                        i = e;
                        last = e;
                        prev = N_ENT;
                        continue;
                    }
                }
            }
            break;
        }
        if (anchor(c)) {
            i++;
            last = i;
        } else if (c == N_DET || c == N_PPRON) {
            if (!(i == start || prev == N_OF || prev == N_AND ||
                  prev == N_POSS))
                break;
            i++;
        } else if (c == N_MOD) {
            i++;
        } else if (c == N_POSS) {
            if (!anchor(prev))
                break;
            i++;
        } else if (c == N_OF) {
            int n = ncls(d, i + 1);
            /* "Minister of Foreign Affairs", "One of these officials" */
            if (!((anchor(prev) || (prev == N_DET && i == start + 1)) &&
                  i + 1 < hi && (anchor(n) || n == N_DET || n == N_PPRON)))
                break;
            i++;
        } else if (c == N_AND) {
            int n = ncls(d, i + 1);
            if (!(prev == N_ENT && i + 1 < hi && (n == N_ENT || n == N_DET)))
                break;
            i++;
        } else {
            break; /* a lone pronoun inside a phrase */
        }
        prev = c;
    }
    /* "Russian and Azerbaijani languages": nationalities before a noun
     * that is no speaker are adjectives, not a phrase of their own. */
    if (last > start && last < hi && qd_lower_word(d, last) &&
        !qd_ph(d, last)->verb &&
        !(qd_flags(d, last) & (QW_AUX | QW_ADV | QW_NEG | QW_PREP | QW_COMP |
                               QW_REL | QW_CONJ | QW_TIME))) {
        int only_norp = 1;
        for (uint32_t k = start; k < last && only_norp; k++) {
            const qent_t *e = qd_ent(d, k);
            /* "Armenians fearing ..." is a plural noun */
            only_norp = (e && e->label == QE_NORP &&
                         d->text[d->tok[k].end - 1] != 's') ||
                        ncls(d, k) == N_AND || ncls(d, k) == N_DET;
        }
        if (only_norp)
            return start;
    }
    return last;
}

int qs_np_anchored(qdoc_t *d, uint32_t s, uint32_t e)
{
    for (uint32_t i = s; i < e; i++) {
        int c = ncls(d, i);
        if (c == N_ENT || c == N_TITLE || c == N_HEAD || c == N_PRON ||
            c == N_CAP)
            return 1;
    }
    return 0;
}

/* Where the subject of sentence s starts: after a leading conjunction, a
 * dash, and an adverbial that ends with a comma ("On Tuesday, ...",
 * "In a phone call with X, ..."). QNONE when the sentence has none. */
/* A dateline opening a sentence: "BAKU, Azerbaijan, January 12 —",
 * "RIGA, Latvia (Washington Post) —", "STEPANAKERT, JULY 26, AGENCY:".
 * Returns the first token after it, or `i` when there is none. */
static uint32_t skip_dateline(qdoc_t *d, uint32_t i, uint32_t end)
{
    if (!(d->tok[i].flags & GLOSSA_TOKEN_ALLCAPS) ||
        !(d->tok[i].flags & GLOSSA_TOKEN_WORD) ||
        d->tok[i].end - d->tok[i].start < 3)
        return i;
    for (uint32_t k = i + 1; k < end && k < i + 14; k++) {
        if (qd_dash(d, k) || qd_punct(d, k, ':'))
            return k + 1;
        if (qd_word(d, k) && !(d->tok[k].flags & GLOSSA_TOKEN_UPPER))
            return i;
    }
    return i;
}

uint32_t qs_subject_start(qdoc_t *d, uint32_t s, uint32_t before)
{
    uint32_t i = qd_sent_first(d, s), end = qd_sent_end(d, s);
    if (before < end)
        end = before;
    if (i < end)
        i = skip_dateline(d, i, end);
    while (i < end &&
           (qd_dash(d, i) || (qd_flags(d, i) & QW_CONJ) || qd_punct(d, i, '*')))
        i++;
    if (i >= end)
        return QNONE;
    uint32_t f = qd_flags(d, i);
    int adverbial = (f & (QW_OPENER | QW_PREP | QW_TIME)) && !qd_ph(d, i)->pron;
    if (!adverbial && qd_lower_word(d, i + 1) == 0 && qd_word(d, i) &&
        qd_ent_at(d, i) < 0 && !qd_ph(d, i)->title && !qd_ph(d, i)->head &&
        !qd_ph(d, i)->pron && qd_punct(d, i + 1, ','))
        adverbial = 1; /* "Besides," "Meanwhile," a lone word and a comma */
    if (adverbial) {
        uint32_t comma = QNONE;
        for (uint32_t k = i + 1; k < end; k++)
            if (qd_punct(d, k, ',') && qm_region(d, k) < 0) {
                comma = k;
                break;
            }
        /* An adverbial with no comma of its own ("During the meeting
         * President X asserted ..."): it ends where a capitalised name or
         * title follows a plain lowercase word (no function word, title
         * or head noun, which would govern or modify the name). */
        uint32_t stop = comma != QNONE ? comma : end;
        for (uint32_t k = i + 2; k < stop; k++) {
            if (!(d->tok[k].flags & GLOSSA_TOKEN_UPPER) || qm_region(d, k) >= 0)
                continue;
            const qent_t *en = qd_ent(d, k);
            int starts = (en && en->tok_first == k) ||
                         (qd_ph(d, k)->title && qd_ph(d, k)->title_len);
            uint32_t p = k - 1;
            if (!starts || !qd_lower_word(d, p) || qd_ph(d, p)->title ||
                qd_ph(d, p)->head || qd_ph(d, p)->pron || qd_ph(d, p)->verb ||
                (qd_flags(d, p) & ~(uint32_t)QW_CUE))
                continue;
            return k;
        }
        return comma != QNONE ? comma + 1 : QNONE;
    }
    return i;
}

int qs_speakerlike(qdoc_t *d, uint32_t s, uint32_t e)
{
    for (uint32_t i = s; i < e; i++) {
        int c = ncls(d, i);
        if (c == N_ENT || c == N_TITLE || c == N_HEAD || c == N_PRON)
            return 1;
    }
    return 0;
}

/* ---- People introduced with titles -------------------------------------- */

static const char *ent_state(const qdoc_t *d, const qent_t *e)
{
    const char *r = qe_refers_to(d, e);
    if (r)
        return r;
    return (e->label == QE_GPE || e->label == QE_NORP) ? qe_canonical(d, e)
                                                       : NULL;
}

/* The state another mention of the same place refers to, when the
 * entities layer gave this mention none ("Yerevan, in turn, said" after
 * "Yerevan" -> Armenia): the nearest such mention, or NULL. */
static const char *doc_refers_to(const qdoc_t *d, const qent_t *e)
{
    if (e->label != QE_GPE || !qe_canonical(d, e))
        return NULL;
    const char *best = NULL;
    size_t self = (size_t)(e - d->ents), gap = SIZE_MAX;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *o = &d->ents[k];
        if (!qe_refers_to(d, o) || o->label != e->label ||
            !qe_canonical(d, o) ||
            strcmp(qe_canonical(d, o), qe_canonical(d, e)) != 0)
            continue;
        size_t g = k > self ? k - self : self - k;
        if (g < gap) {
            gap = g;
            best = qe_refers_to(d, o);
        }
    }
    return best;
}

static size_t name_hash_n(const char *name, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)name; n--; c++)
        h = (h ^ *c) * 0x100000001b3ull;
    return (size_t)(h ^ (h >> 32));
}

static size_t name_hash(const char *name)
{
    return name_hash_n(name, strlen(name));
}

/* The slot of the person called name, or of the empty slot where it
 * goes. */
static uint32_t *person_slot(qdoc_t *d, const char *name)
{
    for (size_t i = name_hash(name) & d->person_mask;;
         i = (i + 1) & d->person_mask) {
        uint32_t *slot = &d->person_slot[i];
        if (!*slot || strcmp(d->persons[*slot - 1].name, name) == 0)
            return slot;
    }
}

static qperson_t *person_get(qdoc_t *d, const char *name)
{
    if (!d->person_slot)
        return NULL;
    uint32_t *slot = person_slot(d, name);
    return *slot ? &d->persons[*slot - 1] : NULL;
}

static void person_title(qperson_t *p, uint16_t title)
{
    for (uint8_t k = 0; k < p->n_titles; k++)
        if (p->titles[k] == title)
            return;
    if (p->n_titles < 6)
        p->titles[p->n_titles++] = title;
}

/* Out of memory while building the persons: none (as if the document
 * named none); returns GLOSSA_ENOMEM. */
static int drop_persons(qdoc_t *d)
{
    free(d->persons);
    free(d->ent_person);
    free(d->person_slot);
    free(d->surnames);
    d->persons = NULL;
    d->ent_person = NULL;
    d->person_slot = NULL;
    d->surnames = NULL;
    d->n_persons = 0;
    return GLOSSA_ENOMEM;
}

/* The slot of the surname name[0, n), or of the empty slot where it
 * goes. */
static qsurname_t *surname_slot(const qdoc_t *d, const char *name, size_t n)
{
    for (size_t i = name_hash_n(name, n) & d->surname_mask;;
         i = (i + 1) & d->surname_mask) {
        qsurname_t *slot = &d->surnames[i];
        if (!slot->person)
            return slot;
        const char *have = d->persons[slot->person - 1].name + slot->off;
        if (strlen(have) == n && memcmp(have, name, n) == 0)
            return slot;
    }
}

/* Each person's surnames: the words after each space of the name. */
static int build_surnames(qdoc_t *d)
{
    size_t words = 0;
    for (size_t k = 0; k < d->n_persons; k++)
        for (const char *c = d->persons[k].name; *c; c++)
            words += *c == ' ';
    if (!words)
        return 0;
    size_t cap = 16;
    while (cap < 2 * words)
        cap *= 2;
    d->surnames = calloc(cap, sizeof *d->surnames);
    if (!d->surnames)
        return drop_persons(d);
    d->surname_mask = cap - 1;
    for (size_t k = 0; k < d->n_persons; k++) {
        const char *name = d->persons[k].name;
        size_t len = strlen(name);
        for (const char *c = name; *c; c++) {
            if (*c != ' ' || !c[1])
                continue;
            uint32_t off = (uint32_t)(c + 1 - name);
            qsurname_t *slot = surname_slot(d, name + off, len - off);
            if (!slot->person) {
                slot->person = (uint32_t)k + 1;
                slot->off = off;
            } else if (slot->person != k + 1) {
                slot->ambiguous = 1;
            }
        }
    }
    return 0;
}

/* Reads the titles before (and in apposition after) each person's
 * mentions. */
/* "X met his Danish counterpart, Y": gives Y (p) the titles of the last
 * other person named before entity k in its sentence (from token first
 * on), the titles of each mention read so far. Returns whether there were
 * any. */
static int office_before(qdoc_t *d, size_t k, uint32_t first, qperson_t *p)
{
    for (size_t j = k; j-- > 0;) {
        const qent_t *o = &d->ents[j];
        if (o->tok_first < first)
            break;
        if (o->label != QE_PERSON || d->ent_person[j] < 0)
            continue;
        const qperson_t *q = &d->persons[d->ent_person[j]];
        if (q == p)
            continue;
        for (uint8_t t = 0; t < q->n_titles; t++)
            person_title(p, q->titles[t]);
        return q->n_titles > 0;
    }
    return 0;
}

/* Entity e follows "to" after a title ("Ambassador to Armenia",
 * "Special Envoy to the Caucasus"): the post, not the holder's state. */
static int posting(const qdoc_t *d, const qent_t *e)
{
    uint32_t k = e->tok_first;
    while (k > 0 && ncls(d, k - 1) == N_DET)
        k--;
    return k >= 2 && qd_is(d, k - 1, "to") && qd_ph(d, k - 2)->title;
}

/* Does a post ("Armenia", "the OSCE") start at token i, after "to" ("X
 * Ambassador to Armenia Y": Y holds the title), rather than a principal
 * ("Advisor to President Y": the title is not Y's)? */
static int posted_to(const qdoc_t *d, uint32_t i)
{
    while (i < d->nt && ncls(d, i) == N_DET)
        i++;
    const qent_t *e = qd_ent(d, i);
    return e && e->label != QE_PERSON && !qd_ph(d, i)->title;
}

static int build_persons(qdoc_t *d)
{
    d->persons_built = 1;
    /* The names table holds at most one name per whole PERSON entity,
     * and stays at most half full. */
    size_t n_names = 0;
    for (size_t k = 0; k < d->ne; k++)
        n_names += d->ents[k].label == QE_PERSON && !d->ents[k].partial;
    size_t cap = 16;
    while (cap < 2 * n_names)
        cap *= 2;
    /* Grown as persons come: they are few next to the entities (one per
     * name), and this array lives through the analysis. */
    size_t cap_persons = 16;
    d->persons = calloc(cap_persons, sizeof(qperson_t));
    d->ent_person = malloc((d->ne ? d->ne : 1) * sizeof *d->ent_person);
    d->person_slot = calloc(cap, sizeof *d->person_slot);
    if (!d->persons || !d->ent_person || !d->person_slot)
        return drop_persons(d);
    d->person_mask = cap - 1;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        d->ent_person[k] = -1;
        if (e->label != QE_PERSON || !qe_canonical(d, e))
            continue;
        if (e->partial)
            continue;
        uint32_t *slot = person_slot(d, qe_canonical(d, e));
        if (!*slot) {
            if (d->n_persons == cap_persons) {
                qperson_t *grown =
                    realloc(d->persons, 2 * cap_persons * sizeof(qperson_t));
                if (!grown)
                    return drop_persons(d);
                memset(grown + cap_persons, 0, cap_persons * sizeof(qperson_t));
                d->persons = grown;
                cap_persons *= 2;
            }
            d->persons[d->n_persons].name = qe_canonical(d, e);
            d->persons[d->n_persons].first_tok = e->tok_first;
            *slot = (uint32_t)++d->n_persons;
        }
        qperson_t *p = &d->persons[*slot - 1];
        d->ent_person[k] = (int32_t)(*slot - 1);
        uint32_t s = qd_sent(d, e->tok_first);
        qd_mark_sentence(d, s);
        uint32_t first = qd_sent_first(d, s);
        /* Before the name: titles, states, bodies ("Russian President
         * Vladimir Putin", "the minister of defence, Pal Jonson,"). */
        /* One comma may part the name from the phrase before it: right
         * before the name, or after titles ("Russian Defence Minister,
         * Army General X"). A state or body before that comma is the
         * person's only with a title there too ("In Moscow, X" is not
         * Russia's). */
        int commas = 0, titled = 0, only_titles = 1;
        const char *st_far = NULL, *org_far = NULL;
        for (uint32_t i = e->tok_first, n = 0; i > first && n < 12; n++) {
            i--;
            if (qd_punct(d, i, ',') && !commas &&
                (i + 1 == e->tok_first || only_titles)) {
                commas = 1;
                continue;
            }
            int c = ncls(d, i);
            if (c != N_TITLE && c != N_CAP && c != N_HEAD &&
                !(c == N_ENT && qd_ent(d, i)->label == QE_ORG))
                only_titles = 0;
            if (c == N_ENT) {
                const qent_t *o = qd_ent(d, i);
                if (o->label == QE_PERSON)
                    break;
                if (posting(d, o)) {
                    /* "Ambassador to Armenia": no state of the person's */
                } else if (commas) {
                    if (!st_far && ent_state(d, o))
                        st_far = ent_state(d, o);
                    if (o->label == QE_ORG && !org_far)
                        org_far = qe_canonical(d, o);
                } else {
                    if (!p->state && ent_state(d, o))
                        p->state = ent_state(d, o);
                    if (o->label == QE_ORG && !p->org)
                        p->org = qe_canonical(d, o);
                }
                if (qd_ph(d, i)->title) { /* "Foreign Ministry Spokeswoman" */
                    person_title(
                        p, d->lex->titles[qd_ph(d, i)->title - 1].title_id);
                    titled |= commas;
                }
            } else if (c == N_TITLE) {
                const qx_title_t *tt = &d->lex->titles[qd_ph(d, i)->title - 1];
                if (!(tt->relative && office_before(d, k, first, p)))
                    person_title(p, tt->title_id);
                titled |= commas;
            } else if (c == N_PPRON || c == N_PRON) {
                break;
            } else if (qd_is(d, i, "to") && i > first &&
                       qd_ph(d, i - 1)->title && posted_to(d, i + 1)) {
                continue; /* "Russian Ambassador to Armenia X" */
            } else if (c != N_DET && c != N_OF && c != N_POSS && c != N_CAP &&
                       c != N_MOD && c != N_HEAD) {
                break;
            }
        }
        if (titled) {
            if (!p->state && st_far)
                p->state = st_far;
            if (!p->org && org_far)
                p->org = org_far;
        }
        /* After it: ", a Yerevan-based political analyst," */
        uint32_t end = qd_sent_end(d, s);
        uint32_t i = e->tok_last + 1;
        if (i < end && qd_punct(d, i, ',')) {
            /* The titles are the person's unless another person's name
             * follows them (", US Secretary of State Antony Blinken"). */
            uint16_t got[4];
            int n_got = 0, next_person = 0;
            const char *got_state = NULL;
            for (uint32_t t = i + 1, n = 0; t < end && n < 8; t++, n++) {
                int c = ncls(d, t);
                if (c == N_TITLE) {
                    if (n_got < 4)
                        got[n_got++] =
                            d->lex->titles[qd_ph(d, t)->title - 1].title_id;
                } else if (c == N_ENT) {
                    const qent_t *o = qd_ent(d, t);
                    if (o->label == QE_PERSON) {
                        next_person = 1;
                        break;
                    }
                    if (!got_state && ent_state(d, o))
                        got_state = ent_state(d, o);
                } else if (c != N_DET && c != N_OF && c != N_MOD && c != N_CAP)
                    break;
            }
            if (!next_person) {
                for (int g = 0; g < n_got; g++)
                    person_title(p, got[g]);
                if (!p->state && got_state)
                    p->state = got_state;
            }
        }
    }
    /* A person's mentions include the entities that cover part of a
     * token. */
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label != QE_PERSON || !qe_canonical(d, e))
            continue;
        qperson_t *p = person_get(d, qe_canonical(d, e));
        if (p)
            p->mentions++;
    }
    return build_surnames(d);
}

/* "Abovyan noted" after "Arman Abovyan": the one person named before
 * token pos whose name ends with the words text[0, n) and is longer;
 * *out is NULL when none or several. Returns 0 or GLOSSA_ENOMEM. */
static int full_name(qdoc_t *d, const char *text, size_t n, uint32_t pos,
                     const char **out)
{
    *out = NULL;
    if (!d->persons_built && build_persons(d))
        return GLOSSA_ENOMEM;
    if (!d->surnames || !n)
        return 0;
    const qsurname_t *slot = surname_slot(d, text, n);
    if (!slot->person || slot->ambiguous)
        return 0;
    const qperson_t *p = &d->persons[slot->person - 1];
    if (p->first_tok < pos)
        *out = p->name;
    return 0;
}

/* The name tokens [a, e) as written, when they are a surname of a person
 * named in full before them (full_name()). */
static int full_name_of(qdoc_t *d, uint32_t a, uint32_t e, const char **out)
{
    *out = NULL;
    if (e <= a || e > a + 2)
        return 0;
    return full_name(d, d->text + d->tok[a].start,
                     d->tok[e - 1].end - d->tok[a].start, a, out);
}

static int title_matches(const qdoc_t *d, const qx_title_t *t, uint16_t have)
{
    if (have == t->title_id)
        return 1;
    if (!t->generic)
        return 0;
    for (size_t k = 0; k < d->lex->n_titles; k++)
        if (d->lex->titles[k].title_id == have)
            return (t->class_mask >> d->lex->titles[k].class_id) & 1u;
    return 0;
}

/* Does entity k name a person holding title t (of state/org when given)? */
static const qperson_t *person_fits(const qdoc_t *d, size_t k,
                                    const qx_title_t *t, const char *state,
                                    const char *org, int strict)
{
    if (d->ent_person[k] < 0)
        return NULL;
    const qperson_t *p = &d->persons[d->ent_person[k]];
    int ok = 0;
    for (uint8_t j = 0; j < p->n_titles && !ok; j++)
        ok = title_matches(d, t, p->titles[j]);
    if (!ok)
        return NULL;
    if (state && p->state && strcmp(state, p->state) != 0)
        return NULL;
    if (strict && state && !p->state)
        return NULL;
    if (org && p->org && strcmp(org, p->org) != 0 && !(state && p->state))
        return NULL;
    return p;
}

/* The number of entities that start before token pos: entities are
 * sorted by start (qinput_t), hence by tok_first. */
static size_t ents_before(const qdoc_t *d, uint32_t pos)
{
    size_t lo = 0, hi = d->ne;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->ents[mid].tok_first < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The person holding title t (of state/org when given) whose mention is
 * the last before token pos, else the first after it; or NULL. Entities
 * are sorted by start (qinput_t), hence by tok_first: the search starts
 * at pos and goes only as far as the nearest fit, with each entity's
 * person and mentions counted once per document (build_persons). */
static const char *person_with_title(qdoc_t *d, const qx_title_t *t,
                                     const char *state, const char *org,
                                     uint32_t pos)
{
    if (!d->persons_built && build_persons(d))
        return NULL;
    if (!d->ent_person)
        return NULL;
    size_t lo = ents_before(d, pos);
    const qperson_t *p;
    /* Of that state first ("the Russian defence minister" is not the
     * Armenian one whose state the text did not say), then of none
     * said. */
    for (int strict = state ? 1 : 0; strict >= 0; strict--) {
        for (size_t k = lo; k-- > 0;)
            if ((p = person_fits(d, k, t, state, org, strict)) != NULL)
                return p->name;
        for (size_t k = lo; k < d->ne; k++)
            if ((p = person_fits(d, k, t, state, org, strict)) != NULL)
                return p->name;
    }
    /* "the Russian president" when the text names Putin but never calls
     * him president: the last person before it of whom the text says
     * no title and no other state. */
    for (size_t k = lo; k-- > 0;) {
        if (d->ent_person[k] < 0)
            continue;
        p = &d->persons[d->ent_person[k]];
        if (p->n_titles || (state && p->state) || (org && p->org))
            continue;
        if (p->mentions >= 2)
            return p->name;
    }
    return NULL;
}

/* "the senior Iranian official": the last person named before token pos
 * who is of that state, or of no state the text says and with no title;
 * NULL when none (or out of memory: then the persons are none). */
static const char *person_of_state(qdoc_t *d, const char *state, uint32_t pos)
{
    if (!d->persons_built && build_persons(d))
        return NULL;
    if (!d->ent_person)
        return NULL;
    size_t lo = ents_before(d, pos);
    for (size_t k = lo; k-- > 0;) {
        if (d->ent_person[k] < 0)
            continue;
        const qperson_t *p = &d->persons[d->ent_person[k]];
        if (p->state ? strcmp(p->state, state) == 0 : !p->n_titles)
            return p->name;
    }
    return NULL;
}

/* ---- Classifying a phrase ---------------------------------------------- */

static void set_name(qspeaker_t *spk, const char *name, uint8_t kind)
{
    spk->name = name;
    spk->kind = kind;
    spk->found = 1;
}

static void set_unnamed(qspeaker_t *spk, uint8_t plural)
{
    spk->name = NULL;
    spk->kind = QR_GROUP;
    spk->plural = plural;
    spk->found = 1;
}

/* spk becomes the speaker *from found elsewhere (an antecedent, an
 * owner), taking its composed name, as one or several. */
static void adopt_speaker(qspeaker_t *spk, qspeaker_t *from, uint8_t plural)
{
    spk->name = from->name;
    free(spk->owned);
    spk->owned = from->owned;
    from->owned = NULL;
    spk->kind = from->kind;
    spk->plural = plural;
    spk->found = 1;
}

/* "Russian" for Russia, from the document's own nationality mentions. */
static const char *demonym(const qdoc_t *d, const char *state)
{
    const char *adj = qx_demonym(d->lex, state);
    if (adj)
        return adj;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        const char *text = e->label == QE_NORP ? qe_cstr(d, e) : NULL;
        if (!text || strcmp(qe_canonical(d, e), state) != 0)
            continue;
        size_t n = strlen(text);
        if (n > 1 && text[n - 1] != 's' && text[0] >= 'A' && text[0] <= 'Z')
            return text;
    }
    return NULL;
}

static int compose(qspeaker_t *spk, const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (!s)
        return GLOSSA_ENOMEM;
    snprintf(s, n, "%s %s", a, b);
    free(spk->owned);
    spk->owned = s;
    set_name(spk, s, QR_BODY);
    return 0;
}

/* "State Department spokesperson Ned Price" where the entities layer
 * missed the name: two to four capitalised words (none a name, title,
 * head or function word), from token a to the phrase's end e, are a person
 * named as written. Returns 1 (named), 0, or GLOSSA_ENOMEM. */
static int untagged_name(qdoc_t *d, uint32_t a, uint32_t e, qspeaker_t *spk)
{
    if (e < a + 2 || e > a + 4)
        return 0;
    size_t n = 0;
    for (uint32_t i = a; i < e; i++) {
        if (ncls(d, i) != N_CAP)
            return 0;
        n += d->tok[i].end - d->tok[i].start + 1;
    }
    char *name = malloc(n);
    if (!name)
        return GLOSSA_ENOMEM;
    size_t k = 0;
    for (uint32_t i = a; i < e; i++) {
        size_t len = d->tok[i].end - d->tok[i].start;
        memcpy(name + k, d->text + d->tok[i].start, len);
        k += len;
        name[k++] = i + 1 < e ? ' ' : '\0';
    }
    free(spk->owned);
    spk->owned = name;
    set_name(spk, name, QR_PERSON);
    return 1;
}

enum { CTX_SUBJECTS = 0, CTX_SPEAKERS_FIRST = 1, CTX_SPEAKERS = 2 };

static int context_speaker(qdoc_t *d, uint32_t pos, uint8_t want,
                           qspeaker_t *out, int depth);
static int context_speaker_mode(qdoc_t *d, uint32_t pos, uint8_t want,
                                qspeaker_t *out, int depth, int mode);

/* An acronym the text spells out in brackets, "the Institute for the
 * Study of War (ISW)": the full name for a mention "ISW" whose canonical
 * name is the acronym itself. Returns 1 when found, 0 when not, or
 * GLOSSA_ENOMEM. */
static int acronym(qdoc_t *d, const qent_t *org, qspeaker_t *spk)
{
    const char *acr = qe_canonical(d, org);
    size_t n = acr ? strlen(acr) : 0;
    if (n < 2 || n > 8)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (acr[k] < 'A' || acr[k] > 'Z')
            return 0;
    for (uint32_t i = 1; i + 2 < d->nt; i++) {
        if (!qd_punct(d, i, '(') || !qd_punct(d, i + 2, ')') ||
            d->tok[i + 1].end - d->tok[i + 1].start != n ||
            memcmp(d->text + d->tok[i + 1].start, acr, n) != 0)
            continue;
        /* Back from "(" over capitalized words and the small words
         * between them, matching the acronym's letters from its end. */
        size_t left = n;
        uint32_t k = i, first_word = i;
        while (k > 0 && left > 0) {
            k--;
            if (!qd_word(d, k) || qd_sent(d, k) != qd_sent(d, i))
                break;
            if (d->tok[k].flags & GLOSSA_TOKEN_UPPER) {
                if (d->text[d->tok[k].start] != acr[left - 1])
                    break;
                left--;
                first_word = k;
            } else if (!(qd_is(d, k, "of") || qd_is(d, k, "for") ||
                         qd_is(d, k, "the") || qd_is(d, k, "and") ||
                         qd_is(d, k, "on") || qd_is(d, k, "in"))) {
                break;
            }
        }
        if (left != 0)
            continue;
        size_t len = d->tok[i - 1].end - d->tok[first_word].start;
        char *name = malloc(len + 1);
        if (!name)
            return GLOSSA_ENOMEM;
        memcpy(name, d->text + d->tok[first_word].start, len);
        name[len] = '\0';
        free(spk->owned);
        spk->owned = name;
        set_name(spk, name, QR_BODY);
        return 1;
    }
    return 0;
}

/* "the Prime Minister's Office", "the President's statement": an office
 * or a message of the title before it speaks for its holder. */
static int office_of(const qx_head_t *head)
{
    return head->hclass == QH_OFFICE || head->hclass == QH_MESSAGE;
}

/* A person inside an organisation's span, after a title: the entities
 * layer may take "Foreign Ministry Spokeswoman Maria Zakharova" for one
 * organisation. The person is the one the document names with that
 * surname, or the words after the title. Returns 1 when found, 0 when
 * not, or GLOSSA_ENOMEM. */
static int name_in_org(qdoc_t *d, const qent_t *org, qspeaker_t *spk)
{
    uint32_t t = QNONE;
    for (uint32_t i = org->tok_first; i < org->tok_last; i++)
        if (qd_ph(d, i)->title && !qd_ph(d, i + 1)->title)
            t = i + 1;
    if (t == QNONE || t > org->tok_last)
        return 0;
    for (uint32_t i = t; i <= org->tok_last; i++)
        if (!(d->tok[i].flags & GLOSSA_TOKEN_UPPER) || qd_ph(d, i)->head ||
            !qd_word(d, i))
            return 0;
    const char *sur = d->text + d->tok[org->tok_last].start;
    size_t n = d->tok[org->tok_last].end - d->tok[org->tok_last].start;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        size_t cn = qe_canonical(d, e) ? strlen(qe_canonical(d, e)) : 0;
        if (e->label == QE_PERSON && cn >= n &&
            !memcmp(qe_canonical(d, e) + cn - n, sur, n) &&
            (cn == n || qe_canonical(d, e)[cn - n - 1] == ' ')) {
            set_name(spk, qe_canonical(d, e), QR_PERSON);
            return 1;
        }
    }
    size_t len = d->tok[org->tok_last].end - d->tok[t].start;
    char *name = malloc(len + 1);
    if (!name)
        return GLOSSA_ENOMEM;
    memcpy(name, d->text + d->tok[t].start, len);
    name[len] = '\0';
    free(spk->owned);
    spk->owned = name;
    set_name(spk, name, QR_PERSON);
    return 1;
}

/* The state an organisation belongs to: its refers_to, the country its
 * canonical name ends with ("Ministry of Foreign Affairs of Russia"), or
 * the country of the nationality it starts with ("Russian Foreign
 * Ministry"), as the document's own mentions tell. */
static const char *org_state(const qdoc_t *d, const qent_t *org)
{
    if (qe_refers_to(d, org))
        return qe_refers_to(d, org);
    const char *of =
        qe_canonical(d, org) ? strstr(qe_canonical(d, org), " of ") : NULL;
    while (of && strstr(of + 4, " of "))
        of = strstr(of + 4, " of ");
    for (size_t k = 0; of && k < d->ne; k++)
        if (d->ents[k].label == QE_GPE && qe_canonical(d, &d->ents[k]) &&
            strcmp(qe_canonical(d, &d->ents[k]), of + 4) == 0)
            return qe_canonical(d, &d->ents[k]);
    uint32_t t0 = org->tok_first;
    size_t n0 = d->tok[t0].end - d->tok[t0].start;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        const char *text = e->label == QE_NORP ? qe_cstr(d, e) : NULL;
        if (text && strlen(text) == n0 &&
            !memcmp(text, d->text + d->tok[t0].start, n0))
            return qe_canonical(d, e);
    }
    return NULL;
}

/* A ministry in the form the guidelines give its canonical name,
 * nationality first: "Ministry of Defence of Russia", "Russia's
 * Ministry of Defense" -> "Russian Defense Ministry". Returns 1 when
 * composed, 0 when the organisation is no ministry or its state is
 * unknown, or GLOSSA_ENOMEM. */
static int ministry(qdoc_t *d, const qent_t *org, uint32_t np_first,
                    qspeaker_t *spk)
{
    const qx_head_t *h = NULL;
    for (uint32_t i = org->tok_first; i <= org->tok_last && !h; i++) {
        const qx_head_t *x = qd_head(d, i);
        if (x && x->hclass == QH_MINISTRY && x->name)
            h = x;
    }
    if (!h)
        return 0;
    const char *dem = NULL;
    /* the organisation's own first word: "Russian Defense Ministry" */
    uint32_t t0 = org->tok_first;
    size_t n0 = d->tok[t0].end - d->tok[t0].start;
    char *own = NULL;
    if (!qd_head(d, t0) && (d->tok[t0].flags & GLOSSA_TOKEN_UPPER) &&
        !qd_is(d, t0, "ministry") && n0 < 40) {
        own = malloc(n0 + 1);
        if (!own)
            return GLOSSA_ENOMEM;
        memcpy(own, d->text + d->tok[t0].start, n0);
        own[n0] = '\0';
        int rc = compose(spk, own, h->name);
        free(own);
        return rc ? GLOSSA_ENOMEM : 1;
    }
    /* "... of Russia" at the end of the canonical name */
    const char *of =
        qe_canonical(d, org) ? strstr(qe_canonical(d, org), " of ") : NULL;
    while (of && strstr(of + 4, " of "))
        of = strstr(of + 4, " of ");
    if (of)
        dem = demonym(d, of + 4);
    /* a nationality or country before it: "the Russian Ministry of
     * Defense", "Russia's Foreign Ministry" */
    for (uint32_t i = org->tok_first; !dem && i > np_first;) {
        i--;
        const qent_t *e = qd_ent(d, i);
        if (e && ent_state(d, e))
            dem = demonym(d, ent_state(d, e));
    }
    if (!dem)
        return 0;
    return compose(spk, dem, h->name) ? GLOSSA_ENOMEM : 1;
}

/* A ministry named without its state ("the Defense Ministry said"): the
 * ministry of that name named with its state last before it, within
 * twice the `carry` sentences ("the Russian Defense Ministry"). Returns 1
 * when found, 0 when not, or GLOSSA_ENOMEM. */
static int ministry_before(qdoc_t *d, const qent_t *org, qspeaker_t *spk)
{
    const qx_head_t *h = ministry_at(d, org->tok_last);
    if (!h || !h->name)
        return 0;
    uint32_t s0 = qd_sent(d, org->tok_first);
    uint32_t back = (uint32_t)d->set->carry * 2;
    uint32_t lo_tok = qd_sent_first(d, s0 > back ? s0 - back : 0);
    for (size_t k = (size_t)(org - d->ents); k-- > 0;) {
        const qent_t *o = &d->ents[k];
        if (o->tok_first < lo_tok)
            break;
        const qx_head_t *oh =
            o->label == QE_ORG ? ministry_at(d, o->tok_last) : NULL;
        if (!oh || !oh->name || strcmp(oh->name, h->name) != 0)
            continue;
        uint32_t s = qd_sent(d, o->tok_first);
        uint32_t st = qs_np_left(d, o->tok_last + 1, qd_sent_first(d, s));
        int rc = ministry(d, o, st < o->tok_first ? st : o->tok_first, spk);
        if (rc)
            return rc;
    }
    return 0;
}

/* The same head noun earlier with a name: "these officials" after "White
 * House officials", "the ministry" after "the Russian Defense Ministry". */
static int head_antecedent(qdoc_t *d, uint32_t head_tok, qspeaker_t *out);
static int message_author(qdoc_t *d, uint32_t st, qspeaker_t *out, int depth);

static int classify(qdoc_t *d, uint32_t s, uint32_t e, qspeaker_t *spk,
                    int depth);

/* Resolves a pronoun at token i. */
/* "“...,” the ministry said. “...,” he added.": with no person to be
 * found, "he" or "she" is the voice of the single body that spoke in the
 * sentence before or earlier in its own (its spokesperson), named
 * without a title. Returns 1
 * with spk set, 0 when there is none, or GLOSSA_ENOMEM. */
static int body_voice(qdoc_t *d, uint32_t i, qspeaker_t *spk, int depth)
{
    qspeaker_t got;
    memset(&got, 0, sizeof got);
    int rc = context_speaker_mode(d, i, QR_BODY, &got, depth + 1, CTX_SPEAKERS);
    if (rc <= 0)
        return rc;
    uint32_t s = qd_sent(d, i), gs = qd_sent(d, got.tok_first);
    /* the body itself, not an office that fell back to its state
     * ("Iran's Acting Foreign Minister") */
    int office = 0;
    for (uint32_t k = got.tok_first; k < got.tok_end; k++)
        office |= qd_ph(d, k)->title != 0;
    if (got.kind == QR_BODY && got.name && !got.plural && !office &&
        (gs == s || gs + 1 == s)) {
        adopt_speaker(spk, &got, 0);
        return 1;
    }
    free(got.owned);
    return 0;
}

static int resolve_pronoun(qdoc_t *d, uint32_t i, qspeaker_t *spk, int depth)
{
    const qx_pronoun_t *p = qd_pronoun(d, i);
    uint8_t want = p ? p->kind : QR_PERSON;
    qspeaker_t got;
    memset(&got, 0, sizeof got);
    int rc = context_speaker(d, i, want, &got, depth + 1);
    if (rc < 0)
        return rc;
    if (rc > 0) {
        adopt_speaker(spk, &got, got.plural);
        return 1;
    }
    free(got.owned);
    if (want == QR_PERSON) {
        rc = body_voice(d, i, spk, depth);
        if (rc)
            return rc;
    }
    set_unnamed(spk, want == QR_GROUP);
    return 1;
}

/* The person a "he" at token pos would be, in the document's table of
 * persons and their offices (build_persons), or NULL. */
static const qperson_t *salient_person(qdoc_t *d, uint32_t pos, int depth)
{
    if (depth >= 2)
        return NULL;
    qspeaker_t got;
    memset(&got, 0, sizeof got);
    const qperson_t *pp = NULL;
    if (context_speaker(d, pos, QR_PERSON, &got, depth + 1) > 0 && got.name &&
        (d->persons_built || !build_persons(d)))
        pp = person_get(d, got.name);
    free(got.owned);
    return pp;
}

/* "The senior diplomat stressed ..." after "X met his counterpart Y": a
 * generic office with no state is the person a "he" at token pos would
 * be, when the text gave that person an office of its class; else NULL
 * (and then the last person with such an office, person_with_title()). */
static const char *salient_with_title(qdoc_t *d, const qx_title_t *t,
                                      uint32_t pos, int depth)
{
    if (!t->generic)
        return NULL;
    const qperson_t *pp = salient_person(d, pos, depth);
    for (uint8_t j = 0; pp && j < pp->n_titles; j++)
        if (title_matches(d, t, pp->titles[j]))
            return pp->name;
    return NULL;
}

/* "the Russian diplomat" when no person has an office of that class:
 * the person a "he" at token pos would be, when the text gave that
 * person an office and no other state; else NULL. */
static const char *salient_of_state(qdoc_t *d, const char *state, uint32_t pos,
                                    int depth)
{
    const qperson_t *pp = salient_person(d, pos, depth);
    if (!pp || !pp->n_titles || (pp->state && strcmp(pp->state, state) != 0))
        return NULL;
    return pp->name;
}

/* An organisation's span that is only a title ("PM", "Prime
 * Minister"), as the entities layer sometimes tags one. */
static int title_only(const qdoc_t *d, const qent_t *en)
{
    for (uint32_t k = en->tok_first; k <= en->tok_last; k++)
        if (!qd_ph(d, k)->title || qd_ph(d, k)->head)
            return 0;
    return 1;
}

/* The state of a phrase [s, e) that opens with a state's possessive and
 * names only organisations of no other state after it ("Russia's
 * Investigative Committee and Interior Ministry"); else NULL. */
static const char *state_of_bodies(const qdoc_t *d, uint32_t s, uint32_t e)
{
    while (s < e && ncls(d, s) == N_DET)
        s++;
    const qent_t *first = s < e ? qd_ent(d, s) : NULL;
    if (!first || first->tok_first != s || first->label != QE_GPE ||
        !is_poss(d, first->tok_last + 1))
        return NULL;
    const char *st = qe_refers_to(d, first) ? qe_refers_to(d, first)
                                            : qe_canonical(d, first);
    int bodies = 0;
    for (uint32_t i = first->tok_last + 2; i < e; i++) {
        const qent_t *en = qd_ent(d, i);
        if (!en)
            continue;
        if (en->label != QE_ORG ||
            (qe_refers_to(d, en) && strcmp(qe_refers_to(d, en), st) != 0))
            return NULL;
        bodies++;
        i = en->tok_last;
    }
    return bodies >= 2 ? st : NULL;
}

/* The state a capitalized word in [s, e) names as its nationality or
 * its name when the entities layer tagged nothing there ("the U.S.
 * Embassy", "the Russian Embassy in Baku"); else NULL. */
static const char *untagged_state(const qdoc_t *d, uint32_t s, uint32_t e)
{
    for (uint32_t i = s; i < e; i++) {
        const char *w = d->text + d->tok[i].start;
        size_t n = d->tok[i].end - d->tok[i].start;
        if (ncls(d, i) == N_ENT || !(*w >= 'A' && *w <= 'Z'))
            continue;
        const char *st = qx_demonym_state(d->lex, w, n);
        if (st)
            return st;
    }
    return NULL;
}

/* Fills spk for the phrase [s, e). Returns 1 when it names a speaker
 * (perhaps unnamed), 0 when it cannot be one, or GLOSSA_ENOMEM. */
static int classify(qdoc_t *d, uint32_t s, uint32_t e, qspeaker_t *spk,
                    int depth)
{
    spk->tok_first = s;
    spk->tok_end = e;
    spk->found = 0;
    spk->name = NULL;
    if (e <= s)
        return 0;
    if (e == s + 1 && ncls(d, s) == N_PRON)
        return resolve_pronoun(d, s, spk, depth);
    for (uint32_t k = s + 1; k + 1 < e; k++) {
        if (!ministry_in(d, k, e))
            continue;
        /* "the Foreign Ministry in Baku": the ministry of the state the
         * place stands for, unless the phrase names its own ("the
         * Russian Foreign Ministry in Baku"). */
        for (uint32_t i = s; i < k; i++) {
            const qent_t *en = qd_ent(d, i);
            /* an organisation's own first word: "Spanish Foreign
             * Ministry" (as ministry() reads it) */
            int own = en && en->label == QE_ORG && i == en->tok_first &&
                      !qd_head(d, i) && !qd_is(d, i, "ministry");
            if ((en && (en->label != QE_ORG || qe_refers_to(d, en))) || own ||
                ncls(d, i) == N_POSS || ncls(d, i) == N_PPRON)
                return classify(d, s, k, spk, depth);
        }
        const qent_t *place = qd_ent(d, k + 1);
        const char *st = qe_refers_to(d, place) ? qe_refers_to(d, place)
                                                : doc_refers_to(d, place);
        const char *dem = st ? demonym(d, st) : NULL;
        const qx_head_t *h = ministry_at(d, k - 1);
        if (dem && h->name)
            return compose(spk, dem, h->name) ? GLOSSA_ENOMEM : 1;
        return classify(d, s, k, spk, depth);
    }

    const qent_t *person = NULL, *poss_person = NULL, *org = NULL,
                 *place = NULL, *norp_only = NULL;
    int n_names = 0, coordinated = 0, ppron = -1;
    uint32_t head_tok = QNONE, title_tok = QNONE;
    int32_t last_ent = -1;
    for (uint32_t i = s; i < e; i++) {
        int c = ncls(d, i);
        if (c == N_AND)
            coordinated = 1;
        if (c == N_PPRON && ppron < 0 && i == s)
            ppron = (int)i;
        /* A head noun inside an organisation's name ("Minsk Group")
         * does not head a phrase that has one before the name ("the
         * co-chairs of the OSCE Minsk Group"). */
        if (qd_ph(d, i)->head && qd_ph(d, i)->head_start &&
            !(head_tok != QNONE && c == N_ENT &&
              d->ents[qd_ent_at(d, i)].label == QE_ORG &&
              d->ents[qd_ent_at(d, i)].tok_first > head_tok))
            head_tok = i;
        if (qd_ph(d, i)->title && qd_ph(d, i)->title_len)
            title_tok = i;
        if (c != N_ENT || qd_ent_at(d, i) == last_ent)
            continue;
        last_ent = qd_ent_at(d, i);
        const qent_t *en = &d->ents[last_ent];
        if (en->label == QE_ORG && title_only(d, en))
            continue; /* "Armenian PM" tagged as a body: the title */
        uint32_t after = en->tok_last + 1;
        int possessor = after < e && is_poss(d, after);
        n_names++;
        switch (en->label) {
        case QE_PERSON:
            if (possessor)
                poss_person = en;
            else
                person = en;
            break;
        case QE_ORG:
            org = en;
            break;
        case QE_NORP:
            norp_only = en;
            place = en;
            break;
        default:
            /* "Russian ambassador to Armenia": the posting, not the
             * state, when the phrase names one before it */
            if (place && posting(d, en))
                break;
            place = en;
            break;
        }
    }
    /* The head is the last head noun after the last name, if any. */
    const qx_head_t *head = head_tok != QNONE ? qd_head(d, head_tok) : NULL;
    const qx_title_t *title =
        title_tok != QNONE ? qd_title(d, title_tok) : NULL;
    /* "a senior diplomat", "a minister": a generic office after an
     * indefinite article introduces someone; it is nobody named before. */
    const qx_title_t *lookup = title;
    if (title && title->generic && (qd_is(d, s, "a") || qd_is(d, s, "an")))
        lookup = NULL;
    if (head && head->hclass == QH_NONSPEECH)
        return 0;
    if (coordinated && n_names >= 2) {
        /* "Russia's Investigative Committee and Interior Ministry": the
         * bodies of the one state that owns them all */
        const char *owner = state_of_bodies(d, s, e);
        if (owner) {
            set_name(spk, owner, QR_BODY);
            spk->plural = 1;
            return 1;
        }
        set_unnamed(spk, 1);
        return 1;
    }
    if (person) {
        /* "the Biden administration", "the Putin government": a person's
         * name before a body's head noun names the body, of the person's
         * state when the text gives it; it is no antecedent of "he". */
        uint32_t nx = person->tok_last + 1;
        if (nx < e && qd_ph(d, nx)->head && qd_ph(d, nx)->head_start &&
            qd_head(d, nx)->hclass == QH_STATE) {
            if (!d->persons_built && build_persons(d))
                return GLOSSA_ENOMEM;
            const qperson_t *pp = person_get(d, qe_canonical(d, person));
            if (pp && pp->state)
                set_name(spk, pp->state, QR_BODY);
            else
                set_unnamed(spk, qd_head(d, nx)->plural);
            return 1;
        }
        /* A surname the entities layer did not link to the name in
         * full before it. */
        const char *full = NULL;
        size_t tn;
        const char *text = qe_text(d, person, &tn);
        const char *pc = qe_canonical(d, person);
        if (strlen(pc) == tn && memcmp(text, pc, tn) == 0 &&
            full_name(d, qe_canonical(d, person),
                      strlen(qe_canonical(d, person)), person->tok_first,
                      &full))
            return GLOSSA_ENOMEM;
        set_name(spk, full ? full : qe_canonical(d, person), QR_PERSON);
        return 1;
    }
    if (n_names == 1 && !title && !head && (org || place) &&
        !qe_refers_to(d, org ? org : place)) {
        /* ... or took for a place or a body: the whole phrase is the
         * name ("Abovyan noted" after "Arman Abovyan"). */
        const qent_t *en = org ? org : place;
        const char *full = NULL;
        if (en->tok_first == s && en->tok_last + 1 == e &&
            full_name_of(d, s, e, &full))
            return GLOSSA_ENOMEM;
        if (full) {
            set_name(spk, full, QR_PERSON);
            return 1;
        }
    }
    if (title && title_tok + qd_ph(d, title_tok)->title_len < e) {
        int rc = untagged_name(d, title_tok + qd_ph(d, title_tok)->title_len, e,
                               spk);
        if (rc)
            return rc < 0 ? rc : 1;
    }
    /* "analysts of the Carnegie Center": people of an organisation
     * named after "of" speak for it */
    int of_org = head && head->hclass == QH_UNNAMED && org &&
                 head_tok < org->tok_first &&
                 ncls(d, head_tok + qd_ph(d, head_tok)->head_len) == N_OF;
    if (head && head->hclass == QH_UNNAMED && !of_org) {
        if (qd_is(d, s, "the") && depth < 2 && !n_names) {
            /* "the analysts" after "analysts of the Carnegie Center" */
            qspeaker_t ante;
            memset(&ante, 0, sizeof ante);
            int rc = head_antecedent(d, head_tok, &ante);
            if (rc < 0)
                return rc;
            if (rc > 0 && ante.name) {
                adopt_speaker(spk, &ante, head->plural);
                return 1;
            }
            free(ante.owned);
        }
        set_unnamed(spk, head->plural);
        return 1;
    }
    if (!lookup && title && last_ent >= 0 &&
        d->ents[last_ent].tok_last < title_tok && !poss_person) {
        /* "a Western diplomat", "a senior Russian diplomat": someone of
         * the place, not named. */
        set_unnamed(spk, 0);
        return 1;
    }
    if (poss_person) {
        if (title && !(head && title_tok < head_tok)) {
            const char *st = NULL;
            if (!d->persons_built && build_persons(d))
                return GLOSSA_ENOMEM;
            const qperson_t *pp = person_get(d, qe_canonical(d, poss_person));
            st = pp ? pp->state : NULL;
            const char *who = person_with_title(d, title, st, NULL, s);
            if (who && strcmp(who, qe_canonical(d, poss_person)) != 0) {
                set_name(spk, who, QR_PERSON);
                return 1;
            }
            if (st) {
                set_name(spk, st, QR_BODY);
                return 1;
            }
        }
        set_name(spk, qe_canonical(d, poss_person), QR_PERSON);
        return 1;
    }
    /* "CSTO member-state Armenia", "NATO ally Turkey": a place that ends
     * the phrase after an organisation is its head */
    if (org && place && place->label == QE_GPE &&
        place->tok_first > org->tok_last && place->tok_last + 1 == e &&
        !posting(d, place) && !(title && title_tok > org->tok_last) &&
        !(qd_flags(d, place->tok_first - 1) & QW_PREP))
        org = NULL;
    if (org) {
        int rc = name_in_org(d, org, spk);
        if (rc)
            return rc < 0 ? rc : 1;
        const char *st = qe_refers_to(d, org);
        /* "the head of the European Council": the title, "of" and an
         * article, then the body. */
        int title_of = 0;
        if (title && title_tok < org->tok_first) {
            uint32_t k = title_tok + qd_ph(d, title_tok)->title_len;
            if (k < org->tok_first && ncls(d, k) == N_OF) {
                k++;
                while (k < org->tok_first && ncls(d, k) == N_DET)
                    k++;
                title_of = k == org->tok_first;
            }
        }
        /* "the representative of the Foreign Ministry": the ministry's
         * own head noun does not head the phrase */
        int head_in_org =
            head && head_tok >= org->tok_first && head_tok <= org->tok_last;
        if (title && (title_of || title_tok > org->tok_last) &&
            (!head || head_tok < title_tok || (title_of && head_in_org))) {
            /* "Kremlin spokesman", "the Foreign Ministry representative" */
            const char *who =
                lookup
                    ? person_with_title(d, lookup, st ? st : org_state(d, org),
                                        qe_canonical(d, org), s)
                    : NULL;
            if (who) {
                set_name(spk, who, QR_PERSON);
                return 1;
            }
        }
        rc = ministry(d, org, s, spk);
        if (!rc && !st)
            rc = ministry_before(d, org, spk);
        if (!rc && !st)
            rc = acronym(d, org, spk);
        if (rc)
            return rc < 0 ? rc : 1;
        set_name(spk, st ? st : qe_canonical(d, org), QR_BODY);
        spk->plural = head ? head->plural : 0;
        return 1;
    }
    if (place) {
        const char *st = qe_refers_to(d, place) ? qe_refers_to(d, place)
                                                : doc_refers_to(d, place);
        if (!st)
            st = ent_state(d, place);
        if (!st)
            st = qe_canonical(d, place);
        if (head && head->hclass == QH_MINISTRY && head->name) {
            const char *dem = demonym(d, st);
            if (dem)
                return compose(spk, dem, head->name) ? GLOSSA_ENOMEM : 1;
        }
        if (title && (!head || head_tok < title_tok || office_of(head))) {
            const char *who =
                lookup ? person_with_title(d, lookup, st, NULL, s) : NULL;
            if (!who && lookup && lookup->generic && qd_is(d, s, "the"))
                who = salient_of_state(d, st, s, depth);
            set_name(spk, who ? who : st, who ? QR_PERSON : QR_BODY);
            return 1;
        }
        if (!head && norp_only == place && !title) {
            /* "Armenians", "Azerbaijanis": people, not the state. */
            set_unnamed(spk, 1);
            return 1;
        }
        if (head && head->person && !title && qd_is(d, s, "the") &&
            head_tok > place->tok_last) {
            /* "the senior Iranian official": a person of the state, as
             * an office is */
            const char *who = person_of_state(d, st, s);
            if (who) {
                set_name(spk, who, QR_PERSON);
                return 1;
            }
        }
        set_name(spk, st, QR_BODY);
        spk->plural = head ? head->plural : 0;
        return 1;
    }
    if (head && !title && !n_names &&
        (head->hclass == QH_STATE || head->hclass == QH_MINISTRY)) {
        /* a body whose nationality the entities layer did not tag */
        const char *st = untagged_state(d, s, head_tok);
        if (st && head->hclass == QH_MINISTRY && head->name)
            return compose(spk, demonym(d, st), head->name) ? GLOSSA_ENOMEM : 1;
        if (st) {
            set_name(spk, st, QR_BODY);
            spk->plural = head->plural;
            return 1;
        }
    }
    if (ppron >= 0 && (title || head)) {
        /* "his spokesman", "its press service": the possessor's. */
        qspeaker_t owner;
        memset(&owner, 0, sizeof owner);
        int rc = resolve_pronoun(d, (uint32_t)ppron, &owner, depth);
        if (rc < 0)
            return rc;
        if (owner.name && title && owner.kind == QR_PERSON) {
            if (!d->persons_built && build_persons(d)) {
                free(owner.owned);
                return GLOSSA_ENOMEM;
            }
            const qperson_t *pp = person_get(d, owner.name);
            const char *who =
                person_with_title(d, title, pp ? pp->state : NULL, NULL, s);
            if (who && strcmp(who, owner.name) != 0) {
                free(owner.owned);
                set_name(spk, who, QR_PERSON);
                return 1;
            }
            if (pp && pp->state) {
                free(owner.owned);
                set_name(spk, pp->state, QR_BODY);
                return 1;
            }
        }
        adopt_speaker(spk, &owner, spk->plural);
        return 1;
    }
    if (title && (!head || head_tok < title_tok || office_of(head))) {
        const char *who =
            lookup ? salient_with_title(d, lookup, s, depth) : NULL;
        if (lookup && !who)
            who = person_with_title(d, lookup, NULL, NULL, s);
        if (who) {
            set_name(spk, who, QR_PERSON);
            return 1;
        }
        set_unnamed(spk, 0);
        return 1;
    }
    if (head) {
        /* "a statement", "an official": someone not named */
        int indefinite = qd_is(d, s, "a") || qd_is(d, s, "an");
        /* "according to official information": a message with no
         * determiner and no author is nobody's */
        if (head->hclass == QH_MESSAGE && !n_names && head_tok > s &&
            !(qd_flags(d, s) & QW_DET) && ncls(d, s) != N_PPRON)
            indefinite = 1;
        if (!indefinite &&
            (head->hclass == QH_STATE || head->hclass == QH_MINISTRY ||
             head->hclass == QH_OFFICE || head->hclass == QH_MESSAGE ||
             head->hclass == QH_OUTLET)) {
            qspeaker_t ante;
            memset(&ante, 0, sizeof ante);
            int rc = depth < 2 ? head_antecedent(d, head_tok, &ante) : 0;
            if (rc < 0)
                return rc;
            if (rc == 0 &&
                (head->hclass == QH_MESSAGE || head->hclass == QH_OFFICE)) {
                rc = context_speaker_mode(d, s, 0, &ante, depth + 1,
                                          CTX_SPEAKERS_FIRST);
                if (rc < 0)
                    return rc;
            }
            if (rc == 0 && head->person && qd_is(d, s, "the") && depth < 2) {
                /* "the politician noted", "the author notes": one
                 * person, the one a "he" there would be */
                rc = context_speaker(d, s, QR_PERSON, &ante, depth + 1);
                if (rc < 0)
                    return rc;
                if (rc > 0 && ante.kind != QR_PERSON)
                    rc = 0;
            }
            if (rc > 0 && ante.name) {
                adopt_speaker(spk, &ante, head->plural);
                return 1;
            }
            free(ante.owned);
        }
        if (head->hclass == QH_MESSAGE && head_tok >= s) {
            qspeaker_t au;
            int rc = message_author(d, s, &au, depth);
            if (rc < 0)
                return rc;
            if (rc > 0) {
                adopt_speaker(spk, &au, 0);
                return 1;
            }
        }
        set_unnamed(spk, head->plural);
        return 1;
    }
    return 0;
}

/* A message named without its author in a report's attribution ("the
 * ministry said in a statement", "“...,” X said on Monday in a
 * statement"): the report's speaker, which "the statement" later goes
 * back to. st is the message's first token (its article); returns 1 with
 * *out filled, 0 when no report names it so, or GLOSSA_ENOMEM. */
static int message_of_report(qdoc_t *d, uint32_t st, qspeaker_t *out)
{
    if (st == 0 || !d->frame_at || !(qd_flags(d, st - 1) & QW_PREP))
        return 0;
    uint32_t prep = st - 1, s = qd_sent(d, st);
    for (uint32_t k = d->frame_at[s]; k < d->frame_at[s + 1]; k++) {
        qframe_t *g = &d->frames[d->frame_of[k]];
        if (g->dropped || g->how != FH_VERB || g->cue_end > prep ||
            prep - g->cue_end > 3 || (prep >= g->c_first && prep < g->c_end))
            continue;
        int rc = qs_resolve(d, g);
        if (rc)
            return rc;
        if (!g->spk.name || g->spk.kind == QR_GROUP)
            return 0;
        memset(out, 0, sizeof *out);
        *out = g->spk;
        out->owned = NULL;
        if (g->spk.owned) {
            out->owned = strdup(g->spk.owned);
            if (!out->owned)
                return GLOSSA_ENOMEM;
            out->name = out->owned;
        }
        return 1;
    }
    return 0;
}

/* "X adopted a resolution that ...", "X has issued a statement": a
 * message that is the object of a verb of issuing (grammar.tsv class
 * `issue`) is its subject's, past auxiliaries, adverbs, time words and
 * one prepositional phrase ("X on Monday issued"). st is the message
 * phrase's first token. Returns 1 with *out a named speaker, 0, or
 * GLOSSA_ENOMEM. */
static int message_author(qdoc_t *d, uint32_t st, qspeaker_t *out, int depth)
{
    if (st == 0 || !(qd_flags(d, st - 1) & QW_ISSUE) || depth >= 3)
        return 0;
    uint32_t first = qd_sent_first(d, qd_sent(d, st - 1)), j = st - 1;
    while (j > first &&
           (qd_flags(d, j - 1) & (QW_AUX | QW_ADV | QW_NEG | QW_TIME)))
        j--;
    if (j < st - 1 && j > first && (qd_flags(d, j - 1) & QW_PREP))
        j--; /* "on Monday" */
    uint32_t a = qs_np_left(d, j, first);
    if (a < j && a > first && (qd_flags(d, a - 1) & QW_PREP)) {
        j = a - 1;
        a = qs_np_left(d, j, first);
    }
    if (a >= j || (a > first && (qd_flags(d, a - 1) & QW_PREP)))
        return 0;
    memset(out, 0, sizeof *out);
    int rc = classify(d, a, j, out, depth + 1);
    if (rc < 0)
        return rc;
    if (rc == 0 || !out->name || out->kind == QR_GROUP) {
        free(out->owned);
        memset(out, 0, sizeof *out);
        return 0;
    }
    return 1;
}

static int head_antecedent(qdoc_t *d, uint32_t head_tok, qspeaker_t *out)
{
    uint32_t s0 = qd_sent(d, head_tok);
    uint32_t lo_s =
        s0 > (uint32_t)d->set->carry * 2 ? s0 - (uint32_t)d->set->carry * 2 : 0;
    int16_t want = qd_ph(d, head_tok)->head;
    const qx_head_t *wh = qd_head(d, head_tok);
    for (uint32_t s = s0 + 1; s-- > lo_s;) {
        qd_mark_sentence(d, s);
        uint32_t first = qd_sent_first(d, s);
        uint32_t end = s == s0 ? head_tok : qd_sent_end(d, s);
        for (uint32_t i = end; i-- > first;) {
            if (!qd_ph(d, i)->head_start)
                continue;
            const qx_head_t *h = qd_head(d, i);
            if (qd_ph(d, i)->head != want &&
                !(h->hclass == wh->hclass && h->hclass != QH_STATE &&
                  h->hclass != QH_UNNAMED))
                continue;
            /* "the defence ministry" is not the foreign ministry named
             * before; "the ministry" may be either. */
            if (h->hclass == QH_MINISTRY && h->name && wh->name &&
                strcmp(h->name, wh->name) != 0)
                continue;
            uint32_t e = i + qd_ph(d, i)->head_len;
            uint32_t st = qs_np_left(d, e, first);
            if (h->hclass == QH_MESSAGE) {
                /* "a statement released by the ministry" */
                uint32_t er = qs_np_right(d, st, end);
                if (er > e)
                    e = er;
            } else if (e + 1 < end &&
                       (qd_is(d, e, "of") || qd_is(d, e, "in"))) {
                /* "the co-chairs of the Minsk Group", "the authorities
                 * of Georgia", "a source in the foreign ministry": the
                 * body named after "of" or "in" introduces the group
                 * that "the co-chairs" goes back to. Only up to that
                 * name: a bracket after it lists the members. */
                uint32_t k = e + 1;
                while (k < end && ncls(d, k) == N_DET)
                    k++;
                const qent_t *en = k < end ? qd_ent(d, k) : NULL;
                /* "in" a body, not a place: "the embassy in Baku" is
                 * not Azerbaijan's */
                if (en && en->tok_first == k && en->tok_last < end &&
                    en->label != QE_PERSON &&
                    (qd_is(d, e, "of") || en->label == QE_ORG)) {
                    e = en->tok_last + 1;
                    /* "the ministers of Armenia and Georgia": both, so
                     * nobody named */
                    while (e + 1 < end && ncls(d, e) == N_AND &&
                           (en = qd_ent(d, e + 1)) != NULL &&
                           en->tok_first == e + 1 && en->tok_last < end)
                        e = en->tok_last + 1;
                }
            }
            if (h->hclass == QH_OUTLET && e < end) {
                /* "the American newspaper “Washington Post”", "the
                 * agency Interfax": the outlet's name in apposition */
                uint32_t k = qm_at_open(d, e) >= 0 ? e + 1 : e;
                const qent_t *en = k < end ? qd_ent(d, k) : NULL;
                if (en && en->tok_first == k && en->label == QE_ORG &&
                    en->tok_last < end) {
                    e = en->tok_last + 1;
                    if (e < end && qm_at_close(d, e) >= 0)
                        e++;
                }
            }
            int has_name = 0;
            for (uint32_t k = st; k < e; k++)
                has_name |= qd_ent_at(d, k) >= 0;
            if (!has_name && h->hclass == QH_MESSAGE) {
                int rc = message_of_report(d, st, out);
                if (rc == 0)
                    rc = message_author(d, st, out, 2);
                if (rc != 0)
                    return rc;
            }
            if (!has_name)
                continue;
            int rc = classify(d, st, e, out, 2);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* ---- Context ----------------------------------------------------------- */

static int compatible(const qspeaker_t *s, uint8_t want)
{
    if (!s->found)
        return 0;
    switch (want) {
    case QR_PERSON:
        return s->kind == QR_PERSON && s->name;
    case QR_BODY:
        return s->kind == QR_BODY && !s->plural && s->name;
    case QR_GROUP:
        return s->plural || (s->kind == QR_BODY && s->name);
    default:
        return 1;
    }
}

/* The last speaker or sentence subject before token pos, within the
 * configured number of sentences, that is compatible with `want` (0:
 * any). CTX_SUBJECTS weighs speakers and subjects alike (pronouns);
 * CTX_SPEAKERS_FIRST looks for a speaker over the whole window before
 * subjects (a quotation that goes on); CTX_SPEAKERS takes speakers only.
 * Returns 1 with *out filled, 0 for none, or GLOSSA_ENOMEM. */
static int context_pass(qdoc_t *d, uint32_t pos, uint8_t want, qspeaker_t *out,
                        int depth, int subjects)
{
    uint32_t s0 = qd_sent(d, pos < d->nt ? pos : (uint32_t)d->nt - 1);
    uint32_t carry = (uint32_t)d->set->carry;
    uint32_t lo_s = s0 > carry ? s0 - carry : 0;
    for (uint32_t s = s0 + 1; s-- > lo_s;) {
        const qframe_t *best = NULL;
        /* Without the index (frames whose sentence is past the last
         * one: a document with no sentences), every frame. */
        const uint32_t *of = d->frame_at && s < d->ns ? d->frame_of : NULL;
        size_t a = of ? d->frame_at[s] : 0;
        size_t b = of ? d->frame_at[s + 1] : d->n_frames;
        for (size_t x = a; x < b; x++) {
            const qframe_t *f = &d->frames[of ? of[x] : x];
            if (f->sent != s || f->dropped || !f->resolved || f->pos >= pos ||
                !compatible(&f->spk, want))
                continue;
            if (!best || f->pos > best->pos)
                best = f;
        }
        qd_mark_sentence(d, s);
        uint32_t end = s == s0 ? pos : qd_sent_end(d, s);
        uint32_t subj = subjects ? qs_subject_start(d, s, end) : QNONE;
        /* A speaker inside a phrase of the sentence ("a comment by Macron
         * who said") ranks below the sentence's subject. */
        int embedded = best && !best->inverted && best->np_first > 0 &&
                       best->speaker_from < 0 &&
                       (qd_flags(d, best->np_first - 1) & QW_PREP);
        if (subj != QNONE && subj < end &&
            (!best || subj > best->pos || embedded) && qm_region(d, subj) < 0) {
            uint32_t se = qs_np_right(d, subj, end);
            if (se > subj && qs_np_anchored(d, subj, se)) {
                qspeaker_t cand;
                memset(&cand, 0, sizeof cand);
                int rc = classify(d, subj, se, &cand, depth + 1);
                if (rc < 0)
                    return rc;
                if (rc > 0 && compatible(&cand, want)) {
                    *out = cand;
                    return 1;
                }
                free(cand.owned);
            }
        }
        if (!best && s == s0 && want == QR_PERSON && subj != QNONE &&
            subj < pos && pos > 0 && pos < d->nt &&
            (qd_flags(d, pos - 1) & (QW_REL | QW_SUB))) {
            /* "Talks were held with X, during which he said": a pronoun
             * opening a relative or subordinate clause, in a sentence
             * whose subject is no person, is the person named last
             * before it there (not in a quotation, not a possessor). */
            for (size_t k = ents_before(d, pos); k-- > 0;) {
                const qent_t *e = &d->ents[k];
                if (e->tok_first <= subj)
                    break;
                if (e->label != QE_PERSON || e->partial ||
                    qm_region(d, e->tok_first) >= 0 ||
                    is_poss(d, e->tok_last + 1))
                    continue;
                set_name(out, qe_canonical(d, e), QR_PERSON);
                return 1;
            }
        }
        if (best) {
            *out = best->spk;
            out->owned = NULL;
            if (best->spk.owned) {
                out->owned = strdup(best->spk.owned);
                if (!out->owned)
                    return GLOSSA_ENOMEM;
                out->name = out->owned;
            }
            return 1;
        }
    }
    if (want != QR_PERSON || !subjects)
        return 0;
    /* A person mentioned anywhere in the window. */
    uint32_t lo_tok = qd_sent_first(d, lo_s);
    /* Skip the entities from pos on at once. */
    size_t lo = ents_before(d, pos);
    for (size_t k = lo; k-- > 0;) {
        const qent_t *e = &d->ents[k];
        if (e->tok_first >= pos || e->label != QE_PERSON || e->partial)
            continue;
        if (e->tok_first < lo_tok)
            break;
        set_name(out, qe_canonical(d, e), QR_PERSON);
        return 1;
    }
    return 0;
}

static int context_speaker_mode(qdoc_t *d, uint32_t pos, uint8_t want,
                                qspeaker_t *out, int depth, int mode)
{
    if (depth > 3)
        return 0;
    if (mode == CTX_SUBJECTS)
        return context_pass(d, pos, want, out, depth, 1);
    int rc = context_pass(d, pos, want, out, depth, 0);
    if (rc || mode == CTX_SPEAKERS)
        return rc;
    return context_pass(d, pos, want, out, depth, 1);
}

static int context_speaker(qdoc_t *d, uint32_t pos, uint8_t want,
                           qspeaker_t *out, int depth)
{
    return context_speaker_mode(d, pos, want, out, depth, CTX_SUBJECTS);
}

/* Each sentence's frames, so that the context of a report reads the
 * frames of a few sentences rather than all the document's. */
int qs_index(qdoc_t *d)
{
    d->frame_at = calloc(d->ns + 1, sizeof *d->frame_at);
    d->frame_of = malloc((d->n_frames ? d->n_frames : 1) * sizeof *d->frame_of);
    if (!d->frame_at || !d->frame_of)
        return GLOSSA_ENOMEM;
    for (size_t k = 0; k < d->n_frames; k++)
        if (d->frames[k].sent < d->ns)
            d->frame_at[d->frames[k].sent + 1]++;
    for (size_t s = 0; s < d->ns; s++)
        d->frame_at[s + 1] += d->frame_at[s];
    /* frame_at[s] counts up to frame_at[s + 1] while filling; shifted back
     * below. */
    for (size_t k = 0; k < d->n_frames; k++) {
        uint32_t s = d->frames[k].sent;
        if (s < d->ns)
            d->frame_of[d->frame_at[s]++] = (uint32_t)k;
    }
    for (size_t s = d->ns; s > 0; s--)
        d->frame_at[s] = d->frame_at[s - 1];
    d->frame_at[0] = 0;
    return 0;
}

/* An office or official named in apposition right after the speaker's
 * phrase: "said the official, Anna Berg.", "The country's president,
 * Anna Berg (AB), said". The person whose name follows a comma after a
 * phrase headed by a title or a single official, and ends a clause (a
 * comma, a bracket or the sentence's end after it), or NULL. */
static const qent_t *apposed_person(qdoc_t *d, uint32_t s, uint32_t e)
{
    if (e <= s || e + 1 >= d->nt || !qd_punct(d, e, ','))
        return NULL;
    int office = 0;
    for (uint32_t i = s; i < e; i++) {
        const qent_t *en = qd_ent(d, i);
        if (en && en->label == QE_PERSON)
            return NULL;
        if (qd_ph(d, i)->title)
            office = 1;
        const qx_head_t *h = qd_ph(d, i)->head_start ? qd_head(d, i) : NULL;
        if (h && h->hclass == QH_STATE && !h->plural)
            office = 1;
        if (ncls(d, i) == N_AND)
            return NULL;
    }
    const qent_t *p = qd_ent(d, e + 1);
    if (!office || !p || p->label != QE_PERSON || p->partial ||
        !qe_canonical(d, p) || p->tok_first != e + 1 ||
        qm_region(d, e + 1) >= 0)
        return NULL;
    uint32_t after = p->tok_last + 1;
    uint32_t end = qd_sent_end(d, qd_sent(d, e));
    if (after >= end)
        return p;
    if (qd_punct(d, after, ',') || qd_punct(d, after, '(') ||
        qd_punct(d, after, '.'))
        return p;
    return NULL;
}

/* "A senior diplomat argued that ... “...,” said the official, Anna
 * Berg." / "A senior advisor says ... . Anna Berg made the remarks
 * ...": the person an indefinite office introduces, when the text names
 * that person next, in the next two sentences: in apposition to an
 * office that speaks there, or, named there for the first time, as the
 * subject opening the next sentence. NULL when none. */
static const char *named_next(qdoc_t *d, const qframe_t *f)
{
    uint32_t a = f->np_first, b = f->np_end;
    if (b <= a || !(qd_is(d, a, "a") || qd_is(d, a, "an")))
        return NULL;
    int office = 0;
    for (uint32_t i = a; i < b; i++) {
        const qx_head_t *h = qd_ph(d, i)->head_start ? qd_head(d, i) : NULL;
        office |=
            qd_ph(d, i)->title || (h && h->hclass == QH_STATE && !h->plural);
        if (qd_ent(d, i) && qd_ent(d, i)->label == QE_PERSON)
            return NULL;
    }
    if (!office || !d->frame_at)
        return NULL;
    uint32_t s0 = f->sent;
    for (uint32_t s = s0; s < d->ns && s <= s0 + 2; s++) {
        for (size_t x = d->frame_at[s]; x < d->frame_at[s + 1]; x++) {
            const qframe_t *g = &d->frames[d->frame_of[x]];
            if (g->dropped || g->pos <= f->pos || g->np_end <= g->np_first)
                continue;
            const qent_t *p = apposed_person(d, g->np_first, g->np_end);
            if (p)
                return qe_canonical(d, p);
        }
        if (s != s0 + 1)
            continue;
        const qent_t *p = qd_ent(d, qd_sent_first(d, s));
        if (!p || p->label != QE_PERSON || p->partial || !qe_canonical(d, p) ||
            p->tok_first != qd_sent_first(d, s) ||
            !qd_lower_word(d, p->tok_last + 1))
            continue;
        if (!d->persons_built && build_persons(d))
            return NULL;
        const qperson_t *pp = person_get(d, qe_canonical(d, p));
        if (pp && pp->first_tok == p->tok_first)
            return qe_canonical(d, p);
    }
    return NULL;
}

int qs_resolve(qdoc_t *d, qframe_t *f)
{
    if (f->resolved)
        return 0;
    f->resolved = 1;
    if (f->speaker_from >= 0) {
        qframe_t *g = &d->frames[f->speaker_from];
        int rc = qs_resolve(d, g);
        if (rc)
            return rc;
        f->spk = g->spk;
        f->spk.owned = NULL;
        if (g->spk.owned) {
            f->spk.owned = strdup(g->spk.owned);
            if (!f->spk.owned)
                return GLOSSA_ENOMEM;
            f->spk.name = f->spk.owned;
        }
        return 0;
    }
    if (f->how == FH_PASSIVE || f->how == FH_CONTINUE) {
        qspeaker_t got;
        memset(&got, 0, sizeof got);
        int rc = context_speaker_mode(
            d, f->pos, 0, &got, 1,
            f->how == FH_PASSIVE ? CTX_SPEAKERS : CTX_SPEAKERS_FIRST);
        if (rc < 0)
            return rc;
        /* "it was stated that" takes the speaker of its paragraph; one
         * that opens a paragraph goes on from a report in the sentence
         * just before ("..., the ministry said in a message.\nIt is
         * noted that ..."). */
        uint32_t fs = qd_sent(d, f->pos);
        int same_line =
            rc > 0 && qd_line(d, got.tok_first) == qd_line(d, f->pos);
        int just_before = rc > 0 && f->how == FH_PASSIVE && fs > 0 &&
                          qd_sent(d, got.tok_first) + 1 == fs &&
                          qd_line(d, qd_sent_first(d, fs)) !=
                              qd_line(d, qd_sent_first(d, fs - 1)) &&
                          got.name && got.kind != QR_GROUP;
        if (rc > 0 && (f->how == FH_CONTINUE || same_line || just_before)) {
            uint32_t a = f->np_first, b = f->np_end;
            f->spk = got;
            if (f->how == FH_PASSIVE) {
                f->spk.tok_first = a;
                f->spk.tok_end = b;
            }
            return 0;
        }
        free(got.owned);
        /* A quotation with no speaker before it may take the next one
         * (analyze.c). */
        f->spk.found = f->how == FH_PASSIVE;
        f->spk.tok_first = f->np_first;
        f->spk.tok_end = f->np_end;
        return 0;
    }
    if (f->np_end == 0)
        return 0;
    int rc = classify(d, f->np_first, f->np_end, &f->spk, 0);
    if (rc < 0)
        return rc;
    if (f->spk.kind != QR_PERSON || !f->spk.name) {
        const qent_t *ap = apposed_person(d, f->np_first, f->np_end);
        if (ap) {
            free(f->spk.owned);
            f->spk.owned = NULL;
            f->spk.plural = 0;
            set_name(&f->spk, qe_canonical(d, ap), QR_PERSON);
        }
    }
    if (!f->spk.name && f->spk.found) {
        const char *who = named_next(d, f);
        if (who) {
            free(f->spk.owned);
            f->spk.owned = NULL;
            f->spk.plural = 0;
            set_name(&f->spk, who, QR_PERSON);
        }
    }
    f->spk.tok_first = f->np_first;
    f->spk.tok_end = f->np_end;
    return 0;
}
