/* glossa import: gold annotations from brat or CoNLL-2003 files into the
 * gold format glossa eval reads (DOC.json, with DOC.txt beside it). The
 * readers are import_brat.c and import_conll.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "export_internal.h"

static const char WHO[] = "glossa import";

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa import --format brat|conll [options] INPUT... -o "
            "GOLD_DIR\n"
            "\n"
            "Brings gold annotations into the format glossa eval --gold "
            "reads: GOLD_DIR/DOC.json\n(\"id\" and one array of spans per "
            "layer), and GOLD_DIR/DOC.txt, the text the\noffsets count in, "
            "for glossa run GOLD_DIR.\n"
            "\n"
            "  brat   INPUT: directories of DOC.txt + DOC.ann, or .ann files. "
            "Types go to\n"
            "         layers by --map, by an annotation.conf glossa export "
            "wrote, by the\n"
            "         bundled labels, else to --default-layer; attributes "
            "and notes\n"
            "         become fields.\n"
            "  conll  INPUT: IOB files (TOKEN ... TAG; -DOCSTART- between "
            "documents; \"-\"\n"
            "         reads standard input). The text is rebuilt: tokens "
            "joined by a\n"
            "         space, one sentence per line.\n"
            "\n"
            "options:\n"
            "  -f, --format FORMAT     brat or conll (required)\n"
            "  -o, --output DIR        the gold directory (required; "
            "created)\n"
            "  --layer NAME            conll: the layer of the entities "
            "(default entities)\n"
            "  --map TYPE=LAYER        brat: spans of TYPE go to LAYER "
            "(repeatable)\n"
            "  --default-layer NAME    brat: the layer of types nothing "
            "else places\n"
            "                          (default entities)\n"
            "  --tag LAYER=NAME        brat: spans of type NAME in LAYER "
            "have no label\n"
            "                          (default: Stance in mediation, Quote "
            "in quotes,\n"
            "                          else the layer's name)\n"
            "  -h, --help              print this help\n"
            "\n"
            "exit status: 0 ok, 1 failure, 2 usage, 4 some documents were "
            "left out\n(each reported with file and line).\n");
}

enum { OPT_LAYER = 256, OPT_MAP, OPT_DEFAULT_LAYER, OPT_TAG };

#define GO (-1)

typedef struct args {
    import_opts_t o;
    int (*reader)(const import_opts_t *o, const char *input);
    char **inputs;
    size_t n_inputs;
} args_t;

static void args_free(args_t *a)
{
    for (size_t i = 0; i < a->o.n_maps; i++)
        free((char *)a->o.maps[i].name);
    for (size_t i = 0; i < a->o.n_tags; i++)
        free((char *)a->o.tags[i].name);
    free(a->o.maps);
    free(a->o.tags);
    json_decref(a->o.written);
}

static int pick_format(args_t *a, const char *name)
{
    static const char *const names[] = {"brat", "conll"};
    if (strcmp(name, "brat") == 0)
        a->reader = glossa_import__brat;
    else if (strcmp(name, "conll") == 0)
        a->reader = glossa_import__conll;
    if (a->reader) {
        a->o.format = name;
        return GO;
    }
    const char *close = glossa_cli_closest(name, names, 2);
    fprintf(stderr, "%s: unknown format '%s'%s%s%s (brat or conll)\n", WHO,
            name, close ? "; did you mean '" : "", close ? close : "",
            close ? "'?" : "");
    return GLOSSA_EXIT_USAGE;
}

/* NAME=VALUE into a pair whose name is a copy. */
static int add_pair(export_pair_t *pairs, size_t *n, const char *arg,
                    const char *option)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        fprintf(stderr, "%s: %s takes NAME=VALUE, not '%s'\n", WHO, option,
                arg);
        return GLOSSA_EXIT_USAGE;
    }
    if (!(pairs[*n].name = strndup(arg, (size_t)(eq - arg)))) {
        fprintf(stderr, "%s: out of memory\n", WHO);
        return GLOSSA_EXIT_FAILURE;
    }
    pairs[(*n)++].value = eq + 1;
    return GO;
}

static int take_option(args_t *a, int c, const char *arg)
{
    switch (c) {
    case 'f':
        return pick_format(a, arg);
    case 'o':
        a->o.output = arg;
        return GO;
    case OPT_LAYER:
        a->o.layer = arg;
        return GO;
    case OPT_DEFAULT_LAYER:
        a->o.default_layer = arg;
        return GO;
    case OPT_MAP:
        return add_pair(a->o.maps, &a->o.n_maps, arg, "--map");
    case OPT_TAG:
        return add_pair(a->o.tags, &a->o.n_tags, arg, "--tag");
    case 'h':
        import_usage(stdout);
        return GLOSSA_EXIT_OK;
    default:
        fprintf(stderr, "Try 'glossa import --help'.\n");
        return GLOSSA_EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, args_t *a)
{
    static const struct option long_opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"layer", required_argument, NULL, OPT_LAYER},
        {"map", required_argument, NULL, OPT_MAP},
        {"default-layer", required_argument, NULL, OPT_DEFAULT_LAYER},
        {"tag", required_argument, NULL, OPT_TAG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    size_t max = argc > 0 ? (size_t)argc : 1;
    a->o.layer = "entities";
    a->o.default_layer = "entities";
    a->o.maps = calloc(max, sizeof(*a->o.maps));
    a->o.tags = calloc(max, sizeof(*a->o.tags));
    if (!a->o.maps || !a->o.tags || !(a->o.written = json_object())) {
        fprintf(stderr, "%s: out of memory\n", WHO);
        return GLOSSA_EXIT_FAILURE;
    }
    int c;
    optind = 1;
    while ((c = glossa_cli_getopt(argc, argv, "f:o:h", long_opts, WHO)) != -1) {
        int code = take_option(a, c, optarg);
        if (code != GO)
            return code;
    }
    a->inputs = argv + optind;
    a->n_inputs = (size_t)(argc - optind);
    if (!a->reader)
        return glossa_cli_usage_error(WHO, "%s",
                                      "--format is required (brat or conll)");
    if (!a->o.output)
        return glossa_cli_usage_error(WHO, "%s", "-o GOLD_DIR is required");
    if (a->n_inputs == 0)
        return glossa_cli_usage_error(WHO, "%s", "no INPUT given");
    return GO;
}

static int run_import(const args_t *a)
{
    if (glossa_export__mkdirs(WHO, a->o.output) != 0)
        return GLOSSA_EXIT_FAILURE;
    int skipped = 0;
    for (size_t i = 0; i < a->n_inputs; i++) {
        int rc = a->reader(&a->o, a->inputs[i]);
        if (rc < 0)
            return GLOSSA_EXIT_FAILURE;
        skipped |= rc == EXPORT_SKIP;
    }
    size_t n = json_object_size(a->o.written);
    if (skipped) {
        glossa_export__say(WHO, NULL,
                           "some documents were left out (see above); %zu "
                           "written to %s",
                           n, a->o.output);
        return GLOSSA_EXIT_DOC_ERRORS;
    }
    return GLOSSA_EXIT_OK;
}

int glossa_cli_import(int argc, char **argv)
{
    args_t a;
    memset(&a, 0, sizeof(a));
    int code = parse_args(argc, argv, &a);
    if (code == GO)
        code = run_import(&a);
    args_free(&a);
    return code;
}
