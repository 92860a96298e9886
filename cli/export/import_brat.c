/* brat standoff to gold: DOC.ann and DOC.txt become DOC.json (and DOC.txt
 * again) in the gold directory; the id is DOC (%XX decoded, as export
 * named it).
 *
 *   T lines   spans; a discontinuous one covers its first to its last
 *             character (export writes those only around line breaks)
 *   A, M      attributes: NAME VALUE, or true for a binary one
 *   #         AnnotatorNotes: a JSON object gives fields (as export
 *             writes them), any other text the field "note"
 *   R E * N   relations, events, equivalences, normalizations: not
 *             imported (counted in a warning)
 *
 * A type's layer: --map TYPE=LAYER, else annotation.conf when glossa
 * export wrote it (each layer an abstract type over its types), else the
 * bundled layers' labels, else --default-layer. A span whose type is its
 * layer's tag (Stance, Quote, --tag) gets no label. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h" /* glossa_cli_concat */
#include "export_internal.h"

static const char WHO[] = "glossa import";
static const char MARK[] = "# Written by glossa export.";

static const struct {
    const char *type, *layer;
} KNOWN[] = {
    {"PERSON", "entities"},  {"ORG", "entities"},   {"GPE", "entities"},
    {"LOC", "entities"},     {"NORP", "entities"},  {"DATE", "dates"},
    {"TIME", "dates"},       {"DURATION", "dates"}, {"SET", "dates"},
    {"Stance", "mediation"}, {"Quote", "quotes"}};

/* What an annotation.conf written by glossa export says. */
typedef struct conf {
    json_t *layer_of; /* type -> layer */
    json_t *layers;   /* layer -> true, in order */
} conf_t;

/* One document being read. */
typedef struct bdoc {
    const import_opts_t *o;
    const conf_t *conf;
    const char *ann; /* its path */
    char *text;      /* the .txt, repaired */
    size_t len, n_cp;
    size_t *cp_byte;
    json_t *by_id; /* "T3" -> its span */
    import_doc_t gold;
    unsigned long ignored; /* R, E, *, N lines */
    int bad;               /* an error was reported: left out */
} bdoc_t;

/* ---- Files ------------------------------------------------------------- */

/* A whole file, NUL-terminated. Returns 0, or the errno. */
static int slurp(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno;
    char *data = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&data, &n);
    char chunk[65536];
    size_t got;
    int rc = m ? 0 : ENOMEM;
    while (rc == 0 && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (fwrite(chunk, 1, got, m) != got)
            rc = ENOMEM;
    if (rc == 0 && ferror(f))
        rc = EIO;
    if (m && fclose(m) != 0 && rc == 0)
        rc = ENOMEM;
    fclose(f);
    if (rc != 0) {
        free(data);
        return rc;
    }
    *buf = data;
    *len = n;
    return 0;
}

/* The next line of buf from *pos (without "\n" or "\r\n"), NUL-terminated
 * in place. NULL at the end. */
static char *next_line(char *buf, size_t len, size_t *pos)
{
    if (*pos >= len)
        return NULL;
    char *line = buf + *pos;
    char *nl = memchr(line, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - line) : len - *pos;
    *pos += n + (nl != NULL);
    line[n] = '\0';
    if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
    return line;
}

/* ---- annotation.conf --------------------------------------------------- */

static void conf_free(conf_t *c)
{
    json_decref(c->layer_of);
    json_decref(c->layers);
    c->layer_of = c->layers = NULL;
}

/* The [entities] hierarchy of dir/annotation.conf, when glossa export
 * wrote it; nothing otherwise. Returns 0 or GLOSSA_ENOMEM. */
static int conf_read(const char *dir, conf_t *c)
{
    if (!(c->layer_of = json_object()) || !(c->layers = json_object()))
        return GLOSSA_ENOMEM;
    char *path = glossa_export__path(dir, "annotation", "conf"), *buf = NULL;
    size_t len = 0, pos = 0;
    if (!path)
        return GLOSSA_ENOMEM;
    int e = slurp(path, &buf, &len);
    free(path);
    if (e != 0 || strncmp(buf, MARK, sizeof(MARK) - 1) != 0) {
        free(buf);
        return e == ENOMEM ? GLOSSA_ENOMEM : 0;
    }
    const char *section = "", *layer = NULL;
    char *line;
    int rc = 0;
    while (rc == 0 && (line = next_line(buf, len, &pos)) != NULL) {
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        if (line[0] == '[')
            section = line;
        else if (strcmp(section, "[entities]") != 0)
            continue;
        else if (line[0] == '!')
            rc = json_object_set_new(c->layers, layer = line + 1, json_true());
        else if (line[0] != '\t')
            layer = NULL;
        else if (layer)
            rc = json_object_set_new(c->layer_of, line + 1, json_string(layer));
    }
    free(buf);
    return rc == 0 ? 0 : GLOSSA_ENOMEM;
}

/* ---- Types and layers -------------------------------------------------- */

static const char *layer_of(const bdoc_t *d, const char *type)
{
    const import_opts_t *o = d->o;
    for (size_t i = o->n_maps; i-- > 0;)
        if (strcmp(o->maps[i].name, type) == 0)
            return o->maps[i].value;
    const char *l = json_string_value(json_object_get(d->conf->layer_of, type));
    if (l)
        return l;
    for (size_t i = 0; i < sizeof(KNOWN) / sizeof(KNOWN[0]); i++)
        if (strcmp(KNOWN[i].type, type) == 0)
            return KNOWN[i].layer;
    return o->default_layer;
}

/* ---- Lines ------------------------------------------------------------- */

static void line_error(bdoc_t *d, unsigned long line, const char *id,
                       const char *what)
{
    char where[1100];
    snprintf(where, sizeof(where), "%s:%lu", d->ann, line);
    glossa_export__say(WHO, where, "%s: %s", id, what);
    d->bad = 1;
}

/* One fragment of a text-bound annotation, code points. */
typedef struct frag {
    size_t start, end;
} frag_t;

/* "s e;s e...": the fragments, new in *out. Returns their number, 0 for
 * a malformed list or offsets out of the text, or -1 out of memory. */
static long parse_offsets(const bdoc_t *d, const char *s, frag_t **out)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ';';
    frag_t *f = calloc(n, sizeof(*f));
    if (!(*out = f))
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *e1, *e2;
        unsigned long a = strtoul(s, &e1, 10);
        if (e1 == s || *e1 != ' ' || e1[1] < '0' || e1[1] > '9')
            return 0;
        unsigned long b = strtoul(e1 + 1, &e2, 10);
        if (a > b || b > d->n_cp || *e2 != (i + 1 < n ? ';' : '\0'))
            return 0;
        f[i].start = a;
        f[i].end = b;
        s = e2 + 1;
    }
    return (long)n;
}

/* Whether only white space and line breaks lie between the fragments:
 * what export leaves out of a span it splits. */
static int only_breaks_between(const bdoc_t *d, const frag_t *f, size_t n)
{
    for (size_t k = 1; k < n; k++) {
        for (size_t i = f[k - 1].end; i < f[k].start; i++) {
            uint32_t cp = 0;
            size_t b = d->cp_byte[i];
            glossa_utf8_decode(d->text + b, d->cp_byte[i + 1] - b, &cp);
            if (cp != ' ' && cp != '\t' && !glossa_export__is_line_break(cp))
                return 0;
        }
    }
    return 1;
}

/* Whether TEXT is the fragments' text joined by spaces, as brat has it. */
static int text_matches(const bdoc_t *d, const frag_t *f, size_t n,
                        const char *text)
{
    for (size_t k = 0; k < n; k++) {
        size_t b = d->cp_byte[f[k].start], len = d->cp_byte[f[k].end] - b;
        if (k > 0 && *text++ != ' ')
            return 0;
        if (strncmp(text, d->text + b, len) != 0)
            return 0;
        text += len;
    }
    return *text == '\0';
}

static void line_warning(const bdoc_t *d, unsigned long line, const char *id,
                         const char *what)
{
    char where[1100];
    snprintf(where, sizeof(where), "%s:%lu", d->ann, line);
    glossa_export__say(WHO, where, "%s: warning: %s", id, what);
}

/* The span of a T line, with its type as label unless it is its layer's
 * tag; d->by_id[id] is it too. */
static int add_span(bdoc_t *d, const char *id, const char *type, size_t start,
                    size_t end)
{
    const char *layer = layer_of(d, type);
    const char *tag = glossa_export__layer_tag(d->o->tags, d->o->n_tags, layer);
    size_t b = d->cp_byte[start], n = d->cp_byte[end] - b;
    json_t *span =
        json_pack("{s:I,s:I,s:s#}", "start", (json_int_t)start, "end",
                  (json_int_t)end, "text", d->text + b, (int)n);
    json_t *arr = glossa_import__layer(&d->gold, layer);
    int rc = span && arr ? 0 : -1;
    if (rc == 0 && strcmp(type, tag) != 0)
        rc = json_object_set_new(span, "label", json_string(type));
    if (rc == 0)
        rc = json_array_append(arr, span);
    if (rc == 0)
        rc = json_object_set(d->by_id, id, span);
    json_decref(span);
    return rc == 0 ? 0 : GLOSSA_ENOMEM;
}

/* "T1\tTYPE OFFSETS\tTEXT": a span of the type's layer, covering all its
 * fragments. */
static int t_line(bdoc_t *d, unsigned long line, char *id, char *rest)
{
    char *tab = strchr(rest, '\t'), *sp = strchr(rest, ' ');
    if (!tab || !sp || sp > tab) {
        line_error(d, line, id, "expected TYPE START END<TAB>TEXT");
        return 0;
    }
    *tab = *sp = '\0';
    if (json_object_get(d->by_id, id)) {
        line_error(d, line, id, "the id of an earlier annotation");
        return 0;
    }
    frag_t *f;
    long n = parse_offsets(d, sp + 1, &f);
    int rc = n < 0 ? GLOSSA_ENOMEM : 0;
    if (n == 0)
        line_error(d, line, id,
                   "bad offsets (START END[;START END]..., "
                   "within the .txt)");
    size_t start = SIZE_MAX, end = 0;
    for (long k = 0; k < n; k++) {
        start = f[k].start < start ? f[k].start : start;
        end = f[k].end > end ? f[k].end : end;
    }
    if (n > 0 && !only_breaks_between(d, f, (size_t)n)) {
        char what[200];
        snprintf(what, sizeof(what),
                 "discontinuous: imported as one span [%zu, %zu)", start, end);
        line_warning(d, line, id, what);
    }
    if (n > 0 && !text_matches(d, f, (size_t)n, tab + 1))
        line_warning(d, line, id,
                     "its text is not the .txt's at its offsets (the "
                     "offsets are kept)");
    if (n > 0)
        rc = add_span(d, id, rest, start, end);
    free(f);
    return rc;
}

/* The span a line refers to, or NULL (reported unless it is not a T). */
static json_t *target(bdoc_t *d, unsigned long line, const char *id,
                      const char *ref)
{
    json_t *span = json_object_get(d->by_id, ref);
    if (!span && ref[0] == 'T')
        line_error(d, line, id, "refers to no text-bound annotation");
    if (!span && ref[0] != 'T')
        d->ignored++; /* an event's or relation's: not imported */
    return span;
}

/* Sets a field the formats do not own. */
static int set_field(bdoc_t *d, unsigned long line, const char *id,
                     json_t *span, const char *name, json_t *v)
{
    if (!v)
        return GLOSSA_ENOMEM;
    if (glossa_export__is_base_field(name)) {
        json_decref(v);
        line_error(d, line, id, "sets start, end, text or label");
        return 0;
    }
    return json_object_set_new(span, name, v) == 0 ? 0 : GLOSSA_ENOMEM;
}

/* "A1\tNAME T3 [VALUE]". */
static int a_line(bdoc_t *d, unsigned long line, char *id, char *rest)
{
    char *save = NULL;
    char *name = strtok_r(rest, " ", &save);
    char *ref = name ? strtok_r(NULL, " ", &save) : NULL;
    char *value = ref ? strtok_r(NULL, " ", &save) : NULL;
    if (!name || !ref) {
        line_error(d, line, id, "expected NAME TARGET [VALUE]");
        return 0;
    }
    json_t *span = target(d, line, id, ref);
    if (!span)
        return 0;
    return set_field(d, line, id, span, name,
                     value ? json_string(value) : json_true());
}

/* Fields from a note: a JSON object as export writes it, else "note". */
static int note_fields(bdoc_t *d, unsigned long line, const char *id,
                       json_t *span, const char *note)
{
    json_t *obj = json_loads(note, 0, NULL);
    if (!json_is_object(obj)) {
        json_decref(obj);
        const char *old = json_string_value(json_object_get(span, "note"));
        char *joined = old ? glossa_cli_concat(old, "\n") : NULL;
        char *all = joined ? glossa_cli_concat(joined, note) : NULL;
        json_t *v = json_string(old ? all : note);
        free(joined);
        free(all);
        return set_field(d, line, id, span, "note", v);
    }
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(obj, key, v)
    {
        if (rc == 0)
            rc = set_field(d, line, id, span, key, json_incref(v));
    }
    json_decref(obj);
    return rc;
}

/* "#1\tAnnotatorNotes T3\tNOTE". */
static int note_line(bdoc_t *d, unsigned long line, char *id, char *rest)
{
    char *tab = strchr(rest, '\t'), *sp = strchr(rest, ' ');
    if (!tab || !sp || sp > tab) {
        line_error(d, line, id, "expected AnnotatorNotes TARGET<TAB>NOTE");
        return 0;
    }
    *tab = *sp = '\0';
    json_t *span = target(d, line, id, sp + 1);
    return span ? note_fields(d, line, id, span, tab + 1) : 0;
}

/* One line of the .ann (changed in place), in the pass its kind belongs
 * to: T lines first, so that the others can refer to any of them. */
static int one_line(bdoc_t *d, unsigned long line, char *text, int pass)
{
    if (text[strspn(text, " \t")] == '\0')
        return 0;
    char *tab = strchr(text, '\t');
    if (!tab) {
        if (pass == 0)
            line_error(d, line, text, "expected ID<TAB>...");
        return 0;
    }
    *tab = '\0';
    char *id = text, *rest = tab + 1;
    int rc = 0;
    switch (id[0]) {
    case 'T':
        rc = pass == 0 ? t_line(d, line, id, rest) : 0;
        break;
    case 'A':
    case 'M':
        rc = pass == 1 ? a_line(d, line, id, rest) : 0;
        break;
    case '#':
        rc = pass == 1 ? note_line(d, line, id, rest) : 0;
        break;
    case 'R':
    case 'E':
    case '*':
    case 'N':
        d->ignored += pass == 0;
        break;
    default:
        if (pass == 0)
            line_error(d, line, id, "unknown annotation kind");
    }
    return rc;
}

/* ---- Documents --------------------------------------------------------- */

/* The .txt beside the .ann, repaired by the UTF-8 policy as glossa run
 * would read it, and its code points. */
static int read_text(bdoc_t *d, const char *txt)
{
    char *raw;
    size_t n, bad;
    int e = slurp(txt, &raw, &n);
    if (e != 0) {
        glossa_export__say(WHO, txt, "cannot read the text of %s: %s", d->ann,
                           strerror(e));
        d->bad = 1;
        return e == ENOMEM ? GLOSSA_ENOMEM : 0;
    }
    int rc = glossa_export__utf8_repair(raw, n, &d->text, &d->len, &bad);
    free(raw);
    if (rc != 0)
        return rc;
    if (bad)
        glossa_export__say(WHO, txt,
                           "warning: %zu invalid UTF-8 sequences or NUL bytes "
                           "replaced with U+FFFD, as glossa run does",
                           bad);
    d->cp_byte = glossa_export__cp_index(d->text, d->len, &d->n_cp);
    return d->cp_byte ? 0 : GLOSSA_ENOMEM;
}

/* Both passes over the .ann's lines. */
static int read_ann(bdoc_t *d, const char *buf, size_t len)
{
    char *work = malloc(len + 1);
    if (!work)
        return GLOSSA_ENOMEM;
    int rc = 0;
    for (int pass = 0; rc == 0 && pass < 2; pass++) {
        memcpy(work, buf, len);
        work[len] = '\0';
        size_t pos = 0;
        unsigned long line = 0;
        char *text;
        while (rc == 0 && (text = next_line(work, len, &pos)) != NULL)
            rc = one_line(d, ++line, text, pass);
    }
    free(work);
    return rc;
}

/* Every layer annotation.conf declares is in the gold, empty if need be:
 * the document was annotated for it. */
static int declared_layers(bdoc_t *d)
{
    const char *layer;
    json_t *v;
    json_object_foreach(d->conf->layers, layer, v)
    {
        (void)v;
        if (!glossa_import__layer(&d->gold, layer))
            return GLOSSA_ENOMEM;
    }
    return 0;
}

static int import_doc(bdoc_t *d, const char *base)
{
    char *txt = glossa_cli_concat(base, ".txt"), *ann = NULL;
    size_t len;
    const char *slash = strrchr(base, '/');
    const char *name = slash ? slash + 1 : base;
    char *id = glossa_export__id_of_file(name, strlen(name));
    if (!txt || !id || !(d->by_id = json_object()) ||
        glossa_import__doc_init(&d->gold, id) != 0) {
        free(txt);
        free(id);
        return GLOSSA_ENOMEM;
    }
    free(id);
    int rc = read_text(d, txt), e = 0;
    if (rc == 0 && !d->bad && (e = slurp(d->ann, &ann, &len)) != 0) {
        glossa_export__say(WHO, d->ann, "cannot read: %s", strerror(e));
        d->bad = 1;
    }
    if (rc == 0 && !d->bad)
        rc = read_ann(d, ann, len);
    if (rc == 0 && !d->bad)
        rc = declared_layers(d);
    if (rc == 0 && d->ignored)
        glossa_export__say(WHO, d->ann,
                           "note: %lu relations, events, equivalences or "
                           "normalizations not imported",
                           d->ignored);
    if (rc == 0 && d->bad)
        glossa_export__say(WHO, d->ann, "document left out (see above)");
    else if (rc == 0)
        rc = glossa_import__doc_write(&d->gold, d->o, d->text, d->len, d->ann);
    free(ann);
    free(txt);
    return rc == 0 && d->bad ? EXPORT_SKIP : rc;
}

/* One .ann file: PATH.ann (path given with its extension). */
static int import_file(const import_opts_t *o, const conf_t *conf,
                       const char *path)
{
    bdoc_t d = {.o = o, .conf = conf, .ann = path};
    size_t n = strlen(path) - 4;
    char *base = strndup(path, n);
    int rc = base ? import_doc(&d, base) : GLOSSA_ENOMEM;
    free(base);
    free(d.text);
    free(d.cp_byte);
    json_decref(d.by_id);
    glossa_import__doc_clear(&d.gold);
    if (rc == GLOSSA_ENOMEM)
        glossa_export__nomem(WHO);
    return rc;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcmp(s + n - k, suffix) == 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_ann(const struct dirent *e)
{
    return e->d_name[0] != '.' && ends_with(e->d_name, ".ann");
}

/* Every .ann file of a directory, in name order. */
static int import_dir(const import_opts_t *o, const conf_t *conf,
                      const char *dir)
{
    struct dirent **list;
    int n = scandir(dir, &list, is_ann, by_name);
    if (n < 0) {
        glossa_export__say(WHO, dir, "cannot read the directory: %s",
                           strerror(errno));
        return GLOSSA_EIO;
    }
    if (n == 0)
        glossa_export__say(WHO, dir, "warning: no .ann files");
    int rc = 0, skipped = 0;
    for (int i = 0; i < n; i++) {
        char *path =
            rc >= 0 ? glossa_export__path(dir, list[i]->d_name, NULL) : NULL;
        if (rc >= 0)
            rc = path ? import_file(o, conf, path) : glossa_export__nomem(WHO);
        skipped |= rc == EXPORT_SKIP;
        free(path);
        free(list[i]);
    }
    free(list);
    return rc < 0 ? rc : skipped ? EXPORT_SKIP : 0;
}

int glossa_import__brat(const import_opts_t *o, const char *input)
{
    struct stat st;
    if (stat(input, &st) != 0) {
        glossa_export__say(WHO, input, "%s", strerror(errno));
        return GLOSSA_ENOENT;
    }
    int is_dir = S_ISDIR(st.st_mode);
    if (!is_dir && !ends_with(input, ".ann")) {
        glossa_export__say(WHO, input, "not a directory or a .ann file");
        return EXPORT_SKIP;
    }
    char *dir = strdup(input); /* a file's: where annotation.conf is */
    char *slash = dir && !is_dir ? strrchr(dir, '/') : NULL;
    if (dir && !is_dir && !slash)
        strcpy(dir, "."); /* "x.ann" is longer than "." */
    else if (slash)
        slash[slash == dir] = '\0';
    conf_t conf = {0};
    int rc = dir ? conf_read(dir, &conf) : GLOSSA_ENOMEM;
    if (rc == 0)
        rc = is_dir ? import_dir(o, &conf, dir) : import_file(o, &conf, input);
    else
        glossa_export__nomem(WHO);
    conf_free(&conf);
    free(dir);
    return rc;
}
