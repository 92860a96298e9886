/* The analysis of one document: the tagger's CoNLL spans become mentions
 * with the guidelines' labels, then canonical names and refers_to.
 *
 * Order of the steps (each relies on the previous ones):
 *   1. tag every sentence (PER/ORG/LOC/MISC in BIO);
 *   2. turn chunks into mentions: titles and possessives out, hyphenated
 *      tokens split into their named parts ("Russian-brokered"), labels
 *      mapped with the gazetteers (LOC -> GPE or LOC, MISC -> NORP or
 *      nothing, a country the tagger took for a team -> GPE);
 *   3. add mentions of strong gazetteer names the tagger missed, only on
 *      tokens no chunk covered;
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
    uint32_t a, b;       /* tokens [a, b) */
    uint32_t bs, be;     /* bytes of the mention's text */
    uint32_t cs, ce;     /* code points */
    uint8_t label;       /* entities_label_t, or ENTITIES_NO_LABEL: dropped */
    uint8_t part;        /* a named part of a hyphenated token */
    const entities_gaz_entry_t *entry; /* gazetteer entry of its label */
    const char *canon;   /* into text or gazetteer; NULL: pool offset */
    uint32_t canon_off, canon_len;
    const char *refers;
    uint32_t refers_len;
} mention_t;

typedef struct work {
    const entities_gaz_t *g;
    const entities_doc_t *doc;
    entities_token_t *toks;
    uint8_t *tags;
    uint8_t *covered; /* token belongs to a tagger chunk */
    uint32_t *sent_of; /* sentence index of each token */
    mention_t *m;
    size_t n, cap;
    entities_result_t *r;
} work_t;

/* ---- Small helpers ----------------------------------------------------- */

static int in_list(const char *const *list, const char *w, size_t len)
{
    char buf[WORD_MAX];
    size_t k = entities_fold(w, len, buf, sizeof(buf) - 1);
    if (k == 0 || k >= sizeof(buf))
        return 0;
    buf[k] = '\0';
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], buf) == 0)
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
    "president", "prime", "minister", "premier", "chancellor", "mr.", "mr",
    "mrs.", "mrs", "ms.", "ms", "dr.", "dr", "prof.", "gen.", "general",
    "sen.", "senator", "rep.", "gov.", "governor", "king", "queen", "prince",
    "princess", "sheikh", "ayatollah", "patriarch", "catholicos",
    "archbishop", "bishop", "father", "sir", "lord", "lady", "dame",
    "madam", "foreign", "defence", "defense", "secretary", "deputy", "vice",
    "ambassador", "envoy", "speaker", "chairman", "chairwoman", "mayor",
    "commander", "colonel", "col.", "lieutenant", "lt.", "major", "captain",
    "capt.", "admiral", "marshal", "spokesman", "spokeswoman", "leader",
    "chief", "emir", "sultan", "the", "pope", NULL};

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
    "sea", "ocean", "river", "lake", "lakes", "mountains", "mountain",
    "mount", "mt.", "valley", "gulf", "bay", "strait", "straits",
    "peninsula", "desert", "corridor", "plain", "plains", "plateau",
    "gorge", "pass", "highlands", "basin", "coast", "range", "canal",
    "channel", "glacier", "steppe", "forest", "delta", "cape", "hills",
    NULL};

static const char *const COMPASS[] = {
    "north", "south", "east", "west", "central", "northern", "southern",
    "eastern", "western", "northeast", "northwest", "southeast",
    "southwest", "upper", "lower", "greater", NULL};

/* Words before a place that make it a place, not an actor: "talks in
 * Sochi", "a visit to Baku", "the city of Sochi". */
static const char *const LOCATIVE[] = {
    "in", "at", "to", "into", "near", "outside", "inside", "around",
    "across", "via", "through", "toward", "towards", "within", "visit",
    "visited", "visiting", "visits", "reached", "city", "capital",
    "downtown", "central", "streets", NULL};

/* Words after an organisation's name that name the same body
 * ("Warsaw Institute Foundation"). */
static const char *const ORG_SUFFIXES[] = {
    "foundation", "inc", "inc.", "ltd", "ltd.", "llc", "plc", "group",
    "corp", "corp.", "corporation", "company", "co", "co.", "holding",
    "holdings", "s.a.", "ag", "gmbh", NULL};

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
                                          "ans", "i",   "is",  NULL};
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
    if (!e && any && any->strong)
        e = any; /* "Russia" tagged ORG, "EU" tagged LOC */
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
    size_t n = 0;
    uint32_t part = 0;
    for (uint32_t o = 0; o < t->len;) {
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
    return added;
}

static int has_hyphen(const entities_token_t *t)
{
    for (uint32_t o = 1; o + 1 < t->len; o++)
        if (t->s[o] == '-')
            return 1;
    /* U+2010, U+2011 */
    for (uint32_t o = 1; o + 3 < t->len; o++)
        if ((unsigned char)t->s[o] == 0xE2 &&
            (unsigned char)t->s[o + 1] == 0x80 &&
            ((unsigned char)t->s[o + 2] == 0x90 ||
             (unsigned char)t->s[o + 2] == 0x91))
            return 1;
    return 0;
}

/* Step 2 for one chunk [a, b) of tagger type `type`. */
static int chunk_to_mention(work_t *w, size_t a, size_t b, int type)
{
    for (size_t i = a; i < b; i++)
        w->covered[i] = 1;
    /* Titles out in front, possessives out at the end. */
    while (a < b && b - a > 1 && tok_in(w, a, TITLES))
        a++;
    if (a < b && tok_is(w, a, "the"))
        a++;
    while (b > a && is_clitic(&w->toks[b - 1]))
        b--;
    if (a >= b)
        return 0;
    /* A hyphenated token with named parts replaces the chunk when it is
     * the chunk, or when it ends the name ("Moscow-led bloc" has no name
     * after the part). */
    for (size_t i = a; i < b; i++) {
        if (!has_hyphen(&w->toks[i]))
            continue;
        if (b - a > 1 && i + 1 < b && type != ENTITIES_T_MISC) {
            /* "Rostov-on-Don region": a longer name around it */
            uint32_t ps[8], pe[8];
            size_t np = hyphen_parts(w, i, ps, pe, 8);
            if (!np || entities_is_capitalized(w->toks[i].s + ps[np - 1],
                                               pe[np - 1] - ps[np - 1]))
                continue;
        }
        if (b - a > 1 && type == ENTITIES_T_PER)
            continue;
        int k = split_hyphenated(w, i);
        if (k < 0)
            return -1;
        if (k > 0)
            return 0; /* the parts replace the chunk */
    }
    mention_t *m = add_mention(w);
    if (!m)
        return -1;
    set_tokens(w, m, a, b);
    decide(w, m, type);
    return 0;
}

/* Is token i at the start of its sentence, quotes aside? */
static int sentence_initial(const work_t *w, size_t i)
{
    const glossa_sentence_t *s = &w->doc->sentences[w->sent_of[i]];
    for (size_t j = s->token_first; j < i; j++) {
        uint32_t cp;
        entities_utf8_next(w->toks[j].s, w->toks[j].len, &cp);
        if (cp < 0x80 && ((cp | 32) >= 'a' && (cp | 32) <= 'z'))
            return 0;
        if (entities_is_capitalized(w->toks[j].s, w->toks[j].len))
            return 0;
        if (cp >= '0' && cp <= '9')
            return 0;
    }
    return 1;
}

/* Step 3: strong gazetteer names on tokens no chunk covered. */
static int recover(work_t *w, size_t first, size_t n)
{
    for (size_t i = first; i < first + n;) {
        if (w->covered[i]) {
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
        if (ok && e) {
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
        if (has_hyphen(&w->toks[i]) && split_hyphenated(w, i) < 0)
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

/* Do tokens [a, a + k) of x equal tokens [b, b + k) of y, folded? */
static int same_tokens(const work_t *w, size_t a, size_t b, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        char x[WORD_MAX], y[WORD_MAX];
        const entities_token_t *tx = &w->toks[a + i], *ty = &w->toks[b + i];
        size_t lx = entities_fold(tx->s, tx->len, x, sizeof(x));
        size_t ly = entities_fold(ty->s, ty->len, y, sizeof(y));
        if (lx > sizeof(x) || lx != ly || memcmp(x, y, lx) != 0)
            return 0;
    }
    return 1;
}

/* People: a mention whose tokens end another, longer PERSON mention of
 * the document ("Putin" in "Vladimir Putin") is that person; the nearest
 * before it wins, else the first after it. */
static const mention_t *longer_person(const work_t *w, size_t idx)
{
    const mention_t *m = &w->m[idx];
    size_t k = m->b - m->a;
    const mention_t *best = NULL;
    size_t best_len = 0;
    int best_before = 0;
    for (size_t j = 0; j < w->n; j++) {
        const mention_t *o = &w->m[j];
        if (j == idx || o->label != ENTITIES_PERSON || o->part)
            continue;
        size_t ok = o->b - o->a;
        if (ok <= k || !same_tokens(w, o->b - k, m->a, k))
            continue;
        int before = o->cs < m->cs;
        /* Longest first; among equals, the nearest before, else the
         * first after. */
        if (!best || ok > best_len ||
            (ok == best_len && before && (!best_before || o->cs > best->cs)) ||
            (ok == best_len && !before && !best_before && o->cs < best->cs)) {
            best = o;
            best_len = ok;
            best_before = before;
        }
    }
    return best;
}

/* Organisations: "X Foundation" after (or before) "X" is X. */
static const mention_t *shorter_org(const work_t *w, size_t idx)
{
    const mention_t *m = &w->m[idx];
    for (size_t j = 0; j < w->n; j++) {
        const mention_t *o = &w->m[j];
        if (j == idx || o->label != ENTITIES_ORG || o->part)
            continue;
        size_t ok = o->b - o->a, mk = m->b - m->a;
        if (ok >= mk || !same_tokens(w, o->a, m->a, ok))
            continue;
        int all_suffix = 1;
        for (size_t i = m->a + ok; i < m->b && all_suffix; i++)
            all_suffix = tok_in(w, i, ORG_SUFFIXES);
        if (all_suffix)
            return o;
    }
    return NULL;
}

/* Does a capital mentioned at m stand for its government? Not after a
 * locative word ("in Moscow", "a visit to Baku", "the city of"), looking
 * through coordinations ("in Moscow and Paris"). */
static int acts_as_state(const work_t *w, const mention_t *m)
{
    if (m->part)
        return 1; /* "Moscow-led" */
    size_t first = w->doc->sentences[w->sent_of[m->a]].token_first;
    size_t i = m->a;
    while (i > first) {
        size_t p = i - 1;
        if (tok_in(w, p, LOCATIVE))
            return 0;
        if (tok_is(w, p, "of") && p > first && tok_in(w, p - 1, LOCATIVE))
            return 0;
        if ((tok_is(w, p, "and") || tok_is(w, p, "or") ||
             tok_is(w, p, ",")) &&
            p > first) {
            /* Skip back over the previous conjunct if it is a name. */
            size_t q = p;
            int found = 0;
            for (size_t j = 0; j < w->n; j++)
                if (!w->m[j].part && w->m[j].b == q &&
                    w->m[j].label == ENTITIES_GPE) {
                    i = w->m[j].a;
                    found = 1;
                    break;
                }
            if (found)
                continue;
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
        if (m->entry)
            canon_set(m, m->entry->canonical);
        else if (canon_from_text(w, m))
            return -1;
    }
    /* Pass 2: people and organisations named more fully or more briefly
     * elsewhere in the document; known people by surname. */
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        if (m->label == ENTITIES_PERSON && !m->part) {
            const mention_t *o = longer_person(w, i);
            if (o) {
                canon_copy(m, o);
            }
        } else if (m->label == ENTITIES_ORG && !m->part && !m->entry) {
            const mention_t *o = shorter_org(w, i);
            if (o)
                canon_copy(m, o);
        }
    }
    /* Pass 3: refers_to. */
    for (size_t i = 0; i < w->n; i++) {
        mention_t *m = &w->m[i];
        const entities_gaz_entry_t *e = m->entry;
        if (!e || !e->refers_to || m->label == ENTITIES_NO_LABEL)
            continue;
        if (m->label == ENTITIES_GPE && !acts_as_state(w, m))
            continue;
        m->refers = e->refers_to;
        m->refers_len = (uint32_t)strlen(e->refers_to);
    }
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
    qsort(w->m, w->n, sizeof(mention_t), cmp_mention);
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
    size_t n = doc->n_tokens, maxs = 0;
    for (size_t s = 0; s < doc->n_sentences; s++)
        if (doc->sentences[s].token_count > maxs)
            maxs = doc->sentences[s].token_count;
    w.toks = malloc((n ? n : 1) * sizeof(*w.toks));
    w.tags = calloc(n ? n : 1, 1);
    w.covered = calloc(n ? n : 1, 1);
    w.sent_of = malloc((n ? n : 1) * sizeof(uint32_t));
    entities_tokinfo_t *info = malloc((maxs ? maxs : 1) * sizeof(*info));
    float *emitbuf = malloc((maxs ? maxs : 1) * ENTITIES_N_TAGS * sizeof(float));
    void *vwork = malloc(ENTITIES_VITERBI_WORK(maxs ? maxs : 1));
    int rc = -1;
    if (!w.toks || !w.tags || !w.covered || !w.sent_of || !info || !emitbuf ||
        !vwork)
        goto out;
    for (size_t i = 0; i < n; i++) {
        w.toks[i].s = doc->text + doc->tokens[i].start;
        w.toks[i].len = doc->tokens[i].end - doc->tokens[i].start;
    }
    for (size_t s = 0; s < doc->n_sentences; s++) {
        const glossa_sentence_t *sen = &doc->sentences[s];
        size_t first = sen->token_first, cnt = sen->token_count;
        for (size_t i = first; i < first + cnt; i++)
            w.sent_of[i] = (uint32_t)s;
        entities_tag_sentence_buf(model, g, w.toks + first, cnt,
                                  w.tags + first, info, emitbuf, vwork);
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
        if (chunk_to_mention(&w, i, j, ENTITIES_TAG_TYPE(t)))
            goto out;
        i = j;
    }
    /* Step 3. */
    for (size_t s = 0; s < doc->n_sentences; s++)
        if (recover(&w, doc->sentences[s].token_first,
                    doc->sentences[s].token_count))
            goto out;
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
    free(w.m);
    free(info);
    free(emitbuf);
    free(vwork);
    return rc;
}
