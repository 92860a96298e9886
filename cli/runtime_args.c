#include "runtime_args.h"

#include <stdio.h>
#include <stdlib.h>

#include "commands.h"

void glossa_cli_runtime_args_init(glossa_cli_runtime_args_t *a, int argc)
{
    a->pipeline = NULL;
    a->plugins = calloc((size_t)argc + 1, sizeof(char *));
    if (!a->plugins) { /* at start-up, before anything else is held */
        fprintf(stderr, "glossa: out of memory\n");
        exit(GLOSSA_EXIT_FAILURE);
    }
    a->n_plugins = 0;
    glossa_runtime_options_init(&a->options);
    a->quiet = 0;
}

void glossa_cli_runtime_args_free(glossa_cli_runtime_args_t *a)
{
    free(a->plugins);
    a->plugins = NULL;
}

/* A size of at least 1 (64M, 1048576...). */
static int parse_count(const char *s, size_t *out)
{
    unsigned long long size;
    if (glossa_cli_parse_size(s, &size) || size == 0)
        return -1;
    *out = (size_t)size;
    return 0;
}

int glossa_cli_runtime_option(glossa_cli_runtime_args_t *a, int c,
                              const char *arg)
{
    glossa_runtime_options_t *o = &a->options;
    int bad = 0;
    switch (c) {
    case GLOSSA_CLI_OPT_PIPELINE:
        a->pipeline = arg;
        break;
    case GLOSSA_CLI_OPT_PLUGIN:
        a->plugins[a->n_plugins++] = arg;
        break;
    case GLOSSA_CLI_OPT_THREADS: {
        int threads;
        bad = glossa_cli_parse_int(arg, 1, 1024, &threads);
        if (!bad)
            o->threads = (unsigned)threads;
        break;
    }
    case GLOSSA_CLI_OPT_WINDOW:
        bad = parse_count(arg, &o->max_docs_in_flight);
        break;
    case GLOSSA_CLI_OPT_MAX_DOC:
        bad = parse_count(arg, &o->max_doc_bytes);
        break;
    case GLOSSA_CLI_OPT_MAX_LAYER:
        bad = parse_count(arg, &o->max_layer_bytes);
        break;
    case GLOSSA_CLI_OPT_LOG_LEVEL:
        bad = glossa_cli_parse_log_level(arg, &o->log_level);
        break;
    case GLOSSA_CLI_OPT_ISOLATE:
        o->isolate = 1;
        break;
    case GLOSSA_CLI_OPT_DOC_TIMEOUT:
        bad = glossa_cli_parse_doc_timeout(arg, &o->doc_timeout_ms);
        break;
    case 'q':
        a->quiet = 1;
        o->log_level = GLOSSA_LOG_WARN;
        break;
    default:
        return 0;
    }
    return bad ? -1 : 1;
}

int glossa_cli_runtime_load(glossa_runtime_t *rt,
                            const glossa_cli_runtime_args_t *a, const char *cmd,
                            const char *prefix, char *buf, size_t size,
                            const char **file)
{
    glossa_error_t err;
    glossa_error_clear(&err);
    const char *pipeline = a->pipeline;
    *file = NULL;
    if (!pipeline && a->n_plugins == 0) {
        pipeline = glossa_cli_default_pipeline(buf, size);
        if (!pipeline) {
            fprintf(stderr,
                    "%s: no --pipeline or --plugin given and no bundled "
                    "default-pipeline.json found\n",
                    cmd);
            return GLOSSA_EXIT_LOAD;
        }
    }
    *file = pipeline;
    if (pipeline && glossa_runtime_load_pipeline(rt, pipeline, &err)) {
        glossa_cli_print_error(prefix, "cannot load the pipeline", &err);
        return GLOSSA_EXIT_LOAD;
    }
    for (size_t i = 0; i < a->n_plugins; i++) {
        if (glossa_runtime_add_plugin(rt, a->plugins[i], NULL, NULL, &err)) {
            glossa_cli_print_error(prefix, "cannot load a plugin", &err);
            return GLOSSA_EXIT_LOAD;
        }
    }
    if (glossa_runtime_prepare(rt, &err)) {
        glossa_cli_print_error(prefix, "cannot start the pipeline", &err);
        return GLOSSA_EXIT_LOAD;
    }
    return 0;
}
