/* Word vectors for the learned component: loading the embeddings file
 * (data/embeddings/, written by tools/convert_glove.py; the format is in
 * that script and in data/README.md) and looking a word up.
 *
 * Vectors stay 8-bit with a scale per word, as the file has them: 30,000
 * words take 3 MB, and a sentence reads a few dozen of them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mediation_loader.h"

#define EMB_MAGIC "glossa-embeddings 1 "

static float read_f32le(const unsigned char *p)
{
    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The whole file in memory, or NULL after med_fail. */
static unsigned char *read_file(med_loader_t *L, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        med_fail(L, GLOSSA_ENOENT, "%s: cannot open: %s", path,
                 strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            unsigned char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                med_fail(L, GLOSSA_ENOMEM, "out of memory");
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        med_fail(L, GLOSSA_EIO, "%s: read error", path);
        return NULL;
    }
    *len = n;
    return buf;
}

static void put_word(med_embeddings_t *e, uint32_t i)
{
    const char *w = e->words + e->word_off[i];
    size_t len = e->word_off[i + 1] - e->word_off[i] - 1;
    size_t s = med_hash(w, len) & e->slot_mask;
    while (e->slots[s]) {
        uint32_t j = e->slots[s] - 1;
        if (e->word_off[j + 1] - e->word_off[j] - 1 == len &&
            memcmp(e->words + e->word_off[j], w, len) == 0)
            return; /* a repeated word keeps its first, more frequent row */
        s = (s + 1) & e->slot_mask;
    }
    e->slots[s] = i + 1;
}

int med_load_embeddings(med_loader_t *L, const char *path)
{
    med_embeddings_t *e = &L->m->emb;
    size_t len = 0;
    unsigned char *buf = read_file(L, path, &len);
    if (!buf)
        return L->rc;
    unsigned dims = 0;
    unsigned long count = 0;
    const unsigned char *nl = memchr(buf, '\n', len < 64 ? len : 64);
    char header[64] = "";
    if (nl)
        memcpy(header, buf, (size_t)(nl - buf));
    if (!nl || strncmp(header, EMB_MAGIC, strlen(EMB_MAGIC)) != 0 ||
        sscanf(header + strlen(EMB_MAGIC), "%u %lu", &dims, &count) != 2 ||
        dims == 0 || dims > MED_EMB_MAX_DIMS || count == 0 ||
        count > (1ul << 24)) {
        free(buf);
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: not an embeddings file (expected a first line "
                        "\"%sDIMS COUNT\" with DIMS at most %d)",
                        path, EMB_MAGIC, MED_EMB_MAX_DIMS);
    }
    e->dims = dims;
    e->n_words = count;
    e->word_off = malloc((count + 1) * sizeof(*e->word_off));
    e->words = malloc(len); /* the words take less than the file */
    e->vec = malloc(count * dims);
    e->scale = malloc(count * sizeof(*e->scale));
    size_t slots = 1;
    while (slots < count * 2)
        slots *= 2;
    e->slots = calloc(slots, sizeof(*e->slots));
    e->slot_mask = slots - 1;
    if (!e->word_off || !e->words || !e->vec || !e->scale || !e->slots) {
        free(buf);
        return med_fail(L, GLOSSA_ENOMEM, "out of memory");
    }
    const unsigned char *p = nl + 1, *end = buf + len;
    size_t words_len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t wl = p < end ? *p : 0;
        if (wl == 0 || (size_t)(end - p) < 1 + wl + 4 + dims) {
            free(buf);
            return med_fail(L, GLOSSA_ECONFIG,
                            "%s: record %zu of %lu is cut short or empty", path,
                            i + 1, count);
        }
        e->word_off[i] = (uint32_t)words_len;
        memcpy(e->words + words_len, p + 1, wl);
        words_len += wl;
        e->words[words_len++] = '\0';
        e->scale[i] = read_f32le(p + 1 + wl);
        memcpy(e->vec + i * dims, p + 1 + wl + 4, dims);
        p += 1 + wl + 4 + dims;
    }
    e->word_off[count] = (uint32_t)words_len;
    size_t trailing = (size_t)(end - p);
    free(buf);
    if (trailing)
        return med_fail(L, GLOSSA_ECONFIG,
                        "%s: %zu bytes after the last of %lu records", path,
                        trailing, count);
    for (uint32_t i = 0; i < count; i++)
        put_word(e, i);
    /* "emb:K", the names the model file gives these features. */
    for (unsigned k = 0; k < dims && !L->rc; k++) {
        char name[16];
        int n = snprintf(name, sizeof name, "emb:%u", k);
        med_pool_add(L, name, (size_t)n, &e->feature_names[k]);
    }
    return L->rc;
}

void med_embeddings_free(med_embeddings_t *e)
{
    free(e->words);
    free(e->word_off);
    free(e->vec);
    free(e->scale);
    free(e->slots);
    memset(e, 0, sizeof(*e));
}

long med_embedding_find(const med_embeddings_t *e, const char *word, size_t len)
{
    return med_embedding_find_hashed(e, word, len, med_hash(word, len));
}

long med_embedding_find_hashed(const med_embeddings_t *e, const char *word,
                               size_t len, uint32_t h)
{
    if (!e->n_words)
        return -1;
    size_t s = h & e->slot_mask;
    while (e->slots[s]) {
        uint32_t j = e->slots[s] - 1;
        if (e->word_off[j + 1] - e->word_off[j] - 1 == len &&
            memcmp(e->words + e->word_off[j], word, len) == 0)
            return j;
        s = (s + 1) & e->slot_mask;
    }
    return -1;
}

void med_embedding_add(const med_embeddings_t *e, long row, double *sum)
{
    const int8_t *v = e->vec + (size_t)row * e->dims;
    double scale = e->scale[row];
    for (size_t k = 0; k < e->dims; k++)
        sum[k] += scale * v[k];
}
