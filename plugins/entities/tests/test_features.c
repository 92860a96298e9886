/* Feature extraction and the text helpers it rests on. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "entities.h"
#include "split.h"

static size_t fold(const char *s, char *out, size_t cap)
{
    size_t k = entities_fold(s, strlen(s), out, cap - 1);
    assert_true(k < cap);
    out[k] = '\0';
    return k;
}

static void test_fold(void **state)
{
    (void)state;
    char buf[64];
    fold("Türkiye", buf, sizeof(buf));
    assert_string_equal(buf, "turkiye");
    fold("Côte d\u2019Ivoire", buf, sizeof(buf));
    assert_string_equal(buf, "coted'ivoire");
    fold("NAGORNO\u2011KARABAKH", buf, sizeof(buf));
    assert_string_equal(buf, "nagorno-karabakh");
    fold("Bak\u0131", buf, sizeof(buf)); /* dotless i stays itself */
    assert_string_equal(buf, "bak\u0131");
    /* too small: cap + 1 */
    assert_int_equal(entities_fold("Azerbaijan", 10, buf, 4), 5);
}

static void test_tokinfo_flags(void **state)
{
    (void)state;
    entities_token_t t[8];
    entities_tokinfo_t info[8];
    size_t n = split("EU said Russian-brokered U.S. 2020 , Putin", t, 8);
    assert_int_equal(n, 7);
    entities_tokinfo_fill(NULL, t, n, info);
    assert_true(info[0].flags & ENTITIES_TF_SENTSTART);
    assert_true(info[0].flags & ENTITIES_TF_ALLCAPS);
    assert_true(info[0].flags & ENTITIES_TF_CAP);
    assert_false(info[1].flags & (ENTITIES_TF_CAP | ENTITIES_TF_SENTSTART));
    assert_true(info[2].flags & ENTITIES_TF_HYPHEN);
    assert_true(info[3].flags & ENTITIES_TF_PERIOD);
    assert_true(info[4].flags & ENTITIES_TF_DIGIT);
    assert_true(info[5].flags & ENTITIES_TF_PUNCT);
    assert_true(info[6].flags & ENTITIES_TF_CAP);
    assert_false(info[6].flags & ENTITIES_TF_ALLCAPS);
}

/* Typographic and ASCII forms of a token have the same features: the core
 * tokenizer hands over "’s" where CoNLL has "'s". */
static void test_typographic_forms_match(void **state)
{
    (void)state;
    entities_token_t a[2], b[2];
    entities_tokinfo_t ia[2], ib[2];
    split("Russia 's", a, 2);
    split("Russia \u2019s", b, 2);
    entities_tokinfo_fill(NULL, a, 2, ia);
    entities_tokinfo_fill(NULL, b, 2, ib);
    assert_memory_equal(&ia[1], &ib[1], sizeof(ia[1]));
}

static void test_case_and_digits(void **state)
{
    (void)state;
    entities_token_t t[4];
    entities_tokinfo_t info[4];
    split("Putin putin 1996 2024", t, 4);
    entities_tokinfo_fill(NULL, t, 4, info);
    assert_true(info[0].form != info[1].form);
    assert_true(info[0].lower == info[1].lower);
    assert_true(info[0].shape != info[1].shape);
    assert_true(info[2].form != info[3].form);
    assert_true(info[2].lower == info[3].lower); /* digits fold to 0 */
    assert_true(info[0].suffix[2] == info[1].suffix[2]);
}

static void test_features_depend_on_context(void **state)
{
    (void)state;
    entities_token_t a[4], b[4];
    entities_tokinfo_t ia[4], ib[4];
    uint64_t ka[ENTITIES_MAX_FEATURES], kb[ENTITIES_MAX_FEATURES];
    size_t na = split("President Putin said .", a, 4);
    size_t nb = split("President Putin says .", b, 4);
    entities_tokinfo_fill(NULL, a, na, ia);
    entities_tokinfo_fill(NULL, b, nb, ib);
    size_t fa = entities_features(ia, na, 1, ka);
    size_t fb = entities_features(ib, nb, 1, kb);
    assert_true(fa > 20 && fa <= ENTITIES_MAX_FEATURES);
    assert_int_equal(fa, fb);
    size_t same = 0;
    for (size_t i = 0; i < fa; i++)
        same += ka[i] == kb[i];
    /* Only the templates that see the next word differ. */
    assert_true(same < fa && same >= fa - 6);
    /* The same input gives the same keys. */
    uint64_t kc[ENTITIES_MAX_FEATURES];
    assert_int_equal(entities_features(ia, na, 1, kc), fa);
    assert_memory_equal(ka, kc, fa * sizeof(uint64_t));
    /* Edges use padding, never out-of-range tokens. */
    assert_true(entities_features(ia, na, 0, kc) > 20);
    assert_true(entities_features(ia, na, na - 1, kc) > 20);
}

static void test_gazetteer_membership_is_a_feature(void **state)
{
    (void)state;
    entities_gaz_t *g = entities_gaz_new();
    assert_non_null(g);
    assert_int_equal(entities_gaz_add(g, "Black Sea", ENTITIES_LOC,
                                      ENTITIES_GZ_LOC, NULL, NULL, 1),
                     0);
    entities_token_t t[4];
    entities_tokinfo_t with[4], without[4];
    size_t n = split("the Black Sea coast", t, 4);
    entities_tokinfo_fill(g, t, n, with);
    entities_tokinfo_fill(NULL, t, n, without);
    assert_int_equal(with[1].gaz, 1u << (2 * ENTITIES_GZ_LOC));
    assert_int_equal(with[2].gaz, 1u << (2 * ENTITIES_GZ_LOC + 1));
    assert_int_equal(with[0].gaz | with[3].gaz, 0);
    uint64_t k1[ENTITIES_MAX_FEATURES], k2[ENTITIES_MAX_FEATURES];
    assert_true(entities_features(with, n, 1, k1) >
                entities_features(without, n, 1, k2));
    entities_gaz_free(g);
}

static void test_common_words(void **state)
{
    (void)state;
    entities_gaz_t *g = entities_gaz_new();
    char path[] = "/tmp/entities-words.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *words = "# comment\nhere\nsneak\n";
    assert_int_equal(write(fd, words, strlen(words)), (ssize_t)strlen(words));
    close(fd);
    char err[256];
    assert_int_equal(entities_gaz_load_words(g, path, err, sizeof(err)), 0);
    unlink(path);
    assert_true(entities_gaz_is_common(g, "Here", 4));
    assert_true(entities_gaz_is_common(g, "SNEAK", 5));
    assert_false(entities_gaz_is_common(g, "Putin", 5));
    /* A feature only where the word is capitalized. */
    entities_token_t t[3];
    entities_tokinfo_t info[3];
    size_t n = split("Here here Putin", t, 3);
    entities_tokinfo_fill(g, t, n, info);
    assert_true(info[0].flags & ENTITIES_TF_COMMON);
    assert_false(info[1].flags & ENTITIES_TF_COMMON);
    assert_false(info[2].flags & ENTITIES_TF_COMMON);
    assert_int_equal(
        entities_gaz_load_words(g, "/nonexistent", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot open word list /nonexistent"));
    entities_gaz_free(g);
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* The context keys of position i, as a multiset, are the bias, the
 * combined keys of the three words, one key per gazetteer bit around i
 * and the history's: the tagger scores all but the combined ones once
 * per value. */
static void check_context_split(const entities_tokinfo_t *info, size_t n,
                                size_t i)
{
    uint64_t want[ENTITIES_MAX_FEATURES], got[ENTITIES_MAX_FEATURES];
    size_t nw = entities_features_context(info, n, i, want), ng = 0;
    const entities_tokinfo_t *w[3] = {
        i == 0 ? entities_tokinfo_pad(1) : &info[i - 1], &info[i],
        i + 1 >= n ? entities_tokinfo_pad(0) : &info[i + 1]};
    entities_wordhash_t wh[3];
    for (int d = 0; d < 3; d++)
        entities_wordhash_of(w[d], &wh[d]);
    got[ng++] = entities_feature_bias();
    entities_features_combined(&wh[0], &wh[1], &wh[2], got + ng);
    ng += ENTITIES_COMBINED_FEATURES;
    for (unsigned d = 0; d < 3; d++)
        for (unsigned b = 0; b < 32; b++)
            if (w[d]->gaz & (1u << b))
                got[ng++] = entities_feature_gaz(d, b);
    if (info[i].hist)
        got[ng++] = entities_feature_hist(info[i].hist, info[i].flags);
    assert_int_equal(ng, nw);
    qsort(want, nw, sizeof(uint64_t), cmp_u64);
    qsort(got, ng, sizeof(uint64_t), cmp_u64);
    assert_memory_equal(want, got, nw * sizeof(uint64_t));
}

/* The keys of every position, as a multiset, are those of the word parts
 * at offsets -2..2 (pads outside the sentence) and of the context: the
 * tagger scores the word parts once per word type. */
static void check_parts(const entities_gaz_t *g, const char *text)
{
    entities_token_t t[64] = {{NULL, 0}};
    entities_tokinfo_t info[64];
    size_t n = split(text, t, 64);
    entities_tokinfo_fill(g, t, n, info);
    /* Some history, so that its key is among them. */
    for (size_t i = 0; i < n; i++)
        info[i].hist = (uint32_t)(i * 7) % ENTITIES_HIST_VALUES;
    for (size_t i = 0; i < n; i++) {
        check_context_split(info, n, i);
        uint64_t want[ENTITIES_MAX_FEATURES], got[6 * ENTITIES_MAX_FEATURES];
        size_t nw = entities_features(info, n, i, want);
        size_t ng = entities_features_context(info, n, i, got);
        for (int d = -2; d <= 2; d++) {
            long j = (long)i + d;
            const entities_tokinfo_t *w = j < 0 ? entities_tokinfo_pad(1)
                                          : (size_t)j >= n
                                              ? entities_tokinfo_pad(0)
                                              : &info[j];
            ng += entities_features_word(w, d, got + ng);
        }
        assert_int_equal(ng, nw);
        qsort(want, nw, sizeof(uint64_t), cmp_u64);
        qsort(got, ng, sizeof(uint64_t), cmp_u64);
        assert_memory_equal(want, got, nw * sizeof(uint64_t));
    }
}

static void test_feature_parts_add_up(void **state)
{
    (void)state;
    entities_gaz_t *g = entities_gaz_new();
    assert_non_null(g);
    assert_int_equal(entities_gaz_add(g, "Black Sea", ENTITIES_LOC,
                                      ENTITIES_GZ_LOC, NULL, NULL, 1),
                     0);
    assert_int_equal(entities_gaz_add(g, "Georgia", ENTITIES_GPE,
                                      ENTITIES_GZ_COUNTRY, NULL, NULL, 1),
                     0);
    assert_int_equal(entities_gaz_add(g, "Georgia", ENTITIES_PERSON,
                                      ENTITIES_GZ_PERSON, NULL, NULL, 0),
                     0);
    const char *texts[] = {
        "Here the Black Sea coast of Georgia , said Putin .",
        "Georgia",
        "Black Sea",
        "EU U.S. 2020 Russian-brokered T\u00fcrkiye \u2019s \u201cquote\u201d",
        "x Georgia Georgia Georgia",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        " Black Sea",
        "\u00c9MILE \u00e9mile \u0130stanbul \u0391\u03b8\u03ae\u03bd\u03b1 "
        "\u2014 \u20ac5 \u0661\u0662",
    };
    for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
        check_parts(g, texts[k]);
        check_parts(NULL, texts[k]);
    }
    entities_gaz_free(g);
}

/* The document history: what earlier sentences tagged a word as, case
 * aside, and the feature it gives (which the split keys carry too). */
static void test_history(void **state)
{
    (void)state;
    entities_token_t t[8];
    size_t n =
        split("MaliVai Washington won . WASHINGTON , Washington 2", t, 8);
    entities_ftok_t ft[8];
    entities_foldbuf_t fb = {NULL, 0, 0};
    assert_int_equal(entities_fold_tokens(t, n, ft, &fb), 0);
    entities_history_t *h = entities_history_new();
    assert_non_null(h);
    uint32_t slot[8], hist[8];
    assert_int_equal(entities_history_slots(h, ft, fb.buf, n, slot), 0);
    assert_int_equal(slot[3], UINT32_MAX); /* "." starts with no letter */
    assert_int_equal(slot[1], slot[4]);    /* case aside */
    assert_int_equal(slot[1], slot[6]);
    /* Nothing tagged yet. */
    entities_history_get(h, slot, n, hist);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(hist[i], 0);
    const uint8_t tags[4] = {ENTITIES_TAG_B(ENTITIES_T_PER),
                             ENTITIES_TAG_I(ENTITIES_T_PER), 0, 0};
    entities_history_add(h, slot, tags, 4);
    entities_history_get(h, slot + 4, 4, hist);
    assert_int_equal(hist[0], 1u << ENTITIES_T_PER);
    assert_int_equal(hist[1], 0);
    assert_int_equal(hist[2], 1u << ENTITIES_T_PER);
    assert_int_equal(hist[3], 0);
    /* The history key is a context key: the parts still add up. */
    entities_tokinfo_t info[4];
    entities_tokinfo_fill(NULL, t + 4, 4, info);
    for (size_t i = 0; i < 4; i++)
        info[i].hist = hist[i];
    uint64_t want[ENTITIES_MAX_FEATURES], got[ENTITIES_MAX_FEATURES];
    size_t nw = entities_features(info, 4, 0, want);
    size_t ng = entities_features_context(info, 4, 0, got);
    int found = 0;
    uint64_t key = entities_feature_hist(hist[0], info[0].flags);
    for (size_t k = 0; k < ng; k++)
        found |= got[k] == key;
    assert_true(found);
    found = 0;
    for (size_t k = 0; k < nw; k++)
        found |= want[k] == key;
    assert_true(found);
    entities_history_clear(h);
    entities_history_get(h, slot, 0, hist);
    entities_history_free(h);
    free(fb.buf);
}

/* Folding a document's tokens keeps each folded form once: tokens that
 * fold alike share their bytes and key, which are those that folding
 * each token alone gives. */
static void test_fold_text_shares_forms(void **state)
{
    (void)state;
    const char *text = "Armenia armenia ARMENIA T\xc3\xbcrkiye turkiye -";
    entities_token_t t[8];
    size_t n = split(text, t, 8);
    assert_int_equal(n, 6);
    glossa_token_t gt[8];
    memset(gt, 0, sizeof(gt));
    for (size_t i = 0; i < n; i++) {
        gt[i].start = (uint32_t)(t[i].s - text);
        gt[i].end = gt[i].start + t[i].len;
    }
    entities_ftok_t ft[8], one[8];
    entities_foldbuf_t fb = {NULL, 0, 0}, fb1 = {NULL, 0, 0};
    assert_int_equal(entities_fold_text_tokens(text, gt, n, ft, &fb), 0);
    assert_int_equal(entities_fold_tokens(t, n, one, &fb1), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(ft[i].len, one[i].len);
        assert_int_equal(ft[i].flags, one[i].flags);
        assert_memory_equal(fb.buf + ft[i].off, fb1.buf + one[i].off,
                            ft[i].len);
        assert_true(entities_ft_key(&ft[i], fb.buf) ==
                    entities_ft_key(&one[i], fb1.buf));
    }
    assert_int_equal(ft[0].off, ft[1].off);
    assert_int_equal(ft[0].off, ft[2].off);
    assert_int_equal(ft[3].off, ft[4].off);
    assert_true(ft[0].off != ft[3].off && ft[3].off != ft[5].off);
    assert_true(fb.len < fb1.len);
    free(fb.buf);
    free(fb1.buf);
}

/* The ASCII fast path of entities_tokinfo_word computes what the code
 * point by code point path does. */
static void test_ascii_fast_path(void **state)
{
    (void)state;
    static const char *const words[] = {
        "Putin",      "U.S.",  "2020",
        "-",          "--",    "a-",
        "-a",         "a-b",   "Russian-brokered",
        "'s",         "n't",   ".",
        "...",        "X",     "x",
        "ABC",        "AbC",   "a1B2",
        "$",          "%",     "e.g.",
        "3.5",        "1,000", "O'Neill",
        "Ctrl+Enter", "#tag",  "@user"};
    entities_tokinfo_t fast, slow;
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        entities_token_t t = {words[k], (uint32_t)strlen(words[k])};
        entities_tokinfo_word(NULL, &t, &fast);
        entities_tokinfo_generic(&t, &slow);
        assert_memory_equal(&fast, &slow, sizeof(fast));
    }
    /* Random ASCII strings around the length limit, and every byte. */
    char buf[128];
    uint64_t x = 7;
    for (int round = 0; round < 20000; round++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        size_t len = (size_t)(x >> 33) % 110;
        for (size_t i = 0; i < len; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            unsigned c = (unsigned)(x >> 40) % 96;
            buf[i] = (char)(c < 95 ? 33u + c % 94u : 1u + (unsigned)(x >> 60));
        }
        entities_token_t t = {buf, (uint32_t)len};
        entities_tokinfo_word(NULL, &t, &fast);
        entities_tokinfo_generic(&t, &slow);
        assert_memory_equal(&fast, &slow, sizeof(fast));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_tokinfo_flags),
        cmocka_unit_test(test_typographic_forms_match),
        cmocka_unit_test(test_case_and_digits),
        cmocka_unit_test(test_features_depend_on_context),
        cmocka_unit_test(test_gazetteer_membership_is_a_feature),
        cmocka_unit_test(test_common_words),
        cmocka_unit_test(test_feature_parts_add_up),
        cmocka_unit_test(test_ascii_fast_path),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_fold_text_shares_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
