/* Provenance: what produced each layer. A step's digest covers the
 * plugin's name and version, its shared object, the files of its data
 * directory, any file its configuration names, its resolved
 * configuration and its input mapping; a record names, for each layer,
 * "plugin/version/digest", and for its input a digest of the text and
 * metadata (docs/output-format.md). xxHash (XXH3, 64 bits) does the
 * hashing: fast, well kept, and only change detection is asked of it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "alloc.h"
#include "glossa/version.h"
#include "report.h"
#include "runtime_int.h"

#define READ_CHUNK ((size_t)1 << 16)

static void hex64(uint64_t h, char out[GLOSSA__DIGEST_SIZE])
{
    snprintf(out, GLOSSA__DIGEST_SIZE, "%016llx", (unsigned long long)h);
}

/* The digest of a file's bytes; -1 when it cannot be read. */
static int file_digest(const char *path, uint64_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    XXH3_state_t *st = XXH3_createState();
    char *buf = glossa__malloc(READ_CHUNK);
    int rc = st && buf && XXH3_64bits_reset(st) == XXH_OK ? 0 : -1;
    ssize_t n = 0;
    while (rc == 0 && (n = read(fd, buf, READ_CHUNK)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = -1;
        else
            XXH3_64bits_update(st, buf, (size_t)n);
    }
    if (rc == 0)
        *out = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    glossa__free(buf);
    close(fd);
    return rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds {"path": relative, "digest"} for every regular file under dir, in
 * name order at each level, to files. */
static int add_dir(const char *dir, const char *rel, json_t *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0; /* no data directory: nothing to add */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **grown = glossa__realloc(names, cap * sizeof(char *));
            if (!grown) {
                rc = GLOSSA_ENOMEM;
                break;
            }
            names = grown;
        }
        if (!(names[n++] = glossa__strdup(e->d_name)))
            rc = GLOSSA_ENOMEM;
    }
    closedir(d);
    if (rc == 0 && n) /* an empty directory has no array to sort */
        qsort(names, n, sizeof(char *), compare_names);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *path = glossa__asprintf("%s/%s", dir, names[i]);
        char *sub = rel ? glossa__asprintf("%s/%s", rel, names[i])
                        : glossa__strdup(names[i]);
        struct stat st;
        uint64_t h;
        if (!path || !sub)
            rc = GLOSSA_ENOMEM;
        else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc = add_dir(path, sub, files);
        else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                 file_digest(path, &h) == 0) {
            char hex[GLOSSA__DIGEST_SIZE];
            hex64(h, hex);
            if (json_array_append_new(
                    files, json_pack("{s:s,s:s}", "path", sub, "digest", hex)))
                rc = GLOSSA_ENOMEM;
        }
        glossa__free(path);
        glossa__free(sub);
    }
    for (size_t i = 0; i < n; i++)
        glossa__free(names[i]);
    glossa__free(names);
    return rc;
}

/* Files the configuration names (a string that is a path, absolute or
 * relative to the data directory, of a regular file outside it): their
 * contents make the layer as much as the data directory's do. */
static int add_config_files(const glossa__step_t *s, json_t *files)
{
    const char *key;
    json_t *value;
    json_object_foreach(s->config, key, value)
    {
        const char *v = json_string_value(value);
        if (!v || !*v || strlen(v) > 4000)
            continue;
        char *path = v[0] == '/' || !s->type->data_dir
                         ? glossa__strdup(v)
                         : glossa__asprintf("%s/%s", s->type->data_dir, v);
        struct stat st;
        uint64_t h;
        if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            (v[0] == '/' || !s->type->data_dir) && file_digest(path, &h) == 0) {
            char hex[GLOSSA__DIGEST_SIZE];
            hex64(h, hex);
            json_array_append_new(
                files, json_pack("{s:s,s:s}", "path", path, "digest", hex));
        }
        glossa__free(path);
    }
    return 0;
}

/* The step's full description and its digest over all of it. */
static int describe_step(glossa__step_t *s, glossa_error_t *err)
{
    const glossa_plugin_t *d = &s->type->desc;
    char so_hex[GLOSSA__DIGEST_SIZE] = "";
    uint64_t so;
    if (s->type->handle && file_digest(s->type->path, &so) == 0)
        hex64(so, so_hex);
    json_t *files = json_array();
    int rc = files ? 0 : GLOSSA_ENOMEM;
    if (rc == 0 && s->type->data_dir)
        rc = add_dir(s->type->data_dir, NULL, files);
    if (rc == 0)
        rc = add_config_files(s, files);
    json_t *desc =
        rc ? NULL
           : json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s?,s:o,s:O,s:O*}", "layer",
                       s->layer, "plugin", d->name, "version", d->version,
                       "path", s->type->path, "origin", s->origin,
                       "abi_version", (int)d->abi_version, "so_digest",
                       so_hex[0] ? so_hex : NULL, "data", files, "config",
                       s->config, "inputs", s->inputs);
    if (rc == 0)
        files = NULL; /* "o" gave it away, even when the pack failed */
    if (rc == 0 && !desc)
        rc = GLOSSA_ENOMEM;
    if (rc) {
        json_decref(files);
        return glossa__fail(err, rc, s->origin, 0, "out of memory");
    }
    /* The digest: the description itself, keys sorted, without the
     * places (a moved install makes the same layers). */
    json_t *hashed = json_deep_copy(desc);
    json_object_del(hashed, "path");
    json_object_del(hashed, "origin");
    json_object_del(hashed, "layer");
    char *canonical =
        hashed ? json_dumps(hashed, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(hashed);
    if (!canonical) {
        json_decref(desc);
        return glossa__fail(err, GLOSSA_ENOMEM, s->origin, 0, "out of memory");
    }
    hex64(XXH3_64bits(canonical, strlen(canonical)), s->digest);
    glossa__free(canonical);
    snprintf(s->provenance, sizeof(s->provenance), "%s/%s/%s", d->name,
             d->version, s->digest);
    json_object_set_new(desc, "digest", json_string(s->digest));
    json_object_set_new(desc, "provenance", json_string(s->provenance));
    json_decref(s->description);
    s->description = desc;
    return 0;
}

int glossa__provenance_compute(glossa_runtime_t *rt, glossa_error_t *err)
{
    for (size_t i = 0; i < rt->n_steps; i++) {
        int rc = describe_step(rt->steps[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

json_t *glossa_runtime_describe(glossa_runtime_t *rt)
{
    if (!rt)
        return NULL;
    for (size_t i = 0; i < rt->n_steps; i++)
        if (!rt->steps[i]->description && describe_step(rt->steps[i], NULL))
            return NULL;
    json_t *steps = json_array();
    for (size_t i = 0; steps && i < rt->n_steps; i++)
        json_array_append(steps, rt->steps[i]->description);
    char abi[32];
    snprintf(abi, sizeof(abi), "%d.%d", GLOSSA_PLUGIN_ABI_MAJOR,
             GLOSSA_PLUGIN_ABI_MINOR);
    return steps ? json_pack("{s:s,s:s,s:o}", "glossa", GLOSSA_VERSION_STRING,
                             "plugin_abi", abi, "steps", steps)
                 : NULL;
}

const char *glossa_runtime_plugin_provenance(glossa_runtime_t *rt, size_t index)
{
    if (!rt || index >= rt->n_steps)
        return NULL;
    glossa__step_t *s = rt->steps[index];
    if (!s->description && describe_step(s, NULL))
        return NULL;
    return s->provenance;
}

void glossa__input_digest(const char *text, size_t len, const json_t *meta,
                          char out[GLOSSA__DIGEST_SIZE])
{
    XXH3_state_t st;
    XXH3_64bits_reset(&st);
    XXH3_64bits_update(&st, text, len);
    /* The metadata too: a layer may read it (the dates' document date). */
    char *m = meta ? json_dumps(meta, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    uint8_t sep = 0;
    XXH3_64bits_update(&st, &sep, 1);
    if (m)
        XXH3_64bits_update(&st, m, strlen(m));
    glossa__free(m);
    hex64(XXH3_64bits_digest(&st), out);
}

/* {"path", "size", "mtime", "digest"} of one file. */
static int fingerprint_file(const char *path, json_t *out)
{
    struct stat st;
    uint64_t h;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISREG(st.st_mode)) /* a FIFO or device: reading would eat it */
        return json_array_append_new(
            out, json_pack("{s:s,s:b}", "path", path, "stream", 1));
    if (file_digest(path, &h) != 0)
        return -1;
    char hex[GLOSSA__DIGEST_SIZE];
    hex64(h, hex);
    return json_array_append_new(
        out, json_pack("{s:s,s:I,s:I,s:s}", "path", path, "size",
                       (json_int_t)st.st_size, "mtime",
                       (json_int_t)st.st_mtim.tv_sec, "digest", hex));
}

/* A directory's documents and manifest, as the source reads them. */
static int fingerprint_dir(const char *dir, json_t *out)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        int wanted = name[0] != '.' &&
                     ((len > 4 && strcmp(name + len - 4, ".txt") == 0) ||
                      strcmp(name, "manifest.jsonl") == 0);
        char *path = wanted ? glossa__asprintf("%s/%s", dir, name) : NULL;
        if (wanted && (!path || fingerprint_file(path, out)))
            rc = -1;
        glossa__free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

json_t *glossa_inputs_fingerprint(const char *const *inputs, size_t n)
{
    json_t *out = json_array();
    for (size_t i = 0; out && i < n; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") == 0)
            continue;
        int rc = stat(inputs[i], &st) != 0 ? -1
                 : S_ISDIR(st.st_mode)     ? fingerprint_dir(inputs[i], out)
                                           : fingerprint_file(inputs[i], out);
        if (rc) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
