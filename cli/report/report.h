/* glossa report: one static HTML page for a corpus run (docs/report.md).
 *
 * The parts, one file each:
 *   cmd_report.c  the command: options, the pass over the records
 *   inputs.c      the original texts (--inputs), read with the public
 *                 source API and kept by id
 *   offsets.c     code point offsets into UTF-8 text
 *   compact.c     one output record -> the page's compact document
 *   spans.c       its layers: kinds, checks, the spans as numbers
 *   page.c        the data directory and the HTML: template, inline
 *                 assets, the embedded JSON
 *
 * Everything here runs on one thread. Errors are reported on stderr where
 * they happen, with the file and line or record they concern; functions
 * return 0 or -1 (out of memory, or a file that cannot be written). */
#ifndef GLOSSA_CLI_REPORT_H
#define GLOSSA_CLI_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* ---- offsets.c --------------------------------------------------------- */

/* Code point positions in valid UTF-8 text: a checkpoint every 64 code
 * points, so that a position costs at most 63 steps. */
typedef struct glossa_report_offsets {
    const char *text;
    size_t len;    /* bytes */
    size_t n_cp;   /* code points */
    size_t *marks; /* byte offset of code point 64*i */
    size_t n_marks;
} glossa_report_offsets_t;

int glossa_report_offsets_init(glossa_report_offsets_t *o, const char *text,
                               size_t len);
void glossa_report_offsets_free(glossa_report_offsets_t *o);

/* The byte offset of code point cp (cp <= n_cp). */
size_t glossa_report_offsets_byte(const glossa_report_offsets_t *o, size_t cp);

/* ---- inputs.c ---------------------------------------------------------- */

/* The texts of the documents of the inputs, by id: a JSON object whose
 * values are strings (repaired UTF-8). A new reference, or NULL after an
 * error (reported). Duplicate ids keep the first text. */
json_t *glossa_report_inputs_load(const char *const *paths, size_t n);

/* ---- compact.c --------------------------------------------------------- */

/* What the page is built from, gathered while the records stream past. */
typedef struct glossa_report_corpus {
    json_t *strings;    /* array: the interned strings, by index */
    json_t *string_ids; /* object: string -> index in strings */
    json_t *layers;     /* array of {"name", "plugin", "kind"} */
    json_t *layer_ids;  /* object: layer name -> index in layers */
    json_t *texts; /* from glossa_report_inputs_load(), or NULL (borrowed) */
    size_t n_docs;
    size_t n_texts_from_inputs;
    size_t n_without_text;
    size_t n_warnings; /* problems within records, reported on stderr */
} glossa_report_corpus_t;

int glossa_report_corpus_init(glossa_report_corpus_t *c, json_t *texts);
void glossa_report_corpus_free(glossa_report_corpus_t *c);

/* The page's compact form of one output record (docs/report.md, "The
 * data"): a new reference, or NULL when out of memory. `where` names the
 * record in messages ("out.jsonl:17"). */
json_t *glossa_report_compact(glossa_report_corpus_t *c, const json_t *record,
                              const char *where);

/* The layers seen, as the page reads them: [{"name", "plugin", "kind"}],
 * kind one of entity, date, quote, mediation, other. A new reference. */
json_t *glossa_report_layers(const glossa_report_corpus_t *c);

/* Prints a problem with a record on stderr (at most a screenful, then a
 * count at glossa_report_corpus_free()) and counts it. */
void glossa_report_warn(glossa_report_corpus_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- compact.c and spans.c: one record on its way ---------------------- */

typedef struct glossa_report_doc {
    glossa_report_corpus_t *c;
    const json_t *record;
    const char *where, *id;
    const char *text; /* NULL: none */
    size_t text_len;
    int from_inputs;
    glossa_report_offsets_t off;
    json_t *entity_counts; /* "label,name" -> count, while encoding */
    int oom;               /* memory ran out somewhere on the way */
} glossa_report_doc_t;

/* The index of string s in the corpus's table (added if new); -1 for no
 * string. */
json_int_t glossa_report_intern(glossa_report_doc_t *d, const json_t *s);

/* The plugin that made a layer, from the record's "provenance": {"layers":
 * {name: "plugin/version/digest"}}; copied into buf, or NULL. */
const char *glossa_report_plugin_of(const json_t *record, const char *layer,
                                    char *buf, size_t size);

/* Whether every span of every layer fits d's text (a text read from the
 * inputs); names the first that does not. */
int glossa_report_text_fits(glossa_report_doc_t *d, const json_t *annotations);

/* Sets the document's "a", "c", "x" (without a text) and "ec". Returns 0
 * or -1 when out of memory. */
int glossa_report_add_layers(glossa_report_doc_t *d, json_t *doc,
                             const json_t *annotations);

/* ---- page.c ------------------------------------------------------------ */

/* The directory with template.html, report.css, report.js and vendor/:
 * $GLOSSA_REPORT_DIR, report/ beside the executable (build tree), then
 * share/glossa/report/ relative to it and in the install prefix. Returns
 * buf, or NULL when none has template.html. */
const char *glossa_report_data_dir(char *buf, size_t size);

typedef struct glossa_report_page glossa_report_page_t;

/* Starts the page at path ("-": standard output) from the template in
 * dir: everything up to the embedded data. NULL after an error
 * (reported). */
glossa_report_page_t *
glossa_report_page_begin(const char *dir, const char *path, const char *title);

/* Appends one compact document to the embedded data. */
int glossa_report_page_add_doc(glossa_report_page_t *p, const json_t *doc);

/* Writes the rest of the data (`tail`'s members follow "docs" in the
 * data object) and of the template, and publishes the file. Returns 0 or
 * -1 (reported); frees p either way. */
int glossa_report_page_end(glossa_report_page_t *p, const json_t *tail);

/* Drops an unfinished page (its temporary file). NULL allowed. */
void glossa_report_page_abort(glossa_report_page_t *p);

#endif
