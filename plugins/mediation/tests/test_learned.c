/* The learned component's inputs: the word-vector features (what they
 * read, and that they are absent without vectors) and the loading of the
 * embeddings file and of a model that names them. Its verdicts are
 * judged in aggregate by the eval floors (tests/eval.sh). Sentences of
 * our own. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"

#define VECTORS MEDIATION_DATA_DIR "/embeddings/glove-6b-100d-30k.bin"
#define CLASSIFIER MEDIATION_DATA_DIR "/model/polarity.json"
#define MAX_DIMS 128

/* The word-vector features of one sentence, as the probe hands them. */
typedef struct captured {
    size_t sentence;
    int seen;
    size_t n_emb;
    double emb[MAX_DIMS];
    double holder_party, holder_other;
} captured_t;

static void capture(void *ud, size_t sentence, const char *const *names,
                    const double *values, size_t n)
{
    captured_t *c = ud;
    if (sentence != c->sentence)
        return;
    c->seen = 1;
    c->n_emb = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "holder_party") == 0)
            c->holder_party = values[i];
        if (strcmp(names[i], "holder_other") == 0)
            c->holder_other = values[i];
        if (strncmp(names[i], "emb:", 4) == 0) {
            assert_true(c->n_emb < MAX_DIMS);
            char want[16];
            snprintf(want, sizeof want, "emb:%zu", c->n_emb);
            assert_string_equal(names[i], want);
            c->emb[c->n_emb++] = values[i];
        }
    }
}

/* The features of sentence `sentence` of text with a quotes layer
 * (NULL: none), every sentence judged. */
static captured_t features_quoted(const mediation_model_t *m, const char *text,
                                  const quote_spec_t *quotes, size_t sentence)
{
    static uint8_t force[64];
    memset(force, 1, sizeof force);
    captured_t c = {.sentence = sentence};
    mediation_probe_t probe = {force, capture, &c};
    mediation_result_t res;
    test_analyze_probe(m, text, TEST_ENTITIES, quotes, &probe, &res);
    mediation_result_free(&res);
    assert_true(c.seen);
    return c;
}

static captured_t features_of(const mediation_model_t *m, const char *text,
                              size_t sentence)
{
    return features_quoted(m, text, NULL, sentence);
}

static int all_zero(const captured_t *c)
{
    for (size_t k = 0; k < c->n_emb; k++)
        if (c->emb[k] != 0)
            return 0;
    return 1;
}

static int same(const captured_t *a, const captured_t *b)
{
    return a->n_emb == b->n_emb &&
           memcmp(a->emb, b->emb, a->n_emb * sizeof(double)) == 0;
}

static void test_vectors_near_the_target(void **state)
{
    (void)state;
    mediation_model_t *m = test_model_learned("profiles/russia.json");
    const char *pre = "Armenia and Azerbaijan fought over Karabakh. ";
    char a[512], b[512], far[512];
    snprintf(a, sizeof a,
             "%sRussia praised the talks between the two sides, and later "
             "that week the capital saw heavy rain and flooded streets.",
             pre);
    /* A word next to the target changes the features... */
    snprintf(b, sizeof b,
             "%sRussia condemned the talks between the two sides, and later "
             "that week the capital saw heavy rain and flooded streets.",
             pre);
    /* ...one well past the window does not. */
    snprintf(far, sizeof far,
             "%sRussia praised the talks between the two sides, and later "
             "that week the capital saw heavy snow and flooded streets.",
             pre);
    captured_t ca = features_of(m, a, 1), cb = features_of(m, b, 1),
               cf = features_of(m, far, 1);
    assert_int_equal(ca.n_emb, 100);
    assert_false(all_zero(&ca));
    assert_false(same(&ca, &cb));
    assert_true(same(&ca, &cf));
    mediation_model_free(m);
}

static void test_no_vectors_without_a_mention(void **state)
{
    (void)state;
    mediation_model_t *m = test_model_learned("profiles/russia.json");
    /* Judged (forced) but referring to no target, by name or otherwise:
     * nothing near it to read. */
    captured_t c = features_of(m,
                               "Russia sent peacekeepers to Karabakh. The "
                               "corridor stayed open for three years.",
                               1);
    assert_int_equal(c.n_emb, 100);
    assert_true(all_zero(&c));
    mediation_model_free(m);
}

static void test_hyphenated_words_read_by_parts(void **state)
{
    (void)state;
    mediation_model_t *m = test_model_learned("profiles/russia.json");
    /* "peace-keeping" is not in the vocabulary; "peace" and "keeping"
     * are, so the features differ from those of the sentence without it. */
    captured_t with = features_of(m,
                                  "Armenia and Azerbaijan fought. Russia "
                                  "offered peace-keeping to both sides.",
                                  1),
               without = features_of(m,
                                     "Armenia and Azerbaijan fought. Russia "
                                     "offered to both sides.",
                                     1);
    assert_false(same(&with, &without));
    mediation_model_free(m);
}

/* A quote's speaker the entities layer does not name ("a local analyst"
 * resolved to a name): neither a party nor the target unless the model
 * knows the name. Its party flag was left unset, so that the same text
 * could give other features in another process (isolation mode). */
static void test_unnamed_speaker_is_no_party(void **state)
{
    (void)state;
    mediation_model_t *m = test_model_learned("profiles/russia.json");
    const char *text = "Armenia and Azerbaijan fought. \"Russia failed as a "
                       "mediator,\" a local analyst said.";
    static const quote_spec_t q[] = {
        {"Russia failed as a mediator,", "John Smith", "a local analyst", 1},
        {NULL, NULL, NULL, 0}};
    captured_t c = features_quoted(m, text, q, 1);
    assert_true(c.holder_other == 1);
    assert_true(c.holder_party == 0);
    mediation_model_free(m);
}

static void test_no_vector_features_without_vectors(void **state)
{
    (void)state;
    mediation_model_t *m = test_model("profiles/russia.json");
    captured_t c = features_of(m,
                               "Armenia and Azerbaijan fought. Russia "
                               "praised the talks.",
                               1);
    assert_int_equal(c.n_emb, 0);
    mediation_model_free(m);
}

/* Loads the Russia profile with these settings; returns the code, the
 * message in err. */
static int load_with(const char *classifier, const char *embeddings, char *err,
                     size_t err_size)
{
    mediation_settings_t s;
    mediation_settings_init(&s);
    s.classifier = classifier;
    s.embeddings = embeddings;
    mediation_model_t *m = NULL;
    int rc = mediation_model_load(MEDIATION_DATA_DIR "/profiles/russia.json",
                                  MEDIATION_DATA_DIR "/lexicon/vader.tsv",
                                  MEDIATION_DATA_DIR "/rules/en.json", &s, &m,
                                  err, err_size);
    mediation_model_free(m);
    return rc;
}

static void test_model_needs_its_vectors(void **state)
{
    (void)state;
    char err[1024];
    assert_int_equal(load_with(CLASSIFIER, VECTORS, err, sizeof err), 0);
    assert_int_equal(load_with(CLASSIFIER, NULL, err, sizeof err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err, "unknown feature \"emb:"));
}

/* Writes bytes to a new temporary file; its path in path. */
static void write_temp(char *path, size_t size, const void *bytes, size_t n)
{
    snprintf(path, size, "%s/glossa-emb-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, n), (ssize_t)n);
    close(fd);
}

static void test_broken_vector_files(void **state)
{
    (void)state;
    char err[1024], path[256];
    assert_int_equal(
        load_with(NULL, "/nonexistent/vectors.bin", err, sizeof err),
        GLOSSA_ENOENT);
    assert_non_null(strstr(err, "/nonexistent/vectors.bin"));

    static const char not_vectors[] = "word 0.1 0.2\n";
    write_temp(path, sizeof path, not_vectors, sizeof not_vectors - 1);
    assert_int_equal(load_with(NULL, path, err, sizeof err), GLOSSA_ECONFIG);
    assert_non_null(strstr(err, "not an embeddings file"));
    unlink(path);

    /* Two records promised, one and a half given. */
    unsigned char cut[64];
    size_t n =
        (size_t)snprintf((char *)cut, sizeof cut, "glossa-embeddings 1 2 2\n");
    const unsigned char rec[] = {3, 'c', 'a', 't', 0, 0, 0x80, 0x3f, 1, 2};
    memcpy(cut + n, rec, sizeof rec);
    n += sizeof rec;
    memcpy(cut + n, rec, 5);
    write_temp(path, sizeof path, cut, n + 5);
    assert_int_equal(load_with(NULL, path, err, sizeof err), GLOSSA_ECONFIG);
    assert_non_null(strstr(err, "record 2 of 2 is cut short"));
    unlink(path);

    /* The same file whole loads. */
    memcpy(cut + n, rec, sizeof rec);
    write_temp(path, sizeof path, cut, n + sizeof rec);
    assert_int_equal(load_with(NULL, path, err, sizeof err), 0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_near_the_target),
        cmocka_unit_test(test_no_vectors_without_a_mention),
        cmocka_unit_test(test_hyphenated_words_read_by_parts),
        cmocka_unit_test(test_unnamed_speaker_is_no_party),
        cmocka_unit_test(test_no_vector_features_without_vectors),
        cmocka_unit_test(test_model_needs_its_vectors),
        cmocka_unit_test(test_broken_vector_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
