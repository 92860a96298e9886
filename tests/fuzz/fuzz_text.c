/* Fuzz target: arbitrary bytes as a document's text. Covers UTF-8
 * validation and repair, offset maps, tokenization, sentence splitting
 * and record serialisation. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glossa_runtime_t *rt = fuzz_runtime();
    glossa__doc_t *doc = fuzz_doc(data, size, GLOSSA__RAW_TEXT);
    glossa__doc_prepare(rt, doc);
    fuzz_check_prepared(doc);
    glossa__doc_serialize(rt, doc);
    fuzz_check_line(doc);
    glossa__doc_free(doc);
    return 0;
}
