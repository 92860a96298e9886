/* The analysis of one document: the tagger's CoNLL spans become mentions
 * with the guidelines' labels, then canonical names and refers_to.
 *
 * Order of the steps (each relies on the previous ones):
 *   1. tag every sentence (PER/ORG/LOC/MISC in BIO);
 *   2. turn chunks into mentions: titles and possessives out, hyphenated
 *      tokens split into their named parts ("Russian-brokered"), labels
 *      mapped with the gazetteers (LOC -> GPE or LOC, MISC -> NORP or
 *      nothing, a country the tagger took for a team -> GPE);
 *   3. add the names the document already used and strong gazetteer
 *      names where the tagger found nothing; relabel as people the
 *      surnames of people named in full; drop lone capitalized common
 *      words opening a sentence;
 *   4. canonical names: gazetteer names and aliases, NORP -> country,
 *      people by their longest name in the document (or a known full
 *      name), organisations by their shortest form;
 *   5. refers_to: capitals acting as their state, the Kremlin;
 *   6. the configured labels, sorted, nested mentions resolved to the
 *      longest. */
#include <stdlib.h>
#include <string.h>

#include "entities.h"

/* Words compared against token lists are folded into buffers this long;
 * longer tokens are in no list. */
#define WORD_MAX 48

typedef struct mention {
    uint32_t a, b;   /* tokens [a, b) */
    uint32_t bs, be; /* bytes of the mention's text */
    uint32_t cs, ce; /* code points */
    uint8_t label;   /* entities_label_t, or ENTITIES_NO_LABEL: dropped */
    uint8_t part;    /* a named part of a hyphenated token: how many
                      * named parts that token has (0: not a part) */
    const entities_gaz_entry_t *entry; /* gazetteer entry of its label */
    const char *canon; /* into text or gazetteer; NULL: pool offset */
    uint32_t canon_off, canon_len;
    const char *refers;
    uint32_t refers_len;
} mention_t;

typedef struct work {
    const entities_gaz_t *g;
    const entities_doc_t *doc;
    entities_token_t *toks;
    uint8_t *tags;
    uint8_t *covered;  /* token belongs to a tagger chunk */
    uint32_t *sent_of; /* sentence index of each token */
    uint64_t *th;      /* folded hash of each token, 0 until computed */
    mention_t *m;
    size_t n, cap;
    /* Names the tagger found, one per distinct name, sorted by the hash of
     * their first token (surnames of people by their own): what repeats
     * of them in the document are. */
    struct docname *names;
    size_t n_names;
    entities_result_t *r;
} work_t;

typedef struct docname {
    uint64_t first;  /* hash of the first (for a surname: only) token */
    uint32_t idx;    /* the mention it came from */
    uint32_t weight; /* mentions read this way (a full name's surname: 2) */
    uint8_t ntok;    /* 1 for a surname */
    uint8_t label;
    uint8_t surname; /* also the last word of a longer PERSON name */
} docname_t;

/* ---- Small helpers ----------------------------------------------------- */

static int in_list(const char *const *list, const char *w, size_t len)
{
    char buf[WORD_MAX];
    size_t k = entities_fold(w, len, buf, sizeof(buf) - 1);
    if (k == 0 || k >= sizeof(buf))
        return 0;
    buf[k] = '\0';
    for (size_t i = 0; list[i]; i++)
        if (list[i][0] == buf[0] && strcmp(list[i], buf) == 0)
            return 1;
    return 0;
}

static int tok_in(const work_t *w, size_t i, const char *const *list)
{
    return in_list(list, w->toks[i].s, w->toks[i].len);
}

static int tok_is(const work_t *w, size_t i, const char *lit)
{
    const char *const list[] = {lit, NULL};
    return tok_in(w, i, list);
}

/* Titles and roles that precede a name but are no part of it. */
static const char *const TITLES[] = {
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
static int is_clitic(const entities_token_t *t)
{
    if (t->len == 0)
        return 0;
    uint32_t cp;
    entities_utf8_next(t->s, t->len, &cp);
    return cp == '\'' || cp == 0x2019;
}

/* Geographic feature words: a LOC ending with one has no government. */
static const char *const GEO_FEATURES[] = {
    "sea",      "ocean",   "river",     "lake",    "lakes",     "mountains",
    "mountain", "mount",   "mt.",       "valley",  "gulf",      "bay",
    "strait",   "straits", "peninsula", "desert",  "corridor",  "plain",
    "plains",   "plateau", "gorge",     "pass",    "highlands", "basin",
    "coast",    "range",   "canal",     "channel", "glacier",   "steppe",
    "forest",   "delta",   "cape",      "hills",   NULL};

static const char *const COMPASS[] = {
    "north",     "south",   "east",    "west",      "central",   "northern",
    "southern",  "eastern", "western", "northeast", "northwest", "southeast",
    "southwest", "upper",   "lower",   "greater",   NULL};

/* Words before a place that make it a place, not an actor: "talks in
 * Sochi", "a visit to Baku", "the city of Sochi". */
static const char *const LOCATIVE[] = {
    "in",      "at",       "to",      "into",    "near",
    "outside", "inside",   "around",  "across",  "via",
    "through", "toward",   "towards", "within",  "visit",
    "visited", "visiting", "visits",  "reached", "city",
    "capital", "downtown", "central", "streets", NULL};

/* Words after an organisation's name that name the same body
 * ("Warsaw Institute Foundation"). */
static const char *const ORG_SUFFIXES[] = {
    "foundation", "inc",      "inc.",  "ltd",         "ltd.",    "llc", "plc",
    "group",      "corp",     "corp.", "corporation", "company", "co",  "co.",
    "holding",    "holdings", "s.a.",  "ag",          "gmbh",    NULL};

/* ---- Mentions ---------------------------------------------------------- */

static mention_t *add_mention(work_t *w)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        mention_t *m = realloc(w->m, cap * sizeof(*m));
        if (!m)
            return NULL;
        w->m = m;
        w->cap = cap;
    }
    mention_t *m = &w->m[w->n++];
    memset(m, 0, sizeof(*m));
    m->label = ENTITIES_NO_LABEL;
    return m;
}

static void set_tokens(const work_t *w, mention_t *m, size_t a, size_t b)
{
    const glossa_token_t *t = w->doc->tokens;
    m->a = (uint32_t)a;
    m->b = (uint32_t)b;
    m->bs = t[a].start;
    m->be = t[b - 1].end;
    m->cs = t[a].cp_start;
    m->ce = t[b - 1].cp_end;
}

/* The best entry for a name, preferring one whose label is in want (a
 * bit set of labels). *any gets the best entry of any label. */
static const entities_gaz_entry_t *pick(const work_t *w, const char *s,
                                        size_t len, unsigned want,
                                        const entities_gaz_entry_t **any)
{
    const entities_gaz_entry_t *e = entities_gaz_lookup_str(w->g, s, len);
    if (any)
        *any = e;
    for (; e; e = entities_gaz_next(w->g, e))
        if (want & (1u << e->label))
            return e;
    return NULL;
}

#define BIT(l) (1u << (l))

/* LOC for a name the gazetteers do not know: regions and features have no
 * government, everything else is taken for a settlement or territory. */
static int loc_or_gpe(const work_t *w, const mention_t *m)
{
    if (tok_in(w, m->b - 1, GEO_FEATURES) || tok_in(w, m->a, GEO_FEATURES))
        return ENTITIES_LOC;
    if (m->b - m->a >= 2 && tok_in(w, m->a, COMPASS)) {
        /* "South Caucasus", "Western Europe": a region when the rest is */
        const entities_gaz_entry_t *e =
            pick(w, w->toks[m->a + 1].s,
                 (size_t)(w->doc->tokens[m->b - 1].end -
                          w->doc->tokens[m->a + 1].start),
                 BIT(ENTITIES_LOC), NULL);
        if (e)
            return ENTITIES_LOC;
    }
    return ENTITIES_GPE;
}

/* A MISC chunk the gazetteers do not know is NORP when it is one word that
 * looks like a nationality or a people ("Yazidi", "Nigeriens"). */
static int misc_is_norp(const work_t *w, const mention_t *m)
{
    if (m->b - m->a != 1)
        return 0;
    const entities_token_t *t = &w->toks[m->a];
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
        return BIT(ENTITIES_PERSON);
    case ENTITIES_T_ORG:
        return BIT(ENTITIES_ORG);
    case ENTITIES_T_LOC:
        return BIT(ENTITIES_GPE) | BIT(ENTITIES_LOC);
    default:
        return BIT(ENTITIES_NORP);
    }
}

/* Sets the label and entry of a chunk mention of tagger type `type`. */
static void decide(const work_t *w, mention_t *m, int type)
{
    const entities_gaz_entry_t *any;
    const entities_gaz_entry_t *e =
        pick(w, w->doc->text + m->bs, m->be - m->bs, wanted(type), &any);
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

/* Positions of hyphens inside token i, splitting it into parts. */
static size_t hyphen_parts(const work_t *w, size_t i, uint32_t *starts,
                           uint32_t *ends, size_t max)
{
    const entities_token_t *t = &w->toks[i];
    /* Hyphens are '-' and U+2010, U+2011 (E2 80 90, E2 80 91). Tokens
     * are short: a plain loop beats two memchr calls. */
    uint32_t o = 0;
    while (o < t->len && t->s[o] != '-' && (unsigned char)t->s[o] != 0xE2)
        o++;
    if (o == t->len)
        return 0;
    size_t n = 0;
    uint32_t part = 0;
    for (o = 0; o < t->len;) {
        uint32_t cp;
        uint32_t k = (uint32_t)entities_utf8_next(t->s + o, t->len - o, &cp);
        if ((cp == '-' || cp == 0x2010 || cp == 0x2011) && o > part) {
            if (n == max)
                return 0;
            starts[n] = part;
            ends[n++] = o;
            part = o + k;
        }
        o += k;
    }
    if (n == 0 || part >= t->len || n == max)
        return 0;
    starts[n] = part;
    ends[n++] = t->len;
    return n;
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
static int split_hyphenated(work_t *w, size_t i)
{
    const entities_token_t *t = &w->toks[i];
    if (entities_gaz_lookup_str(w->g, t->s, t->len))
        return 0;
    uint32_t ps[8], pe[8];
    size_t np = hyphen_parts(w, i, ps, pe, 8);
    int added = 0;
    for (size_t p = 0; p < np; p++) {
        const char *s = t->s + ps[p];
        size_t len = pe[p] - ps[p];
        if (!entities_is_capitalized(s, len))
            continue;
        const entities_gaz_entry_t *e = entities_gaz_lookup_str(w->g, s, len);
        while (e && (!e->strong || e->label == ENTITIES_PERSON))
            e = entities_gaz_next(w->g, e);
        if (!e)
            continue;
        mention_t *m = add_mention(w);
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

/* Does token i split into parts at inner hyphens? */
static int has_hyphen(const work_t *w, size_t i)
{
    uint32_t ps[8], pe[8];
    return hyphen_parts(w, i, ps, pe, 8) > 0;
}

/* The folded hash of token i (cached). */
static uint64_t tok_hash(work_t *w, size_t i)
{
    if (!w->th[i]) {
        char buf[WORD_MAX * 4];
        const entities_token_t *t = &w->toks[i];
        size_t k = entities_fold(t->s, t->len, buf, sizeof(buf));
        if (k > sizeof(buf))
            k = sizeof(buf);
        uint64_t h = entities_mix(entities_fnv(ENTITIES_FNV_INIT, buf, k));
        w->th[i] = h ? h : 1;
    }
    return w->th[i];
}

static uint64_t seq_hash(work_t *w, size_t a, size_t b)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (size_t i = a; i < b; i++)
        h = entities_mix(h ^ tok_hash(w, i)) + i - a;
    return h;
}

/* Do tokens [a, a + k) equal tokens [b, b + k), folded? */
static int same_tokens(work_t *w, size_t a, size_t b, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (tok_hash(w, a + i) != tok_hash(w, b + i))
            return 0;
    return 1;
}

static size_t sentence_end(const work_t *w, size_t i)
{
    const glossa_sentence_t *s = &w->doc->sentences[w->sent_of[i]];
    return (size_t)s->token_first + s->token_count;
}

static int starts_lower(const entities_token_t *t)
{
    uint32_t cp;
    if (t->len == 0)
        return 0;
    entities_utf8_next(t->s, t->len, &cp);
    return entities_is_lowercase(cp);
}

/* Step 2 for one chunk [a, b) of tagger type `type`. Returns the end of
 * the tokens it consumed (a known name may reach over the next chunks), or
 * 0 when out of memory. */
static size_t chunk_to_mention(work_t *w, size_t a, size_t b, int type)
{
    for (size_t i = a; i < b; i++)
        w->covered[i] = 1;
    size_t consumed = b;
    /* Titles out in front of people, possessives out at the end. */
    while (type == ENTITIES_T_PER && b - a > 1 && tok_in(w, a, TITLES))
        a++;
    if (a < b && tok_is(w, a, "the"))
        a++;
    while (b > a && is_clitic(&w->toks[b - 1]))
        b--;
    /* Names neither end nor start with a lowercase word ("Caucasus
     * arch-foes", "mainly-Moslem North Caucasus"); particles inside them
     * ("Bashar al-Assad") stay. Known longer names are restored below. */
    while (b - a > 1 && starts_lower(&w->toks[b - 1]))
        b--;
    while (b - a > 1 && starts_lower(&w->toks[a]))
        a++;
    if (a >= b)
        return consumed;
    /* "Armenian Pashinyan": the nationality before a name is its own. */
    while (type == ENTITIES_T_PER && b - a > 1) {
        const entities_gaz_entry_t *e =
            pick(w, w->toks[a].s, w->toks[a].len, BIT(ENTITIES_NORP), NULL);
        if (!e || !e->strong)
            break;
        mention_t *m = add_mention(w);
        if (!m)
            return 0;
        set_tokens(w, m, a, a + 1);
        m->label = ENTITIES_NORP;
        m->entry = e;
        a++;
    }
    /* A known longer name the tagger cut short ("Zangezur" of "Zangezur
     * corridor") or cut in pieces ("Russian" + "Foreign Ministry") is
     * taken whole, when it ends where a chunk or untagged text ends. */
    const entities_gaz_entry_t *ge;
    size_t end = sentence_end(w, a);
    size_t gm = entities_gaz_match(w->g, w->toks, end, a, &ge);
    if (gm > b - a && ge->strong &&
        (a + gm == end ||
         !(w->tags[a + gm] != 0 && !ENTITIES_TAG_IS_B(w->tags[a + gm])))) {
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
    pick(w, w->doc->text + w->doc->tokens[a].start,
         w->doc->tokens[b - 1].end - w->doc->tokens[a].start, 0, &whole);
    for (size_t i = a; i < b && !(whole && whole->strong); i++) {
        if (!has_hyphen(w, i))
            continue;
        if (b - a > 1 && type == ENTITIES_T_PER)
            break;
        if (b - a > 1 && type != ENTITIES_T_MISC) {
            /* "Rostov-on-Don region": part of a longer name */
            uint32_t ps[8], pe[8];
            size_t np = hyphen_parts(w, i, ps, pe, 8);
            if (!np || entities_is_capitalized(w->toks[i].s + ps[np - 1],
                                               pe[np - 1] - ps[np - 1]))
                continue;
        }
        int k = split_hyphenated(w, i);
        if (k < 0)
            return 0;
        if (k > 0)
            return consumed; /* the parts replace the chunk */
    }
    mention_t *m = add_mention(w);
    if (!m)
        return 0;
    set_tokens(w, m, a, b);
    decide(w, m, type);
    return consumed;
}

/* Is token i at the start of its sentence, quotes aside? */
static int sentence_initial(const work_t *w, size_t i)
{
    const glossa_sentence_t *s = &w->doc->sentences[w->sent_of[i]];
    for (size_t j = s->token_first; j < i; j++) {
        uint32_t cp;
        entities_utf8_next(w->toks[j].s, w->toks[j].len, &cp);
        if ((cp < 0x80 && ((cp | 32) >= 'a' && (cp | 32) <= 'z')) ||
            (cp >= '0' && cp <= '9') ||
            entities_is_capitalized(w->toks[j].s, w->toks[j].len))
            return 0;
    }
    return 1;
}

/* Headlines in title case ("Putin Receives Armenian And Azeri Leaders For
 * Talks") look nothing like the training data: there the tagger's guesses
 * are dropped and only known names count. A sentence is in title case when
 * a function word inside it is capitalized and at least four in five of
 * its words of five letters or more after its last colon ("Related
 * article: ...") are capitalized. Name-heavy prose ("Armenian Prime
 * Minister Nikol Pashinyan and ...") keeps its function words lower. */
static const char *const FUNCTION_WORDS[] = {
    "and",   "for",     "with", "to",   "in",   "on",    "at",
    "from",  "of",      "by",   "as",   "into", "over",  "is",
    "are",   "was",     "has",  "have", "its",  "after", "amid",
    "about", "against", "but",  "or",   "not",  "will",  NULL};

static int title_case(const work_t *w, size_t first, size_t n)
{
    size_t from = first;
    for (size_t i = first; i < first + n; i++)
        if (w->toks[i].len == 1 && w->toks[i].s[0] == ':')
            from = i + 1;
    int function_word = 0;
    size_t long_words = 0, capitalized = 0;
    for (size_t i = from; i < first + n; i++) {
        const entities_token_t *t = &w->toks[i];
        int cap = entities_is_capitalized(t->s, t->len);
        if (cap && i > from && t->len <= 7 && !function_word)
            function_word = tok_in(w, i, FUNCTION_WORDS);
        /* Counted up to 5; a letter takes at least a byte. */
        size_t letters = 0;
        for (size_t o = 0; t->len >= 5 && o < t->len && letters < 5;) {
            unsigned char c = (unsigned char)t->s[o];
            if (c < 0x80) {
                letters += (c | 32u) - 'a' < 26u;
                o++;
                continue;
            }
            uint32_t cp;
            o += entities_utf8_next(t->s + o, t->len - o, &cp);
            letters += entities_is_lowercase(cp);
        }
        if (letters >= 5) {
            long_words++;
            capitalized += (size_t)cap;
        }
    }
    return function_word && long_words >= 3 &&
           capitalized * 5 >= long_words * 4;
}

static int cmp_docname(const void *x, const void *y)
{
    const docname_t *a = x, *b = y;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->ntok != b->ntok)
        return a->ntok > b->ntok ? -1 : 1;
    if (a->label != b->label)
        return a->label < b->label ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The first token of docname d's tokens. */
static size_t name_start(const work_t *w, const docname_t *d)
{
    const mention_t *m = &w->m[d->idx];
    return d->ntok == 1 && m->b - m->a > 1 ? m->b - 1 : m->a;
}

/* Collects the names the tagger found (see work_t.names). */
static int collect_names(work_t *w)
{
    w->names = malloc((2 * w->n + 1) * sizeof(docname_t));
    if (!w->names)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        const mention_t *m = &w->m[i];
        if (m->part || m->label == ENTITIES_NO_LABEL ||
            m->label == ENTITIES_NORP || m->b - m->a > 255)
            continue;
        docname_t *d = &w->names[k++];
        memset(d, 0, sizeof(*d));
        d->first = tok_hash(w, m->a);
        d->idx = (uint32_t)i;
        d->ntok = (uint8_t)(m->b - m->a);
        d->label = m->label;
        d->weight = 1;
        if (m->label == ENTITIES_PERSON && m->b - m->a > 1) {
            d = &w->names[k++];
            d->first = tok_hash(w, m->b - 1);
            d->idx = (uint32_t)i;
            d->ntok = 1;
            d->label = ENTITIES_PERSON;
            d->weight = 2;
            d->surname = 1;
        }
    }
    qsort(w->names, k, sizeof(docname_t), cmp_docname);
    /* One entry per distinct name and reading, with how often the tagger
     * read it so: repeats would make lookups slow in long documents. */
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        docname_t *prev = u ? &w->names[u - 1] : NULL;
        const docname_t *cur = &w->names[i];
        if (prev && prev->first == cur->first && prev->ntok == cur->ntok &&
            prev->label == cur->label &&
            same_tokens(w, name_start(w, prev), name_start(w, cur),
                        cur->ntok)) {
            prev->weight += cur->weight;
            prev->surname |= cur->surname;
            continue;
        }
        w->names[u++] = w->names[i];
    }
    w->n_names = u;
    return 0;
}

/* The first of the names whose first token hashes to h. */
static size_t names_from(const work_t *w, uint64_t h)
{
    size_t lo = 0, hi = w->n_names;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->names[mid].first < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The longest document name at token i within [i, end) on uncovered
 * tokens, in its most frequent reading; NULL if none. */
static const docname_t *name_at(work_t *w, size_t i, size_t end)
{
    uint64_t h = tok_hash(w, i);
    const docname_t *best = NULL;
    for (size_t j = names_from(w, h); j < w->n_names && w->names[j].first == h;
         j++) {
        const docname_t *d = &w->names[j];
        if (i + d->ntok > end ||
            (best && (d->ntok < best->ntok ||
                      (d->ntok == best->ntok && d->weight <= best->weight))))
            continue;
        int ok = 1;
        for (size_t k = 0; k < d->ntok && ok; k++)
            ok = !w->covered[i + k];
        if (ok && same_tokens(w, name_start(w, d), i, d->ntok))
            best = d;
    }
    return best;
}

/* A one-word mention that is the surname of a person named in full in
 * the document ("Pashinyan" tagged NORP beside "Nikol Pashinyan") is that
 * person, unless a strong gazetteer entry says otherwise. A lone PERSON
 * reading of a word is no such evidence ("Pirelli", "Tianjin"). */
static void relabel_people(work_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        if (m->part || m->b - m->a != 1 || m->label == ENTITIES_PERSON ||
            (m->entry && m->entry->strong))
            continue;
        uint64_t h = tok_hash(w, m->a);
        for (size_t j = names_from(w, h);
             j < w->n_names && w->names[j].first == h; j++) {
            const docname_t *d = &w->names[j];
            if (d->ntok == 1 && d->surname &&
                same_tokens(w, name_start(w, d), m->a, 1)) {
                m->label = ENTITIES_PERSON;
                m->entry = NULL;
                break;
            }
        }
    }
}

/* Is token i after a symbol that starts a new phrase ("Ctrl + Enter",
 * "SOURCE: AFP")? Quotes, brackets and commas do not count. */
static int after_symbol(const work_t *w, size_t i)
{
    if (i == w->doc->sentences[w->sent_of[i]].token_first)
        return 0;
    const entities_token_t *p = &w->toks[i - 1];
    if (p->len != 1)
        return 0;
    return strchr("+:|/-=>*#~", p->s[0]) != NULL;
}

/* A lone capitalized common word that opens a sentence ("Here's a
 * timeline", "Sneak a peek", "Ctrl + Enter") is no name unless a
 * gazetteer or the rest of the document says it is. */
static void drop_stray_words(work_t *w)
{
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        if (m->part || m->b - m->a != 1 || m->label == ENTITIES_NORP ||
            m->label == ENTITIES_NO_LABEL)
            continue;
        const entities_token_t *t = &w->toks[m->a];
        if (!entities_gaz_is_common(w->g, t->s, t->len) ||
            entities_gaz_lookup_str(w->g, t->s, t->len) ||
            !(sentence_initial(w, m->a) || after_symbol(w, m->a)))
            continue;
        uint64_t h = tok_hash(w, m->a);
        int known = 0;
        for (size_t j = names_from(w, h);
             j < w->n_names && w->names[j].first == h && !known; j++)
            known = w->names[j].ntok == 1 &&
                    (w->names[j].weight > 1 || w->names[j].surname);
        if (!known)
            m->label = ENTITIES_NO_LABEL;
    }
}

/* Step 3: names the document already used, and strong gazetteer names,
 * on tokens no chunk covered. */
static int recover(work_t *w, size_t first, size_t n)
{
    for (size_t i = first; i < first + n;) {
        if (w->covered[i] ||
            !entities_is_capitalized(w->toks[i].s, w->toks[i].len)) {
            if (!w->covered[i] && has_hyphen(w, i) &&
                split_hyphenated(w, i) < 0)
                return -1;
            i++;
            continue;
        }
        const entities_gaz_entry_t *e;
        size_t m = entities_gaz_match(w->g, w->toks, first + n, i, &e);
        int ok = m > 0;
        for (size_t k = 0; ok && k < m; k++)
            ok = !w->covered[i + k];
        while (ok && e && !e->strong)
            e = entities_gaz_next(w->g, e);
        if (ok && e && sentence_initial(w, i)) {
            /* "Trend", "Turan", "Lori" open sentences as plain words;
             * country names and demonyms rarely do. */
            while (e && !(e->cls == ENTITIES_GZ_COUNTRY ||
                          e->cls == ENTITIES_GZ_NORP ||
                          (e->cls == ENTITIES_GZ_CITY && e->refers_to) ||
                          e->ntok_hint > 1))
                e = entities_gaz_next(w->g, e);
        }
        if (!ok || !e)
            m = 0;
        const docname_t *d = name_at(w, i, first + n);
        if (d && d->ntok >= m) {
            mention_t *mm = add_mention(w);
            if (!mm)
                return -1;
            set_tokens(w, mm, i, i + d->ntok);
            mm->label = d->label;
            for (size_t k = 0; k < d->ntok; k++)
                w->covered[i + k] = 1;
            i += d->ntok;
            continue;
        }
        if (m) {
            mention_t *mm = add_mention(w);
            if (!mm)
                return -1;
            set_tokens(w, mm, i, i + m);
            mm->label = e->label;
            mm->entry = e;
            for (size_t k = 0; k < m; k++)
                w->covered[i + k] = 1;
            i += m;
            continue;
        }
        if (has_hyphen(w, i) && split_hyphenated(w, i) < 0)
            return -1;
        i++;
    }
    return 0;
}

/* ---- Canonical names --------------------------------------------------- */

static int pool_add(entities_result_t *r, const char *s, size_t len,
                    uint32_t *off)
{
    if (r->pool_len + len + 1 > r->pool_cap) {
        size_t cap = r->pool_cap ? r->pool_cap * 2 : 1024;
        while (cap < r->pool_len + len + 1)
            cap *= 2;
        char *p = realloc(r->pool, cap);
        if (!p)
            return -1;
        r->pool = p;
        r->pool_cap = cap;
    }
    *off = (uint32_t)r->pool_len;
    memcpy(r->pool + r->pool_len, s, len);
    r->pool_len += len;
    r->pool[r->pool_len++] = '\0';
    return 0;
}

/* The mention's text with runs of whitespace made one space. */
static int canon_from_text(work_t *w, mention_t *m)
{
    const char *s = w->doc->text + m->bs;
    size_t len = m->be - m->bs;
    int clean = 1;
    for (size_t i = 0; i < len && clean; i++)
        clean = !(s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ||
                  (s[i] == ' ' && i + 1 < len && s[i + 1] == ' '));
    if (clean) {
        m->canon = s;
        m->canon_len = (uint32_t)len;
        return 0;
    }
    char *tmp = malloc(len);
    if (!tmp)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int sp = s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t';
        if (!sp)
            tmp[o++] = s[i];
        else if (o && tmp[o - 1] != ' ')
            tmp[o++] = ' ';
    }
    int rc = pool_add(w->r, tmp, o, &m->canon_off);
    free(tmp);
    m->canon = NULL;
    m->canon_len = (uint32_t)o;
    return rc;
}

static void canon_set(mention_t *m, const char *s)
{
    m->canon = s;
    m->canon_len = (uint32_t)strlen(s);
}

static void canon_copy(mention_t *dst, const mention_t *src)
{
    dst->canon = src->canon;
    dst->canon_off = src->canon_off;
    dst->canon_len = src->canon_len;
}

/* Distinct names of one label, for resolving short and long forms. */
typedef struct form {
    uint64_t key; /* seq_hash of the whole name, or of its last/first token */
    uint32_t idx; /* first mention with this name */
    uint32_t ntok;
} form_t;

static int cmp_form(const void *x, const void *y)
{
    const form_t *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static const form_t *form_find(const form_t *f, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && f[lo].key == key ? &f[lo] : NULL;
}

/* People: a mention whose words end a longer name of a person in the
 * document ("Putin" in "Vladimir Putin") takes that name's canonical. The
 * longest such name wins; among equals, the nearest first occurrence
 * before the mention, else the first after it. Works on distinct names
 * (people x their mentions stays small in long documents). */
static int resolve_people(work_t *w)
{
    /* Distinct multi-word person names, keyed by their last word. */
    form_t *all = malloc((w->n + 1) * sizeof(form_t));
    form_t *last = malloc((w->n + 1) * sizeof(form_t));
    if (!all || !last) {
        free(all);
        free(last);
        return -1;
    }
    size_t na = 0;
    for (size_t i = 0; i < w->n; i++) {
        const mention_t *m = &w->m[i];
        if (m->label != ENTITIES_PERSON || m->part || m->b - m->a < 2)
            continue;
        all[na].key = seq_hash(w, m->a, m->b);
        all[na].idx = (uint32_t)i;
        all[na++].ntok = m->b - m->a;
    }
    qsort(all, na, sizeof(form_t), cmp_form);
    size_t nl = 0;
    for (size_t i = 0; i < na; i++) {
        if (i && all[i].key == all[i - 1].key)
            continue; /* the first mention of each distinct name */
        const mention_t *m = &w->m[all[i].idx];
        last[nl] = all[i];
        last[nl++].key = tok_hash(w, m->b - 1);
    }
    qsort(last, nl, sizeof(form_t), cmp_form);
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        if (m->label != ENTITIES_PERSON || m->part)
            continue;
        size_t k = m->b - m->a;
        const form_t *f = form_find(last, nl, tok_hash(w, m->b - 1));
        const mention_t *best = NULL;
        uint32_t best_len = 0;
        for (; f && f < last + nl && f->key == tok_hash(w, m->b - 1); f++) {
            const mention_t *o = &w->m[f->idx];
            if (f->ntok <= k || !same_tokens(w, o->b - k, m->a, k))
                continue;
            int before = o->cs < m->cs;
            int best_before = best && best->cs < m->cs;
            if (!best || f->ntok > best_len ||
                (f->ntok == best_len &&
                 ((before && (!best_before || o->cs > best->cs)) ||
                  (!before && !best_before && o->cs < best->cs)))) {
                best = o;
                best_len = f->ntok;
            }
        }
        if (best)
            canon_copy(m, best);
    }
    free(all);
    free(last);
    return 0;
}

/* Organisations: "X Foundation" (or "X Inc.") where the document also
 * says "X" is X. */
static int resolve_orgs(work_t *w)
{
    form_t *all = malloc((w->n + 1) * sizeof(form_t));
    if (!all)
        return -1;
    size_t na = 0;
    for (size_t i = 0; i < w->n; i++) {
        const mention_t *m = &w->m[i];
        if (m->label != ENTITIES_ORG || m->part)
            continue;
        all[na].key = seq_hash(w, m->a, m->b);
        all[na].idx = (uint32_t)i;
        all[na++].ntok = m->b - m->a;
    }
    qsort(all, na, sizeof(form_t), cmp_form);
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        if (m->label != ENTITIES_ORG || m->part || m->entry)
            continue;
        size_t b = m->b;
        while (b > m->a + 1 && tok_in(w, b - 1, ORG_SUFFIXES))
            b--;
        if (b == m->b)
            continue;
        const form_t *f = form_find(all, na, seq_hash(w, m->a, b));
        if (f && f->ntok == b - m->a)
            canon_copy(m, &w->m[f->idx]);
    }
    free(all);
    return 0;
}

/* Does a capital mentioned at m stand for its government? Not after a
 * locative word ("in Moscow", "a visit to Baku", "the city of"), looking
 * through coordinations ("in Moscow and Paris"). */
static int acts_as_state(const work_t *w, const mention_t *m,
                         const uint32_t *ends_at)
{
    if (m->part) /* "Moscow-led" yes, "Baku-Tbilisi-Ceyhan" no */
        return m->part == 1;
    size_t first = w->doc->sentences[w->sent_of[m->a]].token_first;
    size_t i = m->a;
    while (i > first) {
        size_t p = i - 1;
        if (tok_in(w, p, LOCATIVE))
            return 0;
        if (tok_is(w, p, "of") && p > first && tok_in(w, p - 1, LOCATIVE))
            return 0;
        if ((tok_is(w, p, "and") || tok_is(w, p, "or") || tok_is(w, p, ",")) &&
            p > first && ends_at[p - 1]) {
            /* Skip back over the previous conjunct when it is a place. */
            const mention_t *o = &w->m[ends_at[p - 1] - 1];
            if (o->label == ENTITIES_GPE) {
                i = o->a;
                continue;
            }
        }
        break;
    }
    return 1;
}

static int canonicalize(work_t *w)
{
    /* Pass 1: what each mention's own name gives. */
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        if (m->label == ENTITIES_NO_LABEL)
            continue;
        if (!m->entry || m->entry->label != m->label)
            m->entry = pick(w, w->doc->text + m->bs, m->be - m->bs,
                            BIT(m->label), NULL);
        if (!m->entry && m->label == ENTITIES_NORP) {
            /* "Nigeriens" -> as "Nigerien" */
            size_t len = m->be - m->bs;
            if (len > 3 && w->doc->text[m->be - 1] == 's')
                m->entry = pick(w, w->doc->text + m->bs, len - 1,
                                BIT(ENTITIES_NORP), NULL);
        }
        /* Long generated lists (weak) only spell names their own way
         * (ISO's "Karnātaka"); the text's spelling is the better name. */
        if (m->entry && (m->entry->strong || m->label == ENTITIES_PERSON))
            canon_set(m, m->entry->canonical);
        else if (canon_from_text(w, m))
            return -1;
    }
    /* Pass 2: people and organisations named more fully or more briefly
     * elsewhere in the document. */
    if (resolve_people(w) || resolve_orgs(w))
        return -1;
    /* Pass 3: refers_to. */
    uint32_t *ends_at = calloc(w->doc->n_tokens + 1, sizeof(uint32_t));
    if (!ends_at)
        return -1;
    for (size_t i = 0; i < w->n; i++)
        if (!w->m[i].part && w->m[i].label != ENTITIES_NO_LABEL)
            ends_at[w->m[i].b - 1] = (uint32_t)i + 1;
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        const entities_gaz_entry_t *e = m->entry;
        if (!e || !e->refers_to || m->label == ENTITIES_NO_LABEL)
            continue;
        if (m->label == ENTITIES_GPE && !acts_as_state(w, m, ends_at))
            continue;
        m->refers = e->refers_to;
        m->refers_len = (uint32_t)strlen(e->refers_to);
    }
    free(ends_at);
    return 0;
}

/* ---- Output ------------------------------------------------------------ */

static int cmp_mention(const void *x, const void *y)
{
    const mention_t *a = x, *b = y;
    if (a->cs != b->cs)
        return a->cs < b->cs ? -1 : 1;
    if (a->ce != b->ce)
        return a->ce > b->ce ? -1 : 1; /* longest first */
    return 0;
}

static int emit(work_t *w, const entities_config_t *cfg)
{
    entities_result_t *r = w->r;
    size_t count = 0;
    for (size_t i = 0; i < w->n; i++)
        count += w->m[i].label != ENTITIES_NO_LABEL;
    r->spans = calloc(count ? count : 1, sizeof(entities_span_t));
    if (!r->spans)
        return -1;
    r->cap = count;
    uint32_t reach = 0; /* end of the last span kept */
    int any = 0;
    for (size_t i = 0; i < w->n; i++) {
        const mention_t *m = &w->m[i];
        if (m->label == ENTITIES_NO_LABEL || m->cs >= m->ce)
            continue;
        /* Nested or overlapping: the longest (first, by the sort) wins. */
        if (any && m->cs < reach)
            continue;
        any = 1;
        reach = m->ce;
        if (!cfg->emit[m->label])
            continue;
        entities_span_t *s = &r->spans[r->n++];
        s->start = m->cs;
        s->end = m->ce;
        s->label = m->label;
        /* canonicalize() has filled the pool: pointers into it hold. */
        s->canonical = m->canon ? m->canon : r->pool + m->canon_off;
        s->canonical_len = m->canon_len;
        s->refers_to = m->refers;
        s->refers_to_len = m->refers_len;
    }
    return 0;
}

void entities_result_free(entities_result_t *r)
{
    if (!r)
        return;
    free(r->spans);
    free(r->pool);
    memset(r, 0, sizeof(*r));
}

int entities_analyze(const entities_model_t *model, const entities_gaz_t *g,
                     const entities_config_t *cfg, const entities_doc_t *doc,
                     entities_result_t *r)
{
    memset(r, 0, sizeof(*r));
    work_t w;
    memset(&w, 0, sizeof(w));
    w.g = g;
    w.doc = doc;
    w.r = r;
    size_t n = doc->n_tokens, n1 = n ? n : 1;
    w.toks = malloc(n1 * sizeof(*w.toks));
    w.tags = calloc(n1, 1);
    w.covered = calloc(n1, 1);
    w.sent_of = malloc(n1 * sizeof(uint32_t));
    w.th = calloc(n1, sizeof(uint64_t));
    entities_tagger_t *tagger = entities_tagger_new(model, g);
    uint8_t *titled = calloc(doc->n_sentences + 1, 1);
    int rc = -1;
    if (!w.toks || !w.tags || !w.covered || !w.sent_of || !w.th || !tagger ||
        !titled)
        goto out;
    for (size_t i = 0; i < n; i++) {
        w.toks[i].s = doc->text + doc->tokens[i].start;
        w.toks[i].len = doc->tokens[i].end - doc->tokens[i].start;
    }
    /* Step 1. */
    for (size_t s = 0; s < doc->n_sentences; s++) {
        const glossa_sentence_t *sen = &doc->sentences[s];
        size_t first = sen->token_first, cnt = sen->token_count;
        for (size_t i = first; i < first + cnt; i++)
            w.sent_of[i] = (uint32_t)s;
        titled[s] = (uint8_t)title_case(&w, first, cnt);
        if (!titled[s] &&
            entities_tagger_tag(tagger, w.toks + first, cnt, w.tags + first))
            goto out;
    }
    /* Step 2: chunks. */
    for (size_t i = 0; i < n;) {
        uint8_t t = w.tags[i];
        if (!ENTITIES_TAG_IS_B(t)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && w.tags[j] == ENTITIES_TAG_I(ENTITIES_TAG_TYPE(t)) &&
               w.sent_of[j] == w.sent_of[i])
            j++;
        size_t end = chunk_to_mention(&w, i, j, ENTITIES_TAG_TYPE(t));
        if (!end)
            goto out;
        i = end;
    }
    if (collect_names(&w))
        goto out;
    relabel_people(&w);
    /* Step 3. */
    for (size_t s = 0; s < doc->n_sentences; s++)
        if (recover(&w, doc->sentences[s].token_first,
                    doc->sentences[s].token_count))
            goto out;
    drop_stray_words(&w);
    /* Document order from here on (acts_as_state and the output need
     * it). */
    if (w.n)
        qsort(w.m, w.n, sizeof(mention_t), cmp_mention);
    if (canonicalize(&w) || emit(&w, cfg))
        goto out;
    rc = 0;
out:
    if (rc)
        entities_result_free(r);
    free(w.toks);
    free(w.tags);
    free(w.covered);
    free(w.sent_of);
    free(w.th);
    free(w.m);
    free(w.names);
    entities_tagger_free(tagger);
    free(titled);
    return rc;
}
