/* A layer's spans as plain data: one array of span views and an arena
 * that holds their labels, keys, field arrays and string values.
 *
 * Life cycle. A unit's layer is filled while its plugin runs
 * (host->span_put copies a span in; host->span_add leaves a Jansson object
 * "pending", converted after annotate()), then checked and sorted once
 * (glossa__layer_finish), after which it is read-only: readers get the
 * views (host->layer_spans), or a JSON array made from them the first time
 * one asks (host->doc_layer), and the record writes it straight from the
 * views (glossa__layer_write). It is freed as soon as it is in the
 * output.
 *
 * Threads. Filling and finishing: the unit's thread. A finished layer may
 * be read by several units at once; glossa__layer_json makes its JSON once
 * (under a lock: the JSON shares the fields' JSON values), the rest is
 * read-only. */
#ifndef GLOSSA_CORE_LAYER_H
#define GLOSSA_CORE_LAYER_H

#include <stdatomic.h>
#include <stddef.h>

#include <jansson.h>

#include "glossa/plugin.h"
#include "strbuf.h"

typedef struct glossa__layer glossa__layer_t;
struct glossa__doc;

/* An empty layer, or NULL when out of memory. */
glossa__layer_t *glossa__layer_new(void);
/* Accepts NULL. */
void glossa__layer_free(glossa__layer_t *l);

/* Adds a span with checked offsets (code points and bytes of the
 * document) and copies label, keys and values. 0, GLOSSA_EINVAL for a
 * bad field (nothing added) or GLOSSA_ENOMEM. */
int glossa__layer_put(glossa__layer_t *l, size_t start, size_t end,
                      size_t start_byte, size_t end_byte, const char *label,
                      const glossa_span_field_t *fields, size_t n_fields);
/* Adds an old-style span: a JSON object the plugin may still change until
 * annotate() returns (the layer takes the reference, also on failure), at
 * this place in the insertion order. Returns the object, or NULL when out
 * of memory. */
json_t *glossa__layer_put_json(glossa__layer_t *l, json_t *span);

/* At most this many dropped-span entries per plugin and document, the
 * rest counted in one last entry: a plugin that emits garbage should not
 * flood the output. The host's checks when a span is added and the
 * checks after annotate() share the count. */
#define GLOSSA__MAX_SPAN_WARNINGS 10

/* Reports one dropped span of plugin `name` in *warnings: an entry while
 * *n_dropped (counted here) is within the cap, nothing after. */
void glossa__span_dropped(json_t **warnings, const char *name,
                          size_t *n_dropped, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* After annotate(): converts the pending JSON spans, checking each as the
 * core always has (integer offsets within the document, "text" equal to
 * the document's), drops bad ones with a warning in *warnings (entries of
 * plugin `name`; NULL: silently), and sorts the layer by (start, end,
 * insertion). n_dropped is how many spans the host dropped while the
 * plugin ran (glossa__span_dropped); over the cap, one entry counts the
 * rest. The layer is read-only afterwards. 0 or GLOSSA_ENOMEM. */
int glossa__layer_finish(glossa__layer_t *l, const struct glossa__doc *doc,
                         const char *name, json_t **warnings, size_t n_dropped);
/* A finished layer from a JSON array of spans as the output holds them
 * (a worker's input, an earlier run's record): NULL when out of memory.
 * Spans that fail the checks are dropped silently (they were checked when
 * made). Borrows `spans`, and keeps it as the layer's JSON. */
glossa__layer_t *glossa__layer_from_json(const struct glossa__doc *doc,
                                         json_t *spans);

/* The spans of a finished layer, sorted, and their number. */
const glossa_span_view_t *glossa__layer_spans(const glossa__layer_t *l,
                                              size_t *count);
/* A finished layer as a JSON array (each span {"start", "end", "text",
 * "label", fields...}), made the first time it is asked for; borrowed,
 * freed with the layer. NULL when out of memory. */
const json_t *glossa__layer_json(glossa__layer_t *l,
                                 const struct glossa__doc *doc);
/* Whether a value of the layer is a real, or a JSON value holding one. */
int glossa__layer_has_reals(const glossa__layer_t *l);
/* Writes the layer as the output holds it (reals with 10 significant
 * digits), or with full_precision as Jansson's default does (the
 * isolation worker's wire form). Errors set sb->failed. */
void glossa__layer_write(glossa__strbuf_t *sb, const glossa__layer_t *l,
                         int full_precision);

/* Writes a real as json_dumps() does with JSON_REAL_PRECISION(precision)
 * (17 for 0, Jansson's default). Into buf, at least 32 bytes; returns the
 * length, or -1. */
int glossa__real_format(char *buf, size_t size, double v, int precision);

#endif
