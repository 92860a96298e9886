/* The model file (round trip, and every way loading can fail) and the
 * Viterbi decoder: its BIO constraints, and the same paths as the plain
 * textbook loop it replaced. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "entities.h"

enum { T = ENTITIES_N_TAGS };

static char path[256];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/entities-model.XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return unlink(path);
}

static void write_small_model(void)
{
    uint64_t keys[3] = {11, 22, 33};
    float w[3 * T] = {0};
    w[0 * T + 1] = 2.0f;  /* key 11 -> B-PER */
    w[1 * T + 0] = -1.0f; /* key 22 -> not O */
    w[2 * T + 5] = 0.5f;
    float trans[(T + 1) * T] = {0};
    trans[3] = 0.25f;
    char err[256];
    assert_int_equal(
        entities_model_write(path, keys, w, 3, trans, err, sizeof(err)), 0);
}

static void test_round_trip(void **state)
{
    (void)state;
    write_small_model();
    char err[256];
    entities_model_t *m = entities_model_load(path, err, sizeof(err));
    assert_non_null(m);
    assert_int_equal(entities_model_features(m), 3);
    float s[T] = {0};
    uint64_t keys[3] = {11, 22, 99}; /* 99 is unknown: no weight */
    entities_model_score(m, keys, 3, s);
    assert_float_equal(s[1], 2.0f, 1e-3);
    assert_float_equal(s[0], -1.0f, 1e-3);
    assert_float_equal(s[5], 0.0f, 1e-3);
    assert_float_equal(entities_model_transitions(m)[3], 0.25f, 1e-6);
    entities_model_free(m);
}

/* Rewrites byte `at` of the model file (or cuts it there when cut). */
static void damage(long at, int cut)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    if (at < 0)
        at += (long)n;
    if (cut)
        n = (size_t)at;
    else
        buf[at] ^= 0x5A;
    f = fopen(path, "wb");
    fwrite(buf, 1, n, f);
    fclose(f);
}

static void expect_load_error(const char *message)
{
    char err[512] = "";
    entities_model_t *m = entities_model_load(path, err, sizeof(err));
    assert_null(m);
    if (!strstr(err, message))
        fail_msg("expected \"%s\" in \"%s\"", message, err);
}

static void test_load_errors(void **state)
{
    (void)state;
    char err[512] = "";
    assert_null(
        entities_model_load("/nonexistent/entities.model", err, sizeof(err)));
    assert_non_null(strstr(err, "cannot open model /nonexistent/"));

    write_small_model();
    damage(0, 0);
    expect_load_error("not an entities model file");

    write_small_model();
    damage(8, 0);
    expect_load_error("format version");

    write_small_model();
    damage(12, 0);
    expect_load_error("retrain it with entities-train");

    write_small_model();
    damage(-20, 1);
    expect_load_error("truncated");

    write_small_model();
    damage(-12, 0); /* a weight byte */
    expect_load_error("checksum mismatch");

    write_small_model();
    damage(0, 1);
    expect_load_error("bad magic");
}

static int valid_bio(const uint8_t *tags, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (tags[i] == 0 || ENTITIES_TAG_IS_B(tags[i]))
            continue;
        if (i == 0 || tags[i - 1] == 0 ||
            ENTITIES_TAG_TYPE(tags[i - 1]) != ENTITIES_TAG_TYPE(tags[i]))
            return 0;
    }
    return 1;
}

static void test_viterbi_constraints(void **state)
{
    (void)state;
    /* Emissions that alone would say I-LOC, O, I-PER, I-ORG. */
    float emit[4 * T] = {0};
    emit[0 * T + ENTITIES_TAG_I(ENTITIES_T_LOC)] = 5;
    emit[1 * T + 0] = 1;
    emit[2 * T + ENTITIES_TAG_I(ENTITIES_T_PER)] = 5;
    emit[3 * T + ENTITIES_TAG_I(ENTITIES_T_ORG)] = 5;
    float trans[(T + 1) * T] = {0};
    unsigned char work[ENTITIES_VITERBI_WORK(4)];
    uint8_t tags[4];
    entities_viterbi(emit, trans, 4, tags, work);
    assert_true(valid_bio(tags, 4));
    assert_int_equal(tags[1], 0);
    /* Where I-X is allowed it is chosen. */
    emit[1 * T + ENTITIES_TAG_B(ENTITIES_T_PER)] = 3;
    entities_viterbi(emit, trans, 4, tags, work);
    assert_int_equal(tags[1], ENTITIES_TAG_B(ENTITIES_T_PER));
    assert_int_equal(tags[2], ENTITIES_TAG_I(ENTITIES_T_PER));
    assert_true(valid_bio(tags, 4));
}

/* The decoder as first written: all nine predecessors of every tag,
 * forbidden ones skipped. entities_viterbi must find the same paths. */
static const uint8_t REF_ALLOWED[T + 1][T] = {
    {1, 1, 0, 1, 0, 1, 0, 1, 0}, {1, 1, 0, 1, 0, 1, 0, 1, 0},
    {1, 1, 1, 1, 0, 1, 0, 1, 0}, {1, 1, 1, 1, 0, 1, 0, 1, 0},
    {1, 1, 0, 1, 1, 1, 0, 1, 0}, {1, 1, 0, 1, 1, 1, 0, 1, 0},
    {1, 1, 0, 1, 0, 1, 1, 1, 0}, {1, 1, 0, 1, 0, 1, 1, 1, 0},
    {1, 1, 0, 1, 0, 1, 0, 1, 1}, {1, 1, 0, 1, 0, 1, 0, 1, 1},
};

static void ref_viterbi(const float *emit, const float *trans, size_t n,
                        uint8_t *tags)
{
    float score[64 * T];
    uint8_t back[64 * T];
    for (int c = 0; c < T; c++) {
        score[c] = REF_ALLOWED[0][c] ? emit[c] + trans[c] : -INFINITY;
        back[c] = 0;
    }
    for (size_t i = 1; i < n; i++) {
        for (int c = 0; c < T; c++) {
            float best = -INFINITY;
            int arg = 0;
            for (int p = 0; p < T; p++) {
                if (!REF_ALLOWED[p + 1][c] ||
                    score[(i - 1) * T + p] == -INFINITY)
                    continue;
                float s = score[(i - 1) * T + p] + trans[(p + 1) * T + c];
                if (s > best) {
                    best = s;
                    arg = p;
                }
            }
            score[i * T + c] = best + emit[i * T + c];
            back[i * T + c] = (uint8_t)arg;
        }
    }
    int best = 0;
    for (int c = 1; c < T; c++)
        if (score[(n - 1) * T + c] > score[(n - 1) * T + best])
            best = c;
    for (size_t i = n; i-- > 0;) {
        tags[i] = (uint8_t)best;
        best = back[i * T + best];
    }
}

static void test_viterbi_reference(void **state)
{
    (void)state;
    uint64_t x = 12345;
    float emit[64 * T], trans[(T + 1) * T];
    unsigned char work[ENTITIES_VITERBI_WORK(64)];
    uint8_t got[64], want[64];
    for (int round = 0; round < 2000; round++) {
        /* Small integers make ties common: ties must go the same way. */
        int coarse = round % 2;
        for (size_t i = 0; i < 64 * T + (T + 1) * T; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            float v =
                coarse ? (float)((int)(x >> 60) - 8)
                       : (float)((double)(x >> 11) / 9007199254740992.0 * 20.0 -
                                 10.0);
            if (i < 64 * T)
                emit[i] = v;
            else
                trans[i - 64 * T] = v;
        }
        size_t n = 1 + (size_t)(x >> 58);
        entities_viterbi(emit, trans, n, got, work);
        ref_viterbi(emit, trans, n, want);
        assert_memory_equal(got, want, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_viterbi_constraints),
        cmocka_unit_test(test_viterbi_reference),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
