/* keywords: a complete Glossa plugin, small enough to read in one go.
 *
 * It tags every occurrence of configured words (case-insensitive, ASCII
 * case folding) as a span {"label": <label>, "keyword": <the word>}, adds
 * the canonical name of the entity a keyword is part of when the entities
 * layer has one ("entity"), and reports how many it found in the
 * document-level result. It reads the `entities` layer: its input.
 *
 * Walkthrough in docs/writing-plugins.md. Build it out of tree with the
 * installed SDK:
 *     cmake -S . -B build && cmake --build build
 * and run it:
 *     glossa run --plugin ./build/keywords.so --pipeline ... corpus/ */
/* strdup() and strncasecmp() are POSIX, not C11: ask for them. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glossa/plugin.h>

/* Instance state: written in create(), read-only afterwards, because
 * annotate() runs on several threads at once with the same state. */
typedef struct keywords {
    const glossa_host_t *host;
    char **words; /* lowercase */
    size_t n_words;
    char *label;
} keywords_t;

static void destroy(void *state)
{
    keywords_t *k = state;
    if (!k)
        return;
    for (size_t i = 0; i < k->n_words; i++)
        free(k->words[i]);
    free(k->words);
    free(k->label);
    free(k);
}

static char *lowercase_copy(const char *s)
{
    char *copy = strdup(s);
    for (char *p = copy; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return copy;
}

/* The core has already checked the config against the option table
 * below: "words" is an array of strings and "label" a string (with its
 * default filled in). What is left to check is what only the plugin
 * knows: here, that the list is not empty. */
static void *create(const glossa_create_args_t *args, char *err,
                    size_t err_size)
{
    const json_t *words = json_object_get(args->config, "words");
    if (json_array_size(words) == 0) {
        snprintf(err, err_size, "\"words\" must list at least one word");
        return NULL;
    }
    keywords_t *k = calloc(1, sizeof(*k));
    if (!k) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    k->host = args->host;
    k->label =
        strdup(json_string_value(json_object_get(args->config, "label")));
    k->words = calloc(json_array_size(words), sizeof(char *));
    if (!k->label || !k->words) {
        destroy(k);
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    size_t i;
    const json_t *word;
    json_array_foreach(words, i, word)
    {
        k->words[k->n_words] = lowercase_copy(json_string_value(word));
        if (!k->words[k->n_words]) {
            destroy(k);
            snprintf(err, err_size, "out of memory");
            return NULL;
        }
        k->n_words++;
    }
    return k;
}

/* Which configured word, if any, the token is (case-insensitive). */
static const char *match(const keywords_t *k, const char *text, size_t len)
{
    for (size_t i = 0; i < k->n_words; i++)
        if (strlen(k->words[i]) == len &&
            strncasecmp(k->words[i], text, len) == 0)
            return k->words[i];
    return NULL;
}

/* The canonical name of the entity span that covers [start, end) (its
 * length in *len), or NULL. The layer is sorted by (start, end), so a scan
 * from `*from` on serves tokens in order. */
static const char *entity_at(const glossa_span_view_t *entities,
                             size_t n_entities, size_t *from, size_t start,
                             size_t end, size_t *len)
{
    for (; *from < n_entities; ++*from) {
        const glossa_span_view_t *e = &entities[*from];
        if (e->start > start)
            return NULL;
        if (e->end >= end)
            return glossa_span_string(e, "canonical", len);
    }
    return NULL;
}

/* Called for each document, concurrently with other documents. Uses the
 * core's tokens (byte and code-point offsets), reads the entities as plain
 * data and reports spans in code points with all their fields at once:
 * the core copies them, so nothing here outlives the call. */
static int annotate(void *state, glossa_ctx_t *ctx)
{
    const keywords_t *k = state;
    const glossa_host_t *host = k->host;
    size_t n_tokens, n_entities;
    const char *text = host->doc_text(ctx, NULL);
    const glossa_token_t *tokens = host->doc_tokens(ctx, &n_tokens);
    /* Its input, by the name it declares (a pipeline may feed it from a
     * layer of another name). */
    const glossa_span_view_t *entities =
        host->layer_spans(ctx, "entities", &n_entities);
    size_t next_entity = 0;
    json_int_t matches = 0;
    for (size_t i = 0; i < n_tokens; i++) {
        const glossa_token_t *t = &tokens[i];
        if (!(t->flags & GLOSSA_TOKEN_WORD))
            continue;
        const char *word = match(k, text + t->start, t->end - t->start);
        if (!word)
            continue;
        size_t entity_len = 0;
        const char *entity = entity_at(entities, n_entities, &next_entity,
                                       t->cp_start, t->cp_end, &entity_len);
        glossa_span_field_t fields[] = {
            glossa_span_field_string("keyword", word),
            glossa_span_field_stringn("entity", entity, entity_len),
        };
        /* "entity" only when the keyword is part of one. */
        size_t n_fields = entity ? 2 : 1;
        if (host->span_put(ctx, t->cp_start, t->cp_end, k->label, fields,
                           n_fields) != 0)
            return host->fail(ctx, "cannot add a span (out of memory or "
                                   "over the output limit)");
        matches++;
    }
    return host->document_set(ctx, json_pack("{s:I}", "matches", matches));
}

/* The configuration the plugin accepts; `glossa plugins keywords` prints
 * it, and the core checks it before create(). Defaults are JSON text. */
static const glossa_option_t options[] = {
    {.key = "words",
     .type = GLOSSA_OPTION_STRING_LIST,
     .description = "the words to find",
     .required = 1},
    {.key = "label",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"KEYWORD\"",
     .description = "label of the spans"},
    {.key = NULL},
};

/* The fields of its spans and document result, for `glossa schema`. */
static const glossa_field_t span_fields[] = {
    {.name = "label", .type = "string", .required = 1},
    {.name = "keyword",
     .type = "string",
     .description = "the configured word, lowercase",
     .required = 1},
    {.name = "entity",
     .type = "string",
     .description = "the canonical name of the entity the keyword is part "
                    "of"},
    {.name = NULL},
};
static const glossa_field_t document_fields[] = {
    {.name = "matches",
     .type = "integer",
     .description = "how many spans",
     .required = 1,
     .minimum = "0"},
    {.name = NULL},
};

/* The layers it reads: done on a document before it runs on it. */
static const char *const inputs[] = {"entities", NULL};

static const glossa_plugin_t descriptor = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "keywords",
    .version = "1.0.0",
    .description = "tags configured keywords (example plugin)",
    .inputs = inputs,
    .create = create,
    .annotate = annotate,
    .destroy = destroy,
    .options = options,
    .span_fields = span_fields,
    .document_fields = document_fields,
};

/* Exports glossa_plugin_entry(), the plugin's only exported symbol. */
GLOSSA_PLUGIN_DEFINE(descriptor)
