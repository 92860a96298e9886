/* Internal types shared by the core's modules.
 *
 * Ownership in one picture: a runtime owns its steps (pipeline entries);
 * a step owns its plugin type (the dlopen'ed shared object) and instance
 * state. During glossa_run() a run (run.c) owns the documents in flight; a
 * document owns its text, segmentation and one unit of work per step; a
 * unit owns the results its plugin produced for that document.
 *
 * Threads: documents and units are created on the reader thread (source)
 * or the loop thread, filled on pool threads (prepare, annotate, serialize)
 * and otherwise touched only on the loop thread. A document is never on
 * two pool threads at once except through different units, which share
 * only read-only parts of it (text, offsets, segments, finished layers). */
#ifndef GLOSSA_CORE_RUNTIME_INT_H
#define GLOSSA_CORE_RUNTIME_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <uv.h>

#include "glossa/runtime.h"
#include "id_set.h"
#include "layer.h"
#include "segment.h"
#include "utf8.h"

/* ---- Plugins ----------------------------------------------------------- */

/* A 64-bit digest as 16 hex digits and a NUL (provenance.c). */
#define GLOSSA__DIGEST_SIZE 17

typedef struct glossa__plugin_type {
    char *path;           /* the resolved file */
    void *handle;         /* dlopen handle */
    glossa_plugin_t desc; /* copy; fields past its struct_size are zero */
    char *data_dir;       /* see glossa_create_args_t.data_dir */
    /* The option table in this host's layout (desc.options points here):
     * a 1.0 plugin's entries are shorter, and their 1.1 fields zero. */
    glossa_option_t *options;
} glossa__plugin_type_t;

/* One pipeline entry: a plugin instance producing one layer. */
typedef struct glossa__step {
    const struct glossa_runtime *rt;
    glossa__plugin_type_t *type;
    char *layer;    /* the layer name ("as", default the plugin name) */
    char *origin;   /* where it was declared, for messages */
    json_t *config; /* validated, defaults filled in */
    json_t *inputs; /* NULL, or {input: layer} where the pipeline maps them */
    void *state;    /* from create(); NULL until prepare() */
    int created;
    size_t index;     /* position in the output */
    size_t *requires; /* indices of the steps it requires */
    size_t n_requires;
    size_t *dependents; /* indices of the steps requiring it */
    size_t n_dependents;
    /* Statistics of the current/last run; loop thread only. */
    uint64_t nanos, calls, failures, reused;
    /* Provenance (provenance.c), computed by prepare(): the digest over
     * the plugin's build, data, files and configuration, the record's
     * compact form "plugin/version/digest", and the full description. */
    char digest[GLOSSA__DIGEST_SIZE];
    char provenance[256];
    json_t *description;
} glossa__step_t;

struct glossa__run;
struct glossa__zygote;
typedef struct glossa__reuse glossa__reuse_t;

struct glossa_runtime {
    glossa_runtime_options_t opts;
    /* Owned copies of the options' strings. */
    char *worker_command;
    char *quarantine_path;
    char **search_dirs;
    size_t n_search_dirs;
    glossa__step_t **steps;
    size_t n_steps;
    size_t *order; /* the steps in an order where requirements come first */
    int prepared;
    glossa__reuse_t *reuse; /* an earlier output to take layers from */
    /* Isolation mode: the plugin process prepare() started, which holds
     * the plugin instances until a run takes it. */
    struct glossa__zygote *zygote;
    glossa_progress_cb progress_cb;
    void *progress_ud;
    atomic_int stop_requested;
    _Atomic(struct glossa__run *) active_run;
    uv_mutex_t log_mutex;
    /* Jobs the last glossa_run() queued on the pool (run.c): each one's
     * end wakes the loop thread. For the scheduler's tests. */
    uint64_t last_run_pool_jobs;
};

/* A document of fewer bytes of text runs all its units in its prepare job,
 * in the pipeline's order, without a pool job and a wake-up of the loop
 * thread per unit (run.c). On 1 KB news articles those wake-ups were a
 * tenth of the CPU; at 64 KB the default pipeline takes some 15 ms a
 * document on one core, against tens of microseconds for its units'
 * wake-ups, so above the bound they cost next to nothing, and the units
 * of one document still run side by side, which counts when too few
 * documents are in flight to keep the threads busy. Not in isolation
 * mode, whose units run in worker processes. */
#define GLOSSA__SMALL_DOC_BYTES ((size_t)64 << 10)

/* ---- Documents --------------------------------------------------------- */

enum { GLOSSA__RAW_TEXT = 0, GLOSSA__RAW_JSON = 1 };

enum {
    GLOSSA__UNIT_WAITING = 0, /* requirements not done yet */
    GLOSSA__UNIT_RUNNING,
    GLOSSA__UNIT_DONE,
    GLOSSA__UNIT_FAILED,
    GLOSSA__UNIT_SKIPPED /* a requirement failed, or the document is bad */
};

typedef struct glossa__doc glossa__doc_t;

/* One plugin on one document. Plugins see it as glossa_ctx_t. */
struct glossa_ctx {
    uv_work_t work;
    glossa__doc_t *doc;
    const glossa__step_t *step;
    struct glossa__run *run;
    const glossa_runtime_t *rt;
    uint32_t waiting; /* requirements not yet done */
    int status;       /* GLOSSA__UNIT_* */
    /* The spans (layer.c): filled by span_put/span_add, finished after
     * annotate(); NULL until the first span, and once written. */
    glossa__layer_t *layer;
    json_t *document;     /* object or NULL */
    size_t approx_bytes;  /* running estimate, for max_layer_bytes */
    char *error;          /* why it failed */
    int error_code;       /* GLOSSA_E* of the failure; 0 until it fails */
    json_t *warnings;     /* spans dropped by the checks, as error entries */
    size_t spans_dropped; /* by the host while annotate() ran (layer.h) */
    uint64_t nanos;
    int serialized_doc; /* this unit's job also serialised the record */
    int reused;         /* taken from an earlier output (reuse.c) */
    /* Units that read this layer and have not finished yet; the one that
     * takes it to zero writes the layer as output text (merge.c). */
    atomic_uint readers_left;
    /* The layer and document result as text, used in place of
     * layer/document: in isolation mode as the worker sent them
     * (full-precision JSON text; text_has_reals says whether they must be
     * re-formatted for output), in process as the record will hold them
     * once no later unit reads the layer (glossa__unit_release_layers). */
    char *spans_text;
    size_t spans_text_len;
    char *document_text;
    size_t document_text_len;
    int text_has_reals;
    /* Isolation mode (isolate.c): tries so far, and the waiting queue. */
    int attempts;
    struct glossa_ctx *next_queued;
};
typedef struct glossa_ctx glossa__unit_t;

struct glossa__doc {
    uv_work_t work;      /* prepare, then serialize: one at a time */
    uint64_t seq;        /* order among the records read */
    glossa__doc_t *next; /* reader -> loop queue */

    /* Raw input, filled by the source. */
    int raw_kind; /* GLOSSA__RAW_* */
    char *raw;    /* text bytes or one JSON line */
    size_t raw_len;
    size_t input_bytes;   /* size for accounting (raw_len or file size) */
    char *origin;         /* "dir/file.txt", "a.jsonl:17" */
    char *id;             /* known for text records */
    json_t *meta;         /* known for text records */
    char *input_error;    /* the source could not read the record */
    int input_error_code; /* GLOSSA_E* */
    glossa__id_place_t id_place; /* where in the inputs, for duplicate ids */
    int with_text; /* text in the record even without opts.with_text */
    /* Each layer is written as output text, and its store freed, as soon
     * as no later unit reads it (in process; a worker sends its layers
     * as JSON text of its own). */
    int layers_as_text;

    /* Prepared on a pool thread. */
    char *text; /* valid UTF-8, no NUL */
    size_t len;
    glossa__offsets_t offsets;
    glossa__segments_t seg;
    json_t *errors; /* entries about the input, or NULL */
    /* The digest of the text and metadata annotated (provenance.c); empty
     * when the record could not be read. */
    char input_digest[GLOSSA__DIGEST_SIZE];
    int skip_plugins; /* nothing to annotate */
    int skip_code;    /* GLOSSA_E* of why (the first reason) */
    uint64_t prepare_nanos;

    /* Plugins. */
    glossa__unit_t *units; /* one per step */
    /* Units not over yet. Taken down on pool threads as units finish: the
     * one that takes it to zero serialises the record in the same job. */
    atomic_size_t units_left;
    unsigned jobs; /* pool jobs not yet acknowledged; loop thread only */

    /* The output line, made on a pool thread. */
    char *line;
    size_t line_len;
    size_t n_errors;
    uint64_t merge_nanos;
    int finished; /* line is ready; set on the loop thread */
};

/* doc.c */
glossa__doc_t *glossa__doc_new(void);
void glossa__doc_free(glossa__doc_t *doc);
/* Drops a unit's results and error and makes it waiting again (the
 * isolation worker runs several steps on one document). */
void glossa__unit_clear(glossa__unit_t *u);
/* Adds {"plugin": plugin or null, "code": name, "message": ...} to errors
 * (an array created when NULL); code is a GLOSSA_E* value, named only
 * here, at the output's edge. Returns 0 or GLOSSA_ENOMEM. */
int glossa__error_entry_add(json_t **errors, const char *plugin, int code,
                            const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Decodes the raw record into id, text and meta (a JSON line is parsed,
 * after the UTF-8 policy is applied to it; a text record's bytes are
 * taken as they are) and checks its size. Problems become entries of
 * doc->errors; a record that cannot be annotated gets skip_plugins and
 * skip_code. Never fails as a whole. Any thread. */
void glossa__doc_decode(const glossa_runtime_t *rt, glossa__doc_t *doc);
/* Decodes (above), applies the UTF-8 policy to the text and segments it
 * (pool thread); in isolation the worker segments it
 * (glossa__doc_segment). Never fails as a whole. */
void glossa__doc_prepare(const glossa_runtime_t *rt, glossa__doc_t *doc);
/* Indexes doc's final text: its code-point offsets and its tokens and
 * sentences. n_codepoints when known, else SIZE_MAX. 0 or
 * GLOSSA_ENOMEM. */
int glossa__doc_segment(glossa__doc_t *doc, size_t n_codepoints);
/* Allocates one unit per step (loop thread). Returns 0 or GLOSSA_ENOMEM. */
int glossa__doc_make_units(const glossa_runtime_t *rt, glossa__doc_t *doc,
                           struct glossa__run *run);

/* host.c: the function table handed to plugins. */
extern const glossa_host_t glossa__host;
/* The step whose code this thread is running, for log lines. */
void glossa__set_current_step(const glossa__step_t *step);
const glossa__step_t *glossa__current_step(void);

/* annotate.c */
/* Calls the plugin on the unit's document, then checks its output
 * (glossa__unit_check_spans). Leaves the unit DONE or FAILED with a
 * reason, then releases the layers no later unit reads
 * (glossa__unit_release_layers). Pool thread. */
void glossa__unit_execute(glossa__unit_t *unit);

/* merge.c */
/* After unit u is over (done or failed; its thread): the layers no later
 * unit will read, among u's own and those it read, are written as output
 * text, as the record will hold them, and their stores freed (with the
 * JSON a reader may have asked for). Nothing when doc->layers_as_text is
 * off, or when u is the document's last unit (the record, written next,
 * takes the stores as they are). Out of memory keeps the store (the
 * record writes it). */
void glossa__unit_release_layers(glossa__unit_t *u);
/* Finishes the unit's layer (glossa__layer_finish: the old-style spans
 * checked and converted, bad ones dropped with a warning, the layer
 * sorted by (start, end)). Returns 0 or GLOSSA_ENOMEM. */
int glossa__unit_check_spans(glossa__unit_t *unit);
/* Builds doc->line: the document's output record, once every unit is
 * over. Frees the tokens and sentences, and each layer once it is in the
 * record. Pool thread (the loop thread in isolation mode). */
void glossa__doc_serialize(const glossa_runtime_t *rt, glossa__doc_t *doc);

/* crash.c: the unit this thread runs a plugin for, or NULL. */
void glossa__set_current_unit(const glossa__unit_t *u);

/* source.c */
/* Returns 1 and a new document, 0 at the end, or a negative code for a
 * fatal error (reader thread). */
int glossa__source_next(glossa_source_t *src, glossa__doc_t **out,
                        glossa_error_t *err);
const glossa_runtime_t *glossa__source_runtime(const glossa_source_t *src);
/* A source whose records are made by `next` (stream.c): it returns 1 with
 * *out, 0 at the end, or a negative code; called on the reader thread.
 * Ids are not checked for duplicates (a service sees the same ids
 * again and again). */
int glossa__source_from_docs(glossa_runtime_t *rt,
                             int (*next)(void *ud, glossa__doc_t **out),
                             void *ud, glossa_source_t **out);
/* Warns when doc's id (known once decoded) was given to an earlier record;
 * called in input order, by one thread (the run's loop). */
void glossa__source_check_id(glossa_source_t *src, const glossa__doc_t *doc);
/* Once the records are all out: how many ids came again, if too many to
 * name one by one. */
void glossa__source_sum_duplicates(glossa_source_t *src);

/* loader.c */
int glossa__plugin_type_load(const char *path, glossa__plugin_type_t **out,
                             glossa_error_t *err);
void glossa__plugin_type_free(glossa__plugin_type_t *type);
/* Finds a plugin file by name in the search path, or checks a path. */
int glossa__plugin_resolve(const glossa_runtime_t *rt, const char *name_or_path,
                           char **path, glossa_error_t *err);

/* runtime.c: maps a declared input of a step to the layer that feeds it
 * (the pipeline's "inputs"); `where` names the place for messages. */
int glossa__step_map_input(glossa__step_t *step, const char *input,
                           const char *from, const char *where,
                           glossa_error_t *err);
/* The layer that feeds a step's declared input: its mapping, else the
 * input's own name. */
static inline const char *glossa__step_input_layer(const glossa__step_t *step,
                                                   const char *input)
{
    const char *from = json_string_value(json_object_get(step->inputs, input));
    return from ? from : input;
}

/* runtime.c: adds a step running a plugin built into the core (desc is
 * copied; its configuration is {}), named `origin` in messages. */
int glossa__runtime_add_builtin(glossa_runtime_t *rt,
                                const glossa_plugin_t *desc, const char *origin,
                                glossa_error_t *err);

/* runtime.c: adds a step whose configuration was validated already (by
 * the supervisor, for its zygote). */
int glossa__runtime_add_validated(glossa_runtime_t *rt, const char *path,
                                  const json_t *config, const char *layer,
                                  const char *origin, glossa_error_t *err);

/* provenance.c: every step's description and digest (prepare()). */
int glossa__provenance_compute(glossa_runtime_t *rt, glossa_error_t *err);
/* provenance.c: the digest of a document's text and metadata. */
void glossa__input_digest(const char *text, size_t len, const json_t *meta,
                          char out[GLOSSA__DIGEST_SIZE]);

/* reuse.c: takes the layers of doc (its units made) that an earlier
 * output has with the same input and provenance: they are DONE and
 * `reused`. Returns how many. Any thread. */
size_t glossa__reuse_apply(const glossa_runtime_t *rt, glossa__doc_t *doc);
void glossa__reuse_free(glossa__reuse_t *r);

/* options.c: a value of the right type outside what the option allows
 * (its choices, its bounds): NULL, or why, in buf. */
const char *glossa__option_out_of_range(const glossa_option_t *opt,
                                        const json_t *v, char *buf,
                                        size_t size);
/* options.c: checks a configuration against the plugin's option table and
 * returns a new object with defaults filled in. */
int glossa__config_validate(const glossa_plugin_t *desc, const json_t *given,
                            const char *origin, json_t **out,
                            glossa_error_t *err);

#endif
