/* CSV (RFC 4180): one row per span, for spreadsheets, pandas and SQL
 * COPY. The columns are fixed before the first record (a table's schema
 * should not depend on the data): id, layer, start, end, text, label, the
 * field columns (--columns, or the bundled layers' fields), and "extra",
 * the span's other fields as a JSON object. A field a span does not have
 * (or has as null) is an empty unquoted cell, NULL for COPY; an empty
 * string is "". Rows end with CRLF. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* The fields of the bundled layers (docs/output-format.md), in the order
 * of the layers. */
static const char *const DEFAULT_COLUMNS[] = {
    "canonical",    "refers_to",     "value",       "anchor", "mod",
    "polarity",     "score",         "holder",      "kind",   "speaker",
    "speaker_text", "speaker_start", "speaker_end", "cue"};
#define N_DEFAULT (sizeof(DEFAULT_COLUMNS) / sizeof(DEFAULT_COLUMNS[0]))

typedef struct csv {
    const char *const *columns;
    size_t n_columns;
} csv_t;

/* One cell: quoted when it holds a comma, a quote, CR or LF, or is empty
 * (an empty string, as opposed to no value). */
static void cell(FILE *f, const char *s, size_t n)
{
    int quote = n == 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

static void cell_str(FILE *f, const char *s)
{
    cell(f, s, strlen(s));
}

/* A field's value; nothing for a missing or null one. */
static int cell_value(FILE *f, const json_t *v)
{
    if (!v || json_is_null(v))
        return 0;
    char *text = glossa_export__value_text(v);
    if (!text)
        return GLOSSA_ENOMEM;
    if (json_is_string(v))
        cell(f, text, json_string_length(v));
    else
        cell_str(f, text);
    free(text);
    return 0;
}

static int csv_begin(export_out_t *out)
{
    csv_t *c = calloc(1, sizeof(*c));
    if (!c)
        return GLOSSA_ENOMEM;
    const export_opts_t *o = out->opts;
    c->columns = o->n_columns ? o->columns : DEFAULT_COLUMNS;
    c->n_columns = o->n_columns ? o->n_columns : N_DEFAULT;
    out->state = c;
    fputs("id,layer,start,end,text,label", out->f);
    for (size_t i = 0; i < c->n_columns; i++) {
        fputc(',', out->f);
        cell_str(out->f, c->columns[i]);
    }
    fputs(",extra\r\n", out->f);
    return 0;
}

static int is_column(const csv_t *c, const char *name)
{
    for (size_t i = 0; i < c->n_columns; i++)
        if (strcmp(c->columns[i], name) == 0)
            return 1;
    return glossa_export__is_base_field(name);
}

/* The span's fields that have no column, as one JSON object; empty when
 * there are none. */
static int extra_cell(FILE *f, const csv_t *c, const json_t *span)
{
    json_t *extra = json_object();
    if (!extra)
        return GLOSSA_ENOMEM;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)span, key, v)
    {
        if (!is_column(c, key) && json_object_set(extra, key, v) != 0) {
            json_decref(extra);
            return GLOSSA_ENOMEM;
        }
    }
    int rc = 0;
    if (json_object_size(extra) > 0)
        rc = cell_value(f, extra);
    json_decref(extra);
    return rc;
}

static int row(FILE *f, const csv_t *c, const export_doc_t *doc,
               const export_layer_t *L, const export_span_t *s)
{
    cell_str(f, doc->id);
    fputc(',', f);
    cell_str(f, L->name);
    fprintf(f, ",%zu,%zu,", s->start, s->end);
    cell(f, s->text, s->text_len);
    fputc(',', f);
    if (s->label)
        cell_str(f, s->label);
    for (size_t i = 0; i < c->n_columns; i++) {
        fputc(',', f);
        if (cell_value(f, json_object_get(s->obj, c->columns[i])) != 0)
            return GLOSSA_ENOMEM;
    }
    fputc(',', f);
    if (extra_cell(f, c, s->obj) != 0)
        return GLOSSA_ENOMEM;
    fputs("\r\n", f);
    return 0;
}

static int csv_doc(export_out_t *out, const export_doc_t *doc)
{
    const csv_t *c = out->state;
    for (size_t l = 0; l < doc->n_layers; l++) {
        const export_layer_t *L = &doc->layers[l];
        for (size_t i = 0; i < L->n; i++) {
            if (row(out->f, c, doc, L, &L->spans[i]) != 0) {
                glossa_export__say("glossa export", NULL, "out of memory");
                return GLOSSA_ENOMEM;
            }
        }
    }
    return 0;
}

static int csv_end(export_out_t *out)
{
    (void)out;
    return 0;
}

static void csv_release(export_out_t *out)
{
    free(out->state);
    out->state = NULL;
}

const export_format_t glossa_export__csv = {
    .name = "csv",
    .flags = 0,
    .begin = csv_begin,
    .doc = csv_doc,
    .end = csv_end,
    .release = csv_release,
};
