/* The analysis of one document (mediation_analyze.c), in steps over one
 * working state, med_ws_t. Private to mediation_core: the files of the
 * steps share these types and functions, nothing else does.
 *
 * Files, in the order a sentence goes through them (see
 * mediation_analyze.c for the whole):
 *   mediation_words.c      1. words: tokens lowercased and looked up,
 *                          entities laid on them, quotes and clauses;
 *   mediation_cues.c       2. cues: the profile's patterns matched;
 *   mediation_speakers.c   who is who: entities, bodies, the titles a
 *                          document introduces, pronouns;
 *   mediation_relevance.c  3. relevance, with reference (forces,
 *                          anaphors, "they", a statement's "we");
 *   mediation_frames.c     4. frames: reporting and stance verbs, their
 *                          speakers and scopes;
 *   mediation_subjects.c      who speaks: subjects and agents of verbs;
 *   mediation_sources.c       sources without a verb: headlines, "outrage
 *                          from X", statement documents;
 *   mediation_quotes.c        the quotes layer's spans as frames;
 *   mediation_polarity.c   5. polarity: the rules' contributions, net
 *                          value, score;
 *   mediation_learned.c    6. the learned component's features and verdict
 *                          (mediation_classifier.c scores them);
 *   mediation_holder.c     7. holder.
 *
 * THREADS. A med_ws_t belongs to one mediation_analyze() call; the model
 * it points to is shared read-only. */
#ifndef MEDIATION_ANALYZE_H
#define MEDIATION_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mediation_internal.h"

/* The holder of what nobody else is said to hold. */
extern const char med_author[];

/* Sentences remembered for pronouns, quotes and anaphors. */
#define MED_HIST 8
/* Titles ("Russian President" -> Vladimir Putin) remembered per document. */
#define MED_MAX_TITLES 32

/* Punctuation classes of a word (med_word_t.punct). */
enum {
    P_NONE = 0, /* a word */
    P_COMMA,
    P_SEMI,
    P_BREAK, /* : ( ) [ ] */
    P_DASH,  /* em and en dashes, "--" */
    P_OPENQ,
    P_CLOSEQ,
    P_TERM,
    P_OTHER
};

/* Marks on a word (med_word_t.mark). */
enum {
    M_TARGET = 1u << 0,  /* mentions the target */
    M_COVERED = 1u << 1, /* inside an accepted polarity cue */
    M_FIXED = 1u << 2,   /* inside a fixed expression */
    M_CUE = 1u << 3,     /* inside a role, context or anaphor cue */
    M_SCARE = 1u << 4,   /* inside a short quotation */
    M_QUOTE = 1u << 5,   /* inside a quotation */
    M_ROLE = 1u << 6,    /* inside a role cue */
    M_FORCE = 1u << 7,   /* inside a force word ("troops") */
    M_CONFLICT = 1u << 8 /* a term of the conflict, or the disputed land */
};

/* One token of the current sentence. */
typedef struct med_word {
    uint32_t tok;    /* token index in the document */
    uint32_t lo;     /* lowercase form at ws->lbuf + lo */
    uint16_t len;    /* its length; 0: not looked up */
    uint16_t clause; /* clause number within the sentence */
    int32_t ent;     /* entity index or -1 */
    const med_entry_t *e;
    med_flags_t flags; /* e->flags, minus what a fixed expression cancels */
    uint8_t punct;     /* P_* */
    uint16_t mark;     /* M_* */
    uint32_t hash;     /* med_hash of the lowercase form (when len > 0) */
} med_word_t;

/* A pattern of the profile matched over words [a, b). */
typedef struct med_hit {
    uint16_t a, b; /* words [a, b) */
    uint8_t kind;
    uint8_t accepted;
    float weight;
    uint32_t pat;
} med_hit_t;

/* Who holds a stance: a canonical name (or med_author), borrowed from
 * the model or the document's entities. */
typedef struct med_speaker {
    const char *name;
    uint8_t target; /* the speaker is the target or a target person */
    uint8_t person;
    uint8_t party; /* a party of the conflict or one of its people */
} med_speaker_t;

/* A reporting or stance verb with its speaker and the words it reports. */
typedef struct med_frame {
    uint16_t verb;
    uint16_t a, b;  /* scope: words [a, b) */
    uint8_t denial; /* the speaker denies what the scope says */
    /* A stance toward someone else ("accused the Armenian government
     * of..."): what it holds says nothing of the target. */
    uint8_t off_target;
    uint8_t quote;  /* a span of the quotes layer, not a verb's */
    uint8_t source; /* a headline's or a stance noun's source */
    /* A quote's speaker phrase in this sentence: words [spk_a, spk_b),
     * empty when it is elsewhere. */
    uint16_t spk_a, spk_b;
    med_speaker_t who;
} med_frame_t;

/* What a contribution is, besides its value (med_contrib_t.tags). */
enum {
    C_NEGATED = 1u << 0, /* a domain cue under negation ("not reliable") */
    C_SCARE = 1u << 1    /* an unattributed scare-quoted role word */
};

/* One contribution to a sentence's polarity. */
typedef struct med_contrib {
    uint16_t pos;
    uint8_t domain;
    uint8_t cls;  /* the cue's stance class + 1, 0 for none */
    uint8_t tags; /* C_* */
    float v;
    int16_t holder; /* frame index, -1 author, -2 the quote's speaker */
} med_contrib_t;

/* A title the document introduced a person with ("Russian President"
 * Vladimir Putin). */
typedef struct med_title {
    const char *country;
    const med_entry_t *title; /* the last title word, e.g. "president" */
    med_speaker_t person;
} med_title_t;

/* What later sentences need of an earlier one. */
typedef struct med_hist {
    med_speaker_t subject;       /* who "he" most likely is next */
    med_speaker_t quote_speaker; /* whose quote may run on */
    med_speaker_t reporter;      /* the first speaker of a reporting verb */
    uint8_t relevant;
    uint8_t had_target;
    uint8_t forces; /* the target's force was named: "they" may be it */
    uint8_t ends_in_quote;
    uint8_t valid;
} med_hist_t;

/* What an entity of the document is to the profile. */
typedef struct med_einfo {
    uint8_t target, party;
    uint8_t side;   /* 1, 2: a side of the conflict; 4: the disputed land */
    uint8_t person; /* a person, also one inside an organisation's span */
    const char *holder;
} med_einfo_t;

/* The working state of one mediation_analyze() call. Arrays are sized
 * once per document for its longest sentence. */
typedef struct med_ws {
    const mediation_model_t *m;
    const mediation_doc_t *doc;
    mediation_trace_cb trace;
    void *trace_ud;
    const mediation_probe_t *probe; /* or NULL */
    size_t sentence;                /* the one being analysed */

    med_einfo_t *einfo;
    med_speaker_t *qinfo; /* the speaker of each quote of the layer */
    size_t quote_cursor;  /* quotes before it ended before the sentence */
    med_word_t *w;
    size_t n; /* words of the current sentence */
    char *lbuf;
    size_t lbuf_cap;
    med_hit_t *hits;
    size_t n_hits, cap_hits;
    med_frame_t *frames;
    size_t n_frames, cap_frames;
    med_contrib_t *contribs;
    size_t n_contribs;
    uint8_t *clause_on_target;

    /* The speaker of a document that is one statement as a whole, or
     * name NULL. */
    med_speaker_t doc_speaker;
    /* The last target person the document named ("the Russian leader"
     * when no title introduced anyone). */
    med_speaker_t last_target_person;
    med_title_t titles[MED_MAX_TITLES];
    size_t n_titles;
    med_hist_t hist[MED_HIST];
    long last_party_sentence;
    /* The last sentence that named a force with its owner, and whether
     * the owner was the target: "the peacekeepers" are that force. */
    long last_force_sentence;
    int last_force_target;
    int quote_open; /* a quotation runs on from the previous sentence */
    int sides;      /* the current sentence's entities' sides (einfo) */
    /* The last sentence that spoke of the conflict (a conflict cue, the
     * disputed land or both sides), or -1. */
    long last_conflict_sentence;
    /* The last sentence that named another mediator's initiative, or -1. */
    long last_others_sentence;

    mediation_span_t *spans;
    size_t n_spans, cap_spans;
} med_ws_t;

/* Which kinds of cue a sentence has. */
typedef struct med_cues {
    int role, context, anaphor, target;
    int force;         /* the target's force named ("Russian troops") */
    int other_force;   /* another's ("Turkish troops") */
    int bare_force;    /* a force word with no owner named ("a force of") */
    int force_anaphor; /* an anaphor of a force ("the contingent") */
    int bilateral;     /* "bilateral": talks of two */
    int alliance;      /* "CSTO": the target's military alliance */
    int others;        /* "TRIPP": another mediator's initiative */
    int elsewhere;     /* "Transnistria": another conflict's place */
    int conflict;      /* a term of the conflict itself */
    int standing;      /* a word of gained or lost standing ("defeat") */
} med_cues_t;

/* The structure of a sentence that changes every contribution. */
typedef struct med_sent_ctx {
    size_t contrast_at;          /* first "but" (not sentence-initial), or n */
    size_t concede_a, concede_b; /* "although ..." clause, or a == b */
    double hedge;                /* sentence-initial hedge multiplier */
    int quoted_speaker;          /* the sentence continues a speaker's quote */
    int statement;               /* ... or the document's statement */
} med_sent_ctx_t;

/* A relevant sentence's polarity, score and holder. */
typedef struct med_verdict {
    mediation_polarity_t polarity;
    double score;
    med_speaker_t holder;
} med_verdict_t;

/* A line of the decision trace, when the caller asked for one. */
void med_tracef(med_ws_t *ws, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The lowercase form of word x. */
static inline const char *med_wtext(const med_ws_t *ws, const med_word_t *x)
{
    return ws->lbuf + x->lo;
}

/* Is word i (0 past the sentence) the lowercase word lit? Inline: lit is
 * a literal, so its length is known where it is asked. */
static inline int med_word_is(const med_ws_t *ws, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return i < ws->n && ws->w[i].len == n &&
           memcmp(med_wtext(ws, &ws->w[i]), lit, n) == 0;
}

/* Word shapes the frames read: "-ly" adverbs, "-ing" and "-ed" forms. */
static inline int med_is_ly_adverb(const med_ws_t *ws, const med_word_t *x)
{
    return x->len > 3 && x->punct == P_NONE &&
           memcmp(med_wtext(ws, x) + x->len - 2, "ly", 2) == 0;
}

static inline int med_ends_with_ing(const med_ws_t *ws, const med_word_t *x)
{
    return x->len > 4 && memcmp(med_wtext(ws, x) + x->len - 3, "ing", 3) == 0;
}

static inline int med_ends_with_ed(const med_ws_t *ws, const med_word_t *x)
{
    return x->len > 3 && memcmp(med_wtext(ws, x) + x->len - 2, "ed", 2) == 0;
}

/* ---- Words (mediation_words.c) ------------------------------------------ */

/* Builds the words of sentence s (entities from *ent_cursor on, which it
 * advances) and sets *has_party_out when one mentions a party. Returns 0,
 * or GLOSSA_EINVAL for a token outside the text. */
int med_build_words(med_ws_t *ws, size_t s, size_t *ent_cursor,
                    int *has_party_out);
/* Looks words [a, b) up in the model's table. */
void med_look_up(med_ws_t *ws, size_t a, size_t b);
/* Numbers the clauses: punctuation and clause words start new ones. */
void med_number_clauses(med_ws_t *ws);
/* Looks up only the words after names (the titles that introduce a
 * person), for a sentence that cannot be relevant. */
void med_look_up_after_names(med_ws_t *ws);

/* ---- Cues (mediation_cues.c) -------------------------------------------- */

/* Matches the profile's patterns over the words into ws->hits. */
void med_match_patterns(med_ws_t *ws);
/* Marks the words the hits cover, accepts non-overlapping polarity cues
 * (longest first) and says which kinds of cue the sentence has. */
med_cues_t med_apply_hits(med_ws_t *ws);

/* ---- Speakers: entities, titles, pronouns (mediation_speakers.c) -------- */

/* Fills ws->einfo: each entity's holder name and whether it is the
 * target or a party. */
void med_classify_entities(med_ws_t *ws);
/* The speaker an entity is. */
med_speaker_t med_entity_speaker(const med_ws_t *ws, int32_t ent);
/* The last and first word of the entity that word i belongs to. */
size_t med_ent_last(const med_ws_t *ws, size_t i);
size_t med_ent_first(const med_ws_t *ws, size_t i);
/* The titles after a NORP/GPE entity ending at word last (past a
 * possessive): the last title word's entry, or NULL, and the word after
 * them in *title_end. */
const med_entry_t *med_titles_after(const med_ws_t *ws, size_t last,
                                    size_t *title_end);
/* Records the titles this sentence introduces people with. */
void med_learn_titles(med_ws_t *ws);
/* "the Russian president" at word i: 1 and the person the document
 * introduced with those titles in *out (*end: the word after them). */
int med_title_person(const med_ws_t *ws, size_t i, med_speaker_t *out,
                     size_t *end);
/* The first person named (or titled) before word `before`: 1 and *out,
 * or 0. */
int med_first_person(const med_ws_t *ws, size_t before, med_speaker_t *out);
/* Whom "he"/"she" at word p of sentence s stands for: 1 and *out, or 0. */
int med_resolve_pronoun(const med_ws_t *ws, size_t s, size_t p,
                        med_speaker_t *out);

/* Is a canonical name one of the target's bodies ("Ministry of Foreign
 * Affairs of Russia")? */
int med_is_target_body(const mediation_model_t *m, const char *name);

/* ---- Quotes (mediation_quotes.c) ---------------------------------------- */

/* Fills ws->qinfo: each quote's speaker as a holder (nobody named: the
 * author). */
void med_classify_quotes(med_ws_t *ws);
/* Appends to ws->frames a frame for each quote that overlaps sentence s,
 * over the words it covers. */
void med_quote_frames(med_ws_t *ws, size_t s);

/* ---- Relevance (mediation_relevance.c) ---------------------------------- */

/* Can sentence s be relevant at all? Reads no table (see
 * mediation_relevance.c). */
int med_may_be_relevant(const med_ws_t *ws, size_t s);
/* Does the sentence hold a personal pronoun, "we" or "they"? */
int med_has_pronoun(const med_ws_t *ws);

/* Marks as the target's force "they" opening a sentence right after one
 * that named it; 1 when there was one. Before the frames: "they said"
 * is the target speaking. */
int med_they_is_force(med_ws_t *ws, size_t s);
/* Marks as mentions of the target the pronouns that stand for a target
 * person ("he said" after "Putin ...") and "we"/"our" in a quotation whose
 * speaker is the target (needs the frames); 1 when there was one. */
int med_pronouns_name_target(med_ws_t *ws, size_t s, const med_sent_ctx_t *sc,
                             med_speaker_t qs);

/* Step 3's verdict on sentence s. */
typedef struct med_relevance {
    int relevant;
    int by_anaphor; /* relevant as a role anaphor after a relevant one */
    int context_ok; /* a party was named within the context window */
    unsigned why;   /* which routes held (MED_WHY_*), for the trace */
} med_relevance_t;

enum {
    MED_WHY_ROLE = 1,
    MED_WHY_FORCE = 2,
    MED_WHY_CONTEXT = 4,
    MED_WHY_STANCE = 8,
    MED_WHY_STATEMENT = 16,
    MED_WHY_CONFLICT = 32,
    MED_WHY_STANDING = 64
};

/* continues_statement: the sentence goes on with a relevant statement of
 * the target (its quotation runs on). */
med_relevance_t med_decide_relevance(const med_ws_t *ws, size_t s,
                                     const med_cues_t *cues, int has_party,
                                     int continues_statement);

/* ---- Frames (mediation_frames.c) ---------------------------------------- */

/* Finds the frames of sentence s into ws->frames. */
void med_find_frames(med_ws_t *ws, size_t s);
/* The innermost frame whose scope holds word p, or -1. */
int med_frame_at(const med_ws_t *ws, size_t p);

/* ---- Who speaks (mediation_subjects.c) ---------------------------------- */

/* Subjects joined by "and" kept for one verb ("Russia and EU leaders"). */
#define MED_MAX_SUBJECTS 3
/* Words scanned from a verb to its subject or speaker. */
#define MED_SUBJECT_SCAN 10

/* The subjects left of verb v of sentence s, conjuncts first to last
 * (at most MED_MAX_SUBJECTS into out), and the first word of their
 * phrase in *first. Returns how many (0 when none is found). */
size_t med_left_subjects(const med_ws_t *ws, size_t s, size_t v,
                         med_speaker_t *out, size_t *first);
/* Is frame f inside frame g (its verb in g's scope, else narrower)? */
int med_frame_inside(const med_frame_t *f, const med_frame_t *g);
/* Appends a frame of verb (or cue) v over words [a, b) held by who. */
void med_frame_push(med_ws_t *ws, size_t v, size_t a, size_t b,
                    med_speaker_t who);
/* The speaker whose phrase starts at entity word i ("Russian President
 * Vladimir Putin" is Vladimir Putin, "the Russian president" the person
 * the document gave that title). */
med_speaker_t med_np_speaker(const med_ws_t *ws, size_t i);
/* A speaker named at or right after word `from` (past titles, "of" and
 * "for"): 1 and *out, or 0. */
int med_right_speaker(const med_ws_t *ws, size_t s, size_t from,
                      med_speaker_t *out);

/* ---- Sources without a verb (mediation_sources.c) ----------------------- */

/* A headline's source ("...: Kremlin", "Yusin: ...", "Putin on ..."). */
void med_headline_frame(med_ws_t *ws, size_t s);
/* A stance cue's source ("outrage from Azerbaijani officials"). */
void med_source_frames(med_ws_t *ws, size_t s);
/* Reads the first sentence: a document that is one person's statement
 * ("Comment by ...") sets ws->doc_speaker. */
void med_find_statement(med_ws_t *ws);

/* ---- Polarity (mediation_polarity.c) ------------------------- */

/* Is word p negated (a negator before it in its clause, within the
 * rules' window)? */
int med_negated(const med_ws_t *ws, size_t p);
/* The first contrast, the conceded clause and the opening hedge. */
void med_sentence_context(const med_ws_t *ws, med_sent_ctx_t *c);
/* The polarity, score and holder of the current sentence, which is
 * relevant; quote_speaker is the speaker of the quotation it continues
 * (when sc->quoted_speaker). Fills ws->contribs. */
med_verdict_t med_judge(med_ws_t *ws, const med_sent_ctx_t *sc,
                        med_speaker_t quote_speaker);

/* ---- The learned component (mediation_learned.c) ----------------------- */

/* The features of the judged sentence into x (room for MED_MAX_FEATURES;
 * indexed as med_feature_index gives); returns how many. rule: the
 * rules' verdict. */
size_t med_features(const med_ws_t *ws, const med_sent_ctx_t *sc,
                    med_speaker_t qs, const med_verdict_t *rule, double *x);
/* Lets the classifier, when the model has one, decide the polarity of
 * verdict v (and with it its score and holder); reports the features to
 * the probe. */
void med_learned_verdict(med_ws_t *ws, const med_sent_ctx_t *sc,
                         med_speaker_t qs, med_verdict_t *v);

/* ---- Holder (mediation_holder.c) ---------------------------------------- */

/* Sets the holder of each contribution (a frame index, -2 the quotation's
 * speaker, -1 the author), dropping what a stance toward someone else
 * holds and reversing what a denial holds. */
void med_assign_holders(med_ws_t *ws, const med_sent_ctx_t *sc);

/* The holder with the most weight on the side of sign (+1 or -1). */
med_speaker_t med_winning_holder(const med_ws_t *ws, double sign,
                                 med_speaker_t quote_speaker);

/* The holder of a neutral sentence: whoever reports it. */
med_speaker_t med_reporter(const med_ws_t *ws, const med_sent_ctx_t *sc,
                           med_speaker_t quote_speaker);

#endif /* MEDIATION_ANALYZE_H */
