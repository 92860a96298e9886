/* Loading a model: the rules, the lexicon and the profile become one word
 * table (lowercase key -> flags, valence, factors, first pattern) and a
 * pattern list. Everything is built here, once; analysis only reads. */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mediation_internal.h"

/* Profiles may include others; deeper nesting than this is a mistake
 * (most likely a cycle). */
#define MAX_INCLUDE_DEPTH 8

typedef struct loader {
    mediation_model_t *m;
    char *err;
    size_t err_size;
    int rc; /* first error wins */
} loader_t;

static int fail(loader_t *L, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(loader_t *L, int code, const char *fmt, ...)
{
    if (L->rc)
        return L->rc;
    L->rc = code;
    if (L->err && L->err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->err, L->err_size, fmt, ap);
        va_end(ap);
    }
    return code;
}

void mediation_settings_init(mediation_settings_t *s)
{
    s->threshold = 0.2;
    s->document_band = 0.05;
}

/* ---- Pool and word table ---------------------------------------------- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Appends n bytes plus a NUL; returns the offset or fails. */
static int pool_add(loader_t *L, const char *s, size_t n, uint32_t *off)
{
    mediation_model_t *m = L->m;
    if (m->pool_len + n + 1 > m->pool_cap) {
        size_t cap = m->pool_cap ? m->pool_cap : 4096;
        while (cap < m->pool_len + n + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            return fail(L, GLOSSA_ETOOBIG, "model strings exceed 4 GiB");
        char *p = realloc(m->pool, cap);
        if (!p)
            return fail(L, GLOSSA_ENOMEM, "out of memory");
        m->pool = p;
        m->pool_cap = cap;
    }
    memcpy(m->pool + m->pool_len, s, n);
    m->pool[m->pool_len + n] = '\0';
    *off = (uint32_t)m->pool_len;
    m->pool_len += n + 1;
    return 0;
}

const med_entry_t *med_lookup(const mediation_model_t *m, const char *key,
                              size_t len)
{
    if (!m->slots)
        return NULL;
    uint32_t h = hash_bytes(key, len);
    uint32_t b1 = h & 0xFFFF, b2 = h >> 16;
    if (!(m->bloom[b1 / 64] & (1ull << (b1 % 64))) ||
        !(m->bloom[b2 / 64] & (1ull << (b2 % 64))))
        return NULL;
    size_t i = h & m->slot_mask;
    for (;;) {
        uint64_t slot = m->slots[i];
        if (!slot)
            return NULL;
        if ((uint32_t)(slot >> 32) == h) {
            const med_entry_t *e = &m->entries[(uint32_t)slot - 1];
            if (e->len == len && memcmp(m->pool + e->key, key, len) == 0)
                return e;
        }
        i = (i + 1) & m->slot_mask;
    }
}

static void slot_put(uint64_t *slots, size_t mask, uint32_t h, size_t idx)
{
    size_t i = h & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = ((uint64_t)h << 32) | (uint64_t)(idx + 1);
}

static int table_grow(loader_t *L)
{
    mediation_model_t *m = L->m;
    size_t cap = m->slot_mask ? (m->slot_mask + 1) * 2 : 1024;
    uint64_t *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return fail(L, GLOSSA_ENOMEM, "out of memory");
    for (size_t e = 0; e < m->n_entries; e++) {
        const med_entry_t *en = &m->entries[e];
        slot_put(slots, cap - 1, hash_bytes(m->pool + en->key, en->len), e);
    }
    free(m->slots);
    m->slots = slots;
    m->slot_mask = cap - 1;
    return 0;
}

/* Finds or adds the entry for a key (already folded). */
static med_entry_t *entry_get(loader_t *L, const char *key, size_t len)
{
    mediation_model_t *m = L->m;
    const med_entry_t *found = med_lookup(m, key, len);
    if (found)
        return (med_entry_t *)found;
    /* Load at most 3/4: the hash in each slot keeps probes cheap, and a
     * smaller table stays in cache better. */
    if ((m->n_entries + 1) * 4 > (m->slot_mask + 1) * 3 && table_grow(L))
        return NULL;
    if (m->n_entries == m->cap_entries) {
        size_t cap = m->cap_entries ? m->cap_entries * 2 : 1024;
        med_entry_t *e = realloc(m->entries, cap * sizeof(*e));
        if (!e) {
            fail(L, GLOSSA_ENOMEM, "out of memory");
            return NULL;
        }
        m->entries = e;
        m->cap_entries = cap;
    }
    uint32_t off;
    if (pool_add(L, key, len, &off))
        return NULL;
    med_entry_t *e = &m->entries[m->n_entries];
    memset(e, 0, sizeof(*e));
    e->key = off;
    e->len = (uint32_t)len;
    e->pat_head = -1;
    uint32_t h = hash_bytes(key, len);
    slot_put(m->slots, m->slot_mask, h, m->n_entries);
    m->bloom[(h & 0xFFFF) / 64] |= 1ull << ((h & 0xFFFF) % 64);
    m->bloom[(h >> 16) / 64] |= 1ull << ((h >> 16) % 64);
    m->n_entries++;
    return e;
}

static med_entry_t *word_get(loader_t *L, const char *word, const char *what)
{
    char key[MED_MAX_WORD];
    size_t len = med_fold(word, strlen(word), key);
    if (!len) {
        fail(L, GLOSSA_ECONFIG, "%s: empty or overlong word \"%.40s\"", what,
             word);
        return NULL;
    }
    return entry_get(L, key, len);
}

/* ---- Reading JSON ------------------------------------------------------ */

static json_t *load_json(loader_t *L, const char *path)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root) {
        int code = (jerr.line <= 0 && jerr.position == 0) ? GLOSSA_ENOENT
                                                          : GLOSSA_EPARSE;
        if (code == GLOSSA_ENOENT)
            fail(L, code, "%s: cannot read: %s", path, jerr.text);
        else
            fail(L, code, "%s:%d:%d: %s", path, jerr.line, jerr.column,
                 jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        fail(L, GLOSSA_ECONFIG, "%s: the top level must be an object", path);
        return NULL;
    }
    return root;
}

/* Calls fn for each string of the array at obj[key] (absent: nothing). */
static int each_string(loader_t *L, const char *path, json_t *obj,
                       const char *key,
                       int (*fn)(loader_t *, const char *, void *), void *ud)
{
    json_t *arr = json_object_get(obj, key);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return fail(L, GLOSSA_ECONFIG, "%s: \"%s\" must be an array", path,
                    key);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (!json_is_string(v))
            return fail(L, GLOSSA_ECONFIG, "%s: \"%s\"[%zu] must be a string",
                        path, key, i);
        int rc = fn(L, json_string_value(v), ud);
        if (rc)
            return rc;
    }
    return 0;
}

static int set_flag(loader_t *L, const char *word, void *ud)
{
    med_entry_t *e = word_get(L, word, "rules");
    if (!e)
        return L->rc;
    e->flags |= *(const uint32_t *)ud;
    return 0;
}

typedef struct factor_spec {
    uint32_t flag;
    int is_mult; /* store in mult (else intens) */
    double lo, hi;
} factor_spec_t;

static int each_factor(loader_t *L, const char *path, json_t *obj,
                       const char *key, const factor_spec_t *spec)
{
    json_t *map = json_object_get(obj, key);
    if (!map)
        return 0;
    if (!json_is_object(map))
        return fail(L, GLOSSA_ECONFIG, "%s: \"%s\" must be an object", path,
                    key);
    const char *word;
    json_t *v;
    json_object_foreach(map, word, v)
    {
        if (!json_is_number(v) || json_number_value(v) < spec->lo ||
            json_number_value(v) > spec->hi)
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"%s\".\"%s\" must be a number in [%g, %g]", path,
                        key, word, spec->lo, spec->hi);
        med_entry_t *e = word_get(L, word, path);
        if (!e)
            return L->rc;
        e->flags |= spec->flag;
        if (spec->is_mult)
            e->mult = (float)json_number_value(v);
        else
            e->intens = (float)json_number_value(v);
    }
    return 0;
}

/* ---- Patterns ----------------------------------------------------------- */

/* Parses "word word* word" into elements and links the pattern under its
 * head key. */
static int pattern_add(loader_t *L, const char *path, const char *text,
                       int kind, int gap, double weight)
{
    mediation_model_t *m = L->m;
    if (m->n_patterns == m->cap_patterns) {
        size_t cap = m->cap_patterns ? m->cap_patterns * 2 : 256;
        med_pattern_t *p = realloc(m->patterns, cap * sizeof(*p));
        if (!p)
            return fail(L, GLOSSA_ENOMEM, "out of memory");
        m->patterns = p;
        m->cap_patterns = cap;
    }
    med_pattern_t pat = {0};
    pat.elem_first = (uint32_t)m->n_elems;
    pat.kind = (uint8_t)kind;
    pat.gap = (uint8_t)gap;
    pat.weight = (float)weight;
    pat.next = -1;
    if (pool_add(L, text, strlen(text), &pat.text))
        return L->rc;

    const char *s = text;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        char key[MED_MAX_WORD];
        size_t len = med_fold(s, (size_t)(e - s), key);
        int prefix = len > 0 && key[len - 1] == '*';
        if (prefix)
            len--;
        if (!len || memchr(key, '*', len))
            return fail(L, GLOSSA_ECONFIG,
                        "%s: pattern \"%s\": bad word \"%.*s\"", path, text,
                        (int)(e - s), s);
        if (prefix && pat.n_elem == 0 && (len < 3 || len > MED_MAX_PREFIX))
            return fail(L, GLOSSA_ECONFIG,
                        "%s: pattern \"%s\": a leading prefix needs 3 to %d "
                        "letters",
                        path, text, MED_MAX_PREFIX);
        if (m->n_elems == m->cap_elems) {
            size_t cap = m->cap_elems ? m->cap_elems * 2 : 512;
            med_elem_t *el = realloc(m->elems, cap * sizeof(*el));
            if (!el)
                return fail(L, GLOSSA_ENOMEM, "out of memory");
            m->elems = el;
            m->cap_elems = cap;
        }
        med_elem_t *el = &m->elems[m->n_elems++];
        if (pool_add(L, key, len, &el->key))
            return L->rc;
        el->len = (uint16_t)len;
        el->prefix = (uint8_t)prefix;
        pat.n_elem++;
        s = e;
    }
    if (pat.n_elem == 0)
        return fail(L, GLOSSA_ECONFIG, "%s: empty pattern", path);

    /* Link under the head key: "word", or "prefix*" for a prefix head. */
    const med_elem_t *head = &m->elems[pat.elem_first];
    char hk[MED_MAX_WORD + 1];
    memcpy(hk, m->pool + head->key, head->len);
    size_t hlen = head->len;
    if (head->prefix)
        hk[hlen++] = '*';
    med_entry_t *he = entry_get(L, hk, hlen);
    if (!he)
        return L->rc;
    if (head->prefix) {
        he->flags |= W_PREFIX_KEY;
        size_t c = med_prefix3(hk, head->len);
        size_t i = (c * 2654435761u) & (MED_PREFIX_SLOTS - 1);
        while (m->prefix_class[i] && m->prefix_class[i] != c + 1)
            i = (i + 1) & (MED_PREFIX_SLOTS - 1);
        if (!m->prefix_class[i]) {
            if (m->n_prefix_classes == MED_PREFIX_SLOTS / 2)
                return fail(L, GLOSSA_ETOOBIG,
                            "%s: pattern \"%s\": more than %d different "
                            "three-letter starts of prefix patterns",
                            path, text, MED_PREFIX_SLOTS / 2);
            m->prefix_class[i] = (uint32_t)(c + 1);
            m->n_prefix_classes++;
            m->prefix3[c / 8] |= (uint8_t)(1u << (c % 8));
        }
        m->prefix_lens[i] |= 1u << head->len;
    }
    /* Append at the end of the chain so that matching order follows the
     * files' order. */
    size_t idx = m->n_patterns;
    m->patterns[m->n_patterns++] = pat;
    if (kind == PAT_TARGET) {
        size_t c = med_prefix3(hk, head->len);
        m->target3[c / 8] |= (uint8_t)(1u << (c % 8));
    }
    if (he->pat_head < 0) {
        he->pat_head = (int32_t)idx;
    } else {
        int32_t p = he->pat_head;
        while (m->patterns[p].next >= 0)
            p = m->patterns[p].next;
        m->patterns[p].next = (int32_t)idx;
    }
    return 0;
}

typedef struct pat_ctx {
    const char *path;
    int kind;
} pat_ctx_t;

static int add_simple_pattern(loader_t *L, const char *text, void *ud)
{
    const pat_ctx_t *pc = ud;
    return pattern_add(L, pc->path, text, pc->kind, 0, 0.0);
}

/* ---- Rules -------------------------------------------------------------- */

/* The rules file's "weights": every key, its field and its range. */
typedef struct weight_spec {
    const char *key;
    size_t offset;
    int is_int;
    double lo, hi;
} weight_spec_t;

#define WEIGHT(field, lo, hi)                                                  \
    {                                                                          \
#field, offsetof(med_weights_t, field), 0, lo, hi                      \
    }
#define WEIGHT_INT(field, lo, hi)                                              \
    {                                                                          \
#field, offsetof(med_weights_t, field), 1, lo, hi                      \
    }

static const weight_spec_t WEIGHTS[] = {
    WEIGHT(general_scale, 0, 4),
    WEIGHT(negation_general, -2, 2),
    WEIGHT(negation_domain, -2, 2),
    WEIGHT_INT(negation_window, 0, 16),
    WEIGHT_INT(intensifier_window, 0, 16),
    WEIGHT(typical_valence, 0.1, 4),
    WEIGHT_INT(shifter_window, 0, 16),
    WEIGHT(shifter_factor, 0, 2),
    WEIGHT(irrealis, 0, 2),
    WEIGHT(contrast_weak, 0, 4),
    WEIGHT(contrast_strong, 0, 4),
    WEIGHT(off_target_clause, 0, 2),
    WEIGHT_INT(scare_quote_max_words, 0, 16),
    WEIGHT(scare_quote_positive, -2, 2),
    WEIGHT(scare_quote_negative, -2, 2),
    WEIGHT(scare_quote_role, -1, 1),
    WEIGHT(combine_rest, 0, 2),
};

static void weights_default(med_weights_t *w)
{
    memset(w, 0, sizeof(*w));
    w->general_scale = 0.5;
    w->negation_general = -0.74;
    w->negation_domain = -1.0;
    w->negation_window = 5;
    w->intensifier_window = 3;
    w->typical_valence = 2.0;
    w->shifter_window = 3;
    w->shifter_factor = 1.0;
    w->irrealis = 0.3;
    w->contrast_weak = 0.5;
    w->contrast_strong = 1.5;
    w->off_target_clause = 0.5;
    w->scare_quote_max_words = 3;
    w->scare_quote_positive = -0.5;
    w->scare_quote_negative = 0.5;
    w->scare_quote_role = -0.3;
    w->combine_rest = 0.1;
}

static int load_levels(loader_t *L, const char *path, json_t *levels)
{
    med_weights_t *w = &L->m->w;
    size_t n = json_array_size(levels);
    if (!json_is_array(levels) || n > MED_MAX_LEVELS)
        return fail(L, GLOSSA_ECONFIG,
                    "%s: \"weights\".\"score_levels\" must be an array of "
                    "at most %d numbers",
                    path, MED_MAX_LEVELS);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(levels, i);
        if (!json_is_number(x) || json_number_value(x) <= 0 ||
            json_number_value(x) > 1)
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"weights\".\"score_levels\"[%zu] must be a "
                        "number in (0, 1]",
                        path, i);
        w->levels[i] = json_number_value(x);
    }
    w->n_levels = (int)n;
    return 0;
}

/* Keys absent from "weights" keep their defaults. */
static int load_weights(loader_t *L, const char *path, json_t *root)
{
    json_t *wj = json_object_get(root, "weights");
    if (!wj)
        return 0;
    if (!json_is_object(wj))
        return fail(L, GLOSSA_ECONFIG, "%s: \"weights\" must be an object",
                    path);
    const char *key;
    json_t *v;
    json_object_foreach(wj, key, v)
    {
        if (strcmp(key, "score_levels") == 0) {
            if (load_levels(L, path, v))
                return L->rc;
            continue;
        }
        const weight_spec_t *spec = NULL;
        for (size_t i = 0; i < sizeof WEIGHTS / sizeof WEIGHTS[0]; i++)
            if (strcmp(WEIGHTS[i].key, key) == 0)
                spec = &WEIGHTS[i];
        if (!spec)
            return fail(L, GLOSSA_ECONFIG, "%s: unknown weight \"%s\"", path,
                        key);
        double x = json_number_value(v);
        if (!json_is_number(v) || x < spec->lo || x > spec->hi ||
            (spec->is_int && !json_is_integer(v)))
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"weights\".\"%s\" must be %s in [%g, %g]", path,
                        key, spec->is_int ? "an integer" : "a number", spec->lo,
                        spec->hi);
        char *field = (char *)&L->m->w + spec->offset;
        if (spec->is_int)
            *(int *)(void *)field = (int)x;
        else
            *(double *)(void *)field = x;
    }
    return 0;
}

static int load_rules(loader_t *L, const char *path)
{
    json_t *root = load_json(L, path);
    if (!root)
        return L->rc;
    static const struct {
        const char *key;
        uint32_t flag;
    } lists[] = {
        {"negators", W_NEGATOR},
        {"irrealis", W_IRREALIS},
        {"contrast_after", W_CONTRAST_AFTER | W_CLAUSE},
        {"contrast_before", W_CONTRAST_BEFORE | W_CLAUSE},
        {"clause_words", W_CLAUSE},
        {"shifters", W_SHIFTER},
        {"say_verbs", W_SAY},
        {"stance_verbs", W_STANCE},
        {"denial_verbs", W_STANCE | W_DENIAL},
        {"reciprocal_verbs", W_RECIPROCAL},
        {"according", W_ACCORDING},
        {"pronouns_person", W_PRON_PERSON},
        {"pronouns_we", W_PRON_WE},
        {"subject_skip", W_SUBJ_SKIP},
        {"subject_heads", W_SUBJ_HEAD},
        {"titles", W_TITLE},
        {"generic_titles", W_TITLE | W_GENERIC_TITLE},
        {"determiners", W_DET},
        {"relatives", W_RELATIVE},
        {"passive_auxiliaries", W_PASSIVE_AUX},
        {"agent_markers", W_AGENT},
        {"conjunctions", W_CONJ},
        {"neutral_words", W_NEUTRAL},
    };
    static const char *const other_keys[] = {
        "description",       "intensifiers", "hedges", "modals",
        "fixed_expressions", "weights",      NULL};
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        int known = 0;
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
            known |= strcmp(lists[i].key, key) == 0;
        for (size_t i = 0; other_keys[i]; i++)
            known |= strcmp(other_keys[i], key) == 0;
        if (!known) {
            /* The message quotes the key, which root owns. */
            fail(L, GLOSSA_ECONFIG, "%s: unknown key \"%s\"", path, key);
            json_decref(root);
            return L->rc;
        }
    }
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof lists / sizeof lists[0]; i++) {
        uint32_t flag = lists[i].flag;
        rc = each_string(L, path, root, lists[i].key, set_flag, &flag);
    }
    static const factor_spec_t intens = {W_INTENS, 0, -1.0, 1.0};
    static const factor_spec_t hedges = {W_HEDGE, 1, 0.0, 1.0};
    static const factor_spec_t modals = {W_MODAL, 1, 0.0, 1.0};
    if (!rc)
        rc = each_factor(L, path, root, "intensifiers", &intens);
    if (!rc)
        rc = each_factor(L, path, root, "hedges", &hedges);
    if (!rc)
        rc = each_factor(L, path, root, "modals", &modals);
    if (!rc) {
        pat_ctx_t pc = {path, PAT_FIXED};
        rc = each_string(L, path, root, "fixed_expressions", add_simple_pattern,
                         &pc);
    }
    if (!rc)
        rc = load_weights(L, path, root);
    json_decref(root);
    return rc;
}

/* ---- Lexicon ------------------------------------------------------------ */

/* One "word<TAB>valence" per line; '#' starts a comment line. A later
 * line for the same word replaces the earlier valence. */
static int load_lexicon(loader_t *L, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return fail(L, errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO,
                    "%s: cannot open: %s", path, strerror(errno));
    char line[512];
    int lineno = 0;
    int rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == sizeof line - 1 && line[n - 1] != '\n') {
            rc = fail(L, GLOSSA_EPARSE, "%s:%d: line too long", path, lineno);
            break;
        }
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line) {
            rc = fail(L, GLOSSA_EPARSE, "%s:%d: expected word<TAB>valence",
                      path, lineno);
            break;
        }
        *tab = '\0';
        char *end;
        errno = 0;
        double val = strtod(tab + 1, &end);
        if (end == tab + 1 || (*end && *end != '\t') || errno || val < -4.0 ||
            val > 4.0) {
            rc = fail(L, GLOSSA_EPARSE,
                      "%s:%d: valence must be a number in [-4, 4]", path,
                      lineno);
            break;
        }
        med_entry_t *e = word_get(L, line, path);
        if (!e) {
            rc = L->rc;
            break;
        }
        e->valence = (float)val;
    }
    if (!rc && ferror(f))
        rc = fail(L, GLOSSA_EIO, "%s: read error", path);
    fclose(f);
    return rc;
}

/* ---- Profile ------------------------------------------------------------ */

/* Flags a name: its folded full form with `flag`, and for people also its
 * last word with `person_flag`, since a document's canonical name may be
 * the surname alone. */
typedef struct name_ctx {
    const char *path;
    uint32_t flag, person_flag;
} name_ctx_t;

static int add_name(loader_t *L, const char *name, void *ud)
{
    const name_ctx_t *nc = ud;
    char key[MED_MAX_WORD];
    size_t len = med_fold(name, strlen(name), key);
    if (!len)
        return fail(L, GLOSSA_ECONFIG, "%s: bad name \"%.40s\"", nc->path,
                    name);
    med_entry_t *e = entry_get(L, key, len);
    if (!e)
        return L->rc;
    e->flags |= nc->flag;
    if (nc->person_flag) {
        size_t s = len;
        while (s > 0 && key[s - 1] != ' ')
            s--;
        e = entry_get(L, key + s, len - s);
        if (!e)
            return L->rc;
        e->flags |= nc->person_flag;
    }
    return 0;
}

static int set_neutral(loader_t *L, const char *word, void *ud)
{
    (void)ud;
    med_entry_t *e = word_get(L, word, "neutral_terms");
    if (!e)
        return L->rc;
    e->flags |= W_NEUTRAL;
    return 0;
}

static int load_polarity_cues(loader_t *L, const char *path, json_t *root)
{
    json_t *arr = json_object_get(root, "polarity_cues");
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return fail(L, GLOSSA_ECONFIG, "%s: \"polarity_cues\" must be an array",
                    path);
    size_t i;
    json_t *cue;
    json_array_foreach(arr, i, cue)
    {
        json_t *pat = json_object_get(cue, "pattern");
        json_t *wt = json_object_get(cue, "weight");
        json_t *gap = json_object_get(cue, "gap");
        if (!json_is_object(cue) || !json_is_string(pat))
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"polarity_cues\"[%zu] needs a \"pattern\" "
                        "string",
                        path, i);
        if (!json_is_number(wt) || json_number_value(wt) < -1.0 ||
            json_number_value(wt) > 1.0 || json_number_value(wt) == 0.0)
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"polarity_cues\"[%zu] (\"%s\"): \"weight\" "
                        "must be a non-zero number in [-1, 1]",
                        path, i, json_string_value(pat));
        if (gap && (!json_is_integer(gap) || json_integer_value(gap) < 0 ||
                    json_integer_value(gap) > 8))
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"polarity_cues\"[%zu]: \"gap\" must be an "
                        "integer in [0, 8]",
                        path, i);
        int rc = pattern_add(L, path, json_string_value(pat), PAT_POLARITY,
                             gap ? (int)json_integer_value(gap) : 0,
                             json_number_value(wt));
        if (rc)
            return rc;
    }
    return 0;
}

static int load_profile(loader_t *L, const char *path, int depth);

static int load_includes(loader_t *L, const char *path, json_t *root, int depth)
{
    json_t *inc = json_object_get(root, "include");
    if (!inc)
        return 0;
    if (!json_is_array(inc))
        return fail(L, GLOSSA_ECONFIG, "%s: \"include\" must be an array",
                    path);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path + 1) : 0;
    size_t i;
    json_t *v;
    json_array_foreach(inc, i, v)
    {
        if (!json_is_string(v))
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"include\"[%zu] must be a string", path, i);
        const char *rel = json_string_value(v);
        char sub[4096];
        int n = rel[0] == '/' ? snprintf(sub, sizeof sub, "%s", rel)
                              : snprintf(sub, sizeof sub, "%.*s%s",
                                         (int)dir_len, path, rel);
        if (n < 0 || (size_t)n >= sizeof sub)
            return fail(L, GLOSSA_ECONFIG, "%s: include path too long", path);
        int rc = load_profile(L, sub, depth + 1);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_target(loader_t *L, const char *path, json_t *target)
{
    if (!json_is_object(target))
        return fail(L, GLOSSA_ECONFIG, "%s: \"target\" must be an object",
                    path);
    if (L->m->target_name)
        return fail(L, GLOSSA_ECONFIG,
                    "%s: a second \"target\"; a profile and its includes "
                    "name exactly one",
                    path);
    json_t *name = json_object_get(target, "name");
    if (!json_is_string(name) || !json_string_length(name))
        return fail(L, GLOSSA_ECONFIG,
                    "%s: \"target\".\"name\" must be a non-empty string", path);
    static const char *const known[] = {"name", "entities", "persons",
                                        "surface", NULL};
    const char *key;
    json_t *v;
    json_object_foreach(target, key, v)
    {
        size_t k = 0;
        while (known[k] && strcmp(known[k], key) != 0)
            k++;
        if (!known[k])
            return fail(L, GLOSSA_ECONFIG, "%s: unknown key \"target\".\"%s\"",
                        path, key);
    }
    if (pool_add(L, json_string_value(name), json_string_length(name),
                 &L->m->target_name))
        return L->rc;
    name_ctx_t ent = {path, N_TARGET, 0};
    name_ctx_t per = {path, N_TARGET, N_TARGET_PERSON};
    pat_ctx_t surf = {path, PAT_TARGET};
    const char *tn = json_string_value(name);
    if (add_name(L, tn, &ent) ||
        each_string(L, path, target, "entities", add_name, &ent) ||
        each_string(L, path, target, "persons", add_name, &per) ||
        each_string(L, path, target, "surface", add_simple_pattern, &surf))
        return L->rc;
    return 0;
}

static int load_context(loader_t *L, const char *path, json_t *ctx)
{
    if (!json_is_object(ctx))
        return fail(L, GLOSSA_ECONFIG, "%s: \"context\" must be an object",
                    path);
    const char *key;
    json_t *v;
    json_object_foreach(ctx, key, v)
    {
        if (strcmp(key, "entities") != 0 && strcmp(key, "window") != 0)
            return fail(L, GLOSSA_ECONFIG, "%s: unknown key \"context\".\"%s\"",
                        path, key);
    }
    json_t *win = json_object_get(ctx, "window");
    if (win) {
        if (!json_is_integer(win) || json_integer_value(win) < 0 ||
            json_integer_value(win) > 1000)
            return fail(L, GLOSSA_ECONFIG,
                        "%s: \"context\".\"window\" must be an integer in "
                        "[0, 1000]",
                        path);
        L->m->context_window = (int)json_integer_value(win);
    }
    name_ctx_t nc = {path, N_PARTY, N_PARTY_PERSON};
    return each_string(L, path, ctx, "entities", add_name, &nc);
}

static int load_profile(loader_t *L, const char *path, int depth)
{
    if (depth > MAX_INCLUDE_DEPTH)
        return fail(L, GLOSSA_ECONFIG,
                    "%s: includes nested deeper than %d (a cycle?)", path,
                    MAX_INCLUDE_DEPTH);
    json_t *root = load_json(L, path);
    if (!root)
        return L->rc;
    static const char *const known[] = {"description",   "include",
                                        "target",        "context",
                                        "role_cues",     "context_cues",
                                        "anaphors",      "polarity_cues",
                                        "neutral_terms", NULL};
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(root, key, v)
    {
        size_t k = 0;
        while (known[k] && strcmp(known[k], key) != 0)
            k++;
        if (!known[k]) {
            rc = fail(L, GLOSSA_ECONFIG, "%s: unknown key \"%s\"", path, key);
            break;
        }
    }
    if (!rc)
        rc = load_includes(L, path, root, depth);
    if (!rc && json_object_get(root, "target"))
        rc = load_target(L, path, json_object_get(root, "target"));
    if (!rc && json_object_get(root, "context"))
        rc = load_context(L, path, json_object_get(root, "context"));
    pat_ctx_t role = {path, PAT_ROLE}, ctx = {path, PAT_CONTEXT},
              ana = {path, PAT_ANAPHOR};
    if (!rc)
        rc = each_string(L, path, root, "role_cues", add_simple_pattern, &role);
    if (!rc)
        rc = each_string(L, path, root, "context_cues", add_simple_pattern,
                         &ctx);
    if (!rc)
        rc = each_string(L, path, root, "anaphors", add_simple_pattern, &ana);
    if (!rc)
        rc = load_polarity_cues(L, path, root);
    if (!rc)
        rc = each_string(L, path, root, "neutral_terms", set_neutral, NULL);
    json_decref(root);
    return rc;
}

/* ---- Public ------------------------------------------------------------- */

int mediation_model_load(const char *profile_path, const char *lexicon_path,
                         const char *rules_path,
                         const mediation_settings_t *settings,
                         mediation_model_t **out, char *err, size_t err_size)
{
    *out = NULL;
    if (err && err_size)
        err[0] = '\0';
    mediation_model_t *m = calloc(1, sizeof(*m));
    loader_t L = {m, err, err_size, 0};
    if (!m)
        return fail(&L, GLOSSA_ENOMEM, "out of memory");
    weights_default(&m->w);

    m->context_window = 5;
    if (settings)
        m->settings = *settings;
    else
        mediation_settings_init(&m->settings);
    if (m->settings.threshold < 0 || m->settings.threshold > 1 ||
        m->settings.document_band < 0 || m->settings.document_band > 1)
        fail(&L, GLOSSA_ECONFIG,
             "threshold and document_band must be in [0, 1]");
    /* Offset 0 of the pool means "unset", so the pool starts with "". */
    uint32_t zero;
    if (!L.rc)
        pool_add(&L, "", 0, &zero);
    if (!L.rc)
        load_rules(&L, rules_path);
    if (!L.rc)
        load_lexicon(&L, lexicon_path);
    if (!L.rc)
        load_profile(&L, profile_path, 0);
    if (!L.rc && !m->target_name)
        fail(&L, GLOSSA_ECONFIG,
             "%s: no \"target\" in the profile or its includes", profile_path);
    /* The pronouns, for the shortcut past sentences that cannot be
     * relevant (see mediation_internal.h). */
    for (size_t e = 0; !L.rc && e < m->n_entries; e++) {
        if (!(m->entries[e].flags & (W_PRON_PERSON | W_PRON_WE)))
            continue;
        if (m->n_pronouns == MED_MAX_PRONOUNS)
            m->pronouns_overflow = 1;
        else
            m->pronouns[m->n_pronouns++] = (uint32_t)e;
    }
    if (L.rc) {
        mediation_model_free(m);
        return L.rc;
    }
    *out = m;
    return 0;
}

void mediation_model_free(mediation_model_t *m)
{
    if (!m)
        return;
    free(m->pool);
    free(m->entries);
    free(m->slots);
    free(m->elems);
    free(m->patterns);
    free(m);
}

const char *mediation_model_target(const mediation_model_t *m)
{
    return med_str(m, m->target_name);
}

mediation_label_t mediation_label_parse(const char *label)
{
    if (!label)
        return MEDIATION_OTHER;
    if (strcmp(label, "PERSON") == 0)
        return MEDIATION_PERSON;
    if (strcmp(label, "ORG") == 0)
        return MEDIATION_ORG;
    if (strcmp(label, "GPE") == 0)
        return MEDIATION_GPE;
    if (strcmp(label, "LOC") == 0)
        return MEDIATION_LOC;
    if (strcmp(label, "NORP") == 0)
        return MEDIATION_NORP;
    return MEDIATION_OTHER;
}

const char *mediation_polarity_name(mediation_polarity_t p)
{
    return p == MEDIATION_POSITIVE   ? "positive"
           : p == MEDIATION_NEGATIVE ? "negative"
                                     : "neutral";
}
