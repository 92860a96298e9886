/* Fuzz target: the input readers. The first byte picks what the rest
 * becomes: a .jsonl file (line splitting, blank lines, long lines), or
 * the manifest.jsonl of a directory holding two .txt files. Every record
 * read is then prepared and serialised. */
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f);
    if (n)
        FUZZ_CHECK(fwrite(p, 1, n, f) == n);
    FUZZ_CHECK(fclose(f) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    glossa_runtime_t *rt = fuzz_runtime();
    char path[256], docs[200];
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/glossa-fuzz-source-%d", (int)getpid());
        mkdir(dir, 0700);
        snprintf(docs, sizeof(docs), "%s/docs", dir);
        mkdir(docs, 0700);
        snprintf(path, sizeof(path), "%s/a.txt", docs);
        write_file(path, "First text.", 11);
        snprintf(path, sizeof(path), "%s/b.txt", docs);
        write_file(path, "Second\xff text.", 13);
    }
    int as_manifest = size > 0 && (data[0] & 1);
    const uint8_t *body = size ? data + 1 : data;
    size_t body_len = size ? size - 1 : 0;
    const char *input;
    if (as_manifest) {
        snprintf(path, sizeof(path), "%s/docs/manifest.jsonl", dir);
        snprintf(docs, sizeof(docs), "%s/docs", dir);
        input = docs;
    } else {
        snprintf(path, sizeof(path), "%s/in.jsonl", dir);
        input = path;
    }
    write_file(path, body, body_len);
    glossa_source_options_t o;
    glossa_source_options_init(&o);
    o.shard_count = (size % 3) + 1;
    o.shard_index = size % o.shard_count;
    glossa_source_t *src = NULL;
    FUZZ_CHECK(glossa_source_open(rt, &input, 1, &o, &src, NULL) == 0);
    for (int n = 0; n < 10000; n++) {
        glossa__doc_t *doc = NULL;
        int rc = glossa__source_next(src, &doc, NULL);
        if (rc <= 0) {
            glossa__doc_free(doc);
            break;
        }
        glossa__doc_prepare(rt, doc);
        fuzz_check_prepared(doc);
        glossa__doc_serialize(rt, doc);
        fuzz_check_line(doc);
        glossa__doc_free(doc);
    }
    glossa_source_free(src);
    if (as_manifest)
        unlink(path);
    return 0;
}
