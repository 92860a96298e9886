/* Loading plugin shared objects and checking their descriptors. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "report.h"
#include "runtime_int.h"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_layer_name(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* Checks the descriptor as the plugin gave it; `path` names it. */
static int check_descriptor(const glossa_plugin_t *d, const char *path,
                            glossa_error_t *err)
{
#define BAD(...) glossa__fail(err, GLOSSA_ELOAD, path, 0, __VA_ARGS__)
    if (!is_layer_name(d->name))
        return BAD("invalid plugin descriptor: name \"%s\" must match "
                   "[a-z][a-z0-9_]*",
                   d->name ? d->name : "(null)");
    if (!d->version || !d->description)
        return BAD("invalid descriptor of plugin '%s': version and "
                   "description are required",
                   d->name);
    if (!d->create || !d->annotate || !d->destroy)
        return BAD("invalid descriptor of plugin '%s': create, annotate and "
                   "destroy are required",
                   d->name);
    for (size_t i = 0; d->inputs && d->inputs[i]; i++) {
        if (!is_layer_name(d->inputs[i]))
            return BAD("invalid descriptor of plugin '%s': input layer "
                       "\"%s\" is not a layer name",
                       d->name, d->inputs[i]);
        if (strcmp(d->inputs[i], d->name) == 0)
            return BAD("invalid descriptor of plugin '%s': it requires its "
                       "own layer",
                       d->name);
    }
    for (size_t i = 0; d->options && d->options[i].key; i++) {
        const glossa_option_t *o = &d->options[i];
        if (o->type < GLOSSA_OPTION_STRING || o->type > GLOSSA_OPTION_OBJECT)
            return BAD("invalid descriptor of plugin '%s': option '%s' has "
                       "unknown type %d",
                       d->name, o->key, (int)o->type);
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->options[j].key, o->key) == 0)
                return BAD("invalid descriptor of plugin '%s': option '%s' "
                           "is declared twice",
                           d->name, o->key);
        for (const char *const *b = &o->minimum; b <= &o->maximum; b++) {
            json_t *v = *b ? json_loads(*b, JSON_DECODE_ANY, NULL) : NULL;
            int number = json_is_number(v);
            json_decref(v);
            if (*b && !number)
                return BAD("invalid descriptor of plugin '%s': option '%s' "
                           "has a bound that is not a JSON number: \"%s\"",
                           d->name, o->key, *b);
        }
        if (o->required && o->default_json)
            return BAD("invalid descriptor of plugin '%s': option '%s' is "
                       "required and has a default",
                       d->name, o->key);
        if (o->default_json) {
            json_error_t jerr;
            unsigned long oom_mark = glossa__alloc_failures();
            json_t *v = json_loads(o->default_json, JSON_DECODE_ANY, &jerr);
            if (!v && glossa__json_oom(&jerr, oom_mark))
                return glossa__fail(err, GLOSSA_ENOMEM, path, 0,
                                    "out of memory");
            if (!v)
                return BAD("invalid descriptor of plugin '%s': default of "
                           "option '%s' is not JSON: %s",
                           d->name, o->key, jerr.text);
            char why[768];
            const char *bad =
                glossa__option_out_of_range(o, v, why, sizeof(why));
            json_decref(v);
            if (bad)
                return BAD("invalid descriptor of plugin '%s': the default "
                           "of option '%s' %s",
                           d->name, o->key, bad);
        }
    }
    return 0;
#undef BAD
}

/* Copies the option table into this host's layout: a plugin built
 * against ABI 1.0 has shorter entries (GLOSSA_OPTION_SIZE_1_0), read with
 * their own stride, the later fields left zero. */
static int copy_options(glossa__plugin_type_t *type, unsigned minor,
                        const char *path, glossa_error_t *err)
{
    const char *table = (const char *)type->desc.options;
    if (!table)
        return 0;
    size_t stride =
        minor >= 1 ? sizeof(glossa_option_t) : GLOSSA_OPTION_SIZE_1_0;
    size_t n = 0;
    while (((const glossa_option_t *)(table + n * stride))->key)
        n++;
    type->options = glossa__calloc(n + 1, sizeof(glossa_option_t));
    if (!type->options)
        return glossa__fail(err, GLOSSA_ENOMEM, path, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        memcpy(&type->options[i], table + i * stride, stride);
    type->desc.options = type->options;
    return 0;
}

/* The plugin's data directory (see glossa_create_args_t). */
static char *find_data_dir(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 1;
    const char *dir = slash ? path : ".";
    char *beside = glossa__asprintf("%.*s/%s", (int)dir_len, dir, name);
    if (!beside || is_dir(beside))
        return beside;
    glossa__free(beside);
    /* Installed: <prefix>/lib/glossa/plugins/x.so finds
     * <prefix>/share/glossa/plugins/x/ through the relative path between
     * them, whatever the prefix and wherever the tree was moved; then the
     * configured prefix. */
    char *moved = glossa__asprintf("%.*s/%s/%s", (int)dir_len, dir,
                                   GLOSSA_PLUGIN_DATA_DIR_REL, name);
    if (!moved || is_dir(moved))
        return moved;
    glossa__free(moved);
    char *installed =
        glossa__asprintf("%s/plugins/%s", GLOSSA_INSTALL_DATA_DIR, name);
    if (!installed || is_dir(installed))
        return installed;
    glossa__free(installed);
    return glossa__asprintf("%.*s", (int)dir_len, dir);
}

int glossa__plugin_type_load(const char *path, glossa__plugin_type_t **out,
                             glossa_error_t *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return glossa__fail(err, GLOSSA_ENOENT, path, 0,
                            "cannot load plugin: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return glossa__fail(err, GLOSSA_ELOAD, path, 0,
                            "cannot load plugin: not a regular file");

    dlerror();
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        return glossa__fail(err, GLOSSA_ELOAD, path, 0,
                            "cannot load plugin (not a loadable shared "
                            "object?): %s",
                            why ? why : "unknown dlopen error");
    }
    typedef const glossa_plugin_t *(*entry_fn)(void);
    entry_fn entry;
    /* POSIX lets a data pointer hold a function address; copy it over. */
    void *sym = dlsym(handle, GLOSSA_PLUGIN_ENTRY_SYMBOL);
    if (!sym) {
        dlclose(handle);
        return glossa__fail(err, GLOSSA_ENOSYM, path, 0,
                            "not a Glossa plugin: it does not export %s()",
                            GLOSSA_PLUGIN_ENTRY_SYMBOL);
    }
    memcpy(&entry, &sym, sizeof(entry));
    const glossa_plugin_t *d = entry();
    if (!d) {
        dlclose(handle);
        return glossa__fail(err, GLOSSA_ELOAD, path, 0, "%s() returned NULL",
                            GLOSSA_PLUGIN_ENTRY_SYMBOL);
    }
    /* abi_version and struct_size are the first two fields in every ABI
     * version; nothing else is read before they are checked. */
    unsigned major = d->abi_version >> 16, minor = d->abi_version & 0xFFFF;
    if (major != GLOSSA_PLUGIN_ABI_MAJOR || minor > GLOSSA_PLUGIN_ABI_MINOR) {
        dlclose(handle);
        return glossa__fail(
            err, GLOSSA_EABI, path, 0,
            "incompatible plugin: built against plugin ABI %u.%u, but this "
            "glossa provides ABI %d.%d and loads plugins built for %d.0 to "
            "%d.%d; rebuild the plugin against this glossa's headers",
            major, minor, GLOSSA_PLUGIN_ABI_MAJOR, GLOSSA_PLUGIN_ABI_MINOR,
            GLOSSA_PLUGIN_ABI_MAJOR, GLOSSA_PLUGIN_ABI_MAJOR,
            GLOSSA_PLUGIN_ABI_MINOR);
    }
    if (d->struct_size < GLOSSA_PLUGIN_MIN_STRUCT_SIZE) {
        dlclose(handle);
        return glossa__fail(err, GLOSSA_EABI, path, 0,
                            "incompatible plugin: its descriptor is %u bytes, "
                            "smaller than any ABI %d.x descriptor (%zu)",
                            (unsigned)d->struct_size, GLOSSA_PLUGIN_ABI_MAJOR,
                            (size_t)GLOSSA_PLUGIN_MIN_STRUCT_SIZE);
    }
    glossa__plugin_type_t *type = glossa__calloc(1, sizeof(*type));
    if (!type) {
        dlclose(handle);
        return glossa__fail(err, GLOSSA_ENOMEM, path, 0, "out of memory");
    }
    size_t n = d->struct_size < sizeof(type->desc) ? d->struct_size
                                                   : sizeof(type->desc);
    memcpy(&type->desc, d, n); /* later fields stay zero: absent */
    type->handle = handle;
    int rc = copy_options(type, minor, path, err);
    if (rc == 0)
        rc = check_descriptor(&type->desc, path, err);
    if (rc == 0) {
        type->path = glossa__strdup(path);
        type->data_dir = find_data_dir(path, type->desc.name);
        if (!type->path || !type->data_dir)
            rc = glossa__fail(err, GLOSSA_ENOMEM, path, 0, "out of memory");
    }
    if (rc) {
        glossa__plugin_type_free(type);
        return rc;
    }
    *out = type;
    return 0;
}

void glossa__plugin_type_free(glossa__plugin_type_t *type)
{
    if (!type)
        return;
    /* Under AddressSanitizer, unloading hides the plugin's symbols from
     * leak reports; keep it loaded then. */
    if (type->handle && !getenv("GLOSSA_NO_DLCLOSE"))
        dlclose(type->handle);
    glossa__free(type->path);
    glossa__free(type->data_dir);
    glossa__free(type->options);
    glossa__free(type);
}

int glossa__plugin_resolve(const glossa_runtime_t *rt, const char *name_or_path,
                           char **path, glossa_error_t *err)
{
    *path = NULL;
    if (strchr(name_or_path, '/')) {
        *path = glossa__strdup(name_or_path);
        return *path ? 0 : GLOSSA_ENOMEM;
    }
    if (!is_layer_name(name_or_path))
        return glossa__fail(err, GLOSSA_EINVAL, name_or_path, 0,
                            "not a plugin name ([a-z][a-z0-9_]*) nor a path "
                            "(a path contains '/')");
    for (size_t i = 0; i < rt->n_search_dirs; i++) {
        char *candidate =
            glossa__asprintf("%s/%s.so", rt->search_dirs[i], name_or_path);
        if (!candidate)
            return GLOSSA_ENOMEM;
        struct stat st;
        if (stat(candidate, &st) == 0) {
            *path = candidate;
            return 0;
        }
        glossa__free(candidate);
    }
    char dirs[1024] = "";
    size_t o = 0;
    for (size_t i = 0; i < rt->n_search_dirs && o < sizeof(dirs); i++)
        o += (size_t)snprintf(dirs + o, sizeof(dirs) - o, "%s%s", i ? ":" : "",
                              rt->search_dirs[i]);
    return glossa__fail(err, GLOSSA_ENOENT, name_or_path, 0,
                        "plugin not found in the search path (%s); set "
                        "GLOSSA_PLUGIN_PATH or give a path",
                        o ? dirs : "empty");
}
