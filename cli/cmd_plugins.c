/* glossa plugins: list the plugins in the search path, or describe one
 * (its configuration table) with --help NAME. */
#include <stdio.h>
#include <string.h>

#include <glossa/glossa.h>

#include "commands.h"

static const char *option_type(glossa_option_type_t t)
{
    switch (t) {
    case GLOSSA_OPTION_STRING:
        return "string";
    case GLOSSA_OPTION_INTEGER:
        return "integer";
    case GLOSSA_OPTION_REAL:
        return "number";
    case GLOSSA_OPTION_BOOLEAN:
        return "boolean";
    case GLOSSA_OPTION_STRING_LIST:
        return "string list";
    case GLOSSA_OPTION_OBJECT:
        return "object";
    }
    return "?";
}

static void join_requires(const glossa_plugin_info_t *info, char *buf,
                          size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; info->inputs && info->inputs[i] && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "," : "",
                              info->inputs[i]);
    if (o == 0)
        snprintf(buf, size, "-");
}

static void print_row(void *ud, const glossa_plugin_info_t *info)
{
    int *count = ud;
    if ((*count)++ == 0)
        printf("%-14s %-9s %-5s %-14s %s\n", "NAME", "VERSION", "ABI",
               "REQUIRES", "PATH");
    char req[256];
    join_requires(info, req, sizeof(req));
    printf("%-14s %-9s %u.%-3u %-14s %s\n", info->name, info->version,
           info->abi_version >> 16, info->abi_version & 0xFFFF, req,
           info->path);
    printf("%-14s %s\n", "", info->description);
}

static void print_load_error(void *ud, const glossa_error_t *err)
{
    (void)ud;
    char msg[2048];
    fprintf(stderr, "glossa: warning: %s\n",
            glossa_error_format(err, msg, sizeof(msg)));
}

/* One configuration key: type, default (or required), what it allows. */
static void print_option(const glossa_option_t *o)
{
    char def[300];
    snprintf(def, sizeof(def), "%s%s", o->required ? "" : "default ",
             o->required       ? "(required)"
             : o->default_json ? o->default_json
                               : "(none)");
    printf("  %-18s %-12s %s\n", o->key, option_type(o->type), def);
    if (o->description)
        printf("  %-18s %s\n", "", o->description);
    if (o->choices) {
        printf("  %-18s one of:", "");
        for (const char *const *c = o->choices; *c; c++)
            printf(" %s", *c);
        printf("\n");
    }
    if (o->minimum || o->maximum)
        printf("  %-18s from %s to %s\n", "", o->minimum ? o->minimum : "-inf",
               o->maximum ? o->maximum : "+inf");
}

static void print_fields(const char *title, const glossa_field_t *fields)
{
    if (!fields || !fields[0].name)
        return;
    printf("\n%s (besides start, end, text):\n", title);
    for (const glossa_field_t *f = fields; f->name; f++) {
        printf("  %-18s %-12s %s\n", f->name, f->type ? f->type : "any",
               f->required ? "always" : "optional");
        if (f->description)
            printf("  %-18s %s\n", "", f->description);
    }
}

static void print_help(void *ud, const glossa_plugin_info_t *info)
{
    (void)ud;
    char req[256];
    join_requires(info, req, sizeof(req));
    printf("%s %s (plugin ABI %u.%u)\n%s\n\n", info->name, info->version,
           info->abi_version >> 16, info->abi_version & 0xFFFF,
           info->description);
    printf("file:     %s\nrequires: %s\n\n", info->path, req);
    if (!info->options || !info->options[0].key) {
        printf("It takes no configuration.\n");
    } else {
        printf("configuration (\"config\" in a pipeline entry):\n");
        for (size_t i = 0; info->options[i].key; i++)
            print_option(&info->options[i]);
    }
    print_fields("span fields", info->span_fields);
    print_fields("document fields", info->document_fields);
}

int glossa_cli_plugins(int argc, char **argv)
{
    glossa_error_t err;
    glossa_error_clear(&err);
    const char *describe = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") && i + 1 < argc) {
            describe = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: glossa plugins [NAME|PATH]\n"
                   "       glossa plugins --help NAME|PATH\n\n"
                   "Lists the plugins found in the search path "
                   "(GLOSSA_PLUGIN_PATH, the install\ndirectory, the build "
                   "tree), or describes one plugin and its configuration.\n");
            return GLOSSA_EXIT_OK;
        } else if (argv[i][0] != '-' && !describe) {
            describe = argv[i];
        } else {
            fprintf(stderr, "glossa plugins: unexpected argument '%s'\n",
                    argv[i]);
            return GLOSSA_EXIT_USAGE;
        }
    }
    glossa_runtime_t *rt;
    if (glossa_runtime_new(NULL, &rt, &err)) {
        print_load_error(NULL, &err);
        return GLOSSA_EXIT_FAILURE;
    }
    int code = GLOSSA_EXIT_OK;
    if (describe) {
        if (glossa_runtime_describe_plugin(rt, describe, print_help, NULL,
                                           &err)) {
            print_load_error(NULL, &err);
            code = GLOSSA_EXIT_LOAD;
        }
    } else {
        int count = 0;
        if (glossa_runtime_list_plugins(rt, print_row, print_load_error,
                                        &count))
            code = GLOSSA_EXIT_FAILURE;
        else if (count == 0)
            fprintf(stderr, "glossa: no plugins found in the search path\n");
    }
    glossa_runtime_free(rt);
    return code;
}
