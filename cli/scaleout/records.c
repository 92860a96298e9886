#include "records.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct entry {
    char *file;
    json_t *manifest; /* its manifest record, or NULL */
    size_t manifest_line;
} entry_t;

struct glossa_cli_reader {
    const char *who;
    char **inputs;
    size_t n_inputs, cur;
    int opened;
    size_t max_doc_bytes;
    size_t problems;
    /* directory */
    entry_t *entries;
    size_t n_entries, entry_i;
    /* lines */
    FILE *f;
    size_t line_no;
    char *line;
    size_t line_cap;
    /* the current record */
    char *id, *text, *origin, *problem;
    size_t text_len;
    json_t *meta;
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* The id of a file: its name without .txt (or any extension). */
static char *strip_ext(const char *name)
{
    size_t n = strlen(name);
    if (has_suffix(name, ".txt")) {
        n -= 4;
    } else {
        const char *dot = strrchr(name, '.');
        if (dot && dot != name)
            n = (size_t)(dot - name);
    }
    return strndup(name, n);
}

int glossa_cli_reader_open(const char *const *inputs, size_t n,
                           size_t max_doc_bytes, const char *who,
                           glossa_cli_reader_t **out)
{
    *out = NULL;
    glossa_cli_reader_t *r = calloc(1, sizeof(*r));
    if (!r || !(r->inputs = calloc(n ? n : 1, sizeof(char *)))) {
        free(r);
        fprintf(stderr, "%s: out of memory\n", who);
        return -1;
    }
    r->who = who;
    r->max_doc_bytes = max_doc_bytes;
    int stdin_seen = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") == 0) {
            if (stdin_seen++) {
                fprintf(stderr, "%s: standard input given twice\n", who);
                glossa_cli_reader_free(r);
                return -1;
            }
        } else if (stat(inputs[i], &st) != 0) {
            fprintf(stderr, "%s: %s: cannot read input: %s\n", who, inputs[i],
                    strerror(errno));
            glossa_cli_reader_free(r);
            return -1;
        }
        r->inputs[i] = strdup(inputs[i]);
        r->n_inputs++;
        if (!r->inputs[i]) {
            glossa_cli_reader_free(r);
            return -1;
        }
    }
    *out = r;
    return 0;
}

size_t glossa_cli_reader_problems(const glossa_cli_reader_t *r)
{
    return r->problems;
}

static void clear_record(glossa_cli_reader_t *r)
{
    free(r->id);
    free(r->text);
    free(r->origin);
    free(r->problem);
    json_decref(r->meta);
    r->id = r->text = r->origin = r->problem = NULL;
    r->meta = NULL;
    r->text_len = 0;
}

static void close_input(glossa_cli_reader_t *r)
{
    for (size_t i = 0; i < r->n_entries; i++) {
        free(r->entries[i].file);
        json_decref(r->entries[i].manifest);
    }
    free(r->entries);
    r->entries = NULL;
    r->n_entries = r->entry_i = 0;
    if (r->f && r->f != stdin)
        fclose(r->f);
    r->f = NULL;
    r->line_no = 0;
    r->opened = 0;
}

void glossa_cli_reader_free(glossa_cli_reader_t *r)
{
    if (!r)
        return;
    clear_record(r);
    close_input(r);
    for (size_t i = 0; i < r->n_inputs; i++)
        free(r->inputs[i]);
    free(r->inputs);
    free(r->line);
    free(r);
}

/* ---- Directories ------------------------------------------------------- */

static int add_entry(glossa_cli_reader_t *r, size_t *cap, const char *file,
                     json_t *manifest, size_t line, const char *manifest_path)
{
    for (size_t i = 0; manifest && i < r->n_entries; i++) {
        if (strcmp(r->entries[i].file, file))
            continue;
        if (r->entries[i].manifest) {
            fprintf(stderr,
                    "%s: %s:%zu names '%s' again; the first entry (line %zu) "
                    "is used\n",
                    r->who, manifest_path, line, file,
                    r->entries[i].manifest_line);
            r->problems++;
            json_decref(manifest);
            return 0;
        }
        r->entries[i].manifest = manifest;
        r->entries[i].manifest_line = line;
        return 0;
    }
    if (r->n_entries == *cap) {
        size_t grown_cap = *cap ? *cap * 2 : 64;
        entry_t *grown = realloc(r->entries, grown_cap * sizeof(entry_t));
        if (!grown)
            return -1;
        r->entries = grown;
        *cap = grown_cap;
    }
    entry_t *e = &r->entries[r->n_entries];
    e->file = strdup(file);
    e->manifest = manifest;
    e->manifest_line = line;
    if (!e->file)
        return -1;
    r->n_entries++;
    return 0;
}

static int read_manifest(glossa_cli_reader_t *r, const char *dir, size_t *cap)
{
    char *path = format("%s/manifest.jsonl", dir);
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        free(path);
        return 0;
    }
    char *line = NULL;
    size_t line_cap = 0, line_no = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &line_cap, f)) >= 0) {
        line_no++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                       line[len - 1] == ' '))
            len--;
        if (len == 0)
            continue;
        json_error_t jerr;
        json_t *rec = json_loadb(line, len, 0, &jerr);
        json_t *file = rec ? json_object_get(rec, "file") : NULL;
        json_t *id = rec ? json_object_get(rec, "id") : NULL;
        const char *problem = NULL;
        if (!rec)
            problem = jerr.text;
        else if (!json_is_object(rec))
            problem = "a manifest line must be a JSON object";
        else if (file && !json_is_string(file))
            problem = "\"file\" must be a string";
        else if (!file && !json_is_string(id))
            problem = "a manifest line needs \"file\" or a string \"id\"";
        char *name = NULL;
        if (!problem) {
            name = file ? strdup(json_string_value(file))
                        : format("%s.txt", json_string_value(id));
            if (name && strchr(name, '/'))
                problem = "\"file\" must name a file in the directory itself";
        }
        if (problem) {
            fprintf(stderr, "%s: %s:%zu: %s; line ignored\n", r->who, path,
                    line_no, problem);
            r->problems++;
            json_decref(rec);
            free(name);
            continue;
        }
        rc = name ? add_entry(r, cap, name, rec, line_no, path) : -1;
        free(name);
    }
    free(line);
    fclose(f);
    free(path);
    return rc;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const entry_t *)a)->file, ((const entry_t *)b)->file);
}

static int open_dir(glossa_cli_reader_t *r, const char *dir)
{
    size_t cap = 0;
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "%s: %s: cannot list directory: %s\n", r->who, dir,
                strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc == 0 && name[0] != '.' && has_suffix(name, ".txt"))
            rc = add_entry(r, &cap, name, NULL, 0, NULL);
        free(names[i]);
    }
    free(names);
    if (rc == 0)
        rc = read_manifest(r, dir, &cap);
    if (rc) {
        fprintf(stderr, "%s: out of memory\n", r->who);
        return -1;
    }
    qsort(r->entries, r->n_entries, sizeof(entry_t), compare_entries);
    return 0;
}

/* Reads a whole file as the current record's text; a problem if it
 * cannot be read or is too big. */
static void read_text(glossa_cli_reader_t *r, const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        r->problem = format("%s: cannot read: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return;
    }
    size_t size = (size_t)st.st_size;
    if (size > r->max_doc_bytes) {
        r->problem = format("%s: document is %zu bytes, over the limit of %zu "
                            "(--max-doc-bytes)",
                            path, size, r->max_doc_bytes);
        fclose(f);
        return;
    }
    r->text = malloc(size + 1);
    r->text_len = r->text ? fread(r->text, 1, size, f) : 0;
    int changed = r->text && (r->text_len != size || getc(f) != EOF);
    fclose(f);
    if (!r->text || changed)
        r->problem =
            format("%s: %s", path,
                   r->text ? "file changed while reading" : "out of memory");
}

static int dir_record(glossa_cli_reader_t *r, const char *dir, const entry_t *e)
{
    r->origin = format("%s/%s", dir, e->file);
    if (e->manifest) {
        json_t *id = json_object_get(e->manifest, "id");
        r->id = json_is_string(id) ? strdup(json_string_value(id))
                                   : strip_ext(e->file);
        r->meta = json_deep_copy(e->manifest);
        if (r->meta) {
            json_object_del(r->meta, "id");
            if (!json_object_get(r->meta, "file"))
                json_object_set_new(r->meta, "file", json_string(e->file));
        }
    } else {
        r->id = strip_ext(e->file);
        r->meta = json_pack("{s:s}", "file", e->file);
    }
    if (!r->origin || !r->id || !r->meta)
        return -1;
    struct stat st;
    if (e->manifest && stat(r->origin, &st) != 0) {
        r->problem = format("%s/manifest.jsonl:%zu: names '%s', which cannot "
                            "be read: %s",
                            dir, e->manifest_line, e->file, strerror(errno));
        return 0;
    }
    read_text(r, r->origin);
    return 0;
}

/* ---- Lines ------------------------------------------------------------- */

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Decodes a JSONL record as the core does (core/doc.c). */
static void decode_line(glossa_cli_reader_t *r, const char *line, size_t len)
{
    json_error_t jerr;
    json_t *rec = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
    if (!rec) {
        r->problem =
            format("%s: column %d: invalid JSON (or invalid UTF-8): %s",
                   r->origin, jerr.column, jerr.text);
        return;
    }
    json_t *id = json_object_get(rec, "id");
    json_t *text = json_object_get(rec, "text");
    json_t *meta = json_object_get(rec, "meta");
    if (!json_is_object(rec) || !json_is_string(text)) {
        r->problem = format("%s: a record must be a JSON object with a "
                            "\"text\" string",
                            r->origin);
    } else if (id && !json_is_string(id) && !json_is_integer(id)) {
        r->problem =
            format("%s: \"id\" must be a string or an integer", r->origin);
    } else if (meta && !json_is_object(meta)) {
        r->problem = format("%s: \"meta\" must be an object", r->origin);
    }
    if (r->problem) {
        json_decref(rec);
        return;
    }
    if (json_is_string(id))
        r->id = strdup(json_string_value(id));
    else if (json_is_integer(id))
        r->id = format("%lld", (long long)json_integer_value(id));
    r->meta = meta ? json_deep_copy(meta) : json_object();
    const char *key;
    json_t *value;
    json_object_foreach(rec, key, value)
    {
        if (strcmp(key, "id") && strcmp(key, "text") && strcmp(key, "meta") &&
            r->meta && !json_object_get(r->meta, key))
            json_object_set(r->meta, key, value);
    }
    r->text_len = json_string_length(text);
    if (r->text_len > r->max_doc_bytes)
        r->problem = format("%s: document is %zu bytes, over the limit of %zu "
                            "(--max-doc-bytes)",
                            r->origin, r->text_len, r->max_doc_bytes);
    else
        r->text = malloc(r->text_len + 1);
    if (r->text)
        memcpy(r->text, json_string_value(text), r->text_len + 1);
    json_decref(rec);
    if (!r->problem && (!r->text || !r->meta || (id && !r->id)))
        r->problem = format("%s: out of memory", r->origin);
}

/* Returns 1 with a record, 0 at the end of the input, -1 on a read error. */
static int next_line(glossa_cli_reader_t *r, const char *name)
{
    for (;;) {
        ssize_t n = getline(&r->line, &r->line_cap, r->f);
        if (n < 0) {
            if (ferror(r->f)) {
                fprintf(stderr, "%s: %s: read error: %s\n", r->who, name,
                        strerror(errno));
                return -1;
            }
            return 0;
        }
        r->line_no++;
        size_t len = (size_t)n;
        if (len && r->line[len - 1] == '\n')
            len--;
        if (len && r->line[len - 1] == '\r')
            len--;
        if (is_blank(r->line, len))
            continue;
        r->origin = format("%s:%zu", name, r->line_no);
        if (!r->origin)
            return -1;
        decode_line(r, r->line, len);
        return 1;
    }
}

int glossa_cli_reader_next(glossa_cli_reader_t *r, glossa_cli_record_t *rec)
{
    clear_record(r);
    memset(rec, 0, sizeof(*rec));
    while (r->cur < r->n_inputs) {
        const char *path = r->inputs[r->cur];
        int is_stdin = strcmp(path, "-") == 0;
        struct stat st;
        int is_dir = !is_stdin && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        int rc = 0;
        if (!r->opened) {
            r->opened = 1;
            if (is_dir) {
                if (open_dir(r, path))
                    return -1;
            } else if (is_stdin || has_suffix(path, ".jsonl")) {
                r->f = is_stdin ? stdin : fopen(path, "rb");
                if (!r->f) {
                    fprintf(stderr, "%s: %s: cannot open: %s\n", r->who, path,
                            strerror(errno));
                    return -1;
                }
            } else {
                /* One document. */
                const char *base = strrchr(path, '/');
                base = base ? base + 1 : path;
                r->origin = strdup(path);
                r->id = strip_ext(base);
                r->meta = json_pack("{s:s}", "file", base);
                if (!r->origin || !r->id || !r->meta)
                    return -1;
                read_text(r, path);
                rc = 1;
            }
        }
        if (rc == 0 && is_dir && r->entry_i < r->n_entries) {
            if (dir_record(r, path, &r->entries[r->entry_i++]))
                return -1;
            rc = 1;
        } else if (rc == 0 && r->f) {
            rc = next_line(r, is_stdin ? "<stdin>" : path);
            if (rc < 0)
                return -1;
        }
        if (rc == 1) {
            rec->id = r->id ? r->id : r->origin;
            rec->text = r->text;
            rec->text_len = r->text_len;
            rec->meta = r->meta;
            rec->origin = r->origin;
            rec->problem = r->problem;
            return 1;
        }
        close_input(r);
        r->cur++;
    }
    return 0;
}
