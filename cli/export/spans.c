/* What a span is called in formats that need a name for every span, and
 * its other fields as text. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* The bundled layers whose spans have no label, and the name their spans
 * go by (docs/exports.md). */
static const struct {
    const char *layer, *tag;
} DEFAULT_TAGS[] = {{"mediation", "Stance"}, {"quotes", "Quote"}};

const char *glossa_export__layer_tag(const export_pair_t *tags, size_t n_tags,
                                     const char *layer)
{
    for (size_t i = n_tags; i-- > 0;)
        if (strcmp(tags[i].name, layer) == 0)
            return tags[i].value;
    for (size_t i = 0; i < sizeof(DEFAULT_TAGS) / sizeof(DEFAULT_TAGS[0]); i++)
        if (strcmp(DEFAULT_TAGS[i].layer, layer) == 0)
            return DEFAULT_TAGS[i].tag;
    return layer;
}

const char *glossa_export__tag(const export_opts_t *o, const char *layer,
                               const export_span_t *s)
{
    return s->label ? s->label
                    : glossa_export__layer_tag(o->tags, o->n_tags, layer);
}

int glossa_export__is_base_field(const char *name)
{
    return strcmp(name, "start") == 0 || strcmp(name, "end") == 0 ||
           strcmp(name, "text") == 0 || strcmp(name, "label") == 0;
}

char *glossa_export__value_text(const json_t *v)
{
    if (json_is_string(v)) {
        size_t n = json_string_length(v);
        char *s = malloc(n + 1);
        if (s) {
            memcpy(s, json_string_value(v), n);
            s[n] = '\0';
        }
        return s;
    }
    return json_dumps(v, JSON_ENCODE_ANY | EXPORT_JSON_COMPACT);
}
