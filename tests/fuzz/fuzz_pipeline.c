/* Fuzz target: pipeline files. The input is parsed as JSON and loaded as
 * a pipeline against the test plugins (names only: inputs naming paths are
 * skipped, so that the fuzzer cannot dlopen arbitrary files of the
 * machine), then prepared and released. Covers the pipeline parser,
 * config validation against option tables, dependency ordering, cycles,
 * and instance creation and rollback. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '/', size) || memchr(data, '\\', size))
        return 0;
    json_t *pipeline = json_loadb((const char *)data, size, 0, NULL);
    if (!pipeline)
        return 0;
    glossa_runtime_options_t o;
    glossa_runtime_options_init(&o);
    o.threads = 1;
    o.log_level = GLOSSA_LOG_ERROR;
    glossa_runtime_t *rt = NULL;
    FUZZ_CHECK(glossa_runtime_new(&o, &rt, NULL) == 0);
    /* Only the test plugins are reachable by name. */
    for (size_t i = 0; i < rt->n_search_dirs; i++)
        glossa__free(rt->search_dirs[i]);
    rt->n_search_dirs = 0;
    FUZZ_CHECK(glossa_runtime_add_search_dir(rt, GLOSSA_FUZZ_PLUGIN_DIR) == 0);
    glossa_error_t err;
    int rc = glossa_runtime_load_pipeline_json(rt, pipeline, "fuzz", &err);
    if (rc == 0)
        rc = glossa_runtime_prepare(rt, &err);
    if (rc)
        FUZZ_CHECK(err.code == rc && err.text[0]); /* a reason, always */
    glossa_runtime_free(rt);
    json_decref(pipeline);
    return 0;
}
