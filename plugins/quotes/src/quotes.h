/* The quotes analyzer: reported speech and its speaker.
 *
 * Internal to the plugin. The lexicon (lexicon.c) is built once at
 * create() from the data files and is read-only afterwards; the analysis
 * (doc.c, marks.c, speaker.c, frames.c) works on one document at a time
 * with memory of its own, so any number of threads may analyze documents
 * with one lexicon at once. Nothing here calls the host: plugin.c hands
 * in the host's text, tokens, sentences and entity spans, and turns the
 * results into spans. */
#ifndef QUOTES_H
#define QUOTES_H

#include <stddef.h>
#include <stdint.h>

#include <glossa/plugin.h>

/* ---- Lexicon ----------------------------------------------------------- */

/* Grammar classes of a word (grammar.tsv). */
enum {
    QW_AUX = 1u << 0,
    QW_ADV = 1u << 1,
    QW_DET = 1u << 2,
    QW_MOD = 1u << 3,
    QW_PREP = 1u << 4,
    QW_OPENER = 1u << 5,
    QW_TIME = 1u << 6,
    QW_CONJ = 1u << 7,
    QW_REL = 1u << 8,
    QW_COMP = 1u << 9,
    QW_NEG = 1u << 10,
    QW_THIS = 1u << 11,
    QW_NOCLAUSE = 1u << 12, /* cannot open a content clause ("said so") */
    QW_CUE = 1u << 13,      /* starts a verb or source phrase (computed) */
    QW_ART = 1u << 14,      /* an article or demonstrative before a noun */
    QW_SUB = 1u << 15,      /* opens an adverbial clause ("after", "while") */
    QW_FINITE = 1u << 16,   /* a tensed auxiliary or modal ("would", "has") */
    QW_CLAUSE = 1u << 17,   /* a preposition that also opens a clause ("as
                               Baku has declared") */
    QW_ISSUE = 1u << 18     /* a verb whose subject authors the message it
                               takes ("adopted a resolution") */
};

/* Frames of a reporting verb (verbs.tsv). */
enum {
    QF_CLAUSE = 1u << 0,
    QF_THAT = 1u << 1,
    QF_OBJ = 1u << 2,
    QF_TO = 1u << 3,
    QF_OBJTO = 1u << 4,
    QF_OF = 1u << 5,
    QF_FOR = 1u << 6,
    QF_AS = 1u << 7,
    QF_NP = 1u << 8,
    QF_SMALL = 1u << 9,
    QF_INV = 1u << 10,
    QF_QUOTE = 1u << 11,
    QF_PASSIVE = 1u << 12,
    QF_MSG = 1u << 13,
    QF_PINV = 1u << 14, /* after its content in the passive: "was quoted" */
    QF_QAS = 1u << 15,  /* "quoted Y as saying": Y is the speaker */
    QF_QINV = 1u << 16 /* only after its quotation: "“...,” he continued" */
};

typedef enum qx_ptype {
    QP_VERB = 1,
    QP_SOURCE = 2,
    QP_TITLE = 3,
    QP_HEAD = 4,
    QP_PRONOUN = 5
} qx_ptype_t;

/* Head classes (heads.tsv). */
typedef enum qx_hclass {
    QH_STATE = 1,
    QH_MINISTRY,
    QH_OFFICE,
    QH_MESSAGE,
    QH_UNNAMED,
    QH_NONSPEECH,
    QH_OUTLET
} qx_hclass_t;

/* Pronoun kinds (pronouns.tsv). */
typedef enum qx_pkind { QR_PERSON = 1, QR_BODY, QR_GROUP } qx_pkind_t;

typedef enum qx_pcase { QC_SUBJECT = 1, QC_OBJECT, QC_POSSESSIVE } qx_pcase_t;

typedef enum qx_skind { QS_ACCORDING = 1 } qx_skind_t;

typedef struct qx_verb {
    char *lemma;
    uint32_t frames; /* QF_* */
} qx_verb_t;

typedef struct qx_title {
    char *title; /* the office: variants share it */
    uint16_t title_id;
    uint16_t class_id;   /* the first class named */
    uint32_t class_mask; /* every class named ("minister|envoy"), a bit each */
    uint8_t generic;
    /* the office of the person the phrase is said of: "Y" in "X met his
     * Danish counterpart Y" holds X's office */
    uint8_t relative;
} qx_title_t;

typedef struct qx_head {
    uint8_t hclass; /* qx_hclass_t */
    uint8_t plural;
    uint8_t person; /* names one person ("official"), not a body */
    char *name;     /* ministries: the name after the nationality, or NULL */
} qx_head_t;

typedef struct qx_pronoun {
    uint8_t kind;  /* qx_pkind_t */
    uint8_t pcase; /* qx_pcase_t */
} qx_pronoun_t;

/* One phrase that starts with an entry's word: its other words are
 * tails[tail .. tail + ntail). */
typedef struct qx_phrase {
    uint8_t type; /* qx_ptype_t */
    uint8_t ntail;
    uint32_t tail;
    uint32_t value; /* index into the type's table (sources: qx_skind_t) */
} qx_phrase_t;

typedef struct qx_entry {
    uint64_t hash;
    char *key; /* owned */
    uint32_t klen;
    uint32_t flags;                      /* QW_* */
    uint32_t phrase_first, phrase_count; /* longest phrases first */
} qx_entry_t;

typedef struct qx_lexicon {
    qx_entry_t *slots; /* open addressing; key == NULL is empty */
    size_t mask;
    qx_phrase_t *phrases;
    size_t n_phrases;
    char **tails;
    size_t n_tails;
    qx_verb_t *verbs;
    size_t n_verbs;
    qx_title_t *titles;
    size_t n_titles;
    char **title_names; /* by title_id */
    size_t n_title_names;
    qx_head_t *heads;
    size_t n_heads;
    qx_pronoun_t *pronouns;
    size_t n_pronouns;
    char **class_names; /* title classes, by class_id */
    size_t n_class_names;
    /* Bit (hash >> 51) is set for every word of the table: most tokens
     * are turned away without a probe. */
    uint64_t word_bits[128];
    /* Only words that could be cues (a verb's or a source phrase's first
     * word) are looked up in the first pass over a document. */
    uint32_t cue_min, cue_max; /* shortest and longest cue word, bytes */
    uint64_t cue_prefix[64];   /* 3-letter prefixes of cue words, hashed */
    int cue_short;             /* some cue word is shorter than 3 bytes */
    char **countries;          /* demonyms.tsv: countries[k] -> adjectives[k] */
    char **adjectives;
    size_t n_demonyms;
} qx_lexicon_t;

/* Loads the data files of `dir` (the names below, or those given) into a
 * new lexicon. Returns 0, or -1 after writing a message naming the file
 * and line into err. */
typedef struct qx_files {
    const char *verbs, *sources, *titles, *heads, *pronouns, *grammar,
        *demonyms;
} qx_files_t;

int qx_lexicon_load(const char *dir, const qx_files_t *files,
                    qx_lexicon_t **out, char *err, size_t err_size);
void qx_lexicon_free(qx_lexicon_t *lex);

/* The entry of a word (any case; curly apostrophes read as straight), or
 * NULL. */
const qx_entry_t *qx_lookup(const qx_lexicon_t *lex, const char *word,
                            size_t len);

/* The adjective of a country's nationality ("Azerbaijani"), or NULL. */
const char *qx_demonym(const qx_lexicon_t *lex, const char *country);
const char *qx_demonym_state(const qx_lexicon_t *lex, const char *w, size_t n);

/* The bit of a word's first three letters (case folded) in cue_prefix,
 * or -1 for a word shorter than the shortest cue word. */
static inline int qx_prefix_bit(const char *w, size_t n)
{
    if (n < 3)
        return -1;
    unsigned a = (unsigned char)w[0] | 32u, b = (unsigned char)w[1] | 32u,
             c = (unsigned char)w[2] | 32u;
    return (int)(((a * 31u + b) * 31u + c) & 4095u);
}

/* The hash qx_lookup() uses, of an ASCII word (case folded). */
uint64_t qx_hash_ascii(const char *word, size_t len);

/* qx_lookup() of an ASCII word of hash h (qx_hash_ascii()). */
const qx_entry_t *qx_lookup_ascii(const qx_lexicon_t *lex, const char *word,
                                  size_t len, uint64_t h);

/* True when the word, normalized as qx_lookup() does, is `lower`. */
int qx_word_eq(const char *word, size_t len, const char *lower);

/* ---- Documents --------------------------------------------------------- */

/* An entity span of the `entities` layer, in code points. Its strings
 * are the layer's, read through its span (qe_canonical, qe_refers_to,
 * qe_text in internal.h): one is kept per entity of the document. */
typedef struct qent {
    uint32_t start, end;
    uint32_t tok_first, tok_last; /* tokens it covers (inclusive) */
    uint32_t span;                /* its span in qinput_t.spans */
    /* Its text NUL-terminated at qinput_t.cstrs + cstr - 1, or 0: only
     * NORP entities and those without a canonical name have it. */
    uint32_t cstr;
    uint8_t label;       /* QE_* */
    uint8_t partial;     /* covers part of a token only */
    uint8_t canonical_f; /* its string field "canonical" (QE_F*) */
    uint8_t refers_f;    /* its string field "refers_to" (QE_F*) */
} qent_t;

enum { QE_OTHER = 0, QE_PERSON, QE_ORG, QE_GPE, QE_NORP, QE_LOC };

/* qent_t's field indexes past 253 and none. */
enum { QE_FFAR = 254, QE_FNONE = 255 };

/* A speaker as resolved: canonical name or NULL (unnamed), and the phrase
 * of the text that names it (tokens [tok_first, tok_end) of the document),
 * or none (tok_end == 0). */
typedef struct qspeaker {
    const char *name; /* borrowed (entity JSON or lexicon), or NULL */
    char *owned;      /* a composed name ("Russian Defense Ministry") */
    uint32_t tok_first, tok_end;
    uint8_t kind;   /* QR_PERSON, QR_BODY, QR_GROUP, or 0: none */
    uint8_t plural; /* several people or bodies */
    uint8_t found;  /* the phrase named someone (or an unnamed group) */
} qspeaker_t;

typedef enum qkind { Q_REPORTED = 0, Q_DIRECT = 1 } qkind_t;

/* One result span. */
typedef struct qquote {
    uint32_t start, end; /* code points */
    uint8_t kind;        /* qkind_t */
    qspeaker_t speaker;
    uint32_t cue_first, cue_end; /* tokens of the cue; cue_end 0: none */
    const char *cue_text;        /* a cue that is not a token: ":" etc. */
} qquote_t;

typedef struct qresult {
    qquote_t *quotes;
    size_t n, cap;
} qresult_t;

typedef struct qsettings {
    int carry;     /* sentences a pronoun or a running quote looks back */
    int max_words; /* the longest reported content, in tokens */
} qsettings_t;

typedef struct qinput {
    const char *text;
    size_t text_len;
    const glossa_token_t *tokens;
    size_t n_tokens;
    const glossa_sentence_t *sentences;
    size_t n_sentences;
    qent_t *entities; /* sorted by start; tok_* filled by the analysis */
    size_t n_entities;
    const glossa_span_view_t *spans; /* the layer's (qent_t.span) */
    const char *cstrs;               /* qent_t.cstr */
} qinput_t;

/* A line of the trace, or NULL for none. */
typedef void (*qtrace_cb)(void *data, const char *fmt, ...) GLOSSA_PRINTF(2, 3);

/* Analyzes one document. Returns 0 or GLOSSA_ENOMEM; the result is the
 * caller's to release with qresult_free(), also after an error. */
int quotes_analyze(const qx_lexicon_t *lex, const qsettings_t *settings,
                   const qinput_t *in, qresult_t *out, qtrace_cb trace,
                   void *trace_data);
void qresult_free(qresult_t *res);

#endif /* QUOTES_H */
