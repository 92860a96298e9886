/* Gold documents: one JSON file per document in a directory. Without
 * --layer, the layers to score are found here. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "eval_internal.h"

static int is_layer_key(const char *key, const json_t *v, char **layer)
{
    static const char suffix[] = "_document";
    size_t n = strlen(key), ns = sizeof(suffix) - 1;
    *layer = NULL;
    if (json_is_array(v)) {
        *layer = glossa_eval__dup_str(key);
        return *layer ? 1 : -1;
    }
    if (json_is_object(v) && n > ns && strcmp(key + n - ns, suffix) == 0) {
        *layer = glossa_eval__dup_len(key, n - ns);
        return *layer ? 1 : -1;
    }
    return 0;
}

int glossa_eval_add_gold(glossa_eval_t *ev, json_t *doc, const char *source,
                         glossa_error_t *err)
{
    if (!ev || !doc)
        return glossa_eval__fail(err, GLOSSA_EINVAL, source, 0, 0,
                                 "no evaluator or gold");
    if (ev->state != STATE_GOLD)
        return glossa_eval__fail(err, GLOSSA_ESTATE, source, 0, 0,
                                 "gold added after output");
    if (!json_is_object(doc))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, 0, 0,
                                 "a gold document must be a JSON object");
    char buf[32];
    const char *id;
    if (glossa_eval__doc_id(doc, buf, sizeof(buf), &id) != 0)
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, 0, 0,
                                 "missing \"id\" (a string or an integer)");
    if (json_object_get(ev->gold, id))
        return glossa_eval__fail(err, GLOSSA_EPARSE, source, 0, 0,
                                 "duplicate gold document id \"%s\"", id);

    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        if (json_is_array(v)) {
            span_t *s;
            size_t n;
            int rc = glossa_eval__parse_spans(v, key, &s, &n, source, 0, err);
            free(s);
            if (rc != 0)
                return rc;
        }
        if (ev->explicit_layers)
            continue;
        char *name;
        int is = is_layer_key(key, v, &name);
        if (is < 0)
            return glossa_eval__nomem(err);
        if (is && !glossa_eval__find_layer(ev, name) &&
            glossa_eval__add_layer(ev, name, strlen(name), name, 1) != 0) {
            free(name);
            return glossa_eval__nomem(err);
        }
        free(name);
    }
    if (json_object_set(ev->gold, id, doc) != 0)
        return glossa_eval__nomem(err);
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), ns = strlen(suffix);
    return n >= ns && strcmp(s + n - ns, suffix) == 0;
}

int glossa_eval_load_gold(glossa_eval_t *ev, const char *dir,
                          glossa_error_t *err)
{
    if (!ev || !dir)
        return glossa_eval__fail(err, GLOSSA_EINVAL, NULL, 0, 0,
                                 "no evaluator or dir");
    DIR *d = opendir(dir);
    if (!d)
        return glossa_eval__fail(
            err, errno == ENOENT ? GLOSSA_ENOENT : GLOSSA_EIO, dir, 0, 0,
            "cannot open gold directory: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !ends_with(de->d_name, ".json"))
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **nn = realloc(names, ncap * sizeof(*nn));
            if (!nn) {
                rc = glossa_eval__nomem(err);
                break;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = glossa_eval__dup_str(de->d_name))) {
            rc = glossa_eval__nomem(err);
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof(*names), glossa_eval__cmp_str);

    size_t loaded = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (!path) {
            rc = glossa_eval__nomem(err);
            break;
        }
        snprintf(path, len, "%s/%s", dir, names[i]);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        json_error_t jerr;
        json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!doc) {
            if (json_error_code(&jerr) == json_error_cannot_open_file)
                rc = glossa_eval__fail(err, GLOSSA_EIO, path, 0, 0, "%s",
                                       jerr.text);
            else
                rc = glossa_eval__fail(err, GLOSSA_EPARSE, path, jerr.line,
                                       jerr.column, "invalid JSON: %s",
                                       jerr.text);
        } else {
            rc = glossa_eval_add_gold(ev, doc, path, err);
            json_decref(doc);
            loaded++;
        }
        free(path);
    }
    glossa_eval__free_strv(names, n);
    if (rc == 0 && loaded == 0)
        rc = glossa_eval__fail(err, GLOSSA_ENOENT, dir, 0, 0,
                               "no .json gold files");
    return rc;
}
