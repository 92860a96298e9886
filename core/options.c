/* Checking a plugin configuration against its declared option table. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "report.h"
#include "runtime_int.h"

static const char *type_name(glossa_option_type_t type)
{
    switch (type) {
    case GLOSSA_OPTION_STRING:
        return "a string";
    case GLOSSA_OPTION_INTEGER:
        return "an integer";
    case GLOSSA_OPTION_REAL:
        return "a number";
    case GLOSSA_OPTION_BOOLEAN:
        return "true or false";
    case GLOSSA_OPTION_STRING_LIST:
        return "an array of strings";
    case GLOSSA_OPTION_OBJECT:
        return "an object";
    }
    return "?";
}

static int has_type(const json_t *v, glossa_option_type_t type)
{
    switch (type) {
    case GLOSSA_OPTION_STRING:
        return json_is_string(v);
    case GLOSSA_OPTION_INTEGER:
        return json_is_integer(v);
    case GLOSSA_OPTION_REAL:
        return json_is_number(v);
    case GLOSSA_OPTION_BOOLEAN:
        return json_is_boolean(v);
    case GLOSSA_OPTION_OBJECT:
        return json_is_object(v);
    case GLOSSA_OPTION_STRING_LIST: {
        if (!json_is_array(v))
            return 0;
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) if (!json_is_string(item)) return 0;
        return 1;
    }
    }
    return 0;
}

static const glossa_option_t *find_option(const glossa_plugin_t *desc,
                                          const char *key)
{
    for (size_t i = 0; desc->options && desc->options[i].key; i++)
        if (strcmp(desc->options[i].key, key) == 0)
            return &desc->options[i];
    return NULL;
}

/* Whether s is one of the option's choices (any string when it has
 * none). */
static int is_choice(const glossa_option_t *opt, const char *s)
{
    if (!opt->choices)
        return 1;
    for (const char *const *c = opt->choices; *c; c++)
        if (strcmp(*c, s) == 0)
            return 1;
    return 0;
}

static void join_choices(const glossa_option_t *opt, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (const char *const *c = opt->choices; *c && o < size; c++)
        o += (size_t)snprintf(buf + o, size - o, "%s\"%s\"",
                              c == opt->choices ? "" : ", ", *c);
}

const char *glossa__option_out_of_range(const glossa_option_t *opt,
                                        const json_t *v, char *buf, size_t size)
{
    char choices[512];
    if (opt->choices) {
        join_choices(opt, choices, sizeof(choices));
        size_t i;
        const json_t *item;
        if (json_is_string(v) && !is_choice(opt, json_string_value(v))) {
            snprintf(buf, size, "is \"%s\", not one of %s",
                     json_string_value(v), choices);
            return buf;
        }
        json_array_foreach(v, i,
                           item) if (json_is_string(item) &&
                                     !is_choice(opt, json_string_value(item)))
        {
            snprintf(buf, size, "holds \"%s\", not one of %s",
                     json_string_value(item), choices);
            return buf;
        }
    }
    if (!json_is_number(v))
        return NULL;
    double x = json_number_value(v);
    /* The bounds were checked to be JSON numbers when the plugin loaded. */
    json_t *lo =
        opt->minimum ? json_loads(opt->minimum, JSON_DECODE_ANY, NULL) : NULL;
    json_t *hi =
        opt->maximum ? json_loads(opt->maximum, JSON_DECODE_ANY, NULL) : NULL;
    const char *why = NULL;
    if ((lo && x < json_number_value(lo)) ||
        (hi && x > json_number_value(hi))) {
        if (lo && hi)
            snprintf(buf, size, "must be from %s to %s", opt->minimum,
                     opt->maximum);
        else if (lo)
            snprintf(buf, size, "must be at least %s", opt->minimum);
        else
            snprintf(buf, size, "must be at most %s", opt->maximum);
        why = buf;
    }
    json_decref(lo);
    json_decref(hi);
    return why;
}

int glossa__config_validate(const glossa_plugin_t *desc, const json_t *given,
                            const char *origin, json_t **out,
                            glossa_error_t *err)
{
    *out = NULL;
    if (given && !json_is_object(given))
        return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                            "configuration of plugin '%s' must be a JSON "
                            "object",
                            desc->name);
    json_t *config = json_object();
    if (!config)
        return glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)given, key, value)
    {
        const glossa_option_t *opt = find_option(desc, key);
        if (!opt) {
            char known[512] = "";
            size_t o = 0;
            for (size_t i = 0;
                 desc->options && desc->options[i].key && o < sizeof(known);
                 i++)
                o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s",
                                      i ? ", " : "", desc->options[i].key);
            json_decref(config);
            return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                                "unknown configuration key '%s' for plugin "
                                "'%s' (%s%s)",
                                key, desc->name,
                                o ? "known keys: " : "it takes no keys", known);
        }
        if (!has_type(value, opt->type)) {
            json_decref(config);
            return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                                "configuration key '%s' of plugin '%s' must "
                                "be %s",
                                key, desc->name, type_name(opt->type));
        }
        char why[768];
        if (glossa__option_out_of_range(opt, value, why, sizeof(why))) {
            json_decref(config);
            return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                                "configuration key '%s' of plugin '%s' %s", key,
                                desc->name, why);
        }
        if (json_object_set(config, key, value)) {
            json_decref(config);
            return glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
        }
    }
    for (size_t i = 0; desc->options && desc->options[i].key; i++) {
        const glossa_option_t *opt = &desc->options[i];
        if (opt->required && !json_object_get(config, opt->key)) {
            json_decref(config);
            return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                                "plugin '%s' needs the configuration key "
                                "'%s' (%s): give it in the pipeline's "
                                "\"config\"",
                                desc->name, opt->key, type_name(opt->type));
        }
    }
    for (size_t i = 0; desc->options && desc->options[i].key; i++) {
        const glossa_option_t *opt = &desc->options[i];
        if (!opt->default_json || json_object_get(config, opt->key))
            continue;
        json_t *def = json_loads(opt->default_json, JSON_DECODE_ANY, NULL);
        if (def && !has_type(def, opt->type)) {
            json_decref(def);
            json_decref(config);
            return glossa__fail(err, GLOSSA_ECONFIG, origin, 0,
                                "plugin '%s' declares a default for '%s' "
                                "that is not %s",
                                desc->name, opt->key, type_name(opt->type));
        }
        if (!def || json_object_set_new(config, opt->key, def)) {
            json_decref(config);
            return glossa__fail(err, GLOSSA_ENOMEM, origin, 0, "out of memory");
        }
    }
    *out = config;
    return 0;
}
