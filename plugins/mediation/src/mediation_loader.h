/* Loading a model (mediation_model.c): the rules (mediation_rules.c),
 * the general lexicon (mediation_lexicon.c) and the profile
 * (mediation_profile.c) become one word table and a pattern list
 * (mediation_table.c). Private to the loader; the model itself is in
 * mediation_internal.h.
 *
 * Errors: the first one wins. A function that fails records its code and
 * message in the loader (med_fail) and returns the code; later failures
 * keep the first message. */
#ifndef MEDIATION_LOADER_H
#define MEDIATION_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "mediation_internal.h"

/* The state of one mediation_model_load() call. */
typedef struct med_loader {
    mediation_model_t *m;
    char *err;
    size_t err_size;
    int rc; /* first error wins */
} med_loader_t;

/* Records the first error: its code and message. Returns the first
 * error's code. */
int med_fail(med_loader_t *L, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- The word table and the patterns (mediation_table.c) ---------------- */

/* What med_add_simple_pattern adds: patterns of one kind, from a file. */
typedef struct med_pat_ctx {
    const char *path;
    int kind;
} med_pat_ctx_t;

/* Appends n bytes and a NUL to the pool; their offset in *off. */
int med_pool_add(med_loader_t *L, const char *s, size_t n, uint32_t *off);
/* The entry of a folded key, added when missing; NULL after med_fail. */
med_entry_t *med_entry_get(med_loader_t *L, const char *key, size_t len);
/* The entry of a word (folded here); NULL after med_fail (what names the
 * list in the message). */
med_entry_t *med_word_get(med_loader_t *L, const char *word, const char *what);
/* Parses "word word* word" into a pattern of kind (PAT_*) with its gap
 * and weight, linked under its head key. A word may list alternatives
 * ("the|its force"): one pattern per combination, at most 256. */
int med_pattern_add(med_loader_t *L, const char *path, const char *text,
                    int kind, int gap, double weight);
/* med_pattern_add of text with the kind of ud (a med_pat_ctx_t), no gap
 * and no weight: a callback for med_each_string. */
int med_add_simple_pattern(med_loader_t *L, const char *text, void *ud);

/* ---- JSON files (mediation_model.c) ------------------------------------- */

/* A JSON file whose top level is an object (a new reference), or NULL
 * after med_fail with file, line and column. */
json_t *med_load_json(med_loader_t *L, const char *path);
/* Calls fn for each string of the array obj[key] (absent: none). */
int med_each_string(med_loader_t *L, const char *path, json_t *obj,
                    const char *key,
                    int (*fn)(med_loader_t *, const char *, void *), void *ud);

/* ---- Rules (mediation_rules.c) ------------------------------------------ */

/* The weights a rules file need not give. */
void med_weights_default(med_weights_t *w);
/* Loads the English rules file. */
int med_load_rules(med_loader_t *L, const char *path);

/* ---- Lexicon (mediation_lexicon.c) -------------------------------------- */

/* Loads the general lexicon ("word<TAB>valence" lines). */
int med_load_lexicon(med_loader_t *L, const char *path);

/* ---- Profile (mediation_profile.c) -------------------------------------- */

/* Loads a profile and, depth + 1 deep, the profiles it includes. */
int med_load_profile(med_loader_t *L, const char *path, int depth);

/* ---- The learned component (mediation_classifier.c, mediation_embed.c) -- */

/* Loads the word vectors into m->emb (before the classifier, whose
 * features may name them). */
int med_load_embeddings(med_loader_t *L, const char *path);

/* Loads the classifier's model file into m->clf. */
int med_load_classifier(med_loader_t *L, const char *path);

#endif /* MEDIATION_LOADER_H */
