/* glossa schema: the JSON Schema of the records a pipeline writes, from
 * the envelope of docs/output-format.md and the span and document fields
 * each plugin declares (glossa_field_t). docs/output-schema.json is this
 * command's output for the bundled pipeline (a test keeps them equal). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "runtime_args.h"

static void schema_usage(FILE *out)
{
    fprintf(out,
            "usage: glossa schema [--pipeline FILE] [--plugin NAME|PATH]...\n"
            "\n"
            "Prints the JSON Schema (draft 2020-12) of the records `glossa "
            "run` writes with\nthis pipeline (default: the bundled one): "
            "the record's envelope, and for each\nlayer the fields its "
            "plugin declares. Validate output with it, e.g.\n"
            "  glossa schema --pipeline p.json > schema.json\n"
            "  python3 -m jsonschema -i record.json schema.json\n");
}

/* A JSON value from text the plugin declared (a bound), or NULL. */
static json_t *number_of(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_number(v))
        return v;
    json_decref(v);
    return NULL;
}

/* "string|null" -> ["string", "null"]. */
static json_t *type_of(const char *type)
{
    if (!type)
        return NULL;
    const char *bar = strchr(type, '|');
    if (!bar)
        return json_string(type);
    return json_pack("[s#,s]", type, (int)(bar - type), bar + 1);
}

static json_t *field_schema(const glossa_field_t *f)
{
    json_t *s = json_object();
    if (f->description)
        json_object_set_new(s, "description", json_string(f->description));
    json_t *type = type_of(f->type);
    if (type)
        json_object_set_new(s, "type", type);
    if (f->choices) {
        json_t *choices = json_array();
        for (const char *const *c = f->choices; *c; c++)
            json_array_append_new(choices, json_string(*c));
        json_object_set_new(s, "enum", choices);
    }
    json_t *lo = number_of(f->minimum), *hi = number_of(f->maximum);
    if (lo)
        json_object_set_new(s, "minimum", lo);
    if (hi)
        json_object_set_new(s, "maximum", hi);
    return s;
}

/* The declared fields as {"properties", "required"} on `into`; with
 * `closed`, no other field is allowed (unevaluatedProperties). */
static void add_fields(json_t *into, const glossa_field_t *fields, int closed)
{
    json_t *props = json_object(), *required = json_array();
    for (const glossa_field_t *f = fields; f && f->name; f++) {
        json_object_set_new(props, f->name, field_schema(f));
        if (f->required)
            json_array_append_new(required, json_string(f->name));
    }
    if (json_array_size(required))
        json_object_set_new(into, "required", required);
    else
        json_decref(required);
    json_object_set_new(into, "properties", props);
    if (closed)
        json_object_set_new(into, "unevaluatedProperties", json_false());
}

/* The envelope's fixed parts: a span, an error entry. */
static json_t *base_defs(void)
{
    return json_pack(
        "{s:{s:s,s:s,s:[s,s,s],s:{s:{s:s,s:i},s:{s:s,s:i},s:{s:s},s:{s:s}}},"
        "s:{s:s,s:[s,s,s],s:b,s:{s:{s:s,s:[s,s]},s:{s:s,s:s,s:s},"
        "s:{s:s}}}}",
        "span", "description",
        "A span of text. Offsets count Unicode code points, end exclusive: "
        "text == document_text[start:end]. Spans are sorted by (start, end).",
        "type", "object", "required", "start", "end", "text", "properties",
        "start", "type", "integer", "minimum", 0, "end", "type", "integer",
        "minimum", 0, "text", "type", "string", "label", "type", "string",
        "error", "type", "object", "required", "plugin", "code", "message",
        "additionalProperties", 0, "properties", "plugin", "description",
        "The layer whose plugin failed or warns, or null for a problem with "
        "the input itself.",
        "type", "string", "null", "code", "description",
        "A Glossa error name (include/glossa/error.h), such as EUTF8, EPARSE, "
        "EEMPTY, ETOOBIG, ENOENT, EIO, EPLUGIN, EINVAL, EDEPENDENCY, "
        "ETIMEOUT, ECRASHED, ENOMEM, EWARNING.",
        "type", "string", "pattern", "^E[A-Z0-9]+$", "message", "type",
        "string");
}

/* The layer's span schema (in $defs) and its place in "annotations" and
 * "document". */
static void add_layer(json_t *defs, json_t *annotations, json_t *documents,
                      const char *layer, const glossa_plugin_info_t *info)
{
    char def[300];
    snprintf(def, sizeof(def), "#/$defs/layer_%s", layer);
    json_t *span = json_pack("{s:s,s:[{s:s}]}", "description",
                             info->description ? info->description : "",
                             "allOf", "$ref", "#/$defs/span");
    add_fields(span, info->span_fields, info->span_fields != NULL);
    json_object_set_new(defs, def + strlen("#/$defs/"), span);
    json_object_set_new(
        annotations, layer,
        json_pack("{s:s,s:{s:s}}", "type", "array", "items", "$ref", def));
    json_t *doc = json_pack("{s:s}", "type", "object");
    if (info->document_fields) {
        add_fields(doc, info->document_fields, 0);
        json_object_set_new(doc, "additionalProperties", json_false());
    }
    json_object_set_new(documents, layer, doc);
}

/* What produced the record: the input's digest, and each layer's
 * plugin, version and digest over its build, data and configuration. */
static json_t *provenance_schema(const json_t *annotations)
{
    json_t *layers = json_object();
    const char *layer;
    json_t *v;
    json_object_foreach((json_t *)annotations, layer, v)
        json_object_set_new(layers, layer,
                            json_pack("{s:s,s:s}", "type", "string", "pattern",
                                      "^[a-z][a-z0-9_]*/.+/[0-9a-f]{16}$"));
    return json_pack(
        "{s:s,s:s,s:[s,s],s:b,s:{s:{s:s,s:s,s:s},s:{s:s,s:s,s:o,s:b}}}",
        "description",
        "What produced this record (docs/output-format.md): the digest of the "
        "input text and metadata, and for each layer in annotations, "
        "plugin/version/digest, the digest covering the plugin's build, data, "
        "files and resolved configuration (glossa run --describe gives them "
        "in full).",
        "type", "object", "required", "input", "layers", "additionalProperties",
        0, "properties", "input", "description",
        "The digest of the text annotated and its metadata; empty when the "
        "record could not be read.",
        "type", "string", "pattern", "^([0-9a-f]{16})?$", "layers",
        "description", "plugin/version/digest for each layer in annotations.",
        "type", "object", "properties", layers, "additionalProperties", 0);
}

static json_t *pipeline_schema(glossa_runtime_t *rt)
{
    json_t *defs = base_defs();
    json_t *annotations = json_object(), *documents = json_object();
    size_t n = glossa_runtime_plugin_count(rt);
    for (size_t i = 0; i < n; i++) {
        glossa_plugin_info_t info;
        if (glossa_runtime_plugin_info(rt, i, &info) == 0)
            add_layer(defs, annotations, documents,
                      glossa_runtime_plugin_name(rt, i), &info);
    }
    json_t *schema = json_pack(
        "{s:s,s:s,s:s,s:s,s:[s,s,s,s,s,s],s:b,s:{"
        "s:{s:s,s:[s,s]},s:{s:s,s:s},"
        "s:{s:s,s:s,s:o,s:b},s:{s:s,s:s,s:o,s:b},"
        "s:{s:s,s:s,s:{s:s}}},s:o}",
        "$schema", "https://json-schema.org/draft/2020-12/schema", "title",
        "Glossa output record (format version 1)", "description",
        "One line of `glossa run` output for this pipeline: one record per "
        "input record, in input order. See docs/output-format.md.",
        "type", "object", "required", "id", "meta", "annotations", "document",
        "errors", "provenance", "additionalProperties", 0, "properties", "id",
        "description",
        "The document id from the input (manifest id, JSONL id, or file name "
        "without extension); for a record that could not be parsed, where it "
        "came from (file:line). null only in the record written when memory "
        "ran out.",
        "type", "string", "null", "meta", "description",
        "The document's metadata as given in the input.", "type", "object",
        "annotations", "description",
        "One array of spans per layer that succeeded on this document, keyed "
        "by layer name, in pipeline order. A layer that failed is absent and "
        "explained in errors.",
        "type", "object", "properties", annotations, "additionalProperties", 0,
        "document", "description",
        "Document-level results, keyed by layer name, for the layers that "
        "produce one.",
        "type", "object", "properties", documents, "additionalProperties", 0,
        "errors", "description",
        "Everything that went wrong with this record: input problems first, "
        "then each plugin's in pipeline order.",
        "type", "array", "items", "$ref", "#/$defs/error", "$defs", defs);
    json_t *props = json_object_get(schema, "properties");
    json_object_set_new(
        props, "text",
        json_pack("{s:s,s:s}", "description",
                  "The document's text (glossa run --with-text): the text "
                  "the offsets count in.",
                  "type", "string"));
    json_object_set_new(props, "provenance", provenance_schema(annotations));
    return schema;
}

int glossa_cli_schema(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"pipeline", required_argument, NULL, GLOSSA_CLI_OPT_PIPELINE},
        {"plugin", required_argument, NULL, GLOSSA_CLI_OPT_PLUGIN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    glossa_cli_runtime_args_t a;
    glossa_cli_runtime_args_init(&a, argc);
    int c, code = GLOSSA_EXIT_OK;
    optind = 1;
    while (code == GLOSSA_EXIT_OK &&
           (c = glossa_cli_getopt(argc, argv, "h", long_opts,
                                  "glossa schema")) != -1) {
        if (c == 'h') {
            schema_usage(stdout);
            glossa_cli_runtime_args_free(&a);
            return GLOSSA_EXIT_OK;
        }
        if (glossa_cli_runtime_option(&a, c, optarg) != 1) {
            schema_usage(stderr);
            code = GLOSSA_EXIT_USAGE;
        }
    }
    if (code == GLOSSA_EXIT_OK && optind < argc) {
        fprintf(stderr, "glossa schema: unexpected argument '%s'\n",
                argv[optind]);
        code = GLOSSA_EXIT_USAGE;
    }
    glossa_runtime_t *rt = NULL;
    glossa_error_t err;
    char buf[4096];
    const char *file;
    if (code == GLOSSA_EXIT_OK && glossa_runtime_new(NULL, &rt, &err)) {
        glossa_cli_print_error("glossa schema", NULL, &err);
        code = GLOSSA_EXIT_FAILURE;
    }
    if (code == GLOSSA_EXIT_OK)
        code = glossa_cli_runtime_load(rt, &a, "glossa schema", "glossa schema",
                                       buf, sizeof(buf), &file);
    if (code == GLOSSA_EXIT_OK) {
        json_t *schema = pipeline_schema(rt);
        if (!schema || json_dumpf(schema, stdout, JSON_INDENT(2)) ||
            fputc('\n', stdout) == EOF || fflush(stdout)) {
            fprintf(stderr, "glossa schema: cannot write the schema\n");
            code = GLOSSA_EXIT_FAILURE;
        }
        json_decref(schema);
    }
    glossa_runtime_free(rt);
    glossa_cli_runtime_args_free(&a);
    return code;
}
