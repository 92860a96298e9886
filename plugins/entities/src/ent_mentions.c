/* Step 2 of the analysis: the tagger's chunks become mentions. Titles and
 * possessives are kept out of spans, a nationality before a name is its
 * own NORP, hyphenated tokens split into their named parts, a known name
 * the tagger cut short is taken whole, and labels are mapped with the
 * gazetteers (LOC -> GPE or LOC, MISC -> NORP or nothing). */
#include <stdlib.h>
#include <string.h>

#include "ent_doc.h"

/* Titles and roles that precede a name but are no part of it. */
const char *const ent_words_TITLES[] = {
    "president",   "prime",     "minister",   "premier",    "chancellor",
    "mr.",         "mr",        "mrs.",       "mrs",        "ms.",
    "ms",          "dr.",       "dr",         "prof.",      "gen.",
    "general",     "sen.",      "senator",    "rep.",       "gov.",
    "governor",    "king",      "queen",      "prince",     "princess",
    "sheikh",      "ayatollah", "patriarch",  "catholicos", "archbishop",
    "bishop",      "father",    "sir",        "lord",       "lady",
    "dame",        "madam",     "foreign",    "defence",    "defense",
    "secretary",   "deputy",    "vice",       "ambassador", "envoy",
    "speaker",     "chairman",  "chairwoman", "mayor",      "commander",
    "colonel",     "col.",      "lieutenant", "lt.",        "major",
    "captain",     "capt.",     "admiral",    "marshal",    "spokesman",
    "spokeswoman", "leader",    "chief",      "emir",       "sultan",
    "the",         "pope",      NULL};

/* Possessive and other clitics the tokenizer splits off. */
static int is_clitic(entities_token_t t)
{
    if (t.len == 0)
        return 0;
    uint32_t cp;
    entities_utf8_next(t.s, t.len, &cp);
    return cp == '\'' || cp == 0x2019;
}

/* Geographic feature words: a LOC ending with one has no government. */
const char *const ent_words_GEO_FEATURES[] = {
    "sea",      "ocean",   "river",     "lake",    "lakes",     "mountains",
    "mountain", "mount",   "mt.",       "valley",  "gulf",      "bay",
    "strait",   "straits", "peninsula", "desert",  "corridor",  "plain",
    "plains",   "plateau", "gorge",     "pass",    "highlands", "basin",
    "coast",    "range",   "canal",     "channel", "glacier",   "steppe",
    "forest",   "delta",   "cape",      "hills",   NULL};

const char *const ent_words_COMPASS[] = {
    "north",     "south",   "east",    "west",      "central",   "northern",
    "southern",  "eastern", "western", "northeast", "northwest", "southeast",
    "southwest", "upper",   "lower",   "greater",   NULL};

int ent_mentions_reserve(ent_work_t *w, size_t cap)
{
    if (cap <= w->cap)
        return 0;
    ent_mention_t *m = realloc(w->m, cap * sizeof(*m));
    if (!m)
        return -1;
    w->m = m;
    w->cap = cap;
    return 0;
}

ent_mention_t *ent_mention_add(ent_work_t *w)
{
    /* Past what was reserved, by half as many again. */
    if (w->n == w->cap && ent_mentions_reserve(w, w->cap + w->cap / 2 + 64))
        return NULL;
    ent_mention_t *m = &w->m[w->n++];
    memset(m, 0, sizeof(*m));
    m->label = ENTITIES_NO_LABEL;
    return m;
}

void ent_mention_set_tokens(const ent_work_t *w, ent_mention_t *m, size_t a,
                            size_t b)
{
    const glossa_token_t *t = w->doc->tokens;
    m->a = (uint32_t)a;
    m->b = (uint32_t)b;
    m->bs = t[a].start;
    m->be = t[b - 1].end;
    m->cs = t[a].cp_start;
    m->ce = t[b - 1].cp_end;
}

/* LOC for a name the gazetteers do not know: regions and features have no
 * government, everything else is taken for a settlement or territory. */
static int loc_or_gpe(const ent_work_t *w, const ent_mention_t *m)
{
    if (ent_tok_in(w, m->b - 1, ENT_GEO_FEATURES) ||
        ent_tok_in(w, m->a, ENT_GEO_FEATURES))
        return ENTITIES_LOC;
    if (m->b - m->a >= 2 && ent_tok_in(w, m->a, ENT_COMPASS)) {
        /* "South Caucasus", "Western Europe": a region when the rest is */
        const entities_gaz_entry_t *e =
            ent_gaz_pick(w, ent_tok(w, m->a + 1).s,
                         (size_t)(w->doc->tokens[m->b - 1].end -
                                  w->doc->tokens[m->a + 1].start),
                         ENT_BIT(ENTITIES_LOC), NULL);
        if (e)
            return ENTITIES_LOC;
    }
    return ENTITIES_GPE;
}

/* A MISC chunk the gazetteers do not know is NORP when it is one word that
 * looks like a nationality or a people ("Yazidi", "Nigeriens"). */
static int misc_is_norp(const ent_work_t *w, const ent_mention_t *m)
{
    if (m->b - m->a != 1)
        return 0;
    const entities_token_t tok = ent_tok(w, m->a), *t = &tok;
    static const char *const endings[] = {"ian", "ians", "ese", "ish", "an",
                                          "ans", "i",    "is",  NULL};
    if (!entities_is_capitalized(t->s, t->len) || t->len < 4)
        return 0;
    for (size_t i = 0; endings[i]; i++) {
        size_t k = strlen(endings[i]);
        if (t->len > k && memcmp(t->s + t->len - k, endings[i], k) == 0)
            return 1;
    }
    return 0;
}

/* Labels the tagger's types stand for. */
static unsigned wanted(int type)
{
    switch (type) {
    case ENTITIES_T_PER:
        return ENT_BIT(ENTITIES_PERSON);
    case ENTITIES_T_ORG:
        return ENT_BIT(ENTITIES_ORG);
    case ENTITIES_T_LOC:
        return ENT_BIT(ENTITIES_GPE) | ENT_BIT(ENTITIES_LOC);
    default:
        return ENT_BIT(ENTITIES_NORP);
    }
}

/* Sets the label and entry of a chunk mention of tagger type `type`. */
static void decide(const ent_work_t *w, ent_mention_t *m, int type)
{
    const entities_gaz_entry_t *any;
    const entities_gaz_entry_t *e = ent_gaz_pick(
        w, w->doc->text + m->bs, m->be - m->bs, wanted(type), &any);
    /* "Russia" tagged ORG, "EU" tagged LOC: a strong entry knows better;
     * so does a known person's name ("Trump" tagged LOC). */
    if (!e && any && (any->strong || any->label == ENTITIES_PERSON))
        e = any;
    if (e) {
        m->label = e->label;
        m->entry = e;
        return;
    }
    switch (type) {
    case ENTITIES_T_PER:
        m->label = ENTITIES_PERSON;
        break;
    case ENTITIES_T_ORG:
        m->label = ENTITIES_ORG;
        break;
    case ENTITIES_T_LOC:
        m->label = (uint8_t)loc_or_gpe(w, m);
        break;
    default:
        m->label = misc_is_norp(w, m) ? ENTITIES_NORP : ENTITIES_NO_LABEL;
        break;
    }
}

static uint32_t cp_count(const char *s, size_t len)
{
    uint32_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Adds mentions for the named parts of hyphenated token i ("Russian" in
 * "Russian-brokered", both halves of "Armenia-Azerbaijan"). Returns how
 * many, or -1 when out of memory. A token that is itself a name
 * ("Nagorno-Karabakh") has no parts. */
int ent_split_hyphenated(ent_work_t *w, size_t i)
{
    const entities_token_t tok = ent_tok(w, i), *t = &tok;
    if (entities_gaz_lookup_ft(w->g, &w->ft[i], w->fb.buf))
        return 0;
    uint32_t ps[8], pe[8];
    size_t np = ent_hyphen_parts(w, i, ps, pe, 8);
    int added = 0;
    for (size_t p = 0; p < np; p++) {
        const char *s = t->s + ps[p];
        size_t len = pe[p] - ps[p];
        if (!entities_is_capitalized(s, len))
            continue;
        /* Strong names, and people known by their surname
         * ("Pashinyan-Aliyev talks"). */
        const entities_gaz_entry_t *e = entities_gaz_lookup_str(w->g, s, len);
        while (e && !(e->strong || e->label == ENTITIES_PERSON))
            e = entities_gaz_next(w->g, e);
        if (!e)
            continue;
        ent_mention_t *m = ent_mention_add(w);
        if (!m)
            return -1;
        const glossa_token_t *gt = &w->doc->tokens[i];
        m->a = (uint32_t)i;
        m->b = (uint32_t)i + 1;
        m->bs = gt->start + ps[p];
        m->be = gt->start + pe[p];
        m->cs = gt->cp_start + cp_count(t->s, ps[p]);
        m->ce = m->cs + cp_count(s, len);
        m->part = 1;
        m->label = e->label;
        m->entry = e;
        added++;
    }
    for (int k = 0; k < added; k++)
        w->m[w->n - 1 - (size_t)k].part = (uint8_t)added;
    return added;
}

static size_t sentence_end(const ent_work_t *w, size_t i)
{
    const glossa_sentence_t *s = &w->doc->sentences[ent_sent_of(w, i)];
    return (size_t)s->token_first + s->token_count;
}

static int starts_lower(entities_token_t t)
{
    uint32_t cp;
    if (t.len == 0)
        return 0;
    entities_utf8_next(t.s, t.len, &cp);
    return entities_is_lowercase(cp);
}

/* Plural titles ("Foreign Ministers", "Senior Advisers"). */
const char *const ent_words_TITLES_PLURAL[] = {
    "ministers",       "presidents",   "leaders",  "officials",
    "senior",          "adviser",      "advisers", "advisor",
    "advisors",        "spokesperson", "envoys",   "representative",
    "representatives", "special",      NULL};

/* Words that open a question and are no part of a name after them. */
const char *const ent_words_QUESTION_WORDS[] = {
    "can",   "will", "does", "do",   "did",   "is",    "are",    "was",
    "were",  "why",  "how",  "what", "when",  "where", "should", "could",
    "would", "has",  "have", "may",  "might", "must",  "who",    NULL};

/* Photo credits after an outlet's name ("Reuters Archive"). */
const char *const ent_words_CREDIT_WORDS[] = {
    "archive", "archives", "photo", "photos", "file", "images", "pool", NULL};

/* Is [a, b) what a headline or a byline runs on with after a name:
 * titles ("Senior Adviser"), a credit ("Archive"), or capitalized common
 * words, at least two ("Starts New Monitoring Mission")? One common word
 * may be the name's own ("Atlantic City", "China Daily"). */
static int rest_is_words(const ent_work_t *w, size_t a, size_t b)
{
    if (ent_tok_in(w, a, ENT_TITLES) || ent_tok_in(w, a, ENT_TITLES_PLURAL) ||
        (b == a + 1 && ent_tok_in(w, a, ENT_CREDIT_WORDS)))
        return 1;
    if (b - a < 2)
        return 0;
    for (size_t i = a; i < b; i++) {
        if (ent_tok_in(w, i, ENT_TITLES) || ent_tok_in(w, i, ENT_TITLES_PLURAL))
            continue;
        if (!ent_tok_common(w, i))
            return 0;
    }
    return 1;
}

/* Is [a, b) a known name as a whole (strong, or a person)? */
static int known_name(const ent_work_t *w, size_t a, size_t b)
{
    const entities_gaz_entry_t *any = NULL;
    ent_gaz_pick_toks(w, a, b, 0, &any);
    for (; any; any = entities_gaz_next(w->g, any))
        if (any->strong || any->label == ENTITIES_PERSON)
            return 1;
    return 0;
}

/* Does [a, b) start a name of its own: a known name, or a first name
 * followed by a capitalized word ("Toivo Klaar")? */
static int rest_is_name(ent_work_t *w, size_t a, size_t b)
{
    if (known_name(w, a, b))
        return 1;
    const entities_gaz_entry_t *e;
    size_t k = ent_gaz_match(w, a, b, &e);
    for (; k && e; e = entities_gaz_next(w->g, e))
        if (e->strong || e->label == ENTITIES_PERSON)
            return 1;
    if (b - a < 2)
        return 0;
    uint32_t f[2] = {0, 0};
    entities_gaz_feature_match(w->g, w->ft + a, w->fb.buf, 2, f);
    return (f[0] & (1u << (2 * ENTITIES_GZ_FIRST))) &&
           entities_is_capitalized(ent_tok(w, a + 1).s, ent_tok(w, a + 1).len);
}

/* Does name have the word t, written the same, as a word of its own? */
static int has_word(const char *name, entities_token_t t)
{
    for (const char *p = name; *p;) {
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        if ((size_t)(q - p) == t.len && memcmp(p, t.s, t.len) == 0)
            return 1;
        p = *q ? q + 1 : q;
    }
    return 0;
}

/* Step 2 for one chunk [a, b) of tagger type `type`. Returns the end of
 * the tokens it consumed (a known name may reach over the next chunks), or
 * 0 when out of memory. */
size_t ent_chunk_to_mention(ent_work_t *w, size_t a, size_t b, int type)
{
    for (size_t i = a; i < b; i++)
        w->covered[i] = 1;
    size_t consumed = b;
    /* Titles out in front of people, possessives out at the end. */
    while (type == ENTITIES_T_PER && b - a > 1 && ent_tok_in(w, a, ENT_TITLES))
        a++;
    /* "The" belongs to an outlet's title ("The Washington Post"). */
    if (a < b && ent_tok_is(w, a, "the") && !known_name(w, a, b))
        a++;
    else if (a > 0 && ent_sent_of(w, a - 1) == ent_sent_of(w, a) &&
             ent_tok_is(w, a - 1, "the") &&
             entities_is_capitalized(ent_tok(w, a - 1).s,
                                     ent_tok(w, a - 1).len) &&
             known_name(w, a - 1, b))
        a--;
    while (b > a && is_clitic(ent_tok(w, b - 1)))
        b--;
    /* Names neither end nor start with a lowercase word ("Caucasus
     * arch-foes", "mainly-Moslem North Caucasus"); particles inside them
     * ("Bashar al-Assad") stay. Known longer names are restored below. */
    while (b - a > 1 && starts_lower(ent_tok(w, b - 1)))
        b--;
    while (b - a > 1 && starts_lower(ent_tok(w, a)))
        a++;
    if (a >= b)
        return consumed;
    /* "Armenian Pashinyan": the nationality before a name is its own. */
    while (type == ENTITIES_T_PER && b - a > 1) {
        const entities_gaz_entry_t *e =
            ent_gaz_pick_toks(w, a, a + 1, ENT_BIT(ENTITIES_NORP), NULL);
        /* Not a first name spelt the same ("Christian Karembeu"). */
        if (!e || !e->strong || (w->gaz[a] & (1u << (2 * ENTITIES_GZ_FIRST))))
            break;
        ent_mention_t *m = ent_mention_add(w);
        if (!m)
            return 0;
        ent_mention_set_tokens(w, m, a, a + 1);
        m->label = ENTITIES_NORP;
        m->entry = e;
        a++;
    }
    /* A known longer name the tagger cut short ("Zangezur" of "Zangezur
     * corridor") or cut in pieces ("Russian" + "Foreign Ministry") is
     * taken whole, when it ends where a chunk or untagged text ends. */
    const entities_gaz_entry_t *ge;
    size_t end = sentence_end(w, a);
    size_t gm = ent_gaz_match(w, a, end, &ge);
    int extends = gm > b - a && ge->strong;
    /* Only through words written as the name writes them: "Syunik
     * province" is no "Syunik Province"; "Zangezur corridor" is, and so
     * are the name's own small words ("Route for International Peace"). */
    for (size_t i = b; extends && i < a + gm; i++)
        extends = !starts_lower(ent_tok(w, i)) ||
                  ent_tok_in(w, i, ENT_GEO_FEATURES) ||
                  has_word(ge->name, ent_tok(w, i));
    if (extends && (a + gm == end || !(w->tags[a + gm] != 0 &&
                                       !ENTITIES_TAG_IS_B(w->tags[a + gm])))) {
        b = a + gm;
        for (size_t i = a; i < b; i++)
            w->covered[i] = 1;
        if (b > consumed)
            consumed = b;
        type = -1; /* the gazetteer decides */
    }
    /* A hyphenated token with named parts replaces the chunk when it is
     * the chunk, or when it ends the name ("Moscow-led bloc" has no name
     * after the part); not when the chunk is a known name as a whole. */
    const entities_gaz_entry_t *whole = NULL;
    ent_gaz_pick_toks(w, a, b, 0, &whole);
    for (size_t i = a; i < b && !(whole && whole->strong); i++) {
        if (!ent_has_hyphen(w, i))
            continue;
        if (b - a > 1 && type == ENTITIES_T_PER)
            break;
        if (b - a > 1 && type != ENTITIES_T_MISC) {
            /* "Rostov-on-Don region": part of a longer name */
            uint32_t ps[8], pe[8];
            size_t np = ent_hyphen_parts(w, i, ps, pe, 8);
            if (!np || entities_is_capitalized(ent_tok(w, i).s + ps[np - 1],
                                               pe[np - 1] - ps[np - 1]))
                continue;
        }
        int k = ent_split_hyphenated(w, i);
        if (k < 0)
            return 0;
        if (k > 0)
            return consumed; /* the parts replace the chunk */
    }
    /* A known name the tagger ran on into other words ("EU Starts New
     * Monitoring Mission" in a headline, "Reuters Archive", "Armenia
     * Russia", "South Caucasus Toivo Klaar"): the name alone, and what
     * follows it on its own when that is a name too. */
    if (type >= 0 && b - a > 1 && !(whole && whole->strong)) {
        size_t k = ent_gaz_match(w, a, b, &ge);
        while (ge && !ge->strong)
            ge = entities_gaz_next(w->g, ge);
        if (k && k < b - a && ge) {
            size_t r = a + k;
            /* Splitting needs a name that stands on its own: a country
             * or a name of several words ("East Jerusalem" stays). */
            int solid = ge->cls == ENTITIES_GZ_COUNTRY || ge->ntok_hint > 1;
            /* An organisation's head word ending a few more words makes
             * the whole a name ("Tokyo Stock Exchange", "Scottish National
             * Party"); a headline runs on longer ("EU Starts New
             * Monitoring Mission"). */
            int org_head = type == ENTITIES_T_ORG && b - r <= 3 &&
                           (w->gaz[b - 1] & (1u << (2 * ENTITIES_GZ_ORGKEY)));
            if (!org_head && rest_is_words(w, r, b)) {
                b = r;
                type = -1;
            } else if (solid && rest_is_name(w, r, b)) {
                ent_mention_t *m = ent_mention_add(w);
                if (!m)
                    return 0;
                ent_mention_set_tokens(w, m, a, r);
                decide(w, m, -1);
                int rt = type == ENTITIES_T_PER || !known_name(w, r, b)
                             ? ENTITIES_T_PER
                             : type;
                return ent_chunk_to_mention(w, r, b, rt) ? consumed : 0;
            }
        }
        /* "Can Azerbaijan ...": a question opening a sentence. */
        if (b - a > 1 && ent_tok_in(w, a, ENT_QUESTION_WORDS) &&
            a == w->doc->sentences[ent_sent_of(w, a)].token_first) {
            k = ent_gaz_match(w, a + 1, b, &ge);
            while (ge && !ge->strong)
                ge = entities_gaz_next(w->g, ge);
            if (ge && a + 1 + k == b) {
                a++;
                type = -1;
            }
        }
    }
    /* A lowercase common word is no name ("through cinema"), nor is a
     * direction ("troops in south"); names written in lowercase are
     * ("armenia"). */
    if (b - a == 1 && starts_lower(ent_tok(w, a)) &&
        (ent_tok_common(w, a) || ent_tok_in(w, a, ENT_COMPASS)) &&
        !known_name(w, a, b))
        return consumed;
    /* Titles and roles alone ("Foreign Ministers") are no name. */
    int titles = 1;
    for (size_t i = a; i < b && titles; i++)
        titles =
            ent_tok_in(w, i, ENT_TITLES) || ent_tok_in(w, i, ENT_TITLES_PLURAL);
    if (titles && !(whole && whole->strong))
        return consumed;
    ent_mention_t *m = ent_mention_add(w);
    if (!m)
        return 0;
    ent_mention_set_tokens(w, m, a, b);
    decide(w, m, type);
    return consumed;
}
