/* Where `glossa run` writes, and how a run survives being killed.
 *
 * With -o OUT the records go to OUT.partial, in whole lines, flushed as
 * they are finished and synced to disk about once a second; when the run
 * completes, OUT.partial is synced and renamed to OUT (atomic publish), so
 * OUT either does not exist or is complete. A job file OUT.partial.job
 * records the settings that shape the output (inputs, pipeline, shard,
 * limits, version).
 *
 * When the run completes, the job file is published too, as OUT.job, with
 * what was written added ("output": {"records", "bytes"}): it tells
 * `glossa merge` which shard of which job OUT is, and lets it check that
 * OUT is whole. It is written before OUT is renamed into place, so a kill
 * between the two leaves OUT.partial for --resume to finish.
 *
 * --resume continues an interrupted run: it checks the job file against
 * the current settings, cuts OUT.partial after its last complete line (a
 * kill or power loss can leave a torn tail), counts the records already
 * there, and appends after them; the run skips that many input records.
 * The result is byte-identical to an uninterrupted run. If OUT already
 * exists (published) there is nothing to do, unless its OUT.job shows
 * other settings: then --resume refuses, naming them.
 *
 * Without -o, records go to standard output (no resume). */
#ifndef GLOSSA_CLI_OUTPUT_H
#define GLOSSA_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <glossa/runtime.h>

typedef struct glossa_output {
    int fd;
    char *path;          /* OUT, NULL for stdout */
    char *partial_path;  /* OUT.partial */
    char *job_path;      /* OUT.partial.job */
    char *done_job_path; /* OUT.job, published beside OUT */
    json_t *job;         /* the settings (own reference) */
    char *buf;
    size_t len;
    int error;        /* errno of the first failed write */
    uint64_t resumed; /* records already in OUT.partial */
    uint64_t written; /* records written by this run */
    uint64_t last_sync_ns;
    /* The first records with errors, for the summary: up to
     * GLOSSA_OUTPUT_NOTED entries {"id", "plugin", "code", "message"}. */
    json_t *noted_errors;
} glossa_output_t;

#define GLOSSA_OUTPUT_NOTED 10

enum {
    GLOSSA_OUTPUT_READY = 0,  /* write records */
    GLOSSA_OUTPUT_DONE = 1,   /* --resume: OUT already published */
    GLOSSA_OUTPUT_FAILED = -1 /* message printed */
};

/* Whether writing to standard output failed because its reader left
 * (EPIPE): the run then ends quietly, as a filter does. */
int glossa_output_reader_left(const glossa_output_t *out);

/* Opens the output. `job` describes the settings (a JSON object, borrowed)
 * and is compared on --resume. Returns GLOSSA_OUTPUT_*; unless READY,
 * nothing is left open or allocated. */
int glossa_output_open(glossa_output_t *out, const char *path, int resume,
                       const json_t *job);

/* The sink handing records to the output. */
glossa_sink_t glossa_output_sink(glossa_output_t *out);

/* Flushes and syncs OUT.partial, publishes the job file as OUT.job, and
 * renames OUT.partial to OUT (removing OUT.partial.job). Returns 0, or -1
 * after printing why. */
int glossa_output_publish(glossa_output_t *out);

/* Flushes what is buffered and closes, leaving OUT.partial for --resume.
 * Returns 0 or -1. */
int glossa_output_close(glossa_output_t *out);

/* Closes and, unless this run resumed it, removes OUT.partial and its job
 * file: for runs that fail before writing anything. */
void glossa_output_abandon(glossa_output_t *out);

#endif
