/* The analysis of one document (ent_doc.c), in steps that share one
 * working state. Private to the ent_*.c files of the analysis; nothing
 * here is part of entities.h.
 *
 * Files, in the order a document goes through them:
 *   ent_doc.c        the steps in order (tagging, then 2-6 below), and
 *                    the output;
 *   ent_mentions.c   2. the tagger's chunks become mentions with labels;
 *   ent_names.c      3. names the document used and strong gazetteer
 *                    names recovered where the tagger found nothing;
 *   ent_canonical.c  4.-5. canonical names and refers_to;
 *   ent_tokens.c     what every step asks of a token.
 *
 * THREADS. An ent_work_t belongs to one entities_analyze() call; the
 * gazetteer it points to is shared read-only. */
#ifndef ENT_DOC_H
#define ENT_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "entities.h"

/* The word lists of the rules: X(NAME) for each. Each list is defined in
 * the file of its rule as ent_words_NAME (folded words, NULL-terminated)
 * and asked for as ENT_NAME (ent_tok_in). */
#define ENT_WORD_LISTS(X)                                                      \
    X(FUNCTION_WORDS)                                                          \
    X(TITLES)                                                                  \
    X(TITLES_PLURAL)                                                           \
    X(GEO_FEATURES)                                                            \
    X(COMPASS)                                                                 \
    X(QUESTION_WORDS)                                                          \
    X(CREDIT_WORDS)                                                            \
    X(FACILITY_HEADS)                                                          \
    X(FACILITY_FIRST)                                                          \
    X(ORDINALS)                                                                \
    X(STOPS)                                                                   \
    X(TOPICS)                                                                  \
    X(LOCATIVE)                                                                \
    X(MOTION)                                                                  \
    X(PLACE_NOUNS)                                                             \
    X(EVENT_NOUNS)                                                             \
    X(DATELINE_MARKS)                                                          \
    X(ORG_SUFFIXES)

typedef enum ent_list {
#define ENT_LIST_ID(name) ENT_##name,
    ENT_WORD_LISTS(ENT_LIST_ID)
#undef ENT_LIST_ID
        ENT_N_LISTS
} ent_list_t;

#define ENT_LIST_DECL(name) extern const char *const ent_words_##name[];
ENT_WORD_LISTS(ENT_LIST_DECL)
#undef ENT_LIST_DECL

/* A mention under construction: tokens, offsets, label and names. */
typedef struct ent_mention {
    uint32_t a, b;                     /* tokens [a, b) */
    uint32_t bs, be;                   /* bytes of the mention's text */
    uint32_t cs, ce;                   /* code points */
    const entities_gaz_entry_t *entry; /* gazetteer entry of its label */
    const char *canon; /* into text or gazetteer; NULL: pool offset */
    const char *refers;
    uint32_t canon_off, canon_len;
    uint32_t refers_len;
    uint8_t label;     /* entities_label_t, or ENTITIES_NO_LABEL: dropped */
    uint8_t part;      /* a named part of a hyphenated token: how many
                        * named parts that token has (0: not a part) */
    uint8_t own_canon; /* canon set by a rule: step 4 keeps it */
    /* In this order, 64 bytes without holes (72 with the bytes after
     * the offsets): a large document has a million mentions. */
} ent_mention_t;

/* The working state of one entities_analyze() call. */
typedef struct ent_work {
    const entities_gaz_t *g;
    const entities_doc_t *doc;
    entities_ftok_t *ft; /* each token folded, once */
    entities_foldbuf_t fb;
    uint32_t *gaz; /* gazetteer membership (entities_gaz_membership) */
    uint8_t *tags;
    uint8_t *covered; /* token belongs to a tagger chunk */
    ent_mention_t *m;
    size_t n, cap;
    /* Names the tagger found, one per distinct name, sorted by the hash of
     * their first token (surnames of people by their own): what repeats
     * of them in the document are. */
    struct ent_docname *names;
    size_t n_names;
    entities_result_t *r;
} ent_work_t;

/* One distinct name the tagger found in the document (see
 * ent_work_t.names), in one reading. */
typedef struct ent_docname {
    uint64_t first;  /* hash of the first (for a surname: only) token */
    uint32_t idx;    /* the mention it came from */
    uint32_t weight; /* mentions read this way (a full name's surname: 2) */
    uint8_t ntok;    /* 1 for a surname */
    uint8_t label;
    uint8_t surname; /* also the last word of a longer PERSON name */
} ent_docname_t;

/* The bit of a label (entities_label_t) in a set of labels. */
#define ENT_BIT(l) (1u << (l))

/* ---- Tokens (ent_tokens.c) --------------------------------------------- */

/* Token i's bytes in the text, from the core's offsets (a copy of them
 * per token would be 16 bytes a token for the whole document). */
static inline entities_token_t ent_tok(const ent_work_t *w, size_t i)
{
    const glossa_token_t *t = &w->doc->tokens[i];
    entities_token_t tok = {w->doc->text + t->start, t->end - t->start};
    return tok;
}

/* The index of the sentence holding token i (binary search over the
 * sentences' first tokens: an array of them per token would take 4 bytes
 * a token of the whole document). */
static inline size_t ent_sent_of(const ent_work_t *w, size_t i)
{
    const glossa_sentence_t *s = w->doc->sentences;
    size_t lo = 0, hi = w->doc->n_sentences; /* the answer is in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s[mid].token_first <= i)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Makes the index of the word lists; ent_tok_in needs it. Thread-safe,
 * idempotent and cheap after the first call. */
void ent_words_init(void);
/* The bit set of the word lists token i, folded, is in. */
uint32_t ent_tok_lists(const ent_work_t *w, size_t i);
/* Is token i, folded, one of the words of a list? Tokens of 48 folded
 * bytes or more are in no list. */
static inline int ent_tok_in(const ent_work_t *w, size_t i, ent_list_t list)
{
    return (ent_tok_lists(w, i) >> list) & 1u;
}
/* Is token i, folded, the word lit (a short literal)? */
static inline int ent_tok_is(const ent_work_t *w, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return w->ft[i].len == n && memcmp(w->fb.buf + w->ft[i].off, lit, n) == 0;
}

/* The folded hash of token i (never 0). */
uint64_t ent_tok_hash(ent_work_t *w, size_t i);
/* A hash of the folded tokens [a, b), in order. */
uint64_t ent_seq_hash(ent_work_t *w, size_t a, size_t b);
/* Do tokens [a, a + k) equal tokens [b, b + k), folded? */
int ent_same_tokens(ent_work_t *w, size_t a, size_t b, size_t k);

/* The parts of token i between inner hyphens ('-', U+2010, U+2011), as
 * byte ranges [starts[k], ends[k]) of the token: how many (at least 2),
 * or 0 when the token has no inner hyphen or more than max - 1 of them. */
size_t ent_hyphen_parts(const ent_work_t *w, size_t i, uint32_t *starts,
                        uint32_t *ends, size_t max);
/* Does token i split into parts at inner hyphens? Inline: the rules ask
 * it of most tokens, and most have no dash at all. */
int ent_hyphen_split(const ent_work_t *w, size_t i);
static inline int ent_has_hyphen(const ent_work_t *w, size_t i)
{
    return (w->ft[i].flags & ENTITIES_FT_DASH) && ent_hyphen_split(w, i);
}

/* Is token i a common lowercase word (entities_gaz_is_common)? */
int ent_tok_common(const ent_work_t *w, size_t i);
/* Is token i capitalized (entities_is_capitalized)? */
static inline int ent_tok_cap(const ent_work_t *w, size_t i)
{
    return (w->ft[i].flags & ENTITIES_FT_CAP) != 0;
}

/* The best gazetteer entry for a name whose label is in want (a set of
 * ENT_BIT labels), or NULL; *any (may be NULL) gets the best entry of any
 * label. */
const entities_gaz_entry_t *ent_gaz_pick(const ent_work_t *w, const char *s,
                                         size_t len, unsigned want,
                                         const entities_gaz_entry_t **any);
/* The same for the text of tokens [a, b). */
const entities_gaz_entry_t *ent_gaz_pick_toks(const ent_work_t *w, size_t a,
                                              size_t b, unsigned want,
                                              const entities_gaz_entry_t **any);
/* The longest gazetteer match from capitalized token i within [i, end)
 * (entities_gaz_match): its token count, 0 when none, the best entry in
 * *e. */
size_t ent_gaz_match(const ent_work_t *w, size_t i, size_t end,
                     const entities_gaz_entry_t **e);

/* ---- Step 2: mentions (ent_mentions.c) --------------------------------- */

/* Room for cap mentions in w->m. 0 or -1 (memory). */
int ent_mentions_reserve(ent_work_t *w, size_t cap);
/* A new mention at the end of w->m, zeroed and without a label; NULL when
 * out of memory. Pointers into w->m are valid until the next call. */
ent_mention_t *ent_mention_add(ent_work_t *w);
/* Sets the token range [a, b) of m and its byte and code point offsets. */
void ent_mention_set_tokens(const ent_work_t *w, ent_mention_t *m, size_t a,
                            size_t b);
/* Adds mentions for the named parts of hyphenated token i; returns how
 * many, or -1 when out of memory. */
int ent_split_hyphenated(ent_work_t *w, size_t i);
/* Turns the tagger's chunk [a, b) of type `type` into mentions; returns
 * the end of the tokens it consumed, or 0 when out of memory. */
size_t ent_chunk_to_mention(ent_work_t *w, size_t a, size_t b, int type);

/* ---- Step 3b: names by their shape (ent_shapes.c) ---------------------- */

/* Drops the mentions inside facility, building and event names ("White
 * House", "Brussels Summit", "Hotel Goris") and the abbreviations that
 * are never names (UTC, Ctrl). 0 or -1 (memory). */
int ent_block_non_names(ent_work_t *w);
/* Ministries and parliaments named with their country ("Ministry of
 * Defence of Azerbaijan", "Russian MOD", "Turkish Parliament") become one
 * ORG with the canonical "<Adjective> <Topic> Ministry"; "Russia's
 * Foreign Ministry" keeps GPE Russia beside ORG "Foreign Ministry". 0 or
 * -1 (memory). */
int ent_merge_institutions(ent_work_t *w);

/* ---- Step 3: names of the document (ent_names.c) ----------------------- */

/* Collects the names the tagger found into w->names. 0 or -1 (memory). */
int ent_collect_names(ent_work_t *w);
/* One-word mentions that are surnames of people named in full become
 * those people. */
void ent_relabel_people(ent_work_t *w);
/* Adds the mentions of sentence [first, first + n) that the document's
 * names and strong gazetteer names give on uncovered tokens. 0 or -1. */
int ent_recover(ent_work_t *w, size_t first, size_t n);
/* Drops lone capitalized common words that open a sentence. */
void ent_drop_stray_words(ent_work_t *w);
/* Mentions of the same words read with different labels in one document
 * take the label most of them have (label consistency); ties and what a
 * strong gazetteer entry typed stay. 0 or -1 (memory). */
int ent_vote_labels(ent_work_t *w);

/* ---- Steps 4 and 5: canonical names (ent_canonical.c) ------------------ */

/* Copies s[len] into the result's pool of canonical names; *off gets
 * its offset. 0 or -1 (memory). */
int ent_pool_add(entities_result_t *r, const char *s, size_t len,
                 uint32_t *off);
/* Sets the canonical name and refers_to of every mention; the mentions
 * must be in document order. Canonical names built here go to the
 * result's pool. 0 or -1 (memory). */
int ent_canonicalize(ent_work_t *w);

#endif /* ENT_DOC_H */
