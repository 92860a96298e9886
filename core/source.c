/* Input: turns the inputs given to glossa_source_open() into a stream of
 * raw records, one document each, in a deterministic order:
 *   - a directory: its *.txt files (and files named by its manifest.jsonl)
 *     sorted by name, metadata from the manifest;
 *   - a .jsonl file or "-" (standard input): one record per non-blank line;
 *   - any other file: one document.
 * Every record counts for sharding (index % shard_count) and resuming
 * (skip_records), and records skipped that way are not read beyond what it
 * takes to find their end. Runs on the runtime's reader thread. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "alloc.h"
#include "id_set.h"
#include "log.h"
#include "report.h"
#include "runtime_int.h"
#include "utf8.h"

enum { IN_DIR, IN_FILE, IN_JSONL, IN_STDIN, IN_CALLBACK, IN_DOCS };

/* The most a JSONL line may hold beyond the document text itself: escapes
 * can double the text, metadata adds a little. */
#define JSONL_LINE_SLACK ((size_t)1 << 20)
#define READ_CHUNK ((size_t)1 << 20)

typedef struct input {
    int kind;
    char *path;  /* as given: to open */
    char *shown; /* valid UTF-8: to name it in ids, records and messages */
} input_t;

/* A directory entry: a .txt file and/or a manifest record naming it. */
typedef struct dir_entry {
    char *file;
    json_t *record; /* manifest record or NULL */
    size_t manifest_line;
} dir_entry_t;

struct glossa_source {
    glossa_runtime_t *rt;
    input_t *inputs;
    size_t n_inputs;
    size_t cur;
    int cur_open;
    glossa_source_options_t opts;
    uint64_t index; /* records seen, before sharding */
    uint64_t kept;  /* records of this shard seen, before skipping */
    int64_t size_hint;
    uint64_t problems;

    /* directory */
    dir_entry_t *entries;
    size_t n_entries, entry_i;

    /* JSONL file or stdin */
    int fd;
    char *buf;
    size_t buf_len, buf_pos, buf_cap;
    int eof;
    uint64_t line_no;

    /* callback */
    glossa_source_next_cb cb;
    void *cb_ud;
    int (*doc_cb)(void *ud, glossa__doc_t **out); /* IN_DOCS */

    /* Ids handed out, to warn about one given twice; where the record
     * being made was in its input (see glossa__id_place_t). */
    glossa__id_set_t *ids;
    uint32_t record_where;
    uint64_t duplicate_ids;
    int duplicates_summed;
    int ids_unchecked;

    /* glossa_source_read(): the record handed out last. */
    glossa__doc_t *read_doc;
    glossa_source_record_t record;
};

void glossa_source_options_init(glossa_source_options_t *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int64_t dir_size(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!has_suffix(e->d_name, ".txt"))
            continue;
        char *p = glossa__asprintf("%s/%s", path, e->d_name);
        struct stat st;
        if (p && stat(p, &st) == 0)
            total += st.st_size;
        glossa__free(p);
    }
    closedir(d);
    return total;
}

int glossa_source_open(glossa_runtime_t *rt, const char *const *inputs,
                       size_t n_inputs, const glossa_source_options_t *opts,
                       glossa_source_t **out, glossa_error_t *err)
{
    glossa_error_clear(err);
    *out = NULL;
    if (!rt || (!inputs && n_inputs))
        return GLOSSA_EINVAL;
    glossa_source_t *src = glossa__calloc(1, sizeof(*src));
    if (!src)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    src->rt = rt;
    src->fd = -1;
    glossa_source_options_init(&src->opts);
    if (opts)
        memcpy(&src->opts, opts,
               opts->size && opts->size < sizeof(src->opts)
                   ? opts->size
                   : sizeof(src->opts));
    if (src->opts.shard_count > 1 &&
        src->opts.shard_index >= src->opts.shard_count) {
        glossa_source_free(src);
        return glossa__fail(err, GLOSSA_EINVAL, NULL, 0,
                            "shard index %llu is not below the shard count "
                            "%llu",
                            (unsigned long long)opts->shard_index,
                            (unsigned long long)opts->shard_count);
    }
    src->inputs = glossa__calloc(n_inputs ? n_inputs : 1, sizeof(input_t));
    if (!src->inputs) {
        glossa_source_free(src);
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    }
    int stdin_seen = 0;
    for (size_t i = 0; i < n_inputs; i++) {
        const char *p = inputs[i];
        input_t *in = &src->inputs[i];
        in->path = glossa__strdup(p);
        in->shown = glossa__utf8_shown(p);
        src->n_inputs++;
        if (!in->path || !in->shown) {
            glossa_source_free(src);
            return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
        }
        if (strcmp(p, "-") == 0) {
            if (stdin_seen++) {
                glossa_source_free(src);
                return glossa__fail(err, GLOSSA_EINVAL, "-", 0,
                                    "standard input given twice");
            }
            in->kind = IN_STDIN;
            src->size_hint = -1;
            continue;
        }
        struct stat st;
        if (stat(p, &st) != 0) {
            int e = errno;
            glossa_source_free(src);
            return glossa__fail(err, GLOSSA_ENOENT, p, 0,
                                "cannot read input: %s", strerror(e));
        }
        if (S_ISDIR(st.st_mode)) {
            in->kind = IN_DIR;
            int64_t size = dir_size(p);
            if (src->size_hint >= 0 && size >= 0)
                src->size_hint += size;
        } else {
            in->kind = has_suffix(p, ".jsonl") ? IN_JSONL : IN_FILE;
            if (src->size_hint >= 0)
                src->size_hint += st.st_size;
        }
    }
    if (src->size_hint > 0 && src->opts.shard_count > 1)
        src->size_hint /= (int64_t)src->opts.shard_count;
    *out = src;
    return 0;
}

int glossa_source_from_callback(glossa_runtime_t *rt,
                                glossa_source_next_cb next, void *ud,
                                glossa_source_t **out)
{
    *out = NULL;
    if (!rt || !next)
        return GLOSSA_EINVAL;
    glossa_source_t *src = glossa__calloc(1, sizeof(*src));
    input_t *in = glossa__calloc(1, sizeof(input_t));
    if (!src || !in) {
        glossa__free(src);
        glossa__free(in);
        return GLOSSA_ENOMEM;
    }
    src->rt = rt;
    src->fd = -1;
    glossa_source_options_init(&src->opts);
    in->kind = IN_CALLBACK;
    src->inputs = in;
    src->n_inputs = 1;
    src->cb = next;
    src->cb_ud = ud;
    src->size_hint = -1;
    *out = src;
    return 0;
}

int glossa__source_from_docs(glossa_runtime_t *rt,
                             int (*next)(void *ud, glossa__doc_t **out),
                             void *ud, glossa_source_t **out)
{
    *out = NULL;
    if (!rt || !next)
        return GLOSSA_EINVAL;
    glossa_source_t *src = glossa__calloc(1, sizeof(*src));
    input_t *in = glossa__calloc(1, sizeof(input_t));
    if (!src || !in) {
        glossa__free(src);
        glossa__free(in);
        return GLOSSA_ENOMEM;
    }
    src->rt = rt;
    src->fd = -1;
    glossa_source_options_init(&src->opts);
    in->kind = IN_DOCS;
    src->inputs = in;
    src->n_inputs = 1;
    src->doc_cb = next;
    src->cb_ud = ud;
    src->size_hint = -1;
    src->ids_unchecked = 1;
    *out = src;
    return 0;
}

int64_t glossa_source_size_hint(const glossa_source_t *src)
{
    return src ? src->size_hint : -1;
}

uint64_t glossa_source_problems(const glossa_source_t *src)
{
    return src ? src->problems : 0;
}

const glossa_runtime_t *glossa__source_runtime(const glossa_source_t *src)
{
    return src->rt;
}

static void close_current(glossa_source_t *src)
{
    for (size_t i = 0; i < src->n_entries; i++) {
        glossa__free(src->entries[i].file);
        json_decref(src->entries[i].record);
    }
    glossa__free(src->entries);
    src->entries = NULL;
    src->n_entries = src->entry_i = 0;
    if (src->fd > 0)
        close(src->fd);
    src->fd = -1;
    glossa__free(src->buf);
    src->buf = NULL;
    src->buf_len = src->buf_pos = src->buf_cap = 0;
    src->eof = 0;
    src->line_no = 0;
    src->cur_open = 0;
}

void glossa_source_free(glossa_source_t *src)
{
    if (!src)
        return;
    glossa__doc_free(src->read_doc);
    glossa__id_set_free(src->ids);
    close_current(src);
    for (size_t i = 0; i < src->n_inputs; i++) {
        glossa__free(src->inputs[i].path);
        glossa__free(src->inputs[i].shown);
    }
    glossa__free(src->inputs);
    glossa__free(src);
}

/* Counts one record and says whether this run wants it. */
static int want_record(glossa_source_t *src)
{
    uint64_t i = src->index++;
    if (src->opts.shard_count > 1 &&
        i % src->opts.shard_count != src->opts.shard_index)
        return 0;
    return src->kept++ >= src->opts.skip_records;
}

/* ---- Directories ------------------------------------------------------- */

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const dir_entry_t *)a)->file,
                  ((const dir_entry_t *)b)->file);
}

/* A directory's entries while it is listed: the array's capacity, and an
 * index from file name to entry so that a manifest of n lines is matched
 * in O(n), not O(n^2) (open addressing on XXH3, names compared in full). */
typedef struct dir_listing {
    size_t cap;
    size_t *slots; /* entry index + 1; 0 is empty */
    size_t mask;   /* slots - 1, a power of two minus one; 0: no table */
} dir_listing_t;

static size_t *listing_slot(const glossa_source_t *src, const dir_listing_t *l,
                            const char *file)
{
    size_t i = (size_t)XXH3_64bits(file, strlen(file)) & l->mask;
    while (l->slots[i] && strcmp(src->entries[l->slots[i] - 1].file, file))
        i = (i + 1) & l->mask;
    return &l->slots[i];
}

/* Keeps the table at most half full. Returns 0 or GLOSSA_ENOMEM. */
static int listing_reserve(const glossa_source_t *src, dir_listing_t *l,
                           size_t n)
{
    if (l->mask && n * 2 <= l->mask + 1)
        return 0;
    size_t size = l->mask ? (l->mask + 1) * 2 : 128;
    while (size < n * 2)
        size *= 2;
    dir_listing_t grown = {.cap = l->cap,
                           .slots = glossa__calloc(size, sizeof(size_t)),
                           .mask = size - 1};
    if (!grown.slots)
        return GLOSSA_ENOMEM;
    for (size_t e = 0; e < src->n_entries; e++)
        *listing_slot(src, &grown, src->entries[e].file) = e + 1;
    glossa__free(l->slots);
    *l = grown;
    return 0;
}

static int add_entry(glossa_source_t *src, dir_listing_t *l, const char *file,
                     json_t *record, size_t manifest_line)
{
    int rc = listing_reserve(src, l, src->n_entries + 1);
    if (rc)
        return rc;
    size_t *slot = listing_slot(src, l, file);
    if (*slot) {
        dir_entry_t *e = &src->entries[*slot - 1];
        if (e->record) {
            glossa__log(src->rt, GLOSSA_LOG_WARN, NULL, NULL,
                        "manifest line %zu names '%s' again; the first "
                        "entry (line %zu) is used",
                        manifest_line, file, e->manifest_line);
            src->problems++;
            json_decref(record);
            return 0;
        }
        e->record = record;
        e->manifest_line = manifest_line;
        return 0;
    }
    if (src->n_entries == l->cap) {
        size_t grown_cap = l->cap ? l->cap * 2 : 64;
        dir_entry_t *grown =
            glossa__realloc(src->entries, grown_cap * sizeof(dir_entry_t));
        if (!grown)
            return GLOSSA_ENOMEM;
        src->entries = grown;
        l->cap = grown_cap;
    }
    dir_entry_t *e = &src->entries[src->n_entries];
    e->file = glossa__strdup(file);
    if (!e->file)
        return GLOSSA_ENOMEM;
    e->record = record;
    e->manifest_line = manifest_line;
    *slot = ++src->n_entries;
    return 0;
}

/* Reads manifest.jsonl. Broken lines are reported and counted as problems;
 * they cannot be tied to a document. */
static int read_manifest(glossa_source_t *src, const char *dir,
                         dir_listing_t *listing, glossa_error_t *err)
{
    char *path = glossa__asprintf("%s/manifest.jsonl", dir);
    if (!path)
        return glossa__fail(err, GLOSSA_ENOMEM, dir, 0, "out of memory");
    FILE *f = fopen(path, "rb");
    if (!f) {
        glossa__free(path);
        return 0; /* no manifest: fine */
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
        unsigned long oom_mark = glossa__alloc_failures();
        json_t *rec = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
        if (!rec && glossa__json_oom(&jerr, oom_mark)) {
            rc = GLOSSA_ENOMEM;
            break;
        }
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
        if (problem) {
            glossa__log(src->rt, GLOSSA_LOG_ERROR, NULL, NULL,
                        "%s:%zu: %s; line ignored", path, line_no, problem);
            src->problems++;
            json_decref(rec);
            continue;
        }
        char *name = file ? glossa__strdup(json_string_value(file))
                          : glossa__asprintf("%s.txt", json_string_value(id));
        if (!name || strchr(name, '/')) {
            if (name)
                glossa__log(src->rt, GLOSSA_LOG_ERROR, NULL, NULL,
                            "%s:%zu: \"file\" must name a file in the "
                            "directory itself; line ignored",
                            path, line_no);
            src->problems += name != NULL;
            rc = name ? 0 : GLOSSA_ENOMEM;
            glossa__free(name);
            json_decref(rec);
            continue;
        }
        rc = add_entry(src, listing, name, rec, line_no);
        glossa__free(name);
    }
    free(line);
    fclose(f);
    glossa__free(path);
    return rc ? glossa__fail(err, rc, dir, 0, "out of memory") : 0;
}

/* Symbolic links in an input folder are not followed unless asked
 * (--follow-symlinks), as find(1) does not: a link can lead anywhere on
 * the machine, and whoever can write into a folder should not choose
 * what a run reads outside it. Inputs named on the command line are the
 * user's choice and followed. */
static int is_unfollowed_link(const glossa_source_t *src, int dfd,
                              const char *name)
{
    struct stat st;
    return !src->opts.follow_symlinks && dfd >= 0 &&
           fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISLNK(st.st_mode);
}

static void warn_unfollowed_link(glossa_source_t *src, const char *dir,
                                 const char *name)
{
    char *shown = glossa__utf8_shown(name);
    char *dir_shown = glossa__utf8_shown(dir);
    glossa__log(src->rt, GLOSSA_LOG_WARN, NULL, NULL,
                "%s/%s: a symbolic link, not followed; skipped "
                "(--follow-symlinks reads what links point to)",
                dir_shown ? dir_shown : "?", shown ? shown : "?");
    glossa__free(shown);
    glossa__free(dir_shown);
}

static int open_dir(glossa_source_t *src, const char *dir, glossa_error_t *err)
{
    dir_listing_t listing = {0};
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return glossa__fail(err, GLOSSA_EIO, dir, 0,
                            "cannot list directory: %s", strerror(errno));
    int rc = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc == 0 && name[0] != '.' && has_suffix(name, ".txt")) {
            if (is_unfollowed_link(src, dfd, name))
                warn_unfollowed_link(src, dir, name);
            else
                rc = add_entry(src, &listing, name, NULL, 0);
        }
        free(names[i]);
    }
    if (dfd >= 0)
        close(dfd);
    free(names);
    if (rc) {
        glossa__free(listing.slots);
        return glossa__fail(err, rc, dir, 0, "out of memory");
    }
    rc = read_manifest(src, dir, &listing, err);
    glossa__free(listing.slots);
    if (rc)
        return rc;
    if (src->n_entries) /* an empty directory has no array to sort */
        qsort(src->entries, src->n_entries, sizeof(dir_entry_t),
              compare_entries);
    return 0;
}

/* Reads fd to its end into doc->raw: a regular file by its size, anything
 * else (a FIFO, a pipe, /dev/stdin, a /proc file) until end of file, which
 * its size does not tell. More than max_doc_bytes is not kept. */
static void read_text_fd(glossa_source_t *src, int fd, const char *path,
                         glossa__doc_t *doc)
{
    size_t limit = src->rt->opts.max_doc_bytes;
    struct stat st;
    /* A regular file is read in one allocation of its size. Anything else
     * (a FIFO, a character device, a /proc file whose size reads as 0) is
     * read to its end in growing chunks. */
    int sized = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    size_t cap = sized ? (size_t)st.st_size + 1 : READ_CHUNK;
    if (sized && (size_t)st.st_size > limit) {
        doc->input_bytes = (size_t)st.st_size;
        doc->input_error =
            glossa__asprintf("%s: document is %zu bytes, over the limit of %zu "
                             "(--max-doc-bytes); not read",
                             path, (size_t)st.st_size, limit);
        doc->input_error_code = GLOSSA_ETOOBIG;
        return;
    }
    size_t got = 0;
    doc->raw = glossa__malloc(cap);
    for (;;) {
        if (doc->raw && got == cap - 1 && !sized) {
            size_t grown_cap = cap * 2;
            char *grown = glossa__realloc(doc->raw, grown_cap);
            if (!grown) {
                glossa__free(doc->raw);
                doc->raw = NULL;
            }
            doc->raw = grown;
            cap = grown_cap;
        }
        if (!doc->raw || got > limit || (sized && got == cap - 1))
            break;
        ssize_t r = read(fd, doc->raw + got, cap - 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r < 0) {
                doc->input_error = glossa__asprintf("%s: read error: %s", path,
                                                    strerror(errno));
                doc->input_error_code = GLOSSA_EIO;
            }
            break;
        }
        got += (size_t)r;
    }
    doc->input_bytes = got;
    if (doc->input_error)
        return;
    if (!doc->raw || (sized && got != (size_t)st.st_size)) {
        doc->input_error = glossa__asprintf(
            "%s: %s", path,
            doc->raw ? "file changed while reading" : "out of memory");
        doc->input_error_code = doc->raw ? GLOSSA_EIO : GLOSSA_ENOMEM;
        return;
    }
    if (got > limit) {
        doc->input_error = glossa__asprintf(
            "%s: document is over the limit of %zu bytes (--max-doc-bytes); "
            "not read",
            path, limit);
        doc->input_error_code = GLOSSA_ETOOBIG;
        glossa__free(doc->raw);
        doc->raw = NULL;
        return;
    }
    doc->raw[got] = '\0';
    doc->raw_len = got;
    doc->raw_kind = GLOSSA__RAW_TEXT;
}

/* Reads a whole file as one document's raw text; messages name it by
 * doc->origin (the path made valid UTF-8). */
static void read_text_file(glossa_source_t *src, const char *path,
                           int in_folder, glossa__doc_t *doc)
{
    int no_follow = in_folder && !src->opts.follow_symlinks ? O_NOFOLLOW : 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | no_follow);
    if (fd < 0 && errno == ELOOP && no_follow) {
        doc->input_error = glossa__asprintf(
            "%s: a symbolic link, not followed in an input folder "
            "(--follow-symlinks reads what links point to)",
            doc->origin);
        doc->input_error_code = GLOSSA_EIO;
        return;
    }
    if (fd < 0) {
        doc->input_error = glossa__asprintf("%s: cannot read: %s", doc->origin,
                                            strerror(errno));
        doc->input_error_code = GLOSSA_EIO;
        return;
    }
    read_text_fd(src, fd, doc->origin, doc);
    close(fd);
}

static char *strip_txt(const char *name)
{
    size_t n = strlen(name);
    if (has_suffix(name, ".txt"))
        n -= 4;
    else {
        const char *dot = strrchr(name, '.');
        if (dot && dot != name)
            n = (size_t)(dot - name);
    }
    return glossa__strndup(name, n);
}

/* The metadata of a directory entry without a manifest line: its file
 * name; a name that is not UTF-8 (a file system takes any bytes) is given
 * with U+FFFD for its bad bytes, and exactly in file_raw, byte-escaped. */
static json_t *file_meta(const char *file, const char *shown)
{
    if (glossa__utf8_is_valid(file))
        return json_pack("{s:s}", "file", file);
    char *raw = glossa__bytes_escaped(file);
    json_t *meta =
        raw ? json_pack("{s:s,s:s}", "file", shown, "file_raw", raw) : NULL;
    glossa__free(raw);
    return meta;
}

/* Fills doc from one directory entry. */
static int dir_record(glossa_source_t *src, const char *dir,
                      const dir_entry_t *e, glossa__doc_t *doc)
{
    char *path = glossa__asprintf("%s/%s", dir, e->file);
    char *shown = glossa__utf8_shown(e->file);
    doc->origin = path ? glossa__utf8_shown(path) : NULL;
    int rc = path && shown && doc->origin ? 0 : GLOSSA_ENOMEM;
    if (rc == 0 && e->record) {
        json_t *id = json_object_get(e->record, "id");
        doc->id = json_is_string(id) ? glossa__strdup(json_string_value(id))
                                     : strip_txt(shown);
        doc->meta = json_deep_copy(e->record);
        if (doc->meta) {
            json_object_del(doc->meta, "id");
            if (!json_object_get(doc->meta, "file"))
                json_object_set_new(doc->meta, "file", json_string(shown));
        }
    } else if (rc == 0) {
        doc->id = strip_txt(shown);
        doc->meta = file_meta(e->file, shown);
    }
    if (rc == 0 && (!doc->id || !doc->meta))
        rc = GLOSSA_ENOMEM;
    struct stat st;
    if (rc == 0 && e->record && stat(path, &st) != 0) {
        int e_no = errno;
        char *dir_shown = glossa__utf8_shown(dir);
        doc->input_error = glossa__asprintf(
            "%s/manifest.jsonl:%zu: names '%s', which cannot be read: %s",
            dir_shown ? dir_shown : "?", e->manifest_line, shown,
            strerror(e_no));
        glossa__free(dir_shown);
        doc->input_error_code = GLOSSA_ENOENT;
        rc = doc->input_error ? 0 : GLOSSA_ENOMEM;
    } else if (rc == 0) {
        read_text_file(src, path, 1, doc);
    }
    glossa__free(path);
    glossa__free(shown);
    return rc;
}

/* ---- Lines (JSONL files and stdin) ------------------------------------- */

/* Reads more input into the buffer. Returns bytes read, 0 at end, or -1 on
 * error. Standard input is polled so that a stop request is noticed while
 * waiting for data. */
static ssize_t fill(glossa_source_t *src)
{
    if (src->buf_pos > 0 && src->buf_pos == src->buf_len)
        src->buf_pos = src->buf_len = 0;
    if (src->buf_cap - src->buf_len < READ_CHUNK) {
        if (src->buf_pos > 0) { /* compact before growing */
            memmove(src->buf, src->buf + src->buf_pos,
                    src->buf_len - src->buf_pos);
            src->buf_len -= src->buf_pos;
            src->buf_pos = 0;
        }
        if (src->buf_cap - src->buf_len < READ_CHUNK) {
            size_t cap = src->buf_cap ? src->buf_cap * 2 : 2 * READ_CHUNK;
            char *grown = glossa__realloc(src->buf, cap);
            if (!grown)
                return -1;
            src->buf = grown;
            src->buf_cap = cap;
        }
    }
    for (;;) {
        if (src->inputs[src->cur].kind == IN_STDIN) {
            struct pollfd p = {src->fd, POLLIN, 0};
            int r = poll(&p, 1, 100);
            if (atomic_load(&src->rt->stop_requested))
                return 0;
            if (r == 0 || (r < 0 && errno == EINTR))
                continue;
        }
        ssize_t r =
            read(src->fd, src->buf + src->buf_len, src->buf_cap - src->buf_len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0)
            src->buf_len += (size_t)r;
        return r;
    }
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/* Returns 1 with a record (wanted or not: *doc stays NULL for unwanted
 * ones), 0 at the end of this input, or a negative code. */
static int next_line_record(glossa_source_t *src, const char *name,
                            glossa__doc_t **out, glossa_error_t *err)
{
    size_t limit = src->rt->opts.max_doc_bytes * 2 + JSONL_LINE_SLACK;
    for (;;) {
        /* No buffer yet before the first read (NULL + 0 is undefined). */
        char *start = src->buf ? src->buf + src->buf_pos : NULL;
        size_t avail = src->buf_len - src->buf_pos;
        char *nl = avail ? memchr(start, '\n', avail) : NULL;
        int last_line = !nl && src->eof && avail > 0;
        if (!nl && !last_line) {
            if (src->eof)
                return 0;
            if (avail > limit) {
                /* Too long: drop it up to its newline without keeping it. */
                uint64_t line_no = ++src->line_no;
                int wanted = want_record(src);
                size_t dropped = 0;
                for (;;) {
                    char *p = src->buf + src->buf_pos;
                    size_t a = src->buf_len - src->buf_pos;
                    char *q = memchr(p, '\n', a);
                    dropped += q ? (size_t)(q - p) : a;
                    src->buf_pos += q ? (size_t)(q - p) + 1 : a;
                    if (q)
                        break;
                    ssize_t r = fill(src);
                    if (r < 0)
                        return glossa__fail(err, GLOSSA_EIO, name, 0,
                                            "read error: %s", strerror(errno));
                    if (r == 0) {
                        src->eof = 1;
                        break;
                    }
                }
                if (!wanted)
                    return 1;
                glossa__doc_t *doc = glossa__doc_new();
                if (!doc)
                    return GLOSSA_ENOMEM;
                doc->origin = glossa__asprintf("%s:%llu", name,
                                               (unsigned long long)line_no);
                doc->input_error = glossa__asprintf(
                    "%s:%llu: line of %zu bytes is over the limit of %zu "
                    "(twice --max-doc-bytes plus 1 MiB); not read",
                    name, (unsigned long long)line_no, dropped, limit);
                doc->input_error_code = GLOSSA_ETOOBIG;
                doc->input_bytes = 0;
                *out = doc;
                return (doc->origin && doc->input_error) ? 1 : GLOSSA_ENOMEM;
            }
            ssize_t r = fill(src);
            if (r < 0)
                return glossa__fail(err, GLOSSA_EIO, name, 0, "read error: %s",
                                    strerror(errno));
            if (r == 0)
                src->eof = 1;
            continue;
        }
        size_t len = nl ? (size_t)(nl - start) : avail;
        src->buf_pos += len + (nl ? 1 : 0);
        src->line_no++;
        if (len && start[len - 1] == '\r')
            len--;
        if (src->line_no == 1 && len >= 3 &&
            memcmp(start, "\xEF\xBB\xBF", 3) == 0) {
            /* A byte order mark some editors write: not part of the
             * first record. */
            start += 3;
            len -= 3;
            glossa__log(src->rt, GLOSSA_LOG_WARN, NULL, NULL,
                        "%s: a UTF-8 byte order mark at the start was "
                        "skipped",
                        name);
        }
        if (is_blank(start, len))
            continue; /* blank lines are not records */
        if (!want_record(src))
            return 1;
        glossa__doc_t *doc = glossa__doc_new();
        if (!doc)
            return GLOSSA_ENOMEM;
        /* A line is a JSON record, or with GLOSSA_INPUT_LINES on standard
         * input, the text of a document named by its place. */
        int plain = src->inputs[src->cur].kind == IN_STDIN &&
                    src->opts.stdin_format == GLOSSA_INPUT_LINES;
        doc->raw_kind = plain ? GLOSSA__RAW_TEXT : GLOSSA__RAW_JSON;
        doc->raw = glossa__strndup(start, len);
        doc->raw_len = len;
        doc->input_bytes = len;
        doc->origin =
            glossa__asprintf("%s:%llu", name, (unsigned long long)src->line_no);
        if (plain && doc->origin)
            doc->id = glossa__strdup(doc->origin);
        *out = doc;
        return (doc->raw && doc->origin && (!plain || doc->id)) ? 1
                                                                : GLOSSA_ENOMEM;
    }
}

/* ---- The stream -------------------------------------------------------- */

static int open_current(glossa_source_t *src, glossa_error_t *err)
{
    input_t *in = &src->inputs[src->cur];
    src->cur_open = 1;
    switch (in->kind) {
    case IN_DIR:
        return open_dir(src, in->path, err);
    case IN_JSONL:
        src->fd = open(in->path, O_RDONLY | O_CLOEXEC);
        if (src->fd < 0)
            return glossa__fail(err, GLOSSA_EIO, in->path, 0, "cannot open: %s",
                                strerror(errno));
        return 0;
    case IN_STDIN:
        src->fd = 0;
        return 0;
    default:
        return 0;
    }
}

static int callback_record(glossa_source_t *src, glossa__doc_t **out,
                           glossa_error_t *err)
{
    for (;;) {
        glossa_record_t rec;
        memset(&rec, 0, sizeof(rec));
        int rc = src->cb(src->cb_ud, &rec);
        if (rc < 0)
            return glossa__fail(err, rc, "source", 0,
                                "the input callback failed: %s",
                                glossa_strerror(rc));
        if (rc == 0)
            return 0;
        if (!want_record(src))
            continue;
        glossa__doc_t *doc = glossa__doc_new();
        if (!doc)
            return GLOSSA_ENOMEM;
        *out = doc;
        uint64_t n = src->index;
        doc->origin =
            rec.origin ? glossa__strdup(rec.origin)
                       : glossa__asprintf("record %llu", (unsigned long long)n);
        doc->id = rec.id ? glossa__strdup(rec.id) : NULL;
        doc->meta = rec.meta ? json_deep_copy(rec.meta) : json_object();
        doc->raw = glossa__malloc(rec.text_len + 1);
        if (!doc->origin || !doc->meta || !doc->raw || (rec.id && !doc->id))
            return GLOSSA_ENOMEM;
        if (rec.text_len)
            memcpy(doc->raw, rec.text, rec.text_len);
        doc->raw[rec.text_len] = '\0';
        doc->raw_len = doc->input_bytes = rec.text_len;
        doc->raw_kind = GLOSSA__RAW_TEXT;
        return 1;
    }
}

/* Standard input read as one plain-text document (GLOSSA_INPUT_TEXT).
 * Returns 1 with it, or 0 once it was read (or this shard does not take
 * it). */
static int stdin_document(glossa_source_t *src, glossa__doc_t **out)
{
    if (src->entry_i++ > 0 || !want_record(src))
        return 0;
    glossa__doc_t *doc = glossa__doc_new();
    if (!doc)
        return GLOSSA_ENOMEM;
    *out = doc;
    doc->origin = glossa__strdup("<stdin>");
    doc->id = glossa__strdup("stdin");
    doc->meta = json_object();
    if (!doc->origin || !doc->id || !doc->meta)
        return GLOSSA_ENOMEM;
    read_text_fd(src, 0, "<stdin>", doc);
    return 1;
}

/* ---- Duplicate ids ------------------------------------------------------ */

/* How many duplicate ids are named one by one; the rest are counted. */
#define DUPLICATE_IDS_SHOWN 10

static uint32_t place_number(uint64_t n)
{
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Where an id was first given, in the words of the record's origin. */
static char *place_shown(const glossa_source_t *src, glossa__id_place_t at,
                         const char *id)
{
    const input_t *in = &src->inputs[at.input];
    switch (in->kind) {
    case IN_FILE:
        return glossa__strdup(in->shown);
    case IN_DIR:
        return at.where ? glossa__asprintf("%s/manifest.jsonl:%" PRIu32,
                                           in->shown, at.where)
                        : glossa__asprintf("%s/%s.txt", in->shown, id);
    case IN_CALLBACK:
        return glossa__asprintf("record %" PRIu32 " of the source", at.where);
    default:
        return at.where
                   ? glossa__asprintf(
                         "%s:%" PRIu32,
                         in->kind == IN_STDIN ? "<stdin>" : in->shown, at.where)
                   : glossa__strdup("<stdin>");
    }
}

/* Both records are kept: the user's ids are the user's, and dropping a
 * record would lose work. Without memory for the set, checking stops. */
void glossa__source_check_id(glossa_source_t *src, const glossa__doc_t *doc)
{
    if (!doc->id || src->ids_unchecked)
        return;
    glossa__id_place_t first;
    int rc = src->ids ? 0 : GLOSSA_ENOMEM;
    if (!src->ids && (src->ids = glossa__id_set_new()))
        rc = 0;
    if (rc == 0)
        rc = glossa__id_set_add(src->ids, doc->id, doc->id_place, &first);
    if (rc < 0) {
        src->ids_unchecked = 1;
        glossa__log(src->rt, GLOSSA_LOG_WARN, NULL, NULL,
                    "out of memory: duplicate ids are no longer looked for");
        return;
    }
    if (rc == 0 || ++src->duplicate_ids > DUPLICATE_IDS_SHOWN)
        return;
    char *before = place_shown(src, first, doc->id);
    glossa__log(src->rt, GLOSSA_LOG_WARN, NULL, NULL,
                "%s: the id \"%s\" was given before, to the record at %s; "
                "both records are kept%s",
                doc->origin ? doc->origin : "?", doc->id, before ? before : "?",
                src->duplicate_ids == DUPLICATE_IDS_SHOWN
                    ? " (further duplicate ids are only counted)"
                    : "");
    glossa__free(before);
}

void glossa__source_sum_duplicates(glossa_source_t *src)
{
    if (src->duplicates_summed || src->duplicate_ids <= DUPLICATE_IDS_SHOWN)
        return;
    src->duplicates_summed = 1;
    glossa__log(src->rt, GLOSSA_LOG_WARN, NULL, NULL,
                "%" PRIu64 " records in all have an id given to an earlier "
                "record; all are kept",
                src->duplicate_ids);
}

int glossa__source_next(glossa_source_t *src, glossa__doc_t **out,
                        glossa_error_t *err)
{
    *out = NULL;
    while (src->cur < src->n_inputs) {
        input_t *in = &src->inputs[src->cur];
        if (!src->cur_open) {
            int rc = open_current(src, err);
            if (rc)
                return rc;
        }
        int rc = 0;
        src->record_where = 0;
        switch (in->kind) {
        case IN_CALLBACK:
            src->record_where = place_number(src->index);
            rc = callback_record(src, out, err);
            break;
        case IN_DOCS:
            rc = src->doc_cb(src->cb_ud, out);
            if (rc < 0)
                glossa__fail(err, rc, "stream", 0, "the stream failed: %s",
                             glossa_strerror(rc));
            break;
        case IN_FILE:
            if (src->entry_i++ == 0 && want_record(src)) {
                glossa__doc_t *doc = glossa__doc_new();
                if (!doc)
                    return GLOSSA_ENOMEM;
                *out = doc;
                doc->origin = glossa__strdup(in->shown);
                doc->id = strip_txt(base_name(in->shown));
                doc->meta =
                    file_meta(base_name(in->path), base_name(in->shown));
                if (!doc->origin || !doc->id || !doc->meta)
                    return GLOSSA_ENOMEM;
                read_text_file(src, in->path, 0, doc);
                rc = 1;
            }
            break;
        case IN_DIR:
            while (src->entry_i < src->n_entries && rc == 0) {
                const dir_entry_t *e = &src->entries[src->entry_i++];
                if (!want_record(src))
                    continue;
                glossa__doc_t *doc = glossa__doc_new();
                if (!doc)
                    return GLOSSA_ENOMEM;
                *out = doc;
                if (dir_record(src, in->path, e, doc))
                    return GLOSSA_ENOMEM;
                if (e->record &&
                    json_is_string(json_object_get(e->record, "id")))
                    src->record_where = place_number(e->manifest_line);
                rc = 1;
            }
            break;
        case IN_STDIN:
            if (src->opts.stdin_format == GLOSSA_INPUT_TEXT) {
                rc = stdin_document(src, out);
                break;
            }
            /* fall through */
        case IN_JSONL:
            do {
                rc = next_line_record(
                    src, in->kind == IN_STDIN ? "<stdin>" : in->shown, out,
                    err);
            } while (rc == 1 && !*out);
            src->record_where = place_number(src->line_no);
            break;
        }
        if (rc == 1 && *out)
            (*out)->id_place =
                (glossa__id_place_t){(uint32_t)src->cur, src->record_where};
        if (rc != 0)
            return rc;
        close_current(src);
        src->cur++;
        if (atomic_load(&src->rt->stop_requested))
            return 0;
    }
    return 0;
}

int glossa_source_read(glossa_source_t *src, const glossa_source_record_t **out,
                       glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!src || !out)
        return GLOSSA_EINVAL;
    *out = NULL;
    glossa__doc_free(src->read_doc);
    src->read_doc = NULL;
    uint64_t position = src->index;
    glossa__doc_t *doc = NULL;
    int rc = glossa__source_next(src, &doc, err);
    if (rc <= 0) {
        glossa__doc_free(doc);
        if (rc == 0)
            glossa__source_sum_duplicates(src);
        return rc == GLOSSA_ENOMEM && err && !err->code
                   ? glossa__fail(err, rc, NULL, 0, "out of memory")
                   : rc;
    }
    /* The record's position: the index of the last record counted (the
     * ones skipped for sharding or resuming come before it). */
    position = src->index ? src->index - 1 : position;
    glossa__doc_decode(src->rt, doc);
    glossa__source_check_id(src, doc);
    src->read_doc = doc;
    src->record = (glossa_source_record_t){
        .id = doc->id ? doc->id : "",
        .text = doc->skip_plugins ? NULL : doc->text,
        .text_len = doc->skip_plugins ? 0 : doc->len,
        .meta = doc->meta,
        .origin = doc->origin ? doc->origin : "",
        .position = position,
        .error = doc->skip_plugins ? doc->skip_code : 0,
        .errors = doc->errors};
    *out = &src->record;
    return 1;
}
