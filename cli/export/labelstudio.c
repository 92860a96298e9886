/* Label Studio tasks with pre-annotations
 * (https://labelstud.io/guide/predictions): one JSON array, a task per
 * record:
 *
 *   {"data": {"text": TEXT, "doc_id": ID},
 *    "predictions": [{"model_version": the layers' provenance,
 *                     "result": [{"id", "from_name": LAYER, "to_name": "text",
 *                                 "type": "labels",
 *                                 "value": {"start", "end", "text",
 *                                           "labels": [TAG]},
 *                                 "meta": {"text": ["NAME: VALUE", ...]}}]}]}
 *
 * Label Studio counts offsets as JavaScript does, in UTF-16 code units:
 * start and end are converted (a character beyond the BMP, an emoji, is
 * two units). Each layer is a <Labels> control named after it;
 * --labeling-config writes the config that declares them. The array is
 * built in memory and written at the end. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char WHO[] = "glossa export";

typedef struct ls {
    json_t *tasks;
    json_t *labels; /* layer -> {tag: true}, for the labeling config */
} ls_t;

static int ls_begin(export_out_t *out)
{
    ls_t *ls = calloc(1, sizeof(*ls));
    if (!ls)
        return glossa_export__nomem(WHO);
    out->state = ls;
    if (!(ls->tasks = json_array()) || !(ls->labels = json_object()))
        return glossa_export__nomem(WHO);
    return 0;
}

/* The span's other fields as "NAME: VALUE" lines: the region's meta. */
static json_t *meta_lines(const export_span_t *s)
{
    json_t *lines = json_array();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)s->obj, key, v)
    {
        if (!lines)
            break;
        if (glossa_export__is_base_field(key) || json_is_null(v))
            continue;
        char *text = glossa_export__value_text(v);
        size_t n = strlen(key) + (text ? strlen(text) : 0) + 3;
        char *line = text ? malloc(n) : NULL;
        if (line)
            snprintf(line, n, "%s: %s", key, text);
        if (!line || json_array_append_new(lines, json_string(line)) != 0) {
            json_decref(lines);
            lines = NULL;
        }
        free(line);
        free(text);
    }
    return lines;
}

static json_t *region(const export_opts_t *o, const export_layer_t *L,
                      const export_span_t *s, const size_t *u16)
{
    char id[300];
    snprintf(id, sizeof(id), "%s-%zu", L->name, s->index);
    json_t *r = json_pack(
        "{s:s,s:s,s:s,s:s,s:{s:I,s:I,s:s#,s:[s]}}", "id", id, "from_name",
        L->name, "to_name", "text", "type", "labels", "value", "start",
        (json_int_t)u16[s->start], "end", (json_int_t)u16[s->end], "text",
        s->text, (int)s->text_len, "labels", glossa_export__tag(o, L->name, s));
    json_t *meta = r ? meta_lines(s) : NULL;
    if (!meta) {
        json_decref(r);
        return NULL;
    }
    if (json_array_size(meta) == 0) {
        json_decref(meta);
        return r;
    }
    if (json_object_set_new(r, "meta", json_pack("{s:o}", "text", meta)) != 0) {
        json_decref(r);
        return NULL;
    }
    return r;
}

/* The provenance of the record's layers, "a/1/x, b/2/y": the model that
 * made the prediction. */
static json_t *model_version(const export_doc_t *doc)
{
    size_t n = 1;
    for (size_t l = 0; l < doc->n_layers; l++)
        n += strlen(doc->layers[l].provenance ? doc->layers[l].provenance
                                              : doc->layers[l].name) +
             2;
    char *s = malloc(n + 6);
    if (!s)
        return NULL;
    strcpy(s, doc->n_layers ? "" : "glossa");
    for (size_t l = 0; l < doc->n_layers; l++) {
        const export_layer_t *L = &doc->layers[l];
        if (l > 0)
            strcat(s, ", ");
        strcat(s, L->provenance ? L->provenance : L->name);
    }
    json_t *v = json_string(s);
    free(s);
    return v;
}

static int add_regions(ls_t *ls, const export_opts_t *o,
                       const export_doc_t *doc, const size_t *u16,
                       json_t *result)
{
    for (size_t l = 0; l < doc->n_layers; l++) {
        const export_layer_t *L = &doc->layers[l];
        for (size_t i = 0; i < L->n; i++) {
            const export_span_t *s = &L->spans[i];
            if (s->start == s->end) {
                glossa_export__say(WHO, doc->origin,
                                   "record \"%s\": warning: annotations.%s"
                                   "[%zu] is empty: left out",
                                   doc->id, L->name, s->index);
                continue;
            }
            json_t *r = region(o, L, s, u16);
            if (!r || json_array_append_new(result, r) != 0)
                return -1;
            json_t *tags = json_object_get(ls->labels, L->name);
            if (!tags &&
                (json_object_set_new(ls->labels, L->name, json_object()) != 0 ||
                 !(tags = json_object_get(ls->labels, L->name))))
                return -1;
            if (json_object_set_new(tags, glossa_export__tag(o, L->name, s),
                                    json_true()) != 0)
                return -1;
        }
    }
    return 0;
}

static int ls_doc(export_out_t *out, const export_doc_t *doc)
{
    ls_t *ls = out->state;
    size_t *u16 = glossa_export__utf16_index(doc);
    json_t *result = json_array();
    json_t *task = NULL;
    if (u16 && result && add_regions(ls, out->opts, doc, u16, result) == 0)
        task =
            json_pack("{s:{s:s#,s:s},s:[{s:o,s:o}]}", "data", "text", doc->text,
                      (int)doc->len, "doc_id", doc->id, "predictions",
                      "model_version", model_version(doc), "result", result);
    else
        json_decref(result);
    free(u16);
    if (!task || json_array_append_new(ls->tasks, task) != 0)
        return glossa_export__nomem(WHO);
    return 0;
}

/* s with XML's five special characters as entities. */
static void xml_attr(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* The labeling config: the text, and a <Labels> per layer with the tags
 * the export used. */
static int write_config(const ls_t *ls, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return glossa_export__nomem(WHO);
    fputs("<View>\n", f);
    const char *layer, *tag;
    json_t *tags, *v;
    json_object_foreach(ls->labels, layer, tags)
    {
        fputs("  <Labels name=\"", f);
        xml_attr(f, layer);
        fputs("\" toName=\"text\">\n", f);
        json_object_foreach(tags, tag, v)
        {
            (void)v;
            fputs("    <Label value=\"", f);
            xml_attr(f, tag);
            fputs("\"/>\n", f);
        }
        fputs("  </Labels>\n", f);
    }
    fputs("  <Text name=\"text\" value=\"$text\"/>\n</View>\n", f);
    int rc = fclose(f) == 0 ? glossa_export__write_file(WHO, path, buf, len)
                            : glossa_export__nomem(WHO);
    free(buf);
    return rc;
}

static int ls_end(export_out_t *out)
{
    ls_t *ls = out->state;
    if (glossa_export__dump_line(out->f, ls->tasks) != 0)
        return glossa_export__nomem(WHO);
    if (out->opts->labeling_config)
        return write_config(ls, out->opts->labeling_config);
    return 0;
}

static void ls_release(export_out_t *out)
{
    ls_t *ls = out->state;
    if (!ls)
        return;
    json_decref(ls->tasks);
    json_decref(ls->labels);
    free(ls);
    out->state = NULL;
}

const export_format_t glossa_export__labelstudio = {
    .name = "labelstudio",
    .flags = EXPORT_NEEDS_TEXT,
    .begin = ls_begin,
    .doc = ls_doc,
    .end = ls_end,
    .release = ls_release,
};
