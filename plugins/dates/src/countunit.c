/* The count-before-unit check (countunit.h). */
#include "countunit.h"

#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

#include "internal.h"

/* The sub-patterns a count is made of, as patterns/base.txt writes them
 * (continuation lines joined). The words a count can end with are read
 * off them below (count_words); if one of them changes, the check is not
 * built and the rule runs as before, until this code is brought along. */
static const char EXPECT_COUNT[] =
    "(?:%digits_frac|%digits_num|%number_words)(?:\\s+and\\s+a\\s+half)?";
static const char EXPECT_DIGITS_NUM[] = "\\d{1,3}(?:,\\d{3})+|\\d+(?:\\.\\d+)?";
static const char EXPECT_DIGITS_FRAC[] = "\\d+(?:\\s+|-)1/2";
static const char EXPECT_SMALL_COUNT[] = "\\d{1,3}|%number";
static const char EXPECT_NUMBER_WORDS[] =
    "(?:a\\s+few|a\\s+couple(?:\\s+of)?|a\\s+dozen|a\\s+number\\s+of|half\\s+"
    "a|(?:a|an)(?![\\s-]+(?!hundred\\b|thousand\\b)%number\\b)|(?!(?:a|an)"
    "\\b)%number)(?:[\\s-]+(?:and\\s+)?(?!(?:a|an)\\b)%number)*";

/* The words those sub-patterns spell out that a count can end with:
 * digits_num and digits_frac end in a digit; number_words in one of these
 * or in a key of the number lexicon; count in "half". */
static const char *const COUNT_WORDS[] = {"few", "couple", "of",  "dozen",
                                          "a",   "an",     "half"};

/* A set of lowercase ASCII words: open addressing, power-of-two size. */
typedef struct word_set {
    char (*keys)[DATES_MAX_WORD + 1];
    size_t size;
    size_t max_len; /* the longest word */
} word_set_t;

struct dates_count_unit {
    word_set_t units;  /* the first run of letters of each unit word */
    word_set_t counts; /* the last run of letters a count or modifier
                        * can end with */
    bool space[256];   /* what PCRE2's \s matches */
    /* The unit is in a lookahead, where no word bound follows it: the
     * text's run of letters need only start with a unit's first run. */
    bool unit_prefix;
    bool unit_first[256]; /* the first letters of units, in either case */
};

static bool is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* The slot of the lowercase key whose hash is h, or the empty slot where
 * it would go. */
static size_t set_probe(const word_set_t *set, const char *key, uint64_t h)
{
    size_t mask = set->size - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask)
        if (set->keys[i][0] == '\0' || strcmp(set->keys[i], key) == 0)
            return i;
}

/* Finds w[0, n) (any case) in set: its slot, or the empty slot where it
 * would go; (size_t)-1 when it cannot be a member (too long). */
static size_t set_slot(const word_set_t *set, const char *w, size_t n)
{
    if (n == 0 || n > DATES_MAX_WORD)
        return (size_t)-1;
    char key[DATES_MAX_WORD + 1];
    uint64_t h = DATES_HASH_START;
    for (size_t i = 0; i < n; i++) {
        key[i] = (char)(w[i] | 0x20); /* ASCII letters only reach here */
        h = dates__trigger_hash_add(h, (unsigned char)key[i]);
    }
    key[n] = '\0';
    return set_probe(set, key, h);
}

static bool set_has(const word_set_t *set, const char *w, size_t n)
{
    if (n > set->max_len)
        return false;
    size_t i = set_slot(set, w, n);
    return i != (size_t)-1 && set->keys[i][0] != '\0';
}

/* Adds w[0, n) of letters; false when it is too long. The set was sized
 * for every word it gets (set_init). */
static bool set_add(word_set_t *set, const char *w, size_t n)
{
    size_t i = set_slot(set, w, n);
    if (i == (size_t)-1)
        return false;
    for (size_t k = 0; k < n; k++)
        set->keys[i][k] = (char)(w[k] | 0x20);
    set->keys[i][n] = '\0';
    if (n > set->max_len)
        set->max_len = n;
    return true;
}

static int set_init(word_set_t *set, size_t words)
{
    set->size = 16;
    while (set->size < 2 * words)
        set->size *= 2;
    set->keys = calloc(set->size, sizeof *set->keys);
    set->max_len = 0;
    return set->keys ? 0 : GLOSSA_ENOMEM;
}

/* ---- The shape of the rule's pattern ------------------------------------ */

/* Skips the character class opening at p ('['); returns what follows it,
 * or NULL when it does not close. */
static const char *skip_class(const char *p)
{
    p++;
    if (*p == '^')
        p++;
    if (*p == ']')
        p++;
    for (; *p; p++) {
        if (*p == '\\') {
            if (!*++p)
                return NULL;
        } else if (*p == ']') {
            return p + 1;
        }
    }
    return NULL;
}

/* Skips the group opening at p ('('), nested groups, escapes and classes
 * included; returns what follows its ')', or NULL. */
static const char *skip_group(const char *p)
{
    int depth = 0;
    while (*p) {
        if (*p == '\\') {
            if (!p[1])
                return NULL;
            p += 2;
        } else if (*p == '[') {
            p = skip_class(p);
            if (!p)
                return NULL;
        } else {
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth == 0)
                return p + 1;
            p++;
        }
    }
    return NULL;
}

/* The length of the opening of a group at p that a match must go through
 * whatever it matches: a plain or named capture, (?:...), or a positive
 * lookahead (whose text lies ahead of the match's start, within the
 * subject); 0 for any other group. *lookahead tells the last. */
static size_t enclosing_open(const char *p, bool *lookahead)
{
    *lookahead = false;
    if (p[1] != '?')
        return p[1] == '*' ? 0 : 1; /* not (*VERB) */
    if (p[2] == ':')
        return 3;
    if (p[2] == '=') {
        *lookahead = true;
        return 3;
    }
    /* (?<name>...); not (?<=...), (?<!...) */
    if (p[2] != '<' || !(is_letter((unsigned char)p[3]) || p[3] == '_'))
        return 0;
    const char *q = p + 3;
    while (*q && *q != '>')
        q++;
    return *q ? (size_t)(q + 1 - p) : 0;
}

/* Does every match of the text before at (the start of the sequence)
 * lead into it: is at outside any alternation, and inside only groups
 * a match goes through (enclosing_open), opened of them? *lookahead
 * tells whether one is a lookahead. */
static bool prefix_leads_in(const char *raw, const char *at, int opened,
                            bool *lookahead)
{
    *lookahead = false;
    enum { MAX_DEPTH = 64 };
    int depth = 0;
    const char *p = raw;
    while (p < at) {
        if (*p == '\\') {
            p += 2;
        } else if (*p == '[') {
            p = skip_class(p);
            if (!p || p > at)
                return false;
        } else if (*p == '(') {
            const char *end = skip_group(p);
            if (!end)
                return false;
            if (end <= at) {
                p = end; /* a whole item before the sequence */
                continue;
            }
            /* A group the sequence is in. */
            bool ahead;
            size_t open = enclosing_open(p, &ahead);
            if (!open || ++depth > MAX_DEPTH)
                return false;
            *lookahead = *lookahead || ahead;
            p += open;
        } else if (*p == '|' || *p == ')') {
            /* An alternative next to the sequence, or a stray ')'. */
            return false;
        } else {
            p++;
        }
    }
    return p == at && depth == opened;
}

/* Reads what follows the unit: lookaheads and the ')' of the groups the
 * sequence is in, to the end. Returns how many ')', or -1. */
static int tail_closes(const char *p)
{
    int closes = 0;
    while (*p) {
        if (p[0] == '(' && p[1] == '?' && (p[2] == '!' || p[2] == '=')) {
            p = skip_group(p);
            if (!p)
                return -1;
        } else if (*p == ')') {
            closes++;
            p++;
        } else {
            return -1;
        }
    }
    return closes;
}

/* Adds the modifier words of "(?:(?:more|extra|...)\s+)*" at *pp (if it
 * is there) to set, and moves *pp past it. False when the group is there
 * but not of that form. */
static bool read_modifiers(const char **pp, word_set_t *set)
{
    static const char OPEN[] = "(?:(?:", CLOSE[] = ")\\s+)*";
    const char *p = *pp;
    if (strncmp(p, OPEN, sizeof OPEN - 1) != 0)
        return true;
    p += sizeof OPEN - 1;
    for (;;) {
        const char *w = p;
        while (*p >= 'a' && *p <= 'z')
            p++;
        if (p == w || !set_add(set, w, (size_t)(p - w)))
            return false;
        if (*p != '|')
            break;
        p++;
    }
    if (strncmp(p, CLOSE, sizeof CLOSE - 1) != 0)
        return false;
    *pp = p + sizeof CLOSE - 1;
    return true;
}

static bool same(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

/* Fills the space table with what PCRE2 takes for \s, with the tables
 * the rules are compiled with (the defaults). */
static int read_spaces(bool space[256])
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR) "\\s", 2, PCRE2_ANCHORED, &ec, &eo, NULL);
    pcre2_match_data *md = re ? pcre2_match_data_create(1, NULL) : NULL;
    if (!md) {
        pcre2_code_free(re);
        return GLOSSA_ENOMEM;
    }
    for (int b = 0; b < 256; b++) {
        unsigned char c = (unsigned char)b;
        space[b] = pcre2_match(re, &c, 1, 0, 0, md, NULL) > 0;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return 0;
}

void dates__count_unit_free(dates_count_unit_t *cu)
{
    if (!cu)
        return;
    free(cu->units.keys);
    free(cu->counts.keys);
    free(cu);
}

int dates__count_unit_build(const char *raw, bool bounds, const char *count,
                            const char *digits_num, const char *digits_frac,
                            const char *number_words, const char *small_count,
                            const dates_lexicon_t *number,
                            const dates_lexicon_t *unit,
                            dates_count_unit_t **out)
{
    /* A count, white space, modifiers, the unit; or a small count, white
     * space and the unit ("two or three years"). */
    static const char SEQ[] = "(?<n>%count)\\s+", UNIT[] = "(?<u>%unit)",
                      SMALL_SEQ[] = "%small_count\\s+(?<u>%unit)";
    *out = NULL;
    const char *at = strstr(raw, SEQ), *after = NULL;
    if (at && !strstr(at + 1, SEQ) && same(count, EXPECT_COUNT) &&
        same(digits_num, EXPECT_DIGITS_NUM) &&
        same(digits_frac, EXPECT_DIGITS_FRAC) &&
        same(number_words, EXPECT_NUMBER_WORDS)) {
        after = at + sizeof SEQ - 1;
    } else {
        at = strstr(raw, SMALL_SEQ);
        if (!at || strstr(at + 1, SMALL_SEQ) ||
            !same(small_count, EXPECT_SMALL_COUNT))
            return 0;
        after = at + sizeof SMALL_SEQ - 1 - (sizeof UNIT - 1);
    }
    if (!bounds || !number || !unit)
        return 0;
    /* Syntax that changes what the reading below sees. */
    if (strstr(raw, "\\Q") || strstr(raw, "(?x") || strstr(raw, "[:") ||
        strstr(raw, "(?#") || strstr(raw, "(*"))
        return 0;
    dates_count_unit_t *cu = calloc(1, sizeof *cu);
    if (!cu)
        return GLOSSA_ENOMEM;
    size_t nmods = 1;
    for (const char *p = at; *p; p++)
        nmods += *p == '|';
    int rc =
        set_init(&cu->counts,
                 number->n + nmods + sizeof COUNT_WORDS / sizeof *COUNT_WORDS);
    if (rc == 0)
        rc = set_init(&cu->units, unit->n);
    if (rc == 0)
        rc = read_spaces(cu->space);
    if (rc) {
        dates__count_unit_free(cu);
        return rc;
    }
    const char *p = after;
    bool ok = read_modifiers(&p, &cu->counts) &&
              strncmp(p, UNIT, sizeof UNIT - 1) == 0;
    if (ok) {
        int closes = tail_closes(p + sizeof UNIT - 1);
        ok = closes >= 0 && prefix_leads_in(raw, at, closes, &cu->unit_prefix);
    }
    for (size_t i = 0; ok && i < sizeof COUNT_WORDS / sizeof *COUNT_WORDS; i++)
        ok = set_add(&cu->counts, COUNT_WORDS[i], strlen(COUNT_WORDS[i]));
    /* A count in words ends with a number word's last run of letters;
     * one that ends otherwise than in a letter or a digit is not read. */
    for (size_t i = 0; ok && i < number->n; i++) {
        const char *k = number->entries[i].key;
        size_t n = strlen(k), b = n;
        while (b > 0 && is_letter((unsigned char)k[b - 1]))
            b--;
        if (b < n)
            ok = set_add(&cu->counts, k + b, n - b);
        else
            ok = n > 0 && is_digit((unsigned char)k[n - 1]);
    }
    /* A unit word starts with a run of letters, which the text holds
     * whole: after it comes a non-letter of the key, or the end of the
     * match, after which the rule's bounds allow no letter (in a
     * lookahead, none follow: unit_prefix). */
    for (size_t i = 0; ok && i < unit->n; i++) {
        const char *k = unit->entries[i].key;
        size_t n = 0;
        while (is_letter((unsigned char)k[n]))
            n++;
        ok = n > 0 && set_add(&cu->units, k, n);
        if (ok) {
            cu->unit_first[(unsigned char)k[0] | 0x20] = true;
            cu->unit_first[(unsigned char)k[0] & ~0x20] = true;
        }
    }
    if (!ok) {
        dates__count_unit_free(cu);
        return 0;
    }
    *out = cu;
    return 0;
}

/* Does the text end, at q, with a token a count or a modifier can end
 * with: a digit, or a run of letters with one of the words as suffix? */
static bool count_ends_at(const dates_count_unit_t *cu, const char *t, size_t q)
{
    unsigned char c = (unsigned char)t[q];
    if (is_digit(c))
        return true;
    for (size_t n = 1; n <= cu->counts.max_len && n <= q + 1; n++) {
        if (!is_letter((unsigned char)t[q + 1 - n]))
            return false;
        if (set_has(&cu->counts, t + q + 1 - n, n))
            return true;
    }
    return false;
}

/* Can a unit word's first run of letters be where the text has the run
 * w[0, n)? */
static bool unit_at(const dates_count_unit_t *cu, const char *w, size_t n)
{
    if (!cu->unit_first[(unsigned char)w[0]])
        return false;
    if (!cu->unit_prefix)
        return set_has(&cu->units, w, n);
    /* Each prefix, hashed as it grows. */
    char key[DATES_MAX_WORD + 1];
    uint64_t h = DATES_HASH_START;
    for (size_t k = 0; k < n && k < cu->units.max_len; k++) {
        key[k] = (char)(w[k] | 0x20);
        key[k + 1] = '\0';
        h = dates__trigger_hash_add(h, (unsigned char)key[k]);
        if (cu->units.keys[set_probe(&cu->units, key, h)][0] != '\0')
            return true;
    }
    return false;
}

bool dates__count_unit_met(const dates_count_unit_t *cu, const char *text,
                           size_t s, size_t e)
{
    const unsigned char *t = (const unsigned char *)text;
    for (size_t p = s + 1; p < e; p++) {
        if (!cu->space[t[p - 1]] || !is_letter(t[p]))
            continue;
        size_t end = p;
        while (end < e && is_letter(t[end]))
            end++;
        if (unit_at(cu, text + p, end - p)) {
            /* The white space before the unit, and what ends before it
             * (the match, hence the count, starts at s or later). */
            size_t q = p - 1;
            while (q > s && cu->space[t[q]])
                q--;
            if (!cu->space[t[q]] && count_ends_at(cu, text, q))
                return true;
        }
        p = end; /* the next run of letters starts after a non-letter */
    }
    return false;
}
