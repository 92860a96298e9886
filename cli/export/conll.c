/* CoNLL-2003 style IOB for one layer (entities): a line "TOKEN TAG" per
 * token, a blank line after each sentence, and "-DOCSTART- -X- O O" and a
 * blank line before each document (the separator spaCy's converter looks
 * for). Two columns, not four: readers take the first column as the token
 * and the last as the tag, and spaCy reads a third as part-of-speech tags,
 * which Glossa does not have.
 *
 * Tokens and sentences are the core's (glossa_segment_text()), the ones
 * the plugins saw. Tags are IOB2: B- on the first token of every entity.
 * Labels map to CoNLL-2003's PER, ORG, LOC, MISC (PERSON -> PER, ORG ->
 * ORG, GPE and LOC -> LOC, NORP and any other -> MISC), or stay Glossa's
 * with --labels glossa. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char WHO[] = "glossa export";

static const struct {
    const char *glossa, *conll;
} LABELS[] = {{"PERSON", "PER"},
              {"ORG", "ORG"},
              {"GPE", "LOC"},
              {"LOC", "LOC"},
              {"NORP", "MISC"}};

/* A token's tag while it is being worked out. */
typedef struct tag {
    const char *type; /* NULL: O */
    int begin;        /* B- rather than I- */
} tag_t;

static const char *conll_type(const export_opts_t *o, const char *layer,
                              const export_span_t *s)
{
    const char *tag = glossa_export__tag(o, layer, s);
    if (o->glossa_labels)
        return tag;
    for (size_t i = 0; i < sizeof(LABELS) / sizeof(LABELS[0]); i++)
        if (strcmp(tag, LABELS[i].glossa) == 0)
            return LABELS[i].conll;
    return "MISC";
}

static void warn(const export_doc_t *doc, const char *layer,
                 const export_span_t *s, const char *what)
{
    glossa_export__say(WHO, doc->origin,
                       "record \"%s\": warning: annotations.%s[%zu] [%zu, "
                       "%zu) %s",
                       doc->id, layer, s->index, s->start, s->end, what);
}

/* Tags the tokens one span covers: every token it overlaps. A span that
 * covers no token, or a token already tagged, is left out. *from is the
 * first token that can still overlap (spans come sorted by start). */
static void tag_span(const export_doc_t *doc, const export_opts_t *o,
                     const char *layer, const export_span_t *s,
                     const glossa_segments_t *seg, tag_t *tags, size_t *from)
{
    const glossa_token_t *t = seg->tokens;
    while (*from < seg->n_tokens && t[*from].cp_end <= s->start)
        (*from)++;
    size_t first = *from, last = first;
    while (last < seg->n_tokens && t[last].cp_start < s->end)
        last++;
    if (s->start == s->end || first == last) {
        warn(doc, layer, s, "covers no token: left out");
        return;
    }
    for (size_t i = first; i < last; i++) {
        if (tags[i].type) {
            warn(doc, layer, s, "overlaps an earlier span: left out");
            return;
        }
    }
    if (t[first].cp_start != s->start || t[last - 1].cp_end != s->end)
        warn(doc, layer, s,
             "does not begin and end at token boundaries: the tokens it "
             "touches are tagged");
    const char *type = conll_type(o, layer, s);
    for (size_t i = first; i < last; i++) {
        tags[i].type = type;
        tags[i].begin = i == first;
    }
}

/* "TYPE" with any whitespace as '_', which would split the column. */
static void write_type(FILE *f, const char *type)
{
    for (const char *p = type; *p; p++)
        fputc(strchr(" \t\r\n\v\f", *p) ? '_' : *p, f);
}

static void write_sentence(FILE *f, const export_doc_t *doc,
                           const glossa_segments_t *seg,
                           const glossa_sentence_t *sent, const tag_t *tags)
{
    for (uint32_t k = 0; k < sent->token_count; k++) {
        size_t i = sent->token_first + k;
        const glossa_token_t *t = &seg->tokens[i];
        fwrite(doc->text + t->start, 1, t->end - t->start, f);
        if (!tags[i].type) {
            fputs(" O\n", f);
            continue;
        }
        /* An entity split by a sentence boundary starts again. */
        fputs(tags[i].begin || k == 0 ? " B-" : " I-", f);
        write_type(f, tags[i].type);
        fputc('\n', f);
    }
    fputc('\n', f);
}

static int conll_doc(export_out_t *out, const export_doc_t *doc)
{
    glossa_segments_t seg;
    int rc = glossa_segments_make(doc->text, doc->len, &seg);
    if (rc != 0) {
        if (rc == GLOSSA_ENOMEM)
            return glossa_export__nomem(WHO);
        glossa_export__say(WHO, doc->origin,
                           "record \"%s\": its text cannot be segmented: %s",
                           doc->id, glossa_strerror(rc));
        return EXPORT_SKIP;
    }
    tag_t *tags = calloc(seg.n_tokens + 1, sizeof(*tags));
    if (!tags) {
        glossa_segments_free(&seg);
        return glossa_export__nomem(WHO);
    }
    for (size_t l = 0; l < doc->n_layers; l++) {
        const export_layer_t *L = &doc->layers[l];
        size_t from = 0;
        for (size_t i = 0; i < L->n; i++)
            tag_span(doc, out->opts, L->name, &L->spans[i], &seg, tags, &from);
    }
    fputs("-DOCSTART- -X- O O\n\n", out->f);
    for (size_t s = 0; s < seg.n_sentences; s++)
        write_sentence(out->f, doc, &seg, &seg.sentences[s], tags);
    free(tags);
    glossa_segments_free(&seg);
    return 0;
}

static int conll_nothing(export_out_t *out)
{
    (void)out;
    return 0;
}

const export_format_t glossa_export__conll = {
    .name = "conll",
    .flags = EXPORT_NEEDS_TEXT,
    .begin = conll_nothing,
    .doc = conll_doc,
    .end = conll_nothing,
    .release = NULL,
};
