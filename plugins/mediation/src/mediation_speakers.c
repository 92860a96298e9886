/* Who is who: what each entity of the document is to the profile (the
 * target, a party), the titles a document introduces people with
 * ("Russian President Vladimir Putin", then "the Russian president"),
 * and whom "he" and "she" stand for. */
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

/* Pronoun antecedents are looked for this many sentences back. */
#define PRONOUN_LOOKBACK 4

/* ---- Entities ----------------------------------------------------------- */

static const med_entry_t *lookup_name(const mediation_model_t *m,
                                      const char *name)
{
    char key[MED_MAX_WORD + 8];
    size_t n = strlen(name);
    if (n >= MED_MAX_WORD) { /* folding may still shorten it */
        size_t len = med_fold(name, n, key);
        return len ? med_lookup(m, key, len) : NULL;
    }
    uint32_t h;
    /* The NUL is readable too. */
    size_t len = med_fold_hash(name, n, n + 1, key, &h);
    return len ? med_lookup_hashed(m, key, len, h) : NULL;
}

static int same_name(const char *a, const char *b)
{
    return a && b && (a == b || strcmp(a, b) == 0);
}

int med_is_target_body(const mediation_model_t *m, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_bodies; i++) {
        if (!n)
            n = strlen(name);
        size_t pre = m->bodies[i].pre_len, post = m->bodies[i].post_len;
        if (n > pre + post &&
            memcmp(name, med_str(m, m->bodies[i].pre), pre) == 0 &&
            memcmp(name + n - post, med_str(m, m->bodies[i].post), post) == 0)
            return 1;
    }
    return 0;
}

/* The person an organisation's span may hold after a title ("Foreign
 * Ministry Spokeswoman Maria Zakharova" as one ORG): the name after the
 * last title word, when it is two or more capitalised words; else
 * NULL. Points into name. */
static const char *person_after_title(const mediation_model_t *m,
                                      const char *name)
{
    const char *after = NULL;
    for (const char *w = name; *w;) {
        const char *e = strchr(w, ' ');
        size_t n = e ? (size_t)(e - w) : strlen(w);
        char key[MED_MAX_WORD];
        size_t len = n < MED_MAX_WORD ? med_fold(w, n, key) : 0;
        const med_entry_t *x = len ? med_lookup(m, key, len) : NULL;
        if (x && (x->flags & W_TITLE) && e)
            after = e + 1;
        w = e ? e + 1 : w + n;
    }
    if (!after)
        return NULL;
    int words = 0;
    for (const char *w = after; *w; words++) {
        if (*w < 'A' || *w > 'Z')
            return NULL;
        const char *e = strchr(w, ' ');
        w = e ? e + 1 : w + strlen(w);
    }
    return words >= 2 ? after : NULL;
}

/* The sides of the conflict (einfo side bits) that name flags f give. */
static uint8_t med_side_of(med_flags_t f)
{
    return (uint8_t)(((f & N_SIDE_A) ? 1 : 0) | ((f & N_SIDE_B) ? 2 : 0) |
                     ((f & N_DISPUTED) ? 4 : 0));
}

/* Classifies a person by full name or surname. */
static void classify_person(const mediation_model_t *m, const char *name,
                            med_flags_t f, med_einfo_t *ei)
{
    const char *sp = strrchr(name, ' ');
    const med_entry_t *last = sp ? lookup_name(m, sp + 1) : NULL;
    med_flags_t lf = last ? last->flags : 0;
    if (!sp && (f & (N_TARGET_PERSON | N_PARTY_PERSON)))
        lf = f;
    ei->target = (f & N_TARGET) || (lf & N_TARGET_PERSON);
    ei->party = (f & N_PARTY) || (lf & N_PARTY_PERSON);
    ei->side = med_side_of(f | lf);
    ei->person = 1;
    ei->holder = name;
}

void med_classify_entities(med_ws_t *ws)
{
    const mediation_doc_t *d = ws->doc;
    for (size_t i = 0; i < d->n_entities; i++) {
        const mediation_entity_t *en = &d->entities[i];
        med_einfo_t *ei = &ws->einfo[i];
        memset(ei, 0, sizeof(*ei));
        int person = en->label == MEDIATION_PERSON;
        ei->holder = (!person && en->refers_to) ? en->refers_to : en->canonical;
        const med_entry_t *c = lookup_name(ws->m, en->canonical);
        const med_entry_t *r =
            en->refers_to ? lookup_name(ws->m, en->refers_to) : NULL;
        med_flags_t f = (c ? c->flags : 0) | (r ? r->flags : 0);
        const char *inner = en->label == MEDIATION_ORG && !(f & N_TARGET)
                                ? person_after_title(ws->m, en->canonical)
                                : NULL;
        if (person) {
            classify_person(ws->m, en->canonical, f, ei);
        } else if (inner) {
            const med_entry_t *pe = lookup_name(ws->m, inner);
            classify_person(ws->m, inner, pe ? pe->flags : 0, ei);
        } else if (!(f & N_TARGET) && en->label == MEDIATION_ORG &&
                   med_is_target_body(ws->m, en->canonical)) {
            /* A body speaks under its own name. */
            ei->target = 1;
        } else {
            ei->target = (f & N_TARGET) != 0;
            ei->party = (f & N_PARTY) != 0;
            ei->side = med_side_of(f);
            /* "Moscow said", "the Kremlin said": the target speaks, even
             * when the layer gives no refers_to. */
            if (ei->target)
                ei->holder = med_str(ws->m, ws->m->target_name);
        }
    }
}

med_speaker_t med_entity_speaker(const med_ws_t *ws, int32_t ent)
{
    med_speaker_t s = {ws->einfo[ent].holder, ws->einfo[ent].target,
                       ws->einfo[ent].person, ws->einfo[ent].party};
    return s;
}

/* ---- Titles: "Russian President Vladimir Putin" ------------------------- */

static const med_title_t *title_find(const med_ws_t *ws, const char *country,
                                     const med_entry_t *t)
{
    for (size_t i = ws->n_titles; i-- > 0;)
        if (ws->titles[i].title == t &&
            same_name(ws->titles[i].country, country))
            return &ws->titles[i];
    return NULL;
}

static void title_add(med_ws_t *ws, const char *country, const med_entry_t *t,
                      med_speaker_t person)
{
    med_title_t *slot = (med_title_t *)title_find(ws, country, t);
    if (!slot) {
        if (ws->n_titles == MED_MAX_TITLES)
            return; /* the first ones introduced matter most */
        slot = &ws->titles[ws->n_titles++];
    }
    slot->country = country;
    slot->title = t;
    slot->person = person;
}

/* Last word index of the entity that word i belongs to. */
size_t med_ent_last(const med_ws_t *ws, size_t i)
{
    while (i + 1 < ws->n && ws->w[i + 1].ent == ws->w[i].ent)
        i++;
    return i;
}

size_t med_ent_first(const med_ws_t *ws, size_t i)
{
    while (i > 0 && ws->w[i - 1].ent == ws->w[i].ent)
        i--;
    return i;
}

/* For a NORP/GPE entity ending at word `last`: the titles after it (past a
 * possessive). Sets *title_end to the word after them and returns the last
 * title word's entry, or NULL when no title follows. */
const med_entry_t *med_titles_after(const med_ws_t *ws, size_t last,
                                    size_t *title_end)
{
    size_t j = last + 1;
    if (j < ws->n && med_word_is(ws, j, "'s"))
        j++;
    const med_entry_t *t = NULL;
    size_t k = 0;
    while (j < ws->n && k < 4 && (ws->w[j].flags & W_TITLE) &&
           ws->w[j].ent < 0) {
        t = ws->w[j].e;
        j++;
        k++;
    }
    *title_end = j;
    return t;
}

/* Records the titles this sentence introduces. */
void med_learn_titles(med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e < 0 || (i > 0 && ws->w[i - 1].ent == e))
            continue;
        mediation_label_t lab = ws->doc->entities[e].label;
        if (lab != MEDIATION_NORP && lab != MEDIATION_GPE)
            continue;
        size_t end;
        const med_entry_t *t = med_titles_after(ws, med_ent_last(ws, i), &end);
        if (!t || end >= ws->n || ws->w[end].ent < 0 ||
            ws->doc->entities[ws->w[end].ent].label != MEDIATION_PERSON)
            continue;
        title_add(ws, ws->einfo[e].holder, t,
                  med_entity_speaker(ws, ws->w[end].ent));
    }
}

/* A NORP/GPE mention at word i followed by titles but no name ("the
 * Russian president"): the person the document introduced with them. */
int med_title_person(const med_ws_t *ws, size_t i, med_speaker_t *out,
                     size_t *end)
{
    int32_t e = ws->w[i].ent;
    mediation_label_t lab = ws->doc->entities[e].label;
    if (lab != MEDIATION_NORP && lab != MEDIATION_GPE)
        return 0;
    const med_entry_t *t = med_titles_after(ws, med_ent_last(ws, i), end);
    if (!t || (*end < ws->n && ws->w[*end].ent >= 0))
        return 0;
    const med_title_t *found = title_find(ws, ws->einfo[e].holder, t);
    /* "the Russian leader": any title the document gave that country's
     * person will do. */
    for (size_t k = ws->n_titles;
         !found && (t->flags & W_GENERIC_TITLE) && k-- > 0;)
        if (same_name(ws->titles[k].country, ws->einfo[e].holder))
            found = &ws->titles[k];
    if (found) {
        *out = found->person;
        return 1;
    }
    /* "the Russian president" where no title introduced anyone of that
     * country: the last of the target's people the document named. */
    for (size_t k = 0; k < ws->n_titles; k++)
        if (same_name(ws->titles[k].country, ws->einfo[e].holder))
            return 0;
    if (!ws->einfo[e].target || !ws->last_target_person.name)
        return 0;
    *out = ws->last_target_person;
    return 1;
}

/* ---- Pronouns ----------------------------------------------------------- */

static int person_in_sentence(const med_ws_t *ws, const char *name)
{
    for (size_t i = 0; i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e >= 0 && ws->doc->entities[e].label == MEDIATION_PERSON &&
            same_name(ws->einfo[e].holder, name))
            return 1;
    }
    return 0;
}

/* The first person mentioned before word `before` (by name, or by a title
 * the document introduced). */
int med_first_person(const med_ws_t *ws, size_t before, med_speaker_t *out)
{
    for (size_t i = 0; i < before && i < ws->n; i++) {
        int32_t e = ws->w[i].ent;
        if (e < 0 || (i > 0 && ws->w[i - 1].ent == e))
            continue;
        if (ws->doc->entities[e].label == MEDIATION_PERSON) {
            *out = med_entity_speaker(ws, e);
            return 1;
        }
        size_t end;
        if (med_title_person(ws, i, out, &end))
            return 1;
    }
    return 0;
}

/* "he"/"she" at word p of sentence s: the first person named earlier in
 * the sentence, else the latest earlier subject not named in this
 * sentence ("he told Pashinyan" is not Pashinyan). */
int med_resolve_pronoun(const med_ws_t *ws, size_t s, size_t p,
                        med_speaker_t *out)
{
    if (med_first_person(ws, p, out))
        return 1;
    for (size_t k = 1; k <= PRONOUN_LOOKBACK && k <= s; k++) {
        const med_hist_t *h = &ws->hist[(s - k) % MED_HIST];
        if (!h->valid || !h->subject.name)
            continue;
        if (person_in_sentence(ws, h->subject.name))
            continue;
        *out = h->subject;
        return 1;
    }
    return 0;
}
