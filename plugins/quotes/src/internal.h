/* Shared by the analysis files (doc.c, marks.c, speaker.c, frames.c): one
 * document's working state. Everything here lives for one call of
 * quotes_analyze() and belongs to the calling thread. */
#ifndef QUOTES_INTERNAL_H
#define QUOTES_INTERNAL_H

#include "quotes.h"

#define QNONE UINT32_MAX

/* Quote marks. */
enum {
    QM_NONE = 0,
    QM_OPEN = 1,  /* “ „ « : opens */
    QM_CLOSE = 2, /* ” » : closes */
    QM_AMBIG = 3  /* " : either, by its spacing */
};

/* One per token of the document, for the whole document: the largest of
 * the plugin's working arrays, so it holds only what is asked of any
 * token (4 bytes, one of them spare). What only some tokens have is
 * elsewhere: the region a quotation mark opens or closes and the region
 * whose content holds a token (qm_at_open, qm_at_close, qm_region: the
 * regions, by binary search), the line (the line starts, qd_line), the
 * entity over it (qd_ent_at: a bit a token and an index for the tokens
 * that have one), the sentence (the sentences, by binary search:
 * qd_sent), whether a sentence's phrases are marked (per sentence), and
 * the phrases of the lexicon over a token (tphrase_t: only the tokens
 * that have any, by token). */
typedef struct tinfo {
    uint16_t e;         /* lexicon slot + 1 (qd_entry), or 0 */
    uint8_t pent : 1;   /* an entity covers part of it */
    uint8_t looked : 1; /* e is its lexicon entry (else: not looked up) */
    uint8_t quoted : 1; /* a region's content holds it (qm_region) */
} tinfo_t;

_Static_assert(sizeof(tinfo_t) == 4, "tinfo_t grew");

/* The phrases of the lexicon over a token (qd_mark_sentence): few
 * tokens have any (some 8 % of news), so they are kept by token in a
 * hash table (qd_ph). */
typedef struct tphrase {
    int16_t title;          /* title index + 1 of a title phrase over it */
    int16_t head;           /* head index + 1 of a head phrase over it */
    int16_t verb;           /* verb index + 1 of a verb phrase starting here */
    uint8_t verb_len;       /* its tokens */
    uint8_t title_len;      /* tokens of the title phrase starting here */
    uint8_t head_len;       /* tokens of the head phrase starting here */
    uint8_t pron;           /* pronoun index + 1 */
    uint8_t src_len;        /* tokens of a source phrase starting here */
    uint8_t head_start : 1; /* a head phrase starts here */
} tphrase_t;

_Static_assert(sizeof(tphrase_t) == 12, "tphrase_t has a hole or grew");

typedef struct qphslot {
    uint32_t tok; /* QNONE: empty */
    tphrase_t ph;
} qphslot_t;

/* A stretch of text between quotation marks. */
typedef struct qregion {
    uint32_t open, close; /* mark tokens; close is QNONE when unclosed */
    uint32_t first, last; /* content tokens, inclusive */
    int used;             /* part of a frame's content */
} qregion_t;

typedef enum fhow {
    FH_VERB = 1, /* a reporting verb */
    FH_SOURCE,   /* according to X */
    FH_HEADLINE, /* X: content, content: X */
    FH_PASSIVE,  /* it was stated that */
    FH_CONTINUE, /* a quotation standing alone, continuing a speaker */
    FH_BLOCK,    /* a block quote with an attribution line */
    FH_COLON,    /* X was blunt: “...” */
    FH_TURN      /* an interview's turn: "X: ..." over its lines */
} fhow_t;

typedef struct qframe {
    uint32_t cue_first, cue_end; /* tokens of the cue */
    uint32_t c_first, c_end;     /* content tokens [c_first, c_end) */
    uint32_t np_first, np_end;   /* the speaker's phrase; np_end 0: none */
    int32_t speaker_from;        /* frame whose speaker it shares, or -1 */
    int32_t region;              /* the quotation when direct, or -1 */
    uint32_t sent;
    uint32_t pos;     /* where the speaker is named (token) */
    uint8_t how;      /* fhow_t */
    uint8_t inverted; /* the content precedes the cue */
    uint8_t participle;
    uint8_t resolved;
    uint8_t dropped;
    const char *cue_text;
    qspeaker_t spk;
} qframe_t;

/* A person the text names with a title ("Russian President Vladimir
 * Putin"), for "the Russian president" later. */
typedef struct qperson {
    const char *name;
    const char *state; /* of the title, or NULL */
    const char *org;
    uint32_t mentions;  /* entities PERSON of this canonical, partial too */
    uint32_t first_tok; /* its first mention */
    uint16_t titles[6];
    uint8_t n_titles;
} qperson_t;

typedef struct qsurname {
    uint32_t person; /* index + 1 of the first person with it; 0: empty */
    uint32_t off;    /* where the surname starts in that person's name */
    int ambiguous;   /* another person has it too */
} qsurname_t;

typedef struct qdoc {
    const qx_lexicon_t *lex;
    const qsettings_t *set;
    const char *text;
    const glossa_token_t *tok;
    size_t nt;
    const glossa_sentence_t *sent;
    size_t ns;
    qent_t *ents;
    size_t ne;
    const glossa_span_view_t *spans; /* the entities' (qent_t.span) */
    const char *cstrs;               /* qent_t.cstr */
    tinfo_t *ti;
    /* The entity covering a whole token, the first of the entities that
     * do (qd_ent_at): a bit a token, the bits set before each word of 64,
     * and the entity of each token with its bit set, in token order. */
    uint64_t *ent_bits;
    uint32_t *ent_rank;
    int32_t *ent_of;
    /* The tokens with phrases: a bit each in ph_bits, their phrases in
     * ph (open addressing by token, at most 3/4 full; qd_ph). */
    uint64_t *ph_bits;
    qphslot_t *ph;
    size_t ph_mask, n_ph;
    int oom; /* qd_mark_sentence ran out of memory */
    /* The tokens that start a line, but token 0, in order (qd_line). */
    uint32_t *line_start;
    size_t n_lines;
    /* regions[0 .. n_double) are the double quotations, the others the
     * single ones: each run in the order of its opening marks, and no two
     * regions of a run overlap (qm_at_open, qm_at_close). */
    qregion_t *regions;
    size_t n_regions, cap_regions, n_double;
    uint8_t *cand;   /* per sentence: a cue, a quotation mark, a colon */
    uint8_t *marked; /* per sentence: its phrases are marked (in cand's
                      * block, freed with it) */
    qframe_t *frames;
    size_t n_frames, cap_frames;
    /* The frames of sentence s are frame_of[frame_at[s] .. frame_at[s +
     * 1]), in index order; built once the frames are found (qs_index),
     * NULL before. */
    uint32_t *frame_at, *frame_of;
    qperson_t *persons; /* built on first use */
    size_t n_persons;
    /* With the persons: each entity's person (index, or -1), and the
     * persons by name (open addressing, index + 1, 0 for empty). */
    int32_t *ent_person;
    uint32_t *person_slot;
    size_t person_mask;
    /* With the persons: the last words of each person's name of two
     * words or more ("Kani", "Bagheri Kani" for "Ali Bagheri Kani"), by
     * hash (open addressing); a surname two persons share is ambiguous. */
    struct qsurname *surnames;
    size_t surname_mask;
    int persons_built;
    struct qcanon *canon; /* canon.c, built on first use */
    qtrace_cb trace;
    void *trace_data;
} qdoc_t;

/* An entity's string field f (QE_F*) of that key, or NULL. */
static inline const char *qe_field(const qdoc_t *d, const qent_t *e, uint8_t f,
                                   const char *key)
{
    if (f == QE_FNONE)
        return NULL;
    const glossa_span_view_t *s = &d->spans[e->span];
    return f == QE_FFAR ? glossa_span_string(s, key, NULL)
                        : s->fields[f].string.ptr;
}

/* Its canonical name, or its text when it has none; never NULL. */
static inline const char *qe_canonical(const qdoc_t *d, const qent_t *e)
{
    const char *c = qe_field(d, e, e->canonical_f, "canonical");
    return c ? c : d->cstrs + e->cstr - 1;
}

/* The state it speaks for ("Kremlin": Russia), or NULL. */
static inline const char *qe_refers_to(const qdoc_t *d, const qent_t *e)
{
    return qe_field(d, e, e->refers_f, "refers_to");
}

/* Its text, NUL-terminated: NORP entities and those without a canonical
 * name only, NULL for the others. */
static inline const char *qe_cstr(const qdoc_t *d, const qent_t *e)
{
    return e->cstr ? d->cstrs + e->cstr - 1 : NULL;
}

/* Its text, *len bytes (not NUL-terminated). */
static inline const char *qe_text(const qdoc_t *d, const qent_t *e, size_t *len)
{
    const glossa_span_view_t *s = &d->spans[e->span];
    *len = s->end_byte - s->start_byte;
    return s->text;
}

/* doc.c: tokens and their words */
int qd_setup(qdoc_t *d);
/* Frees what qd_setup and qd_mark_sentence allocated. */
void qd_release(qdoc_t *d);
/* Looks up the words of sentence s and marks the phrases on them, once;
 * out of memory, it sets d->oom and marks none. */
void qd_mark_sentence(qdoc_t *d, uint32_t s);
/* The phrases over token i (< d->nt); zeros (qd_ph_none) for most. */
extern const tphrase_t qd_ph_none;
const tphrase_t *qd_ph_find(const qdoc_t *d, uint32_t i);
static inline const tphrase_t *qd_ph(const qdoc_t *d, uint32_t i)
{
    return (d->ph_bits[i >> 6] & (1ull << (i & 63))) ? qd_ph_find(d, i)
                                                     : &qd_ph_none;
}
/* The bits set in w (the builds target no popcount instruction, and
 * __builtin_popcountll calls libgcc). */
static inline uint32_t qd_popcount(uint64_t w)
{
    w -= (w >> 1) & 0x5555555555555555ull;
    w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
    w = (w + (w >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (uint32_t)((w * 0x0101010101010101ull) >> 56);
}

/* The entity covering token i (< d->nt) whole, or -1. */
static inline int32_t qd_ent_at(const qdoc_t *d, uint32_t i)
{
    uint64_t w = d->ent_bits[i >> 6], bit = 1ull << (i & 63);
    if (!(w & bit))
        return -1;
    return d->ent_of[d->ent_rank[i >> 6] + qd_popcount(w & (bit - 1))];
}
/* Token i's sentence: the first whose end is past it (the last for the
 * tokens after every sentence). */
uint32_t qd_sent(const qdoc_t *d, uint32_t i);
int qd_is(const qdoc_t *d, uint32_t i, const char *lower);
int qd_punct(const qdoc_t *d, uint32_t i, char c);
uint32_t qd_flags(const qdoc_t *d, uint32_t i);
/* Token i's lexicon entry, when looked up and found; else NULL. */
const qx_entry_t *qd_entry(const qdoc_t *d, uint32_t i);
int qd_word(const qdoc_t *d, uint32_t i);
int qd_lower_word(const qdoc_t *d, uint32_t i);
int qd_dash(const qdoc_t *d, uint32_t i);
int qd_participle(const qdoc_t *d, uint32_t i);
uint32_t qd_sent_first(const qdoc_t *d, uint32_t s);
uint32_t qd_sent_end(const qdoc_t *d, uint32_t s);
int qd_line_start(const qdoc_t *d, uint32_t i);
/* Token i's line: the line breaks before it (lines are separated by line
 * breaks). */
uint32_t qd_line(const qdoc_t *d, uint32_t i);
const qx_verb_t *qd_verb(const qdoc_t *d, uint32_t i);
const qx_head_t *qd_head(const qdoc_t *d, uint32_t i);
const qx_title_t *qd_title(const qdoc_t *d, uint32_t i);
const qx_pronoun_t *qd_pronoun(const qdoc_t *d, uint32_t i);
const qent_t *qd_ent(const qdoc_t *d, uint32_t i);

/* marks.c: quotation marks paired into regions */
int qm_pair(qdoc_t *d);
/* The region the quotation mark at token i opens (closes), or -1. */
int qm_at_open(const qdoc_t *d, uint32_t i);
int qm_at_close(const qdoc_t *d, uint32_t i);
/* The region whose content holds token i, or -1: the first made, a
 * double quotation before a single one. Most tokens are in none, which
 * their bit tells without a search. */
int qm_region_find(const qdoc_t *d, uint32_t i);
static inline int qm_region(const qdoc_t *d, uint32_t i)
{
    return i < d->nt && d->ti[i].quoted ? qm_region_find(d, i) : -1;
}

/* speaker.c: noun phrases and who they name */
uint32_t qs_np_left(qdoc_t *d, uint32_t end, uint32_t lo);
uint32_t qs_np_right(qdoc_t *d, uint32_t start, uint32_t hi);
int qs_np_anchored(qdoc_t *d, uint32_t s, uint32_t e);
uint32_t qs_subject_start(qdoc_t *d, uint32_t s, uint32_t before);
int qs_index(qdoc_t *d);
int qs_resolve(qdoc_t *d, qframe_t *f);
int qs_speakerlike(qdoc_t *d, uint32_t s, uint32_t e);

/* canon.c: the speaker's name in the spelling the document names it by
 * first and in full; a new string (NULL when out of memory). The index
 * it reads is built on first use and freed by qs_canon_free. */
char *qs_canon_dup(qdoc_t *d, const qspeaker_t *spk);
void qs_canon_free(qdoc_t *d);

/* frames.c: reports and their content */
int qf_find(qdoc_t *d);
int qf_reports(const qdoc_t *d, const qframe_t *f);

#endif /* QUOTES_INTERNAL_H */
