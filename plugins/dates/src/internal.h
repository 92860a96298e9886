/* Private structures of the dates engine: the engine and its rules, as
 * the loader (load*.c) builds them and the annotator (engine.c) and the
 * normalization functions read them. */
#ifndef DATES_INTERNAL_H
#define DATES_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "countunit.h"
#include "dates.h"
#include "lexicon.h"
#include "prefilter.h"
#include "template.h"

/* Trigger classes: one bit per trigger lexicon, and four built-in classes
 * of digit tokens that the scanner recognizes by their shape, so that
 * amounts ("$4.5 million") wake only the rules that need them:
 *   digits  any digit token;
 *   year    4 digits from 1000 to 2099, or 2 digits after an apostrophe
 *           or before an "s" ('89, 80s);
 *   clock   1-2 digits before ":dd" or before am/pm;
 *   numdate 1-4 digits before [/.-] and a digit.
 * 64 classes is far more than the data needs; the loader reports
 * overflow. */
#define DATES_MAX_CLASSES 64
#define DATES_CLASS_DIGITS 0
#define DATES_CLASS_YEAR 1
#define DATES_CLASS_CLOCK 2
#define DATES_CLASS_NUMDATE 3
#define DATES_BUILTIN_CLASSES 4

/* The longest word the trigger table holds; longer words never trigger. */
#define DATES_MAX_WORD 24

/* The hash of a trigger word (FNV-1a): the loader fills the trigger table
 * with it and the scanner probes it with it (the scanner a byte at a time,
 * as it reads the word). */
#define DATES_HASH_START 1469598103934665603ull

static inline uint64_t dates__trigger_hash_add(uint64_t h, unsigned char c)
{
    return (h ^ c) * 1099511628211ull;
}

static inline uint64_t dates__trigger_hash(const char *s)
{
    uint64_t h = DATES_HASH_START;
    for (; *s; s++)
        h = dates__trigger_hash_add(h, (unsigned char)*s);
    return h;
}

/* A trigger word's tag in tw_tags: 7 bits of its hash, never 0. */
static inline uint8_t dates__trigger_tag(uint64_t h)
{
    return (uint8_t)(h >> 56 | 1);
}

/* Bits in tw_sigs. */
#define DATES_SIG_BITS 32768

/* A word's signature in tw_sigs: its length and its first, second and
 * last letters (any case: | 0x20 lowercases the ASCII letters words are
 * made of), hashed. w has n >= 2 letters. */
static inline uint32_t dates__trigger_sig(const unsigned char *w, size_t n)
{
    uint32_t v = (uint32_t)(w[0] | 0x20) | (uint32_t)(w[1] | 0x20) << 8 |
                 (uint32_t)(w[n - 1] | 0x20) << 16 | (uint32_t)n << 24;
    return (v * 2654435761u) >> 17;
}

typedef enum {
    DATES_T_DATE,
    DATES_T_TIME,
    DATES_T_DURATION,
    DATES_T_SET,
    DATES_T_NONE /* a negative rule: its match hides shorter ones */
} dates_type_t;

typedef struct dates_rule {
    char *name;
    char *file;
    int line;
    dates_type_t type;
    pcre2_code *re;
    bool jit;           /* re is JIT-compiled: pcre2_jit_match runs it */
    dates_need_t *need; /* NULL: no prefilter, the rule always runs */
    dates_count_unit_t *count_unit; /* NULL: no such check (countunit.h) */
    uint32_t pairs;                 /* ovector pairs the rule needs */
    uint64_t triggers;
    dates_template_t *value;
    dates_template_t *mod; /* NULL: none; evaluates to "" for none */
    int priority;
    bool dateline;
    bool keep_ref;    /* false: its value never becomes the reference date */
    bool ytd;         /* names a report's year-to-date period ("the first
                       * nine months"): comparisons after it take the year */
    int extent_group; /* -1: the whole match */
    int anchor;       /* DATES_ANCHOR_*: what its value anchors */
} dates_rule_t;

/* What a rule's value anchors after its span (`anchor =` in the data).
 * DCT: the document date from there on (an e-mail's "Sent:" line in a
 * thread); SCENE: the weekdays named after it in its paragraph ("On
 * August 3, 2015, ..." in a narrative), which fall near it rather than
 * near the DCT. */
enum { DATES_ANCHOR_NONE, DATES_ANCHOR_DCT, DATES_ANCHOR_SCENE };

struct dates_engine {
    dates_lexicon_t *lex;
    size_t nlex;
    dates_rule_t *rules;
    size_t nrules;
    uint64_t *rule_triggers; /* rules[i].triggers, side by side for the
                              * scan of every window */
    /* The rules each trigger class wakes, as bitsets of rule_words words:
     * class c's set is class_rules[c * rule_words ...], bit i of it
     * rule i. A window ORs the sets of its classes and runs the rules
     * whose bits are set, in rule order, instead of testing each rule. */
    uint64_t *class_rules;
    size_t rule_words;
    uint32_t max_pairs;
    uint32_t max_lookbehind; /* the rules' longest, in bytes */
    char *class_names[DATES_MAX_CLASSES];
    int nclasses;
    /* Trigger words: open addressing, power-of-two size. */
    char (*tw_keys)[DATES_MAX_WORD + 1];
    uint64_t *tw_masks;
    /* One byte per slot, 0 when empty, else dates__trigger_tag of its
     * key's hash: the scan probes these (a few KB, which stay in cache)
     * and reads a key only when its tag matches the word's. */
    uint8_t *tw_tags;
    /* Bits of dates__trigger_sig: set for each trigger word's. A word of
     * the text whose bit is clear is no trigger word, and the scan moves
     * on without lowercasing and hashing it (most words of a text). */
    uint8_t *tw_sigs;
    size_t tw_size;
    /* Lexicons the C functions consult, found once at load. */
    const dates_lexicon_t *lx_month, *lx_weekday, *lx_number, *lx_ordinal,
        *lx_unit, *lx_season, *lx_daypart, *lx_tense, *lx_decade;
};

#endif /* DATES_INTERNAL_H */
