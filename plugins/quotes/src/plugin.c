/* The `quotes` plugin: the host's document, tokens, sentences and
 * `entities` layer in, one span per quotation or report of speech out.
 * The analysis is in analyze.c and the files it calls; this file only
 * adapts it to the host table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/plugin.h>

#include "quotes.h"

typedef struct state {
    const glossa_host_t *host;
    qx_lexicon_t *lex;
    qsettings_t settings;
    int trace;
} state_t;

static const glossa_option_t OPTIONS[] = {
    {.key = "verbs",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"verbs.tsv\"",
     .description = "reporting verbs and their frames (relative paths: the "
                    "data directory)"},
    {.key = "sources",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"sources.tsv\"",
     .description = "source phrases (\"according to\")"},
    {.key = "titles",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"titles.tsv\"",
     .description = "titles and offices of people"},
    {.key = "heads",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"heads.tsv\"",
     .description =
         "nouns that head a speaker's phrase (bodies, ministries, groups)"},
    {.key = "pronouns",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"pronouns.tsv\"",
     .description = "pronouns that may name a speaker"},
    {.key = "grammar",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"grammar.tsv\"",
     .description = "function words the frame rules read"},
    {.key = "demonyms",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"demonyms.tsv\"",
     .description =
         "countries and their nationality adjectives, for ministries' names"},
    {.key = "carry",
     .type = GLOSSA_OPTION_INTEGER,
     .default_json = "4",
     .description =
         "sentences a pronoun, an office or a running quotation looks back "
         "for its speaker (1-20)",
     .minimum = "1",
     .maximum = "20"},
    {.key = "max_words",
     .type = GLOSSA_OPTION_INTEGER,
     .default_json = "150",
     .description = "the longest reported content, in tokens (10-10000)",
     .minimum = "10",
     .maximum = "10000"},
    {.key = "trace",
     .type = GLOSSA_OPTION_BOOLEAN,
     .default_json = "false",
     .description = "log every report found, with its speaker, at level debug"},
    {.key = NULL},
};

static const char *config_string(const json_t *config, const char *key)
{
    const json_t *v = json_object_get(config, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int config_int(const json_t *config, const char *key, int dflt, int lo,
                      int hi, char *err, size_t err_size, int *out)
{
    const json_t *v = json_object_get(config, key);
    json_int_t n = json_is_integer(v) ? json_integer_value(v) : dflt;
    if (n < lo || n > hi) {
        snprintf(err, err_size, "config \"%s\" must be between %d and %d", key,
                 lo, hi);
        return -1;
    }
    *out = (int)n;
    return 0;
}

static void *quotes_create(const glossa_create_args_t *args, char *err,
                           size_t err_size)
{
    qx_files_t files;
    files.verbs = config_string(args->config, "verbs");
    files.sources = config_string(args->config, "sources");
    files.titles = config_string(args->config, "titles");
    files.heads = config_string(args->config, "heads");
    files.pronouns = config_string(args->config, "pronouns");
    files.grammar = config_string(args->config, "grammar");
    files.demonyms = config_string(args->config, "demonyms");
    const char *names[] = {files.verbs,   files.sources,  files.titles,
                           files.heads,   files.pronouns, files.grammar,
                           files.demonyms};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (!names[k] || !*names[k]) {
            snprintf(err, err_size, "every data file must be named");
            return NULL;
        }
    state_t *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    st->host = args->host;
    const json_t *trace = json_object_get(args->config, "trace");
    st->trace = json_is_true(trace);
    if (config_int(args->config, "carry", 4, 1, 20, err, err_size,
                   &st->settings.carry) ||
        config_int(args->config, "max_words", 150, 10, 10000, err, err_size,
                   &st->settings.max_words) ||
        qx_lexicon_load(args->data_dir, &files, &st->lex, err, err_size)) {
        free(st);
        return NULL;
    }
    return st;
}

static uint8_t label_of(const char *s)
{
    if (!s)
        return QE_OTHER;
    if (!strcmp(s, "PERSON"))
        return QE_PERSON;
    if (!strcmp(s, "ORG"))
        return QE_ORG;
    if (!strcmp(s, "GPE"))
        return QE_GPE;
    if (!strcmp(s, "NORP"))
        return QE_NORP;
    if (!strcmp(s, "LOC"))
        return QE_LOC;
    return QE_OTHER;
}

/* The index (QE_F*) of a span's first field named key, when that is a
 * string: what glossa_span_string() reads. */
static uint8_t field_of(const glossa_span_view_t *s, const char *key)
{
    for (size_t j = 0; j < s->n_fields; j++)
        if (strcmp(s->fields[j].key, key) == 0)
            return s->fields[j].type != GLOSSA_VALUE_STRING ? QE_FNONE
                   : j < QE_FFAR                            ? (uint8_t)j
                                                            : QE_FFAR;
    return QE_FNONE;
}

/* The entity spans, which keep their strings in the layer (the core's
 * are NUL-terminated, plugin.h; the text is not): the texts the analysis
 * reads as strings, of NORP entities and of those without a canonical
 * name, are copied NUL-terminated into *cstrs. 0 or GLOSSA_ENOMEM. */
static int read_entities(const glossa_span_view_t *spans, size_t count,
                         qent_t **out, size_t *n, char **cstrs)
{
    *out = NULL;
    *n = 0;
    *cstrs = NULL;
    if (!count)
        return 0;
    qent_t *e = calloc(count, sizeof *e);
    if (!e)
        return GLOSSA_ENOMEM;
    size_t k = 0, bytes = 0;
    for (size_t i = 0; i < count; i++) {
        const glossa_span_view_t *s = &spans[i];
        if (s->end > UINT32_MAX || i > UINT32_MAX)
            continue;
        e[k].start = (uint32_t)s->start;
        e[k].end = (uint32_t)s->end;
        e[k].span = (uint32_t)i;
        e[k].label = label_of(s->label);
        e[k].canonical_f = field_of(s, "canonical");
        e[k].refers_f = field_of(s, "refers_to");
        if (e[k].label == QE_NORP || e[k].canonical_f == QE_FNONE)
            bytes += s->end_byte - s->start_byte + 1;
        k++;
    }
    char *pool = NULL;
    if (bytes && (bytes > UINT32_MAX || !(pool = malloc(bytes)))) {
        free(e);
        return GLOSSA_ENOMEM;
    }
    size_t at = 0;
    for (size_t j = 0; j < k; j++) {
        if (e[j].label != QE_NORP && e[j].canonical_f != QE_FNONE)
            continue;
        const glossa_span_view_t *s = &spans[e[j].span];
        size_t len = s->end_byte - s->start_byte;
        memcpy(pool + at, s->text, len);
        pool[at + len] = '\0';
        e[j].cstr = (uint32_t)at + 1u;
        at += len + 1;
    }
    *out = e;
    *n = k;
    *cstrs = pool;
    return 0;
}

typedef struct trace_ctx {
    const glossa_host_t *host;
    glossa_ctx_t *ctx;
} trace_ctx_t;

static void trace_line(void *data, const char *fmt, ...) GLOSSA_PRINTF(2, 3);
static void trace_line(void *data, const char *fmt, ...)
{
    const trace_ctx_t *t = data;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t->host->log(t->ctx, GLOSSA_LOG_DEBUG, "%s", buf);
}

static int add_quote(const glossa_host_t *h, glossa_ctx_t *ctx,
                     const qinput_t *in, const qquote_t *q)
{
    static const char *const KINDS[] = {"reported", "direct"};
    glossa_span_field_t f[6];
    size_t n = 0;
    f[n++] = glossa_span_field_string("kind", KINDS[q->kind]);
    f[n++] = glossa_span_field_string("speaker", q->speaker.name);
    if (q->speaker.tok_end > q->speaker.tok_first) {
        const glossa_token_t *a = &in->tokens[q->speaker.tok_first];
        const glossa_token_t *b = &in->tokens[q->speaker.tok_end - 1];
        f[n++] = glossa_span_field_stringn("speaker_text", in->text + a->start,
                                           b->end - a->start);
        f[n++] = glossa_span_field_integer("speaker_start", a->cp_start);
        f[n++] = glossa_span_field_integer("speaker_end", b->cp_end);
    } else {
        f[n++] = glossa_span_field_null("speaker_text");
    }
    if (q->cue_end > q->cue_first) {
        const glossa_token_t *a = &in->tokens[q->cue_first];
        const glossa_token_t *b = &in->tokens[q->cue_end - 1];
        f[n++] = glossa_span_field_stringn("cue", in->text + a->start,
                                           b->end - a->start);
    } else {
        f[n++] = glossa_span_field_null("cue");
    }
    return h->span_put(ctx, q->start, q->end, NULL, f, n) ? -1 : 0;
}

static int quotes_annotate(void *state, glossa_ctx_t *ctx)
{
    const state_t *st = state;
    const glossa_host_t *h = st->host;
    qinput_t in;
    memset(&in, 0, sizeof in);
    in.text = h->doc_text(ctx, &in.text_len);
    in.tokens = h->doc_tokens(ctx, &in.n_tokens);
    in.sentences = h->doc_sentences(ctx, &in.n_sentences);
    size_t n_spans;
    const glossa_span_view_t *spans = h->layer_spans(ctx, "entities", &n_spans);
    if (!spans)
        return h->fail(ctx, "the entities layer is missing");
    char *cstrs;
    int rc =
        read_entities(spans, n_spans, &in.entities, &in.n_entities, &cstrs);
    in.spans = spans;
    in.cstrs = cstrs;
    if (rc)
        return h->fail(ctx, "cannot read the entities layer: out of memory");
    trace_ctx_t tc = {h, ctx};
    qresult_t res;
    rc = quotes_analyze(st->lex, &st->settings, &in, &res,
                        st->trace ? trace_line : NULL, &tc);
    for (size_t k = 0; k < res.n && !rc; k++)
        if (add_quote(h, ctx, &in, &res.quotes[k]))
            rc = GLOSSA_ENOMEM;
    qresult_free(&res);
    free(in.entities);
    free(cstrs);
    if (rc)
        return h->fail(ctx, "out of memory");
    return 0;
}

static void quotes_destroy(void *state)
{
    state_t *st = state;
    if (!st)
        return;
    qx_lexicon_free(st->lex);
    free(st);
}

static const char *const INPUTS[] = {"entities", NULL};
static const char *const KINDS[] = {"direct", "reported", NULL};

/* The fields of a quote, for the output schema (glossa schema). */
static const glossa_field_t SPAN_FIELDS[] = {
    {.name = "kind",
     .type = "string",
     .description = "direct: the words inside quotation marks; reported: "
                    "the content of indirect speech",
     .required = 1,
     .choices = KINDS},
    {.name = "speaker",
     .type = "string|null",
     .description = "the canonical name of who said it (the Kremlin and "
                    "capitals as their state), or null when the text does "
                    "not name a speaker",
     .required = 1},
    {.name = "speaker_text",
     .type = "string",
     .description = "the words nearest the quote that name the speaker (he, "
                    "Peskov, the ministry)"},
    {.name = "speaker_start",
     .type = "integer",
     .description = "where speaker_text is (code points)",
     .minimum = "0"},
    {.name = "speaker_end",
     .type = "integer",
     .description = "where speaker_text ends (code points, exclusive)",
     .minimum = "0"},
    {.name = "cue",
     .type = "string|null",
     .description = "the reporting verb or source phrase (said, according "
                    "to); null for a quotation no verb introduces"},
    {.name = NULL},
};

static const glossa_plugin_t DESCRIPTOR = {
    .abi_version = GLOSSA_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(glossa_plugin_t),
    .name = "quotes",
    .version = "0.1.0",
    .description = "quotations and reported speech with their speaker",
    .inputs = INPUTS,
    .create = quotes_create,
    .annotate = quotes_annotate,
    .destroy = quotes_destroy,
    .options = OPTIONS,
    .span_fields = SPAN_FIELDS,
};

GLOSSA_PLUGIN_DEFINE(DESCRIPTOR)
