/* What the files of `glossa export` and `glossa import` share. Not a
 * library for others: the two commands are its only users.
 *
 *   cmd_export.c    glossa export: options, the loop over records
 *   records.c       one record of glossa run's output, read and checked
 *   inputs.c        documents' texts from the original inputs (--inputs)
 *   text.c          UTF-8 repair, code point and UTF-16 offsets, line
 *                   breaks, file names of document ids
 *   spans.c         a span's tag, its other fields as text
 *   files.c         output files, directories, messages
 *   brat.c conll.c w3c.c labelstudio.c csv.c   one format each
 *   cmd_import.c    glossa import: options
 *   import_brat.c import_conll.c   gold read from the formats
 *   gold.c          gold documents written (DOC.json, DOC.txt)
 *
 * Offsets are code points everywhere, as in Glossa's records, unless a
 * name says otherwise (utf16). Names shared between these files carry the
 * glossa_export__ prefix; file-local ones are static.
 *
 * Return values: 0 for success; EXPORT_SKIP when a record or document was
 * left out, the reason already printed; a negative GLOSSA_E* code for a
 * failure that stops the command, also printed. */
#ifndef GLOSSA_CLI_EXPORT_INTERNAL_H
#define GLOSSA_CLI_EXPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include <glossa/glossa.h>

#define EXPORT_SKIP 1

/* Reals as glossa run writes them (up to 10 significant digits,
 * docs/output-format.md), so that a score comes out as it went in. */
#define EXPORT_JSON_COMPACT (JSON_COMPACT | JSON_REAL_PRECISION(10))

/* ---- Options ----------------------------------------------------------- */

/* A NAME=VALUE option (--tag LAYER=NAME, --map TYPE=LAYER). */
typedef struct export_pair {
    const char *name;  /* borrowed from argv, up to the '=' (copied) */
    const char *value; /* borrowed from argv */
} export_pair_t;

/* What `glossa export`'s command line asks for. Strings are borrowed from
 * argv unless marked owned. */
typedef struct export_opts {
    const char *format;
    const char *output;  /* -o: a file, "-" (standard output), a directory */
    const char **layers; /* --layer, in order; n_layers 0: every layer */
    size_t n_layers;
    export_pair_t *tags; /* --tag LAYER=NAME (names owned) */
    size_t n_tags;
    const char **inputs; /* --inputs */
    size_t n_inputs;
    /* W3C */
    const char *source_base; /* --source-base URL */
    const char *id_base;     /* --id-base IRI */
    const char *created;     /* --created TIME, or NULL */
    int collection;          /* --collection */
    /* CoNLL */
    int glossa_labels; /* --labels glossa */
    /* Label Studio */
    const char *labeling_config; /* --labeling-config FILE */
    /* CSV */
    const char **columns; /* --columns (owned array of owned strings) */
    size_t n_columns;
} export_opts_t;

/* ---- Documents --------------------------------------------------------- */

typedef struct export_span {
    size_t start, end; /* code points, end exclusive */
    const char *label; /* NULL: none */
    const char *text;  /* its text, UTF-8, not NUL-terminated */
    size_t text_len;   /* bytes */
    const json_t *obj; /* the span as the record has it (borrowed) */
    size_t index;      /* position in the record's array */
} export_span_t;

typedef struct export_layer {
    const char *name;
    const char *provenance; /* "plugin/version/digest", or NULL */
    export_span_t *spans;   /* owned */
    size_t n;
} export_layer_t;

/* A record of glossa run's output with its text, checked: every span of
 * the exported layers has integer offsets within the text, and its "text"
 * is the text at those offsets. */
typedef struct export_doc {
    const char *id;         /* the record's id */
    const char *origin;     /* "out.jsonl:3", for messages */
    const json_t *record;   /* borrowed */
    const char *text;       /* valid UTF-8, NUL-terminated; NULL: unknown */
    size_t len;             /* bytes */
    size_t n_cp;            /* code points */
    size_t *cp_byte;        /* owned: n_cp + 1 byte offsets; NULL: no text */
    export_layer_t *layers; /* owned: the exported layers it has */
    size_t n_layers;
    /* private */
    char *text_owned;
    char id_buf[32];
} export_doc_t;

typedef struct export_inputs export_inputs_t;

/* Reads `record` (borrowed; it must outlive the doc) into *doc: its id,
 * its text (the record's "text", else from `inputs`, which may be NULL),
 * and the layers `o` selects. needs_text: a record without a text is
 * refused. Returns 0, EXPORT_SKIP (printed, naming origin and id) or a
 * negative code. Release with glossa_export__doc_clear() in every case. */
int glossa_export__doc_read(export_doc_t *doc, const json_t *record,
                            const char *origin, const export_opts_t *o,
                            export_inputs_t *inputs, int needs_text);
void glossa_export__doc_clear(export_doc_t *doc);

/* The code point at index i of the document's text. */
uint32_t glossa_export__doc_cp(const export_doc_t *doc, size_t i);

/* The bytes of code points [start, end) of the document's text. */
const char *glossa_export__doc_slice(const export_doc_t *doc, size_t start,
                                     size_t end, size_t *len);

/* ---- The original inputs (--inputs) ------------------------------------ */

/* Opens the inputs with the library's own reader (glossa_source_read()),
 * as glossa run read them. Returns 0 or a negative code (printed). */
int glossa_export__inputs_open(const char *const *paths, size_t n,
                               export_inputs_t **out);

/* The text of the record with this id, as glossa run annotated it
 * (repaired by the UTF-8 policy): *text is new (free() it). Reads ahead
 * as far as needed and keeps the records it passes; the usual case, the
 * same order as the output, keeps none. Returns 1, 0 when no input
 * record has the id, or a negative code (printed). */
int glossa_export__inputs_find(export_inputs_t *in, const char *id, char **text,
                               size_t *len);
void glossa_export__inputs_free(export_inputs_t *in);

/* ---- Text -------------------------------------------------------------- */

/* glossa_utf8_repair() (glossa/text.h: the runs' own UTF-8 policy) into
 * a new NUL-terminated *out (free() it); *n_replaced counts the
 * replacements. Returns 0 or GLOSSA_ENOMEM. */
int glossa_export__utf8_repair(const char *s, size_t n, char **out,
                               size_t *out_len, size_t *n_replaced);

/* The byte offset of every code point of valid UTF-8 text, and the
 * length: n_cp + 1 entries, new (free() it). NULL when the text is not
 * valid UTF-8 or memory ran out. */
size_t *glossa_export__cp_index(const char *s, size_t n, size_t *n_cp);

/* UTF-16 code units before each code point of the document's text, n_cp
 * + 1 entries, new (free() it); NULL when out of memory. */
size_t *glossa_export__utf16_index(const export_doc_t *doc);

/* Whether cp ends a line where a text editor or Python's str.splitlines()
 * would: LF, CR, VT, FF, FS, GS, RS, NEL, LS, PS. */
int glossa_export__is_line_break(uint32_t cp);

/* A file name (without extension) for a document id: ASCII bytes other
 * than letters, digits and "-_.,+=@~" become %XX (UTF-8 beyond ASCII is
 * kept), and so does a leading '.', so that every id has its own name and
 * no name is hidden or leaves its directory. New (free() it), NULL when out of
 * memory. */
char *glossa_export__file_name(const char *id);

/* The id a file name (without extension) stands for: %XX decoded. New. */
char *glossa_export__id_of_file(const char *name, size_t len);

/* ---- Spans ------------------------------------------------------------- */

/* What brat, W3C and Label Studio call a span: its label, else the tag
 * of its layer (--tag, else "Stance" for mediation, "Quote" for quotes,
 * else the layer's name). Borrowed. */
const char *glossa_export__tag(const export_opts_t *o, const char *layer,
                               const export_span_t *s);

/* The tag a layer's unlabelled spans get, given the --tag pairs.
 * Borrowed. */
const char *glossa_export__layer_tag(const export_pair_t *tags, size_t n_tags,
                                     const char *layer);

/* Whether a span field is one every format writes its own way (start,
 * end, text, label) rather than as one of the span's other fields. */
int glossa_export__is_base_field(const char *name);

/* A field's value as text: a string as it is, anything else as compact
 * JSON (numbers, true, false, null, arrays, objects). New (free() it),
 * NULL when out of memory. */
char *glossa_export__value_text(const json_t *v);

/* ---- Files and messages ------------------------------------------------ */

/* "WHO: WHERE: message" on stderr; WHERE may be NULL. */
void glossa_export__say(const char *who, const char *where, const char *fmt,
                        ...) GLOSSA_PRINTF(3, 4);

/* Prints "WHO: out of memory"; returns GLOSSA_ENOMEM. */
int glossa_export__nomem(const char *who);

/* json as compact JSON and a newline on f. Returns 0, or -1 when out of
 * memory (write errors show on the stream, ferror()). */
int glossa_export__dump_line(FILE *f, const json_t *json);

/* Creates a directory and its parents (an existing one is fine). Returns
 * 0 or a negative code (printed). */
int glossa_export__mkdirs(const char *who, const char *dir);

/* DIR/NAME.EXT (ext may be NULL), new; NULL when out of memory. */
char *glossa_export__path(const char *dir, const char *name, const char *ext);

/* Writes a whole file (through PATH.partial, then renamed). Returns 0 or
 * a negative code (printed). */
int glossa_export__write_file(const char *who, const char *path,
                              const char *data, size_t len);

/* An output file: PATH.partial until glossa_export__output_close()
 * publishes it, or standard output for "-". */
typedef struct export_output {
    FILE *f;
    const char *path; /* borrowed; NULL: standard output */
    char *partial;    /* owned */
} export_output_t;

int glossa_export__output_open(const char *who, const char *path,
                               export_output_t *out);

/* Flushes and closes; with ok, renames PATH.partial to PATH, else removes
 * it. Returns 0 or a negative code (printed). */
int glossa_export__output_close(const char *who, export_output_t *out, int ok);

/* ---- Formats ----------------------------------------------------------- */

enum {
    EXPORT_NEEDS_TEXT = 1u << 0, /* every record needs its document text */
    EXPORT_TO_DIR = 1u << 1      /* -o names a directory */
};

/* A format's writer, called with one export_out_t from begin to end. */
typedef struct export_out {
    const export_opts_t *opts;
    FILE *f;         /* file formats: the output */
    const char *dir; /* EXPORT_TO_DIR: the directory, created */
    void *state;     /* the format's own */
} export_out_t;

typedef struct export_format {
    const char *name;
    unsigned flags;
    int (*begin)(export_out_t *out);
    int (*doc)(export_out_t *out, const export_doc_t *doc);
    /* After the last record; not called after a failure. */
    int (*end)(export_out_t *out);
    /* Always called last (NULL allowed); releases out->state. */
    void (*release)(export_out_t *out);
} export_format_t;

extern const export_format_t glossa_export__brat;
extern const export_format_t glossa_export__conll;
extern const export_format_t glossa_export__w3c;
extern const export_format_t glossa_export__labelstudio;
extern const export_format_t glossa_export__csv;

/* ---- Import ------------------------------------------------------------ */

typedef struct import_opts {
    const char *format;
    const char *output;  /* -o: the gold directory */
    const char *layer;   /* conll: the layer (default entities) */
    export_pair_t *maps; /* brat: --map TYPE=LAYER (names owned) */
    size_t n_maps;
    export_pair_t *tags; /* brat: --tag LAYER=NAME (names owned) */
    size_t n_tags;
    const char *default_layer; /* brat: types of no known layer */
    json_t *written;           /* id -> where its document came from */
} import_opts_t;

/* A gold document being built: {"id", "<layer>": [spans]...}. */
typedef struct import_doc {
    char *id;     /* owned */
    json_t *gold; /* owned: the gold object */
} import_doc_t;

/* Starts a gold document; returns 0 or GLOSSA_ENOMEM. */
int glossa_import__doc_init(import_doc_t *doc, const char *id);

/* The array of a layer (created empty if missing), borrowed; NULL when
 * out of memory. */
json_t *glossa_import__layer(import_doc_t *doc, const char *layer);

/* Sorts every layer's spans by (start, end) and writes DIR/NAME.json and
 * DIR/NAME.txt (NAME from the id, glossa_export__file_name()), DIR being
 * o->output. `origin` names the document's source in messages. Returns 0,
 * EXPORT_SKIP for an id already written (printed) or a negative code
 * (printed). */
int glossa_import__doc_write(import_doc_t *doc, const import_opts_t *o,
                             const char *text, size_t len, const char *origin);
void glossa_import__doc_clear(import_doc_t *doc);

/* The readers: each input file (or directory, for brat) to gold files in
 * o->output. Return 0, EXPORT_SKIP when some documents were left out
 * (printed), or a negative code. */
int glossa_import__brat(const import_opts_t *o, const char *input);
int glossa_import__conll(const import_opts_t *o, const char *input);

#endif
