/* Fuzz target: the bundled plugins' annotate() on arbitrary bytes. The
 * pipeline (GLOSSA_FUZZ_PIPELINE, default the bundled default pipeline)
 * is loaded once; each input becomes a document that every step runs on,
 * in dependency order, on this thread, with the same span checks as a real
 * run. A plugin may fail a document; it may not crash or corrupt it. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static glossa_runtime_t *rt;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *pipeline = getenv("GLOSSA_FUZZ_PIPELINE");
    if (!pipeline)
        pipeline = GLOSSA_FUZZ_DEFAULT_PIPELINE;
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 1;
    o.log_level = GLOSSA_LOG_ERROR;
    glossa_error_t err;
    FUZZ_CHECK(glossa_runtime_new(&o, &rt, NULL) == 0);
    FUZZ_CHECK(glossa_runtime_add_search_dir(rt, GLOSSA_FUZZ_BUNDLED_DIR) == 0);
    if (glossa_runtime_load_pipeline(rt, pipeline, &err) ||
        glossa_runtime_prepare(rt, &err)) {
        char msg[2048];
        fprintf(stderr, "fuzz_plugins: %s\n",
                glossa_error_format(&err, msg, sizeof(msg)));
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!rt)
        LLVMFuzzerInitialize(NULL, NULL);
    glossa__doc_t *doc = fuzz_doc(data, size, GLOSSA__RAW_TEXT);
    glossa__doc_prepare(rt, doc);
    fuzz_check_prepared(doc);
    if (!doc->skip_plugins) {
        FUZZ_CHECK(glossa__doc_make_units(rt, doc, NULL) == 0);
        /* Steps in dependency order: run what is ready until all ran. */
        for (size_t round = 0; round < rt->n_steps; round++) {
            for (size_t i = 0; i < rt->n_steps; i++) {
                glossa__unit_t *u = &doc->units[i];
                if (u->status != GLOSSA__UNIT_WAITING)
                    continue;
                int ready = 1, broken = 0;
                for (size_t r = 0; r < u->step->n_requires; r++) {
                    int st = doc->units[u->step->requires[r]].status;
                    ready &= st == GLOSSA__UNIT_DONE;
                    broken |=
                        st == GLOSSA__UNIT_FAILED || st == GLOSSA__UNIT_SKIPPED;
                }
                if (broken)
                    u->status = GLOSSA__UNIT_SKIPPED;
                else if (ready)
                    glossa__unit_execute(u);
            }
        }
        for (size_t i = 0; i < rt->n_steps; i++) {
            const glossa__unit_t *u = &doc->units[i];
            FUZZ_CHECK(u->status != GLOSSA__UNIT_WAITING);
            if (u->status == GLOSSA__UNIT_DONE)
                FUZZ_CHECK(u->layer != NULL);
        }
    }
    glossa__doc_serialize(rt, doc);
    fuzz_check_line(doc);
    glossa__doc_free(doc);
    return 0;
}
