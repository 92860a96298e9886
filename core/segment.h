/* Tokenization and sentence splitting, done once per document by the core
 * and shared by every plugin (see glossa_token_t in glossa/plugin.h for
 * what a token is).
 *
 * Sentence boundaries:
 *   - a blank line always ends a sentence;
 *   - terminal punctuation (. ! ? ...), with any closing quotes or brackets
 *     after it, ends a sentence when whitespace and a token that starts
 *     with an uppercase letter, a digit or an opening quote follow; a
 *     period that belongs to a title abbreviation ("Dr.") or an initial
 *     ("J.") does not;
 *   - a single line break ends a sentence, unless the document is
 *     hard-wrapped (its lines often continue in lower case on the next
 *     line): then only a line clearly shorter than the wrap width ends
 *     one, as headlines and list items do;
 *   - no sentence is longer than GLOSSA__MAX_SENTENCE_TOKENS tokens.
 * Sentences exclude surrounding whitespace. */
#ifndef GLOSSA_CORE_SEGMENT_H
#define GLOSSA_CORE_SEGMENT_H

#include <stddef.h>

#include "glossa/plugin.h"

#define GLOSSA__MAX_SENTENCE_TOKENS 4096

typedef struct glossa__segments {
    glossa_token_t *tokens;
    size_t n_tokens;
    glossa_sentence_t *sentences;
    size_t n_sentences;
} glossa__segments_t;

/* Segments well-formed, NUL-free UTF-8 text of at most UINT32_MAX bytes.
 * Returns 0 or GLOSSA_ENOMEM (then *seg holds nothing). */
int glossa__segment(const char *text, size_t len, glossa__segments_t *seg);

void glossa__segments_free(glossa__segments_t *seg);

#endif
