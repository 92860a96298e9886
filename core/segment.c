#include "segment.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#include <uv.h>

#include "alloc.h"
#include "glossa/error.h"
#include "utf8.h"

/* Character classes the tokenizer distinguishes. */
enum {
    C_SPACE,
    C_NEWLINE,
    C_LOWER,
    C_UPPER,
    C_LETTER, /* caseless letters, modifier letters, other numerals */
    C_MARK,
    C_DIGIT,
    C_JOINER, /* soft hyphen, ZWJ, ZWNJ: inside words only */
    C_APOS,
    C_HYPHEN,
    C_PERIOD,
    C_COMMA,
    C_PUNCT,
    C_SYMBOL
};

static const uint8_t ASCII_CLASS[128] = {
    [0 ... 9] = C_SPACE,     ['\n'] = C_NEWLINE,    [11 ... 12] = C_SPACE,
    ['\r'] = C_NEWLINE,      [14 ... 31] = C_SPACE, [' '] = C_SPACE,
    ['!'] = C_PUNCT,         ['"'] = C_PUNCT,       ['#'] = C_SYMBOL,
    ['$'] = C_SYMBOL,        ['%'] = C_PUNCT,       ['&'] = C_PUNCT,
    ['\''] = C_APOS,         ['('] = C_PUNCT,       [')'] = C_PUNCT,
    ['*'] = C_PUNCT,         ['+'] = C_SYMBOL,      [','] = C_COMMA,
    ['-'] = C_HYPHEN,        ['.'] = C_PERIOD,      ['/'] = C_PUNCT,
    ['0' ... '9'] = C_DIGIT, [':'] = C_PUNCT,       [';'] = C_PUNCT,
    ['<'] = C_SYMBOL,        ['='] = C_SYMBOL,      ['>'] = C_SYMBOL,
    ['?'] = C_PUNCT,         ['@'] = C_PUNCT,       ['A' ... 'Z'] = C_UPPER,
    ['['] = C_PUNCT,         ['\\'] = C_PUNCT,      [']'] = C_PUNCT,
    ['^'] = C_SYMBOL,        ['_'] = C_PUNCT,       ['`'] = C_SYMBOL,
    ['a' ... 'z'] = C_LOWER, ['{'] = C_PUNCT,       ['|'] = C_SYMBOL,
    ['}'] = C_PUNCT,         ['~'] = C_SYMBOL,      [127] = C_SPACE,
};

/* For the fast loop over plain ASCII word characters: a bit for letters
 * and digits, one more for letters and one for lowercase letters. Other
 * bytes (punctuation, non-ASCII) take the general path. */
enum { W_WORD = 1, W_LETTER = 2, W_LOWER = 4 };
static const uint8_t ASCII_WORD_BITS[256] = {
    ['0' ... '9'] = W_WORD,
    ['A' ... 'Z'] = W_WORD | W_LETTER,
    ['a' ... 'z'] = W_WORD | W_LETTER | W_LOWER,
};

/* ASCII bytes after which a word certainly ends: whitespace, and
 * punctuation or symbols other than the hyphen, apostrophe, period and
 * comma (which can continue a word: "six-week", "O'Brien", "U.S.",
 * "6,500"). */
static const uint8_t PLAIN_WORD_END[128] = {
    [0 ... 31] = 1, [' '] = 1, ['!'] = 1, ['"'] = 1,  ['#'] = 1, ['$'] = 1,
    ['%'] = 1,      ['&'] = 1, ['('] = 1, [')'] = 1,  ['*'] = 1, ['+'] = 1,
    ['/'] = 1,      [':'] = 1, [';'] = 1, ['<'] = 1,  ['='] = 1, ['>'] = 1,
    ['?'] = 1,      ['@'] = 1, ['['] = 1, ['\\'] = 1, [']'] = 1, ['^'] = 1,
    ['_'] = 1,      ['`'] = 1, ['{'] = 1, ['|'] = 1,  ['}'] = 1, ['~'] = 1,
    [127] = 1,
};

static uint8_t unicode_class(uint32_t cp)
{
    switch (cp) {
    case 0x2019: /* right single quotation mark, used as apostrophe */
    case 0x02BC: /* modifier letter apostrophe */
        return C_APOS;
    case 0x2010: /* hyphen */
    case 0x2011: /* non-breaking hyphen */
        return C_HYPHEN;
    case 0x00AD:
    case 0x200C:
    case 0x200D:
        return C_JOINER;
    case 0x0085:
    case 0x2028:
    case 0x2029:
        return C_NEWLINE;
    default:
        break;
    }
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        return C_UPPER;
    case UTF8PROC_CATEGORY_LL:
        return C_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
        return C_SPACE;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return C_NEWLINE;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
        return C_PUNCT;
    default:
        return C_SYMBOL;
    }
}

typedef struct ch {
    uint32_t cp;
    uint8_t cls;
    uint8_t len; /* bytes; 0 at the end of the text */
} ch_t;

static inline ch_t char_at(const unsigned char *s, size_t n, size_t i)
{
    ch_t c = {0, C_SPACE, 0};
    if (i >= n)
        return c;
    if (s[i] < 0x80) {
        c.cp = s[i];
        c.cls = ASCII_CLASS[s[i]];
        c.len = 1;
        return c;
    }
    size_t k = glossa__utf8_decode(s + i, n - i, &c.cp);
    c.len = (uint8_t)(k ? k : 1); /* input is valid; be safe anyway */
    c.cls = unicode_class(c.cp);
    return c;
}

static inline int is_word_class(uint8_t cls)
{
    return cls == C_LOWER || cls == C_UPPER || cls == C_LETTER ||
           cls == C_MARK || cls == C_DIGIT || cls == C_JOINER;
}

static inline int is_letter_class(uint8_t cls)
{
    return cls == C_LOWER || cls == C_UPPER || cls == C_LETTER || cls == C_MARK;
}

/* Per-token facts the sentence splitter needs beyond the public flags. */
enum {
    AUX_TERMINAL = 1u << 0,   /* . ! ? ... and runs of them */
    AUX_CLOSE = 1u << 1,      /* closing quote or bracket */
    AUX_OPEN = 1u << 2,       /* opening quote or bracket */
    AUX_ABBR_TITLE = 1u << 3, /* "Dr." and the like: never ends a sentence */
    AUX_ABBR_OTHER = 1u << 4, /* "Oct.", "U.S.", "Inc.": only at a line end */
    AUX_LOWER_START = 1u << 5 /* first character is a lowercase letter */
};

/* Abbreviations whose period belongs to the word. Titles precede a name
 * and never end a sentence. This is tokenizer grammar, like the Penn
 * Treebank tokenizer's list, not a lexicon. */
typedef struct abbreviation {
    const char *text;
    size_t len;
} abbreviation_t;

#define ABBR(s)                                                                \
    {                                                                          \
        s, sizeof(s) - 1                                                       \
    }
static const abbreviation_t TITLE_ABBREVIATIONS[] = {
    ABBR("Mr"),   ABBR("Mrs"),  ABBR("Ms"),   ABBR("Dr"),  ABBR("Prof"),
    ABBR("Gen"),  ABBR("Sen"),  ABBR("Rep"),  ABBR("Gov"), ABBR("Lt"),
    ABBR("Col"),  ABBR("Maj"),  ABBR("Capt"), ABBR("Sgt"), ABBR("Rev"),
    ABBR("Adm"),  ABBR("Cmdr"), ABBR("Pres"), ABBR("Hon"), ABBR("Amb"),
    ABBR("Supt"), ABBR("Insp"), ABBR("Mt"),   ABBR("St"),  ABBR("Messrs"),
    ABBR("Mme"),  ABBR("Fr"),   {NULL, 0}};
static const abbreviation_t OTHER_ABBREVIATIONS[] = {
    ABBR("Jr"),   ABBR("Sr"),   ABBR("Inc"),  ABBR("Ltd"),    ABBR("Corp"),
    ABBR("Co"),   ABBR("Bros"), ABBR("Jan"),  ABBR("Feb"),    ABBR("Mar"),
    ABBR("Apr"),  ABBR("Jun"),  ABBR("Jul"),  ABBR("Aug"),    ABBR("Sep"),
    ABBR("Sept"), ABBR("Oct"),  ABBR("Nov"),  ABBR("Dec"),    ABBR("vs"),
    ABBR("etc"),  ABBR("No"),   ABBR("Nos"),  ABBR("Ave"),    ABBR("Blvd"),
    ABBR("Rd"),   ABBR("Dept"), ABBR("Univ"), ABBR("approx"), ABBR("est"),
    ABBR("ca"),   ABBR("cf"),   ABBR("al"),   ABBR("Fig"),    ABBR("Vol"),
    ABBR("pp"),   ABBR("e.g"),  ABBR("i.e"),  {NULL, 0}};
#undef ABBR
#define LONGEST_ABBREVIATION 6

/* First bytes of any abbreviation: most words before a period (those
 * ending a sentence) are rejected with one lookup. Built once. */
static uint8_t abbreviation_first_byte[256];
static uv_once_t abbreviation_once = UV_ONCE_INIT;

static void build_first_bytes(void)
{
    const abbreviation_t *lists[] = {TITLE_ABBREVIATIONS, OTHER_ABBREVIATIONS};
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; lists[l][i].text; i++)
            abbreviation_first_byte[(unsigned char)lists[l][i].text[0]] = 1;
}

static int in_list(const abbreviation_t *list, const unsigned char *w,
                   size_t len)
{
    if (len > LONGEST_ABBREVIATION)
        return 0;
    uv_once(&abbreviation_once, build_first_bytes);
    if (!abbreviation_first_byte[w[0]])
        return 0;
    for (size_t i = 0; list[i].text; i++)
        if (list[i].len == len && memcmp(list[i].text, w, len) == 0)
            return 1;
    return 0;
}

typedef struct builder {
    const char *text;
    glossa_token_t *tokens;
    uint8_t *aux;
    size_t n, cap;
} builder_t;

/* Grows the token arrays; the rare half of push_token. */
static __attribute__((noinline)) int grow_tokens(builder_t *b)
{
    size_t cap = b->cap ? b->cap * 2 : 256;
    glossa_token_t *t = glossa__realloc(b->tokens, cap * sizeof(*t));
    if (!t)
        return GLOSSA_ENOMEM;
    b->tokens = t;
    uint8_t *a = glossa__realloc(b->aux, cap);
    if (!a)
        return GLOSSA_ENOMEM;
    b->aux = a;
    b->cap = cap;
    return 0;
}

static inline int push_token(builder_t *b, uint32_t start, uint32_t end,
                             uint32_t cp_start, uint32_t cp_end, uint32_t flags,
                             uint8_t aux)
{
    if (__builtin_expect(b->n == b->cap, 0) && grow_tokens(b))
        return GLOSSA_ENOMEM;
    glossa_token_t *t = &b->tokens[b->n];
    t->start = start;
    t->end = end;
    t->cp_start = cp_start;
    t->cp_end = cp_end;
    t->flags = flags;
    b->aux[b->n] = aux;
    b->n++;
    return 0;
}

static int is_ascii_ci(const unsigned char *s, size_t len, const char *lit)
{
    if (strlen(lit) != len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

/* Is s[i..] (just after an apostrophe) a clitic ('s 're 've 'll 'd 'm)
 * followed by a non-word character? Returns its letter count or 0. */
static size_t clitic_after_apostrophe(const unsigned char *s, size_t n,
                                      size_t i)
{
    size_t k = 0;
    while (
        i + k < n && k < 3 && s[i + k] < 0x80 &&
        (ASCII_CLASS[s[i + k]] == C_LOWER || ASCII_CLASS[s[i + k]] == C_UPPER))
        k++;
    if (k == 0)
        return 0;
    ch_t after = char_at(s, n, i + k);
    if (after.len && is_word_class(after.cls))
        return 0;
    static const char *const clitics[] = {"s", "re", "ve", "ll",
                                          "d", "m",  NULL};
    for (size_t c = 0; clitics[c]; c++)
        if (is_ascii_ci(s + i, k, clitics[c]))
            return k;
    return 0;
}

typedef struct scan {
    const unsigned char *s;
    size_t n;
    size_t i;  /* byte position */
    size_t cp; /* code point position */
} scan_t;

static inline void advance(scan_t *sc, ch_t c)
{
    sc->i += c.len;
    sc->cp++;
}

/* What scanning a word learns about it. */
typedef struct word {
    size_t start, cp_start;
    int has_letter, has_lower, all_ascii, inner_period;
    size_t segment_letters; /* letters since start or the last period */
    ch_t first, last;
    /* A clitic split found while scanning: [clitic_start, clitic_end). */
    size_t clitic_start, clitic_end, clitic_cp, clitic_cps;
} word_t;

/* The end of the run of ASCII letters and digits at s[i, n), ORing the
 * W_* bits of its bytes into *seen: a table lookup a byte, unrolled by
 * eight where eight bytes remain (no bound check among them). */
static inline size_t take_ascii_word(const unsigned char *s, size_t n, size_t i,
                                     uint8_t *seen)
{
    uint8_t acc = 0, bits;
#define WORD_BYTE(k)                                                           \
    if (!(bits = ASCII_WORD_BITS[s[i + (k)]])) {                               \
        i += (k);                                                              \
        goto done;                                                             \
    }                                                                          \
    acc |= bits;
    while (n - i >= 8) {
        WORD_BYTE(0)
        WORD_BYTE(1)
        WORD_BYTE(2)
        WORD_BYTE(3)
        WORD_BYTE(4)
        WORD_BYTE(5)
        WORD_BYTE(6)
        WORD_BYTE(7)
        i += 8;
    }
#undef WORD_BYTE
    for (; i < n && (bits = ASCII_WORD_BITS[s[i]]) != 0; i++)
        acc |= bits;
done:
    *seen |= acc;
    return i;
}

/* Takes a run of ASCII letters and digits: the common case, one table
 * lookup a byte. */
static inline void take_ascii_run(scan_t *sc, word_t *w)
{
    const unsigned char *s = sc->s;
    size_t run = sc->i;
    uint8_t bits, seen = 0;
    while (run < sc->n && (bits = ASCII_WORD_BITS[s[run]]) != 0) {
        seen |= bits;
        w->segment_letters += (bits >> 1) & 1;
        run++;
    }
    if (run == sc->i)
        return;
    w->has_letter |= (seen & W_LETTER) != 0;
    w->has_lower |= (seen & W_LOWER) != 0;
    sc->cp += run - sc->i;
    sc->i = run;
    unsigned char lb = s[run - 1];
    w->last.cp = lb;
    w->last.cls = ASCII_CLASS[lb];
    w->last.len = 1;
}

/* An apostrophe between letters: a clitic ("Russia's", "don't") ends the
 * word, recorded in w; any other ("O'Brien") continues it. Returns 1
 * when the word goes on. */
static inline int take_apostrophe(scan_t *sc, word_t *w, ch_t c, ch_t n1)
{
    const unsigned char *s = sc->s;
    size_t k = clitic_after_apostrophe(s, sc->n, sc->i + c.len);
    if (k) { /* "Russia's": the word ends here */
        w->clitic_start = sc->i;
        w->clitic_end = sc->i + c.len + k;
        w->clitic_cp = sc->cp;
        w->clitic_cps = 1 + k;
        return 0;
    }
    /* "n't": the word ends before the n. */
    if ((w->last.cp == 'n' || w->last.cp == 'N') &&
        (n1.cp == 't' || n1.cp == 'T') && sc->i - w->start > 1) {
        ch_t n2 = char_at(s, sc->n, sc->i + c.len + 1);
        if (!n2.len || !is_word_class(n2.cls)) {
            w->clitic_start = sc->i - 1;
            w->clitic_end = sc->i + c.len + 1;
            w->clitic_cp = sc->cp - 1;
            w->clitic_cps = 3;
            sc->i -= 1;
            sc->cp -= 1;
            return 0;
        }
    }
    if (c.len > 1)
        w->all_ascii = 0;
    w->last = c;
    advance(sc, c);
    return 1;
}

/* Whether the punctuation c continues the word: a hyphen between word
 * characters, an apostrophe (take_apostrophe), a period or comma between
 * digits, the periods of "U.S.". Takes it when it does. */
static inline int take_inner_punctuation(scan_t *sc, word_t *w, ch_t c)
{
    const unsigned char *s = sc->s;
    ch_t n1 = char_at(s, sc->n, sc->i + c.len);
    if (c.cls == C_HYPHEN && n1.len && is_word_class(n1.cls)) {
        if (c.len > 1)
            w->all_ascii = 0;
        w->last = c;
        advance(sc, c);
        w->segment_letters = 0;
        return 1;
    }
    if (c.cls == C_APOS && is_letter_class(w->last.cls) && n1.len &&
        is_letter_class(n1.cls))
        return take_apostrophe(sc, w, c, n1);
    if ((c.cls == C_PERIOD || c.cls == C_COMMA) && w->last.cls == C_DIGIT &&
        n1.cls == C_DIGIT && n1.len) {
        w->last = c;
        advance(sc, c);
        return 1;
    }
    if (c.cls == C_PERIOD && w->segment_letters == 1 && n1.len &&
        is_letter_class(n1.cls)) {
        ch_t n2 = char_at(s, sc->n, sc->i + 1 + n1.len);
        if (n2.cls == C_PERIOD) { /* U.S.: letter . letter . */
            w->inner_period = 1;
            w->segment_letters = 0;
            w->last = c;
            advance(sc, c);
            return 1;
        }
    }
    return 0;
}

/* Takes the word's characters, up to its end or a clitic. */
static inline void take_word_chars(scan_t *sc, word_t *w)
{
    for (;;) {
        take_ascii_run(sc, w);
        ch_t c = char_at(sc->s, sc->n, sc->i);
        if (!c.len)
            return;
        if (is_word_class(c.cls)) {
            if (is_letter_class(c.cls)) {
                w->has_letter = 1;
                w->segment_letters++;
            }
            if (c.cls == C_LOWER)
                w->has_lower = 1;
            if (c.len > 1)
                w->all_ascii = 0;
            w->last = c;
            advance(sc, c);
            continue;
        }
        /* Only hyphens, apostrophes, periods and commas can continue a
         * word; anything else ends it without looking further. */
        if ((c.cls != C_HYPHEN && c.cls != C_APOS && c.cls != C_PERIOD &&
             c.cls != C_COMMA) ||
            !take_inner_punctuation(sc, w, c))
            return;
    }
}

/* A period after an abbreviation ("Mr.", an initial, "U.S.") belongs to
 * the word: takes it and returns the token's AUX_ABBR_* mark, else 0. */
static inline uint8_t take_abbreviation_period(scan_t *sc, const word_t *w)
{
    const unsigned char *s = sc->s;
    size_t word_len = sc->i - w->start;
    ch_t next = char_at(s, sc->n, sc->i);
    if (w->clitic_end || !next.len || next.cls != C_PERIOD)
        return 0;
    ch_t after = char_at(s, sc->n, sc->i + 1);
    int ellipsis = after.len && after.cls == C_PERIOD;
    int title = in_list(TITLE_ABBREVIATIONS, s + w->start, word_len);
    int initial = w->segment_letters == 1 && word_len <= 4 &&
                  (w->first.cls == C_UPPER) && !w->inner_period &&
                  w->has_letter && word_len == w->first.len;
    int other =
        w->inner_period || in_list(OTHER_ABBREVIATIONS, s + w->start, word_len);
    if (ellipsis || !(title || initial || other))
        return 0;
    advance(sc, next);
    return (title || initial) ? AUX_ABBR_TITLE : AUX_ABBR_OTHER;
}

/* Scans one word starting at the current position (a word character) and
 * pushes it, plus a clitic token if one follows. */
static int scan_word(scan_t *sc, builder_t *b, uint32_t space_flags)
{
    const unsigned char *s = sc->s;
    word_t w = {.start = sc->i, .cp_start = sc->cp, .all_ascii = 1};
    w.first = w.last = char_at(s, sc->n, sc->i);
    take_word_chars(sc, &w);
    uint8_t aux = take_abbreviation_period(sc, &w);

    uint32_t flags = space_flags;
    if (w.has_letter)
        flags |= GLOSSA_TOKEN_WORD;
    else if (w.first.cls == C_DIGIT)
        flags |= GLOSSA_TOKEN_NUMBER;
    if (w.first.cls == C_UPPER)
        flags |= GLOSSA_TOKEN_UPPER;
    if (w.has_letter && !w.has_lower)
        flags |= GLOSSA_TOKEN_ALLCAPS;
    if (w.all_ascii)
        flags |= GLOSSA_TOKEN_ASCII;
    if (w.first.cls == C_LOWER)
        aux |= AUX_LOWER_START;
    int rc = push_token(b, (uint32_t)w.start, (uint32_t)sc->i,
                        (uint32_t)w.cp_start, (uint32_t)sc->cp, flags, aux);
    if (rc || !w.clitic_end)
        return rc;
    /* The clitic follows the word directly. */
    rc = push_token(b, (uint32_t)w.clitic_start, (uint32_t)w.clitic_end,
                    (uint32_t)w.clitic_cp,
                    (uint32_t)(w.clitic_cp + w.clitic_cps),
                    GLOSSA_TOKEN_WORD |
                        (s[w.clitic_start] < 0x80 ? GLOSSA_TOKEN_ASCII : 0u),
                    AUX_LOWER_START);
    sc->i = w.clitic_end;
    sc->cp = w.clitic_cp + w.clitic_cps;
    return rc;
}

static int is_open_quote(uint32_t cp)
{
    return cp == 0x201C || cp == 0x2018 || cp == 0x00AB || cp == 0x201E ||
           cp == '(' || cp == '[' || cp == '{';
}

static int is_close_quote(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == 0x00BB || cp == ')' ||
           cp == ']' || cp == '}';
}

static int is_terminal(uint32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 ||
           cp == 0x203C || cp == 0x3002;
}

/* Pushes one punctuation or symbol token; runs of the same ASCII
 * punctuation ("...", "--", "?!") make one token. */
static int scan_punct(scan_t *sc, builder_t *b, uint32_t space_flags, ch_t c)
{
    size_t start = sc->i, cp_start = sc->cp;
    int terminal = is_terminal(c.cp);
    advance(sc, c);
    if (c.cp < 0x80 && c.cls != C_APOS) {
        for (;;) {
            ch_t d = char_at(sc->s, sc->n, sc->i);
            if (!d.len || d.cp >= 0x80)
                break;
            int same = d.cp == c.cp &&
                       (c.cls == C_PERIOD || c.cp == '-' || c.cp == '*' ||
                        c.cp == '=' || c.cp == '_' || c.cp == '~');
            int terminal_run = terminal && is_terminal(d.cp);
            if (!same && !terminal_run)
                break;
            advance(sc, d);
        }
    }
    uint8_t aux = 0;
    if (terminal)
        aux |= AUX_TERMINAL;
    ch_t after = char_at(sc->s, sc->n, sc->i);
    int space_after =
        !after.len || after.cls == C_SPACE || after.cls == C_NEWLINE;
    if (is_open_quote(c.cp))
        aux |= AUX_OPEN;
    else if (is_close_quote(c.cp))
        aux |= AUX_CLOSE;
    else if (c.cp == '"' || c.cp == '\'') {
        /* Straight quotes: opening when they start a word. */
        if ((space_flags & GLOSSA_TOKEN_SPACE_BEFORE) || start == 0)
            aux |= space_after ? 0 : AUX_OPEN;
        else
            aux |= AUX_CLOSE;
    }
    uint32_t flags = space_flags | (c.cp < 0x80 ? GLOSSA_TOKEN_ASCII : 0u);
    flags |= (c.cls == C_SYMBOL) ? GLOSSA_TOKEN_SYMBOL : GLOSSA_TOKEN_PUNCT;
    return push_token(b, (uint32_t)start, (uint32_t)sc->i, (uint32_t)cp_start,
                      (uint32_t)sc->cp, flags, aux);
}

static int tokenize(const char *text, size_t len, builder_t *b)
{
    scan_t sc = {(const unsigned char *)text, len, 0, 0};
    uint32_t newlines = 0;
    int space = 0;
    while (sc.i < len) {
        unsigned char byte = sc.s[sc.i];
        /* Fast path for ASCII whitespace. */
        if (byte < 0x80 &&
            (ASCII_CLASS[byte] == C_SPACE || ASCII_CLASS[byte] == C_NEWLINE)) {
            space = 1;
            if (byte == '\n' ||
                (byte == '\r' && (sc.i + 1 >= len || sc.s[sc.i + 1] != '\n')))
                newlines++;
            sc.i++;
            sc.cp++;
            continue;
        }
        ch_t c = char_at(sc.s, len, sc.i);
        if (c.cls == C_SPACE || c.cls == C_NEWLINE) {
            space = 1;
            if (c.cls == C_NEWLINE)
                newlines += (c.cp == 0x2029) ? 2 : 1;
            advance(&sc, c);
            continue;
        }
        uint32_t flags = space ? GLOSSA_TOKEN_SPACE_BEFORE : 0u;
        if (newlines >= 1 && b->n > 0)
            flags |= GLOSSA_TOKEN_NEWLINE_BEFORE;
        if (newlines >= 2 && b->n > 0)
            flags |= GLOSSA_TOKEN_PARAGRAPH_BEFORE;
        space = 0;
        newlines = 0;
        /* Fast path for the common token: a run of ASCII letters and
         * digits ended by whitespace, the end, or punctuation that cannot
         * continue a word. Anything else goes to the full scanner. */
        if (c.cp < 0x80 && ASCII_WORD_BITS[c.cp]) {
            size_t start = sc.i;
            uint8_t seen = 0;
            size_t run = take_ascii_word(sc.s, len, start, &seen);
            unsigned char end = run < len ? sc.s[run] : ' ';
            if (end < 0x80 && PLAIN_WORD_END[end]) {
                uint8_t first = ASCII_CLASS[sc.s[start]];
                uint32_t f = flags | GLOSSA_TOKEN_ASCII;
                if (seen & W_LETTER)
                    f |= GLOSSA_TOKEN_WORD;
                else
                    f |= GLOSSA_TOKEN_NUMBER;
                if (first == C_UPPER)
                    f |= GLOSSA_TOKEN_UPPER;
                if ((seen & W_LETTER) && !(seen & W_LOWER))
                    f |= GLOSSA_TOKEN_ALLCAPS;
                size_t cps = run - start;
                int rc = push_token(b, (uint32_t)start, (uint32_t)run,
                                    (uint32_t)sc.cp, (uint32_t)(sc.cp + cps), f,
                                    first == C_LOWER ? AUX_LOWER_START : 0);
                if (rc)
                    return rc;
                sc.i = run;
                sc.cp += cps;
                /* The one space after most words, as the loop's
                 * whitespace path would take it. */
                if (run < len && sc.s[run] == ' ') {
                    sc.i++;
                    sc.cp++;
                    space = 1;
                }
                continue;
            }
        }
        int rc = is_word_class(c.cls) ? scan_word(&sc, b, flags)
                                      : scan_punct(&sc, b, flags, c);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- Sentences --------------------------------------------------------- */

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Decides whether the document is hard-wrapped and, if so, the line length
 * under which a line ending in a single break still ends a sentence.
 * Returns 0 when single line breaks always end sentences. */
static int wrap_threshold(const builder_t *b, uint32_t *threshold)
{
    size_t junctions = 0, continued = 0;
    uint32_t *lengths = NULL;
    size_t n_lengths = 0;
    uint32_t line_start = 0;
    int ok = 1;
    for (size_t t = 1; t < b->n; t++) {
        uint32_t f = b->tokens[t].flags;
        if (!(f & GLOSSA_TOKEN_NEWLINE_BEFORE))
            continue;
        uint32_t prev_len = b->tokens[t - 1].cp_end - line_start;
        line_start = b->tokens[t].cp_start;
        if (f & GLOSSA_TOKEN_PARAGRAPH_BEFORE)
            continue;
        junctions++;
        if ((b->aux[t] & AUX_LOWER_START) && !(b->aux[t - 1] & AUX_TERMINAL)) {
            continued++;
            if (!lengths)
                lengths = glossa__malloc(b->n * sizeof(uint32_t));
            if (!lengths) {
                ok = 0;
                break;
            }
            lengths[n_lengths++] = prev_len;
        }
    }
    int wrapped = ok && ((continued >= 2 && continued * 4 >= junctions) ||
                         (continued >= 1 && junctions <= 2));
    if (wrapped) {
        qsort(lengths, n_lengths, sizeof(uint32_t), compare_u32);
        *threshold = lengths[n_lengths / 2] * 6 / 10;
    }
    glossa__free(lengths);
    return wrapped;
}

static int ends_sentence_before(const builder_t *b, size_t t, int wrapped,
                                uint32_t threshold, uint32_t line_len)
{
    uint32_t f = b->tokens[t].flags;
    if (f & GLOSSA_TOKEN_PARAGRAPH_BEFORE)
        return 1;
    if ((f & GLOSSA_TOKEN_NEWLINE_BEFORE) && (!wrapped || line_len < threshold))
        return 1;
    if (!(f & GLOSSA_TOKEN_SPACE_BEFORE))
        return 0;
    /* Most tokens follow a word: nothing below can hold then. */
    if (!(b->aux[t - 1] & (AUX_CLOSE | AUX_TERMINAL | AUX_ABBR_OTHER)))
        return 0;
    /* Look back over closing quotes and brackets glued to the punctuation. */
    size_t q = t - 1;
    while (q > 0 && (b->aux[q] & AUX_CLOSE) &&
           !(b->tokens[q].flags & GLOSSA_TOKEN_SPACE_BEFORE))
        q--;
    uint8_t aux = b->aux[q];
    if (aux & AUX_ABBR_OTHER)
        return (f & GLOSSA_TOKEN_NEWLINE_BEFORE) != 0;
    if (!(aux & AUX_TERMINAL))
        return 0;
    uint8_t next = b->aux[t];
    if (next & AUX_LOWER_START)
        return 0;
    if (f & (GLOSSA_TOKEN_PUNCT | GLOSSA_TOKEN_SYMBOL)) {
        /* "said. / Reuters" starts anew; "etc.)" or "...," does not. */
        const glossa_token_t *tok = &b->tokens[t];
        unsigned char c = (unsigned char)b->text[tok->start];
        if ((next & AUX_CLOSE) || c == ',' || c == ';' || c == ':' ||
            is_terminal(c))
            return 0;
    }
    return 1;
}

static int split_sentences(builder_t *b, glossa__segments_t *seg)
{
    if (b->n == 0)
        return 0;
    uint32_t threshold = 0;
    int wrapped = wrap_threshold(b, &threshold);
    size_t cap = 16, n = 0;
    glossa_sentence_t *sents = glossa__malloc(cap * sizeof(*sents));
    if (!sents)
        return GLOSSA_ENOMEM;
    size_t first = 0;
    uint32_t line_start = b->tokens[0].cp_start;
    for (size_t t = 1; t <= b->n; t++) {
        /* Most tokens: on the line of the one before, which is neither
         * terminal, nor closing, nor an abbreviation (ends_sentence_before
         * would say no). */
        if (t < b->n && !(b->tokens[t].flags & GLOSSA_TOKEN_NEWLINE_BEFORE) &&
            !(b->aux[t - 1] & (AUX_CLOSE | AUX_TERMINAL | AUX_ABBR_OTHER)) &&
            t - first < GLOSSA__MAX_SENTENCE_TOKENS)
            continue;
        int boundary = 1;
        if (t < b->n) {
            uint32_t line_len = b->tokens[t - 1].cp_end - line_start;
            boundary =
                ends_sentence_before(b, t, wrapped, threshold, line_len) ||
                t - first >= GLOSSA__MAX_SENTENCE_TOKENS;
            if (b->tokens[t].flags & GLOSSA_TOKEN_NEWLINE_BEFORE)
                line_start = b->tokens[t].cp_start;
        }
        if (!boundary)
            continue;
        if (n == cap) {
            cap *= 2;
            glossa_sentence_t *grown =
                glossa__realloc(sents, cap * sizeof(*sents));
            if (!grown) {
                glossa__free(sents);
                return GLOSSA_ENOMEM;
            }
            sents = grown;
        }
        const glossa_token_t *a = &b->tokens[first], *z = &b->tokens[t - 1];
        glossa_sentence_t *s = &sents[n++];
        s->start = a->start;
        s->end = z->end;
        s->cp_start = a->cp_start;
        s->cp_end = z->cp_end;
        s->token_first = (uint32_t)first;
        s->token_count = (uint32_t)(t - first);
        b->tokens[first].flags |= GLOSSA_TOKEN_SENTENCE_START;
        first = t;
    }
    if (n < cap) { /* doubling left up to half of it unused */
        glossa_sentence_t *fit = glossa__realloc(sents, n * sizeof(*sents));
        if (fit)
            sents = fit;
    }
    seg->sentences = sents;
    seg->n_sentences = n;
    return 0;
}

#define SHRINK_TOKENS_BYTES ((size_t)64 << 10)

int glossa__segment(const char *text, size_t len, glossa__segments_t *seg)
{
    memset(seg, 0, sizeof(*seg));
    builder_t b = {0};
    b.text = text;
    /* News text has a token every 5 to 6 bytes: one allocation up front
     * instead of a series of reallocations. */
    size_t guess = len / 5 + 16;
    b.tokens = glossa__malloc(guess * sizeof(glossa_token_t));
    b.aux = glossa__malloc(guess);
    if (!b.tokens || !b.aux) {
        glossa__free(b.tokens);
        glossa__free(b.aux);
        return GLOSSA_ENOMEM;
    }
    b.cap = guess;
    int rc = tokenize(text, len, &b);
    if (rc == 0)
        rc = split_sentences(&b, seg);
    glossa__free(b.aux);
    if (rc) {
        glossa__free(b.tokens);
        memset(seg, 0, sizeof(*seg));
        return rc;
    }
    /* The guess (or the growth past it) leaves room unused, which the
     * tokens would hold as long as the document (on one large document,
     * a sixth of them). Below 64 KiB unused, a news article's few KB, the
     * copy that shrinking makes costs more than the room. */
    if (b.n < b.cap &&
        (b.cap - b.n) * sizeof(glossa_token_t) >= SHRINK_TOKENS_BYTES) {
        glossa_token_t *fit =
            glossa__realloc(b.tokens, (b.n ? b.n : 1) * sizeof(glossa_token_t));
        if (fit)
            b.tokens = fit;
    }
    seg->tokens = b.tokens;
    seg->n_tokens = b.n;
    return 0;
}

void glossa__segments_free(glossa__segments_t *seg)
{
    if (!seg)
        return;
    glossa__free(seg->tokens);
    glossa__free(seg->sentences);
    memset(seg, 0, sizeof(*seg));
}
