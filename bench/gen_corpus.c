/* gen_corpus: a deterministic synthetic corpus for the benchmark.
 *
 *   gen_corpus SEED_DIR SIZE_MB [RANDOM_SEED] > corpus.jsonl
 *
 * Splits the seed documents (the .txt files of SEED_DIR) into sentences (with
 * the core's own segmenter, through the SDK), then writes JSONL records {"id",
 * "text", "meta":
 * {"published", "source"}} until SIZE_MB megabytes of text are out. Each
 * document recombines 4 to 14 paragraphs of 2 to 6 consecutive seed sentences,
 * so documents are news-length (about 1 to 8 KB, 3 KB on average) and mix the
 * seeds' vocabulary, names, dates and non-ASCII punctuation in new ways. The
 * same arguments give the same bytes on every machine (xorshift64*, no libc
 * rand). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <glossa/testing.h> /* glossa_segments_make(): the core's segmenter */

typedef struct piece {
    const char *text;
    size_t len;
} piece_t;

/* A growing byte buffer; `failed` once memory ran out. */
typedef struct buffer {
    char *data;
    size_t len, cap;
    int failed;
} buffer_t;

static void append(buffer_t *b, const char *p, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static uint64_t rng_state;

static uint64_t next_random(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static size_t pick(size_t n)
{
    return (size_t)(next_random() % n);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_corpus SEED_DIR SIZE_MB [RANDOM_SEED]\n");
        return 2;
    }
    double megabytes = atof(argv[2]);
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 20221031;
    if (rng_state == 0)
        rng_state = 1;
    struct dirent **names;
    int n = scandir(argv[1], &names, NULL, alphasort);
    if (n < 0) {
        perror(argv[1]);
        return 1;
    }
    piece_t *pieces = NULL;
    size_t n_pieces = 0, cap = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t nl = strlen(name);
        if (nl > 4 && strcmp(name + nl - 4, ".txt") == 0) {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", argv[1], name);
            size_t len = 0;
            char *text = read_file(path, &len);
            glossa_segments_t seg;
            if (!text || glossa_segments_make(text, len, &seg)) {
                fprintf(stderr, "gen_corpus: cannot read %s\n", path);
                return 1;
            }
            for (size_t s = 0; s < seg.n_sentences; s++) {
                if (n_pieces == cap) {
                    cap = cap ? cap * 2 : 256;
                    pieces = realloc(pieces, cap * sizeof(piece_t));
                    if (!pieces)
                        return 1;
                }
                const glossa_sentence_t *st = &seg.sentences[s];
                pieces[n_pieces].text = text + st->start;
                pieces[n_pieces].len = st->end - st->start;
                n_pieces++;
            }
            glossa_segments_free(&seg); /* the text stays: pieces use it */
        }
        free(names[i]);
    }
    free(names);
    if (n_pieces == 0) {
        fprintf(stderr, "gen_corpus: no sentences in the .txt files of %s\n",
                argv[1]);
        return 1;
    }
    static const char *const sources[] = {
        "AFP",      "Reuters",    "TRT World",  "Warsaw Institute",
        "OC Media", "Eurasianet", "news report"};
    uint64_t target = (uint64_t)(megabytes * 1e6), written = 0;
    buffer_t text = {0};
    for (uint64_t doc = 0; written < target; doc++) {
        text.len = 0;
        size_t paragraphs = 4 + pick(11);
        for (size_t p = 0; p < paragraphs; p++) {
            if (p)
                append(&text, "\n\n", 2);
            size_t sentences = 2 + pick(5);
            /* Runs of consecutive seed sentences read naturally. */
            size_t at = pick(n_pieces);
            for (size_t k = 0; k < sentences; k++) {
                const piece_t *pc = &pieces[(at + k) % n_pieces];
                if (k)
                    append(&text, " ", 1);
                append(&text, pc->text, pc->len);
            }
        }
        unsigned year = 2020 + (unsigned)pick(5),
                 month = 1 + (unsigned)pick(12), day = 1 + (unsigned)pick(28);
        json_t *value = json_stringn(text.data ? text.data : "", text.len);
        char *escaped = value ? json_dumps(value, JSON_ENCODE_ANY) : NULL;
        json_decref(value);
        if (text.failed || !escaped ||
            printf("{\"id\":\"bench-%08llu\",\"text\":%s,\"meta\":{"
                   "\"published\":\"%04u-%02u-%02u\",\"source\":\"%s\"}}\n",
                   (unsigned long long)doc, escaped, year, month, day,
                   sources[pick(sizeof(sources) / sizeof(*sources))]) < 0) {
            fprintf(stderr, "gen_corpus: write failed\n");
            return 1;
        }
        free(escaped);
        written += text.len;
    }
    free(text.data);
    return fflush(stdout) ? 1 : 0;
}
