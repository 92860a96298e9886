/* Rule prefilters (see prefilter.h).
 *
 * Most rule runs find nothing: a run over a trigger window costs PCRE2
 * about two thousand instructions even when the window holds no part of
 * the expression. The analysis below reads a rule's expanded pattern and
 * gives each part of it sets of folded strings, in one of two senses:
 *
 *   exact: every string the part can match is in the set (after folding);
 *   needed: every match of the part contains one of the strings.
 *
 * Sequences multiply exact sets while they stay small; alternatives join
 * sets; where a product grows too large, the run so far becomes a needed
 * set, and so does the run followed by the first bytes of what comes
 * next, and the run goes on with its last bytes. A part that is unknown
 * (".", "\w", a back-reference) needs nothing. A sequence keeps up to
 * MAX_ALL needed sets, all of which a match meets ("N years ago": a unit
 * and "ago"). A positive lookahead or lookbehind is needed too (the
 * engine marks the text it can see); a negative one needs nothing.
 *
 * The folding makes the analysis simple and errs only towards running a
 * rule: PCRE2_CASELESS without UTF folds ASCII letters only, digits all
 * become '0', and "\s" (space, \t, \n, \v, \f, \r in the default
 * character tables) becomes one ' ' that stands for a run of white space,
 * so "the\s+day" is the string "the day". */
#include "prefilter.h"

#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

/* Bounds of the analysis: an exact set larger than MAX_EXACT strings, or
 * with a string longer than MAX_LEN, becomes a needed set; a character
 * class of more than MAX_CLASS folded bytes is unknown; a needed set of
 * more than MAX_NEEDED strings is dropped (too weak to pay for its check). */
#define MAX_EXACT 64
#define MAX_LEN 64
#define MAX_CLASS 8
#define MAX_NEEDED 64
/* Where a run of exact parts is too large to multiply out, its strings'
 * last bytes and the next part's first ones go on, up to this many. */
#define MAX_CUT 3
/* X{n} and X{n,m} spell X out n times up to this n. */
#define MAX_SPELL 4

/* ASCII letters to lower case, digits to '0', white space to ' '. */
static const unsigned char FOLD[256] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
    0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x3a, 0x3b,
    0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
    0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73,
    0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
    0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
    0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
    0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x80, 0x81, 0x82, 0x83,
    0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b,
    0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
    0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
    0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
    0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3,
    0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
    0xfc, 0xfd, 0xfe, 0xff,
};

static unsigned char fold_byte(unsigned char c)
{
    return FOLD[c];
}

/* ---- String sets ------------------------------------------------------- */

typedef struct sset {
    char **s;
    size_t n, cap;
    bool exact; /* false with n == 0: nothing known */
} sset_t;

typedef struct parser {
    const char *p, *end;
    int behind;   /* depth of lookbehinds around the part being read */
    bool unknown; /* syntax the analysis does not know: no prefilter */
    bool oom;
    dates_need_memo_t *memo; /* NULL: none */
} parser_t;

static void set_clear(sset_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->s[i]);
    free(a->s);
    a->s = NULL;
    a->n = 0;
    a->cap = 0;
    a->exact = false;
}

static sset_t set_any(void)
{
    sset_t a = {NULL, 0, 0, false};
    return a;
}

/* Adds the string s[0, n); set_unique drops repeats afterwards. */
static void set_add(parser_t *P, sset_t *a, const char *s, size_t n)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 8;
        char **v = realloc(a->s, cap * sizeof *v);
        if (!v) {
            P->oom = true;
            return;
        }
        a->s = v;
        a->cap = cap;
    }
    char *c = malloc(n + 1);
    if (!c) {
        P->oom = true;
        return;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    a->s[a->n++] = c;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts the set and drops repeated strings. */
static void set_unique(sset_t *a)
{
    if (a->n < 2)
        return;
    qsort(a->s, a->n, sizeof *a->s, cmp_str);
    size_t k = 1;
    for (size_t i = 1; i < a->n; i++) {
        if (strcmp(a->s[i], a->s[k - 1]) == 0)
            free(a->s[i]);
        else
            a->s[k++] = a->s[i];
    }
    a->n = k;
}

static sset_t set_exact(parser_t *P, const char *s, size_t n)
{
    sset_t a = {NULL, 0, 0, true};
    set_add(P, &a, s, n);
    return a;
}

static bool set_has_empty(const sset_t *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->s[i][0] == '\0')
            return true;
    return false;
}

/* Drops the strings that contain another string of the set: a range that
 * holds the longer one holds the shorter. */
static void set_reduce(sset_t *a)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        bool covered = false;
        for (size_t j = 0; j < a->n && !covered; j++)
            covered = j != i && a->s[j] && strstr(a->s[i], a->s[j]);
        if (covered) {
            free(a->s[i]);
            a->s[i] = NULL;
        }
    }
    for (size_t i = 0; i < a->n; i++)
        if (a->s[i])
            a->s[k++] = a->s[i];
    a->n = k;
}

/* Makes a a needed set: an exact set is one already, unless it holds the
 * empty string. (Strings that contain others are dropped at the end, by
 * set_reduce, which leaves a set's strength as it is.) */
static void set_needed(sset_t *a)
{
    if (!a->exact)
        return;
    if (set_has_empty(a) || a->n == 0) {
        set_clear(a);
        return;
    }
    a->exact = false;
}

/* The weakest string of a needed set decides how often the set is met. */
static size_t set_strength(const sset_t *a)
{
    size_t min = (size_t)-1;
    for (size_t i = 0; i < a->n; i++) {
        size_t n = strlen(a->s[i]);
        if (n < min)
            min = n;
    }
    return a->n ? min : 0;
}

/* Is needed set a at least as strong as b? */
static bool set_stronger(const sset_t *a, const sset_t *b)
{
    size_t sa = set_strength(a), sb = set_strength(b);
    return sa > sb || (sa == sb && a->n <= b->n);
}

/* The better of two needed sets; frees the other. */
static sset_t set_better(sset_t a, sset_t b)
{
    if (set_stronger(&a, &b)) {
        set_clear(&b);
        return a;
    }
    set_clear(&a);
    return b;
}

/* Appends y to x; runs of white space collapse to one ' '. */
static size_t join(char *out, const char *x, const char *y)
{
    size_t nx = strlen(x);
    memcpy(out, x, nx);
    if (nx > 0 && x[nx - 1] == ' ' && y[0] == ' ')
        y++;
    size_t ny = strlen(y);
    memcpy(out + nx, y, ny);
    out[nx + ny] = '\0';
    return nx + ny;
}

/* Can the exact sets a and b be multiplied out within the bounds? */
static bool product_fits(const sset_t *a, const sset_t *b)
{
    if (!a->exact || !b->exact || a->n * b->n > MAX_EXACT)
        return false;
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (strlen(a->s[i]) + strlen(b->s[j]) > MAX_LEN)
                return false;
    return true;
}

/* The set of "a then b"; consumes both. */
static sset_t set_concat(parser_t *P, sset_t a, sset_t b)
{
    if (product_fits(&a, &b)) {
        {
            sset_t r = {NULL, 0, 0, true};
            char buf[2 * MAX_LEN + 1];
            for (size_t i = 0; i < a.n; i++)
                for (size_t j = 0; j < b.n; j++)
                    set_add(P, &r, buf, join(buf, a.s[i], b.s[j]));
            set_unique(&r);
            set_clear(&a);
            set_clear(&b);
            return r;
        }
    }
    set_needed(&a);
    set_needed(&b);
    return set_better(a, b);
}

/* The set of "a or b"; consumes both. Repeats stay until set_unique
 * (parse_alt joins many alternatives). */
static sset_t set_alt(parser_t *P, sset_t a, sset_t b)
{
    if (a.exact && b.exact && a.n + b.n > MAX_EXACT) {
        set_unique(&a);
        set_unique(&b);
    }
    if (a.exact && b.exact && a.n + b.n <= MAX_EXACT) {
        for (size_t i = 0; i < b.n; i++)
            set_add(P, &a, b.s[i], strlen(b.s[i]));
        set_clear(&b);
        return a;
    }
    set_needed(&a);
    set_needed(&b);
    if (a.n == 0 || b.n == 0) {
        set_clear(&a);
        set_clear(&b);
        return set_any();
    }
    for (size_t i = 0; i < b.n; i++)
        set_add(P, &a, b.s[i], strlen(b.s[i]));
    set_clear(&b);
    return a;
}

static sset_t set_copy(parser_t *P, const sset_t *a)
{
    sset_t r = {NULL, 0, 0, a->exact};
    for (size_t i = 0; i < a->n; i++)
        set_add(P, &r, a->s[i], strlen(a->s[i]));
    return r;
}

/* True when a is exact and only matches white space or nothing, whose
 * repetitions fold to the same strings. */
static bool set_is_space(const sset_t *a)
{
    if (!a->exact || a->n == 0)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->s[i], "") != 0 && strcmp(a->s[i], " ") != 0)
            return false;
    return true;
}

/* The set of a repeated min to max times (max -1: no limit); consumes a. */
static sset_t set_repeat(parser_t *P, sset_t a, long min, long max)
{
    if (set_is_space(&a)) {
        if (min == 0 && !set_has_empty(&a))
            set_add(P, &a, "", 0);
        return a;
    }
    if (min == 0) {
        if (max == 1 && a.exact) {
            if (!set_has_empty(&a))
                set_add(P, &a, "", 0);
            return a;
        }
        set_clear(&a);
        return set_any();
    }
    if (min == 1 && max == 1)
        return a;
    if (!a.exact || min > MAX_SPELL) {
        set_needed(&a);
        return a;
    }
    /* A match starts with a spelled out min times. */
    sset_t r = set_copy(P, &a);
    for (long i = 1; i < min; i++)
        r = set_concat(P, r, set_copy(P, &a));
    set_clear(&a);
    if (max != min)
        set_needed(&r);
    return r;
}

/* ---- Conjunctions ----------------------------------------------------- */

/* What a part of a pattern needs: one exact set (exact), or up to
 * MAX_ALL needed sets that every match meets all of (n == 0: nothing
 * known). "(?<n>%count)\s+years?\s+ago" needs a unit and "ago". */
#define MAX_ALL 3

typedef struct info {
    sset_t set[MAX_ALL];
    int n;
    bool exact;
} info_t;

static info_t info_any(void)
{
    info_t a;
    memset(&a, 0, sizeof a);
    return a;
}

static info_t info_of(sset_t s)
{
    info_t a = info_any();
    if (s.exact || s.n > 0) {
        a.set[0] = s;
        a.n = 1;
        a.exact = s.exact;
    }
    return a;
}

static void info_clear(info_t *a)
{
    for (int i = 0; i < a->n; i++)
        set_clear(&a->set[i]);
    a->n = 0;
    a->exact = false;
}

/* Adds the needed set s to a (not exact); keeps the MAX_ALL strongest. */
static void info_need(info_t *a, sset_t s)
{
    set_needed(&s);
    if (set_strength(&s) < 2) {
        set_clear(&s);
        return;
    }
    if (a->n < MAX_ALL) {
        a->set[a->n++] = s;
        return;
    }
    int weakest = 0;
    for (int i = 1; i < a->n; i++)
        if (set_stronger(&a->set[weakest], &a->set[i]))
            weakest = i;
    if (set_stronger(&a->set[weakest], &s)) {
        set_clear(&s);
        return;
    }
    set_clear(&a->set[weakest]);
    a->set[weakest] = s;
}

/* Makes a a conjunction of needed sets. */
static void info_needed(info_t *a)
{
    if (!a->exact)
        return;
    sset_t s = a->set[0];
    a->n = 0;
    a->exact = false;
    info_need(a, s);
}

/* The strongest single needed set of a; consumes a. */
static sset_t info_best(info_t a)
{
    info_needed(&a);
    sset_t best = set_any();
    for (int i = 0; i < a.n; i++)
        best = set_better(best, a.set[i]);
    return best;
}

/* "a then b" needs what each needs; consumes both. */
static info_t info_concat(parser_t *P, info_t a, info_t b)
{
    if (a.exact && b.exact && product_fits(&a.set[0], &b.set[0]))
        return info_of(set_concat(P, a.set[0], b.set[0]));
    info_needed(&a);
    info_needed(&b);
    for (int i = 0; i < b.n; i++)
        info_need(&a, b.set[i]);
    return a;
}

static info_t info_alt(parser_t *P, info_t a, info_t b)
{
    if (a.exact && b.exact && a.set[0].n + b.set[0].n <= MAX_EXACT)
        return info_of(set_alt(P, a.set[0], b.set[0]));
    return info_of(set_alt(P, info_best(a), info_best(b)));
}

static info_t info_repeat(parser_t *P, info_t a, long min, long max)
{
    if (a.exact)
        return info_of(set_repeat(P, a.set[0], min, max));
    if (min == 0) {
        info_clear(&a);
        return info_any();
    }
    return a; /* a match holds at least one match of a */
}

/* ---- The pattern ------------------------------------------------------- */

static info_t parse_alt(parser_t *P);

/* The folded bytes of a class (256 bits before folding) as an exact set,
 * or unknown when there are too many. */
static sset_t class_set(parser_t *P, const uint8_t bits[32])
{
    uint8_t folded[32] = {0};
    int count = 0;
    for (int c = 0; c < 256; c++) {
        if (!(bits[c >> 3] & (1u << (c & 7))))
            continue;
        unsigned char f = fold_byte((unsigned char)c);
        if (!(folded[f >> 3] & (1u << (f & 7)))) {
            folded[f >> 3] |= (uint8_t)(1u << (f & 7));
            count++;
        }
    }
    if (count > MAX_CLASS)
        return set_any();
    sset_t a = {NULL, 0, 0, true};
    for (int c = 0; c < 256; c++)
        if (folded[c >> 3] & (1u << (c & 7))) {
            char ch = (char)c;
            set_add(P, &a, &ch, 1);
        }
    return a;
}

static void bits_set(uint8_t bits[32], int c)
{
    bits[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Adds the bytes of the class escape \c to bits; false if it is not one
 * (\d, \s, \w and their negations). */
static bool class_escape(uint8_t bits[32], char c)
{
    char kind = (char)(c | 0x20);
    if (c == '\0' || (kind != 'd' && kind != 's' && kind != 'w'))
        return false;
    bool negate = c != kind;
    for (int b = 0; b < 256; b++) {
        bool digit = b >= '0' && b <= '9';
        bool in = kind == 'd'   ? digit
                  : kind == 's' ? b == ' ' || (b >= '\t' && b <= '\r')
                                : digit || (b >= 'a' && b <= 'z') ||
                                      (b >= 'A' && b <= 'Z') || b == '_';
        if (in != negate)
            bits_set(bits, b);
    }
    return true;
}

/* Reads one escaped literal byte after a backslash (\n, \t, \xhh, \. and
 * other punctuation); -1 when it is not a literal byte. */
static int escaped_byte(parser_t *P)
{
    char c = *P->p++;
    switch (c) {
    case 'n':
        return '\n';
    case 't':
        return '\t';
    case 'r':
        return '\r';
    case 'f':
        return '\f';
    case 'e':
        return 0x1b;
    case 'a':
        return 0x07;
    case 'x': {
        int v = 0;
        if (P->p < P->end && *P->p == '{') {
            P->p++;
            int digits = 0;
            while (P->p < P->end && hexval(*P->p) >= 0 && digits < 2) {
                v = v * 16 + hexval(*P->p++);
                digits++;
            }
            if (P->p >= P->end || *P->p != '}' || digits == 0)
                return -1;
            P->p++;
            return v;
        }
        for (int k = 0; k < 2 && P->p < P->end && hexval(*P->p) >= 0; k++)
            v = v * 16 + hexval(*P->p++);
        return v;
    }
    default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
            return -1;
        return (unsigned char)c;
    }
}

static sset_t parse_class(parser_t *P)
{
    uint8_t bits[32] = {0};
    bool negate = false;
    if (P->p < P->end && *P->p == '^') {
        negate = true;
        P->p++;
    }
    bool first = true;
    while (P->p < P->end && (*P->p != ']' || first)) {
        first = false;
        int lo;
        if (*P->p == '[') {
            P->unknown = true; /* POSIX classes: not used by the rules */
            return set_any();
        }
        if (*P->p == '\\') {
            P->p++;
            if (P->p >= P->end) {
                P->unknown = true;
                return set_any();
            }
            if (class_escape(bits, *P->p)) {
                P->p++;
                continue;
            }
            lo = escaped_byte(P);
        } else {
            lo = (unsigned char)*P->p++;
        }
        if (lo < 0) {
            P->unknown = true;
            return set_any();
        }
        int hi = lo;
        if (P->p + 1 < P->end && *P->p == '-' && P->p[1] != ']') {
            P->p++;
            if (*P->p == '\\') {
                P->p++;
                hi = P->p < P->end ? escaped_byte(P) : -1;
            } else {
                hi = (unsigned char)*P->p++;
            }
            if (hi < lo) {
                P->unknown = true;
                return set_any();
            }
        }
        for (int c = lo; c <= hi; c++)
            bits_set(bits, c);
    }
    if (P->p >= P->end) {
        P->unknown = true;
        return set_any();
    }
    P->p++; /* ']' */
    if (negate)
        for (int k = 0; k < 32; k++)
            bits[k] = (uint8_t)~bits[k];
    return class_set(P, bits);
}

/* Skips a group name up to its closing character. */
static void skip_name(parser_t *P, char close)
{
    while (P->p < P->end && *P->p != close)
        P->p++;
    if (P->p < P->end)
        P->p++;
    else
        P->unknown = true;
}

static sset_t parse_escape(parser_t *P)
{
    if (P->p >= P->end) {
        P->unknown = true;
        return set_any();
    }
    char c = *P->p;
    switch (c) {
    case 'd':
        P->p++;
        return set_exact(P, "0", 1);
    case 's':
        P->p++;
        return set_exact(P, " ", 1);
    case 'b':
    case 'B':
    case 'A':
    case 'Z':
    case 'z':
    case 'G':
        P->p++;
        return set_exact(P, "", 0);
    case 'w':
    case 'W':
    case 'S':
    case 'D':
    case 'h':
    case 'H':
    case 'v':
    case 'V':
    case 'N':
    case 'R':
    case 'X':
        P->p++;
        return set_any();
    case 'k':
    case 'g':
        /* Back-references and subroutine calls: any text. */
        P->p++;
        if (P->p < P->end && *P->p == '<')
            skip_name(P, '>');
        else if (P->p < P->end && *P->p == '{')
            skip_name(P, '}');
        else if (P->p < P->end && *P->p == '\'') {
            P->p++;
            skip_name(P, '\'');
        } else if (c == 'g') {
            if (P->p < P->end && (*P->p == '-' || *P->p == '+'))
                P->p++;
            while (P->p < P->end && *P->p >= '0' && *P->p <= '9')
                P->p++;
        } else {
            P->unknown = true;
        }
        return set_any();
    default:
        if (c >= '1' && c <= '9') {
            while (P->p < P->end && *P->p >= '0' && *P->p <= '9')
                P->p++;
            return set_any();
        }
        break;
    }
    int b = escaped_byte(P);
    if (b < 0) {
        P->unknown = true;
        return set_any();
    }
    char f = (char)fold_byte((unsigned char)b);
    return set_exact(P, &f, 1);
}

/* After "(": the group, with what it needs. */
static info_t read_group(parser_t *P)
{
    /* Assertions match no text. What a lookahead or lookbehind looks at
     * is text all the same: within the subject, which ends where the
     * rule's range ends, and at most the pattern's longest lookbehind
     * before the match (PCRE2_INFO_MAXLOOKBEHIND; the window's marks
     * start that far back). A negative one needs nothing, nor does an
     * assertion inside a lookbehind, which may look further back. */
    bool zero_width = false, negative = false, behind = false;
    if (P->p < P->end && *P->p == '*') {
        P->unknown = true; /* verbs such as (*UTF) */
        return info_any();
    }
    if (P->p < P->end && *P->p == '?') {
        P->p++;
        if (P->p >= P->end) {
            P->unknown = true;
            return info_any();
        }
        char c = *P->p;
        if (c == ':' || c == '|' || c == '>') {
            P->p++;
        } else if (c == '=' || c == '!') {
            P->p++;
            zero_width = true;
            negative = c == '!';
        } else if (c == '<' && P->p + 1 < P->end &&
                   (P->p[1] == '=' || P->p[1] == '!')) {
            negative = P->p[1] == '!';
            P->p += 2;
            zero_width = true;
            behind = true;
        } else if (c == '<') {
            P->p++;
            skip_name(P, '>');
        } else if (c == 'P' && P->p + 1 < P->end && P->p[1] == '<') {
            P->p += 2;
            skip_name(P, '>');
        } else if (c == '\'') {
            P->p++;
            skip_name(P, '\'');
        } else {
            /* Option letters: "(?-i:" or "(?m)". Extended syntax (x) would
             * change how the rest reads. */
            while (P->p < P->end && *P->p != ':' && *P->p != ')') {
                char o = *P->p++;
                if (o != 'i' && o != 'm' && o != 's' && o != '-') {
                    P->unknown = true;
                    return info_any();
                }
            }
            if (P->p >= P->end) {
                P->unknown = true;
                return info_any();
            }
            if (*P->p++ == ')')
                return info_of(set_exact(P, "", 0));
        }
    }
    bool nested = zero_width && P->behind > 0;
    P->behind += behind;
    info_t a = parse_alt(P);
    P->behind -= behind;
    if (P->p >= P->end || *P->p != ')') {
        P->unknown = true;
        info_clear(&a);
        return info_any();
    }
    P->p++;
    if (zero_width && (negative || nested)) {
        info_clear(&a);
        return info_of(set_exact(P, "", 0));
    }
    if (zero_width) {
        /* Needed, but not part of the strings the match spells out. */
        info_needed(&a);
        if (a.n == 0)
            return info_of(set_exact(P, "", 0));
    }
    return a;
}

/* ---- Memo of groups ----------------------------------------------------- */

/* The lexicons and sub-patterns recur in rule after rule: the analysis of a
 * large group is kept by its text (and whether a lookbehind is around it,
 * which changes what it needs). Smaller groups are read again. */
#define MEMO_MIN 16

typedef struct memo_entry {
    char *text;
    size_t len;
    uint64_t hash;
    bool behind;
    info_t info;
} memo_entry_t;

struct dates_need_memo {
    memo_entry_t *v;
    size_t n, cap;
};

dates_need_memo_t *dates__need_memo_new(void)
{
    return calloc(1, sizeof(dates_need_memo_t));
}

void dates__need_memo_free(dates_need_memo_t *memo)
{
    if (!memo)
        return;
    for (size_t i = 0; i < memo->n; i++) {
        free(memo->v[i].text);
        info_clear(&memo->v[i].info);
    }
    free(memo->v);
    free(memo);
}

static info_t info_copy(parser_t *P, const info_t *a)
{
    info_t r = info_any();
    for (int i = 0; i < a->n; i++)
        r.set[i] = set_copy(P, &a->set[i]);
    r.n = a->n;
    r.exact = a->exact;
    return r;
}

/* Where the group whose text starts at p ends (its ")"), as the parser
 * would read it; NULL when unbalanced. */
static const char *group_end(const char *p, const char *end)
{
    int depth = 1;
    while (p < end) {
        char c = *p++;
        if (c == '\\') {
            p += p < end;
        } else if (c == '[') {
            p += p < end && *p == '^';
            p += p < end && *p == ']';
            while (p < end && *p != ']')
                p += *p == '\\' && p + 1 < end ? 2 : 1;
            p += p < end;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0) {
            return p - 1;
        }
    }
    return NULL;
}

static uint64_t text_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* After "(": the group, from the memo when it was read before. */
static info_t parse_group(parser_t *P)
{
    const char *close = P->memo ? group_end(P->p, P->end) : NULL;
    size_t len = close ? (size_t)(close - P->p) : 0;
    if (len < MEMO_MIN)
        return read_group(P);
    dates_need_memo_t *m = P->memo;
    uint64_t h = text_hash(P->p, len);
    bool behind = P->behind > 0;
    for (size_t i = 0; i < m->n; i++) {
        const memo_entry_t *e = &m->v[i];
        if (e->hash == h && e->len == len && e->behind == behind &&
            memcmp(e->text, P->p, len) == 0) {
            P->p = close + 1;
            return info_copy(P, &e->info);
        }
    }
    const char *from = P->p;
    info_t a = read_group(P);
    /* Kept only when the parser read the group as group_end did. */
    if (P->unknown || P->oom || P->p != close + 1)
        return a;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        memo_entry_t *v = realloc(m->v, cap * sizeof *v);
        if (!v) {
            P->oom = true;
            return a;
        }
        m->v = v;
        m->cap = cap;
    }
    memo_entry_t *e = &m->v[m->n];
    e->text = malloc(len);
    if (!e->text) {
        P->oom = true;
        return a;
    }
    memcpy(e->text, from, len);
    e->len = len;
    e->hash = h;
    e->behind = behind;
    e->info = info_copy(P, &a);
    m->n++;
    return a;
}

static bool read_count(parser_t *P, long *v)
{
    if (P->p >= P->end || *P->p < '0' || *P->p > '9')
        return false;
    long n = 0;
    while (P->p < P->end && *P->p >= '0' && *P->p <= '9' && n < 100000)
        n = n * 10 + (*P->p++ - '0');
    *v = n;
    return true;
}

/* Reads a quantifier, if one follows; false when none does. */
static bool parse_quantifier(parser_t *P, long *min, long *max)
{
    if (P->p >= P->end)
        return false;
    switch (*P->p) {
    case '?':
        *min = 0, *max = 1;
        break;
    case '*':
        *min = 0, *max = -1;
        break;
    case '+':
        *min = 1, *max = -1;
        break;
    case '{':
        P->p++;
        if (!read_count(P, min)) {
            P->unknown = true;
            return false;
        }
        *max = *min;
        if (P->p < P->end && *P->p == ',') {
            P->p++;
            if (!read_count(P, max))
                *max = -1;
        }
        if (P->p >= P->end || *P->p != '}' || (*max >= 0 && *max < *min)) {
            P->unknown = true;
            return false;
        }
        break;
    default:
        return false;
    }
    P->p++;
    /* Lazy and possessive forms match the same strings. */
    if (P->p < P->end && (*P->p == '?' || *P->p == '+'))
        P->p++;
    return true;
}

static info_t parse_atom(parser_t *P)
{
    char c = *P->p++;
    switch (c) {
    case '(':
        return parse_group(P);
    case '[':
        return info_of(parse_class(P));
    case '\\':
        return info_of(parse_escape(P));
    case '.':
        return info_any();
    case '^':
    case '$':
        return info_of(set_exact(P, "", 0));
    case '{':
    case '?':
    case '*':
    case '+':
        P->unknown = true;
        return info_any();
    default: {
        char f = (char)fold_byte((unsigned char)c);
        return info_of(set_exact(P, &f, 1));
    }
    }
}

/* The last (suffix) or first len bytes of each string of a (the whole of
 * shorter ones). */
static sset_t set_cut(parser_t *P, const sset_t *a, size_t len, bool suffix)
{
    sset_t r = {NULL, 0, 0, true};
    for (size_t i = 0; i < a->n; i++) {
        size_t n = strlen(a->s[i]);
        size_t keep = n < len ? n : len;
        set_add(P, &r, a->s[i] + (suffix ? n - keep : 0), keep);
    }
    set_unique(&r);
    return r;
}

/* How many different last (or first) bytes the strings of a end with. */
static size_t ends_count(const sset_t *a, bool last)
{
    uint8_t seen[32] = {0};
    size_t count = 0;
    for (size_t i = 0; i < a->n; i++) {
        size_t n = strlen(a->s[i]);
        unsigned char c = n ? (unsigned char)a->s[i][last ? n - 1 : 0] : 0;
        if (!(seen[c >> 3] & (1u << (c & 7)))) {
            seen[c >> 3] |= (uint8_t)(1u << (c & 7));
            count++;
        }
    }
    return count;
}

/* Appends the exact set a to the sequence's run. When the product would
 * be too large, the run becomes a needed set of its own, and so do its
 * strings followed by the first bytes of a's, as many as fit ("may 0" for
 * a month and a day); the run goes on with its strings' last bytes, as
 * many as fit, before a's ("l 0" of "april 30"). */
static void seq_add(parser_t *P, info_t *before, sset_t *run, bool *exact,
                    sset_t a)
{
    if (!product_fits(run, &a)) {
        *exact = false;
        /* The one-byte cuts are the smallest: when even they are too many,
         * no cut fits. */
        bool heads = run->n * ends_count(&a, false) <= MAX_EXACT;
        bool tails = ends_count(run, true) * a.n <= MAX_EXACT;
        for (size_t len = MAX_CUT; heads && len > 0; len--) {
            sset_t head = set_cut(P, &a, len, false);
            if (product_fits(run, &head)) {
                info_need(before, set_concat(P, set_copy(P, run), head));
                break;
            }
            set_clear(&head);
        }
        sset_t tail = set_exact(P, "", 0);
        for (size_t len = MAX_CUT; tails && len > 0; len--) {
            sset_t s = set_cut(P, run, len, true);
            if (product_fits(&s, &a)) {
                set_clear(&tail);
                tail = s;
                break;
            }
            set_clear(&s);
        }
        info_need(before, *run);
        *run = tail;
    }
    *run = set_concat(P, *run, a);
}

/* A sequence keeps the exact set of its last run of exact parts apart from
 * what the parts before that need, so that in "\d+\s+(?:a|per)\s+year"
 * the strings "a year" and "per year" still form after the unknown "\d+".
 * Single strings in a row ("year") gather in lit first: multiplying a set
 * out once per letter would cost the loading more than the rest. */
static info_t parse_seq(parser_t *P)
{
    info_t before = info_any();
    sset_t run = set_exact(P, "", 0);
    bool exact = true;
    char lit[MAX_LEN + 2] = "", joined[2 * MAX_LEN + 2];
    size_t nlit = 0;
    while (P->p < P->end && *P->p != '|' && *P->p != ')' && !P->unknown &&
           !P->oom) {
        info_t a = parse_atom(P);
        long min, max;
        while (parse_quantifier(P, &min, &max))
            a = info_repeat(P, a, min, max);
        if (a.exact && a.set[0].n == 1 &&
            nlit + strlen(a.set[0].s[0]) <= MAX_LEN) {
            nlit = join(joined, lit, a.set[0].s[0]);
            memcpy(lit, joined, nlit + 1);
            info_clear(&a);
            continue;
        }
        if (nlit) {
            seq_add(P, &before, &run, &exact, set_exact(P, lit, nlit));
            lit[0] = '\0';
            nlit = 0;
        }
        if (a.exact) {
            if (a.set[0].n == 1) {
                /* Too long for lit: it starts it again. */
                nlit = strlen(a.set[0].s[0]);
                memcpy(lit, a.set[0].s[0], nlit + 1);
                info_clear(&a);
                continue;
            }
            seq_add(P, &before, &run, &exact, a.set[0]);
            continue;
        }
        exact = false;
        info_need(&before, run);
        before = info_concat(P, before, a);
        run = set_exact(P, "", 0);
    }
    if (nlit)
        seq_add(P, &before, &run, &exact, set_exact(P, lit, nlit));
    if (exact) {
        info_clear(&before);
        return info_of(run);
    }
    info_need(&before, run);
    return before;
}

static info_t parse_alt(parser_t *P)
{
    info_t a = parse_seq(P);
    while (P->p < P->end && *P->p == '|' && !P->unknown && !P->oom) {
        P->p++;
        a = info_alt(P, a, parse_seq(P));
    }
    for (int i = 0; i < a.n; i++)
        set_unique(&a.set[i]);
    return a;
}

/* ---- The prefilter ----------------------------------------------------- */

void dates__need_free(dates_need_t *need)
{
    while (need) {
        dates_need_t *next = need->next;
        free(need->heads);
        free(need->head_ends);
        free(need->grams);
        free(need->ends);
        free(need);
        need = next;
    }
}

/* The mark of three folded bytes (a trigram), or of two (c 0), in the
 * 65536 marks of a window: a multiplicative hash, whose collisions only
 * let a rule run. */
static uint16_t gram_mark(uint32_t v)
{
    return (uint16_t)((v * 2654435761u) >> 16);
}

static uint16_t gram_of(unsigned char a, unsigned char b, unsigned char c)
{
    return gram_mark((uint32_t)a << 16 | (uint32_t)b << 8 | c);
}

/* How often a folded byte comes up in English news, roughly, in parts
 * per thousand: the grams of a string are looked up rarest first, so that
 * a string a window lacks is told apart at its first lookup. */
static int byte_commonness(unsigned char c)
{
    static const char letters[] = "etaoinsrhldcumfwgypbvkxjqz";
    static const int per_mille[] = {100, 75, 65, 60, 57, 57, 53, 50, 50,
                                    33,  34, 23, 23, 20, 18, 18, 16, 16,
                                    16,  12, 8,  6,  2,  1,  1,  1};
    if (c == ' ')
        return 180;
    if (c == '0')
        return 10;
    const char *at = c ? strchr(letters, c) : NULL;
    return at ? per_mille[at - letters] : 5;
}

typedef struct gram {
    uint16_t mark;
    long commonness;
} gram_t;

static int cmp_gram(const void *a, const void *b)
{
    const gram_t *x = a, *y = b;
    if (x->commonness != y->commonness)
        return x->commonness < y->commonness ? -1 : 1;
    return x->mark < y->mark ? -1 : (x->mark > y->mark);
}

/* One string's grams, rarest first, without repeats; returns how many. */
static size_t string_grams(const char *str, uint16_t *out)
{
    const unsigned char *s = (const unsigned char *)str;
    gram_t g[MAX_LEN + 2];
    size_t n = 0;
    for (size_t j = 0; s[j + 1] && (j == 0 || s[j + 2]); j++) {
        unsigned char c = s[2] ? s[j + 2] : 0;
        g[n].mark = gram_of(s[j], s[j + 1], c);
        g[n].commonness = (long)byte_commonness(s[j]) *
                          byte_commonness(s[j + 1]) *
                          (c ? byte_commonness(c) : 1000);
        n++;
    }
    qsort(g, n, sizeof *g, cmp_gram);
    size_t k = 0;
    for (size_t j = 0; j < n; j++)
        if (k == 0 || out[k - 1] != g[j].mark)
            out[k++] = g[j].mark;
    return k;
}

typedef struct seq {
    uint16_t grams[MAX_LEN + 2];
    size_t n;
} seq_t;

static int cmp_seq(const void *a, const void *b)
{
    const seq_t *x = a, *y = b;
    for (size_t i = 0; i < x->n && i < y->n; i++)
        if (x->grams[i] != y->grams[i])
            return x->grams[i] < y->grams[i] ? -1 : 1;
    return x->n < y->n ? -1 : (x->n > y->n);
}

/* The needed strings' grams, in need: the trigrams of a string (its one
 * pair of bytes when it has two) in the order they are looked up, the
 * strings grouped by the first of them, which is looked up once for the
 * group. */
static int need_fill(dates_need_t *need, const sset_t *a)
{
    seq_t *seqs = malloc(a->n * sizeof *seqs);
    if (!seqs)
        return GLOSSA_ENOMEM;
    size_t total = 0;
    for (size_t i = 0; i < a->n; i++) {
        seqs[i].n = string_grams(a->s[i], seqs[i].grams);
        total += seqs[i].n - 1;
    }
    qsort(seqs, a->n, sizeof *seqs, cmp_seq);
    need->heads = malloc(a->n * sizeof *need->heads);
    need->head_ends = malloc(a->n * sizeof *need->head_ends);
    need->grams = malloc((total + 1) * sizeof *need->grams);
    need->ends = malloc(a->n * sizeof *need->ends);
    if (!need->heads || !need->head_ends || !need->grams || !need->ends) {
        free(seqs);
        return GLOSSA_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (i == 0 || seqs[i].grams[0] != seqs[i - 1].grams[0])
            need->heads[need->nheads++] = seqs[i].grams[0];
        need->head_ends[need->nheads - 1] = i + 1;
        memcpy(need->grams + k, seqs[i].grams + 1,
               (seqs[i].n - 1) * sizeof(uint16_t));
        k += seqs[i].n - 1;
        need->ends[i] = k;
    }
    need->n = a->n;
    free(seqs);
    return 0;
}

/* Does every word hold one of the strings of a? */
static bool set_in_all(const sset_t *a, const char *const *words, size_t nwords)
{
    for (size_t w = 0; w < nwords; w++) {
        bool found = false;
        for (size_t i = 0; i < a->n && !found; i++)
            found = strstr(words[w], a->s[i]) != NULL;
        if (!found)
            return false;
    }
    return true;
}

int dates__need_build(const char *pattern, size_t len, const char *const *words,
                      size_t nwords, dates_need_memo_t *memo,
                      dates_need_t **out)
{
    *out = NULL;
    parser_t P = {pattern, pattern + len, 0, false, false, memo};
    info_t a = parse_alt(&P);
    if (P.p != P.end)
        P.unknown = true; /* an unbalanced ")" */
    info_needed(&a);
    int rc = P.oom ? GLOSSA_ENOMEM : 0;
    /* The sets in order of strength (each reduced with what came before);
     * the checks are then ordered by cost, below. */
    for (int i = 0; i < a.n && !P.unknown && !rc; i++) {
        int best = i;
        for (int k = i + 1; k < a.n; k++)
            if (!set_stronger(&a.set[best], &a.set[k]))
                best = k;
        sset_t tmp = a.set[i];
        a.set[i] = a.set[best];
        a.set[best] = tmp;
        set_reduce(&a.set[i]);
        /* Too weak to pay for its check; and a one-byte string has no
         * gram to look up. */
        if (a.set[i].n > MAX_NEEDED || set_strength(&a.set[i]) < 2)
            continue;
        if (words && set_in_all(&a.set[i], words, nwords))
            continue; /* the words that woke the rule hold it */
        dates_need_t *need = calloc(1, sizeof *need);
        if (!need || need_fill(need, &a.set[i]) != 0) {
            dates__need_free(need);
            rc = GLOSSA_ENOMEM;
            break;
        }
        dates_need_t **tail = out;
        while (*tail)
            tail = &(*tail)->next;
        *tail = need;
    }
    /* Cheapest check first: the set with the fewest groups to look up. */
    for (dates_need_t **p = out; *p && !rc; p = &(*p)->next) {
        dates_need_t **min = p;
        for (dates_need_t **q = &(*p)->next; *q; q = &(*q)->next)
            if ((*q)->nheads < (*min)->nheads)
                min = q;
        if (min != p) {
            dates_need_t *m = *min;
            *min = m->next;
            m->next = *p;
            *p = m;
        }
    }
    info_clear(&a);
    if (rc || P.unknown) {
        dates__need_free(*out);
        *out = NULL;
    }
    return rc;
}

void dates__grams_mark(uint8_t *seen, uint8_t stamp, const char *text, size_t s,
                       size_t e)
{
    const unsigned char *t = (const unsigned char *)text;
    /* v holds the last three folded bytes; runs of white space count as
     * one ' ', as in the strings. */
    uint32_t v = 0;
    for (size_t i = s; i < e; i++) {
        uint32_t c = fold_byte(t[i]);
        if (c == ' ' && (v & 0xff) == ' ')
            continue;
        v = (v << 8 | c) & 0xffffff;
        seen[gram_mark((v & 0xffff) << 8)] = stamp;
        seen[gram_mark(v)] = stamp;
    }
}
