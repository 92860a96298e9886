/* The model's lookup structures: the string pool, the word table (open
 * addressing with each key's hash in its slot, and a Bloom filter before
 * it), and the patterns, linked under their head key, with the index of
 * prefix heads by their first three letters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediation_loader.h"

/* Appends n bytes plus a NUL; returns the offset or fails. */
int med_pool_add(med_loader_t *L, const char *s, size_t n, uint32_t *off)
{
    mediation_model_t *m = L->m;
    if (m->pool_len + n + 1 > m->pool_cap) {
        size_t cap = m->pool_cap ? m->pool_cap : 4096;
        while (cap < m->pool_len + n + 1)
            cap *= 2;
        if (cap > UINT32_MAX)
            return med_fail(L, GLOSSA_ETOOBIG, "model strings exceed 4 GiB");
        char *p = realloc(m->pool, cap);
        if (!p)
            return med_fail(L, GLOSSA_ENOMEM, "out of memory");
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
    return med_lookup_hashed(m, key, len, med_hash(key, len));
}

const med_entry_t *med_lookup_hashed(const mediation_model_t *m,
                                     const char *key, size_t len, uint32_t h)
{
    return med_lookup_inline(m, key, len, h);
}

static void slot_put(uint64_t *slots, size_t mask, uint32_t h, size_t idx)
{
    size_t i = h & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = ((uint64_t)h << 32) | (uint64_t)(idx + 1);
}

static int table_grow(med_loader_t *L)
{
    mediation_model_t *m = L->m;
    size_t cap = m->slot_mask ? (m->slot_mask + 1) * 2 : 1024;
    uint64_t *slots = calloc(cap, sizeof(*slots));
    if (!slots)
        return med_fail(L, GLOSSA_ENOMEM, "out of memory");
    for (size_t e = 0; e < m->n_entries; e++) {
        const med_entry_t *en = &m->entries[e];
        slot_put(slots, cap - 1, med_hash(m->pool + en->key, en->len), e);
    }
    free(m->slots);
    m->slots = slots;
    m->slot_mask = cap - 1;
    return 0;
}

/* Finds or adds the entry for a key (already folded). */
med_entry_t *med_entry_get(med_loader_t *L, const char *key, size_t len)
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
            med_fail(L, GLOSSA_ENOMEM, "out of memory");
            return NULL;
        }
        m->entries = e;
        m->cap_entries = cap;
    }
    uint32_t off;
    if (med_pool_add(L, key, len, &off))
        return NULL;
    med_entry_t *e = &m->entries[m->n_entries];
    memset(e, 0, sizeof(*e));
    e->key = off;
    e->len = (uint32_t)len;
    e->pat_head = -1;
    uint32_t h = med_hash(key, len);
    slot_put(m->slots, m->slot_mask, h, m->n_entries);
    m->bloom[(h & 0xFFFF) / 64] |= 1ull << ((h & 0xFFFF) % 64);
    m->bloom[(h >> 16) / 64] |= 1ull << ((h >> 16) % 64);
    m->n_entries++;
    return e;
}

med_entry_t *med_word_get(med_loader_t *L, const char *word, const char *what)
{
    char key[MED_MAX_WORD];
    size_t len = med_fold(word, strlen(word), key);
    if (!len) {
        med_fail(L, GLOSSA_ECONFIG, "%s: empty or overlong word \"%.40s\"",
                 what, word);
        return NULL;
    }
    return med_entry_get(L, key, len);
}

/* ---- Patterns ----------------------------------------------------------- */

/* Parses the words of text ("word word* word") into elements of pat:
 * folded, a final '*' making a prefix. Returns 0 or the error. */
static int add_elements(med_loader_t *L, const char *path, const char *text,
                        med_pattern_t *pat)
{
    mediation_model_t *m = L->m;
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
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: pattern \"%s\": bad word \"%.*s\"", path, text,
                            (int)(e - s), s);
        if (prefix && pat->n_elem == 0 && (len < 3 || len > MED_MAX_PREFIX))
            return med_fail(
                L, GLOSSA_ECONFIG,
                "%s: pattern \"%s\": a leading prefix needs 3 to %d "
                "letters",
                path, text, MED_MAX_PREFIX);
        if (m->n_elems == m->cap_elems) {
            size_t cap = m->cap_elems ? m->cap_elems * 2 : 512;
            med_elem_t *el = realloc(m->elems, cap * sizeof(*el));
            if (!el)
                return med_fail(L, GLOSSA_ENOMEM, "out of memory");
            m->elems = el;
            m->cap_elems = cap;
        }
        med_elem_t *el = &m->elems[m->n_elems++];
        if (med_pool_add(L, key, len, &el->key))
            return L->rc;
        el->len = (uint16_t)len;
        el->prefix = (uint8_t)prefix;
        el->hash = med_hash(key, len);
        pat->n_elem++;
        s = e;
    }
    if (pat->n_elem == 0)
        return med_fail(L, GLOSSA_ECONFIG, "%s: empty pattern", path);
    return 0;
}

/* Records a prefix head of len letters (hk, folded) in the index of
 * prefix heads by their three-letter start. Returns 0 or the error. */
static int index_prefix_head(med_loader_t *L, const char *path,
                             const char *text, const char *hk, size_t len)
{
    mediation_model_t *m = L->m;
    size_t c = med_prefix3(hk, len);
    size_t i = (c * 2654435761u) & (MED_PREFIX_SLOTS - 1);
    while (m->prefix_class[i] && m->prefix_class[i] != c + 1)
        i = (i + 1) & (MED_PREFIX_SLOTS - 1);
    if (!m->prefix_class[i]) {
        if (m->n_prefix_classes == MED_PREFIX_SLOTS / 2)
            return med_fail(L, GLOSSA_ETOOBIG,
                            "%s: pattern \"%s\": more than %d different "
                            "three-letter starts of prefix patterns",
                            path, text, MED_PREFIX_SLOTS / 2);
        m->prefix_class[i] = (uint32_t)(c + 1);
        m->n_prefix_classes++;
        m->prefix3[c / 8] |= (uint8_t)(1u << (c % 8));
    }
    m->prefix_lens[i] |= 1u << len;
    return 0;
}

/* Patterns one written pattern may expand to ("a|b c|d" is four). */
#define MAX_EXPANSIONS 256

static int pattern_add_one(med_loader_t *L, const char *path, const char *text,
                           int kind, int gap, double weight);

/* Expands the first word with alternatives ("the|its force") into one
 * pattern per alternative, recursively; *budget counts what may still be
 * added. */
static int pattern_expand(med_loader_t *L, const char *path, const char *text,
                          int kind, int gap, double weight, int *budget)
{
    const char *bar = strchr(text, '|');
    if (!bar) {
        if ((*budget)-- <= 0)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: pattern \"%.60s\" expands to more than %d "
                            "patterns",
                            path, text, MAX_EXPANSIONS);
        return pattern_add_one(L, path, text, kind, gap, weight);
    }
    const char *ws = bar, *we = bar;
    while (ws > text && ws[-1] != ' ')
        ws--;
    while (*we && *we != ' ')
        we++;
    char buf[1024];
    for (const char *a = ws; a < we;) {
        const char *b = a;
        while (b < we && *b != '|')
            b++;
        int n = snprintf(buf, sizeof buf, "%.*s%.*s%s", (int)(ws - text), text,
                         (int)(b - a), a, we);
        if (b == a || n < 0 || (size_t)n >= sizeof buf)
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: pattern \"%.60s\": bad alternatives", path,
                            text);
        int rc = pattern_expand(L, path, buf, kind, gap, weight, budget);
        if (rc)
            return rc;
        a = b < we ? b + 1 : b;
    }
    return 0;
}

int med_pattern_add(med_loader_t *L, const char *path, const char *text,
                    int kind, int gap, double weight)
{
    int budget = MAX_EXPANSIONS;
    return pattern_expand(L, path, text, kind, gap, weight, &budget);
}

static int pattern_add_one(med_loader_t *L, const char *path, const char *text,
                           int kind, int gap, double weight)
{
    mediation_model_t *m = L->m;
    if (m->n_patterns == m->cap_patterns) {
        size_t cap = m->cap_patterns ? m->cap_patterns * 2 : 256;
        med_pattern_t *p = realloc(m->patterns, cap * sizeof(*p));
        if (!p)
            return med_fail(L, GLOSSA_ENOMEM, "out of memory");
        m->patterns = p;
        m->cap_patterns = cap;
    }
    med_pattern_t pat = {0};
    pat.elem_first = (uint32_t)m->n_elems;
    pat.kind = (uint8_t)kind;
    pat.gap = (uint8_t)gap;
    pat.weight = (float)weight;
    pat.next = -1;
    if (med_pool_add(L, text, strlen(text), &pat.text) ||
        add_elements(L, path, text, &pat))
        return L->rc;
    pat.reach = (uint32_t)(pat.n_elem - 1) * (uint32_t)(pat.gap + 1);
    for (size_t k = 1; k < pat.n_elem; k++) {
        const med_elem_t *el = &m->elems[pat.elem_first + k];
        if (!el->prefix)
            pat.need |= UINT64_C(1) << (el->hash & 63);
    }

    /* Link under the head key: "word", or "prefix*" for a prefix head. */
    const med_elem_t *head = &m->elems[pat.elem_first];
    char hk[MED_MAX_WORD + 1];
    memcpy(hk, m->pool + head->key, head->len);
    size_t hlen = head->len;
    if (head->prefix)
        hk[hlen++] = '*';
    med_entry_t *he = med_entry_get(L, hk, hlen);
    if (!he)
        return L->rc;
    if (head->prefix) {
        he->flags |= W_PREFIX_KEY;
        if (index_prefix_head(L, path, text, hk, head->len))
            return L->rc;
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

int med_add_simple_pattern(med_loader_t *L, const char *text, void *ud)
{
    const med_pat_ctx_t *pc = ud;
    return med_pattern_add(L, pc->path, text, pc->kind, 0, 0.0);
}
