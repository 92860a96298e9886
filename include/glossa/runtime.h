/* The Glossa runtime: load plugins, read a corpus, run the plugins over it
 * on a thread pool and write one JSON record per input record.
 *
 * Typical use (error handling left out):
 *
 *   glossa_runtime_options_t opts;
 *   glossa_runtime_options_init(&opts);
 *   opts.threads = 4;
 *   glossa_runtime_t *rt;
 *   glossa_runtime_new(&opts, &rt, &err);
 *   glossa_runtime_load_pipeline(rt, "pipeline.json", &err);
 *   glossa_runtime_prepare(rt, &err);          // create instances, order
 *   glossa_source_t *src;
 *   glossa_source_open(rt, paths, n, NULL, &src, &err);
 *   glossa_run(rt, src, &sink, &stats, &err);
 *   glossa_source_free(src);
 *   glossa_runtime_free(rt);
 *
 * THREADS. A runtime is driven from one thread. glossa_run() blocks until
 * the source is exhausted and every record is written; inside it, the
 * source is read on a reader thread, plugins run on the libuv thread pool,
 * and sink callbacks run on the calling thread. The pool size is process
 * wide (libuv reads UV_THREADPOOL_SIZE once): the first glossa_run() in a
 * process fixes it. */
#ifndef GLOSSA_RUNTIME_H
#define GLOSSA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"
#include "export.h"
#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct glossa_runtime glossa_runtime_t;
typedef struct glossa_source glossa_source_t;

/* Returns GLOSSA_VERSION_STRING of the library actually loaded. */
GLOSSA_API const char *glossa_version(void);

/* ---- Memory ------------------------------------------------------------ */

/* Every allocation of the core (and Jansson's, once a runtime exists) goes
 * through these. Strings and buffers the library hands to the caller are
 * released with glossa_free(). */
GLOSSA_API void *glossa_malloc(size_t size);
GLOSSA_API void glossa_free(void *ptr);

/* ---- Options ----------------------------------------------------------- */

typedef struct glossa_runtime_options {
    size_t size;                /* set by glossa_runtime_options_init() */
    unsigned threads;           /* pool threads; 0: one per CPU */
    size_t max_docs_in_flight;  /* 0: 16 per thread + 16 */
    size_t max_bytes_in_flight; /* text bytes read but not yet written; 0: 64
                                   MiB */
    /* Larger documents are refused (ETOOBIG); 0: 16 MiB (before 0.2, 256
     * MiB). */
    size_t max_doc_bytes;
    size_t
        max_layer_bytes; /* one plugin's output on one document; 0: 256 MiB */
    glossa_log_level_t log_level; /* messages above it are dropped */
    /* Where log lines go (one call per line, without newline; called from
     * any thread, serialised by the runtime). NULL: stderr. */
    void (*log_cb)(void *ud, glossa_log_level_t level, const char *line);
    void *log_ud;

    /* Isolation (docs/reliability.md): run plugins in `threads` worker
     * processes instead of the thread pool. A worker that dies or overruns
     * doc_timeout_ms is replaced; its document is retried once, then
     * recorded as failed (ECRASHED, ETIMEOUT). */
    int isolate;
    /* The time one plugin may take on one document. 0: the default, 60 s
     * plus 30 s per MiB of the document's text (GLOSSA_DOC_TIMEOUT_*);
     * GLOSSA_DOC_TIMEOUT_NONE: no limit (before 0.2, 0 meant that). */
    unsigned doc_timeout_ms;
    unsigned worker_max_units; /* replace a worker after this many; 0: 10000 */
    /* Address-space limit per worker (0: none); a worker past three
     * quarters of its room is replaced before its next unit. */
    size_t worker_memory_limit;
    /* The executable of the workers: it must call glossa_worker_main()
     * when its first argument is GLOSSA_WORKER_ARGUMENT (the glossa tool
     * does). NULL: the running executable. Copied. */
    const char *worker_command;
    /* Documents failed by a crash or timeout are appended here, one JSON
     * line each ({"id", "origin", "plugin", "code", "message"}). NULL:
     * none. Copied. */
    const char *quarantine_path;
    /* Put each document's text in its record ("text"), so that offsets
     * can be used downstream of a stream. Since 0.2. */
    int with_text;
} glossa_runtime_options_t;

/* max_doc_bytes when 0. */
#define GLOSSA_DEFAULT_MAX_DOC_BYTES ((size_t)16 << 20)

/* doc_timeout_ms: no limit at all; and the default's terms. */
#define GLOSSA_DOC_TIMEOUT_NONE 0xffffffffu
#define GLOSSA_DOC_TIMEOUT_BASE_MS 60000u
#define GLOSSA_DOC_TIMEOUT_MS_PER_MIB 30000u

/* The argument that makes an executable a plugin worker. */
#define GLOSSA_WORKER_ARGUMENT "__glossa-worker"

/* Serves one isolation-mode worker on file descriptor 3 until its
 * supervisor closes it; returns the process exit status. Programs that
 * embed Glossa and use isolation call it when argv[1] is
 * GLOSSA_WORKER_ARGUMENT. */
GLOSSA_API int glossa_worker_main(int argc, char **argv);

GLOSSA_API void glossa_runtime_options_init(glossa_runtime_options_t *opts);

/* ---- Lifecycle --------------------------------------------------------- */

/* The options in force, with every default resolved (threads, window,
 * limits). Strings point into the runtime. */
GLOSSA_API void glossa_runtime_get_options(const glossa_runtime_t *rt,
                                           glossa_runtime_options_t *out);

/* Creates a runtime. opts may be NULL for defaults. */
GLOSSA_API int glossa_runtime_new(const glossa_runtime_options_t *opts,
                                  glossa_runtime_t **out, glossa_error_t *err);

/* Releases everything, destroying plugin instances and unloading them.
 * NULL allowed. */
GLOSSA_API void glossa_runtime_free(glossa_runtime_t *rt);

/* Adds a directory to search for plugins given by name, after those added
 * before. The default search path is GLOSSA_PLUGIN_PATH (':'-separated),
 * then the install directory, then the build tree's plugin directory. */
GLOSSA_API int glossa_runtime_add_search_dir(glossa_runtime_t *rt,
                                             const char *dir);

/* Adds one pipeline step: a plugin by path (anything containing '/') or by
 * name through the search path, with its configuration (borrowed; NULL for
 * {}), producing the layer `as` (NULL: the plugin's name). Loads the shared
 * object and checks its descriptor; instances are created by prepare(). */
GLOSSA_API int glossa_runtime_add_plugin(glossa_runtime_t *rt,
                                         const char *name_or_path,
                                         const json_t *config, const char *as,
                                         glossa_error_t *err);

/* Feeds the declared input `input` of the step producing `layer` from the
 * layer `from` instead of the layer named like the input (the pipeline's
 * "inputs": {"entities": "ents"}). Before prepare(). Since 0.2. */
GLOSSA_API int glossa_runtime_map_input(glossa_runtime_t *rt, const char *layer,
                                        const char *input, const char *from,
                                        glossa_error_t *err);

/* Adds the steps of a pipeline file (see docs/pipelines.md). */
GLOSSA_API int glossa_runtime_load_pipeline(glossa_runtime_t *rt,
                                            const char *path,
                                            glossa_error_t *err);

/* The same from a parsed pipeline object; `origin` names it in errors. */
GLOSSA_API int glossa_runtime_load_pipeline_json(glossa_runtime_t *rt,
                                                 const json_t *pipeline,
                                                 const char *origin,
                                                 glossa_error_t *err);

/* Checks dependencies (a required layer nobody provides, cycles), orders
 * the steps and creates every instance. On error nothing stays created. */
GLOSSA_API int glossa_runtime_prepare(glossa_runtime_t *rt,
                                      glossa_error_t *err);

/* The full provenance of the pipeline, as a new JSON object: the glossa
 * version and plugin ABI, and for each step its layer, plugin, version,
 * path, the digest of its shared object, its data and configuration
 * files with their digests, its resolved configuration, input mapping,
 * digest and compact provenance ("plugin/version/digest", what each
 * record names). Does not need prepare() (nothing is created). NULL when
 * out of memory. Since 0.2. */
GLOSSA_API json_t *glossa_runtime_describe(glossa_runtime_t *rt);

/* Step `index`'s compact provenance, "plugin/version/digest", valid while
 * the runtime lives; NULL for a bad index. Since 0.2. */
GLOSSA_API const char *glossa_runtime_plugin_provenance(glossa_runtime_t *rt,
                                                        size_t index);

/* Incremental re-annotation: the next runs take each layer from the
 * earlier output at `path` (glossa run JSONL with provenance) where it
 * would come out the same: a record of the same id whose input digest
 * (text and metadata) is unchanged, and a layer whose provenance
 * (plugin, version, build, data, configuration) is the step's, all the
 * layers it reads being taken too. Everything else runs. The output is
 * indexed once (offsets by id); a record whose id occurs twice there is
 * never reused. NULL stops reusing. Since 0.2. */
GLOSSA_API int glossa_runtime_set_reuse(glossa_runtime_t *rt, const char *path,
                                        glossa_error_t *err);

/* How many layers of step `index` the last run took from the earlier
 * output (glossa_runtime_set_reuse) instead of running the plugin. */
GLOSSA_API uint64_t glossa_runtime_plugin_reused(const glossa_runtime_t *rt,
                                                 size_t index);

/* Number of pipeline steps and their layer names, in output order. */
GLOSSA_API size_t glossa_runtime_plugin_count(const glossa_runtime_t *rt);
GLOSSA_API const char *glossa_runtime_plugin_name(const glossa_runtime_t *rt,
                                                  size_t index);

/* ---- Input ------------------------------------------------------------- */

typedef struct glossa_source_options {
    size_t size;
    /* Keep only records whose index i (0-based, over all inputs in order)
     * has i % shard_count == shard_index. shard_count 0 or 1: all. */
    uint64_t shard_index, shard_count;
    /* Skip the first skip_records kept records (resume). */
    uint64_t skip_records;
    /* How "-" (standard input) is read: GLOSSA_INPUT_JSONL (the default),
     * GLOSSA_INPUT_TEXT (all of it, one document, id "stdin") or
     * GLOSSA_INPUT_LINES (one document per non-blank line, id
     * "<stdin>:LINE"). Since 0.2. */
    int stdin_format;
    /* Follow symbolic links inside input folders (inputs named directly
     * are always followed). Off: such links are skipped with a warning,
     * as find(1) does, since a link can lead anywhere. Since 0.2. */
    int follow_symlinks;
} glossa_source_options_t;

enum { GLOSSA_INPUT_JSONL = 0, GLOSSA_INPUT_TEXT = 1, GLOSSA_INPUT_LINES = 2 };

GLOSSA_API void glossa_source_options_init(glossa_source_options_t *opts);

/* Opens the inputs, in order. Each is a directory of .txt files (with an
 * optional manifest.jsonl of metadata), a .jsonl file of
 * {"id", "text", "meta"} records, any other file as one document, or "-"
 * for JSONL on standard input. Missing inputs are an error here; problems
 * with single records are reported in their output records. */
GLOSSA_API int glossa_source_open(glossa_runtime_t *rt,
                                  const char *const *inputs, size_t n_inputs,
                                  const glossa_source_options_t *opts,
                                  glossa_source_t **out, glossa_error_t *err);

/* A record from a custom source. Everything is borrowed for the duration of
 * the call that returns it; the runtime copies what it keeps. */
typedef struct glossa_record {
    const char *id;   /* NULL: "<origin>" */
    const char *text; /* raw bytes, any encoding errors are handled later */
    size_t text_len;
    const json_t *meta; /* object or NULL */
    const char *origin; /* where it came from, for messages (may be NULL) */
} glossa_record_t;

/* Returns 1 after filling *rec, 0 at the end, or a negative GLOSSA_E* code
 * for a fatal error. Called on the reader thread, one call at a time; it
 * may block. */
typedef int (*glossa_source_next_cb)(void *ud, glossa_record_t *rec);

/* Wraps a callback as a source. The callback's borrowed data must stay
 * valid until the next call of next. */
GLOSSA_API int glossa_source_from_callback(glossa_runtime_t *rt,
                                           glossa_source_next_cb next, void *ud,
                                           glossa_source_t **out);

/* Total input bytes when known in advance (files), else -1. */
GLOSSA_API int64_t glossa_source_size_hint(const glossa_source_t *src);

/* One record as a run would take it, before any plugin: for tools that
 * forward records elsewhere (a queue) instead of running them. Owned by
 * the source and valid until the next glossa_source_read() or
 * glossa_source_free(). Later 1.x versions may add fields at the end. */
typedef struct glossa_source_record {
    const char *id;   /* the id the output record would carry */
    const char *text; /* the document's bytes (a JSON string decoded),
                         not yet checked as UTF-8; NULL when error != 0 */
    size_t text_len;
    const json_t *meta; /* an object */
    const char *origin; /* "dir/file.txt", "docs.jsonl:17", "<stdin>:3" */
    uint64_t position;  /* 0-based among all records of the inputs, before
                           sharding and skipping */
    /* 0, or the GLOSSA_E* code that keeps the record from being
     * annotated (unreadable file, broken JSON line, over max_doc_bytes). */
    int error;
    /* NULL, or the error entries ({"plugin": null, "code", "message"})
     * that the output record's "errors" would start with: the reason for
     * `error`, and notes such as bytes repaired by the UTF-8 policy. */
    const json_t *errors;
} glossa_source_record_t;

/* Reads the next record with the rules of glossa_run() (sharding,
 * skipping, the runtime's max_doc_bytes). Returns 1 with *out set, 0 at
 * the end, or a negative code for a fatal error (an input that cannot be
 * read at all). Problems of the source itself, such as a broken manifest
 * line, are logged and counted (glossa_source_problems()). A source is
 * either read here or given to glossa_run(), not both. */
GLOSSA_API int glossa_source_read(glossa_source_t *src,
                                  const glossa_source_record_t **out,
                                  glossa_error_t *err);

/* What the inputs are now, to tell later whether they changed: a new
 * JSON array of {"path", "size", "mtime", "digest"} for every file that
 * would be read (a directory's .txt files and manifest, a JSONL file, any
 * other file; nothing for "-"), the digest over its bytes; a FIFO or
 * device is listed as {"path", "stream": true}, unread. NULL when an
 * input cannot be read or memory ran out. Reads every byte once. Since
 * 0.2. */
GLOSSA_API json_t *glossa_inputs_fingerprint(const char *const *inputs,
                                             size_t n_inputs);

/* Problems of the source itself seen so far (manifest lines ignored). */
GLOSSA_API uint64_t glossa_source_problems(const glossa_source_t *src);

GLOSSA_API void glossa_source_free(glossa_source_t *src);

/* ---- Output ------------------------------------------------------------ */

/* What the sink learns about each record besides its line. */
typedef struct glossa_record_info {
    uint64_t seq; /* 0-based index among the records this run read */
    const char *id;
    size_t text_bytes;
    size_t n_errors; /* entries in the record's "errors" */
    /* Since 0.2. 0, or the GLOSSA_E* code that kept the document from
     * being annotated at all (broken JSON, over max_doc_bytes, empty). */
    int input_error;
    /* Since 0.2. Nanoseconds each step (index as plugin_name()) took on
     * this document; 0 when it did not run. NULL without steps. */
    const uint64_t *step_nanos;
} glossa_record_info_t;

/* Receives output in input order, on the thread that called glossa_run().
 * `line` is one JSON object without the trailing newline, valid during the
 * call. write returns 0 or a negative code to stop the run. flush is
 * called when the runtime has nothing more to hand over for now (may be
 * NULL). */
typedef struct glossa_sink {
    void *ud;
    int (*write)(void *ud, const char *line, size_t len,
                 const glossa_record_info_t *info);
    int (*flush)(void *ud);
} glossa_sink_t;

/* ---- Running ----------------------------------------------------------- */

typedef struct glossa_plugin_stats {
    const char *name;   /* layer name */
    double seconds;     /* summed over threads */
    uint64_t documents; /* annotate() calls */
    uint64_t failures;  /* calls that failed or produced invalid output */
} glossa_plugin_stats_t;

typedef struct glossa_run_stats {
    uint64_t records; /* records written */
    uint64_t bytes;   /* text bytes of those records */
    uint64_t records_with_errors;
    uint64_t errors; /* error entries written */
    double wall_seconds;
    double prepare_seconds; /* decoding and segmentation, summed */
    double merge_seconds;   /* checking and serialising, summed */
} glossa_run_stats_t;

/* Progress, on the calling thread, about every 200 ms and once at the end. */
typedef void (*glossa_progress_cb)(void *ud, const glossa_run_stats_t *now,
                                   int64_t total_bytes_hint);

GLOSSA_API void glossa_runtime_set_progress(glossa_runtime_t *rt,
                                            glossa_progress_cb cb, void *ud);

/* Runs the prepared pipeline over every record of src, handing one line per
 * record to sink. Returns 0 when every record was written (even if some
 * carry errors), GLOSSA_EINTR after glossa_runtime_stop(), or another
 * negative code for a fatal error (source or sink failure). */
GLOSSA_API int glossa_run(glossa_runtime_t *rt, glossa_source_t *src,
                          const glossa_sink_t *sink, glossa_run_stats_t *stats,
                          glossa_error_t *err);

/* Asks a running glossa_run() to stop reading and return once the records
 * already read are written. Async-signal-safe. */
GLOSSA_API void glossa_runtime_stop(glossa_runtime_t *rt);

/* Installs handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT that
 * write one line to stderr naming the plugin and document a crashing
 * thread was running (or that no plugin was), then let the process die
 * as it would have (the handlers that were there before run next: the
 * default, or a sanitizer's). For programs that run plugins in-process;
 * the glossa tool calls it. Returns 0, or GLOSSA_EINVAL. Since 0.2. */
GLOSSA_API int glossa_crash_report_install(void);

/* Per-plugin statistics of the last run, index as plugin_name(). */
GLOSSA_API int glossa_runtime_plugin_stats(const glossa_runtime_t *rt,
                                           size_t index,
                                           glossa_plugin_stats_t *out);

/* ---- Discovery --------------------------------------------------------- */

struct glossa_plugin_info;

/* The descriptor of the plugin of pipeline step `index` (as
 * plugin_name()), valid while the runtime lives. Since 0.2. */
GLOSSA_API int glossa_runtime_plugin_info(const glossa_runtime_t *rt,
                                          size_t index,
                                          struct glossa_plugin_info *out);

/* A plugin's descriptor as found on disk, for listings. */
typedef struct glossa_plugin_info {
    const char *path;
    const char *name;
    const char *version;
    const char *description;
    uint32_t abi_version;
    /* The input layers (NULL-terminated, maybe NULL); `requires` before
     * 0.2, a C++20 keyword: C code may still use that name. */
#ifdef __cplusplus
    const char *const *inputs;
#else
    union {
        const char *const *inputs;
        const char *const *requires;
    };
#endif
    const glossa_option_t *options;
    const glossa_field_t *span_fields;     /* NULL: not declared */
    const glossa_field_t *document_fields; /* NULL: not declared */
} glossa_plugin_info_t;

/* Calls cb for every loadable plugin in the search path (first one wins
 * for a name), sorted by name. Files that fail to load are reported with
 * on_error (may be NULL). The info is valid during the call. */
GLOSSA_API int glossa_runtime_list_plugins(
    glossa_runtime_t *rt,
    void (*cb)(void *ud, const glossa_plugin_info_t *info),
    void (*on_error)(void *ud, const glossa_error_t *err), void *ud);

/* Loads one plugin by name or path for inspection only. */
GLOSSA_API int glossa_runtime_describe_plugin(
    glossa_runtime_t *rt, const char *name_or_path,
    void (*cb)(void *ud, const glossa_plugin_info_t *info), void *ud,
    glossa_error_t *err);

#ifdef __cplusplus
}
#endif

#endif /* GLOSSA_RUNTIME_H */
