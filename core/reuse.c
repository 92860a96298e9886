/* Incremental re-annotation (glossa_runtime_set_reuse): layers of an
 * earlier output are kept where they would come out the same.
 *
 * The earlier output is indexed once by record id (offsets into the
 * file, not the records). When a document has been prepared, its record
 * there is read back if it has the same id and the same input digest
 * (provenance.input: the text annotated and the metadata), and each
 * layer is taken from it when its provenance (plugin, version, build,
 * data, configuration) is the step's and every layer it reads is taken
 * too: a changed step, and everything downstream of it, runs again.
 *
 * THREADS. The index is built before the run and read-only during it;
 * records are read with pread() on pool threads. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "alloc.h"
#include "report.h"
#include "runtime_int.h"
#include "strbuf.h"

/* One record of the earlier output. */
typedef struct slot {
    char *id;        /* NULL: an empty slot */
    uint64_t offset; /* of the line */
    uint32_t length; /* without the newline */
    int ambiguous;   /* the id occurs twice: never reused */
} slot_t;

struct glossa__reuse {
    int fd;
    char *path;
    slot_t *slots;
    size_t cap; /* a power of two */
    size_t n;
};

static size_t slot_of(const glossa__reuse_t *r, const char *id)
{
    size_t i = (size_t)XXH3_64bits(id, strlen(id)) & (r->cap - 1);
    while (r->slots[i].id && strcmp(r->slots[i].id, id) != 0)
        i = (i + 1) & (r->cap - 1);
    return i;
}

static int grow(glossa__reuse_t *r)
{
    glossa__reuse_t bigger = *r;
    bigger.cap = r->cap ? 2 * r->cap : 1024;
    bigger.slots = glossa__calloc(bigger.cap, sizeof(slot_t));
    if (!bigger.slots)
        return GLOSSA_ENOMEM;
    for (size_t i = 0; i < r->cap; i++)
        if (r->slots[i].id)
            bigger.slots[slot_of(&bigger, r->slots[i].id)] = r->slots[i];
    glossa__free(r->slots);
    *r = bigger;
    return 0;
}

/* The id of a record line: it starts {"id":"..." (docs/output-format.md);
 * the string is decoded by Jansson. NULL when the line is not a record. */
static char *line_id(const char *line, size_t len)
{
    static const char prefix[] = "{\"id\":";
    size_t k = sizeof(prefix) - 1;
    if (len <= k || memcmp(line, prefix, k) != 0 || line[k] != '"')
        return NULL;
    size_t end = k + 1;
    while (end < len && line[end] != '"')
        end += line[end] == '\\' ? 2 : 1;
    if (end >= len)
        return NULL;
    json_t *s = json_loadb(line + k, end + 1 - k, JSON_DECODE_ANY, NULL);
    char *id = json_is_string(s) ? glossa__strdup(json_string_value(s)) : NULL;
    json_decref(s);
    return id;
}

static int add_line(glossa__reuse_t *r, const char *line, size_t len,
                    uint64_t offset)
{
    char *id = line_id(line, len);
    if (!id || len > UINT32_MAX) {
        glossa__free(id);
        return 0; /* not a record of ours: nothing to reuse from it */
    }
    if ((r->n + 1) * 2 > r->cap && grow(r)) {
        glossa__free(id);
        return GLOSSA_ENOMEM;
    }
    slot_t *s = &r->slots[slot_of(r, id)];
    if (s->id) {
        s->ambiguous = 1;
        glossa__free(id);
        return 0;
    }
    *s = (slot_t){id, offset, (uint32_t)len, 0};
    r->n++;
    return 0;
}

/* Reads the file once, indexing every line. */
static int index_file(glossa__reuse_t *r, glossa_error_t *err)
{
    glossa__strbuf_t line = GLOSSA__STRBUF_INIT;
    char buf[1 << 16];
    uint64_t offset = 0, line_start = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = read(r->fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return glossa__fail(err, GLOSSA_EIO, r->path, 0, "cannot read: %s",
                                strerror(errno));
        for (ssize_t i = 0; rc == 0 && i < n; i++) {
            if (buf[i] != '\n') {
                glossa__strbuf_putc(&line, buf[i]);
                continue;
            }
            rc = line.failed ? GLOSSA_ENOMEM
                             : add_line(r, line.data ? line.data : "", line.len,
                                        line_start);
            line_start = offset + (uint64_t)i + 1;
            glossa__strbuf_reset(&line);
        }
        offset += (uint64_t)n;
    }
    glossa__strbuf_free(&line);
    return rc ? glossa__fail(err, rc, r->path, 0, "out of memory") : 0;
}

void glossa__reuse_free(glossa__reuse_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->cap; i++)
        glossa__free(r->slots[i].id);
    glossa__free(r->slots);
    if (r->fd >= 0)
        close(r->fd);
    glossa__free(r->path);
    glossa__free(r);
}

int glossa_runtime_set_reuse(glossa_runtime_t *rt, const char *path,
                             glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt)
        return GLOSSA_EINVAL;
    glossa__reuse_free(rt->reuse);
    rt->reuse = NULL;
    if (!path)
        return 0;
    glossa__reuse_t *r = glossa__calloc(1, sizeof(*r));
    if (!r)
        return glossa__fail(err, GLOSSA_ENOMEM, path, 0, "out of memory");
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    r->path = glossa__strdup(path);
    if (r->fd < 0) {
        int e = errno;
        glossa__reuse_free(r);
        return glossa__fail(err, e == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO, path,
                            0, "cannot read the output to reuse: %s",
                            strerror(e));
    }
    int rc = r->path
                 ? index_file(r, err)
                 : glossa__fail(err, GLOSSA_ENOMEM, path, 0, "out of memory");
    if (rc) {
        glossa__reuse_free(r);
        return rc;
    }
    rt->reuse = r;
    return 0;
}

/* The earlier record of this document, parsed, or NULL. */
static json_t *earlier_record(const glossa__reuse_t *r, const char *id)
{
    if (!r->cap || !id)
        return NULL;
    const slot_t *s = &r->slots[slot_of(r, id)];
    if (!s->id || s->ambiguous)
        return NULL;
    char *line = glossa__malloc(s->length ? s->length : 1);
    json_t *rec = NULL;
    if (line &&
        pread(r->fd, line, s->length, (off_t)s->offset) == (ssize_t)s->length)
        rec = json_loadb(line, s->length, JSON_ALLOW_NUL, NULL);
    glossa__free(line);
    return rec;
}

/* Whether step i's layer can be taken from the earlier record: the same
 * provenance, and every layer it reads taken too (steps are visited in
 * an order where requirements come first). */
static int can_take(const glossa__doc_t *doc, const glossa__step_t *s,
                    const json_t *earlier)
{
    const json_t *prov = json_object_get(
        json_object_get(json_object_get(earlier, "provenance"), "layers"),
        s->layer);
    if (!json_is_string(prov) ||
        strcmp(json_string_value(prov), s->provenance) != 0)
        return 0;
    if (!json_is_array(
            json_object_get(json_object_get(earlier, "annotations"), s->layer)))
        return 0;
    for (size_t r = 0; r < s->n_requires; r++)
        if (!doc->units[s->requires[r]].reused)
            return 0;
    return 1;
}

/* The layer's text in the output's canonical form (spliced as it is). */
static char *canonical_text(const json_t *value, size_t *len)
{
    glossa__strbuf_t sb = GLOSSA__STRBUF_INIT;
    glossa__strbuf_put_json(&sb, value);
    if (sb.failed) {
        glossa__strbuf_free(&sb);
        return NULL;
    }
    return glossa__strbuf_detach(&sb, len);
}

/* Takes step s's layer (and document result) from the earlier record. */
static int take(glossa__unit_t *u, const json_t *earlier)
{
    const char *layer = u->step->layer;
    json_t *spans =
        json_object_get(json_object_get(earlier, "annotations"), layer);
    json_t *document =
        json_object_get(json_object_get(earlier, "document"), layer);
    /* Flat for the steps that read it and run here; a worker gets the
     * text (and in isolation mode this process has no offsets to make
     * it with). */
    if (u->step->n_dependents > 0 && !u->rt->opts.isolate &&
        !(u->layer = glossa__layer_from_json(u->doc, spans)))
        return GLOSSA_ENOMEM;
    u->document = json_is_object(document) ? json_incref(document) : NULL;
    /* As text too: isolation mode hands layers to workers as text, and
     * the record splices it. */
    u->spans_text = canonical_text(spans, &u->spans_text_len);
    if (u->document)
        u->document_text = canonical_text(u->document, &u->document_text_len);
    if (!u->spans_text || (u->document && !u->document_text))
        return GLOSSA_ENOMEM;
    u->status = GLOSSA__UNIT_DONE;
    u->reused = 1;
    return 0;
}

size_t glossa__reuse_apply(const glossa_runtime_t *rt, glossa__doc_t *doc)
{
    if (!rt->reuse || doc->skip_plugins || !doc->units || !doc->input_digest[0])
        return 0;
    json_t *earlier = earlier_record(rt->reuse, doc->id);
    const char *input = json_string_value(
        json_object_get(json_object_get(earlier, "provenance"), "input"));
    size_t taken = 0;
    if (input && strcmp(input, doc->input_digest) == 0) {
        for (size_t k = 0; k < rt->n_steps; k++) {
            const glossa__step_t *s = rt->steps[rt->order[k]];
            glossa__unit_t *u = &doc->units[s->index];
            if (can_take(doc, s, earlier)) {
                if (take(u, earlier)) {
                    glossa__unit_clear(u); /* out of memory: run it */
                    continue;
                }
                taken++;
            }
        }
    }
    json_decref(earlier);
    return taken;
}
