/* Fuzz target: arbitrary bytes as one JSONL input record ({"id", "text",
 * "meta"}). Covers record decoding, the UTF-8 policy applied to lines and
 * strings, and everything after. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glossa_runtime_t *rt = fuzz_runtime();
    glossa__doc_t *doc = fuzz_doc(data, size, GLOSSA__RAW_JSON);
    glossa__doc_prepare(rt, doc);
    FUZZ_CHECK(doc->id && doc->meta && json_is_object(doc->meta));
    fuzz_check_prepared(doc);
    glossa__doc_serialize(rt, doc);
    fuzz_check_line(doc);
    glossa__doc_free(doc);
    return 0;
}
