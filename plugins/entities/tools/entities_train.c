/* entities-train: trains the entities tagger on CoNLL-2003 data.
 *
 *   entities-train --train eng.train --dev eng.testa --data DIR \
 *                  --out DIR/entities.model [--epochs N] [--seed S]
 *
 * A structured averaged perceptron (Collins 2002) with Viterbi decoding
 * over BIO tags, on the features of src/ent_features.c and the gazetteers
 * listed in DIR/gazetteers.txt. Sentences are visited in an order shuffled
 * by a fixed seed, so a run is reproducible bit for bit. After writing the
 * model it loads the file back and reports the development F1 of the
 * model as written (PER/ORG/LOC/MISC, exact span, as conlleval counts
 * it). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "entities.h"

typedef struct corpus {
    char *text;             /* the file, NUL-separated fields */
    char *extra;            /* strings of case-changed copies */
    entities_token_t *toks; /* all tokens */
    uint8_t *gold;          /* BIO tag per token */
    size_t n_toks;
    size_t *sent_first; /* first token of each sentence */
    size_t *sent_len;
    size_t *sent_doc; /* the document of each sentence (-DOCSTART-) */
    size_t n_sents;
    entities_ftok_t *ft;   /* every token folded (history keys) */
    entities_foldbuf_t fb; /* their bytes */
    uint32_t *slot;        /* history entry of every token in its document */
    uint32_t *tflags;      /* every token's ENTITIES_TF_* flags */
} corpus_t;

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "entities-train: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("%s", "out of memory");
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("%s", "out of memory");
    return p;
}

static int type_of(const char *t)
{
    if (!strcmp(t, "PER"))
        return ENTITIES_T_PER;
    if (!strcmp(t, "ORG"))
        return ENTITIES_T_ORG;
    if (!strcmp(t, "LOC"))
        return ENTITIES_T_LOC;
    if (!strcmp(t, "MISC"))
        return ENTITIES_T_MISC;
    return -1;
}

/* Reads `token POS chunk NER` lines; IOB1 NER tags become BIO. */
static void read_conll(const char *path, corpus_t *c)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    memset(c, 0, sizeof(*c));
    c->text = xmalloc((size_t)len + 1);
    if (fread(c->text, 1, (size_t)len, f) != (size_t)len)
        die("cannot read %s", path);
    c->text[len] = '\0';
    fclose(f);
    size_t cap = 1024, scap = 256;
    c->toks = xmalloc(cap * sizeof(*c->toks));
    c->gold = xmalloc(cap);
    c->sent_first = xmalloc(scap * sizeof(size_t));
    c->sent_len = xmalloc(scap * sizeof(size_t));
    c->sent_doc = xmalloc(scap * sizeof(size_t));
    size_t start = 0, doc = 0;
    int prev_type = -1; /* type of the previous token's tag, -1 for O */
    char *line = c->text;
    for (;;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *fields[4];
        int nf = 0;
        for (char *p = strtok(line, " \t\r"); p && nf < 4;
             p = strtok(NULL, " \t\r"))
            fields[nf++] = p;
        int docstart = nf > 0 && !strcmp(fields[0], "-DOCSTART-");
        int boundary = nf == 0 || docstart;
        if (!boundary && nf < 4)
            die("%s: a line without four fields", path);
        if (boundary || !nl) {
            if (c->n_toks > start) {
                if (c->n_sents == scap) {
                    scap *= 2;
                    c->sent_first =
                        xrealloc(c->sent_first, scap * sizeof(size_t));
                    c->sent_len = xrealloc(c->sent_len, scap * sizeof(size_t));
                    c->sent_doc = xrealloc(c->sent_doc, scap * sizeof(size_t));
                }
                c->sent_first[c->n_sents] = start;
                c->sent_doc[c->n_sents] = doc;
                c->sent_len[c->n_sents++] = c->n_toks - start;
            }
            start = c->n_toks;
            prev_type = -1;
        }
        if (docstart && c->n_sents && c->sent_doc[c->n_sents - 1] == doc)
            doc++;
        if (!boundary) {
            if (c->n_toks == cap) {
                cap *= 2;
                c->toks = xrealloc(c->toks, cap * sizeof(*c->toks));
                c->gold = xrealloc(c->gold, cap);
            }
            const char *tag = fields[3];
            uint8_t bio = 0;
            int type = -1;
            if (strcmp(tag, "O") != 0) {
                if ((tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-' ||
                    (type = type_of(tag + 2)) < 0)
                    die("unknown tag %s", tag);
                int begins = tag[0] == 'B' || prev_type != type;
                bio = (uint8_t)(begins ? ENTITIES_TAG_B(type)
                                       : ENTITIES_TAG_I(type));
            }
            prev_type = type;
            c->toks[c->n_toks].s = fields[0];
            c->toks[c->n_toks].len = (uint32_t)strlen(fields[0]);
            c->gold[c->n_toks++] = bio;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
}

/* Appends case-changed copies of some sentences: the sentence s with s %
 * every == 0 in lowercase, with s % every == every / 2 in capitals, so that
 * the model also learns names without their capital letters (headlines,
 * social posts). Deterministic; every == 0 adds nothing. The copies'
 * strings live in c->extra. */
static void add_case_copies(corpus_t *c, size_t every)
{
    if (!every)
        return;
    size_t n_sents = c->n_sents, bytes = 0, toks = 0;
    for (size_t s = 0; s < n_sents; s++) {
        if (s % every != 0 && s % every != every / 2)
            continue;
        toks += c->sent_len[s];
        for (size_t i = 0; i < c->sent_len[s]; i++)
            bytes += c->toks[c->sent_first[s] + i].len + 1;
    }
    c->extra = xmalloc(bytes + 1);
    c->toks = xrealloc(c->toks, (c->n_toks + toks) * sizeof(*c->toks));
    c->gold = xrealloc(c->gold, c->n_toks + toks);
    c->sent_first = xrealloc(c->sent_first, (n_sents * 2) * sizeof(size_t));
    c->sent_len = xrealloc(c->sent_len, (n_sents * 2) * sizeof(size_t));
    c->sent_doc = xrealloc(c->sent_doc, (n_sents * 2) * sizeof(size_t));
    /* Each copy is a document of its own: no history. */
    size_t doc = n_sents ? c->sent_doc[n_sents - 1] + 1 : 0;
    char *o = c->extra;
    for (size_t s = 0; s < n_sents; s++) {
        int lower = s % every == 0;
        if (!lower && s % every != every / 2)
            continue;
        c->sent_first[c->n_sents] = c->n_toks;
        c->sent_doc[c->n_sents] = doc++;
        c->sent_len[c->n_sents++] = c->sent_len[s];
        for (size_t i = 0; i < c->sent_len[s]; i++) {
            const entities_token_t *t = &c->toks[c->sent_first[s] + i];
            for (size_t k = 0; k < t->len; k++) {
                unsigned char ch = (unsigned char)t->s[k];
                if (lower && ch >= 'A' && ch <= 'Z')
                    ch = (unsigned char)(ch + 32);
                else if (!lower && ch >= 'a' && ch <= 'z')
                    ch = (unsigned char)(ch - 32);
                o[k] = (char)ch;
            }
            c->toks[c->n_toks].s = o;
            c->toks[c->n_toks].len = t->len;
            c->gold[c->n_toks] = c->gold[c->sent_first[s] + i];
            c->n_toks++;
            o += t->len + 1;
        }
    }
}

static void corpus_free(corpus_t *c)
{
    free(c->extra);
    free(c->text);
    free(c->toks);
    free(c->gold);
    free(c->sent_first);
    free(c->sent_len);
    free(c->sent_doc);
    free(c->ft);
    free(c->fb.buf);
    free(c->slot);
    free(c->tflags);
}

/* Folds every token (for the history's keys) and makes room for the
 * flags extract() notes. */
static void corpus_fold(corpus_t *c)
{
    c->ft = xmalloc((c->n_toks + 1) * sizeof(*c->ft));
    c->tflags = xmalloc((c->n_toks + 1) * sizeof(uint32_t));
    c->slot = xmalloc((c->n_toks + 1) * sizeof(uint32_t));
    memset(&c->fb, 0, sizeof(c->fb));
    if (entities_fold_tokens(c->toks, c->n_toks, c->ft, &c->fb))
        die("%s", "out of memory");
}

/* Starts the history of the document whose first sentence is s: its
 * tokens' slots, in a history cleared for it. */
static void doc_history(const corpus_t *c, entities_history_t *h, size_t s)
{
    size_t e = s + 1;
    while (e < c->n_sents && c->sent_doc[e] == c->sent_doc[s])
        e++;
    size_t first = c->sent_first[s];
    size_t end = c->sent_first[e - 1] + c->sent_len[e - 1];
    entities_history_clear(h);
    if (entities_history_slots(h, c->ft + first, c->fb.buf, end - first,
                               c->slot + first))
        die("%s", "out of memory");
}

/* ---- Weights ----------------------------------------------------------- */

typedef struct weights {
    uint64_t *keys; /* open addressing; 0 empty */
    uint32_t *index;
    size_t mask;
    size_t n;
    float *w;  /* n * T current weights */
    double *u; /* n * T sums of c * update, for averaging */
    float trans[(ENTITIES_N_TAGS + 1) * ENTITIES_N_TAGS];
    double utrans[(ENTITIES_N_TAGS + 1) * ENTITIES_N_TAGS];
} weights_t;

static uint32_t feature_index(weights_t *W, uint64_t key, int add)
{
    size_t i = (size_t)key & W->mask;
    while (W->keys[i] && W->keys[i] != key)
        i = (i + 1) & W->mask;
    if (W->keys[i])
        return W->index[i];
    if (!add)
        return UINT32_MAX;
    if ((W->n + 1) * 2 > W->mask + 1) {
        size_t cap = (W->mask + 1) * 2;
        uint64_t *keys = calloc(cap, sizeof(uint64_t));
        uint32_t *index = calloc(cap, sizeof(uint32_t));
        if (!keys || !index)
            die("%s", "out of memory");
        for (size_t j = 0; j <= W->mask; j++) {
            if (!W->keys[j])
                continue;
            size_t k = (size_t)W->keys[j] & (cap - 1);
            while (keys[k])
                k = (k + 1) & (cap - 1);
            keys[k] = W->keys[j];
            index[k] = W->index[j];
        }
        free(W->keys);
        free(W->index);
        W->keys = keys;
        W->index = index;
        W->mask = cap - 1;
        i = (size_t)key & W->mask;
        while (W->keys[i])
            i = (i + 1) & W->mask;
    }
    W->keys[i] = key;
    W->index[i] = (uint32_t)W->n;
    return (uint32_t)W->n++;
}

/* The index of a key already known, or UINT32_MAX. */
static uint32_t feature_find(const weights_t *W, uint64_t key)
{
    size_t i = (size_t)key & W->mask;
    while (W->keys[i] && W->keys[i] != key)
        i = (i + 1) & W->mask;
    return W->keys[i] ? W->index[i] : UINT32_MAX;
}

/* Registers the history features (entities_feature_hist) of every value
 * and case, so that training can look them up as the history changes. */
static void register_hist(weights_t *W)
{
    for (uint32_t h = 1; h < ENTITIES_HIST_VALUES; h++)
        for (unsigned r = 0; r < ENTITIES_HIST_CASES; r++)
            feature_index(W, entities_feature_hist(h, entities_hist_case(r)),
                          1);
}

/* The history feature of each token of a sentence, from the history of
 * the document so far: hidx[i] a feature index, or UINT32_MAX. */
static void hist_features(const weights_t *W, const corpus_t *c,
                          const entities_history_t *h, size_t first, size_t n,
                          uint32_t *hist, uint32_t *hidx)
{
    entities_history_get(h, c->slot + first, n, hist);
    for (size_t i = 0; i < n; i++)
        hidx[i] = hist[i] ? feature_find(W, entities_feature_hist(
                                                hist[i], c->tflags[first + i]))
                          : UINT32_MAX;
}

/* Feature indices of every token of a corpus: feats[off[t] .. off[t+1]). */
typedef struct featcache {
    uint32_t *feats;
    size_t *off;
} featcache_t;

static void featcache_free(featcache_t *fc)
{
    free(fc->feats);
    free(fc->off);
}

static void extract(const corpus_t *c, const entities_gaz_t *g, weights_t *W,
                    int add, featcache_t *fc)
{
    size_t cap = c->n_toks * 40, used = 0;
    fc->feats = xmalloc(cap * sizeof(uint32_t));
    fc->off = xmalloc((c->n_toks + 1) * sizeof(size_t));
    entities_tokinfo_t *info = NULL;
    size_t info_cap = 0;
    uint64_t keys[ENTITIES_MAX_FEATURES];
    for (size_t s = 0; s < c->n_sents; s++) {
        size_t n = c->sent_len[s], first = c->sent_first[s];
        if (n > info_cap) {
            info_cap = n;
            info = xrealloc(info, n * sizeof(*info));
        }
        if (entities_tokinfo_fill(g, c->toks + first, n, info))
            die("%s", "out of memory");
        for (size_t i = 0; i < n; i++)
            c->tflags[first + i] = info[i].flags;
        for (size_t i = 0; i < n; i++) {
            size_t k = entities_features(info, n, i, keys);
            fc->off[first + i] = used;
            if (used + k > cap) {
                cap *= 2;
                fc->feats = xrealloc(fc->feats, cap * sizeof(uint32_t));
            }
            for (size_t j = 0; j < k; j++) {
                uint32_t idx = feature_index(W, keys[j], add);
                if (idx == UINT32_MAX)
                    continue;
                fc->feats[used++] = idx;
            }
        }
    }
    fc->off[c->n_toks] = used;
    free(info);
}

static void emissions(const float *w, const featcache_t *fc, size_t first,
                      size_t n, const uint32_t *hidx, float *emit)
{
    enum { T = ENTITIES_N_TAGS };
    for (size_t i = 0; i < n; i++) {
        float *e = emit + i * T;
        memset(e, 0, sizeof(float) * T);
        for (size_t j = fc->off[first + i]; j < fc->off[first + i + 1]; j++) {
            const float *row = w + (size_t)fc->feats[j] * T;
            for (int t = 0; t < T; t++)
                e[t] += row[t];
        }
        if (hidx[i] != UINT32_MAX) {
            const float *row = w + (size_t)hidx[i] * T;
            for (int t = 0; t < T; t++)
                e[t] += row[t];
        }
    }
}

/* The end (exclusive) of the document whose first sentence is s. */
static size_t doc_end(const corpus_t *c, size_t s)
{
    size_t e = s + 1;
    while (e < c->n_sents && c->sent_doc[e] == c->sent_doc[s])
        e++;
    return e;
}

/* ---- Scoring, as conlleval counts ---------------------------------------- */

typedef struct counts {
    size_t correct[ENTITIES_N_TYPES], gold[ENTITIES_N_TYPES],
        pred[ENTITIES_N_TYPES];
} counts_t;

/* End (exclusive) of the chunk starting at i, or i when none starts. */
static size_t chunk_end(const uint8_t *tags, size_t n, size_t i)
{
    if (!ENTITIES_TAG_IS_B(tags[i]))
        return i;
    int type = ENTITIES_TAG_TYPE(tags[i]);
    size_t j = i + 1;
    while (j < n && tags[j] == ENTITIES_TAG_I(type))
        j++;
    return j;
}

static void count_sentence(const uint8_t *gold, const uint8_t *pred, size_t n,
                           counts_t *c)
{
    for (size_t i = 0; i < n; i++) {
        size_t ge = chunk_end(gold, n, i), pe = chunk_end(pred, n, i);
        if (ge > i)
            c->gold[ENTITIES_TAG_TYPE(gold[i])]++;
        if (pe > i)
            c->pred[ENTITIES_TAG_TYPE(pred[i])]++;
        if (ge > i && pe == ge && gold[i] == pred[i])
            c->correct[ENTITIES_TAG_TYPE(gold[i])]++;
    }
}

static double f1(size_t correct, size_t gold, size_t pred)
{
    double p = pred ? (double)correct / (double)pred : 0;
    double r = gold ? (double)correct / (double)gold : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static double report(const counts_t *c, int verbose)
{
    static const char *const names[] = {"PER", "ORG", "LOC", "MISC"};
    size_t tc = 0, tg = 0, tp = 0;
    for (int t = 0; t < ENTITIES_N_TYPES; t++) {
        tc += c->correct[t];
        tg += c->gold[t];
        tp += c->pred[t];
        if (verbose)
            printf(
                "  %-5s precision %6.2f%%  recall %6.2f%%  F1 %6.2f  "
                "(gold %zu)\n",
                names[t],
                c->pred[t] ? 100.0 * (double)c->correct[t] / (double)c->pred[t]
                           : 0,
                c->gold[t] ? 100.0 * (double)c->correct[t] / (double)c->gold[t]
                           : 0,
                100 * f1(c->correct[t], c->gold[t], c->pred[t]), c->gold[t]);
    }
    if (verbose) {
        /* PER, ORG and LOC alone: what the guidelines' labels keep. */
        size_t c3 = tc - c->correct[ENTITIES_T_MISC],
               g3 = tg - c->gold[ENTITIES_T_MISC],
               p3 = tp - c->pred[ENTITIES_T_MISC];
        printf("  P/O/L precision %6.2f%%  recall %6.2f%%  F1 %6.2f  "
               "(gold %zu)\n",
               p3 ? 100.0 * (double)c3 / (double)p3 : 0,
               g3 ? 100.0 * (double)c3 / (double)g3 : 0, 100 * f1(c3, g3, p3),
               g3);
    }
    if (verbose)
        printf("  all   precision %6.2f%%  recall %6.2f%%  F1 %6.2f  "
               "(gold %zu)\n",
               tp ? 100.0 * (double)tc / (double)tp : 0,
               tg ? 100.0 * (double)tc / (double)tg : 0, 100 * f1(tc, tg, tp),
               tg);
    return f1(tc, tg, tp);
}

/* ---- Training ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void averaged(const weights_t *W, double c, float *w, float *trans)
{
    enum { T = ENTITIES_N_TAGS };
    for (size_t i = 0; i < W->n * T; i++)
        w[i] = (float)((double)W->w[i] - W->u[i] / c);
    for (size_t i = 0; i < (T + 1) * T; i++)
        trans[i] = (float)((double)W->trans[i] - W->utrans[i] / c);
}

static double evaluate(const corpus_t *c, const featcache_t *fc,
                       const weights_t *W, const float *w, const float *trans,
                       int verbose)
{
    counts_t cnt;
    memset(&cnt, 0, sizeof(cnt));
    size_t maxn = 0;
    for (size_t s = 0; s < c->n_sents; s++)
        if (c->sent_len[s] > maxn)
            maxn = c->sent_len[s];
    float *emit = xmalloc(maxn * ENTITIES_N_TAGS * sizeof(float));
    void *work = xmalloc(ENTITIES_VITERBI_WORK(maxn));
    uint8_t *pred = xmalloc(maxn);
    uint32_t *hist = xmalloc(maxn * sizeof(uint32_t));
    uint32_t *hidx = xmalloc(maxn * sizeof(uint32_t));
    entities_history_t *h = entities_history_new();
    if (!h)
        die("%s", "out of memory");
    for (size_t s = 0; s < c->n_sents; s++) {
        size_t n = c->sent_len[s], first = c->sent_first[s];
        if (!s || c->sent_doc[s] != c->sent_doc[s - 1])
            doc_history(c, h, s);
        hist_features(W, c, h, first, n, hist, hidx);
        emissions(w, fc, first, n, hidx, emit);
        entities_viterbi(emit, trans, n, pred, work);
        entities_history_add(h, c->slot + first, pred, n);
        count_sentence(c->gold + first, pred, n, &cnt);
    }
    entities_history_free(h);
    free(emit);
    free(work);
    free(pred);
    free(hist);
    free(hidx);
    return report(&cnt, verbose);
}

/* Scores a corpus through the run-time path: the model file as written,
 * features recomputed from the token strings. */
static double evaluate_model(const corpus_t *c, const entities_model_t *m,
                             const entities_gaz_t *g)
{
    counts_t cnt;
    memset(&cnt, 0, sizeof(cnt));
    uint8_t *pred = xmalloc(c->n_toks + 1);
    uint32_t *hist = xmalloc((c->n_toks + 1) * sizeof(uint32_t));
    /* One tagger for the corpus, as a thread of the plugin keeps one,
     * and a history per document, as the analysis has. */
    entities_tagger_t *t = entities_tagger_new(m, g);
    entities_history_t *h = entities_history_new();
    if (!t || !h)
        die("%s", "out of memory");
    for (size_t s = 0; s < c->n_sents; s++) {
        size_t n = c->sent_len[s], first = c->sent_first[s];
        if (!s || c->sent_doc[s] != c->sent_doc[s - 1])
            doc_history(c, h, s);
        entities_history_get(h, c->slot + first, n, hist);
        if (entities_tagger_tag_doc(t, c->toks + first, NULL, hist, n, pred))
            die("%s", "out of memory");
        entities_history_add(h, c->slot + first, pred, n);
        count_sentence(c->gold + first, pred, n, &cnt);
    }
    entities_tagger_free(t);
    entities_history_free(h);
    free(hist);
    free(pred);
    return report(&cnt, 1);
}

/* ---- The command --------------------------------------------------------- */

typedef struct options {
    const char *train_path, *dev_path, *data_dir, *out_path;
    int epochs;
    unsigned long seed;
    size_t case_every;
} options_t;

/* Reads the command line into o. Returns 1 when it only asked for help
 * (printed), 0 otherwise; dies on a bad command line. */
static int parse_options(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->epochs = 15;
    o->seed = 20031;
    o->case_every = 6;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("usage: entities-train --train FILE --dev FILE --data DIR "
                   "--out MODEL [--epochs N] [--seed S] [--case-copies K]\n");
            return 1;
        }
        if (!v)
            die("option %s needs a value (see --help)", a);
        if (!strcmp(a, "--train"))
            o->train_path = v;
        else if (!strcmp(a, "--dev"))
            o->dev_path = v;
        else if (!strcmp(a, "--data"))
            o->data_dir = v;
        else if (!strcmp(a, "--out"))
            o->out_path = v;
        else if (!strcmp(a, "--epochs"))
            o->epochs = atoi(v);
        else if (!strcmp(a, "--seed"))
            o->seed = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--case-copies"))
            o->case_every = strtoul(v, NULL, 10);
        else
            die("unknown option %s (see --help)", a);
        i++;
    }
    if (!o->train_path || !o->data_dir || !o->out_path || o->epochs < 1)
        die("%s", "--train, --data and --out are required (see --help)");
    return 0;
}

/* The perceptron update for a sentence tagged pred instead of gold: the
 * features and transitions of the gold path up by one, those of the
 * predicted path down; u keeps c times each update, for averaging. */
static void update(weights_t *W, const featcache_t *fc, size_t first, size_t n,
                   const uint32_t *hidx, const uint8_t *gold,
                   const uint8_t *pred, double c)
{
    enum { T = ENTITIES_N_TAGS };
    for (size_t i = 0; i < n; i++) {
        int gp = i ? gold[i - 1] : -1, pp = i ? pred[i - 1] : -1;
        if (gold[i] != pred[i] && hidx[i] != UINT32_MAX) {
            size_t f = (size_t)hidx[i] * T;
            W->w[f + gold[i]] += 1;
            W->u[f + gold[i]] += c;
            W->w[f + pred[i]] -= 1;
            W->u[f + pred[i]] -= c;
        }
        if (gold[i] != pred[i]) {
            for (size_t k = fc->off[first + i]; k < fc->off[first + i + 1];
                 k++) {
                size_t f = (size_t)fc->feats[k] * T;
                W->w[f + gold[i]] += 1;
                W->u[f + gold[i]] += c;
                W->w[f + pred[i]] -= 1;
                W->u[f + pred[i]] -= c;
            }
        }
        if (gold[i] != pred[i] || gp != pp) {
            size_t tg = (size_t)(gp + 1) * T + gold[i];
            size_t tp = (size_t)(pp + 1) * T + pred[i];
            W->trans[tg] += 1;
            W->utrans[tg] += c;
            W->trans[tp] -= 1;
            W->utrans[tp] -= c;
        }
    }
}

/* Trains W for o->epochs epochs over the training sentences (features in
 * ftrain), each epoch in a new order from the seeded generator. Prints
 * the sentences tagged wrong per epoch and, with a development set, its
 * F1 under the weights averaged so far. Leaves the final averaged weights
 * in avg and avg_trans. */
static void train(weights_t *W, const options_t *o, const corpus_t *tr,
                  const featcache_t *ftrain, const corpus_t *dev,
                  const featcache_t *fdev, float *avg, float *avg_trans)
{
    size_t maxn = 0;
    for (size_t s = 0; s < tr->n_sents; s++)
        if (tr->sent_len[s] > maxn)
            maxn = tr->sent_len[s];
    float *emit = xmalloc(maxn * ENTITIES_N_TAGS * sizeof(float));
    void *work = xmalloc(ENTITIES_VITERBI_WORK(maxn));
    uint8_t *pred = xmalloc(maxn);
    uint32_t *hist = xmalloc(maxn * sizeof(uint32_t));
    uint32_t *hidx = xmalloc(maxn * sizeof(uint32_t));
    entities_history_t *h = entities_history_new();
    if (!h)
        die("%s", "out of memory");
    /* Documents are visited in a shuffled order, the sentences of each in
     * their own, so that each has the history of those before it: the
     * tags the model being trained gives them. */
    size_t n_docs = 0;
    size_t *docs = xmalloc((tr->n_sents + 1) * sizeof(size_t));
    for (size_t s = 0; s < tr->n_sents; s = doc_end(tr, s))
        docs[n_docs++] = s;
    rng_state = o->seed * 2654435761ull + 1;
    double c = 1; /* sentences seen, plus one: the averaging count */
    clock_t t0 = clock();
    for (int ep = 1; ep <= o->epochs; ep++) {
        for (size_t d = n_docs; d > 1; d--) {
            size_t j = (size_t)(rng() % d);
            size_t tmp = docs[d - 1];
            docs[d - 1] = docs[j];
            docs[j] = tmp;
        }
        size_t mistakes = 0;
        for (size_t d = 0; d < n_docs; d++) {
            doc_history(tr, h, docs[d]);
            for (size_t s = docs[d]; s < doc_end(tr, docs[d]); s++, c++) {
                size_t n = tr->sent_len[s], first = tr->sent_first[s];
                const uint8_t *gold = tr->gold + first;
                hist_features(W, tr, h, first, n, hist, hidx);
                emissions(W->w, ftrain, first, n, hidx, emit);
                entities_viterbi(emit, W->trans, n, pred, work);
                entities_history_add(h, tr->slot + first, pred, n);
                if (memcmp(pred, gold, n) == 0)
                    continue;
                mistakes++;
                update(W, ftrain, first, n, hidx, gold, pred, c);
            }
        }
        printf("epoch %2d: %zu sentences wrong", ep, mistakes);
        if (dev) {
            averaged(W, c, avg, avg_trans);
            printf(", dev F1 %.4f", evaluate(dev, fdev, W, avg, avg_trans, 0));
        }
        printf(" (%.0f s)\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
        fflush(stdout);
    }
    averaged(W, c, avg, avg_trans);
    entities_history_free(h);
    free(emit);
    free(work);
    free(pred);
    free(hist);
    free(hidx);
    free(docs);
}

/* Keeps only the features with a weight that survives quantization to 16
 * bits: their keys (from W) and averaged weights are moved to the front
 * of keys and avg. Returns how many. */
static size_t keep_quantizable(const weights_t *W, float *avg, uint64_t *keys)
{
    enum { T = ENTITIES_N_TAGS };
    float max = 0;
    for (size_t i = 0; i < W->n * T; i++)
        if (fabsf(avg[i]) > max)
            max = fabsf(avg[i]);
    float eps = max / 32767.0f * 0.5f;
    for (size_t j = 0; j <= W->mask; j++)
        if (W->keys[j])
            keys[W->index[j]] = W->keys[j];
    size_t kept = 0;
    for (size_t f = 0; f < W->n; f++) {
        int any = 0;
        for (int t = 0; t < T; t++)
            any |= fabsf(avg[f * T + t]) > eps;
        if (!any)
            continue;
        keys[kept] = keys[f];
        memmove(avg + kept * T, avg + f * T, T * sizeof(float));
        kept++;
    }
    return kept;
}

int main(int argc, char **argv)
{
    options_t opt;
    if (parse_options(argc, argv, &opt))
        return 0;
    char err[1024];
    entities_gaz_t *g = entities_gaz_new();
    if (!g || entities_gaz_load_list(g, opt.data_dir, "gazetteers.txt", err,
                                     sizeof(err)))
        die("%s", g ? err : "out of memory");
    printf("gazetteers: %zu entries\n", entities_gaz_size(g));

    corpus_t tr, dev;
    read_conll(opt.train_path, &tr);
    add_case_copies(&tr, opt.case_every);
    corpus_fold(&tr);
    printf("train: %zu sentences, %zu tokens\n", tr.n_sents, tr.n_toks);
    int have_dev = opt.dev_path != NULL;
    if (have_dev) {
        read_conll(opt.dev_path, &dev);
        corpus_fold(&dev);
        printf("dev: %zu sentences, %zu tokens\n", dev.n_sents, dev.n_toks);
    }

    enum { T = ENTITIES_N_TAGS };
    weights_t W;
    memset(&W, 0, sizeof(W));
    W.mask = (1u << 20) - 1;
    W.keys = calloc(W.mask + 1, sizeof(uint64_t));
    W.index = calloc(W.mask + 1, sizeof(uint32_t));
    if (!W.keys || !W.index)
        die("%s", "out of memory");
    featcache_t ftrain, fdev;
    extract(&tr, g, &W, 1, &ftrain);
    register_hist(&W);
    if (have_dev)
        extract(&dev, g, &W, 0, &fdev);
    printf("features: %zu\n", W.n);
    W.w = calloc(W.n * T, sizeof(float));
    W.u = calloc(W.n * T, sizeof(double));
    float *avg = xmalloc(W.n * T * sizeof(float));
    float avg_trans[(T + 1) * T];
    if (!W.w || !W.u)
        die("%s", "out of memory");
    train(&W, &opt, &tr, &ftrain, have_dev ? &dev : NULL,
          have_dev ? &fdev : NULL, avg, avg_trans);

    uint64_t *keys = xmalloc(W.n * sizeof(uint64_t));
    size_t kept = keep_quantizable(&W, avg, keys);
    if (entities_model_write(opt.out_path, keys, avg, kept, avg_trans, err,
                             sizeof(err)))
        die("%s", err);
    printf("wrote %s: %zu features\n", opt.out_path, kept);

    entities_model_t *m = entities_model_load(opt.out_path, err, sizeof(err));
    if (!m)
        die("%s", err);
    if (have_dev) {
        printf("development F1 of %s on %s (exact spans, conlleval):\n",
               opt.out_path, opt.dev_path);
        evaluate_model(&dev, m, g);
    }
    entities_model_free(m);
    entities_gaz_free(g);
    free(keys);
    free(avg);
    free(W.keys);
    free(W.index);
    free(W.w);
    free(W.u);
    corpus_free(&tr);
    featcache_free(&ftrain);
    if (have_dev) {
        corpus_free(&dev);
        featcache_free(&fdev);
    }
    return 0;
}
