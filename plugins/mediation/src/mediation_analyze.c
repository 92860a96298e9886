/* The analysis of one document.
 *
 * Sentences are read in order. For each one:
 *   1. words: every token lowercased and looked up once in the model's
 *      word table; entity spans mapped onto tokens; quotes, clauses and
 *      punctuation classified;
 *   2. cues: the profile's patterns matched (target stand-ins, role and
 *      context cues, anaphors, weighted polarity cues, fixed expressions);
 *   3. relevance: a target mention (an entity whose canonical name or
 *      refers_to is the target's, a stand-in, a pronoun resolved to a
 *      target person, "we" in a target's quote) with a role cue, or with a
 *      context cue near a mention of the conflict's parties; or a role
 *      anaphor ("the peacekeepers") right after a relevant sentence;
 *   4. frames: reporting and stance verbs with their speaker (the subject,
 *      found by skipping auxiliaries, adverbs, titles and head nouns; or a
 *      resolved pronoun; or "the Russian president" through the titles the
 *      document introduced) and their scope (the content before ", X
 *      said", or after "X said");
 *   5. polarity: each cue and each general-lexicon word contributes a
 *      value, changed by intensifiers, shifters, negation, modality,
 *      hedges, contrast, scare quotes and distance from the target; the
 *      sentence's polarity follows the net value; its holder is the
 *      speaker whose frames hold most of the winning side's weight, else
 *      the speaker of a quote the sentence continues, else the author.
 * A small history of earlier sentences serves pronouns, quotes that run
 * over several sentences, and anaphors. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediation_analyze.h"

const char med_author[] = "author";

void med_tracef(med_ws_t *ws, const char *fmt, ...)
{
    if (!ws->trace)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ws->trace(ws->trace_ud, line);
}

static int span_push(med_ws_t *ws, const mediation_span_t *sp)
{
    if (ws->n_spans == ws->cap_spans) {
        size_t cap = ws->cap_spans ? ws->cap_spans * 2 : 16;
        mediation_span_t *p = realloc(ws->spans, cap * sizeof(*p));
        if (!p)
            return GLOSSA_ENOMEM;
        ws->spans = p;
        ws->cap_spans = cap;
    }
    ws->spans[ws->n_spans++] = *sp;
    return 0;
}

/* The history slot of sentence s, cleared, and the previous sentence's
 * (NULL for the first). */
static med_hist_t *history(med_ws_t *ws, size_t s, const med_hist_t **prev)
{
    med_hist_t *h = &ws->hist[s % MED_HIST];
    *prev = s > 0 ? &ws->hist[(s - 1) % MED_HIST] : NULL;
    if (*prev && !(*prev)->valid)
        *prev = NULL;
    memset(h, 0, sizeof(*h));
    h->valid = 1;
    return h;
}

/* A sentence that opens with a quotation, or continues one, without a
 * speaker of its own may carry the previous sentence's speaker: that
 * speaker, with sc->quoted_speaker set, or nobody. A quotation that opens
 * a paragraph after a sentence that reported someone ("..., Lavrov
 * said.") is most often that speaker's too. */
static med_speaker_t quoted_speaker(const med_ws_t *ws, size_t s,
                                    int continues_quote, const med_hist_t *prev,
                                    med_sent_ctx_t *sc)
{
    const mediation_doc_t *d = ws->doc;
    uint32_t tf = d->tokens[d->sentences[s].token_first].flags;
    int paragraph = (tf & GLOSSA_TOKEN_PARAGRAPH_BEFORE) != 0;
    int line = (tf & GLOSSA_TOKEN_NEWLINE_BEFORE) != 0;
    med_speaker_t qs = {NULL, 0, 0, 0};
    sc->quoted_speaker = 0;
    sc->statement = 0;
    /* A document that is one statement: all of it is its speaker's. */
    if (s > 0 && ws->doc_speaker.name) {
        sc->quoted_speaker = sc->statement = 1;
        return ws->doc_speaker;
    }
    /* With a quotes layer, its spans say whose quotation runs on. */
    if (d->has_quotes || !prev ||
        !(continues_quote || ws->w[0].punct == P_OPENQ))
        return qs;
    if (prev->quote_speaker.name && (!paragraph || continues_quote))
        qs = prev->quote_speaker;
    else if ((paragraph || line) && ws->w[0].punct == P_OPENQ)
        qs = prev->quote_speaker.name ? prev->quote_speaker : prev->reporter;
    sc->quoted_speaker = qs.name != NULL;
    return qs;
}

/* What the next sentences need of this one: who "he" is (the first
 * speaker who is a person, else the first person named) and whose
 * quotation may run on. */
static void remember(med_ws_t *ws, med_hist_t *h, const med_sent_ctx_t *sc,
                     med_speaker_t qs, int had_target)
{
    for (size_t i = 0; i < ws->n_frames && !h->subject.name; i++)
        if (ws->frames[i].who.person)
            h->subject = ws->frames[i].who;
    if (!h->subject.name)
        med_first_person(ws, ws->n, &h->subject);
    for (size_t i = 0; i < ws->n_frames && !h->quote_speaker.name; i++) {
        const med_frame_t *f = &ws->frames[i];
        for (size_t j = f->a; j < f->b; j++)
            if (ws->w[j].mark & M_QUOTE) {
                h->quote_speaker = f->who;
                break;
            }
    }
    if (!h->quote_speaker.name && sc->quoted_speaker)
        h->quote_speaker = qs;
    for (size_t i = 0; i < ws->n_frames && !h->reporter.name; i++)
        if (ws->frames[i].who.name != med_author &&
            (ws->frames[i].quote || (ws->w[ws->frames[i].verb].flags & W_SAY)))
            h->reporter = ws->frames[i].who;
    h->had_target = (uint8_t)had_target;
}

static void trace_sentence(med_ws_t *ws, size_t s, const med_cues_t *cues,
                           const med_relevance_t *rel)
{
    const glossa_sentence_t *sent = &ws->doc->sentences[s];
    med_tracef(ws,
               "S%zu [%u,%u) target=%d role=%d context=%d/%d anaphor=%d%s "
               "force=%d/%d/%d why=%02x frames=%zu%s",
               s, sent->cp_start, sent->cp_end, cues->target, cues->role,
               cues->context, rel->context_ok, cues->anaphor,
               cues->force_anaphor ? "(force)" : "", cues->force,
               cues->other_force, cues->bare_force, rel->why, ws->n_frames,
               rel->relevant
                   ? (rel->by_anaphor ? " RELEVANT(anaphor)" : " RELEVANT")
                   : "");
    for (size_t i = 0; i < ws->n_frames; i++) {
        const med_frame_t *f = &ws->frames[i];
        med_tracef(ws, "  frame \"%.*s\" speaker=%s scope=[%u,%u)",
                   (int)ws->w[f->verb].len, med_wtext(ws, &ws->w[f->verb]),
                   f->who.name, f->a, f->b);
    }
}

/* Does the target speak in the sentence in the first person plural
 * ("we", "our", "us": the rules' pronouns_we, marked as the target: the
 * speaker of its quotation is the target)? A name is no pronoun ("the
 * US"). */
static int target_speaks(const med_ws_t *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        if ((ws->w[i].flags & W_PRON_WE) && ws->w[i].ent < 0 &&
            (ws->w[i].mark & M_TARGET))
            return 1;
    return 0;
}

/* Steps 1 and 2 for sentence s, once it may be relevant: the words
 * looked up, clauses, titles, the profile's patterns. */
static med_cues_t read_cues(med_ws_t *ws)
{
    med_look_up(ws, 0, ws->n);
    med_number_clauses(ws);
    med_learn_titles(ws);
    med_match_patterns(ws);
    return med_apply_hits(ws);
}

/* Step 4: the frames of verbs, of sources without a verb and of the
 * quotes layer; then the pronouns that name the target. */
static void find_frames(med_ws_t *ws, size_t s, med_cues_t *cues,
                        const med_sent_ctx_t *sc, med_speaker_t qs)
{
    if (med_they_is_force(ws, s))
        cues->target = cues->force = 1;
    med_find_frames(ws, s);
    med_headline_frame(ws, s);
    med_source_frames(ws, s);
    med_quote_frames(ws, s);
    cues->target |= med_pronouns_name_target(ws, s, sc, qs);
}

/* Records what later sentences read of this one: forces named, the last
 * owner of a force. */
static void remember_forces(med_ws_t *ws, size_t s, med_hist_t *h,
                            const med_cues_t *cues, const med_relevance_t *rel)
{
    h->forces =
        (uint8_t)(cues->force || (rel->by_anaphor &&
                                  (cues->force_anaphor || cues->bare_force)));
    if (cues->force || cues->other_force) {
        ws->last_force_sentence = (long)s;
        ws->last_force_target = cues->force && !cues->other_force;
    }
}

/* The steps for sentence s: a span in ws->spans when it is relevant.
 * Returns 0, GLOSSA_EINVAL or GLOSSA_ENOMEM. */
static int analyze_sentence(med_ws_t *ws, size_t s, size_t *ent_cursor)
{
    int continues_quote = ws->quote_open;
    int has_party = 0;
    int rc = med_build_words(ws, s, ent_cursor, &has_party);
    if (rc || ws->n == 0)
        return rc;
    ws->sentence = s;
    if (has_party)
        ws->last_party_sentence = (long)s;
    if ((ws->sides & 4) || (ws->sides & 3) == 3)
        ws->last_conflict_sentence = (long)s;
    const med_hist_t *prev;
    med_hist_t *h = history(ws, s, &prev);
    if (s == 0) {
        med_look_up(ws, 0, 16);
        med_find_statement(ws);
    }
    int forced = ws->probe && ws->probe->force && ws->probe->force[s];
    if (!forced && !med_may_be_relevant(ws, s)) {
        med_look_up_after_names(ws);
        med_learn_titles(ws);
        med_first_person(ws, ws->n, &h->subject);
        return 0;
    }
    med_cues_t cues = read_cues(ws);
    if (cues.conflict)
        ws->last_conflict_sentence = (long)s;
    med_sent_ctx_t sc;
    med_speaker_t qs = quoted_speaker(ws, s, continues_quote, prev, &sc);
    ws->n_frames = 0;
    if (cues.target || med_has_pronoun(ws) || cues.anaphor || forced)
        find_frames(ws, s, &cues, &sc, qs);
    /* A statement of the target that runs on from a relevant sentence
     * ("We are ready..." after "“Russia will keep mediating,” Lavrov
     * said") is relevant where the target speaks in it as "we". */
    int statement = prev && prev->relevant && target_speaks(ws);
    med_relevance_t rel =
        med_decide_relevance(ws, s, &cues, has_party, statement);
    remember(ws, h, &sc, qs, cues.target);
    remember_forces(ws, s, h, &cues, &rel);
    if (cues.others)
        ws->last_others_sentence = (long)s;
    if (ws->trace)
        trace_sentence(ws, s, &cues, &rel);
    if (!rel.relevant) {
        /* A forced sentence is judged for its features only. */
        if (forced) {
            med_sentence_context(ws, &sc);
            med_judge(ws, &sc, qs);
        }
        return 0;
    }
    h->relevant = 1;
    /* An anaphor names the target too, so the next one may chain on. */
    h->had_target = 1;

    const glossa_sentence_t *sent = &ws->doc->sentences[s];
    med_sentence_context(ws, &sc);
    med_verdict_t v = med_judge(ws, &sc, qs);
    /* In a document that is one statement its speaker is the author:
     * what nobody named in it holds is the speaker's. */
    if (sc.statement && v.holder.name == med_author)
        v.holder = qs;
    mediation_span_t sp = {(uint32_t)s, sent->cp_start, sent->cp_end,
                           v.polarity,  v.score,        v.holder.name};
    med_tracef(ws, "  => %s %+.3f holder=%s",
               mediation_polarity_name(v.polarity), v.score, v.holder.name);
    return span_push(ws, &sp);
}

static int check_doc(const mediation_doc_t *d, size_t *max_tokens,
                     size_t *max_bytes)
{
    *max_tokens = 0;
    *max_bytes = 0;
    for (size_t s = 0; s < d->n_sentences; s++) {
        const glossa_sentence_t *st = &d->sentences[s];
        if ((size_t)st->token_first + st->token_count > d->n_tokens ||
            st->token_count > UINT16_MAX - 2)
            return GLOSSA_EINVAL;
        if (st->token_count > *max_tokens)
            *max_tokens = st->token_count;
        size_t bytes = 0;
        if (st->token_count) {
            const glossa_token_t *a = &d->tokens[st->token_first];
            const glossa_token_t *z = a + st->token_count - 1;
            if (z->end < a->start || z->end > d->text_len)
                return GLOSSA_EINVAL;
            bytes = z->end - a->start;
        }
        if (bytes > *max_bytes)
            *max_bytes = bytes;
    }
    /* Tokens are checked where they are read (build_words), to spare a
     * pass over the whole array. */
    return 0;
}

int mediation_analyze(const mediation_model_t *model,
                      const mediation_doc_t *doc, mediation_result_t *res,
                      mediation_trace_cb trace, void *trace_ud)
{
    return mediation_analyze_probe(model, doc, res, trace, trace_ud, NULL);
}

int mediation_analyze_probe(const mediation_model_t *model,
                            const mediation_doc_t *doc, mediation_result_t *res,
                            mediation_trace_cb trace, void *trace_ud,
                            const mediation_probe_t *probe)
{
    memset(res, 0, sizeof(*res));
    size_t max_tokens, max_bytes;
    int rc = check_doc(doc, &max_tokens, &max_bytes);
    if (rc)
        return rc;
    med_ws_t ws;
    memset(&ws, 0, sizeof ws);
    ws.m = model;
    ws.doc = doc;
    ws.trace = trace;
    ws.trace_ud = trace_ud;
    ws.probe = probe;
    ws.last_party_sentence = -1;
    ws.last_conflict_sentence = -1;
    ws.last_others_sentence = -1;
    ws.last_force_sentence = -1;
    /* Working memory for the longest sentence, allocated once per
     * document. A sentence yields at most a few pattern hits per word. */
    size_t n = max_tokens + 2;
    ws.cap_hits = 4 * n;
    ws.cap_frames = n;
    ws.einfo = malloc((doc->n_entities + 1) * sizeof(*ws.einfo));
    ws.qinfo = malloc((doc->n_quotes + 1) * sizeof(*ws.qinfo));
    ws.w = malloc(n * sizeof(*ws.w));
    ws.lbuf_cap = max_bytes + 1;
    /* 8 bytes more: build_words stores a word's bytes 8 at a time. */
    ws.lbuf = malloc(ws.lbuf_cap + 8);
    ws.hits = malloc(ws.cap_hits * sizeof(*ws.hits));
    ws.frames = malloc(ws.cap_frames * sizeof(*ws.frames));
    ws.contribs = malloc(n * sizeof(*ws.contribs));
    ws.clause_on_target = malloc(n + 2);
    rc = GLOSSA_ENOMEM;
    if (ws.einfo && ws.qinfo && ws.w && ws.lbuf && ws.hits && ws.frames &&
        ws.contribs && ws.clause_on_target) {
        rc = 0;
        med_classify_entities(&ws);
        med_classify_quotes(&ws);
        size_t ent_cursor = 0;
        for (size_t s = 0; !rc && s < doc->n_sentences; s++)
            rc = analyze_sentence(&ws, s, &ent_cursor);
    }
    free(ws.einfo);
    free(ws.qinfo);
    free(ws.w);
    free(ws.lbuf);
    free(ws.hits);
    free(ws.frames);
    free(ws.contribs);
    free(ws.clause_on_target);
    if (rc) {
        free(ws.spans);
        return rc;
    }

    res->spans = ws.spans;
    res->n_spans = ws.n_spans;
    double sum = 0;
    for (size_t i = 0; i < ws.n_spans; i++) {
        sum += ws.spans[i].score;
        res->counts[ws.spans[i].polarity + 1]++;
    }
    res->mean_score = ws.n_spans ? sum / (double)ws.n_spans : 0.0;
    double band = model->settings.document_band;
    /* Compared at four decimals, as the gold's resolver does, so that a
     * mean of exactly the band (0.05 summed in binary floating point, a
     * hair under it) takes the sign. */
    double mean = round(res->mean_score * 1e4) / 1e4;
    res->label = mean >= band    ? MEDIATION_POSITIVE
                 : mean <= -band ? MEDIATION_NEGATIVE
                                 : MEDIATION_NEUTRAL;
    return 0;
}

void mediation_result_free(mediation_result_t *res)
{
    if (!res)
        return;
    free(res->spans);
    memset(res, 0, sizeof(*res));
}
