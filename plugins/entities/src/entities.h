/* entities_core: everything of the entities analyzer except the plugin
 * glue, shared by the plugin module, the trainer (entities-train) and the
 * unit tests, so that training and tagging can never compute different
 * features.
 *
 * Pieces, in the order a document goes through them:
 *   text     UTF-8 helpers: folding for gazetteer keys, word shapes.
 *   gaz      gazetteers (TSV files) and their matching over tokens.
 *   features per-token facts and the feature keys of one position.
 *   model    the averaged-perceptron weights (file format, scoring) and the
 *            Viterbi decoder over BIO labels.
 *   tagger   both over sentences, each word type scored once and kept
 *            for the next documents.
 *   doc      the whole analysis of one document: tagging, label mapping,
 *            post-rules, canonical names and refers_to.
 *
 * THREADS. Gazetteers and models are read-only after loading; every
 * function taking a const pointer to them may run on many threads at once.
 * Per-document work uses only memory owned by the caller (a tagger, one
 * thread at a time) or allocated for that call. */
#ifndef ENTITIES_H
#define ENTITIES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "glossa/plugin.h"

/* ---- Tokens ------------------------------------------------------------ */

/* A token as the analyzer sees it: bytes of UTF-8 text (not
 * NUL-terminated). At run time these point into the document; in training
 * into the CoNLL file. Features depend on nothing else. */
typedef struct entities_token {
    const char *s;
    uint32_t len;
} entities_token_t;

/* ---- Text helpers (ent_text.c) ----------------------------------------- */

/* Decodes one code point of valid UTF-8 at s (n > 0 bytes available);
 * returns its length in bytes (1 for a stray byte, which decodes to
 * U+FFFD). */
size_t entities_utf8_next(const char *s, size_t n, uint32_t *cp);

/* The ASCII stand-in of typographic punctuation that news sites use where
 * CoNLL and most gazetteer files have ASCII (curly quotes and apostrophes,
 * dashes, minus); any other code point unchanged. Folding and features
 * both use it, so they agree on what "’s" is. */
uint32_t entities_ascii_standin(uint32_t cp);

/* Gazetteer key folding: lowercase, combining marks stripped ("Türkiye" ->
 * "turkiye"), typographic apostrophes/quotes/dashes mapped to ASCII and
 * whitespace dropped. Writes at most cap bytes to out and returns the
 * folded length, or cap + 1 when out is too small (the caller then treats
 * the text as matching nothing). */
size_t entities_fold(const char *s, size_t len, char *out, size_t cap);

/* Folded keys are at most this long; a token folding to more is in no
 * gazetteer and no word list. */
#define ENTITIES_FOLD_MAX 256

/* A token folded once (entities_fold_tokens) for every gazetteer lookup
 * and word-list test that asks about it. Its gazetteer key is in the fold
 * buffer, in the 8 bytes before its folded bytes (entities_ft_key): a
 * token takes 8 bytes, and tokens folding alike can share one copy of
 * their bytes and key (entities_fold_text_tokens). */
typedef struct entities_ftok {
    uint32_t off;   /* where the folded bytes are in the fold buffer (not
                     * NUL-terminated; the functions taking ft[] get the
                     * buffer as folded): an offset, not a pointer */
    uint16_t len;   /* their length; 0 with ENTITIES_FT_LONG: too long */
    uint16_t flags; /* ENTITIES_FT_* */
} entities_ftok_t;

/* The gazetteer key of the folded bytes of ft (0 for ENTITIES_FT_LONG);
 * folded is the fold buffer. */
static inline uint64_t entities_ft_key(const entities_ftok_t *ft,
                                       const char *folded)
{
    uint64_t key;
    memcpy(&key, folded + ft->off - sizeof(key), sizeof(key));
    return key;
}

enum {
    /* Not adjacent to the previous token: the text has a space (or
     * something that folds away) between them. */
    ENTITIES_FT_GAP = 1u << 0,
    /* Has letters and no lowercase one; only computed for tokens folding
     * to at most 6 bytes (the acronyms' length). */
    ENTITIES_FT_NOLOWER = 1u << 1,
    /* Folds to more than ENTITIES_FOLD_MAX bytes. */
    ENTITIES_FT_LONG = 1u << 2,
    /* Starts with an uppercase or titlecase letter
     * (entities_is_capitalized). */
    ENTITIES_FT_CAP = 1u << 3,
    /* Its first byte is an ASCII letter or not ASCII. */
    ENTITIES_FT_ALPHA = 1u << 4,
    /* Has a '-' or a byte 0xE2 (U+2010 and U+2011 start so): may have an
     * inner hyphen. */
    ENTITIES_FT_DASH = 1u << 5
};

/* A growable buffer for the folded bytes of entities_fold_tokens; zero it
 * before the first use, free buf after the last. */
typedef struct entities_foldbuf {
    char *buf;
    size_t len, cap;
} entities_foldbuf_t;

/* Folds toks[0..n) into ft[0..n), their keys and bytes into fb (emptied
 * first; ft's offsets are into fb->buf). Returns 0 or -1 when out of
 * memory. */
int entities_fold_tokens(const entities_token_t *toks, size_t n,
                         entities_ftok_t *ft, entities_foldbuf_t *fb);
/* The same for the core's tokens of text: what entities_fold_tokens
 * gives for their entities_token_t, without an array of those, except
 * that tokens folding to the same bytes share one copy of them and of
 * their key (a document repeats its words; the copies would take about
 * the text's size and 8 bytes a token). */
int entities_fold_text_tokens(const char *text, const glossa_token_t *tokens,
                              size_t n, entities_ftok_t *ft,
                              entities_foldbuf_t *fb);

/* True when the first code point of s is an uppercase or titlecase
 * letter. Inline for ASCII: the rules ask it of most tokens. */
int entities_is_capitalized_cp(const char *s, size_t len);
static inline int entities_is_capitalized(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    return entities_is_capitalized_cp(s, len);
}
/* True when cp is a lowercase letter. */
int entities_is_lowercase(uint32_t cp);

/* 64-bit FNV-1a, continued from state h (start with ENTITIES_FNV_INIT).
 * Inline: feature extraction hashes every token several times. */
#define ENTITIES_FNV_INIT 0xcbf29ce484222325ull
static inline uint64_t entities_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A final avalanche (splitmix64's) so that close inputs land far apart in
 * hash tables. */
static inline uint64_t entities_mix(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}

/* The key of folded bytes f[len] in the gazetteers and word sets
 * (entities_ftok_t.key); never 0. */
static inline uint64_t entities_fold_key(const char *f, size_t len)
{
    uint64_t k = entities_mix(entities_fnv(ENTITIES_FNV_INIT, f, len));
    return k ? k : 1;
}

/* ---- Labels ------------------------------------------------------------ */

/* The output labels of the guidelines. */
typedef enum entities_label {
    ENTITIES_PERSON = 0,
    ENTITIES_ORG,
    ENTITIES_GPE,
    ENTITIES_LOC,
    ENTITIES_NORP,
    ENTITIES_N_LABELS,
    ENTITIES_NO_LABEL = 255
} entities_label_t;

/* "PERSON", ... for a label; NULL for anything else. */
const char *entities_label_name(int label);
/* The label of a name, or ENTITIES_NO_LABEL. */
int entities_label_parse(const char *name, size_t len);

/* The tagger's CoNLL types and its BIO label set: 0 is O, 1 + 2t is B-t,
 * 2 + 2t is I-t. */
enum {
    ENTITIES_T_PER,
    ENTITIES_T_ORG,
    ENTITIES_T_LOC,
    ENTITIES_T_MISC,
    ENTITIES_N_TYPES
};
#define ENTITIES_N_TAGS (1 + 2 * ENTITIES_N_TYPES)
#define ENTITIES_TAG_B(t) (1 + 2 * (t))
#define ENTITIES_TAG_I(t) (2 + 2 * (t))
#define ENTITIES_TAG_TYPE(tag) (((tag)-1) / 2)
#define ENTITIES_TAG_IS_B(tag) ((tag) != 0 && ((tag)-1) % 2 == 0)
/* "O", "B-PER", ... */
const char *entities_tag_name(int tag);

/* ---- Gazetteers (ent_gaz.c) -------------------------------------------- */

/* Feature classes of gazetteer entries, given in a file's label column as
 * LABEL or LABEL/class ("GPE/country"), or by a feature list's class in
 * gazetteers.txt. Up to 16 so a token's membership fits in 32 bits (B and
 * I per class). */
typedef enum entities_gaz_class {
    ENTITIES_GZ_COUNTRY = 0, /* GPE/country */
    ENTITIES_GZ_SUBDIV,      /* GPE/subdivision */
    ENTITIES_GZ_CITY,        /* GPE/city, GPE/capital */
    ENTITIES_GZ_GPE,         /* other GPE */
    ENTITIES_GZ_LOC,
    ENTITIES_GZ_NORP,
    ENTITIES_GZ_ORG,
    ENTITIES_GZ_PERSON,
    /* Feature lists only (entities_gaz_load_features): they feed the
     * model and never type or create a span. */
    ENTITIES_GZ_FIRST,    /* first names */
    ENTITIES_GZ_NAME,     /* first and last names */
    ENTITIES_GZ_PLACE,    /* towns and cities of the world */
    ENTITIES_GZ_CLUB,     /* sports clubs and teams */
    ENTITIES_GZ_ORGKEY,   /* words that make a name an organisation's */
    ENTITIES_GZ_COMPANY,  /* words of company names */
    ENTITIES_GZ_FACILITY, /* buildings, pipelines and the like: no label */
    ENTITIES_GZ_NONAME,   /* abbreviations that are never names (UTC) */
    ENTITIES_GZ_N_CLASSES
} entities_gaz_class_t;

/* One entry. Strings are NUL-terminated and owned by the gazetteer. */
typedef struct entities_gaz_entry {
    const char *name;      /* as written in the file */
    const char *canonical; /* never NULL (the name when not given) */
    const char *refers_to; /* NULL when none */
    uint8_t label;         /* entities_label_t */
    uint8_t cls;           /* entities_gaz_class_t */
    /* Strong entries (hand-curated files and ISO countries) may create a
     * span the tagger missed; weak ones (long generated lists) only type
     * spans the tagger found and feed the model. */
    uint8_t strong;
    uint8_t ntok_hint; /* whitespace-separated words in the name */
    uint32_t priority; /* lower wins; the order the entries were loaded */
    uint32_t next;     /* next entry with the same key, or UINT32_MAX */
    /* Where a token of the text may end inside the folded name (after a
     * word, around punctuation): nbounds offsets from the gazetteer's
     * pool at bounds. Private to ent_gaz.c. */
    uint32_t bounds;
    uint16_t nbounds;
} entities_gaz_entry_t;

typedef struct entities_gaz entities_gaz_t;

/* Creates an empty gazetteer. NULL when out of memory. */
entities_gaz_t *entities_gaz_new(void);
void entities_gaz_free(entities_gaz_t *g);

/* Adds the entries of a TSV file: `name<TAB>LABEL[/class][<TAB>canonical
 * [<TAB>refers_to]]`, '#' starts a comment line, empty fields mean "not
 * given". strong says whether its entries may create spans. Entries loaded
 * earlier have priority. Returns 0, or -1 after writing a message naming
 * the file and line into err. */
int entities_gaz_load_file(entities_gaz_t *g, const char *path, int strong,
                           char *err, size_t err_size);

/* Loads the files listed (one a line, '#' comments, optional "weak " prefix
 * for weak files, "words " for a common-word list, "feature CLASS " for a
 * feature list) in the list file `list_name` inside dir. */
int entities_gaz_load_list(entities_gaz_t *g, const char *dir,
                           const char *list_name, char *err, size_t err_size);

/* Adds one entry (used by the loaders and by tests). Returns 0 or -1 when
 * out of memory or the name folds to nothing. */
int entities_gaz_add(entities_gaz_t *g, const char *name, int label, int cls,
                     const char *canonical, const char *refers_to, int strong);

size_t entities_gaz_size(const entities_gaz_t *g);

/* Adds a feature list: one name a line ('#' comments), each a member of
 * cls (ENTITIES_GZ_FIRST ...). Feature lists are kept apart from the
 * entries: entities_gaz_match and the lookups never see them; only
 * entities_tokinfo_gaz does. Returns 0, or -1 with a message. */
int entities_gaz_load_features(entities_gaz_t *g, const char *path, int cls,
                               char *err, size_t err_size);
/* ORs the feature lists' membership of the sentence's folded tokens
 * into gaz[0..n): bit 2c where a name of class c starts, 2c + 1 on its
 * other tokens. */
void entities_gaz_feature_match(const entities_gaz_t *g,
                                const entities_ftok_t *ft, const char *folded,
                                size_t n, uint32_t *gaz);
/* ORs what entities_tokinfo_gaz gives each token of a sentence into
 * gaz[0..n): the entries' classes (matches starting at capitalized
 * tokens) and the feature lists'. */
void entities_gaz_membership(const entities_gaz_t *g, const entities_ftok_t *ft,
                             const char *folded, size_t n, uint32_t *gaz);

/* Adds the words of a list (one a line, '#' comments) to the set of
 * common lowercase words: English words that are not also names. Returns
 * 0, or -1 with a message. */
int entities_gaz_load_words(entities_gaz_t *g, const char *path, char *err,
                            size_t err_size);
/* True when the folded s is a common word. */
int entities_gaz_is_common(const entities_gaz_t *g, const char *s, size_t len);
/* The same for a folded token. */
int entities_gaz_is_common_ft(const entities_gaz_t *g,
                              const entities_ftok_t *ft, const char *folded);

/* The best (lowest priority value) entry whose folded name equals the
 * folded string, or NULL. Acronyms (short names without lowercase
 * letters) only match text without lowercase letters. */
const entities_gaz_entry_t *entities_gaz_lookup_str(const entities_gaz_t *g,
                                                    const char *s, size_t len);
/* entities_gaz_lookup_str for a folded token. */
const entities_gaz_entry_t *entities_gaz_lookup_ft(const entities_gaz_t *g,
                                                   const entities_ftok_t *ft,
                                                   const char *folded);
/* Iterates over all entries with the same key as e (e included). */
const entities_gaz_entry_t *entities_gaz_next(const entities_gaz_t *g,
                                              const entities_gaz_entry_t *e);

/* The longest gazetteer match starting at toks[i] (first token
 * capitalized), at most ENTITIES_GAZ_MAX_TOKENS long, within [i, n).
 * Returns its token count (0: none) and the best entry in *entry. */
#define ENTITIES_GAZ_MAX_TOKENS 8
size_t entities_gaz_match(const entities_gaz_t *g, const entities_token_t *toks,
                          size_t n, size_t i,
                          const entities_gaz_entry_t **entry);
/* The same over folded tokens, from a token in any case ("armenia"); the
 * caller checks capitalization (ENTITIES_FT_CAP) where it matters. */
size_t entities_gaz_match_ft(const entities_gaz_t *g, const entities_ftok_t *ft,
                             const char *folded, size_t n, size_t i,
                             const entities_gaz_entry_t **entry);

/* ---- Features (ent_features.c) ----------------------------------------- */

/* Bumped whenever the feature templates change, and stored in the model
 * file: a model trained with other features is refused at load time. */
#define ENTITIES_FEATURES_VERSION 4

/* What the templates need to know about one token, computed once. */
typedef struct entities_tokinfo {
    uint64_t form;       /* hash of the normalized form */
    uint64_t lower;      /* ... lowercased, digits as 0 */
    uint64_t shape;      /* ... long shape ("Xxxxx-xx") */
    uint64_t shortshape; /* ... runs collapsed ("Xx-x") */
    uint64_t prefix[4];  /* lowercase prefixes of 1..4 code points */
    uint64_t suffix[4];
    uint32_t flags; /* ENTITIES_TF_* */
    uint32_t gaz;   /* bit 2c: B of class c, bit 2c + 1: I of class c */
    uint32_t hist;  /* entities_history_get: how the document's earlier
                     * sentences were tagged where they have the word */
    uint32_t zero;  /* always 0: no padding, so tokinfos compare bytewise */
} entities_tokinfo_t;

enum {
    ENTITIES_TF_CAP = 1u << 0,       /* first letter uppercase */
    ENTITIES_TF_ALLCAPS = 1u << 1,   /* letters, none lowercase */
    ENTITIES_TF_DIGIT = 1u << 2,     /* has a digit */
    ENTITIES_TF_HYPHEN = 1u << 3,    /* has an inner hyphen */
    ENTITIES_TF_PERIOD = 1u << 4,    /* has a period */
    ENTITIES_TF_PUNCT = 1u << 5,     /* no letter or digit */
    ENTITIES_TF_SENTSTART = 1u << 6, /* first token of its sentence */
    ENTITIES_TF_COMMON = 1u << 7     /* a common lowercase word, folded */
};

/* Fills info[0..n) for the tokens of one sentence. g may be NULL (no
 * gazetteer features). It is entities_tokinfo_word for each token, the
 * SENTSTART flag on the first and entities_tokinfo_gaz. Returns 0, or -1
 * when out of memory (info then has no gazetteer bits). */
int entities_tokinfo_fill(const entities_gaz_t *g, const entities_token_t *toks,
                          size_t n, entities_tokinfo_t *info);
/* What depends on the token's string alone: everything but SENTSTART and
 * gaz (left 0). g may be NULL (no COMMON flag). */
void entities_tokinfo_word(const entities_gaz_t *g, const entities_token_t *t,
                           entities_tokinfo_t *info);
/* ORs the gazetteer membership of the sentence's tokens
 * (entities_gaz_membership) into info[].gaz. Returns 0 or -1 when out of
 * memory. */
int entities_tokinfo_gaz(const entities_gaz_t *g, const entities_token_t *toks,
                         size_t n, entities_tokinfo_t *info);
/* entities_tokinfo_word without the COMMON flag, code point by code
 * point: what entities_tokinfo_word computes faster for ASCII tokens.
 * For the tests. */
void entities_tokinfo_generic(const entities_token_t *t,
                              entities_tokinfo_t *info);
/* What positions before (before = 1) and after the sentence look like. */
const entities_tokinfo_t *entities_tokinfo_pad(int before);

/* The feature keys of position i of a sentence of n tokens; returns how
 * many were written (at most ENTITIES_MAX_FEATURES). The trainer uses
 * these, in this order. */
#define ENTITIES_MAX_FEATURES 96
size_t entities_features(const entities_tokinfo_t *info, size_t n, size_t i,
                         uint64_t *keys);

/* The same keys split by what they depend on, so that the tagger can
 * score each word type once. The keys of position i are, as a multiset,
 * those of
 *   entities_features_word(w, d) for d = -2..2, w the tokinfo at i + d
 *     (entities_tokinfo_pad outside the sentence): the templates that see
 *     only that word's form, shapes, affixes and flags;
 *   entities_features_context(info, n, i): the bias, the templates that
 *     combine two or three words, and gazetteer membership around i.
 * entities_features_word writes at most ENTITIES_MAX_FEATURES keys, and
 * so does entities_features_context. */
size_t entities_features_word(const entities_tokinfo_t *t, int d,
                              uint64_t *keys);
size_t entities_features_context(const entities_tokinfo_t *info, size_t n,
                                 size_t i, uint64_t *keys);

/* What the tagger keeps of a word type for the context keys that combine
 * words: the lowercase and short-shape hashes (entities_tokinfo_t) and
 * their entities_mix, which every key combining them starts with. */
typedef struct entities_wordhash {
    uint64_t lower, shortshape;
    uint64_t mix_lower, mix_short;
} entities_wordhash_t;
void entities_wordhash_of(const entities_tokinfo_t *t, entities_wordhash_t *wh);

/* entities_features_context is, as a multiset, the keys of
 *   entities_feature_bias(), the same for every position;
 *   entities_features_combined(p1, c, n1), the five keys of the words
 *     at i - 1, i and i + 1 together (pads outside the sentence);
 *   entities_feature_gaz(d, b) for each bit b of the gaz of the word at
 *     i - 1 + d (d = 0..2), and
 *   entities_feature_hist(hist, flags) of the word at i when hist != 0,
 * so that the tagger can score the keys of few values once (bias,
 * gazetteer bits, history) and hash only the combined ones per
 * position. */
#define ENTITIES_COMBINED_FEATURES 5
uint64_t entities_feature_bias(void);
uint64_t entities_feature_gaz(unsigned d, unsigned bit);
void entities_features_combined(const entities_wordhash_t *p1,
                                const entities_wordhash_t *c,
                                const entities_wordhash_t *n1, uint64_t *keys);

/* The key of the history feature of a token (its hist, non-zero, with its
 * case flags); entities_features gives it, and the trainer registers all
 * of them up front. */
uint64_t entities_feature_hist(uint32_t hist, uint32_t flags);
/* The case flags the history feature is conjoined with. */
#define ENTITIES_HIST_FLAGS                                                    \
    (ENTITIES_TF_CAP | ENTITIES_TF_ALLCAPS | ENTITIES_TF_SENTSTART)
/* Those flags' combinations, numbered: bit 0 capitalised, bit 1 all
 * caps, bit 2 sentence start. entities_hist_case(r) gives the flags of
 * combination r < ENTITIES_HIST_CASES, entities_hist_case_of(flags) the
 * number of a token's. */
#define ENTITIES_HIST_CASES 8u
static inline uint32_t entities_hist_case(unsigned r)
{
    return ((r & 1u) ? ENTITIES_TF_CAP : 0u) |
           ((r & 2u) ? ENTITIES_TF_ALLCAPS : 0u) |
           ((r & 4u) ? ENTITIES_TF_SENTSTART : 0u);
}
static inline unsigned entities_hist_case_of(uint32_t flags)
{
    return ((flags & ENTITIES_TF_CAP) ? 1u : 0u) |
           ((flags & ENTITIES_TF_ALLCAPS) ? 2u : 0u) |
           ((flags & ENTITIES_TF_SENTSTART) ? 4u : 0u);
}

/* ---- Document history (ent_features.c) ---------------------------------- */

/* Label consistency within a document: the tags the tagger gave each word
 * (case and marks aside: the folded key) in the sentences before, as a
 * bit set: bit t for type t (B or I), ENTITIES_HIST_O for O. Words that
 * do not start with a letter or digit have none. One per document and
 * thread. */
#define ENTITIES_HIST_O (1u << ENTITIES_N_TYPES)
#define ENTITIES_HIST_VALUES (1u << (ENTITIES_N_TYPES + 1))
typedef struct entities_history entities_history_t;

/* NULL when out of memory. */
entities_history_t *entities_history_new(void);
void entities_history_free(entities_history_t *h);
/* Forgets everything (a new document). */
void entities_history_clear(entities_history_t *h);
/* Gives each of the folded tokens ft[0..n) (a sentence, or the whole
 * document at once) its entry: slot[i], UINT32_MAX for none. 0 or -1
 * when out of memory. */
int entities_history_slots(entities_history_t *h, const entities_ftok_t *ft,
                           const char *folded, size_t n, uint32_t *slot);
/* hist[0..n) for the tokens of a sentence, by their slots. */
void entities_history_get(const entities_history_t *h, const uint32_t *slot,
                          size_t n, uint32_t *hist);
/* Adds a tagged sentence, by its tokens' slots. */
void entities_history_add(entities_history_t *h, const uint32_t *slot,
                          const uint8_t *tags, size_t n);

/* ---- Model (ent_model.c) ----------------------------------------------- */

typedef struct entities_model entities_model_t;

/* Loads a model file. Returns NULL after writing why (missing file, not a
 * model, wrong version or feature set, truncated, checksum mismatch) into
 * err. */
entities_model_t *entities_model_load(const char *path, char *err,
                                      size_t err_size);
void entities_model_free(entities_model_t *m);
size_t entities_model_features(const entities_model_t *m);

/* Adds the weights of keys to scores[ENTITIES_N_TAGS] (which the caller
 * zeroes). */
void entities_model_score(const entities_model_t *m, const uint64_t *keys,
                          size_t n_keys, float *scores);
/* Transition weights: trans[(prev + 1) * N_TAGS + cur], prev = -1 at the
 * start of a sentence. */
const float *entities_model_transitions(const entities_model_t *m);

/* Writes a model: keys[n] with weights[n * ENTITIES_N_TAGS] and
 * transitions[(N_TAGS + 1) * N_TAGS]. Weights are stored as int16 with one
 * scale. Returns 0 or -1 with a message. */
int entities_model_write(const char *path, const uint64_t *keys,
                         const float *weights, size_t n, const float *trans,
                         char *err, size_t err_size);

/* Best BIO label sequence for emission scores emit[n * N_TAGS] under
 * trans, never producing I-X after anything but B-X or I-X. work must hold
 * ENTITIES_VITERBI_WORK(n) bytes. */
#define ENTITIES_VITERBI_WORK(n)                                               \
    ((size_t)(n)*ENTITIES_N_TAGS * sizeof(float) + 64)
void entities_viterbi(const float *emit, const float *trans, size_t n,
                      uint8_t *tags, void *work);

/* A tagger (ent_tagger.c) tags sentences, of one document or of many: it
 * keeps the scores of each word type it has met, keyed by a copy of the
 * token's bytes, so that a word is scored once and not again in every
 * sentence or document that has it. The scores depend only on the word,
 * m and g, so a tagger serves any number of documents of the same m and
 * g, in any order, and gives the same results as a new one. Its memory is
 * bounded: it keeps at most max_types word types
 * (entities_tagger_set_max_types; ENTITIES_TAGGER_CACHE_TYPES, about
 * 4 MB, unless set) and empties its cache before a sentence that could
 * take it past that (one sentence with more types than that is scored
 * whole, and the cache is emptied after it); the per-sentence buffers
 * grow to the longest sentence (the core cuts sentences at 4,096 tokens:
 * under 1 MB). One thread at a time per tagger; m and g are shared
 * read-only. The emissions and tags are exactly those of
 * entities_features + entities_model_score + entities_viterbi. */
typedef struct entities_tagger entities_tagger_t;

/* The default bound of a tagger's cache: 10,000 word types of 280 bytes
 * each, their bytes (16 a type on average) and a table, about 3.1 MB.
 * News repeats its few thousand most frequent words in every article;
 * a cache emptied when full finds them again after a few sentences. */
#define ENTITIES_TAGGER_CACHE_TYPES 10000

/* NULL when out of memory. g may be NULL (no gazetteer features). */
entities_tagger_t *entities_tagger_new(const entities_model_t *m,
                                       const entities_gaz_t *g);
void entities_tagger_free(entities_tagger_t *t);
/* Bounds the cache to max_types word types (at least 1) from the next
 * sentence on. */
void entities_tagger_set_max_types(entities_tagger_t *t, size_t max_types);
/* What a tagger's cache holds and has done, for tests and measurements. */
typedef struct entities_tagger_stats {
    size_t types;    /* word types in the cache now */
    size_t bytes;    /* memory of the cache's arrays now */
    uint64_t tokens; /* tokens tagged */
    uint64_t scored; /* word types scored (tokens not found in the cache) */
    uint64_t clears; /* times the cache was emptied */
} entities_tagger_stats_t;
void entities_tagger_stats(const entities_tagger_t *t,
                           entities_tagger_stats_t *stats);
/* The emission scores of the n tokens of a sentence into
 * emit[n * ENTITIES_N_TAGS]. Returns 0 or -1 when out of memory. */
int entities_tagger_emit(entities_tagger_t *t, const entities_token_t *toks,
                         size_t n, float *emit);
/* Tags one sentence into tags[n]. Returns 0 or -1 when out of memory. */
int entities_tagger_tag(entities_tagger_t *t, const entities_token_t *toks,
                        size_t n, uint8_t *tags);
/* The same with what the document gives: gaz[0..n) the sentence's
 * gazetteer membership as entities_gaz_membership computes it (NULL:
 * computed here; a caller that needs it anyway saves computing it
 * twice), hist[0..n) its history (entities_history_get; NULL: none, as
 * for a sentence alone). */
int entities_tagger_tag_doc(entities_tagger_t *t, const entities_token_t *toks,
                            const uint32_t *gaz, const uint32_t *hist, size_t n,
                            uint8_t *tags);
/* The same with a tagger of its own. */
int entities_tag_sentence(const entities_model_t *m, const entities_gaz_t *g,
                          const entities_token_t *toks, size_t n,
                          uint8_t *tags);

/* ---- Documents (ent_doc.c; its steps: ent_doc.h) ----------------------- */

/* One result span. Strings point into the document, the gazetteer or the
 * result's own pool; valid until entities_result_free(). */
typedef struct entities_span {
    uint32_t start, end; /* code points, end exclusive */
    uint8_t label;       /* entities_label_t */
    const char *canonical;
    uint32_t canonical_len;
    const char *refers_to; /* NULL: none */
    uint32_t refers_to_len;
} entities_span_t;

typedef struct entities_result {
    entities_span_t *spans; /* sorted by (start, end) */
    size_t n, cap;
    char *pool; /* canonical names built for this document */
    size_t pool_len, pool_cap;
} entities_result_t;

void entities_result_free(entities_result_t *r);

/* What the analysis is given: the text and the core's segmentation
 * (glossa/plugin.h types; only their offsets are used). */
typedef struct entities_doc {
    const char *text;
    size_t len;
    const glossa_token_t *tokens;
    size_t n_tokens;
    const glossa_sentence_t *sentences;
    size_t n_sentences;
} entities_doc_t;

/* Settings of one analyzer instance. */
typedef struct entities_config {
    uint8_t emit[ENTITIES_N_LABELS]; /* 1: emit spans of that label */
} entities_config_t;

/* Analyzes one document into r (zeroed by the caller). tagger, made with
 * m and g, is one the caller keeps from one document to the next, so that
 * words met before are not scored again (see entities_tagger_t); NULL:
 * one for this document alone. The result is the same either way. Returns
 * 0, or -1 when out of memory (r then holds nothing). */
int entities_analyze(const entities_model_t *m, const entities_gaz_t *g,
                     entities_tagger_t *tagger, const entities_config_t *cfg,
                     const entities_doc_t *doc, entities_result_t *r);

#endif /* ENTITIES_H */
