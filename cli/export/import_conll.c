/* CoNLL-2003 style IOB files to gold. Each line is TOKEN ... TAG (white
 * space separated: the first column is the token, the last the tag); a
 * blank line ends a sentence; a line whose first column is "-DOCSTART-"
 * starts a document.
 *
 * The text is rebuilt from the tokens, joined by one space, one sentence
 * per line, and written beside the gold (DOC.txt) so that glossa run can
 * annotate that very text. Ids: FILE (the name without its extension)
 * for a file without -DOCSTART-, else FILE-0001, FILE-0002, ...
 *
 * Tags: O, B-TYPE, I-TYPE, and also E- and S- (BIOES). An I- that does
 * not continue an entity of its type starts one, as in IOB1 (the original
 * CoNLL-2003 files) and as most readers take it. TYPE is the span's
 * label, as it is. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char WHO[] = "glossa import";

typedef struct buf {
    char *s;
    size_t n, cap;
} buf_t;

static int buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            return GLOSSA_ENOMEM;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

/* The document being read, and where the reader is. */
typedef struct reader {
    const import_opts_t *o;
    const char *path;
    char *base;                  /* the file's name without extension */
    unsigned long line;          /* the current line */
    unsigned long doc_line;      /* the line the document started on */
    unsigned long n_docs;        /* documents written or left out */
    int saw_docstart, bad;       /* a -DOCSTART- in the file; an error */
    buf_t text;                  /* the text rebuilt so far */
    size_t cp;                   /* its length in code points */
    size_t sentence_tokens;      /* tokens in the current sentence */
    size_t doc_tokens;           /* tokens in the document */
    json_t *spans;               /* the document's spans */
    char *type;                  /* the open entity's type; NULL: none */
    size_t ent_start, ent_end;   /* its code points */
    size_t ent_bstart, ent_bend; /* its bytes */
    unsigned long skipped;       /* documents left out */
} reader_t;

static void line_error(reader_t *r, const char *fmt, ...) GLOSSA_PRINTF(2, 3);

static void line_error(reader_t *r, const char *fmt, ...)
{
    char where[1100], msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(where, sizeof(where), "%s:%lu", r->path, r->line);
    glossa_export__say(WHO, where, "%s", msg);
    r->bad = 1;
}

/* Ends the open entity, if any, as a span. */
static int close_entity(reader_t *r)
{
    if (!r->type)
        return 0;
    json_t *span = json_pack(
        "{s:I,s:I,s:s#,s:s}", "start", (json_int_t)r->ent_start, "end",
        (json_int_t)r->ent_end, "text", r->text.s + r->ent_bstart,
        (int)(r->ent_bend - r->ent_bstart), "label", r->type);
    free(r->type);
    r->type = NULL;
    return span && json_array_append_new(r->spans, span) == 0 ? 0
                                                              : GLOSSA_ENOMEM;
}

static int open_entity(reader_t *r, const char *type, size_t cp, size_t byte)
{
    if (!(r->type = strdup(type)))
        return GLOSSA_ENOMEM;
    r->ent_start = cp;
    r->ent_bstart = byte;
    return 0;
}

/* "O", or "B-X", "I-X", "E-X", "S-X": *kind is 'O', 'B', 'I', 'E' or
 * 'S'. Returns 0 or -1. */
static int parse_tag(const char *tag, char *kind, const char **type)
{
    if (strcmp(tag, "O") == 0) {
        *kind = 'O';
        return 0;
    }
    if (!strchr("BIES", tag[0]) || tag[1] != '-' || !tag[2])
        return -1;
    *kind = tag[0];
    *type = tag + 2;
    return 0;
}

/* A token and its tag: appended to the text; the entities it opens,
 * continues or closes. */
static int add_token(reader_t *r, const char *token, size_t n, char kind,
                     const char *type)
{
    if (r->sentence_tokens > 0) {
        if (buf_add(&r->text, " ", 1) != 0)
            return GLOSSA_ENOMEM;
        r->cp++;
    }
    size_t cp = r->cp, byte = r->text.n;
    if (buf_add(&r->text, token, n) != 0)
        return GLOSSA_ENOMEM;
    for (size_t i = 0; i < n; i++)
        r->cp += ((unsigned char)token[i] & 0xC0) != 0x80;
    r->sentence_tokens++;
    r->doc_tokens++;
    int continues =
        r->type && (kind == 'I' || kind == 'E') && strcmp(r->type, type) == 0;
    int rc = 0;
    if (!continues)
        rc = close_entity(r);
    if (rc == 0 && !continues && kind != 'O')
        rc = open_entity(r, type, cp, byte);
    r->ent_end = r->cp;
    r->ent_bend = r->text.n;
    if (rc == 0 && (kind == 'E' || kind == 'S'))
        rc = close_entity(r);
    return rc;
}

static int end_sentence(reader_t *r)
{
    int rc = close_entity(r);
    if (rc == 0 && r->sentence_tokens > 0) {
        rc = buf_add(&r->text, "\n", 1);
        r->cp++;
    }
    r->sentence_tokens = 0;
    return rc;
}

/* The document read so far, written (or left out after an error), and a
 * new one begun. at_end: the file ended. */
static int end_document(reader_t *r, int at_end)
{
    int rc = end_sentence(r);
    if (rc == 0 && (r->doc_tokens > 0 || r->bad)) {
        char id[1100], from[1100];
        if (r->n_docs == 0 && at_end && !r->saw_docstart)
            snprintf(id, sizeof(id), "%s", r->base);
        else
            snprintf(id, sizeof(id), "%s-%04lu", r->base, r->n_docs + 1);
        snprintf(from, sizeof(from), "%s:%lu", r->path, r->doc_line);
        r->n_docs++;
        import_doc_t doc = {0};
        if (r->bad) {
            glossa_export__say(WHO, from, "document %s left out (see above)",
                               id);
            r->skipped++;
        } else if ((rc = glossa_import__doc_init(&doc, id)) == 0) {
            if (json_object_set(doc.gold, r->o->layer, r->spans) != 0)
                rc = GLOSSA_ENOMEM;
            if (rc == 0)
                rc = glossa_import__doc_write(&doc, r->o, r->text.s, r->text.n,
                                              from);
            r->skipped += rc == EXPORT_SKIP;
            rc = rc == EXPORT_SKIP ? 0 : rc;
        }
        glossa_import__doc_clear(&doc);
    }
    r->text.n = 0;
    r->cp = r->doc_tokens = 0;
    r->bad = 0;
    r->doc_line = r->line + 1;
    json_array_clear(r->spans);
    return rc;
}

/* One line: a token, a blank line or -DOCSTART-. */
static int one_line(reader_t *r, char *line)
{
    char *save = NULL, *first = strtok_r(line, " \t", &save), *last = first;
    for (char *c; (c = strtok_r(NULL, " \t", &save)) != NULL;)
        last = c;
    if (!first)
        return end_sentence(r);
    if (strcmp(first, "-DOCSTART-") == 0) {
        r->saw_docstart = 1;
        int rc = end_document(r, 0);
        r->doc_line = r->line; /* the next document starts here */
        return rc;
    }
    char kind;
    const char *type = NULL;
    if (last == first) {
        line_error(r, "expected TOKEN ... TAG, got one column: %s", first);
        return 0;
    }
    if (parse_tag(last, &kind, &type) != 0) {
        line_error(r, "bad tag '%s' (O, B-TYPE, I-TYPE, E-TYPE or S-TYPE)",
                   last);
        return 0;
    }
    return add_token(r, first, strlen(first), kind, type);
}

/* A line as glossa run would read its bytes (the UTF-8 policy), without
 * its line ending. New. */
static int clean_line(reader_t *r, const char *raw, size_t n, char **out)
{
    while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
        n--;
    size_t len, bad;
    if (glossa_export__utf8_repair(raw, n, out, &len, &bad) != 0)
        return GLOSSA_ENOMEM;
    if (bad) {
        char where[1100];
        snprintf(where, sizeof(where), "%s:%lu", r->path, r->line);
        glossa_export__say(WHO, where,
                           "warning: invalid UTF-8 or NUL replaced with "
                           "U+FFFD");
    }
    return 0;
}

static int read_lines(reader_t *r, FILE *f)
{
    char *raw = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&raw, &cap, f)) >= 0) {
        r->line++;
        char *line = NULL;
        if ((rc = clean_line(r, raw, (size_t)n, &line)) == 0)
            rc = one_line(r, line);
        free(line);
    }
    if (rc == 0 && ferror(f)) {
        glossa_export__say(WHO, r->path, "read error: %s", strerror(errno));
        rc = GLOSSA_EIO;
    }
    if (rc == 0)
        rc = end_document(r, 1);
    free(raw);
    return rc;
}

/* The file's name without directory and extension: the ids' stem. */
static char *stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    return glossa_export__id_of_file(name, n);
}

int glossa_import__conll(const import_opts_t *o, const char *input)
{
    FILE *f = strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
    if (!f) {
        glossa_export__say(WHO, input, "cannot open: %s", strerror(errno));
        return errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO;
    }
    reader_t r = {
        .o = o, .path = f == stdin ? "<stdin>" : input, .doc_line = 1};
    r.base = stem(f == stdin ? "stdin" : input);
    r.spans = json_array();
    int rc = r.base && r.spans ? read_lines(&r, f) : GLOSSA_ENOMEM;
    if (rc == GLOSSA_ENOMEM)
        glossa_export__nomem(WHO);
    if (f != stdin)
        fclose(f);
    free(r.base);
    free(r.text.s);
    free(r.type);
    json_decref(r.spans);
    return rc < 0 ? rc : r.skipped ? EXPORT_SKIP : 0;
}
