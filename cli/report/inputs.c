/* The original texts, for output written without --with-text: the inputs
 * of the run read again with the public record reader (the same ids,
 * manifests and JSONL rules as `glossa run`), repaired as the core repairs
 * them, and kept by id until the records ask for them. */
#include <stdio.h>
#include <stdlib.h>

#include <glossa/glossa.h>

#include "commands.h"
#include "report.h"

#define WHO "glossa report"

/* Keeps rec's text under its id. Returns 0, or -1 when out of memory. */
static int keep(json_t *texts, const glossa_source_record_t *rec,
                size_t *duplicates)
{
    if (json_object_get(texts, rec->id)) {
        if ((*duplicates)++ < 10)
            fprintf(stderr,
                    WHO ": %s: the id '%s' is used again; the report keeps "
                        "the first document's text\n",
                    rec->origin, rec->id);
        return 0;
    }
    /* Repaired as the run repaired it (glossa/text.h). */
    char *text = malloc(GLOSSA_UTF8_REPAIR_MAX(rec->text_len));
    json_t *s = NULL;
    if (text) {
        size_t len = glossa_utf8_repair(rec->text, rec->text_len, text, NULL);
        s = json_stringn_nocheck(text, len);
    }
    free(text);
    if (!s)
        return -1;
    if (json_object_set_new(texts, rec->id, s)) {
        /* Jansson refuses keys that are not UTF-8: no record can name
         * such an id, so the text is of no use. */
        fprintf(stderr, WHO ": %s: the id is not valid UTF-8; skipped\n",
                rec->origin);
    }
    return 0;
}

/* Reads every record of src into texts. Returns 0 or -1 (reported). */
static int read_all(glossa_source_t *src, json_t *texts)
{
    glossa_error_t err;
    const glossa_source_record_t *rec;
    size_t duplicates = 0;
    int rc;
    while ((rc = glossa_source_read(src, &rec, &err)) == 1) {
        if (rec->error) {
            fprintf(stderr, WHO ": %s: no text (%s)\n", rec->origin,
                    glossa_err_name(rec->error));
            continue;
        }
        if (keep(texts, rec, &duplicates)) {
            fprintf(stderr, WHO ": %s: out of memory\n", rec->origin);
            return -1;
        }
    }
    if (duplicates > 10)
        fprintf(stderr, WHO ": ... %zu ids used again in all\n", duplicates);
    if (rc < 0) {
        glossa_cli_print_error(WHO, "--inputs", &err);
        return -1;
    }
    return 0;
}

json_t *glossa_report_inputs_load(const char *const *paths, size_t n)
{
    glossa_error_t err;
    glossa_runtime_t *rt = NULL;
    glossa_source_t *src = NULL;
    json_t *texts = json_object();
    if (!texts) {
        fprintf(stderr, WHO ": out of memory\n");
        return NULL;
    }
    if (glossa_runtime_new(NULL, &rt, &err)) {
        glossa_cli_print_error(WHO, NULL, &err);
        goto fail;
    }
    if (glossa_source_open(rt, paths, n, NULL, &src, &err)) {
        glossa_cli_print_error(WHO, "--inputs", &err);
        goto fail;
    }
    if (read_all(src, texts))
        goto fail;
    if (glossa_source_problems(src))
        fprintf(stderr,
                WHO ": the inputs had %llu problems of their own (above)\n",
                (unsigned long long)glossa_source_problems(src));
    glossa_source_free(src);
    glossa_runtime_free(rt);
    return texts;
fail:
    glossa_source_free(src);
    glossa_runtime_free(rt);
    json_decref(texts);
    return NULL;
}
