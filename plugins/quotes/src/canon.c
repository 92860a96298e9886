/* Speakers' names in one spelling per document.
 *
 * A speaker is resolved to the canonical name of the entity that names it
 * where it speaks; the entities layer spells a name as it is written when
 * it does not know it, so one person may get several names in one text
 * ("Nikol Pashinyan", then "Pashnian"), and an outlet may be
 * named by its initials ("WP" after "The Washington Post"). The speaker's
 * name is written in the spelling of the fullest, first name of the text
 * that it is a variant of. Names only: no word is named here but the
 * "The" an organisation's name may open with, which its initials leave
 * out ("WP"). */
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

/* The word's first letter and the consonants after it, in lower case, "c" read
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
 * "Klaar"). A consonant apart is not enough ("Koivo", "Toivo"); words
 * apart in their vowels only are taken as one ("Armen", "Arman"), which
 * the whole name's other words must then match too. */
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

/* The document's persons and organisations, read once (the first time
 * a speaker is named) so that each name is looked up in time
 * logarithmic in their number. */
typedef struct cperson {
    char key[32]; /* the skeleton of the last word */
    const char *name;
    size_t first; /* the entity of its first mention */
    int known;
} cperson_t;

typedef struct cinit {
    char key[8]; /* initials */
    const char *name;
} cinit_t;

struct qcanon {
    cperson_t *persons; /* by key, then first mention */
    size_t n_persons;
    cinit_t *inits; /* by key */
    size_t n_inits;
    const char **orgs; /* organisations' names, sorted */
    size_t n_orgs;
};

static void last_key(const char *name, char *key, size_t cap)
{
    const char *sp = strrchr(name, ' ');
    const char *w = sp ? sp + 1 : name;
    size_t n = strlen(w);
    char buf[64];
    if (n >= sizeof buf) {
        key[0] = '\0';
        return;
    }
    skeleton(w, n, buf, sizeof buf);
    size_t k = strlen(buf);
    if (k >= cap)
        k = cap - 1;
    memcpy(key, buf, k);
    key[k] = '\0';
}

/* Did the entities layer give entity e's canonical name to a mention
 * written otherwise than as the name or its last words ("Pashinian" ->
 * "Nikol Pashinyan")? Then it knows the name. */
static int knows(const qdoc_t *d, const qent_t *e)
{
    size_t len;
    const char *text = qe_text(d, e, &len);
    const char *canonical = qe_canonical(d, e);
    size_t n = strlen(canonical), t = strnlen(text, len);
    return t > n || memcmp(canonical + n - t, text, t) != 0 ||
           (t < n && canonical[n - t - 1] != ' ');
}

static int cmp_person(const void *a, const void *b)
{
    const cperson_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return (x->first > y->first) - (x->first < y->first);
}

static int cmp_person_name(const void *a, const void *b)
{
    const cperson_t *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->first > y->first) - (x->first < y->first);
}

static int cmp_init(const void *a, const void *b)
{
    const cinit_t *x = a, *y = b;
    return strcmp(x->key, y->key);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The initials of the capitalized words of name from word `from` on, in
 * key; 0 when there are fewer than two or more than six. */
static int initials(const words_t *w, size_t from, char *key)
{
    size_t k = 0;
    for (size_t i = from; i < w->n; i++) {
        char c = w->w[i][0];
        if (c < 'A' || c > 'Z')
            continue; /* "of", "for" */
        if (k == 6)
            return 0;
        key[k++] = c;
    }
    key[k] = '\0';
    return k >= 2;
}

static int build(const qdoc_t *d, struct qcanon *c)
{
    size_t np = 0, no = 0;
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        np += e->label == QE_PERSON && !e->partial;
        no += e->label == QE_ORG;
    }
    c->persons = malloc((np ? np : 1) * sizeof *c->persons);
    c->inits = malloc((2 * no + 1) * sizeof *c->inits);
    c->orgs = malloc((no ? no : 1) * sizeof *c->orgs);
    if (!c->persons || !c->inits || !c->orgs)
        return GLOSSA_ENOMEM;
    /* persons: one record per mention, sorted by name to merge them */
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label != QE_PERSON || e->partial)
            continue;
        cperson_t *p = &c->persons[c->n_persons++];
        p->name = qe_canonical(d, e);
        p->first = k;
        p->known = knows(d, e);
    }
    /* one per name: the first mention, known if any mention is */
    qsort(c->persons, c->n_persons, sizeof *c->persons, cmp_person_name);
    size_t u = 0;
    for (size_t k = 0; k < c->n_persons; k++) {
        if (u && strcmp(c->persons[u - 1].name, c->persons[k].name) == 0) {
            c->persons[u - 1].known |= c->persons[k].known;
            continue;
        }
        c->persons[u++] = c->persons[k];
    }
    c->n_persons = u;
    for (size_t k = 0; k < u; k++)
        last_key(c->persons[k].name, c->persons[k].key,
                 sizeof c->persons[k].key);
    qsort(c->persons, u, sizeof *c->persons, cmp_person);
    for (size_t k = 0; k < d->ne; k++) {
        const qent_t *e = &d->ents[k];
        if (e->label != QE_ORG)
            continue;
        c->orgs[c->n_orgs++] = qe_canonical(d, e);
    }
    qsort(c->orgs, c->n_orgs, sizeof *c->orgs, cmp_str);
    u = 0;
    for (size_t k = 0; k < c->n_orgs; k++)
        if (!u || strcmp(c->orgs[u - 1], c->orgs[k]) != 0)
            c->orgs[u++] = c->orgs[k];
    c->n_orgs = u;
    for (size_t k = 0; k < u; k++) {
        words_t w;
        if (!split(c->orgs[k], &w))
            continue;
        cinit_t *in = &c->inits[c->n_inits];
        if (initials(&w, 0, in->key)) {
            in->name = c->orgs[k];
            in = &c->inits[++c->n_inits];
        }
        /* "The Washington Post": "WP" as well */
        if (w.len[0] == 3 && memcmp(w.w[0], "The", 3) == 0 &&
            initials(&w, 1, in->key)) {
            in->name = c->orgs[k];
            c->n_inits++;
        }
    }
    qsort(c->inits, c->n_inits, sizeof *c->inits, cmp_init);
    return 0;
}

void qs_canon_free(qdoc_t *d)
{
    if (!d->canon)
        return;
    free(d->canon->persons);
    free(d->canon->inits);
    free(d->canon->orgs);
    free(d->canon);
    d->canon = NULL;
}

/* The first of the persons whose last word's skeleton is key, or n. */
static size_t persons_from(const struct qcanon *c, const char *key)
{
    size_t lo = 0, hi = c->n_persons;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->persons[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A person's name as a variant of a name of the document's persons that
 * it spells: one word ("Claar") as the last word of the persons with the
 * most words, more words as a name of as many ("Nikol Pashnian" for "Nikol
 * Pashinyan"). Of those, the one the entities layer knows, else the one
 * named first. NULL when there is none other than name, when name is
 * known itself, or when two of them are no variants of each other
 * ("Aliyev" with "Ilham Aliyev" and "Heydar Aliyev"). */
static const char *person_variant(const struct qcanon *c, const char *name)
{
    words_t nw, best_w, cw;
    if (!split(name, &nw))
        return NULL;
    char key[32];
    last_key(name, key, sizeof key);
    size_t from = persons_from(c, key), to = from;
    while (to < c->n_persons && strcmp(c->persons[to].key, key) == 0)
        to++;
    const cperson_t *best = NULL;
    int self_known = 0;
    for (size_t k = from; k < to; k++) {
        const cperson_t *p = &c->persons[k];
        if (strcmp(p->name, name) == 0)
            self_known = p->known;
        if (!split(p->name, &cw) || !ends_with_variant(&cw, &nw) ||
            (nw.n > 1 && cw.n != nw.n))
            continue;
        if (!best || cw.n > best_w.n) {
            best = p;
            best_w = cw;
        } else if (cw.n == best_w.n) {
            if (!ends_with_variant(&best_w, &cw))
                return NULL; /* two persons */
            if (!best->known && p->known) {
                best = p;
                best_w = cw;
            }
        }
    }
    if (!best || strcmp(best->name, name) == 0 || self_known)
        return NULL;
    /* the persons with fewer words that name matches must be the same */
    for (size_t k = from; k < to; k++) {
        if (!split(c->persons[k].name, &cw) || cw.n >= best_w.n)
            continue;
        if (ends_with_variant(&cw, &nw) && !ends_with_variant(&best_w, &cw))
            return NULL;
    }
    return best->name;
}

/* A body named by its initials ("WP"): the one organisation of the
 * document whose capitalized words they spell, with or without a first
 * "The" ("The Washington Post"), or NULL. */
static const char *body_initials(const struct qcanon *c, const char *name)
{
    size_t n = strlen(name);
    if (n < 2 || n > 6)
        return NULL;
    for (size_t k = 0; k < n; k++)
        if (name[k] < 'A' || name[k] > 'Z')
            return NULL;
    size_t lo = 0, hi = c->n_inits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->inits[mid].key, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const char *found = NULL;
    for (; lo < c->n_inits && strcmp(c->inits[lo].key, name) == 0; lo++) {
        if (strcmp(c->inits[lo].name, name) == 0)
            continue;
        if (found && strcmp(found, c->inits[lo].name) != 0)
            return NULL;
        found = c->inits[lo].name;
    }
    return found;
}

/* "OSCE Minsk Group Co-chairs" as one organisation: a plural head noun
 * of a state's or body's people ("co-chairs" in heads.tsv) at the end of
 * a body's name speaks for the body, when the document names that body
 * on its own ("OSCE Minsk Group"); NULL when not. */
static const char *body_of_group(const qdoc_t *d, const struct qcanon *c,
                                 const char *name)
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
    char buf[256];
    if (n >= sizeof buf)
        return NULL;
    memcpy(buf, name, n);
    buf[n] = '\0';
    const char *want = buf;
    const char **hit =
        bsearch(&want, c->orgs, c->n_orgs, sizeof *c->orgs, cmp_str);
    return hit ? *hit : NULL;
}

char *qs_canon_dup(qdoc_t *d, const qspeaker_t *spk)
{
    const char *name = spk->name, *to = NULL;
    if (!d->canon) {
        d->canon = calloc(1, sizeof *d->canon);
        if (!d->canon || build(d, d->canon)) {
            qs_canon_free(d);
            return NULL;
        }
    }
    if (spk->kind == QR_PERSON)
        to = person_variant(d->canon, name);
    else if (!(to = body_initials(d->canon, name)))
        to = body_of_group(d, d->canon, name);
    return strdup(to ? to : name);
}
