/* Shared by the fuzz targets: a runtime made once per process, and
 * helpers to turn the fuzz input into a document and check invariants.
 * A violated invariant aborts, which libFuzzer (and the replay driver)
 * report as a crash. */
#ifndef GLOSSA_FUZZ_COMMON_H
#define GLOSSA_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "runtime_int.h"

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
                    __LINE__);                                                 \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* A document holding a copy of the input as raw text or a JSON line. */
static inline glossa__doc_t *fuzz_doc(const uint8_t *data, size_t size,
                                      int raw_kind)
{
    glossa__doc_t *doc = glossa__doc_new();
    FUZZ_CHECK(doc);
    doc->raw = glossa__malloc(size + 1);
    FUZZ_CHECK(doc->raw);
    if (size)
        memcpy(doc->raw, data, size);
    doc->raw[size] = '\0';
    doc->raw_len = doc->input_bytes = size;
    doc->raw_kind = raw_kind;
    doc->origin = glossa__strdup("fuzz:1");
    if (raw_kind == GLOSSA__RAW_TEXT) {
        doc->id = glossa__strdup("fuzz");
        doc->meta = json_object();
    }
    return doc;
}

/* After glossa__doc_prepare: the text is valid UTF-8 without NUL, offset
 * maps agree with each other, tokens and sentences are ordered, within the
 * text, and their byte and code-point offsets agree. */
static inline void fuzz_check_prepared(const glossa__doc_t *doc)
{
    if (doc->skip_plugins)
        return;
    char *again = NULL;
    size_t again_len = 0;
    glossa__utf8_report_t rep;
    FUZZ_CHECK(glossa__utf8_sanitize(doc->text, doc->len, &again, &again_len,
                                     &rep) == 0);
    FUZZ_CHECK(again == NULL); /* nothing left to repair */
    const glossa__offsets_t *map = &doc->offsets;
    FUZZ_CHECK(map->n_bytes == doc->len);
    FUZZ_CHECK(map->n_codepoints == rep.n_codepoints);
    for (size_t cp = 0; cp <= map->n_codepoints; cp++) {
        size_t b = glossa__offsets_cp_to_byte(map, cp);
        FUZZ_CHECK(b <= doc->len);
        FUZZ_CHECK(glossa__offsets_byte_to_cp(map, b) == cp);
        if (cp > 4096)
            break; /* enough for a fuzz iteration */
    }
    uint32_t prev_end = 0;
    for (size_t i = 0; i < doc->seg.n_tokens; i++) {
        const glossa_token_t *t = &doc->seg.tokens[i];
        FUZZ_CHECK(t->start < t->end && t->end <= doc->len);
        FUZZ_CHECK(t->start >= prev_end);
        FUZZ_CHECK(t->cp_start < t->cp_end);
        FUZZ_CHECK(glossa__offsets_cp_to_byte(map, t->cp_start) == t->start);
        FUZZ_CHECK(glossa__offsets_cp_to_byte(map, t->cp_end) == t->end);
        prev_end = t->end;
    }
    size_t next_token = 0;
    for (size_t i = 0; i < doc->seg.n_sentences; i++) {
        const glossa_sentence_t *s = &doc->seg.sentences[i];
        FUZZ_CHECK(s->token_first == next_token && s->token_count > 0);
        next_token += s->token_count;
        FUZZ_CHECK(s->start == doc->seg.tokens[s->token_first].start);
        FUZZ_CHECK(s->cp_end ==
                   doc->seg.tokens[s->token_first + s->token_count - 1].cp_end);
    }
    FUZZ_CHECK(next_token == doc->seg.n_tokens);
}

/* The serialised record is one line of valid JSON. */
static inline void fuzz_check_line(const glossa__doc_t *doc)
{
    FUZZ_CHECK(doc->line);
    FUZZ_CHECK(memchr(doc->line, '\n', doc->line_len) == NULL);
    json_error_t jerr;
    json_t *rec = json_loadb(doc->line, doc->line_len, JSON_ALLOW_NUL, &jerr);
    FUZZ_CHECK(json_is_object(rec));
    FUZZ_CHECK(json_is_array(json_object_get(rec, "errors")));
    json_decref(rec);
}

/* A runtime without plugins, made once. */
static inline glossa_runtime_t *fuzz_runtime(void)
{
    static glossa_runtime_t *rt;
    if (!rt) {
        glossa_runtime_options_t o;
        glossa_runtime_options_init(&o);
        o.threads = 1;
        o.max_doc_bytes = 1 << 20;
        o.log_level = GLOSSA_LOG_ERROR;
        FUZZ_CHECK(glossa_runtime_new(&o, &rt, NULL) == 0);
        FUZZ_CHECK(glossa_runtime_prepare(rt, NULL) == 0);
    }
    return rt;
}

#endif
