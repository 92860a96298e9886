/* The model's representation, shared by the loader (mediation_loader.h)
 * and the analysis (mediation_analyze.h). Private to mediation_core. */
#ifndef MEDIATION_INTERNAL_H
#define MEDIATION_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mediation.h"

/* Longest token or name (bytes) the word table is asked about; longer
 * tokens are no word of any list. */
#define MED_MAX_WORD 128

/* What a lowercase word is, from the rules, the lexicon and the profile.
 * One word may be several things at once: a bit set of these. W_* come
 * from the rules, N_* are entities' canonical names (the target, its
 * people by surname, the parties); W_PREFIX_KEY marks the key of a
 * "prefix*" pattern head, which is no word. */
typedef uint64_t med_flags_t;

/* clang-format off */
#define W_NEGATOR          (UINT64_C(1) << 0)
#define W_INTENS           (UINT64_C(1) << 1) /* entry.intens */
#define W_HEDGE            (UINT64_C(1) << 2) /* entry.mult */
#define W_MODAL            (UINT64_C(1) << 3) /* entry.mult */
#define W_IRREALIS         (UINT64_C(1) << 4) /* "seeks (to)" */
#define W_CONTRAST_AFTER   (UINT64_C(1) << 5) /* "but" */
#define W_CONTRAST_BEFORE  (UINT64_C(1) << 6) /* "although" */
#define W_CLAUSE           (UINT64_C(1) << 7) /* starts a clause */
#define W_SHIFTER          (UINT64_C(1) << 8) /* "dispel" */
#define W_SAY              (UINT64_C(1) << 9)
#define W_STANCE           (UINT64_C(1) << 10)
#define W_RECIPROCAL       (UINT64_C(1) << 11) /* "traded (criticism)" */
#define W_ACCORDING        (UINT64_C(1) << 12) /* "according (to)" */
#define W_PRON_PERSON      (UINT64_C(1) << 13) /* he, she */
#define W_PRON_WE          (UINT64_C(1) << 14)
#define W_SUBJ_SKIP        (UINT64_C(1) << 15)
#define W_SUBJ_HEAD        (UINT64_C(1) << 16)
#define W_TITLE            (UINT64_C(1) << 17)
#define W_RELATIVE         (UINT64_C(1) << 18)
#define W_PASSIVE_AUX      (UINT64_C(1) << 19)
#define W_AGENT            (UINT64_C(1) << 20)
#define W_CONJ             (UINT64_C(1) << 21)
#define W_NEUTRAL          (UINT64_C(1) << 22) /* no valence here */
#define N_TARGET           (UINT64_C(1) << 23) /* the target */
#define N_TARGET_PERSON    (UINT64_C(1) << 24) /* its people */
#define N_PARTY            (UINT64_C(1) << 25) /* a party */
#define N_PARTY_PERSON     (UINT64_C(1) << 26)
#define W_PREFIX_KEY       (UINT64_C(1) << 27) /* "prefix*" */
#define W_DET              (UINT64_C(1) << 28) /* "the" */
#define W_DENIAL           (UINT64_C(1) << 29) /* "rejected" */
#define W_GENERIC_TITLE    (UINT64_C(1) << 30) /* "leader" */
#define W_PRON_THEY        (UINT64_C(1) << 31) /* they, them, their */
#define W_POSSESSIVE       (UINT64_C(1) << 32) /* its, their, his, her */
#define W_OBJECT_VERB      (UINT64_C(1) << 33) /* "pledged 2,000 troops" */
#define W_PREP             (UINT64_C(1) << 34) /* with, at, of, ... */
#define W_UNNAMED          (UINT64_C(1) << 35) /* "media", "protesters" */
#define W_STATEMENT        (UINT64_C(1) << 36) /* "comment (by)" */
#define W_CONCEDE_INITIAL  (UINT64_C(1) << 37) /* "while" opening */
#define W_RELAY            (UINT64_C(1) << 38) /* "(TASS) reports" */
#define W_DEFINITE         (UINT64_C(1) << 39) /* the, this, these */
#define N_SIDE_A           (UINT64_C(1) << 40) /* one side of the conflict */
#define N_SIDE_B           (UINT64_C(1) << 41) /* the other side */
#define N_DISPUTED         (UINT64_C(1) << 42) /* the disputed land */
#define W_CATENATIVE       (UINT64_C(1) << 43) /* "went on (to thank)" */
#define W_QUOTING          (UINT64_C(1) << 44) /* "quoted (X as saying)" */
#define W_REBUTTED         (UINT64_C(1) << 45) /* "(rejects) criticism" */
#define W_EXCEPTION        (UINT64_C(1) << 46) /* "(no one) except" */
/* clang-format on */

typedef struct med_entry {
    uint32_t key; /* offset of the lowercase key in the pool */
    uint32_t len;
    med_flags_t flags;
    float valence;    /* general lexicon, VADER scale -4..4; 0 when none */
    float intens;     /* intensifier increment (negative: dampener) */
    float mult;       /* hedge or modal multiplier */
    int32_t pat_head; /* first pattern whose first element is this key */
} med_entry_t;

enum {
    PAT_TARGET = 1, /* surface stand-in of the target */
    PAT_ROLE,       /* the role itself: relevant with the target */
    PAT_CONTEXT,    /* talks, summit: relevant with target + context */
    PAT_ANAPHOR,    /* "the peacekeepers": the target, named before */
    PAT_POLARITY,   /* a weighted domain cue */
    PAT_FIXED,      /* "as well as": no sentiment, no negation inside */
    PAT_FORCE,      /* "troops": the target's force when it is named */
    PAT_BILATERAL,  /* "bilateral": talks of two, not mediation */
    PAT_ALLIANCE,   /* "CSTO": the target's alliance, not mediation */
    PAT_DUTY,       /* "protect": a failure when negated, else nothing */
    PAT_CONFLICT,   /* "ceasefire", "the two countries": the conflict */
    PAT_STANDING,   /* "defeat", "alienated": the target's standing */
    PAT_OTHERS,     /* "TRIPP": another mediator's initiative */
    PAT_ELSEWHERE   /* "Transnistria": a place of another conflict */
};

/* Kinds whose hits are weighted stance cues. */
static inline int med_polar_kind(int kind)
{
    return kind == PAT_POLARITY || kind == PAT_DUTY;
}

typedef struct med_elem {
    uint32_t key; /* pool offset */
    uint16_t len;
    uint8_t prefix; /* matches any token starting with key */
    uint32_t hash;  /* med_hash of the key, for a word's quick rejection */
} med_elem_t;

typedef struct med_pattern {
    uint32_t elem_first;
    uint16_t n_elem;
    uint8_t kind;
    uint8_t gap;   /* tokens allowed between two elements */
    uint8_t cls;   /* stance class + 1 (m->classes), 0 for none */
    float weight;  /* PAT_POLARITY only, in [-1, 1] */
    int32_t next;  /* next pattern with the same head key, -1 */
    uint32_t text; /* pool offset of the pattern as written (traces) */
    /* How far past its head the pattern can reach (words), and a bit
     * (med_hash & 63) for each of its whole-word elements after the head:
     * a word at most reach words on with each bit must be there for it
     * to match, so that most patterns of a long chain are passed over
     * without a look at their elements. */
    uint32_t reach;
    uint64_t need;
} med_pattern_t;

#define MED_MAX_LEVELS 8

/* Tunable constants of the rules, from the rules file's "weights". */
typedef struct med_weights {
    double general_scale;
    double negation_general, negation_domain;
    int negation_window, intensifier_window, shifter_window;
    double typical_valence; /* of a general-lexicon word, VADER scale */
    double shifter_factor;
    double irrealis;
    double contrast_weak, contrast_strong;
    double off_target_clause;
    int scare_quote_max_words;
    double scare_quote_positive, scare_quote_negative, scare_quote_role;
    double combine_rest;
    double target_defense;   /* a general negative word the target holds */
    double rebuttal;         /* a rejected criticism: its cue, reversed */
    double exclusive_praise; /* "no one but the target can" */
    /* The word-vector features: the mean vector of the words within this
     * many words of a mention of the target, leaving out the first
     * (most frequent) embedding_skip_frequent words of the vectors'
     * vocabulary, which are function words. */
    int embedding_window;
    int embedding_skip_frequent;
    /* Scores are snapped to these magnitudes (the annotators' weak,
     * moderate and strong) when n_levels > 0. */
    double levels[MED_MAX_LEVELS];
    int n_levels;
} med_weights_t;

/* Classes of three-letter starts (a-z and "other" for each letter). */
#define MED_PREFIX3_CLASSES (27 * 27 * 27)
#define MED_MAX_PRONOUNS 32
#define MED_MAX_BODIES 16
/* Stance classes of the weighted cues ("failure", "credit"). */
#define MED_MAX_CLASSES 16
/* Fixed features of the learned component (mediation_learned.c); one
 * more per stance class, then one per dimension of the word vectors. */
#define MED_N_FEATURES 21
#define MED_EMB_MAX_DIMS 128
#define MED_MAX_FEATURES (MED_N_FEATURES + MED_MAX_CLASSES + MED_EMB_MAX_DIMS)

/* Word vectors (mediation_embed.c), 8-bit with a scale per word, rows in
 * the file's order of frequency. Empty (n_words 0) when none are loaded. */
typedef struct med_embeddings {
    size_t n_words, dims;
    char *words;        /* NUL-terminated, one after another */
    uint32_t *word_off; /* n_words + 1 offsets into words */
    int8_t *vec;        /* n_words x dims */
    float *scale;       /* the vector of row i is scale[i] * vec[i] */
    uint32_t *slots;    /* open addressing by word: row + 1; 0 is empty */
    size_t slot_mask;
    uint32_t feature_names[MED_EMB_MAX_DIMS]; /* "emb:K", pool offsets */
} med_embeddings_t;

/* The row of a lowercase word, or -1. */
long med_embedding_find(const med_embeddings_t *e, const char *word,
                        size_t len);
/* The same, for a word whose med_hash is h. */
long med_embedding_find_hashed(const med_embeddings_t *e, const char *word,
                               size_t len, uint32_t h);
/* Adds the vector of a row to sum (dims values). */
void med_embedding_add(const med_embeddings_t *e, long row, double *sum);
void med_embeddings_free(med_embeddings_t *e);

/* The learned component: multinomial logistic regression over the
 * features, for the classes negative, neutral, positive. */
typedef struct med_classifier {
    int loaded;
    size_t n;                      /* features it reads */
    int feature[MED_MAX_FEATURES]; /* which, by index */
    double mean[MED_MAX_FEATURES], scale[MED_MAX_FEATURES];
    /* Weights and biases with the standardisation folded in: the score
     * of class k is bias[k] + sum w[k][i] x[feature[i]]. */
    double w[3][MED_MAX_FEATURES];
    double bias[3];
    /* "override": "neutral" in the model file: it decides only where the
     * rules' verdict is neutral and never overturns a polar one. */
    int neutral_only;
    int finite; /* every weight is finite: a feature of 0 adds nothing */
} med_classifier_t;
/* 64-bit words of the Bloom filter: 2^16 bits, 8 KiB. */
#define MED_BLOOM_WORDS 1024
/* Slots of the prefix-length table; at most half are used. */
#define MED_PREFIX_SLOTS 1024

/* Prefix heads longer than this are not allowed. */
#define MED_MAX_PREFIX 31

struct mediation_model {
    char *pool; /* NUL-terminated strings; never moves after loading */
    size_t pool_len, pool_cap;

    med_entry_t *entries;
    size_t n_entries, cap_entries;
    /* Open addressing: each slot holds the key's hash (high 32 bits) and
     * entry index + 1 (low 32 bits; 0 is empty), so that a probe rejects
     * other keys without touching their entries. */
    uint64_t *slots;
    size_t slot_mask;
    /* A Bloom filter of the keys (two bits per key, from its hash): most
     * tokens of news text are in no list, and the filter, small enough to
     * stay in cache, turns them away without a probe of the table. */
    uint64_t bloom[MED_BLOOM_WORDS];

    med_elem_t *elems;
    size_t n_elems, cap_elems;
    med_pattern_t *patterns;
    size_t n_patterns, cap_patterns;
    /* Prefix heads ("los*"): a bit per three-letter start that has one
     * (small enough to stay in cache, so most tokens cost one bit test),
     * and for those starts a bit per length (3..31) of their heads, so
     * that a token needs one or two lookups, not one per length. */
    uint8_t prefix3[MED_PREFIX3_CLASSES / 8 + 1];
    uint32_t prefix_class[MED_PREFIX_SLOTS]; /* class + 1; 0 is empty */
    uint32_t prefix_lens[MED_PREFIX_SLOTS];
    size_t n_prefix_classes;
    /* The three-letter classes of the target's surface stand-ins, and
     * the pronouns the rules name: a sentence with neither, no target
     * entity and no relevant sentence before it cannot be relevant, and
     * is read without looking its words up. */
    uint8_t target3[MED_PREFIX3_CLASSES / 8 + 1];
    uint32_t pronouns[MED_MAX_PRONOUNS];     /* entry indices */
    uint32_t pronoun_hash[MED_MAX_PRONOUNS]; /* med_hash of their keys */
    uint64_t pronoun_bits; /* a bit per pronoun: its med_hash & 63 */
    size_t n_pronouns;
    int pronouns_overflow; /* more than MED_MAX_PRONOUNS: no shortcut */

    uint32_t target_name; /* pool offset; 0 until a profile names one */
    /* Canonical names of the target's bodies, globs with one '*' ("* of
     * Russia"): what comes before and after the star. */
    struct {
        uint32_t pre, post; /* pool offsets */
        uint16_t pre_len, post_len;
    } bodies[MED_MAX_BODIES];
    size_t n_bodies;
    /* The stance classes the cues name, in order of first use: pool
     * offsets. */
    uint32_t classes[MED_MAX_CLASSES];
    uint32_t class_features[MED_MAX_CLASSES]; /* "class:<name>" */
    size_t n_classes;
    /* Classes whose cues the target itself holds only about others
     * ("we are concerned about the escalation"): bit cls - 1. */
    uint32_t classes_of_others;
    int context_window; /* sentences back a party mention counts */
    /* The profile names the conflict's terms or sides: a context cue
     * ("talks", "met") with the target is the role only where the
     * conflict is spoken of, not in the target's bilateral dealings with
     * one side. */
    int conflict_gate;
    med_weights_t w;
    med_embeddings_t emb;
    med_classifier_t clf;
    mediation_settings_t settings;
};

/* The index of a feature's name ("net", "class:failure"), or -1
 * (mediation_features.c). */
int med_feature_index(const mediation_model_t *m, const char *name);
/* The names of the fixed features, by index. */
extern const char *const med_feature_names[MED_N_FEATURES];
/* Scores features x (indexed as med_feature_index gives): the class
 * (0 negative, 1 neutral, 2 positive), and the probabilities in prob[3]
 * when prob is not NULL. */
int med_classify(const mediation_model_t *m, const double *x, double *prob);

static inline const char *med_str(const mediation_model_t *m, uint32_t off)
{
    return m->pool + off;
}

/* The one way words become keys, for the loader and the analysis alike:
 * ASCII letters lowercased, curly single quotes (U+2018, U+2019) made
 * apostrophes, other bytes kept. Writes to out (at least MED_MAX_WORD
 * bytes) and returns the length, or 0 when the word is too long. */
static inline size_t med_fold(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x98 ||
             (unsigned char)s[i + 2] == 0x99)) {
            c = '\'';
            i += 2;
        } else if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c + 32);
        }
        if (o + 1 >= MED_MAX_WORD)
            return 0;
        out[o++] = (char)c;
    }
    return o;
}

/* The hash of the word table and of the vectors' table. It reads a key
 * 8 bytes at a time (each chunk as a little-endian number, the last one
 * padded with zeros) so that the analysis can hash a word in the chunks
 * it folds it in (mediation_words.c); med_hash_end mixes in the length. */
#define MED_HASH_SEED UINT64_C(0x243F6A8885A308D3)

static inline uint64_t med_hash_chunk(uint64_t h, uint64_t w)
{
    h = (h ^ w) * UINT64_C(0x9E3779B97F4A7C15);
    return h ^ (h >> 32);
}

static inline uint32_t med_hash_end(uint64_t h, size_t n)
{
    h = (h ^ (uint64_t)n) * UINT64_C(0xFF51AFD7ED558CCD);
    return (uint32_t)(h ^ (h >> 33));
}

static inline uint32_t med_hash(const char *s, size_t n)
{
    uint64_t h = MED_HASH_SEED;
    size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = med_hash_chunk(h, w);
    }
#endif
    for (; i < n; i += 8) {
        uint64_t w = 0;
        for (size_t j = 0; j < 8 && i + j < n; j++)
            w |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
        h = med_hash_chunk(h, w);
    }
    return med_hash_end(h, n);
}

/* med_fold of the n < MED_MAX_WORD bytes at s into out, and the
 * med_hash of what it writes, in one pass (the analysis folds every
 * token, and then looks most up in the word table or the vectors). ASCII
 * is lowercased, hashed and stored 8 bytes at a time, read as one number
 * where 8 bytes can be read at s (readable): out must have 8 bytes of
 * room past the word. Other words are folded and hashed byte by byte. */
static inline size_t med_fold_hash(const char *s, size_t n, size_t readable,
                                   char *out, uint32_t *hash)
{
    size_t i = 0, o = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t h = MED_HASH_SEED;
    const uint64_t high = UINT64_C(0x8080808080808080);
    while (i < n) {
        uint64_t w = 0;
        size_t k = n - i < 8 ? n - i : 8;
        if (readable - i >= 8) {
            memcpy(&w, s + i, 8);
            if (k < 8)
                w &= (UINT64_C(1) << (8 * k)) - 1;
        } else { /* the end of the text: the last bytes one by one */
            for (size_t j = 0; j < k; j++)
                w |= (uint64_t)(unsigned char)s[i + j] << (8 * j);
        }
        if (w & high)
            break; /* not ASCII: byte by byte from here */
        /* A byte b < 0x80 plus 0x3F has its high bit set when b >= 'A',
         * plus 0x25 when b > 'Z'; no sum carries into the next byte. */
        uint64_t upper = (w + UINT64_C(0x3F3F3F3F3F3F3F3F)) &
                         ~(w + UINT64_C(0x2525252525252525)) & high;
        w |= upper >> 2; /* + 0x20 */
        memcpy(out + o, &w, 8);
        h = med_hash_chunk(h, w);
        i += k;
        o += k;
    }
    if (i == n) {
        *hash = med_hash_end(h, o);
        return o;
    }
    /* Only whole chunks were folded so far, all ASCII, so i is at a
     * character: med_fold the rest (n < MED_MAX_WORD, so it is never too
     * long), and the hash of all that was written. */
#else
    (void)readable;
#endif
    o += med_fold(s + i, n - i, out + o);
    *hash = med_hash(out, o);
    return o;
}

/* Looks up a lowercase key; NULL when absent. */
const med_entry_t *med_lookup(const mediation_model_t *m, const char *key,
                              size_t len);
/* The same, for a key whose med_hash is h. */
const med_entry_t *med_lookup_hashed(const mediation_model_t *m,
                                     const char *key, size_t len, uint32_t h);

/* med_lookup_hashed inline, for the analysis' loop over the words. */
static inline const med_entry_t *med_lookup_inline(const mediation_model_t *m,
                                                   const char *key, size_t len,
                                                   uint32_t h)
{
    if (!m->slots)
        return NULL;
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

/* The class of the first three letters of a lowercase key (letters past
 * its end count as "other"). */
static inline size_t med_prefix3(const char *s, size_t len)
{
    size_t x = 0;
    for (size_t i = 0; i < 3; i++) {
        unsigned char c = i < len ? (unsigned char)s[i] : 0;
        x = x * 27 + ((c >= 'a' && c <= 'z') ? (size_t)(c - 'a' + 1) : 0);
    }
    return x;
}

/* The lengths of the prefix heads that start like class c (a bit per
 * length), or 0. */
static inline uint32_t med_prefix_lengths(const mediation_model_t *m, size_t c)
{
    if (!(m->prefix3[c / 8] & (1u << (c % 8))))
        return 0;
    for (size_t i = (c * 2654435761u) & (MED_PREFIX_SLOTS - 1);;
         i = (i + 1) & (MED_PREFIX_SLOTS - 1)) {
        if (m->prefix_class[i] == c + 1)
            return m->prefix_lens[i];
        if (!m->prefix_class[i])
            return 0;
    }
}

#endif
