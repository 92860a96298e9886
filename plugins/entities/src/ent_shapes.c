/* Step 3b of the analysis: names recognized by their shape rather than by
 * the tagger. Facilities, buildings and events carry no label and block
 * the names inside them; abbreviations that are never names are dropped;
 * ministries and parliaments named with their country become one ORG
 * (docs/annotation-guidelines.md, section 4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ent_doc.h"

/* Capitalized words that end a facility's or an event's name ("Sochi
 * Summit", "Rose Revolution", "Russian Embassy"). "Center" and "Forum"
 * are left out: many organisations are named so. */
const char *const ent_words_FACILITY_HEADS[] = {
    "palace",        "airport",    "stadium",    "arena",
    "bridge",        "tower",      "cathedral",  "church",
    "mosque",        "monastery",  "museum",     "embassy",
    "consulate",     "station",    "hospital",   "summit",
    "conference",    "games",      "olympics",   "parade",
    "festival",      "revolution", "war",        "championship",
    "championships", "cup",        "hall",       "week",
    "expo",          "exhibition", "tournament", "prix",
    "marathon",      NULL};

/* Heads that come first ("Hotel Goris"). */
const char *const ent_words_FACILITY_FIRST[] = {"hotel", NULL};

/* Ordinals that make "Second Nagorno-Karabakh war" a name. */
const char *const ent_words_ORDINALS[] = {"first", "second", "third", "fourth",
                                          NULL};

/* Words inside a facility's name that stop it going further left. */
const char *const ent_words_STOPS[] = {"at",  "in",  "to",   "for", "with",
                                       "and", "the", "from", "on",  "by",
                                       "a",   "an",  "as",   "of",  NULL};

static int is_cap(const ent_work_t *w, size_t i)
{
    return ent_tok_cap(w, i);
}

static int is_number(const ent_work_t *w, size_t i)
{
    const entities_token_t tok = ent_tok(w, i), *t = &tok;
    for (size_t k = 0; k < t->len; k++)
        if ((unsigned)((unsigned char)t->s[k] - '0') >= 10u)
            return 0;
    return t->len > 0;
}

/* Marks blocked[first..) for the facility and event names of a sentence
 * [first, end); fgaz holds the feature-list bits of its tokens. */
static void mark_facilities(const ent_work_t *w, size_t first, size_t end,
                            const uint32_t *fgaz, uint8_t *blocked)
{
    const uint32_t fb = 1u << (2 * ENTITIES_GZ_FACILITY),
                   fi = 1u << (2 * ENTITIES_GZ_FACILITY + 1);
    for (size_t i = first; i < end; i++) {
        if (fgaz[i - first] & fb) {
            size_t j = i + 1;
            while (j < end && (fgaz[j - first] & fi))
                j++;
            memset(blocked + i, 1, j - i);
            continue;
        }
        int cap = is_cap(w, i);
        if (cap && ent_tok_in(w, i, ENT_FACILITY_FIRST)) {
            size_t j = i + 1;
            while (j < end && j < i + 4 && is_cap(w, j))
                j++;
            if (j > i + 1)
                memset(blocked + i, 1, j - i);
            continue;
        }
        int war = !cap && ent_tok_is(w, i, "war");
        if (!(cap && ent_tok_in(w, i, ENT_FACILITY_HEADS)) && !war)
            continue;
        size_t s = i;
        while (s > first && s + 4 > i && !ent_tok_in(w, s - 1, ENT_STOPS) &&
               (is_cap(w, s - 1) || is_number(w, s - 1)))
            s--;
        /* "Palace of Ceremonies": the head first, then "of" a name. */
        int of_name = cap && i + 2 < end && ent_tok_is(w, i + 1, "of") &&
                      is_cap(w, i + 2);
        if (s == i && !of_name)
            continue;
        /* A lowercase "war" is part of a name only after a capitalized
         * ordinal; "the second Karabakh war" is a description. */
        if (war && !ent_tok_in(w, s, ENT_ORDINALS))
            continue;
        size_t e = i + 1;
        if (cap && e + 1 < end && ent_tok_is(w, e, "of") && is_cap(w, e + 1)) {
            e += 2;
            while (e < end && e < i + 6 && is_cap(w, e))
                e++;
        }
        memset(blocked + s, 1, e - s);
    }
}

int ent_block_non_names(ent_work_t *w)
{
    size_t n = w->doc->n_tokens;
    if (!w->n || !n)
        return 0;
    uint8_t *has = calloc(w->doc->n_sentences, 1);
    uint8_t *blocked = calloc(n, 1);
    if (!has || !blocked) {
        free(has);
        free(blocked);
        return -1;
    }
    for (size_t i = 0; i < w->n; i++)
        if (w->m[i].label != ENTITIES_NO_LABEL)
            has[ent_sent_of(w, w->m[i].a)] = 1;
    /* The feature lists' bits of every token (step 1). */
    const uint32_t *fgaz = w->gaz;
    const uint32_t nb = 1u << (2 * ENTITIES_GZ_NONAME),
                   ni = 1u << (2 * ENTITIES_GZ_NONAME + 1);
    for (size_t s = 0; s < w->doc->n_sentences; s++) {
        if (!has[s])
            continue;
        size_t first = w->doc->sentences[s].token_first,
               cnt = w->doc->sentences[s].token_count;
        mark_facilities(w, first, first + cnt, fgaz + first, blocked);
    }
    for (size_t i = 0; i < w->n; i++) {
        ent_mention_t *m = &w->m[i];
        if (m->label == ENTITIES_NO_LABEL)
            continue;
        int any_blocked = 0, all_noname = 1;
        for (size_t k = m->a; k < m->b; k++) {
            any_blocked |= blocked[k];
            all_noname &= (fgaz[k] & (k == m->a ? nb : nb | ni)) != 0;
        }
        if (any_blocked || (all_noname && !m->part))
            m->label = ENTITIES_NO_LABEL;
    }
    free(has);
    free(blocked);
    return 0;
}

/* ---- Ministries --------------------------------------------------------- */

/* Words of a ministry's field ("Ministry of Foreign Affairs", "Defence
 * Ministry"). */
const char *const ent_words_TOPICS[] = {
    "foreign",     "defence",    "defense",     "affairs",     "internal",
    "interior",    "justice",    "economy",     "economic",    "emergency",
    "emergencies", "situations", "health",      "finance",     "education",
    "culture",     "energy",     "agriculture", "transport",   "labour",
    "labor",       "social",     "development", "territorial", "infrastructure",
    "environment", "ecology",    "digital",     "science",     "youth",
    "sport",       "sports",     "trade",       "industry",    "and",
    NULL};

/* A strong NORP entry for token i (a nationality adjective), or NULL. */
static const entities_gaz_entry_t *adjective_at(const ent_work_t *w, size_t i)
{
    if (!is_cap(w, i))
        return NULL;
    const entities_gaz_entry_t *e =
        ent_gaz_pick_toks(w, i, i + 1, ENT_BIT(ENTITIES_NORP), NULL);
    return e && e->strong ? e : NULL;
}

/* Appends one word to buf[*o], capitalized as a title ("DEFENCE" ->
 * "Defence"), mapped to the canonical spelling ("Defence" -> "Defense"). */
static void put_word(char *buf, size_t cap, size_t *o, const char *s,
                     size_t len)
{
    if (len == 7 && strncasecmp(s, "defence", 7) == 0)
        s = "Defense";
    if (*o && *o < cap)
        buf[(*o)++] = ' ';
    for (size_t k = 0; k < len && *o < cap; k++) {
        char c = s[k];
        if (k == 0 && c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        else if (k > 0 && c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        buf[(*o)++] = c;
    }
}

/* Replaces the mentions over tokens [s, e) with one ORG whose canonical
 * is adj + topic tokens [ts, te) (without "Affairs" after "Foreign") +
 * tail. 0 or -1 (memory). */
static int put_institution(ent_work_t *w, size_t s, size_t e, const char *adj,
                           size_t ts, size_t te, const char *tail)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->m[i].a < e && w->m[i].b > s)
            w->m[i].label = ENTITIES_NO_LABEL;
    char buf[256];
    size_t o = 0;
    if (adj)
        put_word(buf, sizeof(buf), &o, adj, strlen(adj));
    for (size_t i = ts; i < te; i++) {
        if (ent_tok_is(w, i, "affairs") && i > ts &&
            ent_tok_is(w, i - 1, "foreign"))
            continue;
        if (ent_tok_is(w, i, "and")) {
            if (o < sizeof(buf) - 4) {
                memcpy(buf + o, " and", 4);
                o += 4;
            }
            continue;
        }
        put_word(buf, sizeof(buf), &o, ent_tok(w, i).s, ent_tok(w, i).len);
    }
    for (const char *p = tail; *p;) {
        size_t l = strcspn(p, " ");
        put_word(buf, sizeof(buf), &o, p, l);
        p += l + (p[l] == ' ');
    }
    ent_mention_t *m = ent_mention_add(w);
    if (!m)
        return -1;
    ent_mention_set_tokens(w, m, s, e);
    m->label = ENTITIES_ORG;
    m->own_canon = 1;
    m->canon = NULL;
    m->canon_len = (uint32_t)o;
    return ent_pool_add(w->r, buf, o, &m->canon_off);
}

/* The adjective of a country's canonical name ("Russia" -> "Russian"),
 * from the NORP entries of the gazetteer; NULL when none. */
static const char *adjective_of(const ent_work_t *w, const char *country)
{
    /* Adjective forms of the demonym list end this way; plurals do not. */
    static const char *const forms[] = {"ian", "an", "ish", "ese",
                                        "i",   "ic", "ch",  NULL};
    const char *best = NULL;
    size_t clen = strlen(country), blen = 0;
    char cand[128];
    for (size_t f = 0; forms[f]; f++) {
        /* "Russia" + "n", "Azerbaijan" + "i", "Turk(ey)" + "ish". */
        for (size_t cut = 0; cut <= 2 && cut < clen; cut++) {
            size_t stem = clen - cut, fl = strlen(forms[f]);
            if (stem + fl >= sizeof(cand))
                continue;
            memcpy(cand, country, stem);
            memcpy(cand + stem, forms[f], fl);
            const entities_gaz_entry_t *e =
                ent_gaz_pick(w, cand, stem + fl, ENT_BIT(ENTITIES_NORP), NULL);
            if (e && strcmp(e->canonical, country) == 0 && stem + fl > blen) {
                best = e->name;
                blen = stem + fl;
            }
        }
    }
    return best;
}

/* The country named at token i ("Russia", "the Russian Federation"), with
 * the tokens it takes in *len; NULL when none. */
static const entities_gaz_entry_t *country_at(ent_work_t *w, size_t i,
                                              size_t end, size_t *len)
{
    const entities_gaz_entry_t *e;
    size_t k = ent_gaz_match(w, i, end, &e);
    for (; k && e; e = entities_gaz_next(w->g, e))
        if (e->label == ENTITIES_GPE && e->strong &&
            e->cls == ENTITIES_GZ_COUNTRY) {
            *len = k;
            return e;
        }
    return NULL;
}

int ent_merge_institutions(ent_work_t *w)
{
    for (size_t s = 0; s < w->doc->n_sentences; s++) {
        size_t first = w->doc->sentences[s].token_first,
               end = first + w->doc->sentences[s].token_count;
        for (size_t i = first; i < end; i++) {
            if (!is_cap(w, i))
                continue;
            int mod = ent_tok_is(w, i, "mod"), mfa = ent_tok_is(w, i, "mfa");
            int parl = ent_tok_is(w, i, "parliament");
            if (mod || mfa || parl) {
                const entities_gaz_entry_t *adj =
                    i > first ? adjective_at(w, i - 1) : NULL;
                if (!adj && parl)
                    continue;
                const char *name = adj ? ent_tok(w, i - 1).s : NULL;
                char a[64];
                if (adj) {
                    size_t l =
                        ent_tok(w, i - 1).len < 63 ? ent_tok(w, i - 1).len : 63;
                    memcpy(a, name, l);
                    a[l] = '\0';
                }
                if (put_institution(w, adj ? i - 1 : i, i + 1, adj ? a : NULL,
                                    0, 0,
                                    parl  ? "Parliament"
                                    : mod ? "Defense Ministry"
                                          : "Foreign Ministry"))
                    return -1;
                continue;
            }
            if (!ent_tok_is(w, i, "ministry"))
                continue;
            size_t st = i;
            while (st > first && i - st < 3 && is_cap(w, st - 1) &&
                   ent_tok_in(w, st - 1, ENT_TOPICS))
                st--;
            size_t ts = st, te = i, e = i + 1;
            if (ts == te && e + 1 < end && ent_tok_is(w, e, "of") &&
                is_cap(w, e + 1) && ent_tok_in(w, e + 1, ENT_TOPICS)) {
                ts = e + 1;
                e = ts;
                while (e < end && e < ts + 4 &&
                       (is_cap(w, e) || ent_tok_is(w, e, "and")) &&
                       ent_tok_in(w, e, ENT_TOPICS))
                    e++;
                te = e;
            }
            if (ts == te)
                continue; /* a bare "Ministry" */
            const char *adj = NULL;
            char a[64];
            const entities_gaz_entry_t *ae =
                st > first ? adjective_at(w, st - 1) : NULL;
            if (ae) {
                size_t l =
                    ent_tok(w, st - 1).len < 63 ? ent_tok(w, st - 1).len : 63;
                memcpy(a, ent_tok(w, st - 1).s, l);
                a[l] = '\0';
                adj = a;
                st--;
            } else if (st > first + 1 && ent_tok(w, st - 1).len >= 2 &&
                       (ent_tok(w, st - 1).s[0] == '\'' ||
                        (unsigned char)ent_tok(w, st - 1).s[0] == 0xE2)) {
                /* "Russia's Foreign Ministry": the country stays apart. */
                size_t len;
                const entities_gaz_entry_t *c =
                    country_at(w, st - 2, st - 1, &len);
                if (c && len == 1)
                    adj = adjective_of(w, c->canonical);
            }
            if (!adj && e + 1 < end && ent_tok_is(w, e, "of")) {
                size_t at = e + 1, len;
                if (ent_tok_is(w, at, "the"))
                    at++;
                const entities_gaz_entry_t *c =
                    at < end ? country_at(w, at, end, &len) : NULL;
                if (c) {
                    adj = adjective_of(w, c->canonical);
                    e = at + len;
                }
            }
            if (put_institution(w, st, e, adj, ts, te, "Ministry"))
                return -1;
            i = e - 1;
        }
    }
    return 0;
}
