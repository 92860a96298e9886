/* brat standoff (https://brat.nlplab.org/standoff.html): a directory with
 * DOC.txt (the text) and DOC.ann per record, and annotation.conf.
 *
 *   T1<TAB>PERSON 18 32<TAB>Vladimir Putin        a span, its tag as type
 *   A1<TAB>polarity T5 negative                   polarity, kind
 *   #1<TAB>AnnotatorNotes T1<TAB>{"canonical":..}   the other fields, JSON
 *
 * Offsets are characters of DOC.txt (code points, as Glossa's). brat
 * forbids a line break inside a text-bound annotation, so a span across
 * one is written as fragments around its line breaks ("0 5;6 11"), whose
 * text is the fragments' joined by a space, as brat writes them.
 *
 * annotation.conf declares each layer as an abstract type (!entities)
 * over the types of its spans, and the attributes with the values seen:
 * brat shows the export as it is, and glossa import maps every type back
 * to its layer. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char WHO[] = "glossa export";

/* Fields written as brat attributes when their value is one word; all
 * others go into the note. */
static const char *const ATTRIBUTES[] = {"polarity", "kind"};

typedef struct brat {
    json_t *layers; /* layer -> {type: true}, in order of appearance */
    json_t *owner;  /* type -> the first layer that used it */
    json_t *clash;  /* type -> another layer that used it too */
    json_t *attrs;  /* attribute -> {"args": {type}, "values": {value}} */
} brat_t;

/* One DOC.ann being written. */
typedef struct ann {
    FILE *f; /* a memory stream */
    const export_doc_t *doc;
    size_t t, a, n; /* the last T, A and # numbers */
} ann_t;

static int brat_begin(export_out_t *out)
{
    brat_t *b = calloc(1, sizeof(*b));
    if (!b)
        return glossa_export__nomem(WHO);
    out->state = b;
    if (!(b->layers = json_object()) || !(b->owner = json_object()) ||
        !(b->clash = json_object()) || !(b->attrs = json_object()))
        return glossa_export__nomem(WHO);
    return 0;
}

/* A brat type: the tag, with whitespace (which ends a type in a T line)
 * as '_'. New. */
static char *type_of(const char *tag)
{
    char *t = strdup(tag);
    for (char *p = t; p && *p; p++)
        if (strchr(" \t\r\n\v\f", *p))
            *p = '_';
    return t;
}

static int is_word(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || strchr("_.:-", *s)))
            return 0;
    return 1;
}

static int is_attribute(const char *field, const json_t *v)
{
    for (size_t i = 0; i < sizeof(ATTRIBUTES) / sizeof(ATTRIBUTES[0]); i++)
        if (strcmp(field, ATTRIBUTES[i]) == 0)
            return json_is_string(v) && is_word(json_string_value(v));
    return 0;
}

/* Sets obj[a][b] = true, creating obj[a]. */
static int mark(json_t *obj, const char *a, const char *b)
{
    json_t *inner = json_object_get(obj, a);
    if (!inner) {
        if (json_object_set_new(obj, a, json_object()) != 0)
            return -1;
        inner = json_object_get(obj, a);
    }
    return inner ? json_object_set_new(inner, b, json_true()) : -1;
}

/* Notes that `layer` has spans of `type`, for annotation.conf. */
static int note_type(brat_t *b, const char *layer, const char *type)
{
    const char *owner = json_string_value(json_object_get(b->owner, type));
    if (!owner) {
        if (json_object_set_new(b->owner, type, json_string(layer)) != 0)
            return -1;
        return mark(b->layers, layer, type);
    }
    if (strcmp(owner, layer) != 0 && !json_object_get(b->clash, type))
        return json_object_set_new(b->clash, type, json_string(layer));
    return 0;
}

static int note_attr(brat_t *b, const char *name, const char *type,
                     const char *value)
{
    json_t *a = json_object_get(b->attrs, name);
    if (!a) {
        if (json_object_set_new(b->attrs, name, json_object()) != 0)
            return -1;
        a = json_object_get(b->attrs, name);
    }
    return a && mark(a, "args", type) == 0 && mark(a, "values", value) == 0
               ? 0
               : -1;
}

/* The next fragment of [*pos, end) that holds no line break: returns 1
 * with [*fs, *fe), or 0 when there is none left. */
static int next_fragment(const export_doc_t *doc, size_t *pos, size_t end,
                         size_t *fs, size_t *fe)
{
    size_t i = *pos;
    while (i < end &&
           glossa_export__is_line_break(glossa_export__doc_cp(doc, i)))
        i++;
    size_t j = i;
    while (j < end &&
           !glossa_export__is_line_break(glossa_export__doc_cp(doc, j)))
        j++;
    *pos = j;
    *fs = i;
    *fe = j;
    return i < end;
}

/* "T<n>\tTYPE s e[;s e]...\tTEXT\n". Returns 0, or EXPORT_SKIP for a span
 * brat cannot hold (empty, or only line breaks), reported. */
static int write_t(ann_t *w, const char *layer, const export_span_t *s,
                   const char *type)
{
    const export_doc_t *doc = w->doc;
    size_t pos = s->start, fs, fe;
    if (!next_fragment(doc, &pos, s->end, &fs, &fe)) {
        glossa_export__say(WHO, doc->origin,
                           "record \"%s\": warning: annotations.%s[%zu] "
                           "[%zu, %zu) is empty or only line breaks, which "
                           "brat cannot hold: not in its .ann",
                           doc->id, layer, s->index, s->start, s->end);
        return EXPORT_SKIP;
    }
    fprintf(w->f, "T%zu\t%s ", ++w->t, type);
    const char *sep = "";
    for (pos = s->start; next_fragment(doc, &pos, s->end, &fs, &fe);) {
        fprintf(w->f, "%s%zu %zu", sep, fs, fe);
        sep = ";";
    }
    fputc('\t', w->f);
    sep = "";
    for (pos = s->start; next_fragment(doc, &pos, s->end, &fs, &fe);) {
        size_t n;
        const char *text = glossa_export__doc_slice(doc, fs, fe, &n);
        fputs(sep, w->f);
        fwrite(text, 1, n, w->f);
        sep = " ";
    }
    fputc('\n', w->f);
    return 0;
}

/* The A lines and the note of the span just written as T<w->t>. */
static int write_fields(ann_t *w, brat_t *b, const export_span_t *s,
                        const char *type)
{
    json_t *note = json_object();
    if (!note)
        return -1;
    int rc = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)s->obj, key, v)
    {
        if (rc != 0 || glossa_export__is_base_field(key) || json_is_null(v))
            continue;
        if (is_attribute(key, v)) {
            fprintf(w->f, "A%zu\t%s T%zu %s\n", ++w->a, key, w->t,
                    json_string_value(v));
            rc = note_attr(b, key, type, json_string_value(v));
        } else {
            rc = json_object_set(note, key, v);
        }
    }
    if (rc == 0 && json_object_size(note) > 0) {
        char *text = json_dumps(note, EXPORT_JSON_COMPACT);
        if (text)
            fprintf(w->f, "#%zu\tAnnotatorNotes T%zu\t%s\n", ++w->n, w->t,
                    text);
        rc = text ? 0 : -1;
        free(text);
    }
    json_decref(note);
    return rc;
}

static int write_span(ann_t *w, brat_t *b, const char *layer,
                      const export_opts_t *o, const export_span_t *s)
{
    char *type = type_of(glossa_export__tag(o, layer, s));
    if (!type)
        return -1;
    int rc = write_t(w, layer, s, type);
    if (rc == 0)
        rc = note_type(b, layer, type) == 0 ? write_fields(w, b, s, type) : -1;
    free(type);
    return rc == EXPORT_SKIP ? 0 : rc;
}

/* DOC.ann's lines, in a new buffer. */
static int ann_text(export_out_t *out, const export_doc_t *doc, char **buf,
                    size_t *len)
{
    ann_t w = {.doc = doc};
    if (!(w.f = open_memstream(buf, len)))
        return -1;
    int rc = 0;
    for (size_t l = 0; rc == 0 && l < doc->n_layers; l++) {
        const export_layer_t *L = &doc->layers[l];
        for (size_t i = 0; rc == 0 && i < L->n; i++)
            rc = write_span(&w, out->state, L->name, out->opts, &L->spans[i]);
    }
    if (fclose(w.f) != 0)
        rc = -1;
    return rc;
}

static int brat_doc(export_out_t *out, const export_doc_t *doc)
{
    char *name = glossa_export__file_name(doc->id);
    char *txt = name ? glossa_export__path(out->dir, name, "txt") : NULL;
    char *annp = name ? glossa_export__path(out->dir, name, "ann") : NULL;
    char *buf = NULL;
    size_t len = 0;
    int rc = txt && annp ? ann_text(out, doc, &buf, &len) : -1;
    if (rc != 0)
        rc = glossa_export__nomem(WHO);
    if (rc == 0)
        rc = glossa_export__write_file(WHO, txt, doc->text, doc->len);
    if (rc == 0)
        rc = glossa_export__write_file(WHO, annp, buf, len);
    free(buf);
    free(annp);
    free(txt);
    free(name);
    return rc;
}

/* The keys of an object joined by '|'. */
static void joined(FILE *f, const json_t *obj)
{
    const char *key, *sep = "";
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        (void)v;
        fprintf(f, "%s%s", sep, key);
        sep = "|";
    }
}

static void write_conf(FILE *f, const brat_t *b)
{
    fputs("# Written by glossa export. Each layer is an abstract type (!) "
          "over the\n# types of its spans; glossa import maps the types "
          "back to their layers.\n[entities]\n",
          f);
    const char *layer, *type;
    json_t *types, *v, *a;
    json_object_foreach(b->layers, layer, types)
    {
        fprintf(f, "!%s\n", layer);
        json_object_foreach(types, type, v)
        {
            (void)v;
            fprintf(f, "\t%s\n", type);
        }
    }
    fputs("[relations]\n[events]\n[attributes]\n", f);
    json_object_foreach(b->attrs, layer, a)
    {
        fprintf(f, "%s\tArg:", layer);
        joined(f, json_object_get(a, "args"));
        fputs(", Value:", f);
        joined(f, json_object_get(a, "values"));
        fputc('\n', f);
    }
}

static int brat_end(export_out_t *out)
{
    const brat_t *b = out->state;
    const char *type;
    json_t *other;
    json_object_foreach(b->clash, type, other)
    {
        glossa_export__say(
            WHO, NULL,
            "warning: type \"%s\" is in layers \"%s\" and \"%s\": brat "
            "cannot tell them apart, and annotation.conf puts it in the "
            "first (export them one at a time with --layer)",
            type, json_string_value(json_object_get(b->owner, type)),
            json_string_value(other));
    }
    char *buf = NULL,
         *path = glossa_export__path(out->dir, "annotation", "conf");
    size_t len = 0;
    FILE *f = path ? open_memstream(&buf, &len) : NULL;
    if (!f) {
        free(path);
        return glossa_export__nomem(WHO);
    }
    write_conf(f, b);
    int rc = fclose(f) == 0 ? glossa_export__write_file(WHO, path, buf, len)
                            : glossa_export__nomem(WHO);
    free(buf);
    free(path);
    return rc;
}

static void brat_release(export_out_t *out)
{
    brat_t *b = out->state;
    if (!b)
        return;
    json_decref(b->layers);
    json_decref(b->owner);
    json_decref(b->clash);
    json_decref(b->attrs);
    free(b);
    out->state = NULL;
}

const export_format_t glossa_export__brat = {
    .name = "brat",
    .flags = EXPORT_NEEDS_TEXT | EXPORT_TO_DIR,
    .begin = brat_begin,
    .doc = brat_doc,
    .end = brat_end,
    .release = brat_release,
};
