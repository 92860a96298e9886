/* The runtime object: search path, pipeline steps, dependency order and
 * plugin instances. Running lives in run.c. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "glossa/version.h"
#include "isolate/zygote_link.h"
#include "log.h"
#include "report.h"
#include "runtime_int.h"

const char *glossa_version(void)
{
    return GLOSSA_VERSION_STRING;
}

void glossa_runtime_options_init(glossa_runtime_options_t *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->size = sizeof(*opts);
    opts->log_level = GLOSSA_LOG_INFO;
}

/* Fills defaults for options left at 0. */
static void resolve_options(glossa_runtime_options_t *o)
{
    if (o->threads == 0)
        o->threads = uv_available_parallelism();
    if (o->threads > 1024)
        o->threads = 1024; /* libuv's own ceiling */
    /* Enough documents to keep every thread busy while the reader refills
     * in bursts; max_bytes_in_flight bounds the memory they take. */
    if (o->max_docs_in_flight == 0)
        o->max_docs_in_flight = 16 * (size_t)o->threads + 16;
    if (o->max_bytes_in_flight == 0)
        o->max_bytes_in_flight = (size_t)64 << 20;
    /* One document is annotated as a whole, and the bundled pipeline's
     * peak memory is about 40 times its size (docs/performance.md): 16
     * MiB (about 660 MB) keeps one document from taking the machine. */
    if (o->max_doc_bytes == 0)
        o->max_doc_bytes = GLOSSA_DEFAULT_MAX_DOC_BYTES;
    /* Offsets are 32-bit in tokens and sentences. */
    if (o->max_doc_bytes > UINT32_MAX / 2)
        o->max_doc_bytes = UINT32_MAX / 2;
    if (o->max_layer_bytes == 0)
        o->max_layer_bytes = (size_t)256 << 20;
}

static int push_search_dir(glossa_runtime_t *rt, const char *dir)
{
    char **dirs = glossa__realloc(rt->search_dirs,
                                  (rt->n_search_dirs + 1) * sizeof(char *));
    if (!dirs)
        return GLOSSA_ENOMEM;
    rt->search_dirs = dirs;
    dirs[rt->n_search_dirs] = glossa__strdup(dir);
    if (!dirs[rt->n_search_dirs])
        return GLOSSA_ENOMEM;
    rt->n_search_dirs++;
    return 0;
}

/* GLOSSA_PLUGIN_PATH, then the install directory (beside the running
 * executable first, so an installed tree can move, then the configured
 * prefix), then the build tree's plugins/ beside the executable. */
static int default_search_path(glossa_runtime_t *rt)
{
    const char *env = getenv("GLOSSA_PLUGIN_PATH");
    if (env) {
        const char *p = env;
        while (*p) {
            const char *colon = strchr(p, ':');
            size_t n = colon ? (size_t)(colon - p) : strlen(p);
            if (n > 0) {
                char *dir = glossa__strndup(p, n);
                int rc = dir ? push_search_dir(rt, dir) : GLOSSA_ENOMEM;
                glossa__free(dir);
                if (rc)
                    return rc;
            }
            p += n + (colon ? 1 : 0);
        }
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *exe_dir = NULL;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            exe_dir = exe;
        }
    }
    int rc = 0;
    if (exe_dir) {
        char *rel = glossa__asprintf("%s/../%s", exe_dir,
                                     GLOSSA_INSTALL_PLUGIN_DIR_REL);
        rc = rel ? push_search_dir(rt, rel) : GLOSSA_ENOMEM;
        glossa__free(rel);
    }
    if (rc == 0)
        rc = push_search_dir(rt, GLOSSA_INSTALL_PLUGIN_DIR);
    if (rc == 0 && exe_dir) {
        char *build = glossa__asprintf("%s/plugins", exe_dir);
        rc = build ? push_search_dir(rt, build) : GLOSSA_ENOMEM;
        glossa__free(build);
    }
    return rc;
}

int glossa_runtime_new(const glossa_runtime_options_t *opts,
                       glossa_runtime_t **out, glossa_error_t *err)
{
    glossa_error_clear(err);
    *out = NULL;
    /* Jansson's hash seed must be fixed before any thread creates objects
     * (Jansson doc/threadsafety.rst), and its allocations go through the
     * core's hook. */
    glossa__alloc_install_jansson();
    json_object_seed(0);
    glossa_runtime_t *rt = glossa__calloc(1, sizeof(*rt));
    if (!rt)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    glossa_runtime_options_init(&rt->opts);
    if (opts) {
        size_t n = opts->size && opts->size < sizeof(rt->opts)
                       ? opts->size
                       : sizeof(rt->opts);
        memcpy(&rt->opts, opts, n);
        rt->opts.size = sizeof(rt->opts);
    }
    resolve_options(&rt->opts);
    /* The strings are the caller's; keep copies. */
    if (rt->opts.worker_command)
        rt->worker_command = glossa__strdup(rt->opts.worker_command);
    if (rt->opts.quarantine_path)
        rt->quarantine_path = glossa__strdup(rt->opts.quarantine_path);
    rt->opts.worker_command = rt->worker_command;
    rt->opts.quarantine_path = rt->quarantine_path;
    if ((opts && opts->worker_command && !rt->worker_command) ||
        (opts && opts->quarantine_path && !rt->quarantine_path) ||
        uv_mutex_init(&rt->log_mutex)) {
        glossa__free(rt->worker_command);
        glossa__free(rt->quarantine_path);
        glossa__free(rt);
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0,
                            "out of memory or no mutex");
    }
    if (default_search_path(rt)) {
        glossa_runtime_free(rt);
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    }
    *out = rt;
    return 0;
}

void glossa_runtime_get_options(const glossa_runtime_t *rt,
                                glossa_runtime_options_t *out)
{
    if (rt && out)
        *out = rt->opts;
}

static void step_free(glossa__step_t *step)
{
    if (!step)
        return;
    if (step->created) {
        glossa__set_current_step(step);
        step->type->desc.destroy(step->state);
        glossa__set_current_step(NULL);
    }
    glossa__plugin_type_free(step->type);
    json_decref(step->config);
    json_decref(step->inputs);
    json_decref(step->description);
    glossa__free(step->layer);
    glossa__free(step->origin);
    glossa__free(step->requires);
    glossa__free(step->dependents);
    glossa__free(step);
}

void glossa_runtime_free(glossa_runtime_t *rt)
{
    if (!rt)
        return;
    /* Destroy in reverse order: dependents before what they depend on. */
    glossa__zygote_free(rt->zygote);
    glossa__reuse_free(rt->reuse);
    glossa__free(rt->order);
    for (size_t i = rt->n_steps; i > 0; i--)
        step_free(rt->steps[i - 1]);
    glossa__free(rt->steps);
    for (size_t i = 0; i < rt->n_search_dirs; i++)
        glossa__free(rt->search_dirs[i]);
    glossa__free(rt->search_dirs);
    uv_mutex_destroy(&rt->log_mutex);
    glossa__free(rt->worker_command);
    glossa__free(rt->quarantine_path);
    glossa__free(rt);
}

int glossa_runtime_add_search_dir(glossa_runtime_t *rt, const char *dir)
{
    if (!rt || !dir)
        return GLOSSA_EINVAL;
    return push_search_dir(rt, dir);
}

static glossa__step_t *find_step(const glossa_runtime_t *rt, const char *layer)
{
    for (size_t i = 0; i < rt->n_steps; i++)
        if (strcmp(rt->steps[i]->layer, layer) == 0)
            return rt->steps[i];
    return NULL;
}

/* Finds a plugin by name or path (glossa__plugin_resolve) and loads it. */
static int load_named_type(const glossa_runtime_t *rt, const char *name_or_path,
                           glossa__plugin_type_t **type, glossa_error_t *err)
{
    char *path = NULL;
    int rc = glossa__plugin_resolve(rt, name_or_path, &path, err);
    if (rc)
        return rc;
    rc = glossa__plugin_type_load(path, type, err);
    glossa__free(path);
    return rc;
}

/* add_plugin with an origin for messages ("pipeline.json: plugins[1]").
 * A configuration already `validated` (by the supervisor of a zygote) is
 * taken as it is. */
static int add_step_of_type(glossa_runtime_t *rt, glossa__plugin_type_t *type,
                            const json_t *config, const char *as,
                            const char *origin, int validated,
                            glossa_error_t *err);

static int add_step(glossa_runtime_t *rt, const char *name_or_path,
                    const json_t *config, const char *as, const char *origin,
                    int validated, glossa_error_t *err)
{
    if (rt->prepared)
        return glossa__fail(err, GLOSSA_ESTATE, origin, 0,
                            "plugins cannot be added after prepare()");
    glossa__plugin_type_t *type = NULL;
    int rc = load_named_type(rt, name_or_path, &type, err);
    if (rc)
        return rc;
    return add_step_of_type(rt, type, config, as, origin, validated, err);
}

int glossa__runtime_add_builtin(glossa_runtime_t *rt,
                                const glossa_plugin_t *desc, const char *origin,
                                glossa_error_t *err)
{
    glossa__plugin_type_t *type = glossa__calloc(1, sizeof(*type));
    if (type) {
        type->desc = *desc;
        type->path = glossa__strdup(origin);
    }
    json_t *config = json_object();
    if (!type || !type->path || !config) {
        json_decref(config);
        glossa__plugin_type_free(type);
        return glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
    }
    int rc = add_step_of_type(rt, type, config, NULL, origin, 1, err);
    json_decref(config);
    return rc;
}

/* Adds a step running `type` (taken, whatever the outcome). */
static int add_step_of_type(glossa_runtime_t *rt, glossa__plugin_type_t *type,
                            const json_t *config, const char *as,
                            const char *origin, int validated,
                            glossa_error_t *err)
{
    int rc;
    const char *layer = as ? as : type->desc.name;
    glossa__step_t *other = find_step(rt, layer);
    if (other) {
        rc = glossa__fail(err, GLOSSA_EDUPLICATE, type->path, 0,
                          "duplicate layer '%s': already produced by %s "
                          "(%s); give one of them another name with \"as\"",
                          layer, other->type->path, other->origin);
        glossa__plugin_type_free(type);
        return rc;
    }
    glossa__step_t *step = glossa__calloc(1, sizeof(*step));
    glossa__step_t **steps =
        glossa__realloc(rt->steps, (rt->n_steps + 1) * sizeof(*steps));
    if (steps)
        rt->steps = steps;
    if (!step || !steps) {
        glossa__free(step);
        glossa__plugin_type_free(type);
        return glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
    }
    step->rt = rt;
    step->type = type;
    step->index = rt->n_steps;
    step->layer = glossa__strdup(layer);
    step->origin = glossa__strdup(origin ? origin : type->path);
    if (!step->layer || !step->origin) {
        step_free(step);
        return glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
    }
    if (as && (!*as || strspn(as, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
                           strlen(as))) {
        step_free(step);
        return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                            "\"as\": \"%s\" is not a layer name "
                            "([a-z][a-z0-9_]*)",
                            as);
    }
    if (validated)
        rc = (step->config = json_deep_copy(config))
                 ? 0
                 : glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
    else
        rc = glossa__config_validate(&type->desc, config, step->origin,
                                     &step->config, err);
    if (rc) {
        step_free(step);
        return rc;
    }
    rt->steps[rt->n_steps++] = step;
    return 0;
}

int glossa_runtime_add_plugin(glossa_runtime_t *rt, const char *name_or_path,
                              const json_t *config, const char *as,
                              glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt || !name_or_path)
        return GLOSSA_EINVAL;
    return add_step(rt, name_or_path, config, as, name_or_path, 0, err);
}

int glossa__runtime_add_validated(glossa_runtime_t *rt, const char *path,
                                  const json_t *config, const char *layer,
                                  const char *origin, glossa_error_t *err)
{
    if (!rt || !path || !json_is_object(config))
        return glossa__fail(err, GLOSSA_EINVAL, origin, 0,
                            "a step needs a path and a configuration");
    return add_step(rt, path, config, layer, origin, 1, err);
}

/* The pipeline's "inputs": {"<input the plugin declares>": "<layer that
 * feeds it>"}, checked against the plugin's declared inputs. */
static int set_inputs(glossa__step_t *step, const json_t *inputs,
                      const char *where, glossa_error_t *err)
{
    const char *input;
    json_t *from;
    json_object_foreach((json_t *)inputs, input, from)
    {
        int rc = glossa__step_map_input(step, input, json_string_value(from),
                                        where, err);
        if (rc)
            return rc;
    }
    return 0;
}

int glossa__step_map_input(glossa__step_t *step, const char *input,
                           const char *from, const char *where,
                           glossa_error_t *err)
{
    const char *const *declared = step->type->desc.inputs;
    size_t i = 0;
    while (declared && declared[i] && strcmp(declared[i], input) != 0)
        i++;
    if (!declared || !declared[i])
        return glossa__fail(err, GLOSSA_ECONFIG, where, 0,
                            "\"inputs\": plugin '%s' has no input '%s' "
                            "(its inputs: %s)",
                            step->type->desc.name, input,
                            declared && declared[0] ? "see glossa plugins NAME"
                                                    : "none");
    if (!from || !*from)
        return glossa__fail(err, GLOSSA_ECONFIG, where, 0,
                            "\"inputs\": \"%s\" must name a layer", input);
    if (!step->inputs && !(step->inputs = json_object()))
        return glossa__fail(err, GLOSSA_ENOMEM, where, 0, "out of memory");
    if (json_object_set_new(step->inputs, input, json_string(from)))
        return glossa__fail(err, GLOSSA_ENOMEM, where, 0, "out of memory");
    return 0;
}

int glossa_runtime_map_input(glossa_runtime_t *rt, const char *layer,
                             const char *input, const char *from,
                             glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt || !layer || !input || !from)
        return GLOSSA_EINVAL;
    if (rt->prepared)
        return glossa__fail(err, GLOSSA_ESTATE, layer, 0,
                            "inputs cannot be mapped after prepare()");
    glossa__step_t *step = find_step(rt, layer);
    if (!step)
        return glossa__fail(err, GLOSSA_EINVAL, layer, 0,
                            "no step produces the layer '%s'", layer);
    return glossa__step_map_input(step, input, from, step->origin, err);
}

/* Resolves a plugin path of a pipeline file against the file's directory. */
static char *pipeline_relative(const char *origin_file, const char *plugin)
{
    if (!strchr(plugin, '/') || plugin[0] == '/' || !origin_file)
        return glossa__strdup(plugin);
    const char *slash = strrchr(origin_file, '/');
    if (!slash)
        return glossa__strdup(plugin);
    return glossa__asprintf("%.*s/%s", (int)(slash - origin_file), origin_file,
                            plugin);
}

int glossa_runtime_load_pipeline_json(glossa_runtime_t *rt,
                                      const json_t *pipeline,
                                      const char *origin, glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt || !pipeline)
        return GLOSSA_EINVAL;
    if (!origin)
        origin = "pipeline";
    if (!json_is_object(pipeline))
        return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                            "a pipeline must be a JSON object with a "
                            "\"plugins\" array");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)pipeline, key, value)
    {
        if (strcmp(key, "plugins") != 0 && strcmp(key, "description") != 0)
            return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                                "unknown pipeline key '%s' (known: plugins, "
                                "description)",
                                key);
    }
    json_t *plugins = json_object_get(pipeline, "plugins");
    if (!json_is_array(plugins))
        return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                            "a pipeline needs a \"plugins\" array");
    size_t i;
    json_t *entry;
    json_array_foreach(plugins, i, entry)
    {
        char where[600];
        snprintf(where, sizeof(where), "%s: plugins[%zu]", origin, i);
        const char *plugin = NULL, *as = NULL;
        json_t *config = NULL, *inputs = NULL;
        if (json_is_string(entry)) {
            plugin = json_string_value(entry);
        } else if (json_is_object(entry)) {
            json_object_foreach(entry, key, value)
            {
                if (strcmp(key, "plugin") == 0 && json_is_string(value))
                    plugin = json_string_value(value);
                else if (strcmp(key, "as") == 0 && json_is_string(value))
                    as = json_string_value(value);
                else if (strcmp(key, "config") == 0)
                    config = value;
                else if (strcmp(key, "inputs") == 0 && json_is_object(value))
                    inputs = value;
                else
                    return glossa__fail(err, GLOSSA_ECONFIG, where, 0,
                                        "unknown or mistyped key '%s' "
                                        "(known: plugin (string), as "
                                        "(string), config (object), inputs "
                                        "(object))",
                                        key);
            }
        }
        if (!plugin)
            return glossa__fail(err, GLOSSA_ECONFIG, where, 0,
                                "each entry needs \"plugin\": a name or a "
                                "path");
        char *resolved = pipeline_relative(origin, plugin);
        if (!resolved)
            return glossa__fail(err, GLOSSA_ENOMEM, where, 0, "out of memory");
        int rc = add_step(rt, resolved, config, as, where, 0, err);
        glossa__free(resolved);
        if (rc == 0)
            rc = set_inputs(rt->steps[rt->n_steps - 1], inputs, where, err);
        if (rc)
            return rc;
    }
    return 0;
}

int glossa_runtime_load_pipeline(glossa_runtime_t *rt, const char *path,
                                 glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt || !path)
        return GLOSSA_EINVAL;
    json_error_t jerr;
    unsigned long oom_mark = glossa__alloc_failures();
    json_t *pipeline = json_load_file(path, 0, &jerr);
    if (!pipeline && glossa__json_oom(&jerr, oom_mark))
        return glossa__fail(err, GLOSSA_ENOMEM, path, 0, "out of memory");
    if (!pipeline) {
        char why[JSON_ERROR_TEXT_LENGTH];
        int rc = glossa__fail(err, GLOSSA_EPARSE, path, jerr.line,
                              "not a JSON pipeline: %s",
                              glossa__json_error_text(&jerr, why, sizeof(why)));
        if (err && err->code == GLOSSA_EPARSE)
            err->column = jerr.column;
        return rc;
    }
    int rc = glossa_runtime_load_pipeline_json(rt, pipeline, path, err);
    json_decref(pipeline);
    return rc;
}

/* ---- prepare(): dependencies, order, instances ------------------------- */

static int append_index(size_t **list, size_t *n, size_t value)
{
    size_t *grown = glossa__realloc(*list, (*n + 1) * sizeof(size_t));
    if (!grown)
        return GLOSSA_ENOMEM;
    grown[(*n)++] = value;
    *list = grown;
    return 0;
}

/* Describes one cycle among the steps not yet ordered ("a -> b -> a"). */
static void describe_cycle(const glossa_runtime_t *rt, const int *ordered,
                           char *out, size_t size)
{
    size_t start = 0;
    while (start < rt->n_steps && ordered[start])
        start++;
    /* Walk requirements among unordered steps until a step repeats. */
    size_t path[64], n = 0, cur = start;
    out[0] = '\0';
    for (;;) {
        for (size_t k = 0; k < n; k++) {
            if (path[k] != cur)
                continue;
            size_t o = 0;
            for (size_t j = k; j < n && o < size; j++)
                o += (size_t)snprintf(out + o, size - o, "%s -> ",
                                      rt->steps[path[j]]->layer);
            if (o < size)
                snprintf(out + o, size - o, "%s", rt->steps[cur]->layer);
            return;
        }
        if (n == 64)
            return;
        path[n++] = cur;
        const glossa__step_t *s = rt->steps[cur];
        size_t next = cur;
        for (size_t r = 0; r < s->n_requires; r++)
            if (!ordered[s->requires[r]]) {
                next = s->requires[r];
                break;
            }
        if (next == cur)
            return;
        cur = next;
    }
}

static int link_dependencies(glossa_runtime_t *rt, glossa_error_t *err)
{
    for (size_t i = 0; i < rt->n_steps; i++) {
        glossa__step_t *s = rt->steps[i];
        const char *const *req = s->type->desc.inputs;
        for (size_t r = 0; req && req[r]; r++) {
            const char *from = glossa__step_input_layer(s, req[r]);
            glossa__step_t *dep = find_step(rt, from);
            if (!dep && from == req[r])
                return glossa__fail(
                    err, GLOSSA_EDEPENDENCY, s->origin, 0,
                    "plugin '%s' (%s) requires layer '%s', which no plugin "
                    "in the pipeline provides; add a plugin producing '%s', "
                    "or map the input to another layer (\"inputs\": "
                    "{\"%s\": \"LAYER\"})",
                    s->layer, s->type->path, req[r], req[r], req[r]);
            if (!dep)
                return glossa__fail(
                    err, GLOSSA_EDEPENDENCY, s->origin, 0,
                    "plugin '%s' (%s) reads its input '%s' from layer '%s', "
                    "which no plugin in the pipeline provides",
                    s->layer, s->type->path, req[r], from);
            if (dep == s)
                return glossa__fail(err, GLOSSA_ECYCLE, s->origin, 0,
                                    "plugin '%s' cannot read its own layer "
                                    "as its input '%s'",
                                    s->layer, req[r]);
            if (append_index(&s->requires, &s->n_requires, dep->index) ||
                append_index(&dep->dependents, &dep->n_dependents, s->index))
                return glossa__fail(err, GLOSSA_ENOMEM, s->origin, 0,
                                    "out of memory");
        }
    }
    return 0;
}

/* Kahn's algorithm; *order gets a creation order (requirements first). */
static int order_steps(glossa_runtime_t *rt, size_t *order, glossa_error_t *err)
{
    size_t n = rt->n_steps, done = 0;
    int *ordered = glossa__calloc(n ? n : 1, sizeof(int));
    if (!ordered)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    int progress = 1;
    while (done < n && progress) {
        progress = 0;
        for (size_t i = 0; i < n; i++) {
            if (ordered[i])
                continue;
            const glossa__step_t *s = rt->steps[i];
            int ready = 1;
            for (size_t r = 0; r < s->n_requires; r++)
                ready &= ordered[s->requires[r]];
            if (ready) {
                ordered[i] = 1;
                order[done++] = i;
                progress = 1;
            }
        }
    }
    int rc = 0;
    if (done < n) {
        char cycle[512];
        describe_cycle(rt, ordered, cycle, sizeof(cycle));
        rc = glossa__fail(err, GLOSSA_ECYCLE, NULL, 0,
                          "plugin dependency cycle: %s", cycle);
    }
    glossa__free(ordered);
    return rc;
}

static int create_instance(glossa_runtime_t *rt, glossa__step_t *s,
                           glossa_error_t *err)
{
    (void)rt;
    glossa_create_args_t args;
    memset(&args, 0, sizeof(args));
    args.size = sizeof(args);
    args.host = &glossa__host;
    args.config = s->config;
    args.plugin_path = s->type->path;
    args.data_dir = s->type->data_dir;
    char message[1024] = "";
    glossa__set_current_step(s);
    s->state = s->type->desc.create(&args, message, sizeof(message));
    glossa__set_current_step(NULL);
    if (!s->state) {
        message[sizeof(message) - 1] = '\0';
        return glossa__fail(err, GLOSSA_ECONFIG, s->origin, 0,
                            "plugin '%s' (%s) refused to start: %s", s->layer,
                            s->type->path,
                            message[0] ? message
                                       : "create() failed without "
                                         "a message");
    }
    s->created = 1;
    return 0;
}

static void reset_links(glossa_runtime_t *rt)
{
    for (size_t i = 0; i < rt->n_steps; i++) {
        glossa__step_t *s = rt->steps[i];
        glossa__free(s->requires);
        glossa__free(s->dependents);
        s->requires = s->dependents = NULL;
        s->n_requires = s->n_dependents = 0;
    }
}

int glossa_runtime_prepare(glossa_runtime_t *rt, glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt)
        return GLOSSA_EINVAL;
    if (rt->prepared)
        return 0;
    size_t *order = glossa__malloc((rt->n_steps + 1) * sizeof(size_t));
    if (!order)
        return glossa__fail(err, GLOSSA_ENOMEM, NULL, 0, "out of memory");
    int rc = link_dependencies(rt, err);
    if (rc == 0)
        rc = order_steps(rt, order, err);
    if (rc == 0)
        rc = glossa__provenance_compute(rt, err);
    size_t created = 0;
    if (rt->opts.isolate) {
        /* The instances are made in the plugin process, and only there. */
        if (rc == 0)
            rc = glossa__zygote_spawn(rt, rt->opts.threads, &rt->zygote, err);
    } else {
        for (; rc == 0 && created < rt->n_steps; created++)
            rc = create_instance(rt, rt->steps[order[created]], err);
    }
    if (rc) {
        /* Roll back: destroy what was created, newest first. */
        while (created-- > 0) {
            glossa__step_t *s = rt->steps[order[created]];
            if (!s->created)
                continue;
            glossa__set_current_step(s);
            s->type->desc.destroy(s->state);
            glossa__set_current_step(NULL);
            s->created = 0;
            s->state = NULL;
        }
        reset_links(rt);
        glossa__free(order);
    } else {
        rt->prepared = 1;
        rt->order = order; /* kept: reuse visits the steps in this order */
    }
    return rc;
}

size_t glossa_runtime_plugin_count(const glossa_runtime_t *rt)
{
    return rt ? rt->n_steps : 0;
}

const char *glossa_runtime_plugin_name(const glossa_runtime_t *rt, size_t i)
{
    return rt && i < rt->n_steps ? rt->steps[i]->layer : NULL;
}

uint64_t glossa_runtime_plugin_reused(const glossa_runtime_t *rt, size_t i)
{
    return rt && i < rt->n_steps ? rt->steps[i]->reused : 0;
}

int glossa_runtime_plugin_stats(const glossa_runtime_t *rt, size_t i,
                                glossa_plugin_stats_t *out)
{
    if (!rt || i >= rt->n_steps || !out)
        return GLOSSA_EINVAL;
    const glossa__step_t *s = rt->steps[i];
    out->name = s->layer;
    out->seconds = (double)s->nanos / 1e9;
    out->documents = s->calls;
    out->failures = s->failures;
    return 0;
}

void glossa_runtime_set_progress(glossa_runtime_t *rt, glossa_progress_cb cb,
                                 void *ud)
{
    if (!rt)
        return;
    rt->progress_cb = cb;
    rt->progress_ud = ud;
}

/* ---- Discovery --------------------------------------------------------- */

static void fill_info(const glossa__plugin_type_t *t, glossa_plugin_info_t *i)
{
    memset(i, 0, sizeof(*i));
    i->path = t->path;
    i->name = t->desc.name;
    i->version = t->desc.version;
    i->description = t->desc.description;
    i->abi_version = t->desc.abi_version;
    i->inputs = t->desc.inputs;
    i->options = t->desc.options;
    i->span_fields = t->desc.span_fields;
    i->document_fields = t->desc.document_fields;
}

int glossa_runtime_plugin_info(const glossa_runtime_t *rt, size_t index,
                               glossa_plugin_info_t *out)
{
    if (!rt || index >= rt->n_steps || !out)
        return GLOSSA_EINVAL;
    fill_info(rt->steps[index]->type, out);
    return 0;
}

int glossa_runtime_describe_plugin(glossa_runtime_t *rt,
                                   const char *name_or_path,
                                   void (*cb)(void *ud,
                                              const glossa_plugin_info_t *info),
                                   void *ud, glossa_error_t *err)
{
    glossa_error_clear(err);
    if (!rt || !name_or_path || !cb)
        return GLOSSA_EINVAL;
    glossa__plugin_type_t *type = NULL;
    int rc = load_named_type(rt, name_or_path, &type, err);
    if (rc)
        return rc;
    glossa_plugin_info_t info;
    fill_info(type, &info);
    cb(ud, &info);
    glossa__plugin_type_free(type);
    return 0;
}

static int compare_types(const void *a, const void *b)
{
    const glossa__plugin_type_t *x = *(glossa__plugin_type_t *const *)a;
    const glossa__plugin_type_t *y = *(glossa__plugin_type_t *const *)b;
    return strcmp(x->desc.name, y->desc.name);
}

static int ends_with_so(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

int glossa_runtime_list_plugins(
    glossa_runtime_t *rt,
    void (*cb)(void *ud, const glossa_plugin_info_t *info),
    void (*on_error)(void *ud, const glossa_error_t *err), void *ud)
{
    if (!rt || !cb)
        return GLOSSA_EINVAL;
    glossa__plugin_type_t **found = NULL;
    size_t n_found = 0;
    int rc = 0;
    for (size_t d = 0; d < rt->n_search_dirs && rc == 0; d++) {
        DIR *dir = opendir(rt->search_dirs[d]);
        if (!dir)
            continue;
        /* Sorted file names, so that the first of a duplicate name wins
         * deterministically. */
        struct dirent **names = NULL;
        int n = scandir(rt->search_dirs[d], &names, NULL, alphasort);
        closedir(dir);
        for (int k = 0; k < n; k++) {
            if (rc == 0 && ends_with_so(names[k]->d_name)) {
                char *path = glossa__asprintf("%s/%s", rt->search_dirs[d],
                                              names[k]->d_name);
                glossa__plugin_type_t *type = NULL;
                glossa_error_t lerr;
                glossa_error_clear(&lerr);
                if (!path) {
                    rc = GLOSSA_ENOMEM;
                } else if (glossa__plugin_type_load(path, &type, &lerr)) {
                    if (on_error)
                        on_error(ud, &lerr);
                } else {
                    int dup = 0;
                    for (size_t j = 0; j < n_found; j++)
                        dup |= !strcmp(found[j]->desc.name, type->desc.name);
                    glossa__plugin_type_t **grown =
                        dup ? NULL
                            : glossa__realloc(found,
                                              (n_found + 1) * sizeof(*found));
                    if (grown) {
                        found = grown;
                        found[n_found++] = type;
                    } else {
                        glossa__plugin_type_free(type);
                        if (!dup)
                            rc = GLOSSA_ENOMEM;
                    }
                }
                glossa__free(path);
            }
            free(names[k]);
        }
        free(names);
    }
    if (rc == 0) {
        qsort(found, n_found, sizeof(*found), compare_types);
        for (size_t j = 0; j < n_found; j++) {
            glossa_plugin_info_t info;
            fill_info(found[j], &info);
            cb(ud, &info);
        }
    }
    for (size_t j = 0; j < n_found; j++)
        glossa__plugin_type_free(found[j]);
    glossa__free(found);
    return rc;
}
