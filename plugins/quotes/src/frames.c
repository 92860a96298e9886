/* Reports and their content.
 *
 * Only sentences with a cue (a reporting verb or a source phrase), a
 * quotation mark, a colon, a bracket or a line-initial dash are read. In
 * them:
 *   - a verb with its content after it: "X said (that) ...", "X told Y
 *     ...", "X urged Y to ...", "X accused Y of ...", "X said: “...”";
 *   - a verb after its content: "..., X said", "..., said X",
 *     "“...,” he said";
 *   - "according to X" before or after its content;
 *   - "it was stated that ..." (the speaker of the paragraph, or none);
 *   - headlines "X: ..." and "...: X";
 *   - block quotes with an attribution line ("— Name (@handle)",
 *     "(Name, title)").
 * A cue inside a quotation or inside another report's content is the
 * inner speaker's and gives no span of its own, unless it is coordinated
 * with the first ("said that ... and accused ...", ", adding that ...").
 * Quotations that no report covers and that stand as sentences of their
 * own continue the last speaker; one after a colon that ends its sentence
 * is the sentence subject's ("Aliyev was blunt: “...”"); others (scare
 * quotes, titles) are left out. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int outlet_phrase(const qdoc_t *d, const qframe_t *f);

static int push(qdoc_t *d, const qframe_t *f)
{
    if (d->n_frames == d->cap_frames) {
        size_t cap = d->cap_frames ? d->cap_frames * 2 : 16;
        qframe_t *n = realloc(d->frames, cap * sizeof *n);
        if (!n)
            return -1;
        d->frames = n;
        d->cap_frames = cap;
    }
    d->frames[d->n_frames] = *f;
    return (int)d->n_frames++;
}

static void frame_init(qframe_t *f, uint32_t sent, uint8_t how)
{
    memset(f, 0, sizeof *f);
    f->speaker_from = -1;
    f->region = -1;
    f->sent = sent;
    f->how = how;
}

static int region_at_open(const qdoc_t *d, uint32_t i)
{
    return qm_at_open(d, i);
}

static int region_at_close(const qdoc_t *d, uint32_t i)
{
    return qm_at_close(d, i);
}

static int is_open_mark(const qdoc_t *d, uint32_t i)
{
    return i < d->nt && region_at_open(d, i) >= 0;
}

static int is_close_mark(const qdoc_t *d, uint32_t i)
{
    return i < d->nt && region_at_close(d, i) >= 0;
}

static int be_aux(const qdoc_t *d, uint32_t i)
{
    static const char *const BE[] = {"is", "are",  "was",  "were",
                                     "be", "been", "being"};
    for (size_t k = 0; k < sizeof BE / sizeof BE[0]; k++)
        if (qd_is(d, i, BE[k]))
            return 1;
    return 0;
}

/* A loose noun phrase that is no speaker's: "a press briefing",
 * "reporters", "the slogan", "Russian journalists". The first token past
 * it (at most 6 words), or j. */
static uint32_t loose_np(qdoc_t *d, uint32_t j, uint32_t end)
{
    uint32_t e = qs_np_right(d, j, end);
    uint32_t k = j;
    if (e > j) {
        /* "his Azerbaijani counterpart" */
        for (k = e; k < end && k < e + 2 && qd_lower_word(d, k) &&
                    (!d->ti[k].e || qd_flags(d, k) == QW_ISSUE) &&
                    !(qd_flags(d, k) & (QW_PREP | QW_COMP | QW_CONJ | QW_REL));
             k++)
            ;
        return k;
    }
    if (k < end && (qd_flags(d, k) & QW_DET))
        k++;
    uint32_t words = 0;
    while (k < end && words < 6 && qd_word(d, k) && !qd_ph(d, k)->verb &&
           qm_region(d, k) < 0 &&
           !(qd_flags(d, k) &
             (QW_PREP | QW_COMP | QW_AUX | QW_CONJ | QW_REL | QW_DET))) {
        k++;
        words++;
    }
    return words ? k : j;
}

/* Skips adverbs, time words and prepositional phrases after a verb
 * ("said on Monday in a statement that", "reported this week that",
 * "demanded through loudspeakers to"): the first token past them. */
static uint32_t skip_adjuncts(qdoc_t *d, uint32_t j, uint32_t end,
                              uint32_t frames)
{
    for (int round = 0; round < 5 && j < end; round++) {
        uint32_t f = qd_flags(d, j);
        if ((f & (QW_ADV | QW_TIME)) && !(f & QW_COMP) && !qd_ph(d, j)->verb) {
            j++;
            continue;
        }
        if ((f & (QW_DET | QW_OPENER)) && !(f & QW_COMP) && j + 1 < end &&
            (qd_flags(d, j + 1) & QW_TIME)) {
            j += 2; /* "this week", "last month" */
            continue;
        }
        int own = ((frames & QF_OF) && qd_is(d, j, "of")) ||
                  ((frames & QF_FOR) && qd_is(d, j, "for")) ||
                  ((frames & QF_AS) && qd_is(d, j, "as")) ||
                  qd_is(d, j, "to") || qd_is(d, j, "that") ||
                  qd_is(d, j, "of") || qd_is(d, j, "about");
        if ((f & QW_PREP) && !own) {
            uint32_t k = j + 1;
            while (k < end && (qd_flags(d, k) & QW_TIME) &&
                   !(qd_flags(d, k) & QW_COMP))
                k++;
            if (k == j + 1)
                k = loose_np(d, j + 1, end);
            if (k == j + 1)
                break;
            j = k;
            continue;
        }
        break;
    }
    return j;
}

/* Can token j open the content of a bare "said ..."? */
static int clause_start(qdoc_t *d, uint32_t j, uint32_t end)
{
    if (j >= end)
        return 0;
    uint32_t tf = d->tok[j].flags;
    if (!(tf & (GLOSSA_TOKEN_WORD | GLOSSA_TOKEN_NUMBER)))
        return 0;
    uint32_t f = qd_flags(d, j);
    if (f & (QW_PREP | QW_NOCLAUSE | QW_CONJ | QW_REL | QW_OPENER))
        return (f & QW_DET) != 0 && !(f & QW_THIS);
    if (qd_is(d, j, "to") || qd_ph(d, j)->verb)
        return 0;
    const qx_pronoun_t *p = qd_pronoun(d, j);
    if (p && p->pcase == QC_OBJECT && !qd_is(d, j, "it") && !qd_is(d, j, "her"))
        return 0;
    return 1;
}

/* Does a finite clause open at token j, without "that" ("stated it would
 * ...", "insisted they had ...", "vowed the project would be ...")? A
 * subject pronoun other than "it" and "you" followed by a word, or a noun
 * phrase (or "it") followed by a tensed auxiliary or modal (`finite` in
 * grammar.tsv): "announced it on Monday" and
 * "announced a deal" stay out. */
static int bare_clause(qdoc_t *d, uint32_t j, uint32_t end)
{
    if (!clause_start(d, j, end) || is_open_mark(d, j))
        return 0;
    const qx_pronoun_t *p = qd_pronoun(d, j);
    if (p && p->pcase == QC_SUBJECT && !qd_is(d, j, "it") &&
        !qd_is(d, j, "you"))
        return j + 1 < end && qd_lower_word(d, j + 1) &&
               !(qd_flags(d, j + 1) & (QW_PREP | QW_CONJ | QW_REL));
    if (p && !qd_is(d, j, "it"))
        return 0;
    uint32_t e = qd_is(d, j, "it") ? j + 1 : loose_np(d, j, end);
    return e > j && e < end && (qd_flags(d, e) & QW_FINITE);
}

/* Where the content of a report ends, from its start: the sentence's end
 * (or the quotation's, for one that starts it), a semicolon, ", according
 * to", ", saying ..." or a spaced dash. */
static int ing_word(const qdoc_t *d, uint32_t i)
{
    size_t len = d->tok[i].end - d->tok[i].start;
    return qd_lower_word(d, i) && len > 5 &&
           !memcmp(d->text + d->tok[i].end - 3, "ing", 3) &&
           !(qd_flags(d, i) & (QW_PREP | QW_SUB));
}

static uint32_t content_end(qdoc_t *d, uint32_t start, uint32_t end,
                            int np_only)
{
    uint32_t k = start;
    int r0 = region_at_open(d, start);
    if (r0 >= 0) {
        /* Content that opens with a quotation is the quotation. */
        const qregion_t *r = &d->regions[r0];
        return r->close != QNONE ? r->close + 1 : r->last + 1;
    }
    for (; k < end; k++) {
        int r = region_at_open(d, k);
        if (r >= 0) {
            const qregion_t *g = &d->regions[r];
            uint32_t stop = g->close != QNONE ? g->close : g->last;
            if (stop >= end)
                return stop + 1;
            /* “... ethnic cleansing.” Azerbaijan has insisted: a sentence
             * ends inside the marks. */
            if (g->close != QNONE &&
                (qd_punct(d, g->last, '.') || qd_punct(d, g->last, '!') ||
                 qd_punct(d, g->last, '?')) &&
                g->close + 1 < end &&
                (d->tok[g->close + 1].flags & GLOSSA_TOKEN_UPPER))
                return g->close + 1;
            k = stop;
            continue;
        }
        if (qd_punct(d, k, ';'))
            return k;
        /* ", saying ...", ", according to", and the author's own
         * participle: ", sparking outrage", ", marking a shift" */
        if (qd_punct(d, k, ',') && k + 1 < end &&
            (qd_ph(d, k + 1)->src_len || ing_word(d, k + 1) ||
             (qd_participle(d, k + 1) && qm_region(d, k + 1) < 0)))
            return k;
        /* A noun phrase or an infinitive ends at a comma or a
         * subordinate clause: "as the key to peace after the talks". */
        if (np_only && k > start &&
            (qd_punct(d, k, ',') || (qd_flags(d, k) & QW_SUB)))
            return k;
        if (qd_dash(d, k) && (d->tok[k].flags & GLOSSA_TOKEN_SPACE_BEFORE) &&
            k > start + 3)
            return k;
    }
    return end;
}

/* The content after a reporting verb at [i, i + len): its first token,
 * or QNONE. */
static uint32_t content_after(qdoc_t *d, uint32_t i, uint32_t len,
                              const qx_verb_t *v, uint32_t end, int strong,
                              int agent, int *np_only)
{
    uint32_t fr = v->frames;
    *np_only = 0;
    uint32_t j = skip_adjuncts(d, i + len, end, fr);
    if (j + 3 < end && qd_punct(d, j, ',') && (qd_flags(d, j + 1) & QW_ADV) &&
        qd_punct(d, j + 2, ','))
        j = skip_adjuncts(d, j + 3, end, fr); /* "said, however, that" */
    if (j >= end)
        return QNONE;
    if (qd_punct(d, j, ':') && (fr & (QF_QUOTE | QF_CLAUSE | QF_THAT)))
        return j + 1 < end ? j + 1 : QNONE;
    if ((fr & QF_QUOTE) && !(qd_flags(d, j) & QW_COMP)) {
        /* "chanting the slogan, “...”", "posted a message: “...”" */
        uint32_t o = loose_np(d, j, end);
        if (o > j &&
            is_open_mark(d, o + (qd_punct(d, o, ',') || qd_punct(d, o, ':'))))
            return o + (qd_punct(d, o, ',') || qd_punct(d, o, ':'));
    }
    if (qd_punct(d, j, ',') && is_open_mark(d, j + 1) && (fr & QF_QUOTE))
        return j + 1;
    if (is_open_mark(d, j) && (fr & (QF_QUOTE | QF_CLAUSE | QF_THAT)))
        return j;
    if (qd_is(d, j, "that") && (fr & (QF_CLAUSE | QF_THAT)))
        return j + 1;
    if ((fr & QF_TO) && qd_is(d, j, "to") && qd_lower_word(d, j + 1)) {
        *np_only = 1;
        return j;
    }
    if (fr & (QF_OBJTO | QF_OF | QF_FOR | QF_AS | QF_OBJ)) {
        /* Past an object to the word that opens the content. */
        for (uint32_t k = j; k < end && k < j + 14; k++) {
            if (qd_punct(d, k, ',') || qd_punct(d, k, ';') ||
                qd_punct(d, k, '.') || qm_region(d, k) >= 0 ||
                (qd_ph(d, k)->verb && k > j))
                break;
            *np_only = 1;
            if ((fr & QF_OBJTO) && qd_is(d, k, "to") && k > j &&
                qd_lower_word(d, k + 1) && !qd_is(d, k + 1, "the"))
                return k;
            /* "accused Russia of", not the passive "accused of" */
            if ((fr & QF_OF) && qd_is(d, k, "of") && (k > j || agent))
                return k + 1;
            if ((fr & QF_FOR) && qd_is(d, k, "for") && (k > j || agent))
                return k + 1;
            if ((fr & QF_AS) && qd_is(d, k, "as"))
                return k + 1;
            *np_only = 0;
            if ((fr & QF_OBJ) && qd_is(d, k, "that") && k > j &&
                (fr & (QF_THAT | QF_CLAUSE)))
                return k + 1;
        }
    }
    if ((fr & QF_OBJ) && (fr & QF_CLAUSE)) {
        uint32_t o = loose_np(d, j, end);
        if (o > j) {
            uint32_t k = skip_adjuncts(d, o, end, fr);
            if (qd_punct(d, k, ':') ||
                (qd_punct(d, k, ',') && is_open_mark(d, k + 1)))
                return k + 1 < end ? k + 1 : QNONE;
            if (is_open_mark(d, k))
                return k;
            if (clause_start(d, k, end))
                return k;
        }
    }
    /* The noun phrase may open with a possessive ("reiterated its
     * commitment"), not with a pronoun standing alone. */
    const qx_pronoun_t *np_pron = qd_pronoun(d, j);
    if ((fr & QF_NP) && clause_start(d, j, end) &&
        (!np_pron || np_pron->pcase == QC_POSSESSIVE) &&
        !(qd_flags(d, j) & (QW_AUX | QW_THIS)) && j + 1 < end &&
        !qd_punct(d, j + 1, '.')) {
        *np_only = 1;
        return j;
    }
    if ((fr & QF_SMALL) && strong && clause_start(d, j, end) &&
        !qd_is(d, j, "it") && !qd_ph(d, j)->pron) {
        *np_only = 1;
        return j;
    }
    if ((fr & QF_CLAUSE) && !(fr & QF_OBJ) && clause_start(d, j, end))
        return j;
    if ((fr & QF_THAT) && bare_clause(d, j, end))
        return j;
    return QNONE;
}

/* The clause-initial noun phrase of sentence s, before token `before`. */
static int clause_subject(qdoc_t *d, uint32_t s, uint32_t before, uint32_t *ns,
                          uint32_t *ne)
{
    uint32_t st = qs_subject_start(d, s, before);
    if (st == QNONE || st >= before || qm_region(d, st) >= 0)
        return 0;
    uint32_t e = qs_np_right(d, st, before);
    if (e == st || !qs_np_anchored(d, st, e))
        return 0;
    *ns = st;
    *ne = e;
    return 1;
}

/* "while Baku on several occasions accused them of": the subject of a
 * subordinate clause, a noun phrase right after the subordinator, with
 * only a prepositional adverbial between it and the verb at j (past its
 * auxiliaries and adverbs). Returns 1 with [*ns, *ne) filled, else 0. */
static int sub_subject(qdoc_t *d, uint32_t first, uint32_t j, uint32_t *ns,
                       uint32_t *ne)
{
    for (uint32_t w = j; w-- > first && j - w <= 10;) {
        if ((d->tok[w].flags & GLOSSA_TOKEN_PUNCT) || qd_ph(d, w)->verb)
            return 0;
        if (!(qd_flags(d, w) & (QW_SUB | QW_CLAUSE)))
            continue;
        uint32_t e = qs_np_right(d, w + 1, j);
        if (e <= w + 1 || e >= j || !qs_np_anchored(d, w + 1, e) ||
            !(qd_flags(d, e) & QW_PREP))
            return 0;
        for (uint32_t k = e; k < j; k++)
            if ((d->tok[k].flags & GLOSSA_TOKEN_PUNCT) || qd_ph(d, k)->verb)
                return 0;
        *ns = w + 1;
        *ne = e;
        return 1;
    }
    return 0;
}

/* The subject of a finite verb at token i of sentence s. */
static int subject_of(qdoc_t *d, uint32_t s, uint32_t i, uint32_t *ns,
                      uint32_t *ne)
{
    uint32_t first = qd_sent_first(d, s);
    uint32_t j = i;
    while (j > first) {
        uint32_t k = j - 1;
        uint32_t f = qd_flags(d, k);
        if ((f & (QW_AUX | QW_ADV | QW_NEG | QW_TIME)) && !qd_ph(d, k)->pron &&
            !qd_is(d, k, "'s")) {
            j = k;
            continue;
        }
        if ((qd_is(d, k, "nor") || qd_is(d, k, "or")) && k > first &&
            qd_ph(d, k - 1)->verb) {
            j = k - 1;
            continue;
        }
        break;
    }
    if (j == first)
        return 0;
    uint32_t k = j - 1;
    if (qd_punct(d, k, ',') && k > first + 1 && (qd_flags(d, k - 1) & QW_ADV) &&
        qd_punct(d, k - 2, ',')) {
        /* "The Kremlin, meanwhile, has defended" */
        j = k - 2;
        k = j - 1;
    }
    if (qd_punct(d, k, ',')) {
        /* "Aliyev, who met Putin, said" / "X, a political analyst, said" /
         * "Moldova's president, Maia Sandu, said" */
        for (uint32_t c = k; c-- > first + 1;) {
            if (!qd_punct(d, c, ','))
                continue;
            if (qs_np_right(d, c + 1, k) == k && qd_ent(d, k - 1) &&
                qd_ent(d, k - 1)->label == QE_PERSON) {
                *ns = c + 1;
                *ne = k;
                return 1;
            }
            /* a relative, an apposition, a participle or a
             * prepositional phrase between commas: ", who met Putin,",
             * ", a political analyst,", ", speaking in Yerevan,", ", in a
             * statement," */
            uint32_t f1 = qd_flags(d, c + 1);
            int participial =
                qd_lower_word(d, c + 1) && !qd_ph(d, c + 1)->pron &&
                d->tok[c + 1].end - d->tok[c + 1].start > 4 &&
                (!memcmp(d->text + d->tok[c + 1].end - 3, "ing", 3) ||
                 !memcmp(d->text + d->tok[c + 1].end - 2, "ed", 2));
            /* ", advisor to the Supreme Leader,": a title opens an
             * apposition too */
            if ((f1 & (QW_REL | QW_DET | QW_PREP)) || participial ||
                (qd_ph(d, c + 1)->title && qd_ph(d, c + 1)->title_len)) {
                uint32_t st = qs_np_left(d, c, first);
                if (st < c && qs_np_anchored(d, st, c)) {
                    *ns = st;
                    *ne = c;
                    return 1;
                }
            }
            break;
        }
        return 0;
    }
    if (!(qd_flags(d, k) & QW_REL) && !qd_is(d, k, "that")) {
        /* "the statement, which in turn accused": a relative pronoun,
         * then a prepositional adverbial before the verb */
        for (uint32_t r = k; r-- > first && k - r <= 4;) {
            if ((d->tok[r].flags & GLOSSA_TOKEN_PUNCT) || qd_ph(d, r)->verb)
                break;
            if ((qd_flags(d, r) & QW_REL) && (qd_flags(d, r + 1) & QW_PREP)) {
                k = r;
                break;
            }
        }
    }
    if ((qd_flags(d, k) & QW_REL) || qd_is(d, k, "that")) {
        /* "Macron, who said", "a war that claimed": the antecedent,
         * before the comma of a non-restrictive relative ("met Pashinyan,
         * who said that ...") */
        uint32_t ke = k;
        if ((qd_flags(d, k) & QW_REL) && k > first + 1 &&
            qd_punct(d, k - 1, ','))
            ke = k - 1;
        uint32_t st = qs_np_left(d, ke, first);
        if (st < ke && qs_np_anchored(d, st, ke)) {
            *ns = st;
            *ne = ke;
            return 1;
        }
        return 0;
    }
    if (qd_flags(d, k) & QW_CONJ)
        return clause_subject(d, s, i, ns, ne);
    uint32_t st = qs_np_left(d, j, first);
    if (st == j || !qs_np_anchored(d, st, j)) {
        if (sub_subject(d, first, j, ns, ne))
            return 1;
        return clause_subject(d, s, i, ns, ne);
    }
    /* "A senior advisor to President X says": the phrase after "to" is
     * governed by the title before it, which heads the subject when an
     * article opens it ("Russian Ambassador to Armenia X said" is X). */
    int to_title = st > first + 1 && qd_is(d, st - 1, "to") &&
                   (qd_ph(d, st - 2)->title || qd_ph(d, st - 2)->head);
    /* "after Armenia accused Moscow of": a subordinator that is also a
     * preposition, then a noun phrase and the verb, opens a clause whose
     * subject that phrase is */
    int prep = st > first && (qd_flags(d, st - 1) & QW_PREP) &&
               !(qd_flags(d, st - 1) & (QW_SUB | QW_CLAUSE));
    if (prep && sub_subject(d, first, j, ns, ne))
        return 1;
    if (prep || to_title) {
        uint32_t cs, ce;
        if (clause_subject(d, s, i, &cs, &ce) && cs < st &&
            (prep || qd_is(d, cs, "a") || qd_is(d, cs, "an") ||
             qd_is(d, cs, "the"))) {
            *ns = cs;
            *ne = ce;
            return 1;
        }
    }
    *ns = st;
    *ne = j;
    return 1;
}

/* Can the words after an attribution end it ("..., X said on Monday.")?
 * True at the end, before punctuation, a preposition, a time word, a
 * subordinator ("..., X said when asked about ...") or a participle. */
static int attribution_ends(qdoc_t *d, uint32_t j, uint32_t end)
{
    if (j >= end)
        return 1;
    if (d->tok[j].flags & GLOSSA_TOKEN_PUNCT)
        return !is_open_mark(d, j) && !qd_punct(d, j, ':');
    uint32_t f = qd_flags(d, j);
    if (f & QW_COMP)
        return 0;
    if (f & (QW_PREP | QW_TIME | QW_OPENER | QW_ADV | QW_SUB))
        return 1;
    size_t len = d->tok[j].end - d->tok[j].start;
    return len > 4 && memcmp(d->text + d->tok[j].end - 3, "ing", 3) == 0 &&
           qd_lower_word(d, j);
}

/* The start of content that precedes its reporting clause in sentence s
 * (ending with quotation `reg`, or -1): the quotation's opening mark when
 * the quotation began before the sentence or only an adverbial
 * ("Besides,") precedes it, else the sentence start. */
static uint32_t left_content_start(qdoc_t *d, uint32_t s, int reg)
{
    uint32_t first = qd_sent_first(d, s);
    if (reg >= 0) {
        const qregion_t *r = &d->regions[reg];
        if (r->open <= first)
            return r->open;
        uint32_t st = qs_subject_start(d, s, r->open + 1);
        if (st == r->open)
            return r->open;
    }
    return first;
}

/* "Interfax quoted Lavrov as saying", "citing him as saying": after a
 * verb with the qas frame ending at a, the one quoted [*ns, *ne) and "as"
 * with a reporting participle. Returns the word after the participle, or
 * QNONE. */
static uint32_t quoted_as_saying(qdoc_t *d, uint32_t a, uint32_t end,
                                 uint32_t *ns, uint32_t *ne)
{
    uint32_t e = qs_np_right(d, a, end);
    if (e <= a || e + 1 >= end || !qd_is(d, e, "as") ||
        !qd_participle(d, e + 1) || !qs_speakerlike(d, a, e))
        return QNONE;
    *ns = a;
    *ne = e;
    return e + 1 + qd_ph(d, e + 1)->verb_len;
}

/* The token before an inverted report's speaker phrase that starts at
 * st, past one comma ("“...,” X said" -> the closing mark). */
static uint32_t p_mark(const qdoc_t *d, uint32_t st, uint32_t first)
{
    uint32_t k = st - 1;
    if (k > first && qd_punct(d, k, ','))
        k--;
    return k;
}

/* "..., X said" and "..., said X" at verb [i, i + len). Returns the frame
 * index, -1 when it is not one, -2 out of memory. */
static int try_inverted(qdoc_t *d, uint32_t s, uint32_t i, uint32_t len,
                        const qx_verb_t *v)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    uint32_t np_s = QNONE, np_e = QNONE, p = QNONE, after = QNONE;
    /* "..., X said", "..., X has said", "..., X was quoted as saying" */
    uint32_t j = i;
    while (j > first && ((qd_flags(d, j - 1) & QW_ADV) ||
                         ((qd_flags(d, j - 1) & QW_AUX) &&
                          !qd_ph(d, j - 1)->pron && !qd_is(d, j - 1, "'s") &&
                          (!be_aux(d, j - 1) || (v->frames & QF_PINV)))))
        j--;
    uint32_t st = qs_np_left(d, j, first), ne = j, st_app = QNONE;
    if (st < ne && st > first + 1 &&
        (qd_is(d, st - 1, "by") || qd_is(d, st - 1, "from")) &&
        qd_head(d, st - 2) && qd_head(d, st - 2)->hclass == QH_MESSAGE) {
        /* "“...,” a statement by the Foreign Ministry said" */
        uint32_t ms = qs_np_left(d, st - 1, first);
        if (ms < st - 1)
            st = ms;
    }
    if (st == j && j > first + 2 && qd_punct(d, j - 1, ',')) {
        /* "X, a Yerevan-based political analyst, said", "X, Director of
         * the Fourth CIS Department, told" */
        uint32_t c = j - 1;
        while (c > first + 1 && !qd_punct(d, c - 1, ','))
            c--;
        if (c > first + 1 && ((qd_flags(d, c) & QW_DET) || qd_title(d, c))) {
            uint32_t ns = qs_np_left(d, c - 1, first);
            if (ns < c - 1 && qd_ent(d, c - 2) &&
                qd_ent(d, c - 2)->label == QE_PERSON) {
                st = ns;
                ne = c - 1;
            }
        } else if (c > first + 1 && qs_np_right(d, c, j - 1) == j - 1 &&
                   qd_ent(d, j - 2) && qd_ent(d, j - 2)->label == QE_PERSON) {
            /* "..., the mission's head, Piotr Nowak, told" */
            st = c;
            ne = j - 1;
        }
    }
    if (st < ne && st > first + 2 && qd_punct(d, st - 1, ',') &&
        qd_ent(d, ne - 1) && qd_ent(d, ne - 1)->label == QE_PERSON) {
        /* "..., the mission's head, Piotr Nowak, told": the apposition
         * is not content */
        uint32_t c = st - 1;
        while (c > first && !qd_punct(d, c - 1, ',') &&
               !is_close_mark(d, c - 1) && c > st - 9)
            c--;
        if (c > first && (qd_punct(d, c - 1, ',') || is_close_mark(d, c - 1)) &&
            (qd_flags(d, c) & QW_DET) && qs_speakerlike(d, c, st - 1))
            st_app = c;
    }
    uint32_t quoted_s = QNONE, quoted_e = QNONE, quoted_after = QNONE;
    int quoted_speaks = 0;
    if (v->frames & QF_QAS)
        quoted_after = quoted_as_saying(d, i + len, end, &quoted_s, &quoted_e);
    if (st < ne && st > first && qs_np_anchored(d, st, ne) &&
        (qd_punct(d, st - 1, ',') || is_close_mark(d, st - 1))) {
        uint32_t a = i + len;
        if (quoted_after != QNONE)
            a = quoted_after;
        else if (v->frames & QF_OBJ)
            a = loose_np(d, a, end);
        else if (qd_is(d, a, "to") && loose_np(d, a + 1, end) > a + 1)
            a = loose_np(d, a + 1, end); /* "“...,” X said to reporters" */
        uint32_t a0 = a;
        a = skip_adjuncts(d, a, end, 0);
        /* "“...,” X said at the meeting that took place ...": after a
         * quotation, "that" past an adjunct opens a relative clause of
         * the adjunct's noun, not the verb's content. */
        int relative = a > a0 && is_close_mark(d, p_mark(d, st, first)) &&
                       qd_is(d, a, "that");
        if (attribution_ends(d, a, end) || relative) {
            np_s = st;
            np_e = ne;
            p = st_app != QNONE ? st_app - 1 : st - 1;
            after = a;
            quoted_speaks = quoted_after != QNONE;
        }
    }
    /* "..., said X"; not "..., told X", whose X is spoken to, nor
     * "..., adding that X ..." */
    if (np_s == QNONE && i > first && !(v->frames & QF_OBJ) &&
        !(qd_flags(d, i + len) & QW_COMP) &&
        (qd_punct(d, i - 1, ',') || is_close_mark(d, i - 1))) {
        uint32_t e = qs_np_right(d, i + len, end);
        if (e > i + len && qs_np_anchored(d, i + len, e)) {
            uint32_t a = skip_adjuncts(d, e, end, 0);
            if (attribution_ends(d, a, end)) {
                np_s = i + len;
                np_e = e;
                p = i - 1;
                after = a;
            }
        }
    }
    if (np_s == QNONE)
        return -1;
    if (quoted_speaks) {
        /* "“...,” Interfax quoted Lavrov as saying": Lavrov speaks. */
        np_s = quoted_s;
        np_e = quoted_e;
    }
    if ((v->frames & QF_MSG) &&
        !(qd_head(d, np_e - 1) && qd_head(d, np_e - 1)->hclass == QH_MESSAGE)) {
        /* "the statement reads": only a message reads. */
        int msg = 0;
        for (uint32_t k = np_s; k < np_e; k++)
            msg |= qd_head(d, k) && qd_head(d, k)->hclass == QH_MESSAGE;
        if (!msg)
            return -1;
    }
    /* The content ends before the comma and closing marks. */
    uint32_t cend = p + 1;
    int reg = -1;
    while (cend > first &&
           (qd_punct(d, cend - 1, ',') || is_close_mark(d, cend - 1))) {
        if (reg < 0 && is_close_mark(d, cend - 1))
            reg = region_at_close(d, cend - 1);
        cend--;
    }
    if (reg >= 0)
        cend = d->regions[reg].close + 1;
    /* "“...,” he continued": the verb reports only a quotation ("the
     * fighting, Russia's campaign continued" is no report) */
    if ((v->frames & QF_QINV) && reg < 0)
        return -1;
    uint32_t cs = left_content_start(d, s, reg);
    if (cs >= cend)
        return -1;
    if (reg < 0) {
        /* "On Tuesday, X said." has no content. */
        uint32_t words = 0;
        for (uint32_t k = cs; k < cend; k++)
            words += qd_word(d, k);
        if (words < 3)
            return -1;
        if ((qd_flags(d, cs) & (QW_OPENER | QW_PREP)) && words < 6)
            return -1;
    }
    qframe_t f;
    frame_init(&f, s, FH_VERB);
    f.cue_first = i;
    f.cue_end = i + len;
    f.c_first = cs;
    f.c_end = cend;
    f.np_first = np_s;
    f.np_end = np_e;
    f.pos = np_s;
    f.inverted = 1;
    int idx = push(d, &f);
    if (idx < 0)
        return -2;
    /* “We are ready,” he said, “to host talks.” */
    if (after < end && qd_punct(d, after, ',') && is_open_mark(d, after + 1)) {
        qframe_t g;
        frame_init(&g, s, FH_VERB);
        g.cue_first = i;
        g.cue_end = i + len;
        g.c_first = after + 1;
        g.c_end = content_end(d, after + 1, end, 0);
        g.speaker_from = idx;
        g.np_first = np_s;
        g.np_end = np_e;
        g.pos = np_s;
        if (push(d, &g) < 0)
            return -2;
    }
    return idx;
}

/* "... was tested when the ministry put out a tweet accusing X of ...":
 * a participle with no comma before it, in a subordinate clause (its
 * subordinator, grammar.tsv class `sub`, with no punctuation after it),
 * goes with that clause's subject, a speaker-like noun phrase right
 * after the subordinator and before a lowercase word. */
static int sub_clause_subject(qdoc_t *d, uint32_t s, uint32_t i, uint32_t *ns,
                              uint32_t *ne)
{
    uint32_t first = qd_sent_first(d, s);
    for (uint32_t w = i; w-- > first;) {
        if (qd_punct(d, w, ',') || qd_punct(d, w, ';') || qm_region(d, w) >= 0)
            return 0;
        if (!(qd_flags(d, w) & QW_SUB) || (qd_flags(d, w) & QW_PREP))
            continue;
        uint32_t e = qs_np_right(d, w + 1, i);
        if (e <= w + 1 || e >= i || !qd_lower_word(d, e) ||
            !qs_np_anchored(d, w + 1, e) || !qs_speakerlike(d, w + 1, e))
            return 0;
        *ns = w + 1;
        *ne = e;
        return 1;
    }
    return 0;
}

/* The speaker of a participle ("..., saying that"): the report it goes
 * with, the subject after a sentence-initial participial clause, or the
 * clause's subject. */
static int participle_speaker(qdoc_t *d, uint32_t s, uint32_t i, qframe_t *f)
{
    uint32_t first0 = qd_sent_first(d, s);
    uint32_t w = i > first0 + 1 ? qs_np_left(d, i, first0) : i;
    if (w < i && w > first0 && qd_is(d, w - 1, "with") &&
        qs_np_anchored(d, w, i)) {
        /* "..., with Aliyev announcing that ...": the participle's own
         * subject */
        f->np_first = w;
        f->np_end = i;
        f->pos = w;
        return 1;
    }
    for (size_t k = d->n_frames; k-- > 0;) {
        const qframe_t *g = &d->frames[k];
        if (g->sent != s)
            break;
        if (g->cue_first < i && !g->dropped) {
            /* "According to X, the president praised ..., noting that":
             * the participle goes with its clause's subject, not with
             * the source of the clause. */
            uint32_t e = g->how == FH_SOURCE && !g->inverted && g->c_end <= i
                             ? qs_np_right(d, g->c_first, g->c_end)
                             : g->c_first;
            if (e > g->c_first && e < g->c_end && qd_lower_word(d, e) &&
                qs_np_anchored(d, g->c_first, e) &&
                qs_speakerlike(d, g->c_first, e)) {
                f->np_first = g->c_first;
                f->np_end = e;
                f->pos = g->c_first;
                return 1;
            }
            f->speaker_from = (int32_t)k;
            f->np_first = g->np_first;
            f->np_end = g->np_end;
            f->pos = g->pos;
            return 1;
        }
    }
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    uint32_t st = qs_subject_start(d, s, end);
    if (st == i || i == first) {
        for (uint32_t k = i + 1; k < end; k++) {
            if (!(qd_punct(d, k, ',') || is_close_mark(d, k)))
                continue;
            uint32_t a = k + 1;
            if (qd_punct(d, a, ','))
                a++;
            if (is_open_mark(d, a)) {
                int r = region_at_open(d, a);
                uint32_t c = d->regions[r].close;
                if (c == QNONE)
                    return 0;
                k = c;
                a = c + 1;
            }
            uint32_t e = qs_np_right(d, a, end);
            if (e > a && qs_np_anchored(d, a, e)) {
                f->np_first = a;
                f->np_end = e;
                f->pos = a;
                return 1;
            }
        }
        return 0;
    }
    uint32_t ns, ne;
    if (!sub_clause_subject(d, s, i, &ns, &ne) &&
        !clause_subject(d, s, i, &ns, &ne) && !subject_of(d, s, i, &ns, &ne))
        return 0;
    f->np_first = ns;
    f->np_end = ne;
    f->pos = ns;
    return 1;
}

/* Is the cue at i, inside the content of frame `cur` that starts at
 * c_first, coordinated with it ("and said", ", adding", "and he
 * accused")? Returns the token where cur's content must end, or QNONE. */
static uint32_t coordination(qdoc_t *d, uint32_t c_first, uint32_t i,
                             int *same_subject)
{
    uint32_t k = i;
    while (k > c_first && (qd_flags(d, k - 1) & (QW_ADV | QW_AUX | QW_NEG)))
        k--;
    if (k <= c_first)
        return QNONE;
    *same_subject = 1;
    if (qd_participle(d, i) && qd_punct(d, k - 1, ','))
        return k - 1;
    if (qd_flags(d, k - 1) & QW_CONJ) {
        uint32_t b = k - 1;
        if (b > c_first && qd_punct(d, b - 1, ','))
            b--;
        return b;
    }
    uint32_t st = qs_np_left(d, k, c_first);
    if (st < k && st > c_first && (qd_flags(d, st - 1) & QW_CONJ) &&
        qs_speakerlike(d, st, k)) {
        *same_subject = 0;
        uint32_t b = st - 1;
        if (b > c_first && qd_punct(d, b - 1, ','))
            b--;
        return b;
    }
    return QNONE;
}

/* "according to X": before its content or after it. */
static int try_source(qdoc_t *d, uint32_t s, uint32_t i)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    uint32_t sp = i + qd_ph(d, i)->src_len;
    uint32_t e = qs_np_right(d, sp, end);
    if (e == sp || !qs_np_anchored(d, sp, e))
        return 0;
    for (uint32_t k = sp; k < e; k++)
        if (qd_head(d, k) && qd_head(d, k)->hclass == QH_NONSPEECH)
            return 0; /* "according to the agreement": terms, not speech */
    qframe_t f;
    frame_init(&f, s, FH_SOURCE);
    f.cue_first = i;
    f.cue_end = sp;
    f.np_first = sp;
    f.np_end = e;
    f.pos = sp;
    uint32_t st = qs_subject_start(d, s, end);
    if ((i == first || st == i || i == qs_subject_start(d, s, i + 1)) &&
        qd_punct(d, e, ',')) {
        f.c_first = e + 1;
        f.c_end = content_end(d, e + 1, end, 0);
    } else if (i > first && qd_punct(d, i - 1, ',')) {
        uint32_t cend = i - 1;
        int reg =
            is_close_mark(d, cend - 1) ? region_at_close(d, cend - 1) : -1;
        f.c_first = left_content_start(d, s, reg);
        f.c_end = cend;
        f.inverted = 1;
    } else {
        return 0;
    }
    if (f.c_first >= f.c_end)
        return 0;
    return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
}

/* Does [a, e) name a person or a body? */
static int names_person_or_body(const qdoc_t *d, uint32_t a, uint32_t e)
{
    for (uint32_t k = a; k < e; k++) {
        const qent_t *en = qd_ent(d, k);
        if (en && (en->label == QE_PERSON || en->label == QE_ORG))
            return 1;
    }
    return 0;
}

/* The report of a headline whose source comes last: its content, the
 * separator at sep (":" or a dash, cue_text), then the source up to the
 * sentence's end. */
static int push_source_last(qdoc_t *d, uint32_t s, uint32_t sep,
                            const char *cue_text)
{
    qframe_t f;
    frame_init(&f, s, FH_HEADLINE);
    f.cue_first = sep;
    f.cue_end = sep + 1;
    f.cue_text = cue_text;
    f.np_first = sep + 1;
    f.np_end = qd_sent_end(d, s);
    f.pos = sep + 1;
    f.c_first = qd_sent_first(d, s);
    f.c_end = sep;
    f.inverted = 1;
    return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
}

/* "“...” – X on Y": the headline's source is X, [dash + 1, ne), when
 * it names a person or a body and is no outlet. */
static int headline_dash_about(qdoc_t *d, uint32_t s, uint32_t dash,
                               uint32_t ne)
{
    uint32_t first = qd_sent_first(d, s), words = 0;
    for (uint32_t k = dash + 1; k < ne; k++)
        if (qd_head(d, k) && qd_head(d, k)->hclass == QH_OUTLET)
            return 0;
    for (uint32_t k = first; k < dash; k++)
        words += qd_word(d, k);
    if (!names_person_or_body(d, dash + 1, ne) || words < 3)
        return 0;
    qframe_t f;
    frame_init(&f, s, FH_HEADLINE);
    f.cue_first = dash;
    f.cue_end = dash + 1;
    f.cue_text = "-";
    f.np_first = dash + 1;
    f.np_end = ne;
    f.pos = dash + 1;
    f.c_first = first;
    f.c_end = dash;
    f.inverted = 1;
    return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
}

/* "West is trying to drive wedges – Mikhail Kalugin": a headline line
 * whose source follows its last spaced dash, a short phrase naming a
 * person or a body (not a news outlet, which only credits the story). */
static int try_headline_dash(qdoc_t *d, uint32_t s)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    uint32_t c = end;
    while (c > first && !(qd_dash(d, c - 1) && qm_region(d, c - 1) < 0 &&
                          (d->tok[c - 1].flags & GLOSSA_TOKEN_SPACE_BEFORE)))
        c--;
    /* "... – Kremlin spokesman Peskov on the talks": the source, then a
     * preposition and what the words are about */
    uint32_t ne = c < end ? qs_np_right(d, c, end) : end;
    if (c > first + 3 && ne > c && ne < end && ne - c <= 5 && end - ne <= 8 &&
        (qd_flags(d, ne) & QW_PREP) && qm_region(d, ne) < 0 &&
        qd_line_start(d, first) && (end >= d->nt || qd_line_start(d, end)))
        return headline_dash_about(d, s, c - 1, ne);
    if (c <= first + 3 || c >= end || end - c > 5 ||
        qs_np_right(d, c, end) != end)
        return 0;
    c--; /* the dash */
    for (uint32_t k = c + 1; k < end; k++)
        if (qd_head(d, k) && qd_head(d, k)->hclass == QH_OUTLET)
            return 0;
    uint32_t words = 0;
    for (uint32_t k = first; k < c; k++)
        words += qd_word(d, k);
    if (!names_person_or_body(d, c + 1, end) || words < 3)
        return 0;
    return push_source_last(d, s, c, "-");
}

/* "Russian MOD: Ceasefire violated ..." and "...: Kremlin", on a line of
 * their own. */
static int try_headline(qdoc_t *d, uint32_t s)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    if (!qd_line_start(d, first) || (end < d->nt && !qd_line_start(d, end)))
        return 0;
    uint32_t c = first;
    while (c < end && !(qd_punct(d, c, ':') && qm_region(d, c) < 0))
        c++;
    if (c >= end)
        return try_headline_dash(d, s);
    if (c == first || c + 1 >= end)
        return 0;
    uint32_t words = 0;
    for (uint32_t k = c + 1; k < end; k++)
        words += qd_word(d, k);
    int named = 0;
    /* "Russian ambassador to Armenia: ...": a title's "to" */
    int label = qs_np_right(d, first, c) == c;
    for (uint32_t k = first + 1; k + 1 < c && !label; k++)
        label = qd_is(d, k, "to") && qd_ph(d, k - 1)->title &&
                qs_np_right(d, first, k) == k && qs_np_right(d, k + 1, c) == c;
    if (label && words >= 3) {
        for (uint32_t k = first; k < c; k++) {
            const qent_t *e = qd_ent(d, k);
            named |= e && (e->label == QE_PERSON || e->label == QE_ORG);
            if (qd_ph(d, k)->title ||
                (qd_ph(d, k)->head && qd_head(d, k)->hclass == QH_MINISTRY))
                named |= 2;
            if (e && (e->label == QE_GPE || e->label == QE_NORP))
                named |= 4;
        }
        if ((named & 1) || ((named & 2) && (named & 4)) ||
            ((named & 2) && c - first >= 2)) {
            /* The source first: "Russian MOD: ..." */
            qframe_t f;
            frame_init(&f, s, FH_HEADLINE);
            f.cue_first = c;
            f.cue_end = c + 1;
            f.cue_text = ":";
            f.np_first = first;
            f.np_end = c;
            f.pos = first;
            f.c_first = c + 1;
            f.c_end = end;
            return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
        }
    }
    if (qs_np_right(d, c + 1, end) == end && end - c - 1 <= 4 &&
        c - first >= 3 && names_person_or_body(d, c + 1, end))
        return push_source_last(d, s, c, ":");
    return 0;
}

/* The first token of line `line`, searching back from token i. */
static uint32_t line_first(const qdoc_t *d, uint32_t i)
{
    while (i > 0 && !qd_line_start(d, i))
        i--;
    return i;
}

static int hashtag_or_link(const qdoc_t *d, uint32_t i)
{
    const char *w = d->text + d->tok[i].start;
    size_t len = d->tok[i].end - d->tok[i].start;
    return (len >= 1 && w[0] == '#') || (len >= 4 && !memcmp(w, "http", 4)) ||
           (len >= 3 && !memcmp(w, "pic", 3) && i + 1 < d->nt &&
            qd_punct(d, i + 1, '.'));
}

/* A block quote: the line before "— Name (@handle) date", or a line that
 * ends with "(Name, title)". */
static int try_block(qdoc_t *d, uint32_t s)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    qframe_t f;
    frame_init(&f, s, FH_BLOCK);
    if (qd_line_start(d, first) && qd_dash(d, first) && first > 0) {
        uint32_t e = qs_np_right(d, first + 1, end);
        if (e == first + 1 || !qs_speakerlike(d, first + 1, e))
            return 0;
        uint32_t lf = line_first(d, first - 1);
        uint32_t ce = lf;
        while (ce < first && !hashtag_or_link(d, ce))
            ce++;
        if (ce == lf || qm_region(d, lf) >= 0)
            return 0;
        f.c_first = lf;
        f.c_end = ce;
        f.np_first = first + 1;
        f.np_end = e;
        f.pos = first + 1;
        f.cue_first = first;
        f.cue_end = first + 1;
        return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
    }
    /* "... (Ilham Aliyev, Azerbaijani President)" closing a line */
    uint32_t last = end - 1;
    if (!qd_punct(d, last, ')') ||
        (last + 1 < d->nt && !qd_line_start(d, last + 1)))
        return 0;
    uint32_t open = last;
    while (open > first && !qd_punct(d, open, '('))
        open--;
    if (!qd_punct(d, open, '('))
        return 0;
    const qent_t *who = qd_ent(d, open + 1);
    if (!who || who->label != QE_PERSON)
        return 0;
    uint32_t lf = line_first(d, open);
    if (lf >= open)
        return 0;
    uint32_t words = 0;
    for (uint32_t k = lf; k < open; k++) {
        if (qm_region(d, k) >= 0 || is_open_mark(d, k))
            return 0;
        words += qd_word(d, k);
    }
    if (words < 6)
        return 0;
    uint32_t ne = open + 1;
    while (ne < last && !qd_punct(d, ne, ','))
        ne++;
    f.c_first = lf;
    f.c_end = open;
    f.np_first = open + 1;
    f.np_end = ne;
    f.pos = open + 1;
    f.cue_first = open;
    f.cue_end = open + 1;
    f.sent = qd_sent(d, lf);
    return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
}

static int find_in_sentence(qdoc_t *d, uint32_t s)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    qd_mark_sentence(d, s);
    int rc = try_headline(d, s);
    if (rc < 0)
        return rc;
    rc = try_block(d, s);
    if (rc < 0)
        return rc;
    int cur = -1; /* the report whose content we are in */
    for (uint32_t i = first; i < end; i++) {
        if (qm_region(d, i) >= 0)
            continue;
        if (cur >= 0 && i >= d->frames[cur].c_end)
            cur = -1;
        if (cur >= 0 && qd_is(d, i, "that") && i > d->frames[cur].c_first &&
            qd_is(d, i - 1, "and")) {
            /* "stated that A and that B": two reports */
            qframe_t *c = &d->frames[cur];
            uint32_t b = i - 1;
            if (qd_punct(d, b - 1, ','))
                b--;
            qframe_t g = *c;
            g.spk.owned = NULL;
            g.speaker_from = cur;
            g.c_first = i + 1;
            g.c_end = c->c_end;
            c->c_end = b;
            int idx = push(d, &g);
            if (idx < 0)
                return GLOSSA_ENOMEM;
            cur = idx;
            continue;
        }
        if (qd_ph(d, i)->src_len) {
            if (cur >= 0)
                continue;
            rc = try_source(d, s, i);
            if (rc < 0)
                return rc;
            continue;
        }
        const qx_verb_t *v = qd_verb(d, i);
        if (!v)
            continue;
        uint32_t len = qd_ph(d, i)->verb_len;
        /* A noun: "a statement", "the report", "his comments". */
        if (i > first && ((qd_flags(d, i - 1) & QW_ART) ||
                          (qd_pronoun(d, i - 1) &&
                           qd_pronoun(d, i - 1)->pcase == QC_POSSESSIVE)))
            continue;
        int same_subject = 1;
        uint32_t cut = QNONE;
        if (cur >= 0)
            cut = coordination(d, d->frames[cur].c_first, i, &same_subject);
        if (v->frames & QF_INV) {
            int idx = try_inverted(d, s, i, len, v);
            if (idx == -2)
                return GLOSSA_ENOMEM;
            if (idx >= 0) {
                if (cur >= 0 && cut != QNONE) {
                    d->frames[cur].c_end = cut;
                } else if (cur >= 0) {
                    /* "Russia wants to remind X that Y, the ISW says":
                     * the first report is inside the second's content. */
                    qframe_t *c = &d->frames[cur];
                    qframe_t *f = &d->frames[idx];
                    if (c->cue_first >= f->c_first && c->cue_first < f->c_end &&
                        outlet_phrase(d, f) && !outlet_phrase(d, c) &&
                        c->np_end > c->np_first && f->c_end > c->c_first &&
                        f->c_end <= c->c_end) {
                        /* "X said that ..., TASS said": the outlet
                         * relays X, whose content ends at the relay (the
                         * outlet's own frame, dropped as the outer
                         * report, still speaks for its participles). */
                        c->c_end = f->c_end;
                    } else if (c->cue_first >= f->c_first &&
                               c->cue_first < f->c_end)
                        c->dropped = 1;
                    else
                        c->c_end =
                            f->c_first > c->c_first ? f->c_first : c->c_end;
                }
                cur = -1;
                i += len - 1;
                continue;
            }
        }
        if (cur >= 0 && cut == QNONE)
            continue; /* nested: the inner speaker's report */
        /* "criticised by Baku for its bias": the agent speaks. */
        if (qd_is(d, i + len, "by") && !qd_participle(d, i)) {
            uint32_t a = i + len + 1;
            uint32_t e = qs_np_right(d, a, end);
            if (e > a && qs_speakerlike(d, a, e)) {
                int np_only;
                uint32_t c = content_after(d, e, 0, v, end, 1, 1, &np_only);
                if (c != QNONE && c > e) {
                    qframe_t f;
                    frame_init(&f, s, FH_VERB);
                    f.cue_first = i;
                    f.cue_end = i + len;
                    f.np_first = a;
                    f.np_end = e;
                    f.pos = a;
                    f.c_first = c;
                    f.c_end = content_end(d, c, end, np_only);
                    if (f.c_first < f.c_end) {
                        if (cur >= 0)
                            d->frames[cur].c_end = cut;
                        cur = push(d, &f);
                        if (cur < 0)
                            return GLOSSA_ENOMEM;
                        i = e - 1;
                    }
                }
            }
            continue;
        }
        /* Passives: only "it was stated that ..." reports. */
        if (i > first && be_aux(d, i - 1) && !qd_participle(d, i)) {
            if ((v->frames & QF_PASSIVE) && i >= first + 2 &&
                qd_is(d, i - 2, "it") && qd_is(d, i + len, "that")) {
                qframe_t f;
                frame_init(&f, s, FH_PASSIVE);
                f.cue_first = i;
                f.cue_end = i + len;
                f.np_first = i - 2;
                f.np_end = i + len;
                f.pos = i - 2;
                f.c_first = i + len + 1;
                f.c_end = content_end(d, f.c_first, end, 0);
                if (f.c_first < f.c_end) {
                    if (cur >= 0)
                        d->frames[cur].c_end = cut;
                    cur = push(d, &f);
                    if (cur < 0)
                        return GLOSSA_ENOMEM;
                }
            }
            continue;
        }
        qframe_t f;
        frame_init(&f, s, FH_VERB);
        f.cue_first = i;
        f.cue_end = i + len;
        int participle =
            qd_participle(d, i) && !(i > first && be_aux(d, i - 1));
        f.participle = (uint8_t)participle;
        int have;
        int poss = i > first + 1 && qd_is(d, i - 1, "'s") && !participle;
        uint32_t poss_np = poss ? qs_np_left(d, i - 1, first) : i;
        if (poss && poss_np < i - 1 && qs_np_anchored(d, poss_np, i - 1)) {
            /* "Pashinyan's claim that ...", "rejected X's demand to": a
             * noun of speech speaks for its possessor. */
            f.np_first = poss_np;
            f.np_end = i - 1;
            f.pos = poss_np;
            have = 1;
        } else if (cur >= 0 && same_subject) {
            f.speaker_from = cur;
            f.np_first = d->frames[cur].np_first;
            f.np_end = d->frames[cur].np_end;
            f.pos = d->frames[cur].pos;
            have = 1;
        } else if (participle) {
            have = participle_speaker(d, s, i, &f);
        } else {
            uint32_t ns, ne;
            have = subject_of(d, s, i, &ns, &ne);
            if (have) {
                f.np_first = ns;
                f.np_end = ne;
                f.pos = ns;
            }
        }
        if (!have)
            continue;
        if (f.speaker_from < 0 && !qs_speakerlike(d, f.np_first, f.np_end))
            continue;
        int strong =
            f.speaker_from >= 0 ||
            (f.np_end > f.np_first &&
             (qd_ent_at(d, f.np_end - 1) >= 0 || qd_ph(d, f.np_end - 1)->pron));
        int np_only = 0;
        uint32_t c, quoted_s, quoted_e, quoted_after = QNONE;
        if (v->frames & QF_QAS)
            quoted_after =
                quoted_as_saying(d, i + len, end, &quoted_s, &quoted_e);
        if (quoted_after != QNONE) {
            /* "TASS quoted Lavrov as saying (that) ...": Lavrov speaks. */
            f.speaker_from = -1;
            f.np_first = quoted_s;
            f.np_end = quoted_e;
            f.pos = quoted_s;
            c = skip_adjuncts(d, quoted_after, end, 0);
            c += c < end && (qd_is(d, c, "that") || qd_punct(d, c, ':'));
            if (c >= end)
                continue;
        } else {
            c = content_after(d, i, len, v, end, strong, 0, &np_only);
            if (c == QNONE)
                continue;
        }
        f.c_first = c;
        f.c_end = content_end(d, c, end, np_only);
        if (f.c_end <= f.c_first)
            continue;
        if (f.c_end - f.c_first > (uint32_t)d->set->max_words)
            f.c_end = f.c_first + (uint32_t)d->set->max_words;
        if (cur >= 0)
            d->frames[cur].c_end = cut;
        cur = push(d, &f);
        if (cur < 0)
            return GLOSSA_ENOMEM;
        i += len - 1;
    }
    return 0;
}

/* "Aliyev was blunt: “...”": a quotation after a colon that ends the
 * sentence is its subject's. Returns 1 when it made a frame. */
static int after_colon(qdoc_t *d, size_t r)
{
    qregion_t *g = &d->regions[r];
    uint32_t s = qd_sent(d, g->open);
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    if (g->open <= first + 1 || !qd_punct(d, g->open - 1, ':') ||
        g->close == QNONE)
        return 0;
    uint32_t after = g->close + 1;
    if (after < end && !(qd_punct(d, after, '.') && after + 1 >= end))
        return 0;
    uint32_t words = 0;
    for (uint32_t k = g->first; k <= g->last; k++)
        words += qd_word(d, k);
    uint32_t ns, ne;
    if (words < 3 || !clause_subject(d, s, g->open - 1, &ns, &ne) ||
        !qs_speakerlike(d, ns, ne))
        return 0;
    qframe_t f;
    frame_init(&f, s, FH_COLON);
    f.region = (int32_t)r;
    f.c_first = g->open;
    f.c_end = after;
    f.np_first = ns;
    f.np_end = ne;
    f.pos = ns;
    f.cue_first = g->open - 1;
    f.cue_end = g->open;
    g->used = 1;
    return push(d, &f) < 0 ? GLOSSA_ENOMEM : 1;
}

/* Quotations no report covers, standing as sentences: they go on with the
 * last speaker. */
static int continuations(qdoc_t *d)
{
    for (size_t r = 0; r < d->n_regions; r++) {
        qregion_t *g = &d->regions[r];
        if (g->used)
            continue;
        int rc = after_colon(d, r);
        if (rc < 0)
            return rc;
        if (rc)
            continue;
        uint32_t s = qd_sent(d, g->open);
        uint32_t first = qd_sent_first(d, s);
        if (g->open != first && !qd_line_start(d, g->open))
            continue;
        uint32_t words = 0;
        for (uint32_t k = g->first; k <= g->last; k++)
            words += qd_word(d, k);
        if (words < 4)
            continue;
        /* It must end its sentence: a title in quotes goes on. */
        uint32_t after = g->close != QNONE ? g->close + 1 : g->last + 1;
        if (after < d->nt &&
            qd_sent(d, after) ==
                qd_sent(d, g->close != QNONE ? g->close : g->last) &&
            qd_word(d, after))
            continue;
        qframe_t f;
        frame_init(&f, s, FH_CONTINUE);
        f.region = (int32_t)r;
        f.c_first = g->open;
        f.c_end = after;
        f.pos = g->open;
        g->used = 1;
        if (push(d, &f) < 0)
            return GLOSSA_ENOMEM;
    }
    return 0;
}

/* Lays the quotations on the reports' content: a report whose content is
 * one quotation is direct; quotations inside content belong to it. */
static int attach(qdoc_t *d)
{
    /* The regions in index order, as runs sorted by their opening mark
     * (qm_pair adds double quotations, then single ones, each in text
     * order): run i is [run[i], run[i + 1]). */
    if (!d->n_frames)
        return 0;
    size_t *run = malloc((d->n_regions + 1) * sizeof *run);
    if (!run)
        return GLOSSA_ENOMEM;
    size_t n_runs = 0;
    for (size_t r = 0; r < d->n_regions; r++)
        if (r == 0 || d->regions[r].open < d->regions[r - 1].open)
            run[n_runs++] = r;
    run[n_runs] = d->n_regions;
    for (size_t k = 0; k < d->n_frames; k++) {
        qframe_t *f = &d->frames[k];
        if (f->dropped || f->how == FH_CONTINUE)
            continue;
        uint32_t ce = f->c_end;
        while (ce > f->c_first &&
               (qd_punct(d, ce - 1, ',') || qd_punct(d, ce - 1, '.') ||
                qd_punct(d, ce - 1, ';') || qd_punct(d, ce - 1, ':')))
            ce--;
        int r0 = region_at_open(d, f->c_first);
        if (r0 < 0 && f->c_first < d->nt && qm_region(d, f->c_first) >= 0 &&
            f->inverted) {
            r0 = qm_region(d, f->c_first);
            if (d->regions[r0].first != f->c_first)
                r0 = -1;
        }
        if (r0 >= 0) {
            qregion_t *g = &d->regions[r0];
            uint32_t close = g->close != QNONE ? g->close : g->last;
            if (close + 1 >= ce) {
                f->region = r0;
                g->used = 1;
                if (close + 1 > f->c_end)
                    f->c_end = close + 1;
                continue;
            }
        }
        /* In each run, the regions before c_first are not in the content,
         * and those from c_end on are not either: c_end grows only from a
         * region in the content. */
        for (size_t x = 0; x < n_runs; x++) {
            size_t ra = run[x], rb = run[x + 1];
            size_t lo = ra, hi = rb;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (d->regions[mid].open < f->c_first)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t r = lo; r < rb && d->regions[r].open < f->c_end; r++) {
                qregion_t *g = &d->regions[r];
                g->used = 1;
                uint32_t close = g->close != QNONE ? g->close : g->last;
                if (close + 1 > f->c_end)
                    f->c_end = close + 1;
            }
        }
    }
    free(run);
    return 0;
}

/* A report after its content whose content holds another report's cue
 * is an outer source ("X said, TASS reports"): the inner one stays. */
static int cmp_cue(const void *a, const void *b, void *ctx)
{
    const qdoc_t *d = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t cx = d->frames[x].cue_first, cy = d->frames[y].cue_first;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return x < y ? -1 : (x > y);
}

/* Does frame f's speaker phrase hold a news outlet ("TASS", "the
 * agency")? */
static int outlet_phrase(const qdoc_t *d, const qframe_t *f)
{
    for (uint32_t i = f->np_first; i < f->np_end && i < d->nt; i++) {
        const qx_head_t *h = qd_head(d, i);
        if (h && h->hclass == QH_OUTLET)
            return 1;
    }
    return qf_reports(d, f);
}

/* "..., Lusa reports": an organisation named alone that "reports" is a
 * news outlet, whatever its name. */
int qf_reports(const qdoc_t *d, const qframe_t *f)
{
    if (f->how != FH_VERB || f->cue_end != f->cue_first + 1 ||
        !(qd_is(d, f->cue_first, "reports") ||
          qd_is(d, f->cue_first, "reported")) ||
        f->np_end <= f->np_first || f->np_end > d->nt)
        return 0;
    const qent_t *e = qd_ent(d, f->np_end - 1);
    if (!e || e->label != QE_ORG || qe_refers_to(d, e) ||
        e->tok_last + 1 != f->np_end)
        return 0;
    uint32_t a = f->np_first;
    if (a < e->tok_first && qd_is(d, a, "the"))
        a++;
    if (a != e->tok_first)
        return 0;
    for (uint32_t i = e->tok_first; i <= e->tok_last; i++)
        if (qd_head(d, i))
            return 0;
    return 1;
}

/* The reporting verbs' frames sorted by cue, so that the cues inside a
 * report's content are found by a binary search, not a pass over every
 * frame of the document. A report inside an inverted report's content
 * makes it the outer one, dropped; but an outlet relaying it ("...,
 * TASS reports, the ministry said") is transparent: the named source
 * keeps the content up to the relay, and the relay is dropped. */
static int drop_outer(qdoc_t *d)
{
    size_t n_inverted = 0;
    for (size_t k = 0; k < d->n_frames; k++)
        n_inverted += d->frames[k].inverted && !d->frames[k].dropped;
    if (!n_inverted)
        return 0;
    uint32_t *verbs = malloc((d->n_frames ? d->n_frames : 1) * sizeof *verbs);
    if (!verbs)
        return GLOSSA_ENOMEM;
    size_t nv = 0;
    for (size_t j = 0; j < d->n_frames; j++)
        if (d->frames[j].how == FH_VERB)
            verbs[nv++] = (uint32_t)j;
    qsort_r(verbs, nv, sizeof *verbs, cmp_cue, d);
    for (size_t k = 0; k < d->n_frames; k++) {
        qframe_t *f = &d->frames[k];
        if (!f->inverted || f->dropped)
            continue;
        size_t lo = 0, hi = nv;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (d->frames[verbs[mid]].cue_first < f->c_first)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t v = lo; v < nv && d->frames[verbs[v]].cue_first < f->c_end;
             v++) {
            qframe_t *g = &d->frames[verbs[v]];
            if (verbs[v] != k && !g->dropped) {
                if (g->inverted && g->c_first == f->c_first &&
                    g->c_end > g->c_first && g->c_end <= f->c_end &&
                    outlet_phrase(d, g) && !outlet_phrase(d, f) &&
                    f->np_end > f->np_first) {
                    f->c_end = g->c_end;
                    g->dropped = 1;
                    continue;
                }
                f->dropped = 1;
                break;
            }
        }
    }
    free(verbs);
    return 0;
}

/* The separator of an interview's turn on the line that sentence s
 * opens: a colon or a spaced dash after a short phrase naming a person
 * or a body ("RBC:", "Mirzoyan:", "Prime Minister X -"), with words
 * after it; QNONE when there is none. The document's first line (its
 * title) and a line whose words are one quotation are no turns. */
static uint32_t turn_sep(qdoc_t *d, uint32_t s)
{
    uint32_t first = qd_sent_first(d, s), end = qd_sent_end(d, s);
    if (!first || !qd_line_start(d, first) || qd_line(d, first) == 0)
        return QNONE;
    uint32_t c = first;
    while (c < end && c < first + 6 &&
           !(qd_punct(d, c, ':') ||
             (qd_dash(d, c) && (d->tok[c].flags & GLOSSA_TOKEN_SPACE_BEFORE))))
        c++;
    if (c == first || c >= end || c >= first + 6 || c + 2 >= end ||
        qm_region(d, c) >= 0 || is_open_mark(d, c + 1))
        return QNONE;
    qd_mark_sentence(d, s);
    if (qs_np_right(d, first, c) != c)
        return QNONE;
    int named = names_person_or_body(d, first, c);
    for (uint32_t k = first; k < c && !named; k++)
        named = qd_ph(d, k)->title != 0;
    return named ? c : QNONE;
}

/* Interviews: "RBC: What is the situation?" then "X: I was in ..." over
 * the lines up to the next turn (or a blank line). A document has them
 * when at least three lines open with a turn and some speaker has two.
 * Each turn is a direct quotation of its speaker; the reports inside it
 * are the speaker's words and give no span of their own. */
static int interviews(qdoc_t *d)
{
    uint32_t n = 0, cap = 0, *turn = NULL;
    for (uint32_t s = 0; s < d->ns; s++) {
        uint32_t first = qd_sent_first(d, s);
        if (!qd_line_start(d, first) || qd_sent_end(d, s) <= first)
            continue;
        if (turn_sep(d, s) == QNONE)
            continue;
        if (n == cap) {
            uint32_t *g = realloc(turn, (cap ? cap * 2 : 8) * sizeof *g);
            if (!g) {
                free(turn);
                return GLOSSA_ENOMEM;
            }
            turn = g;
            cap = cap ? cap * 2 : 8;
        }
        turn[n++] = s;
    }
    /* Some speaker has two turns among the next few (questions and
     * answers alternate) */
    int again = 0;
    for (uint32_t a = 0; a < n && !again; a++)
        for (uint32_t b = a + 1; b < n && b <= a + 4 && !again; b++) {
            uint32_t fa = qd_sent_first(d, turn[a]), ca = turn_sep(d, turn[a]);
            uint32_t fb = qd_sent_first(d, turn[b]), cb = turn_sep(d, turn[b]);
            size_t la = d->tok[ca - 1].end - d->tok[fa].start;
            size_t lb = d->tok[cb - 1].end - d->tok[fb].start;
            again = la == lb && !memcmp(d->text + d->tok[fa].start,
                                        d->text + d->tok[fb].start, la);
        }
    /* or one question and its answer on the next line */
    if (n == 2) {
        uint32_t f1 = qd_sent_first(d, turn[1]);
        again = qd_line(d, f1) == qd_line(d, qd_sent_first(d, turn[0])) + 1 &&
                qd_punct(d, f1 - 1, '?');
    }
    int rc = 0;
    for (uint32_t t = 0; n >= 2 && again && t < n && !rc; t++) {
        uint32_t s = turn[t], first = qd_sent_first(d, s);
        uint32_t c = turn_sep(d, s);
        uint32_t stop =
            t + 1 < n ? qd_sent_first(d, turn[t + 1]) : (uint32_t)d->nt;
        uint32_t e = c + 1;
        while (e < stop && !(e > c + 1 &&
                             (d->tok[e].flags & GLOSSA_TOKEN_PARAGRAPH_BEFORE)))
            e++;
        size_t before = d->n_frames;
        for (size_t k = 0; k < before; k++) {
            qframe_t *g = &d->frames[k];
            if (g->cue_first >= first && g->cue_first < e)
                g->dropped = 1;
        }
        qframe_t f;
        frame_init(&f, s, FH_TURN);
        f.cue_first = c;
        f.cue_end = c + 1;
        f.cue_text = qd_punct(d, c, ':') ? ":" : "-";
        f.np_first = first;
        f.np_end = c;
        f.pos = first;
        f.c_first = c + 1;
        f.c_end = e;
        if (push(d, &f) < 0)
            rc = GLOSSA_ENOMEM;
    }
    free(turn);
    return rc;
}

int qf_find(qdoc_t *d)
{
    for (uint32_t s = 0; s < d->ns; s++) {
        if (!d->cand[s])
            continue;
        int rc = find_in_sentence(d, s);
        if (rc < 0)
            return rc;
    }
    int rc = interviews(d);
    if (rc < 0)
        return rc;
    rc = drop_outer(d);
    if (rc < 0)
        return rc;
    rc = attach(d);
    if (rc < 0)
        return rc;
    return continuations(d);
}
