/* The analysis of one document: the tagger's CoNLL spans become mentions
 * with the guidelines' labels, then canonical names and refers_to.
 *
 * Order of the steps (each relies on the previous ones):
 *   1. tag every sentence (PER/ORG/LOC/MISC in BIO);
 *   2. turn chunks into mentions: titles and possessives out, hyphenated
 *      tokens split into their named parts ("Russian-brokered"), labels
 *      mapped with the gazetteers (LOC -> GPE or LOC, MISC -> NORP or
 *      nothing, a country the tagger took for a team -> GPE);
 *   3. add the names the document already used and strong gazetteer
 *      names where the tagger found nothing; relabel as people the
 *      surnames of people named in full; drop lone capitalized common
 *      words opening a sentence;
 *   4. canonical names: gazetteer names and aliases, NORP -> country,
 *      people by their longest name in the document (or a known full
 *      name), organisations by their shortest form;
 *   5. refers_to: capitals acting as their state, the Kremlin;
 *   6. the configured labels, sorted, nested mentions resolved to the
 *      longest. */
#include <stdlib.h>
#include <string.h>

#include "ent_doc.h"

/* ---- Step 1: tagging --------------------------------------------------- */

/* Headlines in title case ("Putin Receives Armenian And Azeri Leaders For
 * Talks") look nothing like the training data: there the tagger's guesses
 * are dropped and only known names count. A sentence is in title case when
 * a function word inside it is capitalized and at least four in five of
 * its words of five letters or more after its last colon ("Related
 * article: ...") are capitalized. Name-heavy prose ("Armenian Prime
 * Minister Nikol Pashinyan and ...") keeps its function words lower. */
const char *const ent_words_FUNCTION_WORDS[] = {
    "and",   "for",     "with", "to",   "in",   "on",    "at",
    "from",  "of",      "by",   "as",   "into", "over",  "is",
    "are",   "was",     "has",  "have", "its",  "after", "amid",
    "about", "against", "but",  "or",   "not",  "will",  NULL};

static int title_case(const ent_work_t *w, size_t first, size_t n)
{
    size_t from = first;
    for (size_t i = first; i < first + n; i++)
        if (ent_tok(w, i).len == 1 && ent_tok(w, i).s[0] == ':')
            from = i + 1;
    /* Most sentences have no capitalized function word: the words are
     * counted only for those that have one. */
    int function_word = 0;
    for (size_t i = from + 1; i < first + n && !function_word; i++)
        if (ent_tok_cap(w, i) && ent_tok(w, i).len <= 7)
            function_word = ent_tok_in(w, i, ENT_FUNCTION_WORDS);
    if (!function_word)
        return 0;
    size_t long_words = 0, capitalized = 0, upper = 0;
    for (size_t i = from; i < first + n; i++) {
        const entities_token_t tok = ent_tok(w, i), *t = &tok;
        int cap = ent_tok_cap(w, i);
        /* Counted up to 5; a letter takes at least a byte. */
        size_t letters = 0;
        for (size_t o = 0; t->len >= 5 && o < t->len && letters < 5;) {
            unsigned char c = (unsigned char)t->s[o];
            if (c < 0x80) {
                letters += (unsigned)((c | 32u) - 'a') < 26u;
                o++;
                continue;
            }
            uint32_t cp;
            o += entities_utf8_next(t->s + o, t->len - o, &cp);
            letters += entities_is_lowercase(cp);
        }
        if (letters >= 5) {
            long_words++;
            capitalized += (size_t)cap;
            upper += (size_t)(cap && t->len > 1 &&
                              (unsigned)((unsigned char)t->s[1] - 'A') < 26u);
        }
    }
    /* Headlines in capitals are in the training data: the tagger reads
     * them. */
    return long_words >= 3 && capitalized * 5 >= long_words * 4 &&
           upper * 2 < long_words;
}

/* ---- Output ------------------------------------------------------------ */

static int cmp_mention(const void *x, const void *y)
{
    const ent_mention_t *a = x, *b = y;
    if (a->cs != b->cs)
        return a->cs < b->cs ? -1 : 1;
    if (a->ce != b->ce)
        return a->ce > b->ce ? -1 : 1; /* longest first */
    return 0;
}

static int emit(ent_work_t *w, const entities_config_t *cfg)
{
    entities_result_t *r = w->r;
    size_t count = 0;
    for (size_t i = 0; i < w->n; i++)
        count += w->m[i].label != ENTITIES_NO_LABEL;
    r->spans = calloc(count ? count : 1, sizeof(entities_span_t));
    if (!r->spans)
        return -1;
    r->cap = count;
    uint32_t reach = 0; /* end of the last span kept */
    int any = 0;
    for (size_t i = 0; i < w->n; i++) {
        const ent_mention_t *m = &w->m[i];
        if (m->label == ENTITIES_NO_LABEL || m->cs >= m->ce)
            continue;
        /* Nested or overlapping: the longest (first, by the sort) wins. */
        if (any && m->cs < reach)
            continue;
        any = 1;
        reach = m->ce;
        if (!cfg->emit[m->label])
            continue;
        entities_span_t *s = &r->spans[r->n++];
        s->start = m->cs;
        s->end = m->ce;
        s->label = m->label;
        /* ent_canonicalize() has filled the pool: pointers into it hold. */
        s->canonical = m->canon ? m->canon : r->pool + m->canon_off;
        s->canonical_len = m->canon_len;
        s->refers_to = m->refers;
        s->refers_to_len = m->refers_len;
    }
    return 0;
}

void entities_result_free(entities_result_t *r)
{
    if (!r)
        return;
    free(r->spans);
    free(r->pool);
    memset(r, 0, sizeof(*r));
}

/* ---- The steps in order ------------------------------------------------ */

/* Allocates the per-document arrays of w (zeroed first) and points its
 * tokens into the text. Returns 0 or -1 when out of memory; work_free()
 * releases what was allocated either way. */
static int work_init(ent_work_t *w, const entities_gaz_t *g,
                     const entities_doc_t *doc, entities_result_t *r)
{
    memset(w, 0, sizeof(*w));
    w->g = g;
    w->doc = doc;
    w->r = r;
    size_t n = doc->n_tokens, n1 = n ? n : 1;
    w->tags = calloc(n1, 1);
    w->covered = calloc(n1, 1);
    w->ft = malloc(n1 * sizeof(*w->ft));
    w->gaz = calloc(n1, sizeof(uint32_t));
    if (!w->tags || !w->covered || !w->ft || !w->gaz)
        return -1;
    ent_words_init();
    /* The fold buffer grows as the distinct folded forms come (each kept
     * once, after its key: see entities_fold_text_tokens). */
    return entities_fold_text_tokens(doc->text, doc->tokens, n, w->ft, &w->fb);
}

/* Frees the per-token arrays of w (each once its last step is over:
 * see entities_analyze); the mentions and names stay. */
static void work_free_tokens(ent_work_t *w)
{
    free(w->tags);
    free(w->covered);
    free(w->ft);
    free(w->fb.buf);
    free(w->gaz);
    w->tags = w->covered = NULL;
    w->ft = NULL;
    w->fb.buf = NULL;
    w->gaz = NULL;
}

static void work_free(ent_work_t *w)
{
    work_free_tokens(w);
    free(w->m);
    free(w->names);
}

/* Step 1: notes each token's gazetteer membership, and tags every sentence that
 * is not in title case (titled[s] says which are), in order, each with how the
 * sentences before tagged its words. 0 or -1 (memory). */
static int tag_sentences(ent_work_t *w, entities_tagger_t *tagger,
                         uint8_t *titled)
{
    const entities_doc_t *doc = w->doc;
    /* The history's slots and values of one sentence at a time: a
     * sentence's slots are given in token order, as for the whole
     * document at once. */
    size_t longest = 1;
    for (size_t s = 0; s < doc->n_sentences; s++)
        if (doc->sentences[s].token_count > longest)
            longest = doc->sentences[s].token_count;
    entities_history_t *h = entities_history_new();
    uint32_t *hist = malloc(longest * sizeof(uint32_t));
    uint32_t *slot = malloc(longest * sizeof(uint32_t));
    entities_token_t *toks = malloc(longest * sizeof(*toks));
    int rc = -1;
    if (!h || !hist || !slot || !toks)
        goto out;
    for (size_t s = 0; s < doc->n_sentences; s++) {
        const glossa_sentence_t *sen = &doc->sentences[s];
        size_t first = sen->token_first, cnt = sen->token_count;
        if (entities_history_slots(h, w->ft + first, w->fb.buf, cnt, slot))
            goto out;
        entities_gaz_membership(w->g, w->ft + first, w->fb.buf, cnt,
                                w->gaz + first);
        titled[s] = (uint8_t)title_case(w, first, cnt);
        if (titled[s])
            continue;
        entities_history_get(h, slot, cnt, hist);
        for (size_t i = 0; i < cnt; i++)
            toks[i] = ent_tok(w, first + i);
        if (entities_tagger_tag_doc(tagger, toks, w->gaz + first, hist, cnt,
                                    w->tags + first))
            goto out;
        entities_history_add(h, slot, w->tags + first, cnt);
    }
    rc = 0;
out:
    entities_history_free(h);
    free(hist);
    free(slot);
    free(toks);
    return rc;
}

/* Step 2: every B-X I-X... chunk of the tags, within a sentence, becomes
 * mentions. 0 or -1 (memory). */
static int chunks_to_mentions(ent_work_t *w)
{
    const entities_doc_t *doc = w->doc;
    size_t n = doc->n_tokens;
    /* The mentions, reserved for the chunks and a few more (the names
     * step 3 adds), where doubling would move a large document's
     * mentions several times, two arrays alive at each move. */
    size_t chunks = 0;
    for (size_t i = 0; i < n; i++)
        chunks += w->tags[i] & 1u; /* B tags are odd */
    if (ent_mentions_reserve(w, chunks + chunks / 8))
        return -1;
    size_t s = 0, send = 0; /* token i's sentence and its end */
    for (size_t i = 0; i < n;) {
        uint8_t t = w->tags[i];
        if (!ENTITIES_TAG_IS_B(t)) {
            i++;
            continue;
        }
        if (i >= send) { /* tags are only in sentences */
            s = ent_sent_of(w, i);
            send = (size_t)doc->sentences[s].token_first +
                   doc->sentences[s].token_count;
        }
        size_t j = i + 1;
        while (j < n && j < send &&
               w->tags[j] == ENTITIES_TAG_I(ENTITIES_TAG_TYPE(t)))
            j++;
        size_t end = ent_chunk_to_mention(w, i, j, ENTITIES_TAG_TYPE(t));
        if (!end)
            return -1;
        i = end;
    }
    return 0;
}

int entities_analyze(const entities_model_t *model, const entities_gaz_t *g,
                     entities_tagger_t *tagger, const entities_config_t *cfg,
                     const entities_doc_t *doc, entities_result_t *r)
{
    memset(r, 0, sizeof(*r));
    ent_work_t w;
    int init = work_init(&w, g, doc, r);
    entities_tagger_t *own = tagger ? NULL : entities_tagger_new(model, g);
    if (!tagger)
        tagger = own;
    uint8_t *titled = calloc(doc->n_sentences + 1, 1);
    int rc = -1;
    if (init || !tagger || !titled)
        goto out;
    /* Each per-token array is freed once the last step that reads it is
     * over, so that the next steps' memory (the mentions grow, the
     * result's spans) takes its place rather than adding to it. */
    if (tag_sentences(&w, tagger, titled) || chunks_to_mentions(&w))
        goto out;
    free(w.tags);
    w.tags = NULL;
    if (ent_collect_names(&w))
        goto out;
    ent_relabel_people(&w);
    /* Step 3. */
    for (size_t s = 0; s < doc->n_sentences; s++)
        if (ent_recover(&w, doc->sentences[s].token_first,
                        doc->sentences[s].token_count))
            goto out;
    free(w.covered);
    w.covered = NULL;
    ent_drop_stray_words(&w);
    free(w.names);
    w.names = NULL;
    w.n_names = 0;
    if (ent_vote_labels(&w) || ent_merge_institutions(&w) ||
        ent_block_non_names(&w))
        goto out;
    free(w.gaz);
    w.gaz = NULL;
    /* Document order from here on (acts_as_state and the output need
     * it). */
    if (w.n)
        qsort(w.m, w.n, sizeof(ent_mention_t), cmp_mention);
    if (ent_canonicalize(&w))
        goto out;
    work_free_tokens(&w);
    if (emit(&w, cfg))
        goto out;
    rc = 0;
out:
    if (rc)
        entities_result_free(r);
    work_free(&w);
    entities_tagger_free(own);
    free(titled);
    return rc;
}
